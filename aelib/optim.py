r"""Optimisers: update a model's ``params`` in place from ``grads`` (same keys).

* ``sgd``:      :math:`\theta \leftarrow \theta - \eta\, g`
* ``momentum``: :math:`v \leftarrow \mu v - \eta\, g,\ \theta \leftarrow \theta + v`
* ``adam``:     :math:`m \leftarrow \beta_1 m + (1-\beta_1) g,\ s \leftarrow \beta_2 s + (1-\beta_2) g^2,\
  \theta \leftarrow \theta - \eta\, \hat m / (\sqrt{\hat s} + \epsilon)` with bias-corrected
  :math:`\hat m = m / (1 - \beta_1^t)`, :math:`\hat s = s / (1 - \beta_2^t)`.

State arrays are allocated once, in the parameters' dtype, and updated in place. An optimiser object
passed to several :func:`~aelib.train.fit` calls continues its state (velocity, moments, step count):
that is how to resume an interrupted run.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v


class Optimizer:
    name = "optimizer"

    def __init__(self, lr: float):
        self.lr = v.check_float(lr, "lr", self.name, low=0.0, low_open=True)

    def step(self, params: dict, grads: dict) -> None:
        raise NotImplementedError

    def _state(self):
        """``(name, {param name: array})`` for each kind of state kept between steps."""
        return ()

    def check_state(self, params: dict, owner: str = "fit") -> None:
        """State kept from earlier steps must fit ``params`` (same names, shapes and dtypes)."""
        for kind, arrays in self._state():
            for k, a in arrays.items():
                p = params.get(k)
                if p is None or p.shape != a.shape or p.dtype != a.dtype:
                    got = "no such parameter" if p is None else f"{p.dtype} {p.shape}"
                    raise ValueError(
                        f"The 'optimizer' parameter of {owner} holds state ({kind}) for a parameter '{k}' "
                        f"of {a.dtype} {a.shape}, from another model; this model has {got}. Continue "
                        f"a model's training with its own optimizer object, or make a new one.")

    def __repr__(self):
        extra = "".join(f", {k}={getattr(self, k):g}" for k in self._show)
        return f"{type(self).__name__}(lr={self.lr:g}{extra})"

    _show = ()


class SGD(Optimizer):
    name = "sgd"

    def step(self, params, grads):
        for k, p in params.items():
            p -= self.lr * grads[k]


class Momentum(Optimizer):
    name = "momentum"
    _show = ("momentum",)

    def __init__(self, lr: float, momentum: float = 0.9):
        super().__init__(lr)
        self.momentum = v.check_float(momentum, "momentum", self.name, low=0.0, high=1.0, high_open=True)
        self.velocity = {}

    def _state(self):
        return (("velocity", self.velocity),)

    def step(self, params, grads):
        for k, p in params.items():
            vel = self.velocity.get(k)
            if vel is None:
                vel = self.velocity[k] = np.zeros_like(p)
            vel *= self.momentum
            vel -= self.lr * grads[k]
            p += vel


class Adam(Optimizer):
    name = "adam"
    _show = ("beta1", "beta2")

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        super().__init__(lr)
        self.beta1 = v.check_float(beta1, "beta1", self.name, 0.0, 1.0, high_open=True)
        self.beta2 = v.check_float(beta2, "beta2", self.name, 0.0, 1.0, high_open=True)
        self.eps = v.check_float(eps, "eps", self.name, 0.0, low_open=True)
        self.m, self.s, self.t = {}, {}, 0
        self._tmp = {}

    def _state(self):
        return (("m", self.m), ("s", self.s))

    def step(self, params, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = self.lr * np.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)   # bias corrections folded in
        eps_hat = self.eps * np.sqrt(1 - b2 ** self.t)
        for k, p in params.items():
            g = grads[k]
            if k not in self.m:
                self.m[k], self.s[k], self._tmp[k] = np.zeros_like(p), np.zeros_like(p), np.empty_like(p)
            m, s, tmp = self.m[k], self.s[k], self._tmp[k]
            m *= b1
            m += (1 - b1) * g                  # m = b1 m + (1 - b1) g
            s *= b2
            np.multiply(g, g, out=tmp)
            tmp *= (1 - b2)
            s += tmp                           # s = b2 s + (1 - b2) g²
            np.sqrt(s, out=tmp)
            tmp += eps_hat
            np.divide(m, tmp, out=tmp)
            tmp *= step
            p -= tmp                           # p -= lr m̂ / (√ŝ + eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(optimizer, lr, **kwargs) -> Optimizer:
    """Build an optimiser by name (an :class:`Optimizer` instance passes through unchanged)."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    cls = OPTIMIZERS[v.check_choice(optimizer, "optimizer", OPTIMIZERS, "fit")]
    return cls(lr, **kwargs)

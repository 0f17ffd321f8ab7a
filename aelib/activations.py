r"""Activation functions as registered objects.

An :class:`Activation` keeps together everything the course says about one nonlinearity:

* ``f(a)``: the function, applied elementwise to the pre-activation ``a = X Wᵀ + b``;
* ``df(a, h)``: its derivative ``f'(a)``, given both ``a`` and ``h = f(a)`` so that each
  activation can use whichever is cheaper (the sigmoid's is ``h (1 - h)``);
* ``inverse(h)`` where one exists, with the open or closed interval it is defined on;
* the output range and a LaTeX name.

Adding an activation is one :func:`register` call; every test that loops over
``ACTIVATIONS`` then covers it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from ._validate import check_choice

LEAKY_SLOPE = 0.01   # negative-side slope of leaky_relu
ELU_ALPHA = 1.0      # saturation value -alpha of elu


@dataclass(frozen=True)
class Activation:
    """One nonlinearity: function, derivative, optional inverse, range and LaTeX name."""
    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray, np.ndarray], np.ndarray]
    output_range: tuple            # (low, high), may be infinite
    latex: str
    inverse: Optional[Callable[[np.ndarray], np.ndarray]] = None
    inverse_domain: Optional[tuple] = None   # interval on which inverse is defined
    formula: str = ""
    closed_low: bool = False       # True when the lower end of output_range is attained (relu: 0)

    def __call__(self, a):
        return self.f(a)

    def derivative(self, a):
        """``f'(a)`` computed from ``a`` alone (convenience for plotting and teaching)."""
        a = np.asarray(a, dtype=float) if not isinstance(a, np.ndarray) else a
        return self.df(a, self.f(a))

    @property
    def bounded(self) -> bool:
        return bool(np.isfinite(self.output_range[0]) and np.isfinite(self.output_range[1]))

    def maps_into(self, low: float, high: float) -> bool:
        """True when every output of the function lies in ``[low, high]``."""
        return self.output_range[0] >= low and self.output_range[1] <= high

    def __repr__(self):
        inv = f", inverse on {_interval(self.inverse_domain)}" if self.inverse else ", no inverse"
        return f"Activation({self.name}: {self.formula}, range {_interval(self.output_range, self.closed_low)}{inv})"


def _interval(iv, closed_low: bool = False) -> str:
    lo, hi = iv
    return f"{'[' if closed_low else '('}{_num(lo)}, {_num(hi)})"


def _num(v) -> str:
    return "inf" if v == np.inf else "-inf" if v == -np.inf else f"{v:g}"


ACTIVATIONS: dict[str, Activation] = {}


def register(act: Activation) -> Activation:
    """Add an activation to the registry (its ``name`` is the key)."""
    assert act.name not in ACTIVATIONS, f"activation {act.name!r} registered twice"
    ACTIVATIONS[act.name] = act
    return act


def get_activation(name, owner: str = "", param: str = "activation") -> Activation:
    """Look an activation up by name (an :class:`Activation` passes through unchanged)."""
    if isinstance(name, Activation):
        return name
    return ACTIVATIONS[check_choice(name, param, ACTIVATIONS, owner)]


# ---- the functions -------------------------------------------------------------------------
# Each forward is written beside its local derivative, as in micrograd.

def sigmoid(a):
    r""":math:`σ(a) = 1 / (1 + e^{-a})`, elementwise; float32 stays float32.

    For ``a`` below about -88 (float32) ``e^{-a}`` overflows to ``inf`` and ``1 / inf = 0``, the
    right limit, so that overflow is expected and not reported.
    """
    a = np.asarray(a)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-a))


def _sigmoid_inv(h):
    return np.log(h) - np.log1p(-h)


def _softplus(a):
    return np.logaddexp(0, a).astype(np.result_type(a, np.float32), copy=False)


def _softplus_inv(h):
    return np.log(np.expm1(h))


def _elu(a):
    return np.where(a > 0, a, ELU_ALPHA * np.expm1(np.minimum(a, 0)))


def _elu_inv(h):
    return np.where(h > 0, h, np.log1p(h / ELU_ALPHA))


register(Activation(
    "identity", f=lambda a: a, df=lambda a, h: np.ones_like(a),
    output_range=(-np.inf, np.inf), latex=r"\mathrm{id}(a) = a",
    inverse=lambda h: h, inverse_domain=(-np.inf, np.inf), formula="a"))

register(Activation(
    "sigmoid", f=sigmoid, df=lambda a, h: h * (1 - h),
    output_range=(0.0, 1.0), latex=r"\sigma(a) = \frac{1}{1 + e^{-a}}",
    inverse=_sigmoid_inv, inverse_domain=(0.0, 1.0), formula="1 / (1 + exp(-a))"))

register(Activation(
    "tanh", f=np.tanh, df=lambda a, h: 1 - h * h,
    output_range=(-1.0, 1.0), latex=r"\tanh(a)",
    inverse=np.arctanh, inverse_domain=(-1.0, 1.0), formula="tanh(a)"))

register(Activation(
    "relu", f=lambda a: np.maximum(a, 0), df=lambda a, h: (a > 0).astype(a.dtype),
    output_range=(0.0, np.inf), latex=r"\mathrm{relu}(a) = \max(0, a)",
    formula="max(0, a)", closed_low=True))   # no inverse: every a <= 0 maps to 0

register(Activation(
    "leaky_relu", f=lambda a: np.where(a > 0, a, LEAKY_SLOPE * a),
    df=lambda a, h: np.where(a > 0, 1, LEAKY_SLOPE).astype(a.dtype),
    output_range=(-np.inf, np.inf), latex=r"\mathrm{lrelu}(a) = \max(%g a, a)" % LEAKY_SLOPE,
    inverse=lambda h: np.where(h > 0, h, h / LEAKY_SLOPE), inverse_domain=(-np.inf, np.inf),
    formula=f"max({LEAKY_SLOPE:g} a, a)"))

register(Activation(
    "elu", f=_elu, df=lambda a, h: np.where(a > 0, 1, h + ELU_ALPHA).astype(a.dtype),
    output_range=(-ELU_ALPHA, np.inf),
    latex=r"\mathrm{elu}(a) = \begin{cases} a & a > 0 \\ e^{a} - 1 & a \le 0 \end{cases}",
    inverse=_elu_inv, inverse_domain=(-ELU_ALPHA, np.inf), formula="a if a > 0 else exp(a) - 1"))

register(Activation(
    "softplus", f=_softplus, df=lambda a, h: sigmoid(a),
    output_range=(0.0, np.inf), latex=r"\mathrm{softplus}(a) = \log(1 + e^{a})",
    inverse=_softplus_inv, inverse_domain=(0.0, np.inf), formula="log(1 + exp(a))"))

r"""Visualising a hidden unit: the input that excites it most, and the real inputs that do (numpy only).

For a unit of the first layer, :math:`h_i(x) = f(w_i \cdot x + b_i)` with ``w_i`` the ``i``-th row
of ``W: (n_hidden, n_visible)``. Without a constraint there is no maximiser (make ``x`` longer and
``w_i · x`` grows), so we fix the length of the input, :math:`\|x\| = r`, and solve

.. math::  x^\star = \arg\max_{\|x\| = r} f(w_i \cdot x + b_i) = r \, \frac{w_i}{\|w_i\|}

for any increasing ``f`` (by Cauchy-Schwarz, :math:`w_i \cdot x \le \|w_i\| \, r`, with equality
only along :math:`w_i`). :func:`maximize_input` finds it by *projected gradient ascent*, which
also works when there is no closed form (deeper units): step uphill, then rescale back onto the
sphere :math:`\|x\| = r`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .activations import get_activation


@dataclass(frozen=True)
class AscentResult:
    """``x: (n,)`` the input found, ``values: (steps + 1,)`` the objective after each step."""
    x: np.ndarray
    values: np.ndarray

    @property
    def value(self) -> float:
        return float(self.values[-1])


def maximize_input(objective, n: int, norm: float = 1.0, steps: int = 200, lr: float = 0.1, seed=0,
                   x0=None) -> AscentResult:
    r"""Projected gradient ascent of ``objective`` on the sphere :math:`\|x\| = r`.

    ``objective(x) -> (value, gradient)`` for ``x: (n,)``. Each step moves a distance
    :math:`\eta r` uphill, :math:`x \leftarrow x + \eta r\, \nabla_x / \|\nabla_x\|` (normalising
    the gradient keeps the steps useful when a saturated sigmoid makes it tiny), then returns to
    the sphere, :math:`x \leftarrow r\, x / \|x\|`. The start is ``x0`` (rescaled onto the
    sphere) or a random direction drawn from ``seed``.
    """
    owner = "maximize_input"
    if not callable(objective):
        raise TypeError(f"The 'objective' parameter of {owner} must be a callable x -> (value, gradient). "
                        f"Got {type(objective).__name__} instead.")
    n = v.check_int(n, "n", owner)
    norm = v.check_float(norm, "norm", owner, low=0.0, low_open=True)
    steps = v.check_int(steps, "steps", owner, minimum=0)
    lr = v.check_float(lr, "lr", owner, low=0.0, low_open=True)
    if x0 is None:
        x = v.check_rng(seed, "seed", owner).standard_normal(n)      # (n,)
    else:
        x = v.check_array(x0, "x0", owner, ndim=1, n_cols=n, dtype=np.float64).copy()
        if not np.any(x):
            raise ValueError(f"The 'x0' parameter of {owner} must not be all zeros (it has no direction).")
    x *= norm / np.linalg.norm(x)
    values = [objective(x)[0]]
    for _ in range(steps):
        _, g = objective(x)                                            # g: (n,)
        g_norm = np.linalg.norm(g)
        if g_norm == 0:                                                # flat: nowhere to go
            break
        x = x + (lr * norm / g_norm) * g                               # a step of length lr * r
        x *= norm / np.linalg.norm(x)                                  # back onto the sphere
        values.append(objective(x)[0])
    return AscentResult(x=x, values=np.asarray(values, dtype=float))


def unit_objective(W, b, unit: int, activation="sigmoid"):
    r"""``x -> (h_i(x), ∇_x h_i)`` for :math:`h_i = f(w_i \cdot x + b_i)`; the gradient is :math:`f'(a)\, w_i`."""
    W = v.check_array(W, "W", "unit_objective", ndim=2, dtype=np.float64)
    b = v.check_array(b, "b", "unit_objective", ndim=1, n_cols=W.shape[0], dtype=np.float64)
    unit = _check_unit(unit, W.shape[0], "unit_objective")
    act = get_activation(activation, "unit_objective")
    w, bi = W[unit], float(b[unit])                                   # (n,), scalar

    def objective(x):
        a = np.array([w @ x + bi])                                    # (1,)
        h = act.f(a)
        return float(h[0]), float(act.df(a, h)[0]) * w                # value, (n,)
    return objective


def maximize_unit(W, b, unit: int, activation="sigmoid", norm: float = 1.0, steps: int = 200,
                  lr: float = 0.1, seed=0) -> AscentResult:
    """The input of length ``norm`` that maximises first-layer unit ``unit``, by projected gradient ascent."""
    W = v.check_array(W, "W", "maximize_unit", ndim=2, dtype=np.float64)
    obj = unit_objective(W, b, unit, activation)
    return maximize_input(obj, W.shape[1], norm=norm, steps=steps, lr=lr, seed=seed)


def closed_form_maximizer(W, unit: int, norm: float = 1.0):
    r"""The exact answer for a first-layer unit with an increasing activation: :math:`r\, w_i / \|w_i\|`, shape ``(n,)``."""
    W = v.check_array(W, "W", "closed_form_maximizer", ndim=2, dtype=np.float64)
    unit = _check_unit(unit, W.shape[0], "closed_form_maximizer")
    norm = v.check_float(norm, "norm", "closed_form_maximizer", low=0.0, low_open=True)
    w = W[unit]                                                       # (n,)
    length = np.linalg.norm(w)
    if length == 0:
        raise ValueError(f"Row {unit} of the 'W' parameter of closed_form_maximizer is all zeros: every input "
                         f"of that length excites the unit equally, so there is no single maximiser.")
    return norm * w / length


def top_activating(H, unit: int, k: int = 8):
    """Indices of the ``k`` rows of ``H: (batch, n_hidden)`` where unit ``unit`` is largest, largest first."""
    H = v.check_array(H, "H", "top_activating", ndim=2)
    unit = _check_unit(unit, H.shape[1], "top_activating")
    k = v.check_int(k, "k", "top_activating")
    k = min(k, H.shape[0])
    col = H[:, unit]                                                  # (batch,)
    idx = np.argpartition(-col, k - 1)[:k]
    return idx[np.argsort(-col[idx], kind="stable")]


def cosine(a, b) -> float:
    """Cosine of the angle between two vectors (1 = same direction)."""
    a = np.ravel(np.asarray(a, dtype=np.float64))
    b = np.ravel(np.asarray(b, dtype=np.float64))
    if a.shape != b.shape:
        raise ValueError(f"The 'b' parameter of cosine must have the shape of a {a.shape}. Got {b.shape} instead.")
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _check_unit(unit, n_units: int, owner: str) -> int:
    unit = v.check_int(unit, "unit", owner, minimum=0)
    if unit >= n_units:
        raise ValueError(f"The 'unit' parameter of {owner} must be between 0 and {n_units - 1}. "
                         f"Got {unit} instead.")
    return unit

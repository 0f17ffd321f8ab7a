r"""Symbolic gradients of a tied sigmoid autoencoder, derived with SymPy (notebook 03).

This module imports SymPy; ``import aelib`` does not import it.

The model, for one example (column vectors, as on paper):

.. math::  y = \sigma(W x + b) \in \mathbb{R}^m, \qquad z = \sigma(W^\top y + b') \in \mathbb{R}^n,

with ``W: (m, n)``, and the loss

* cross-entropy :math:`L = -\sum_k x_k \log z_k + (1 - x_k) \log(1 - z_k)`, or
* squared error :math:`L = \sum_k (x_k - z_k)^2`.

:func:`derive_tied_autoencoder` builds these expressions for small concrete sizes (every entry of
``W`` its own symbol), differentiates ``L`` with respect to every entry of ``W``, ``b`` and ``b'``,
and simplifies the result by naming the sigmoids back: ``σ(W x + b)_j -> y_j`` and
``σ(Wᵀ y + b')_k -> z_k``. The sigmoid is a SymPy function whose derivative is declared as
:math:`\sigma' = \sigma (1 - \sigma)`, so the results come out as polynomials in ``x, W, y, z``.

The results (proved symbolically for the sizes built, and by the index calculation in notebook 03
for any size), with :math:`\delta = \partial L / \partial a'` the error at the output pre-activation:

.. math::  \delta = z - x \ \text{(cross-entropy)}, \qquad \delta = 2 (z - x) \odot z \odot (1 - z)
           \ \text{(squared error)}

.. math::  \frac{\partial L}{\partial b'} = \delta, \quad
           \frac{\partial L}{\partial b} = (W \delta) \odot y \odot (1 - y), \quad
           \frac{\partial L}{\partial W} = \big((W \delta) \odot y \odot (1 - y)\big) x^\top + y\, \delta^\top

(the last term is the decoder path: ``dW = dW_enc + dW_decᵀ`` with ``dW_dec = δ yᵀ``).
The formulas practitioners quote, ``(W(x-z) * y * (1-y)) xᵀ + ((x-z) yᵀ)ᵀ``, ``W(x-z) * y * (1-y)``
and ``x - z`` (:func:`practitioners_formulas`), are exactly the **negatives** of these.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from . import _validate as v

LOSS_NAMES = ("cross_entropy", "squared_error")


class sigmoid(sp.Function):
    r"""The logistic function :math:`\sigma(a) = 1 / (1 + e^{-a})`, with :math:`\sigma' = \sigma (1 - \sigma)`."""

    def fdiff(self, argindex=1):
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, a, **kwargs):
        return 1 / (1 + sp.exp(-a))

    def _latex(self, printer):
        return r"\sigma\left(%s\right)" % printer._print(self.args[0])


def _np_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def loss_expression(x, z, loss: str = "cross_entropy"):
    """The loss of one example as a SymPy expression, summed over the entries of ``x`` and ``z``."""
    v.check_choice(loss, "loss", LOSS_NAMES, "loss_expression")
    if loss == "cross_entropy":
        return -sum(xk * sp.log(zk) + (1 - xk) * sp.log(1 - zk) for xk, zk in zip(x, z))
    return sum((xk - zk) ** 2 for xk, zk in zip(x, z))


# ---- one output unit: where z - x comes from -------------------------------------------------

@dataclass(frozen=True)
class OutputError:
    r"""The chain rule at one sigmoid output unit, :math:`z = \sigma(a)`.

    ``dL_dz``: :math:`\partial \ell / \partial z`; ``dz_da``: :math:`\sigma'(a)` written as
    :math:`z (1 - z)`; ``dL_da``: their product, simplified; ``dL_da_from_exp``: the same
    derivative computed from :math:`\sigma(a) = 1 / (1 + e^{-a})` written out with exponentials,
    and ``check``: ``dL_da_from_exp - dL_da`` simplified (0 when the two agree).
    """
    loss: str
    a: sp.Symbol
    x: sp.Symbol
    z: sp.Symbol
    ell: sp.Expr
    dL_dz: sp.Expr
    dz_da: sp.Expr
    dL_da: sp.Expr
    dL_da_from_exp: sp.Expr
    check: sp.Expr


def output_error(loss: str = "cross_entropy") -> OutputError:
    r"""Derive :math:`\partial \ell / \partial a` for one pixel with :math:`z = \sigma(a)`.

    Cross-entropy gives :math:`z - x`: the :math:`z(1 - z)` from the sigmoid cancels the
    denominator of :math:`\partial \ell / \partial z = (z - x) / (z (1 - z))`. Squared error gives
    :math:`2 (z - x) z (1 - z)`: nothing cancels, and the error signal vanishes when the output
    saturates, right or wrong.
    """
    v.check_choice(loss, "loss", LOSS_NAMES, "output_error")
    a, x, z = sp.symbols("a x z", real=True)
    ell = loss_expression([x], [z], loss)                              # ℓ(x, z)
    dL_dz = sp.factor(sp.cancel(sp.diff(ell, z)))
    dz_da = z * (1 - z)                                                # σ'(a) = σ(1 - σ)
    dL_da = sp.factor(sp.cancel(dL_dz * dz_da))
    sig = 1 / (1 + sp.exp(-a))
    from_exp = sp.diff(ell.subs(z, sig), a)
    check = sp.simplify(from_exp - dL_da.subs(z, sig))
    return OutputError(loss, a, x, z, ell, dL_dz, dz_da, dL_da, sp.simplify(from_exp), check)


# ---- the whole tied autoencoder --------------------------------------------------------------

@dataclass
class TiedDerivation:
    r"""Symbols, loss and gradients of a tied sigmoid autoencoder (see the module docstring).

    ``x (n,1)``, ``W (m,n)``, ``b (m,1)``, ``b_prime (n,1)``: the inputs and parameters, one symbol
    per entry. ``y (m,1)`` and ``z (n,1)``: symbols standing for the hidden code and the
    reconstruction. ``loss``: ``L`` in terms of ``x, W, b, b'``. ``raw``: the gradients as SymPy
    differentiates them (in ``x, W, b, b'``); ``grads``: the same, simplified, in ``x, W, y, z``.
    ``forward``: ``{y_j: σ(...), z_k: σ(...)}``, to substitute the code and reconstruction back.
    """
    loss_name: str
    n_visible: int
    n_hidden: int
    x: sp.Matrix
    W: sp.Matrix
    b: sp.Matrix
    b_prime: sp.Matrix
    y: sp.Matrix
    z: sp.Matrix
    loss: sp.Expr
    raw: dict = field(default_factory=dict)
    grads: dict = field(default_factory=dict)
    forward: dict = field(default_factory=dict)

    def __repr__(self):
        n, m = self.n_visible, self.n_hidden
        return (f"TiedDerivation({n} -> {m} -> {n}, sigmoid, tied, loss={self.loss_name}, "
                f"gradients for {', '.join(self.grads)})")


def _symbols(n: int, m: int):
    x = sp.Matrix(n, 1, lambda k, _: sp.Symbol(f"x_{k}", real=True))
    W = sp.Matrix(m, n, lambda j, k: sp.Symbol(f"W_{j}{k}", real=True))
    b = sp.Matrix(m, 1, lambda j, _: sp.Symbol(f"b_{j}", real=True))
    bp = sp.Matrix(n, 1, lambda k, _: sp.Symbol(f"b'_{k}", real=True))
    y = sp.Matrix(m, 1, lambda j, _: sp.Symbol(f"y_{j}", real=True))
    z = sp.Matrix(n, 1, lambda k, _: sp.Symbol(f"z_{k}", real=True))
    return x, W, b, bp, y, z


def derive_tied_autoencoder(n_visible: int = 3, n_hidden: int = 2, loss: str = "cross_entropy") -> TiedDerivation:
    r"""Differentiate the loss of a tied sigmoid autoencoder with respect to every parameter.

    Sizes are small and concrete (default 3 visible, 2 hidden units), so that every entry is a
    symbol SymPy can differentiate; the matrix formulas then follow by reading the pattern
    (and are checked against it by :func:`matrix_formulas`).
    """
    owner = "derive_tied_autoencoder"
    n = v.check_int(n_visible, "n_visible", owner)
    m = v.check_int(n_hidden, "n_hidden", owner)
    if n * m > 40:
        raise ValueError(f"The sizes of {owner} must be small (n_visible * n_hidden <= 40): every weight is "
                         f"a symbol and the expressions grow fast. Got {n} * {m} = {n * m} instead.")
    v.check_choice(loss, "loss", LOSS_NAMES, owner)
    x, W, b, bp, y, z = _symbols(n, m)
    y_of_x = (W * x + b).applyfunc(sigmoid)                # (m,1)  y = σ(W x + b)
    z_of_x = (W.T * y_of_x + bp).applyfunc(sigmoid)        # (n,1)  z = σ(Wᵀ y + b')
    L = loss_expression(x, z_of_x, loss)
    # name the sigmoids back; xreplace works from the root down, so each z_k node is replaced
    # whole before its inner y_j nodes are reached
    back = {z_of_x[k]: z[k] for k in range(n)}
    back.update({y_of_x[j]: y[j] for j in range(m)})
    d = TiedDerivation(loss, n, m, x, W, b, bp, y, z, L)
    z_of_y = (W.T * y + bp).applyfunc(sigmoid)            # (n,1)  z in terms of the y symbols
    d.forward = {**{y[j]: y_of_x[j] for j in range(m)}, **{z[k]: z_of_y[k] for k in range(n)}}
    for name, P in (("W", W), ("b", b), ("b_prime", bp)):
        raw = P.applyfunc(lambda p: sp.diff(L, p))
        d.raw[name] = raw
        d.grads[name] = raw.applyfunc(lambda e: sp.expand(sp.cancel(e.xreplace(back))))
    return d


def matrix_formulas(d: TiedDerivation, sign: int = 1) -> dict:
    r"""The gradients in matrix form, built from the symbols of ``d`` (``sign=-1`` negates them).

    :math:`\delta = z - x` (cross-entropy) or :math:`2 (z - x) \odot z \odot (1 - z)` (squared
    error); ``b_prime``: δ; ``b``: :math:`(W\delta) \odot y \odot (1-y)`; ``W``: that times
    :math:`x^\top`, plus :math:`y\,\delta^\top`.
    """
    x, W, y, z = d.x, d.W, d.y, d.z
    one_z = sp.ones(*z.shape)
    one_y = sp.ones(*y.shape)
    delta = z - x                                                    # (n,1)
    if d.loss_name == "squared_error":
        delta = 2 * delta.multiply_elementwise(z).multiply_elementwise(one_z - z)
    back = (W * delta).multiply_elementwise(y).multiply_elementwise(one_y - y)   # (m,1)
    out = {"W": back * x.T + y * delta.T, "b": back, "b_prime": delta}
    return {k: sign * M for k, M in out.items()}


def practitioners_formulas(d: TiedDerivation) -> dict:
    r"""The formulas as practitioners quote them (seed 002), written literally:

    ``W``: ``(W(x-z) * y * (1-y)) xᵀ + ((x-z) yᵀ)ᵀ``; ``b``: ``W(x-z) * y * (1-y)``; ``b_prime``: ``x - z``.
    Only meaningful for cross-entropy.
    """
    x, W, y, z = d.x, d.W, d.y, d.z
    one_y = sp.ones(*y.shape)
    hid = (W * (x - z)).multiply_elementwise(y).multiply_elementwise(one_y - y)  # (m,1)
    return {"W": hid * x.T + ((x - z) * y.T).T, "b": hid, "b_prime": x - z}


def difference(A: dict, B: dict) -> dict:
    """``{name: expand(A[name] - B[name])}``: all-zero matrices mean the two sets of formulas are equal."""
    return {k: (A[k] - B[k]).applyfunc(sp.expand) for k in A}


def negate(A: dict) -> dict:
    """``{name: -A[name]}``."""
    return {k: -M for k, M in A.items()}


def is_zero(diffs: dict) -> bool:
    """True when every matrix in ``diffs`` (from :func:`difference`) is exactly zero."""
    return all(M.is_zero_matrix for M in diffs.values())


def with_delta(d: TiedDerivation, expr):
    r"""Rewrite ``expr`` with :math:`\delta_k = z_k - x_k` in place of :math:`z_k`, factored (for reading).

    Returns ``(expression, delta_symbols)``. Useful for cross-entropy, where δ is the output error.
    """
    delta = sp.symbols(f"delta_0:{d.n_visible}", real=True)
    sub = {d.z[k]: d.x[k] + delta[k] for k in range(d.n_visible)}
    return sp.factor(sp.expand(sp.sympify(expr).xreplace(sub))), sp.Matrix(delta)


# ---- from SymPy to numpy ---------------------------------------------------------------------

def lambdify_gradients(d: TiedDerivation, simplified: bool = False):
    r"""Turn the derived gradients into a numpy function ``grads(X, W, b, b_prime) -> dict``.

    ``X: (batch, n_visible)``, ``W: (n_hidden, n_visible)``, ``b: (n_hidden,)``,
    ``b_prime: (n_visible,)``. Returns the gradients *averaged over the batch* (aelib's units), keyed
    ``W, b, b_prime`` with aelib's shapes. ``simplified=False`` (default) evaluates SymPy's raw
    derivatives, an independent check of everything; ``simplified=True`` the simplified formulas,
    with ``y`` and ``z`` substituted back.
    """
    n, m = d.n_visible, d.n_hidden
    args = list(d.x) + list(d.W) + list(d.b) + list(d.b_prime)
    exprs = {}
    for name in ("W", "b", "b_prime"):
        G = d.raw[name] if not simplified else d.grads[name]
        if simplified:
            # substitute z first (it contains y), then y
            G = G.xreplace({s: d.forward[s] for s in d.z}).xreplace({s: d.forward[s] for s in d.y})
        exprs[name] = G
    funcs = {k: sp.lambdify(args, list(G), modules=[{"sigmoid": _np_sigmoid}, "numpy"]) for k, G in exprs.items()}
    shapes = {"W": (m, n), "b": (m,), "b_prime": (n,)}

    def grads(X, W, b, b_prime):
        X = v.check_array(X, "X", "lambdified gradients", ndim=2, n_cols=n, dtype=np.float64)
        W = v.check_array(W, "W", "lambdified gradients", ndim=2, dtype=np.float64)
        if W.shape != (m, n):
            raise ValueError(f"The 'W' parameter of the lambdified gradients must have shape {(m, n)}. "
                             f"Got {W.shape} instead.")
        b = v.check_array(b, "b", "lambdified gradients", ndim=1, n_cols=m, dtype=np.float64)
        bp = v.check_array(b_prime, "b_prime", "lambdified gradients", ndim=1, n_cols=n, dtype=np.float64)
        B = X.shape[0]
        cols = [X[:, k] for k in range(n)] + [np.full(B, w) for w in W.ravel()] \
            + [np.full(B, t) for t in b] + [np.full(B, t) for t in bp]     # one (batch,) array per symbol
        out = {}
        for k, f in funcs.items():
            vals = np.array([np.broadcast_to(e, (B,)) for e in f(*cols)])  # (entries, batch)
            out[k] = vals.mean(axis=1).reshape(shapes[k])                  # mean over the batch
        return out
    return grads


def numeric_practitioners(X, W, b, b_prime):
    r"""The practitioners' formulas evaluated in numpy for a batch (mean over the batch), aelib's shapes.

    Rows as examples: ``Y = σ(X Wᵀ + b)``, ``Z = σ(Y W + b')``, ``E = X - Z``;
    ``W: ((E W ᵀ) ⊙ Y ⊙ (1-Y))ᵀ X + Yᵀ E``, ``b: Σ (E Wᵀ) ⊙ Y ⊙ (1-Y)``, ``b': Σ E``, all divided by the batch size.
    """
    X = v.check_array(X, "X", "numeric_practitioners", ndim=2, dtype=np.float64)
    W = v.check_array(W, "W", "numeric_practitioners", ndim=2, n_cols=X.shape[1], dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    b_prime = np.asarray(b_prime, dtype=np.float64)
    B = X.shape[0]
    Y = _np_sigmoid(X @ W.T + b)                  # (batch, m)
    Z = _np_sigmoid(Y @ W + b_prime)              # (batch, n)
    E = X - Z                                     # (batch, n)   x - z
    hid = (E @ W.T) * Y * (1 - Y)                 # (batch, m)   W(x - z) * y * (1 - y)
    return {"W": (hid.T @ X + Y.T @ E) / B,       # (m, n)
            "b": hid.sum(axis=0) / B,             # (m,)
            "b_prime": E.sum(axis=0) / B}         # (n,)

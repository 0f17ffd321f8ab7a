r"""A dense layer as two small pure functions: forward and its mirror, backward.

Convention for every weight matrix in the course: ``W`` has shape ``(n_out, n_in)``, so a
batch of row vectors ``X: (batch, n_in)`` maps to

.. math::  A = X W^\top + b, \qquad H = f(A)

and the backward pass, given :math:`dH = \partial L / \partial H`, is the same lines reversed:

.. math::  dA = dH \odot f'(A), \quad dW = dA^\top X, \quad db = \textstyle\sum_{\text{batch}} dA,
           \quad dX = dA\, W
"""
from __future__ import annotations

import numpy as np

from .activations import Activation


def dense_forward(X, W, b, act: Activation):
    """``A = X Wᵀ + b``, ``H = f(A)``. Returns ``(A, H)``."""
    A = X @ W.T                      # (batch, n_out)
    A += b                           # (batch, n_out)
    H = act.f(A)                     # (batch, n_out)
    return A, H


def dense_backward(dH, X, W, A, H, act: Activation, need_dX: bool = True):
    """Mirror of :func:`dense_forward`. Returns ``(dX, dW, db)`` (``dX`` is None when not needed)."""
    dA = dH * act.df(A, H)           # (batch, n_out)
    return dense_backward_from_preactivation(dA, X, W, need_dX)


def dense_backward_from_preactivation(dA, X, W, need_dX: bool = True):
    """The linear part of the backward pass, given ``dA = ∂L/∂A`` directly.

    ``dW`` is returned in ``W``'s memory layout: when ``W`` is the transpose of a stored matrix
    (the decoder of a tied autoencoder, ``W' = Wᵀ``), ``dW = (Xᵀ dA)ᵀ``, the same numbers, so that
    ``dW_enc + dW_decᵀ`` adds two contiguous arrays instead of walking one of them with a stride.
    """
    if W.flags.f_contiguous and not W.flags.c_contiguous:
        dW = (X.T @ dA).T            # (n_out, n_in), a view of a C-ordered (n_in, n_out) array
    else:
        dW = dA.T @ X                # (n_out, n_in)
    db = dA.sum(axis=0)              # (n_out,)
    dX = dA @ W if need_dX else None  # (batch, n_in)
    return dX, dW, db


def glorot_uniform(n_in: int, n_out: int, rng: np.random.Generator, dtype=np.float32):
    r"""``W ~ U(-r, r)`` with :math:`r = \sqrt{6 / (n_{in} + n_{out})}`, shape ``(n_out, n_in)``."""
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in)).astype(dtype)


def he_normal(n_in: int, n_out: int, rng: np.random.Generator, dtype=np.float32):
    r"""``W ~ N(0, 2 / n_in)`` (for rectifiers), shape ``(n_out, n_in)``."""
    return (rng.standard_normal(size=(n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(dtype)


RECTIFIERS = ("relu", "leaky_relu", "elu", "softplus")


def init_weights(n_in: int, n_out: int, act: Activation, rng, dtype=np.float32):
    """He-normal for rectifier-like activations, Glorot-uniform for the others."""
    if act.name in RECTIFIERS:
        return he_normal(n_in, n_out, rng, dtype)
    return glorot_uniform(n_in, n_out, rng, dtype)

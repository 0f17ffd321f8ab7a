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

# Longest inner dimension handed to BLAS in one product (see matmul).
K_BLOCK = {np.dtype(np.float32): 448, np.dtype(np.float64): 384}


def matmul(A, B):
    """``A @ B``, with the same bits whatever the number of BLAS threads.

    OpenBLAS cuts a long inner dimension ``K`` into pieces and adds the partial products at
    places that depend on its thread count, so the last bits of ``A @ B`` (and, amplified by
    training, a notebook's printed numbers) would depend on the learner's core count. Here a
    product whose ``K`` exceeds ``K_BLOCK`` (448 in float32: numpy's OpenBLAS gives the same bits
    with 1 and 2 threads for every ``K`` up to that, and not for 784; tests/blas_threads.py) is cut at fixed places into equal pieces (784 = 392 + 392), added in a
    fixed order: ``A[:, :392] @ B[:392] + A[:, 392:] @ B[392:]``. The price is one more BLAS call
    per long product (measured in benchmarks/RESULTS.md). float64 is cut too (at 384), but its
    kernels also vary with the output width, so only the shapes the course uses were checked.
    """
    K = A.shape[-1]
    limit = K_BLOCK.get(np.result_type(A, B), 256)            # other dtypes: a safe guess
    if K <= limit:
        return A @ B
    pieces = -(-K // limit)                                  # ceil(K / limit)
    step = -(-K // pieces)                                   # 784 -> 2 pieces of 392
    out = A[..., :step] @ B[:step]                           # (rows of A, columns of B)
    for start in range(step, K, step):
        out += A[..., start:start + step] @ B[start:start + step]
    return out


def linear(X, W, b):
    """``A = X Wᵀ + b``: the pre-activation, ``(batch, n_in) -> (batch, n_out)``."""
    A = matmul(X, W.T)               # (batch, n_out)
    A += b                           # (batch, n_out)
    return A


def dense_forward(X, W, b, act: Activation):
    """``A = X Wᵀ + b``, ``H = f(A)``. Returns ``(A, H)``."""
    A = linear(X, W, b)              # (batch, n_out)
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
        dW = matmul(X.T, dA).T       # (n_out, n_in), a view of a C-ordered (n_in, n_out) array
    else:
        dW = matmul(dA.T, X)         # (n_out, n_in)
    db = dA.sum(axis=0)              # (n_out,)
    dX = matmul(dA, W) if need_dX else None  # (batch, n_in)
    return dX, dW, db


def glorot_uniform(n_in: int, n_out: int, rng: np.random.Generator, dtype=np.float32):
    r"""``W ~ U(-r, r)`` with :math:`r = \sqrt{6 / (n_{in} + n_{out})}`, shape ``(n_out, n_in)``.

    Glorot & Bengio (2010), "Understanding the difficulty of training deep feedforward neural
    networks": keeps the variance of activations and gradients roughly equal across layers of
    tanh units (whose slope is 1 at 0).
    """
    r = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-r, r, size=(n_out, n_in)).astype(dtype)


def glorot_uniform_sigmoid(n_in: int, n_out: int, rng: np.random.Generator, dtype=np.float32):
    r"""``W ~ U(-4r, 4r)``, four times the Glorot range, shape ``(n_out, n_in)``.

    The sigmoid's slope at 0 is 1/4, tanh's is 1; scaling the weights by 4 makes a sigmoid layer
    pass on about as much signal as a tanh layer with Glorot's range. The rule is the one of
    the Theano deep learning tutorials (and Bengio 2012, "Practical recommendations for
    gradient-based training of deep architectures"), which derive it from Glorot & Bengio 2010.
    """
    return 4 * glorot_uniform(n_in, n_out, rng, dtype)


def he_normal(n_in: int, n_out: int, rng: np.random.Generator, dtype=np.float32):
    r"""``W ~ N(0, 2 / n_in)`` (for rectifiers; He et al. 2015), shape ``(n_out, n_in)``."""
    return (rng.standard_normal(size=(n_out, n_in)) * np.sqrt(2.0 / n_in)).astype(dtype)


RECTIFIERS = ("relu", "leaky_relu", "elu", "softplus")

# Weight initialisations by name. "auto" (the models' default) and "recommended" choose per activation.
INITS = {"glorot": glorot_uniform, "glorot_sigmoid": glorot_uniform_sigmoid, "he": he_normal}
INIT_CHOICES = ("auto", "recommended", *INITS)


def init_scheme(act: Activation, init: str = "auto") -> str:
    """The scheme ``init`` stands for with activation ``act``.

    * ``"auto"`` (default of every model): He for rectifiers, Glorot for the others, sigmoid included;
    * ``"recommended"``: the same, but sigmoid layers get four times the Glorot range;
    * ``"glorot"``, ``"glorot_sigmoid"``, ``"he"``: that scheme for every layer.
    """
    if init in INITS:
        return init
    if act.name in RECTIFIERS:
        return "he"
    return "glorot_sigmoid" if init == "recommended" and act.name == "sigmoid" else "glorot"


def init_weights(n_in: int, n_out: int, act: Activation, rng, dtype=np.float32, init: str = "auto"):
    """Initial weights ``(n_out, n_in)`` for a layer with activation ``act`` (see :func:`init_scheme`)."""
    return INITS[init_scheme(act, init)](n_in, n_out, rng, dtype)

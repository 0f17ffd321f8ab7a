r"""Reconstruction losses, with one signature and one set of units.

**Units (used everywhere in the course):** a loss is *summed over the visible units* of an
example and *averaged over the examples of the batch*:

.. math::  L(X, Z) = \frac{1}{B} \sum_{i=1}^{B} \sum_{k=1}^{n} \ell(x_{ik}, z_{ik})

so a per-example number: "nats per digit" for cross-entropy, "squared pixels per digit" for
squared error. ``grad(z, x)`` returns :math:`\partial L / \partial Z`, already divided by ``B``.

* squared error: :math:`\ell = (x - z)^2`, :math:`\partial \ell / \partial z = 2 (z - x)`.
* Bernoulli cross-entropy: :math:`\ell = -[x \log z + (1 - x) \log(1 - z)]`, treating each pixel
  ``x`` as the probability that it is on and ``z`` as the model's probability. It needs
  ``z`` in (0, 1) (the logs) and ``x`` in [0, 1] (a probability).
  Its minimum over ``z`` is at ``z = x`` but is not 0 unless ``x`` is 0 or 1.

With a sigmoid output ``z = σ(a)``, the cross-entropy is computed from the logits ``a``
(:meth:`Loss.value_from_logits`): :math:`\ell = \mathrm{softplus}(a) - x a`, finite for any
``a`` (no overflow), with gradient :math:`\partial \ell / \partial a = σ(a) - x = z - x` (the sigmoid's
derivative cancels; notebook 03 derives this).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from . import fast
from ._validate import check_choice
from .activations import sigmoid


def _eps(z) -> float:
    return 1e-7 if np.asarray(z).dtype == np.float32 else 1e-12


def _batch(z) -> int:
    return z.shape[0] if z.ndim > 1 else 1


# ---- squared error -------------------------------------------------------------------------

def squared_error(z, x) -> float:
    r"""Mean over the batch of :math:`\sum_k (x_k - z_k)^2`."""
    d = z - x                                    # (batch, n_visible)
    return float(np.vdot(d, d)) / _batch(z)


def squared_error_grad(z, x):
    r""":math:`\partial L / \partial Z = 2 (Z - X) / B`."""
    return (2.0 / _batch(z)) * (z - x)           # (batch, n_visible)


# ---- Bernoulli cross-entropy ---------------------------------------------------------------

def cross_entropy(z, x) -> float:
    r"""Mean over the batch of :math:`-\sum_k x_k \log z_k + (1 - x_k) \log(1 - z_k)`.

    ``z`` is clipped to ``[eps, 1 - eps]`` (eps = 1e-7 in float32, 1e-12 in float64) so that an
    output of exactly 0 or 1 gives a large finite loss instead of ``inf`` or ``nan``.
    """
    e = _eps(z)
    zc = np.clip(z, e, 1 - e)                    # (batch, n_visible)
    total = -(np.sum(x * np.log(zc)) + np.sum((1 - x) * np.log1p(-zc)))
    return float(total) / _batch(z)


def cross_entropy_grad(z, x):
    r""":math:`\partial L / \partial Z = \frac{1}{B} \frac{z - x}{z (1 - z)}` (z clipped as in the loss)."""
    e = _eps(z)
    zc = np.clip(z, e, 1 - e)
    return (zc - x) / (zc * (1 - zc)) / _batch(z)


def cross_entropy_from_logits(a, x, grad: bool = False):
    r"""Cross-entropy of ``z = σ(a)`` from the logits ``a``: mean over the batch of
    :math:`\sum_k \mathrm{softplus}(a_k) - x_k a_k`; with ``grad=True`` also
    :math:`\partial L / \partial A = (σ(A) - X) / B`.

    Why this is the cross-entropy: with :math:`z = σ(a)`, :math:`\log z = -\mathrm{softplus}(-a)`
    and :math:`\log(1 - z) = -\mathrm{softplus}(a)`, so
    :math:`-[x \log z + (1 - x) \log(1 - z)] = \mathrm{softplus}(a) - x a` (using
    :math:`\mathrm{softplus}(a) - \mathrm{softplus}(-a) = a`). No log of a number near 0 is taken,
    so the value is finite for any ``a``, and the sigmoid's derivative cancels in the gradient
    (notebook 03 derives it). softplus is computed in its stable form
    :math:`\mathrm{softplus}(a) = \max(a, 0) + \log(1 + e^{-|a|})`, which only ever raises ``e``
    to a power <= 0 (``np.log(1 + np.exp(a))`` overflows to ``inf`` above ``a = 88`` in float32).
    The value is accurate relative to itself, even when it is tiny (a solved XOR).

    This is the reference. Training uses :func:`aelib.fast.cross_entropy_from_logits`, the same
    numbers computed another way (tested equal in tests/test_fast.py); the registry below picks it.
    """
    B = _batch(a)
    x = np.asarray(x, dtype=np.result_type(a, np.float32))      # integer targets: no integer arithmetic
    # softplus(a) - x a = (max(a, 0) - x a) + log(1 + e^{-|a|}), summed in that order: for a
    # confident, right output (x = 1, a = 9) the bracket is exactly 0 and the small log survives
    ell = (np.maximum(a, 0) - x * a) + np.log1p(np.exp(-np.abs(a)))   # (batch, n_visible)
    value = float(np.sum(ell)) / B                                     # Σ softplus(a) - x a, per example
    if not grad:
        return value
    return value, (sigmoid(a) - x) / B                          # dL/dA: (batch, n_visible)


@dataclass(frozen=True)
class Loss:
    """A loss: ``value(z, x) -> float``, ``grad(z, x) -> dL/dz``, and what ``z`` and ``x`` must satisfy."""
    name: str
    value: Callable
    grad: Callable
    latex: str
    units: str
    z_range: Optional[tuple] = None      # outputs must lie in this open interval
    x_range: Optional[tuple] = None      # targets must lie in this closed interval
    # For a sigmoid output layer: value_from_logits(a, x) -> loss, and
    # value_from_logits(a, x, grad=True) -> (loss, dL/dA), from the pre-activation a
    # (registered through aelib.fast.choose: the reference, or its tested fast version).
    value_from_logits: Optional[Callable] = None

    def __call__(self, z, x) -> float:
        return self.value(z, x)

    def __repr__(self):
        return f"Loss({self.name}, {self.units})"


LOSSES: dict[str, Loss] = {
    "squared_error": Loss(
        "squared_error", squared_error, squared_error_grad,
        latex=r"\sum_k (x_k - z_k)^2", units="squared error per example (summed over pixels)"),
    "cross_entropy": Loss(
        "cross_entropy", cross_entropy, cross_entropy_grad,
        latex=r"-\sum_k \left[x_k \log z_k + (1 - x_k) \log(1 - z_k)\right]",
        units="cross-entropy per example in nats (summed over pixels)",
        z_range=(0.0, 1.0), x_range=(0.0, 1.0),
        value_from_logits=fast.choose(cross_entropy_from_logits, fast.cross_entropy_from_logits)),
}


def get_loss(name, owner: str = "") -> Loss:
    """Look a loss up by name (a :class:`Loss` passes through unchanged)."""
    if isinstance(name, Loss):
        return name
    return LOSSES[check_choice(name, "loss", LOSSES, owner)]

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

from ._validate import check_choice


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


LOG2 = float(np.log(2.0))


def _sum_log_1_to_2(u) -> float:
    r""":math:`\sum \log u` for an array ``u`` with values in ``[1, 2]``, overwriting ``u``.

    ``log`` is the expensive part of the loss, so it is taken once per 64 numbers:
    :math:`\sum_i \log u_i = \log \prod_i u_i`, and a product of 64 numbers in [1, 2] is at
    most :math:`2^{64}`, far inside float32's range (about :math:`2^{128}`). The products are
    formed by halving: rows ``0..31`` times rows ``32..63``, then ``0..15`` times ``16..31``, ...
    (six in-place multiplies; the leftover ``size mod 64`` numbers get their own logs).
    """
    v = u.reshape(-1)
    k = v.size - v.size % 64
    total = float(np.log(v[k:]).sum()) if k < v.size else 0.0
    if k:
        p = v[:k].reshape(64, -1)                # (64, size // 64)
        rows = 64
        while rows > 1:
            rows //= 2
            np.multiply(p[:rows], p[rows:2 * rows], out=p[:rows])
        total += float(np.log(p[0]).sum())
    return total


def cross_entropy_from_logits(a, x, grad: bool = False):
    r"""Cross-entropy of ``z = σ(a)``: mean over the batch of :math:`\sum_k \mathrm{softplus}(a_k) - x_k a_k`.

    With ``grad=True`` also returns :math:`\partial L / \partial A = (σ(A) - X) / B` (the
    sigmoid's derivative cancels): the whole output head of a sigmoid layer in one pass, which
    runs on every training batch. Everything comes from :math:`τ = \tanh(a/2)`:

    .. math::
        σ(a) = \tfrac{1}{2}(1 + τ), \qquad
        \mathrm{softplus}(a) = \max(a, 0) + \log(1 + e^{-|a|})
                             = \tfrac{1}{2}(a + |a|) + \log 2 - \log(1 + |τ|)

    (because :math:`1 + e^{-|a|} = 1 / σ(|a|) = 2 / (1 + |τ|)`). Nothing overflows for any ``a``,
    and each term is accurate to about the dtype's rounding (for ``|a| > 17`` float32's τ is
    exactly ±1 and the term ``log(1 + e^{-|a|}) < 4e-8`` counts as 0). :math:`\sum \log(1 + |τ|)` is summed by :func:`_sum_log_1_to_2`. One ``tanh``
    and one log per 64 numbers replace the ``exp``, ``log1p`` and sigmoid of the direct form,
    about twice as fast (``np.logaddexp(0, a)`` is about 10x slower still).
    """
    B = _batch(a)
    t = np.multiply(a, 0.5)                      # (batch, n_visible)  a / 2
    np.tanh(t, out=t)                            # τ = tanh(a/2), σ(a) = (1 + τ) / 2
    w = np.multiply(x, 2, dtype=t.dtype)         # (batch, n_visible); integer targets must not wrap
    w -= 1                                       # 2x - 1
    if grad:
        dA = np.subtract(t, w)                   # τ - (2x - 1) = 2 (σ(a) - x)
        dA *= 0.5 / B                            # (σ(a) - x) / B
    np.abs(t, out=t)
    t += 1                                       # 1 + |τ|, in [1, 2]
    sum_log = _sum_log_1_to_2(t)
    np.abs(a, out=t)                             # |a|
    # Σ softplus(a) - x a = Σ |a|/2 + (1/2 - x) a + log 2 - log(1 + |τ|)
    value = (0.5 * float(t.sum()) - 0.5 * float(np.vdot(w, a)) + a.size * LOG2 - sum_log) / B
    return (value, dA) if grad else value


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
    # value_from_logits(a, x, grad=True) -> (loss, dL/dA), from the pre-activation a.
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
        z_range=(0.0, 1.0), x_range=(0.0, 1.0), value_from_logits=cross_entropy_from_logits),
}


def get_loss(name, owner: str = "") -> Loss:
    """Look a loss up by name (a :class:`Loss` passes through unchanged)."""
    if isinstance(name, Loss):
        return name
    return LOSSES[check_choice(name, "loss", LOSSES, owner)]

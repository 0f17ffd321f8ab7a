r"""Numbers that describe what an autoencoder learned: code sparsity and filter shape.

Notebooks 06 and 07 compare filters (rows of ``W``, one per hidden unit, each an image) and
codes (``H = f(X Wᵀ + b)``) by eye; these functions put a number on what the eye sees, so that a
claim such as "sigmoid filters are local and high-contrast, ReLU filters are global" can be
checked. Everything is scale-free (multiplying ``W`` by 10 changes none of the filter numbers),
so that models trained with different activations, whose weights have different sizes, compare.

Filters ``W: (n_hidden, n_pixels)`` with ``n_pixels = side²``; each row is read as a
``side x side`` image (row-major, like the digits). Codes ``H: (batch, n_hidden)``.

* :func:`hoyer_sparsity` / :func:`code_sparsity`: Hoyer's sparsity of a vector ``v`` of length ``m``,
  :math:`s(v) = \frac{\sqrt m - \|v\|_1 / \|v\|_2}{\sqrt m - 1}`, 0 when all entries are equal in size,
  1 when one entry carries everything.
* :func:`filter_spread`: the spatial radius of a filter's energy :math:`p_{ij} = w_{ij}^2 / \sum w^2`,
  :math:`\sqrt{\sum_{ij} p_{ij} \left[(i - \bar\imath)^2 + (j - \bar\jmath)^2\right]}` in pixels
  (small: local; about 11.4 for energy spread evenly over a 28x28 image).
* :func:`filter_contrast`: peak over root-mean-square, :math:`\max |w| / \sqrt{\overline{w^2}}`
  (1 for a flat filter, about 3.3 for white noise on 784 pixels, large for a few sharp peaks).
* :func:`filter_smoothness` (its median: :func:`median_smoothness`): the correlation of each weight
  with its right and lower neighbours, :math:`\frac{\sum w_{ij} w_{i,j+1} + \sum w_{ij} w_{i+1,j}}{2 \sum w_{ij}^2}`:
  about 0 for a filter of white noise, near 1 for a filter made of smooth blobs a few pixels wide.
  Smooth is not local: a smooth digit-wide template scores high too; locality is :func:`filter_spread`.

Only numpy is imported.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v

__all__ = ["hoyer_sparsity", "code_sparsity", "filter_spread", "filter_contrast", "filter_smoothness",
           "median_smoothness", "stroke_likeness", "filter_summary"]


def _filters(W, owner: str, side=None):
    """Check ``W: (n_hidden, side²)`` and return it as float64 images ``(n_hidden, side, side)``."""
    W = v.check_array(W, "W", owner, ndim=2, dtype=np.float64)
    n_pixels = W.shape[1]
    if side is None:
        side = int(round(np.sqrt(n_pixels)))
    else:
        side = v.check_int(side, "side", owner)
    if side * side != n_pixels:
        raise ValueError(f"The 'W' parameter of {owner} must have side² columns (each row a square image). "
                         f"Got {n_pixels} columns instead, which is not {side}².")
    return W.reshape(len(W), side, side)              # (n_hidden, side, side)


def hoyer_sparsity(V, axis: int = -1):
    r"""Hoyer's sparsity of each vector along ``axis``: :math:`(\sqrt m - \|v\|_1/\|v\|_2) / (\sqrt m - 1)`.

    In [0, 1]: 0 when every entry has the same magnitude, 1 when a single entry is non-zero.
    An all-zero vector gets 0. Returns an array with ``axis`` removed.
    """
    V = v.check_array(V, "V", "hoyer_sparsity", ndim=None, dtype=np.float64)
    m = V.shape[axis]
    if m < 2:
        raise ValueError(f"The 'V' parameter of hoyer_sparsity must have at least 2 entries along axis {axis}. "
                         f"Got shape {V.shape} instead.")
    l1 = np.abs(V).sum(axis=axis)
    l2 = np.sqrt((V * V).sum(axis=axis))
    ratio = np.divide(l1, l2, out=np.full_like(l1, np.sqrt(m)), where=l2 > 0)   # all-zero -> ratio √m -> 0
    return (np.sqrt(m) - ratio) / (np.sqrt(m) - 1)


def code_sparsity(H) -> float:
    r"""Mean Hoyer sparsity of the codes ``H: (batch, n_hidden)``, one value per example, averaged.

    High when each example is described by a few strongly active units (a sparse code), low
    when every unit is about equally active (a dense, distributed code).
    """
    H = v.check_array(H, "H", "code_sparsity", ndim=2, dtype=np.float64)
    return float(hoyer_sparsity(H, axis=1).mean())


def filter_spread(W, side=None):
    r"""Spatial spread of each filter in pixels: the radius of gyration of its energy ``w²``.

    ``W: (n_hidden, side²) -> (n_hidden,)``. A filter whose energy sits on one pixel has spread 0;
    energy spread evenly over a 28x28 image gives :math:`\sqrt{2 (28^2 - 1) / 12} \approx 11.4`.
    """
    F = _filters(W, "filter_spread", side)            # (n_hidden, side, side)
    s = F.shape[1]
    E = F * F                                         # (n_hidden, side, side) energy
    total = E.sum(axis=(1, 2))                        # (n_hidden,)
    total[total == 0] = 1.0                           # an all-zero filter gets spread 0
    P = E / total[:, None, None]                      # (n_hidden, side, side) sums to 1
    rows = np.arange(s, dtype=np.float64)
    pr, pc = P.sum(axis=2), P.sum(axis=1)             # (n_hidden, side) marginals over rows / columns
    mr, mc = pr @ rows, pc @ rows                     # (n_hidden,) centroid
    var = pr @ rows ** 2 - mr ** 2 + pc @ rows ** 2 - mc ** 2
    return np.sqrt(np.maximum(var, 0.0))


def filter_contrast(W, side=None):
    r"""Peak-to-RMS ratio of each filter, :math:`\max_k |w_k| / \sqrt{\frac1n \sum_k w_k^2}`.

    ``W: (n_hidden, n_pixels) -> (n_hidden,)``. 1 for a flat filter; about 3.3 for white noise on
    784 pixels; large when a few pixels carry strong peaks or valleys (a high-contrast filter).
    An all-zero filter gets 0.
    """
    F = _filters(W, "filter_contrast", side)
    F = F.reshape(len(F), -1)                         # (n_hidden, n_pixels)
    rms = np.sqrt((F * F).mean(axis=1))
    peak = np.abs(F).max(axis=1)
    return np.divide(peak, rms, out=np.zeros_like(peak), where=rms > 0)


def filter_smoothness(W, side=None):
    r"""Neighbour correlation of each filter image: :math:`\frac{\sum w_{ij} w_{i,j+1} + \sum w_{ij} w_{i+1,j}}{2 \sum w_{ij}^2}`.

    ``W: (n_hidden, side²) -> (n_hidden,)``, values in [-1, 1]. About 0 when neighbouring weights
    are unrelated (white noise), near 1 when the filter is made of smooth blobs or strokes a few
    pixels wide. An all-zero filter gets 0.
    """
    F = _filters(W, "filter_smoothness", side)        # (n_hidden, side, side)
    horiz = (F[:, :, :-1] * F[:, :, 1:]).sum(axis=(1, 2))
    vert = (F[:, :-1, :] * F[:, 1:, :]).sum(axis=(1, 2))
    energy = (F * F).sum(axis=(1, 2))
    return np.divide(horiz + vert, 2 * energy, out=np.zeros_like(energy), where=energy > 0)


def median_smoothness(W, side=None) -> float:
    """The median :func:`filter_smoothness` of the filters: one number for "how smooth are they".

    Smoothness is not locality: a smooth, digit-wide template scores as high as a short pen
    stroke. For locality use :func:`filter_spread` (the radius of a filter's energy, in pixels).
    """
    return float(np.median(filter_smoothness(W, side)))


def stroke_likeness(W, side=None) -> float:
    """Old name of :func:`median_smoothness`, kept so that old code runs. It measures smoothness
    only (a smooth digit-wide template scores as "stroke-like"); use :func:`median_smoothness`
    and :func:`filter_spread` instead."""
    return median_smoothness(W, side)


def filter_summary(W, side=None) -> dict:
    """Medians over the filters of spread (pixels), contrast and smoothness, as a dict of floats."""
    return {"spread": float(np.median(filter_spread(W, side))),
            "contrast": float(np.median(filter_contrast(W, side))),
            "smoothness": float(np.median(filter_smoothness(W, side)))}

r"""Using the reconstruction error: anomaly scores, inputs that are not digits, ROC curves.

An autoencoder trained on digits reconstructs digits well and other things badly, so the
reconstruction error of an input is an *anomaly score*: the higher, the less digit-like.

* :func:`reconstruction_errors`: one score per input, :math:`e_i = \sum_k (x_{ik} - z_{ik})^2`
  (squared error summed over the pixels, the course's units; ``z`` the model's reconstruction).
* :func:`non_digits`: inputs that are not digits, generated (nothing downloads): thick bars,
  noise with the ink of a digit, inverted digits :math:`1 - x`, digits shifted by 2 pixels.
* :func:`roc_curve` / :func:`roc_auc`: how well a threshold on the score separates anomalies
  from normal inputs. For every threshold :math:`t`, the true-positive rate is the fraction of
  anomalies with score :math:`> t` and the false-positive rate the fraction of normal inputs
  with score :math:`> t`. The area under the curve equals the probability that a random anomaly
  scores higher than a random normal input, ties counting one half (the Mann-Whitney statistic):

  .. math::  \mathrm{AUC} = \frac{1}{n_a n_n} \sum_{i \in a} \sum_{j \in n}
             \big([s_i > s_j] + \tfrac12 [s_i = s_j]\big)

  1 is a perfect separation, 0.5 is chance.

Score *held-out* normal inputs: the training digits were fitted, so their errors are lower than
those of new digits, and an AUC measured with them overstates the detector.

Only numpy is imported.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v
from .datasets import bars

__all__ = ["NON_DIGIT_KINDS", "non_digits", "reconstruction_errors", "roc_auc", "roc_curve", "shift_images"]

NON_DIGIT_KINDS = ("bars", "noise", "inverted", "shifted")


def reconstruction_errors(model, X):
    r"""``(batch, n_visible) -> (batch,)``: :math:`e_i = \sum_k (x_{ik} - z_{ik})^2`, ``z = model.reconstruct(X)``."""
    if not hasattr(model, "reconstruct"):
        raise TypeError(f"The 'model' parameter of reconstruction_errors must have a reconstruct method (an "
                        f"aelib autoencoder or a PCA). Got {type(model).__name__} instead.")
    X = v.check_array(X, "X", "reconstruction_errors", ndim=2)
    Z = np.asarray(model.reconstruct(X), np.float64)                 # (batch, n_visible)
    return ((X.astype(np.float64) - Z) ** 2).sum(axis=1)             # (batch,)


def shift_images(X, rows: int, cols: int, side: int = 28):
    """Move each ``side x side`` image down ``rows`` and right ``cols`` pixels (negative: up/left), filling with 0."""
    X = v.check_array(X, "X", "shift_images", ndim=2)
    if X.shape[1] != side * side:
        raise ValueError(f"The 'X' parameter of shift_images must have side² = {side * side} columns. "
                         f"Got {X.shape[1]} instead.")
    for name, s in (("rows", rows), ("cols", cols)):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or abs(s) >= side:
            raise ValueError(f"The '{name}' parameter of shift_images must be an integer with |{name}| < {side}. "
                             f"Got {s!r} instead.")
    imgs = X.reshape(-1, side, side)
    out = np.zeros_like(imgs)                                        # (batch, side, side)
    r0, r1 = max(rows, 0), side + min(rows, 0)
    c0, c1 = max(cols, 0), side + min(cols, 0)
    out[:, r0:r1, c0:c1] = imgs[:, r0 - rows:r1 - rows, c0 - cols:c1 - cols]
    return out.reshape(X.shape)


def non_digits(kind: str, n: int, seed=0, digits=None):
    r"""``n`` images of 28x28 pixels in [0, 1] that are not digits, ``(n, 784)`` float32.

    * ``"bars"``: 7x7 bars-and-stripes images (:func:`aelib.datasets.bars`) blown up to 28x28: thick
      horizontal or vertical bars;
    * ``"noise"``: each pixel on (value 1) with probability 0.13, about the ink of an average digit;
    * ``"inverted"``: :math:`1 - x` for ``n`` of the given ``digits`` (white background);
    * ``"shifted"``: the given ``digits`` moved 2 pixels right and 2 down (still digits to a person,
      but off-centre, unlike every training digit).

    ``digits``: an ``(N, 784)`` array to invert or shift (its first ``n`` rows are used); needed for
    those two kinds.
    """
    owner = "non_digits"
    kind = v.check_choice(kind, "kind", NON_DIGIT_KINDS, owner)
    n = v.check_int(n, "n", owner)
    rng = v.check_rng(seed, "seed", owner)
    if kind == "bars":
        small = bars(n, size=7, seed=rng).reshape(n, 7, 7)                  # (n, 7, 7)
        return np.kron(small, np.ones((4, 4))).reshape(n, 784).astype(np.float32)
    if kind == "noise":
        return (rng.random((n, 784)) < 0.13).astype(np.float32)
    if digits is None:
        raise ValueError(f"The 'digits' parameter of {owner} must be an (N, 784) array of digits for "
                         f"kind='{kind}'. Got None instead.")
    D = v.check_array(digits, "digits", owner, ndim=2, n_cols=784, low=0.0, high=1.0)
    if D.shape[0] < n:
        raise ValueError(f"The 'digits' parameter of {owner} must have at least n = {n} rows. "
                         f"Got {D.shape[0]} instead.")
    D = D[:n].astype(np.float32)
    return 1 - D if kind == "inverted" else shift_images(D, 2, 2)


def _scores(s_normal, s_anomalous, owner):
    a = v.check_array(s_normal, "s_normal", owner, ndim=1, dtype=np.float64)
    b = v.check_array(s_anomalous, "s_anomalous", owner, ndim=1, dtype=np.float64)
    return a, b


def roc_curve(s_normal, s_anomalous):
    """``(fpr, tpr, thresholds)``: for each distinct score ``t`` (highest first), the fractions of normal
    and of anomalous inputs scoring ``>= t``; starts at (0, 0) (threshold ``inf``) and ends at (1, 1)."""
    a, b = _scores(s_normal, s_anomalous, "roc_curve")
    thresholds = np.unique(np.concatenate([a, b]))[::-1]              # distinct scores, highest first
    a_sorted, b_sorted = np.sort(a), np.sort(b)
    fpr = (a.size - np.searchsorted(a_sorted, thresholds, side="left")) / a.size   # P(normal >= t)
    tpr = (b.size - np.searchsorted(b_sorted, thresholds, side="left")) / b.size   # P(anomaly >= t)
    return (np.concatenate([[0.0], fpr]), np.concatenate([[0.0], tpr]), np.concatenate([[np.inf], thresholds]))


def roc_auc(s_normal, s_anomalous) -> float:
    r"""Area under the ROC curve: P(an anomaly scores higher than a normal input), ties one half."""
    a, b = _scores(s_normal, s_anomalous, "roc_auc")
    a_sorted = np.sort(a)
    below = np.searchsorted(a_sorted, b, side="left")                 # normal scores < each anomaly score
    ties = np.searchsorted(a_sorted, b, side="right") - below          # normal scores == it
    return float((below.sum() + 0.5 * ties.sum()) / (a.size * b.size))

r"""Principal component analysis and the angles between two subspaces (numpy only).

Notebook 02 compares a linear autoencoder with PCA. Both describe an ``m``-dimensional
subspace of the ``n``-dimensional input space:

* PCA: the span of the top-``m`` principal directions, the rows of ``components: (m, n)``;
* a linear autoencoder: the span of the decoder's columns, ``W': (n, m)`` (equivalently the rows
  of its transpose).

Two subspaces are compared by their **principal angles**
:math:`0 \le \theta_1 \le \dots \le \theta_k \le 90°`. With orthonormal bases
:math:`Q_A: (n, k_A)`, :math:`Q_B: (n, k_B)`, the cosines of the angles are the singular values
of :math:`Q_A^\top Q_B`. All angles near 0 means the same subspace; one angle of 90° means a
direction of one subspace is orthogonal to the other.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v


@dataclass(frozen=True)
class PCA:
    r"""The result of :func:`pca`.

    ``mean: (n,)``, ``components: (m, n)`` (orthonormal rows, the principal directions, largest
    variance first), ``variances: (m,)`` (the variance of the data along each direction) and
    ``total_variance`` (the sum over all ``n`` directions).
    """
    mean: np.ndarray
    components: np.ndarray
    variances: np.ndarray
    total_variance: float

    @property
    def n_components(self) -> int:
        return self.components.shape[0]

    @property
    def explained_fraction(self) -> float:
        """Fraction of the total variance captured by the ``m`` components."""
        return float(self.variances.sum() / self.total_variance)

    def truncate(self, m: int) -> "PCA":
        """The same PCA keeping only the first ``m`` components (no recomputation)."""
        m = v.check_int(m, "m", "PCA.truncate")
        if m > self.n_components:
            raise ValueError(f"The 'm' parameter of PCA.truncate must be at most {self.n_components}. "
                             f"Got {m} instead.")
        return PCA(self.mean, self.components[:m].copy(), self.variances[:m].copy(), self.total_variance)

    def encode(self, X):
        r"""Coordinates along the components: :math:`H = (X - \mu) C^\top`, ``(batch, n) -> (batch, m)``."""
        X = v.check_array(X, "X", "PCA.encode", ndim=2, n_cols=self.mean.shape[0])
        return (X - self.mean) @ self.components.T              # (batch, m)

    def decode(self, H):
        r""":math:`Z = H C + \mu`, ``(batch, m) -> (batch, n)``."""
        H = v.check_array(H, "H", "PCA.decode", ndim=2, n_cols=self.n_components)
        return H @ self.components + self.mean                  # (batch, n)

    def reconstruct(self, X):
        """Orthogonal projection of ``X`` on the affine subspace ``mean + span(components)``."""
        return self.decode(self.encode(X))

    def __repr__(self):
        n = self.mean.shape[0]
        return (f"PCA({n} -> {self.n_components}, explains {100 * self.explained_fraction:.3g}% "
                f"of the variance)")


def pca(X, n_components: int) -> PCA:
    r"""Top ``n_components`` principal directions of ``X: (n_samples, n_features)``.

    Computed from the covariance matrix :math:`C = (X - \mu)^\top (X - \mu) / n_{samples}`
    (``(n_features, n_features)``): its eigenvectors with the largest eigenvalues are the
    components, the eigenvalues the variances along them. (The same as the rows of :math:`V^\top`
    in the SVD :math:`X - \mu = U S V^\top`, with variances :math:`S^2 / n_{samples}`; for 4,000
    digits of 784 pixels the eigendecomposition of the 784x784 covariance is several times faster.)
    Runs in float64; each component's sign is fixed so that its largest entry is positive.
    """
    X = v.check_array(X, "X", "pca", ndim=2, dtype=np.float64)
    m = v.check_int(n_components, "n_components", "pca")
    if m > min(X.shape):
        raise ValueError(f"The 'n_components' parameter of pca must be at most min(n_samples, n_features) "
                         f"= {min(X.shape)}. Got {m} instead.")
    mean = X.mean(axis=0)                                        # (n,)
    Xc = X - mean                                                # (n_samples, n)
    C = Xc.T @ Xc / X.shape[0]                                   # (n, n) covariance
    var, vecs = np.linalg.eigh(C)                                # ascending eigenvalues
    top = np.argsort(var)[::-1][:m]
    comps = vecs[:, top].T                                       # (m, n)
    flip = np.sign(comps[np.arange(m), np.abs(comps).argmax(axis=1)])
    comps *= flip[:, None]
    return PCA(mean=mean, components=comps.copy(), variances=np.maximum(var[top], 0.0),
               total_variance=float(np.trace(C)))


def orthonormal_basis(A, name: str = "A", owner: str = "orthonormal_basis"):
    """An orthonormal basis ``Q: (n, rank)`` of the span of the *columns* of ``A: (n, k)``."""
    A = v.check_array(A, name, owner, ndim=2, dtype=np.float64)
    U, s, _ = np.linalg.svd(A, full_matrices=False)              # U: (n, k)
    tol = s.max(initial=0.0) * max(A.shape) * np.finfo(np.float64).eps
    rank = int(np.sum(s > tol))
    if rank == 0:
        raise ValueError(f"The '{name}' parameter of {owner} must span at least one direction. "
                         f"Got a matrix of rank 0 (all zeros) instead.")
    return U[:, :rank]                                            # (n, rank)


def principal_angles(A, B, degrees: bool = True):
    r"""Principal angles between the column spans of ``A: (n, k_A)`` and ``B: (n, k_B)``.

    Returns ``min(rank A, rank B)`` angles, smallest first, in degrees (or radians). Use the
    *columns*: pass ``pca.components.T`` and the decoder ``W'`` (or ``W.T`` for the encoder's rows).

    .. math::  \cos \theta_i = \sigma_i(Q_A^\top Q_B)
    """
    A = v.check_array(A, "A", "principal_angles", ndim=2, dtype=np.float64)
    B = v.check_array(B, "B", "principal_angles", ndim=2, dtype=np.float64)
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"The 'B' parameter of principal_angles must have as many rows as A ({A.shape[0]}): "
                         f"both hold vectors of the same space as columns. Got {B.shape[0]} rows instead.")
    Qa = orthonormal_basis(A, "A", "principal_angles")           # (n, ra)
    Qb = orthonormal_basis(B, "B", "principal_angles")           # (n, rb)
    if Qa.shape[1] < Qb.shape[1]:
        Qa, Qb = Qb, Qa                                           # Qb: the smaller subspace
    C = Qa.T @ Qb                                                 # (ra, rb)
    cos = np.linalg.svd(C, compute_uv=False)                      # (rb,), largest first
    # arccos loses precision near 0° (cos = 1 - 1e-16 is already 1e-8 rad): small angles come
    # from the sines, the singular values of the part of Qb outside span(Qa) (Knyazev & Argentati)
    sin = np.sort(np.linalg.svd(Qb - Qa @ C, compute_uv=False))  # (rb,), smallest first
    theta = np.where(cos ** 2 >= 0.5, np.arcsin(np.clip(sin, 0.0, 1.0)),
                     np.arccos(np.clip(cos, -1.0, 1.0)))           # smallest angle first
    return np.degrees(theta) if degrees else theta

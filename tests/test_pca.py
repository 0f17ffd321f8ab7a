"""aelib.pca: PCA by SVD and principal angles between subspaces."""
import numpy as np
import pytest

from aelib.pca import orthonormal_basis, pca, principal_angles


def _data(seed=0, n=200, d=6):
    rng = np.random.default_rng(seed)
    scales = np.array([5.0, 3.0, 2.0, 0.5, 0.3, 0.1])[:d]
    R, _ = np.linalg.qr(rng.normal(size=(d, d)))          # a random rotation
    return (rng.normal(size=(n, d)) * scales) @ R.T + rng.normal(size=d), R


def test_pca_finds_the_high_variance_directions():
    X, R = _data()
    p = pca(X, 2)
    angles = principal_angles(p.components.T, R[:, :2])
    assert angles.max() < 5.0
    assert np.allclose(p.components @ p.components.T, np.eye(2), atol=1e-10)
    assert np.all(np.diff(p.variances) <= 0)
    assert 0.8 < p.explained_fraction < 1.0


def test_pca_reconstruction_error_equals_discarded_variance():
    X, _ = _data(1)
    p = pca(X, 3)
    err = np.mean(np.sum((X - p.reconstruct(X)) ** 2, axis=1))
    assert err == pytest.approx(p.total_variance - p.variances.sum(), rel=1e-9)


def test_principal_angles_known_cases():
    e = np.eye(3)
    assert np.allclose(principal_angles(e[:, :1], e[:, :1]), [0.0])
    assert np.allclose(principal_angles(e[:, :1], e[:, 1:2]), [90.0])
    v = np.array([[1.0], [1.0], [0.0]])
    assert np.allclose(principal_angles(e[:, :1], v), [45.0])
    assert np.allclose(principal_angles(e[:, :2], e[:, 1:3]), [0.0, 90.0])
    # the span, not the basis, matters
    M = np.array([[2.0, 1.0], [0.0, 3.0], [0.0, 0.0]])
    assert np.allclose(principal_angles(M, e[:, :2]), [0.0, 0.0], atol=1e-6)
    assert np.allclose(principal_angles(e[:, :1], v, degrees=False), [np.pi / 4])


def test_orthonormal_basis_drops_dependent_columns():
    A = np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 0.0]])
    assert orthonormal_basis(A).shape == (3, 1)


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match="n_components"):
        pca(np.ones((5, 3)), 4)
    with pytest.raises(ValueError, match="'B'.*rows"):
        principal_angles(np.eye(3), np.eye(4))
    with pytest.raises(ValueError, match="rank 0"):
        principal_angles(np.zeros((3, 1)), np.eye(3))


def test_truncate_equals_a_smaller_pca():
    X, _ = _data(2)
    small, big = pca(X, 2), pca(X, 4).truncate(2)
    assert np.allclose(small.components, big.components)
    assert np.allclose(small.reconstruct(X), big.reconstruct(X))
    with pytest.raises(ValueError, match="'m'"):
        small.truncate(3)

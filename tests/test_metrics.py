"""aelib.metrics: each filter/code number checked on images whose answer is known by hand."""
import numpy as np
import pytest

from aelib import metrics as M

SIDE = 28


def blob(sigma, r0=14.0, c0=14.0, side=SIDE):
    """A Gaussian bump exp(-d²/(2 sigma²)) centred at (r0, c0), flattened to (side²,)."""
    r, c = np.mgrid[0:side, 0:side]
    return np.exp(-((r - r0) ** 2 + (c - c0) ** 2) / (2 * sigma ** 2)).ravel()


def spike(r, c, side=SIDE):
    w = np.zeros((side, side))
    w[r, c] = 1.0
    return w.ravel()


def test_hoyer_sparsity_is_one_for_one_hot_and_zero_for_constant():
    V = np.array([[0, 0, 3.0, 0], [2, 2, 2, 2], [0, 0, 0, 0]])
    np.testing.assert_allclose(M.hoyer_sparsity(V), [1.0, 0.0, 0.0], atol=1e-12)


def test_hoyer_sparsity_worked_example():
    # v = (3, 4, 0, 0): |v|_1 = 7, |v|_2 = 5, m = 4 -> (2 - 7/5) / (2 - 1) = 0.6
    assert M.hoyer_sparsity(np.array([3.0, 4.0, 0.0, 0.0])) == pytest.approx(0.6)


def test_code_sparsity_prefers_the_sparse_code():
    rng = np.random.default_rng(0)
    dense = rng.random((50, 20)) + 0.5                             # every unit on
    sparse = dense * (rng.random((50, 20)) < 0.1)                  # ~2 of 20 units on
    assert M.code_sparsity(sparse) > M.code_sparsity(dense) + 0.4


def test_filter_spread_of_a_spike_is_zero_and_of_a_flat_filter_is_known():
    W = np.vstack([spike(3, 20), np.ones(SIDE * SIDE)])
    expected_flat = np.sqrt(2 * (SIDE ** 2 - 1) / 12)             # uniform on 0..27 along both axes
    np.testing.assert_allclose(M.filter_spread(W), [0.0, expected_flat], atol=1e-9)


def test_filter_spread_of_a_gaussian_blob_is_its_sigma():
    # energy w² = exp(-d²/sigma²): per-axis std sigma/√2, so the radius of gyration is sigma
    assert M.filter_spread(blob(2.0)[None])[0] == pytest.approx(2.0, rel=1e-3)
    assert M.filter_spread(blob(2.0, r0=5, c0=22)[None])[0] == pytest.approx(2.0, rel=1e-3)   # position-free


def test_filter_contrast_flat_spike_and_noise():
    rng = np.random.default_rng(1)
    W = np.vstack([np.full(SIDE * SIDE, -0.3), spike(10, 10), rng.standard_normal(SIDE * SIDE)])
    c = M.filter_contrast(W)
    assert c[0] == pytest.approx(1.0)
    assert c[1] == pytest.approx(SIDE)                            # 1 / sqrt(1/784)
    assert 2.5 < c[2] < 4.5                                       # max of 784 normals ~ 3.3 sigma


def test_filter_smoothness_noise_blob_and_checkerboard():
    rng = np.random.default_rng(2)
    checker = np.indices((SIDE, SIDE)).sum(axis=0) % 2 * 2.0 - 1  # +1/-1 alternating
    W = np.vstack([rng.standard_normal(SIDE * SIDE), blob(3.0), checker.ravel()])
    s = M.filter_smoothness(W)
    assert abs(s[0]) < 0.1
    assert s[1] > 0.9
    assert s[2] == pytest.approx(-(SIDE - 1) / SIDE)              # every neighbour pair has product -1


def test_stroke_likeness_rises_when_noise_filters_are_smoothed():
    rng = np.random.default_rng(3)
    noise = rng.standard_normal((16, SIDE, SIDE))
    smooth = noise.copy()
    for _ in range(3):                                            # box blur along both axes
        smooth = (smooth + np.roll(smooth, 1, 1) + np.roll(smooth, 1, 2)) / 3
    assert M.stroke_likeness(smooth.reshape(16, -1)) > M.stroke_likeness(noise.reshape(16, -1)) + 0.4


@pytest.mark.parametrize("fn", [M.filter_spread, M.filter_contrast, M.filter_smoothness])
def test_filter_numbers_are_scale_free(fn):
    W = np.random.default_rng(4).standard_normal((5, SIDE * SIDE)) * blob(4.0)
    np.testing.assert_allclose(fn(W), fn(10 * W), rtol=1e-9)


def test_filter_summary_keys_and_medians():
    W = np.vstack([blob(1.0), blob(2.0), blob(3.0)])
    s = M.filter_summary(W)
    assert set(s) == {"spread", "contrast", "smoothness"}
    assert s["spread"] == pytest.approx(2.0, rel=1e-3)


def test_non_square_filters_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="'W' parameter of filter_spread.*square"):
        M.filter_spread(np.ones((3, 30)))


def test_codes_must_be_2d():
    with pytest.raises(ValueError, match="'H' parameter of code_sparsity"):
        M.code_sparsity(np.ones(5))

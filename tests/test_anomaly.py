"""aelib.anomaly: ROC curve and AUC (against a pair count), scores, non-digit inputs; aelib.datasets.noisy_circle."""
import numpy as np
import pytest

import aelib
from aelib.anomaly import non_digits, reconstruction_errors, roc_auc, roc_curve, shift_images
from aelib.datasets import noisy_circle


def test_auc_matches_a_hand_count_of_pairs_with_ties():
    normal, anomalous = [1.0, 2.0, 3.0], [2.0, 4.0]
    # pairs (anomaly > normal): 2 > 1 yes, 2 = 2 half, 2 > 3 no; 4 beats all three -> (1 + 0.5 + 3) / 6
    assert roc_auc(normal, anomalous) == pytest.approx(4.5 / 6)


def test_auc_equals_the_area_under_the_roc_curve_by_trapezoids():
    r = np.random.default_rng(0)
    a, b = r.normal(0, 1, 50).round(1), r.normal(1, 1, 40).round(1)        # rounded: many ties
    fpr, tpr, _ = roc_curve(a, b)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    area = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
    assert roc_auc(a, b) == pytest.approx(area)
    pairs = np.mean((b[:, None] > a[None, :]) + 0.5 * (b[:, None] == a[None, :]))
    assert roc_auc(a, b) == pytest.approx(pairs)


def test_perfect_and_reversed_scores_give_auc_1_and_0():
    assert roc_auc([0, 1, 2], [5, 6]) == 1.0
    assert roc_auc([5, 6], [0, 1, 2]) == 0.0


def test_reconstruction_errors_are_squared_errors_summed_over_pixels():
    ae = aelib.Autoencoder(5, 2, seed=0)
    X = np.random.default_rng(1).random((4, 5)).astype(np.float32)
    want = ((X - ae.reconstruct(X)) ** 2).sum(axis=1)
    np.testing.assert_allclose(reconstruction_errors(ae, X), want, rtol=1e-6)


def test_shift_moves_pixels_and_fills_with_zeros():
    img = np.zeros((1, 16))
    img[0, 5] = 1                                              # 4x4 image, pixel (1, 1)
    out = shift_images(img, 2, -1, side=4)
    assert out.reshape(4, 4)[3, 0] == 1 and out.sum() == 1
    assert shift_images(img, 3, 3, side=4).sum() == 0           # moved off the image


def test_non_digits_have_the_right_shape_and_range():
    digits = aelib.load_digits("test").X[:20]
    for kind in ("bars", "noise", "inverted", "shifted"):
        X = non_digits(kind, 10, seed=0, digits=digits)
        assert X.shape == (10, 784) and X.dtype == np.float32 and X.min() >= 0 and X.max() <= 1
    np.testing.assert_allclose(non_digits("inverted", 3, digits=digits), 1 - digits[:3])


def test_noisy_circle_lies_near_the_circle():
    P = noisy_circle(2000, radius=2.0, noise=0.1, seed=0)
    r = np.linalg.norm(P, axis=1)
    assert P.shape == (2000, 2) and abs(r.mean() - 2.0) < 0.01 and abs(r.std() - 0.1) < 0.01


@pytest.mark.parametrize("call, words", [
    (lambda: non_digits("stripes", 3), "'kind'"),
    (lambda: non_digits("inverted", 3), "'digits'"),
    (lambda: non_digits("shifted", 30, digits=np.zeros((5, 784))), "'digits'"),
    (lambda: roc_auc([1, 2], [[1, 2]]), "'s_anomalous'"),
    (lambda: roc_curve([], [1.0]), "'s_normal'"),
    (lambda: reconstruction_errors("model", np.zeros((2, 4))), "'model'"),
    (lambda: shift_images(np.zeros((2, 784)), 28, 0), "'rows'"),
    (lambda: noisy_circle(10, noise=-1), "'noise'"),
])
def test_bad_input_gets_an_error_naming_the_argument(call, words):
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert words in str(e.value), str(e.value)

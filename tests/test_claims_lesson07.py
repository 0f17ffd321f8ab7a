"""Lesson 07's Claim-check helpers (aelib/claims/lesson07.py), against hand-worked examples."""
import numpy as np
import pytest

from aelib import Autoencoder
from aelib.claims import lesson07 as L


def test_cos_rows_is_one_for_a_rescaled_filter_and_zero_for_an_orthogonal_one():
    A = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    B = np.array([[3.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    np.testing.assert_allclose(L.cos_rows(A, B), [1.0, 0.0])
    # 45 degrees by hand: (1, 1) . (1, 0) / (sqrt 2 * 1)
    np.testing.assert_allclose(L.cos_rows([[1.0, 1.0]], [[1.0, 0.0]]), [1 / np.sqrt(2)])


def test_nearest_other_cos_ignores_the_row_itself():
    W = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    # row 0 vs row 1: 1/sqrt2, vs row 2: 0 -> 1/sqrt2; row 1: 1/sqrt2 either way; row 2 like row 0
    np.testing.assert_allclose(L.nearest_other_cos(W), [1 / np.sqrt(2)] * 3)
    np.testing.assert_allclose(L.nearest_other_cos(np.array([[1.0, 0.0], [-1.0, 0.0]])), [-1.0, -1.0])


def test_bias_recovered_is_zero_at_the_reset_one_when_back_and_counts_both_biases():
    donor = Autoencoder(4, 2, seed=0, dtype="float64").set_params(b=[3.0, 0.0], b_prime=[0.0, 0.0, 4.0, 0.0])
    model = Autoencoder(4, 2, seed=1, dtype="float64").set_params(b=0, b_prime=0)
    assert L.bias_recovered(model, donor) == pytest.approx(0.0)           # |beta_d| = 5, distance 5
    model.set_params(b=[3.0, 0.0], b_prime=[0.0, 0.0, 4.0, 0.0])
    assert L.bias_recovered(model, donor) == pytest.approx(1.0)
    model.set_params(b=[3.0, 0.0], b_prime=0)                              # distance 4 of 5 left
    assert L.bias_recovered(model, donor) == pytest.approx(0.2)


def test_filter_numbers_counts_units_that_are_zero_on_every_row_as_dead():
    m = Autoencoder(4, 3, encoder="relu", decoder="sigmoid", seed=0, dtype="float64")
    m.set_params(W=[[1.0, 0, 0, 0], [-1.0, -1, -1, -1], [0, 1.0, 0, 0]], b=0)
    X = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    assert L.filter_numbers(m, X)["dead"] == 1                            # unit 1 is negative on every input


@pytest.mark.parametrize("diverged, want, outcome", [
    ([True, True, True], "diverge", "holds"),
    ([True, True, False], "diverge", "holds"),
    ([True, False, False], "diverge", "inconclusive"),
    ([False, False, False], "diverge", "does not hold"),
    ([False, False, False], "train", "holds"),
    ([True, False, False], "train", "inconclusive"),
    ([True, True, False], "train", "does not hold"),
])
def test_count_verdict_follows_the_stated_rule(diverged, want, outcome):
    v = L.count_verdict(diverged, "07.transplant/x", "claim", want, "the run")
    assert v.outcome == outcome
    assert str(v).startswith(f"Verdict [07.transplant/x]: {outcome}. claim: the run diverged in {sum(diverged)} of 3 seeds")
    assert v.as_dict()["details"]["diverged"] == sum(diverged)


def test_quick_mode_differs_from_thorough_only_in_learning_rates():
    q, t = L.SETUPS["quick"], L.SETUPS["thorough"]
    assert q.seeds == t.seeds and len(q.seeds) >= 3
    assert (q.donor_epochs, q.epochs, q.transplant_epochs, q.batch_size, q.fit_every) == \
        (t.donor_epochs, t.epochs, t.transplant_epochs, t.batch_size, t.fit_every)
    assert set(q.sigmoid_lrs) <= set(t.sigmoid_lrs) and set(q.relu_lrs) <= set(t.relu_lrs)


def test_the_fit_digits_are_a_class_balanced_subset_and_never_test_digits():
    fit, val, test = L.data()
    counts = np.bincount(fit.y)
    assert counts.max() - counts.min() <= 1 and len(fit.X) == 1167 and len(val.X) == 500
    assert not (set(map(bytes, fit.X[:50])) & set(map(bytes, test.X)))

"""The claim-check protocol (aelib.claims.protocol) on made-up numbers, where the answer is known."""
import math

import numpy as np
import pytest

import aelib
from aelib import claims


def test_holds_when_every_seed_favours_a_by_more_than_the_spread():
    v = claims.compare([10.0, 11.0, 12.0], [15.0, 15.5, 17.0], "t.a", "A beats B")
    # d = b - a = [5, 4.5, 5]; mean 4.8333; sd 0.28868; margin 4.303 * 0.28868 / sqrt(3) = 0.7172
    assert v.outcome == "holds"
    assert v.diff == pytest.approx(4.8333, abs=1e-4)
    assert v.margin == pytest.approx(4.303 * np.std([5, 4.5, 5], ddof=1) / math.sqrt(3))
    assert "Verdict [t.a]: holds." in str(v)


def test_does_not_hold_when_b_is_better_by_more_than_the_margin():
    v = claims.compare([0.80, 0.81, 0.83], [0.90, 0.91, 0.92], "t.b", higher_is_better=True)
    assert v.outcome == "does not hold"
    assert v.diff == pytest.approx(-0.0967, abs=1e-4)


def test_inconclusive_when_the_difference_is_within_the_seed_spread():
    v = claims.compare([10.0, 11.0, 12.0], [10.2, 11.5, 11.5], "t.c")
    assert v.outcome == "inconclusive"        # d = [0.2, 0.5, -0.5]: mean 0.067, margin 1.27


def test_the_floor_makes_a_tiny_but_consistent_difference_inconclusive():
    a, b = [10.00, 11.00, 12.00], [10.02, 11.02, 12.03]
    assert claims.compare(a, b, "t.d").outcome == "holds"
    assert claims.compare(a, b, "t.d", floor=0.5).outcome == "inconclusive"


def test_sign_convention_lower_is_better_unless_told_otherwise():
    assert claims.compare([1, 1.1, 1.2], [2, 2.1, 2.2], "t.e").outcome == "holds"
    assert claims.compare([1, 1.1, 1.2], [2, 2.1, 2.2], "t.e", higher_is_better=True).outcome == "does not hold"


@pytest.mark.parametrize("b, outcome", [([10.05, 11.1, 11.95], "holds"),         # |d| + m < tol
                                        ([13.0, 14.1, 15.0], "does not hold"),  # |d| - m > tol
                                        ([10.0, 12.5, 12.2], "inconclusive")])  # straddles tol
def test_equivalence_three_outcomes(b, outcome):
    assert claims.equivalent([10.0, 11.0, 12.0], b, "t.f", tolerance=1.0).outcome == outcome


def test_summary_needs_every_part_to_hold():
    h = claims.compare([1, 1.1, 1.2], [2, 2.1, 2.2], "p1")
    n = claims.compare([2, 2.1, 2.2], [1, 1.1, 1.2], "p2")
    i = claims.compare([10.0, 11.0, 12.0], [10.2, 11.5, 11.5], "p3")
    assert claims.summary([h, h], "s", "both").outcome == "holds"
    assert claims.summary([h, i], "s", "both").outcome == "inconclusive"
    assert claims.summary([h, i, n], "s", "all").outcome == "does not hold"
    assert "1 of 3 parts hold, 1 do not, 1 inconclusive" in str(claims.summary([h, i, n], "s", "all"))


def test_t_quantiles_match_the_table_of_students_t():
    assert claims.t975(2) == 4.303 and claims.t975(4) == 2.776 and claims.t975(200) == 1.96


def test_run_arms_tunes_on_validation_and_reports_test_at_that_rate():
    calls = []

    def arm(offset):
        def train(lr, seed):
            calls.append((offset, lr, seed))
            val = (lr - 0.3) ** 2 + offset          # best validation at lr 0.3
            test = 100 * lr + seed + offset         # test would prefer the smallest lr: must be ignored
            return val, test
        return train

    res = claims.run_arms({"A": arm(0.0), "B": arm(1.0)}, lr_grid=[0.1, 0.3, 1.0], seeds=[0, 1, 2],
                          tuning_seeds=[0])
    assert res["A"].lr == 0.3 and res["B"].lr == 0.3
    assert res["A"].scores == (30.0, 31.0, 32.0)
    assert res["B"].mean == pytest.approx(32.0)
    # tuning: 3 rates x seed 0, then seeds 1 and 2 at the chosen rate (seed 0 reused): 5 runs per arm
    assert len(calls) == 10


def test_run_arms_never_picks_a_diverged_rate():
    res = claims.run_arms({"A": lambda lr, s: (float("nan") if lr > 0.5 else lr, lr)}, lr_grid=[0.1, 1.0],
                          seeds=[0, 1, 2])
    assert res["A"].lr == 0.1


def test_run_arms_higher_is_better_picks_the_largest_validation_score():
    res = claims.run_arms({"A": lambda lr, s: (lr, lr)}, lr_grid=[0.1, 1.0], seeds=[0], higher_is_better=True)
    assert res["A"].lr == 1.0


def test_validation_split_is_stratified_disjoint_and_seeded():
    train = aelib.load_digits("train")
    fit, val = claims.validation_split(train, n_val=500, seed=0)
    assert len(fit) == 3500 and len(val) == 500
    assert np.bincount(val.y).tolist() == [50] * 10
    rows = lambda d: {r.tobytes() for r in d.X}
    assert not rows(fit) & rows(val)
    assert np.array_equal(claims.validation_split(train, 500, seed=0)[1].X, val.X)
    assert not np.array_equal(claims.validation_split(train, 500, seed=1)[1].X, val.X)


def test_balanced_subset_has_every_class_equally_where_a_prefix_has_the_first_few():
    train = aelib.load_digits("train")                    # sorted by class: the first 500 are 0s and 1s
    assert np.unique(train.y[:500]).tolist() == [0, 1]
    sub = claims.balanced_subset(train, 500, seed=0)
    assert len(sub) == 500 and np.bincount(sub.y, minlength=10).tolist() == [50] * 10
    odd = claims.balanced_subset(train, 1003, seed=0)     # the remainder goes to the first classes
    assert np.bincount(odd.y, minlength=10).tolist() == [101] * 3 + [100] * 7
    fit, _ = claims.validation_split(train)               # 350 of each class, for lesson 06's sizes
    for n in (1000, 2000):
        counts = np.bincount(claims.balanced_subset(fit, n).y, minlength=10)
        assert counts.max() - counts.min() <= 1 and counts.sum() == n


def test_balanced_subset_is_seeded_keeps_the_order_and_takes_rows_whole():
    train = aelib.load_digits("train")
    a, b = claims.balanced_subset(train, 200, seed=3), claims.balanced_subset(train, 200, seed=3)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(claims.balanced_subset(train, 200, seed=4).X, a.X)
    assert np.all(np.diff(a.y) >= 0)                      # still sorted by class, like the file
    rows = {r.tobytes(): int(y) for r, y in zip(train.X, train.y)}
    assert all(rows[r.tobytes()] == y for r, y in zip(a.X, a.y))   # each row keeps its own label
    whole = claims.balanced_subset(train, len(train))
    assert np.array_equal(whole.X, train.X) and whole.split == "train"


def test_budget_counts_steps():
    b = claims.Budget(epochs=10, batch_size=64, n_train=3500)
    assert b.steps == 10 * 55
    assert "10 epochs of 3,500 digits in batches of 64 (550 steps)" == str(b)


@pytest.mark.parametrize("call, name", [
    (lambda: claims.compare("abc", [1, 2], "x"), "'a'"),
    (lambda: claims.compare([1, 2, 3], [1, 2], "x"), "one score per seed"),
    (lambda: claims.equivalent([1, 2], [1, 2], "x", tolerance=-1), "'tolerance'"),
    (lambda: claims.validation_split(np.zeros((5, 784))), "'digits'"),
    (lambda: claims.validation_split(aelib.load_digits("train"), n_val=4000), "'n_val'"),
    (lambda: claims.balanced_subset(np.zeros((5, 784)), 10), "'digits'"),
    (lambda: claims.balanced_subset(aelib.load_digits("train"), 4010), "'n'"),
    (lambda: claims.balanced_subset(aelib.load_digits("train"), 0), "'n'"),
    (lambda: claims.run_arms([], [0.1]), "'arms'"),
])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


def test_init_schemes_and_output_bias():
    sig = aelib.Network([784, 64, 10], "sigmoid", seed=0, init="recommended")
    auto = aelib.Network([784, 64, 10], "sigmoid", seed=0)
    np.testing.assert_allclose(sig.params["W1"], 4 * auto.params["W1"], rtol=1e-6)
    r = np.sqrt(6 / (784 + 64))
    assert np.abs(auto.params["W1"]).max() <= r and np.abs(auto.params["W1"]).max() > 0.95 * r
    relu = aelib.Network([784, 64, 10], "relu", seed=0, init="recommended")
    assert np.std(relu.params["W1"]) == pytest.approx(np.sqrt(2 / 784), rel=0.02)
    X = aelib.load_digits("train").X
    ae = aelib.Autoencoder(784, 16, tied=False, seed=0).init_output_bias(X)
    mean = np.clip(X.mean(axis=0), 1e-3, 1 - 1e-3)
    np.testing.assert_allclose(1 / (1 + np.exp(-ae.params["b_prime"])), mean, rtol=1e-4, atol=1e-6)
    with pytest.raises(ValueError, match="'init'"):
        aelib.Autoencoder(784, 16, init="orthogonal")


def test_equivalence_reports_the_raw_difference_a_minus_b():
    v = claims.equivalent([10.0, 11.0, 12.0], [11.0, 12.0, 13.1], "t.g", tolerance=2.0, names=("A", "B"))
    assert v.diff == pytest.approx(-1.0333, abs=1e-4)          # A - B, whatever the direction of "better"
    assert "A minus B is -1.03" in str(v)


def test_a_difference_beyond_the_spread_but_below_the_floor_says_so():
    v = claims.compare([10.00, 11.00, 12.00], [10.02, 11.02, 12.03], "t.h", floor=0.5)
    assert v.outcome == "inconclusive" and "below 0.5, the smallest difference this check counts" in str(v)
    v = claims.compare([10.0, 11.0, 12.0], [10.2, 11.5, 11.5], "t.i", floor=0.5)
    assert "the seeds cannot tell them apart" in str(v)


def test_run_arms_can_tune_on_a_loss_and_score_a_higher_is_better_number():
    res = claims.run_arms({"A": lambda lr, s: (abs(lr - 0.3), 10 * lr)}, lr_grid=[0.1, 0.3, 1.0], seeds=[0],
                          higher_is_better=True, val_higher_is_better=False)
    assert res["A"].lr == 0.3 and res["A"].higher_is_better


def test_the_sentence_names_the_winner_and_the_direction():
    v = claims.compare([12.0, 13.0, 14.0], [10.0, 11.1, 12.0], "t.j", names=("tied", "untied"))
    assert v.outcome == "does not hold"
    assert "untied is better (lower) than tied by 1.97 on average" in str(v) and "against the claim" in str(v)
    w = claims.compare([0.9, 0.91, 0.92], [0.8, 0.81, 0.83], "t.k", higher_is_better=True, names=("A", "B"))
    assert "A is better (higher) than B by 0.0967" in str(w)

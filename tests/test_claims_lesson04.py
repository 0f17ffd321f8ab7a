"""Unit tests for the helpers of aelib.claims.lesson04 (no training)."""
import numpy as np

from aelib.claims import lesson04
from aelib.claims.protocol import equivalent


def test_needed_tolerance_is_where_equivalence_starts_to_hold():
    a, b = [10.0, 11.0, 12.5, 10.5, 11.2], [8.0, 8.5, 9.0, 8.2, 8.9]
    need = lesson04.needed_tolerance(equivalent(a, b, "t", tolerance=1.0))
    d = np.subtract(a, b)
    assert np.isclose(need, abs(d.mean()) + 2.776 * d.std(ddof=1) / np.sqrt(5))      # t(0.975, 4) = 2.776
    assert equivalent(a, b, "t", tolerance=need * 1.001).outcome == "holds"
    assert equivalent(a, b, "t", tolerance=need * 0.999).outcome != "holds"


def test_budget_suffix_names_only_the_longer_budgets():
    assert lesson04._suffix(lesson04.EPOCHS["thorough"], "thorough") == ""
    assert lesson04._suffix(20, "thorough") == ", 20 epochs"
    assert lesson04.EPOCHS["quick"] == lesson04.EPOCHS["thorough"]          # the quick verdict has a faithful twin


def test_average_digit_loss_against_a_hand_worked_example():
    X = np.array([[1.0, 0.0], [0.0, 0.0]])                                   # mean (0.5, 1e-7 after clipping)
    assert np.isclose(lesson04.average_digit_loss(X, X, "squared_error"), (0.25 + 0.25) / 2)
    assert np.isclose(lesson04.average_digit_loss(X, X), np.log(2) - np.log1p(-1e-7))

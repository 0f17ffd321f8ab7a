"""Lesson 06's claim check (aelib/claims/lesson06.py) and the filter numbers it rests on."""
import numpy as np
import pytest

from aelib import metrics
from aelib.claims import lesson06


def _filters(*images):
    return np.array([np.asarray(im, float).ravel() for im in images])       # (n, side²)


def test_median_smoothness_matches_a_hand_worked_example():
    # 2x2 filters: sum of right-neighbour and lower-neighbour products over 2 * energy
    flat = [[1, 1], [1, 1]]            # (1+1) + (1+1) = 4 over 2*4: 0.5
    checker = [[1, -1], [-1, 1]]       # (-1-1) + (-1-1) = -4 over 8: -0.5
    spike = [[2, 0], [0, 0]]           # no neighbour products: 0
    W = _filters(flat, checker, spike)
    np.testing.assert_allclose(metrics.filter_smoothness(W), [0.5, -0.5, 0.0], atol=1e-12)
    assert metrics.median_smoothness(W) == pytest.approx(0.0)
    assert metrics.median_smoothness(_filters(flat, flat, checker)) == pytest.approx(0.5)


def test_stroke_likeness_is_the_old_name_of_median_smoothness():
    W = np.random.default_rng(0).standard_normal((7, 49))
    assert metrics.stroke_likeness(W) == metrics.median_smoothness(W)


def test_a_smooth_digit_wide_filter_is_smooth_but_not_local():
    # why smoothness alone cannot say "stroke": a broad smooth bump is as smooth as a short stroke
    r, c = np.mgrid[0:28, 0:28]
    broad = np.exp(-((r - 13.5) ** 2 + (c - 13.5) ** 2) / (2 * 8.0 ** 2))     # digit-wide template
    stroke = np.exp(-((r - 10) ** 2 + (c - 14) ** 2) / (2 * 1.5 ** 2))      # a short blob of ink
    W = _filters(broad, stroke)
    smooth = metrics.filter_smoothness(W)
    spread = metrics.filter_spread(W)
    assert smooth[0] > 0.95 and smooth[1] > 0.7               # both smooth ...
    assert spread[0] > 3 * spread[1]                          # ... only one is local


def test_filter_numbers_match_hand_worked_spreads():
    # energy 1/2 at (0, 0) and (0, 2): centroid (0, 1), radius sqrt(0.5 * 1 + 0.5 * 1) = 1
    # energy 1/2 at (0, 0) and (2, 2): centroid (1, 1), radius sqrt(1 + 1) = sqrt(2)
    a = [[1, 0, 1], [0, 0, 0], [0, 0, 0]]
    b = [[1, 0, 0], [0, 0, 0], [0, 0, -1]]
    np.testing.assert_allclose(metrics.filter_spread(_filters(a, b)), [1.0, np.sqrt(2)], atol=1e-12)
    everywhere = np.ones(9, bool)
    np.testing.assert_allclose(lesson06.area_spread(_filters(a, b), everywhere, side=3), [1.0, np.sqrt(2)],
                               atol=1e-12)
    W = _filters(a, a, b)
    assert float(np.median(lesson06.area_spread(W, everywhere, side=3))) == pytest.approx(1.0)
    assert metrics.median_smoothness(W) == pytest.approx(0.0)      # no two non-zero neighbours


def test_area_spread_ignores_energy_off_the_digit_area():
    # 3x3 filter: energy 1 at (0, 0), 1 at (0, 2), and 4 at (2, 2) which lies off the area.
    # On the area {(0, 0), (0, 2)} only: p = 1/2 each, centroid (0, 1), radius 1 (hand-worked);
    # on the whole image: p = (1, 1, 4)/6, centroid (4/3, 5/3), radius^2 = (8/3 - 16/9) + (10/3 - 25/9) = 13/9.
    f = [[1, 0, 1], [0, 0, 0], [0, 0, 2]]
    area = np.zeros(9, bool)
    area[[0, 2]] = True
    assert lesson06.area_spread(_filters(f), area, side=3)[0] == pytest.approx(1.0)
    assert metrics.filter_spread(_filters(f))[0] == pytest.approx(np.sqrt(13 / 9))
    assert lesson06.background_energy(_filters(f), area) == pytest.approx(4 / 6)
    assert lesson06.area_spread(_filters([[0, 0, 0], [0, 0, 0], [0, 0, 3]]), area, side=3)[0] == 0.0


def test_digit_area_is_where_the_average_digit_has_ink():
    X = np.array([[0.0, 0.02, 0.5, 0.0], [0.0, 0.0, 0.5, 0.015]])   # means 0, 0.01, 0.5, 0.0075
    np.testing.assert_array_equal(lesson06.digit_area(X, 0.01), [False, True, True, False])


def test_the_claim_is_registered_with_both_sizes_and_both_budgets():
    from aelib.claims import registry
    assert "06.filters" in registry.REGISTRY
    quick, thorough = lesson06.settings("quick"), lesson06.settings("thorough")
    assert set(quick) < set(thorough)                   # the thorough run repeats every quick setting
    for regime in quick:
        cfg = lesson06.REGIMES[regime]
        assert set(cfg["grid"]["quick"]) <= set(cfg["grid"]["thorough"])
    for n in ("100 units", "500 units"):
        runs = [lesson06.REGIMES[r] for r in thorough if r.startswith(n)]
        assert max(c["epochs"] for c in runs) >= 4 * min(c["epochs"] for c in runs)   # a longer budget
    assert len(lesson06.SEEDS["quick"]) >= 3 and len(lesson06.SEEDS["thorough"]) >= 5

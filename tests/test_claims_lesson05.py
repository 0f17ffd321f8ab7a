"""aelib.claims.lesson05's own measurements, on hand-worked examples (the grid itself is in evidence/)."""
import numpy as np
import pytest

import aelib
from aelib.claims import lesson05


def _net_with_constant_output(output, bias):
    """A 4-3-1-3-4 net whose output pre-activation is ``bias`` for every input (last W = 0)."""
    net = aelib.DeepAutoencoder([4, 3, 1, 3, 4], output=output, seed=0)
    net.set_params(W4=0, b4=np.array(bias, np.float32))
    return net


def test_output_diagnostics_counts_overshoot_clip_gain_and_dark_ink_by_hand():
    X = np.array([[1.0, 0.6, 0.2, 0.0]], np.float32)
    net = _net_with_constant_output("relu", [-1.0, 0.5, 2.0, -0.2])      # z = [0, 0.5, 2, 0]
    d = lesson05.output_diagnostics(net, X)
    assert d["above_1"] == pytest.approx(1 / 4)                          # one pixel of four above 1
    # error 1 + 0.01 + 3.24 + 0 = 4.25; clipped z = [0, 0.5, 1, 0]: 1 + 0.01 + 0.64 = 1.65
    assert d["clip_gain"] == pytest.approx(4.25 - 1.65)
    # ink (x >= 0.5): pixels 0 and 1; pixel 0 has a = -1 <= 0, so it is dark and costs (1 - 0)^2
    assert d["dark_ink"] == pytest.approx(1 / 2)
    assert d["dark_ink_cost"] == pytest.approx(1.0)


def test_output_diagnostics_scores_the_other_net_on_the_first_nets_dark_ink_pixels():
    X = np.array([[1.0, 0.6, 0.2, 0.0]], np.float32)
    relu = _net_with_constant_output("relu", [-1.0, 0.5, 2.0, -0.2])
    sig = _net_with_constant_output("sigmoid", [0.0, 0.0, 0.0, 0.0])     # z = 0.5 everywhere
    d = lesson05.output_diagnostics(relu, X, other=sig)
    assert d["dark_ink_other"] == pytest.approx((1 - 0.5) ** 2)          # only pixel 0 is dark ink


def test_baselines_match_an_svd_projection_and_the_mean_digit():
    rng = np.random.default_rng(3)
    fit_X = rng.random((40, 6))
    test_X = rng.random((10, 6))
    b = lesson05.baselines(fit_X, test_X, m=2)
    mu = fit_X.mean(axis=0)
    V = np.linalg.svd(fit_X - mu, full_matrices=False)[2][:2]          # (2, 6) top directions
    Z = (test_X - mu) @ V.T @ V + mu
    assert b["PCA, m = 2"] == pytest.approx(((test_X - Z) ** 2).sum(axis=1).mean())
    assert b["average fit digit for every input"] == pytest.approx(((test_X - mu) ** 2).sum(axis=1).mean())


def test_distinct_codes_sees_a_dead_relu_bottleneck_as_one_code():
    net = aelib.DeepAutoencoder([4, 3, 2, 3, 4], bottleneck="relu", seed=0)
    X = np.random.default_rng(0).random((20, 4)).astype(np.float32)
    assert lesson05.distinct_codes(net.copy().set_params(b2=-100.0), X) == 1      # both code units 0
    assert lesson05.distinct_codes(net.copy().set_params(b2=100.0), X) > 1


def test_every_grid_part_compares_two_rows_of_the_grid():
    for part, (a, b, what) in lesson05.GRID_PARTS.items():
        assert a in lesson05.ROWS and b in lesson05.ROWS and a != b, part
        assert what
    assert set(lesson05.SETTINGS["quick"]["seeds"]) <= set(lesson05.SETTINGS["thorough"]["seeds"])
    assert lesson05.SETTINGS["quick"]["epochs"] == lesson05.SETTINGS["thorough"]["epochs"]

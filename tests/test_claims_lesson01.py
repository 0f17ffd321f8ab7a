"""aelib.claims.lesson01: the helpers of lesson 01's Claim check (ReLU vs sigmoid)."""
import json
from pathlib import Path

import numpy as np
import pytest

import aelib
from aelib.claims import lesson01

RESULT = Path(__file__).resolve().parent.parent / "evidence" / "results" / "01.relu-vs-sigmoid.json"


def test_gradient_norms_match_finite_differences_of_the_loss():
    rng = np.random.default_rng(3)
    net = aelib.Network([5, 4, 3, 2], ["sigmoid", "relu", "sigmoid"], seed=1, dtype="float64")
    X = rng.random((7, 5))                                     # (7, 5)
    T = (rng.random((7, 2)) > 0.5).astype(float)              # (7, 2)
    got = lesson01.gradient_norms(net, X, T)
    eps = 1e-6
    want = []
    for l in (1, 2, 3):
        W = net.params[f"W{l}"]
        dW = np.zeros_like(W)
        for idx in np.ndindex(W.shape):                        # central differences, one weight at a time
            keep = W[idx]
            W[idx] = keep + eps
            up = net.loss(X, T)
            W[idx] = keep - eps
            down = net.loss(X, T)
            W[idx] = keep
            dW[idx] = (up - down) / (2 * eps)
        want.append(np.linalg.norm(dW))
    assert got.shape == (3,)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_gradient_fading_ratio_is_first_layer_over_output_layer():
    ratios = lesson01.gradient_fading(seeds=[0], n_digits=20)
    train = aelib.load_digits("train")                     # sorted by class: the first 20 are all 0s
    sub = aelib.claims.balanced_subset(train, 20, seed=0)  # 2 of each class: what gradient_fading measures on
    assert np.bincount(sub.y, minlength=10).tolist() == [2] * 10
    net = lesson01.classifier(3, "sigmoid", 0, "auto").astype("float64")
    g = lesson01.gradient_norms(net, sub.X.astype(np.float64), lesson01.onehot(sub.y).astype(np.float64))
    assert ratios["sigmoid, default init"] == [pytest.approx(g[0] / g[3])]
    g_prefix = lesson01.gradient_norms(net, train.X[:20].astype(np.float64),
                                       lesson01.onehot(train.y[:20]).astype(np.float64))
    assert ratios["sigmoid, default init"] != [pytest.approx(g_prefix[0] / g_prefix[3])]   # not the 0s-only prefix
    assert set(ratios) == {"ReLU", "sigmoid", "sigmoid, default init"}


def test_accuracy_counts_the_largest_output_against_the_label():
    net = aelib.Network([2, 3], "sigmoid", dtype="float64")
    net.set_params(W1=np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), b1=np.zeros(3))
    digits = aelib.datasets.Digits(np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 0.0], [0.0, 1.0]]),
                                   np.array([0, 1, 1, 2]), "test")
    assert lesson01.accuracy(net, digits) == 0.5              # rows 0 and 1 right, rows 2 and 3 wrong


def test_classifier_uses_each_activations_recommended_init():
    relu = lesson01.classifier(3, "relu", 0)
    sig = lesson01.classifier(3, "sigmoid", 0)
    default = lesson01.classifier(3, "sigmoid", 0, "auto")
    r = np.sqrt(6 / (784 + 64))
    assert np.abs(sig.params["W1"]).max() <= 4 * r and np.abs(sig.params["W1"]).max() > 3.9 * r
    assert np.abs(default.params["W1"]).max() <= r
    assert np.std(relu.params["W1"]) == pytest.approx(np.sqrt(2 / 784), rel=0.02)


def test_quick_grids_are_rungs_of_the_thorough_grid_next_to_its_choice():
    for (setting, arm), grid in lesson01.QUICK_GRID.items():
        full = lesson01.LR_GRID[lesson01.SETTINGS[setting][1]]
        assert set(grid) <= set(full), (setting, arm)
        pos = sorted(full.index(x) for x in grid)
        assert pos == list(range(pos[0], pos[0] + len(pos))), f"{setting} / {arm}: not neighbouring rungs"
    if not RESULT.exists():
        pytest.skip("no thorough result yet (scripts/evidence.py --only 01.)")
    rep = json.loads(RESULT.read_text())
    for (setting, arm), grid in lesson01.QUICK_GRID.items():
        thorough = rep["arms"][f"{setting}: {arm}"]
        full, chosen = thorough["lr_grid"], thorough["lr"]
        assert chosen in grid, f"{setting} / {arm}: the thorough choice {chosen} is not in the quick grid {grid}"
        if len(grid) == 2:                 # the other rung: the better-validating neighbour of the choice
            i = full.index(chosen)
            neighbours = [full[j] for j in (i - 1, i + 1) if 0 <= j < len(full)]
            best = max(neighbours, key=lambda lr: thorough["val_by_lr"][f"{lr:g}"])
            assert set(grid) == {chosen, best}, f"{setting} / {arm}: quick grid {grid}, expected {{{chosen}, {best}}}"

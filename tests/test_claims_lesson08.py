"""Lesson 08's claim check (aelib/claims/lesson08.py) and the helpers it rests on."""
import numpy as np
import pytest

import aelib
from aelib.claims import lesson08
from aelib.datasets import Digits


def _jacobian_by_differences(ae, x, eps=1e-6):
    n = x.size
    J = np.zeros((n, n))
    for k in range(n):
        e = np.zeros((1, n))
        e[0, k] = eps
        J[:, k] = ((ae.reconstruct(x[None] + e) - ae.reconstruct(x[None] - e)) / (2 * eps))[0]
    return J


@pytest.mark.parametrize("tied, enc, dec", [(True, "sigmoid", "sigmoid"), (False, "tanh", "identity"),
                                            (False, "sigmoid", "softplus")])
def test_jacobian_trace_matches_the_trace_of_a_finite_difference_jacobian(tied, enc, dec):
    r = np.random.default_rng(0)
    ae = aelib.Autoencoder(6, 4, encoder=enc, decoder=dec, tied=tied, seed=1, dtype="float64")
    ae.set_params(b=r.normal(0, 1, 4), b_prime=r.normal(0, 0.5, 6))
    X = r.random((3, 6))
    want = np.mean([np.trace(_jacobian_by_differences(ae, x)) for x in X])
    assert lesson08.jacobian_trace(ae, X) == pytest.approx(want, rel=1e-6)


def test_jacobian_trace_of_a_linear_projection_is_its_rank():
    # a linear tied AE whose rows are orthonormal: z = Wᵀ W x, an orthogonal projection of rank 3
    Q, _ = np.linalg.qr(np.random.default_rng(2).normal(size=(8, 3)))
    ae = aelib.Autoencoder(8, 3, encoder="identity", decoder="identity", tied=True, dtype="float64")
    ae.set_params(W=Q.T)
    assert lesson08.jacobian_trace(ae, np.random.default_rng(3).random((5, 8))) == pytest.approx(3.0)


def test_balanced_subset_takes_the_same_number_of_each_class():
    d = Digits(np.arange(12, dtype=np.float32).reshape(12, 1), np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2]), "t")
    sub = lesson08.balanced_subset(d, 2)
    np.testing.assert_array_equal(sub.y, [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(sub.X[:, 0], [0, 1, 4, 5, 7, 8])


def test_the_claim_data_have_every_class_and_no_test_digit_in_fitting():
    fit, val, test = lesson08.data()
    assert np.bincount(fit.y).tolist() == [lesson08.PER_CLASS] * 10
    assert len(val.y) == 500 and len(test.y) == 1000
    fit_rows = {r.tobytes() for r in fit.X}
    assert not any(r.tobytes() in fit_rows for r in val.X)
    assert not any(r.tobytes() in fit_rows for r in test.X[:200])


def test_the_claim_is_registered_and_the_notebook_budget_runs_identically_in_both_modes():
    from aelib.claims import registry
    registry.load_all()
    assert "08.probe" in registry.REGISTRY
    quick, thorough = lesson08.budgets("quick"), lesson08.budgets("thorough")
    assert quick == ["10 epochs"] and set(quick) < set(thorough)
    assert len(lesson08.SEEDS) >= 5 and len(lesson08.GRID) >= 3
    longest = max(lesson08.BUDGETS[b]["epochs"] for b in thorough)
    assert longest >= 3 * lesson08.BUDGETS["10 epochs"]["epochs"]          # a longer budget, thorough only
    assert lesson08.arm_name("plain AE", 16, "10 epochs") == "plain AE, m=16"
    assert lesson08.arm_name("plain AE", 16, "30 epochs") == "plain AE, m=16, 30 epochs"


def test_probe_accuracy_is_perfect_on_separable_codes_and_chance_on_shuffled_labels():
    r = np.random.default_rng(4)
    y = np.repeat(np.arange(10), 30)
    H = np.eye(10)[y] * 3 + 0.1 * r.normal(size=(300, 10))
    assert lesson08.probe_accuracy(H, y, H, y) == 1.0
    assert lesson08.probe_accuracy(H, r.permutation(y), H[:100], y[:100]) < 0.4


def test_stacked_sizes_share_layer_1_and_equal_separately_trained_models():
    X = lesson08.data()[0].X[::10]                                   # 200 digits, quick
    together = lesson08.train_stacked_sizes([4, 6], X, lr=0.01, seed=1, epochs=2)
    alone = lesson08.train_encoder("stacked DAE", 6, X, lr=0.01, seed=1, epochs=2)
    for layer in ("layer1", "layer2"):
        for k, p in getattr(alone, layer).params.items():
            np.testing.assert_array_equal(getattr(together[6], layer).params[k], p)
    np.testing.assert_array_equal(together[6].encode(X[:5]), alone.encode(X[:5]))


def test_one_probe_scored_twice_equals_two_probes():
    r = np.random.default_rng(5)
    y = np.repeat(np.arange(10), 20)
    H = r.normal(size=(200, 12)) + np.eye(10, 12)[y]
    A, B = r.normal(size=(50, 12)), r.normal(size=(30, 12))
    ya, yb = r.integers(0, 10, 50), r.integers(0, 10, 30)
    assert lesson08.probe_accuracies(H, y, [(A, ya), (B, yb)], seed=3) == \
        [lesson08.probe_accuracy(H, y, A, ya, seed=3), lesson08.probe_accuracy(H, y, B, yb, seed=3)]


def test_saturated_share_counts_values_near_0_or_1_by_hand():
    H = np.array([[0.0, 0.04, 0.05, 0.06], [0.5, 0.94, 0.96, 1.0]])
    # within 0.05 of 0 or 1: 0.0, 0.04, 0.05 (edge counts), 0.96, 1.0 -> 5 of 8
    assert lesson08.saturated_share(H) == pytest.approx(5 / 8)
    assert lesson08.saturated_share(H, within=0.0) == pytest.approx(2 / 8)
    with pytest.raises(ValueError, match="'within'"):
        lesson08.saturated_share(H, within=0.5)
    with pytest.raises(ValueError, match="'H'.*shape"):
        lesson08.saturated_share(np.zeros(3))


def test_sigmoid_copier_reconstructs_and_has_the_trace_worked_by_hand():
    r = np.random.default_rng(6)
    X = (r.random((4, 10)) < 0.3).astype(np.float32) * 0.9 + 0.05       # near-binary pixels
    copier = lesson08.sigmoid_copier(8.0, n_visible=10)
    s = 1 / (1 + np.exp(-8.0 * (X - 0.5)))
    np.testing.assert_allclose(copier.reconstruct(X), s, rtol=1e-5)
    want = np.mean((8.0 * s * (1 - s)).sum(axis=1))                    # tr diag(k σ'(k(x - 1/2)))
    assert lesson08.jacobian_trace(copier, X) == pytest.approx(want, rel=1e-5)
    assert lesson08.jacobian_trace(copier, X) < 10 / 2                  # far below n_visible although it copies
    with pytest.raises(ValueError, match="'gain'"):
        lesson08.sigmoid_copier(0.0)


def test_scale_codes_one_scale_keeps_relative_variances_worked_by_hand():
    H = np.array([[0.0, 0.0], [2.0, 4.0]])                     # means (1, 2), variances (1, 4): s = sqrt(2.5)
    (Z,) = lesson08.scale_codes(H, scaling="one scale")
    np.testing.assert_allclose(Z, np.array([[-1.0, -2.0], [1.0, 2.0]]) / np.sqrt(2.5), rtol=1e-6)
    Z_fit, Z_other = lesson08.scale_codes(H, np.array([[1.0, 2.0]]), scaling="standardised")
    np.testing.assert_allclose(Z_fit, [[-1, -1], [1, 1]], rtol=1e-6)   # per feature: both columns to sd 1
    np.testing.assert_allclose(Z_other, [[0, 0]], atol=1e-7)            # the fitting means, not its own
    with pytest.raises(ValueError, match="'scaling'"):
        lesson08.scale_codes(H, scaling="whiten")


def test_probe_scores_with_the_default_recipe_is_probe_accuracies():
    r = np.random.default_rng(7)
    y = np.repeat(np.arange(10), 20)
    H = r.normal(size=(200, 8)) + np.eye(10, 8)[y]
    A, ya = r.normal(size=(40, 8)), r.integers(0, 10, 40)
    assert lesson08.probe_scores(H, y, [(A, ya)], seed=2) == lesson08.probe_accuracies(H, y, [(A, ya)], seed=2)


def test_tuned_probe_picks_the_setting_best_on_validation_and_uses_it_for_every_seed():
    from aelib.probe import SoftmaxRegression
    r = np.random.default_rng(8)
    y = np.repeat(np.arange(10), 30)
    scale = np.r_[np.full(5, 0.05), np.full(5, 5.0)]                    # features of very different variance
    codes = {s: tuple((np.eye(10)[y] + 0.8 * r.normal(size=(300, 10))) * scale for _ in range(3)) for s in (0, 1)}
    grid = [(0.003, 0.0, "one scale"), (0.03, 1e-2, "standardised"), (0.01, 0.0, "standardised")]

    def oracle(H_fit, H_eval, seed, lr, l2, scaling, y_eval=y):       # the probe built by hand
        mu, sd = H_fit.mean(0), H_fit.std(0)
        s = sd if scaling == "standardised" else np.sqrt(np.mean(sd ** 2))
        p = SoftmaxRegression(10)
        p.fit(((H_fit - mu) / s).astype(np.float32), y, epochs=20, batch_size=64, lr=lr, l2=l2, seed=seed)
        return p.accuracy(((H_eval - mu) / s).astype(np.float32), y_eval)

    want_val = [oracle(codes[0][0], codes[0][1], 0, *g) for g in grid]
    assert len(set(want_val)) > 1                                        # the settings differ on these codes
    y_test = r.permutation(y)
    best, val_acc, test = lesson08.tuned_probe(codes, y, y, y_test, grid=grid)
    assert best == grid[int(np.argmax(want_val))] and val_acc == pytest.approx(max(want_val))
    for s, H in codes.items():                                           # each seed: its codes, its shuffling
        assert test[s] == pytest.approx(oracle(H[0], H[2], s, *best, y_eval=y_test))
    # the test labels choose nothing: the same setting with other test labels
    assert lesson08.tuned_probe(codes, y, y, y, grid=grid)[0] == best
    # ties go to the first setting of the grid
    assert lesson08.tuned_probe(codes, y, y, y, grid=[grid[0], grid[0]])[0] == grid[0]


def test_the_relu_arm_has_a_relu_encoder_with_he_initial_weights():
    X = lesson08.data()[0].X[::20]                             # 100 digits
    from aelib.layers import init_scheme
    ae = lesson08.train_encoder("ReLU AE", 8, X, lr=0.01, seed=0, epochs=1)
    assert ae.encoder.name == "relu" and ae.decoder.name == "sigmoid" and ae.tied
    assert init_scheme(ae.encoder, ae.init) == "he"
    assert lesson08.train_encoder("plain AE", 8, X, lr=0.01, seed=0, epochs=1).encoder.name == "sigmoid"

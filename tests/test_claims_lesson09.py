"""aelib.claims.lesson09's own measurements, against independent oracles (the claim itself is in evidence/)."""
import numpy as np
import pytest

import aelib
from aelib.claims import lesson09, registry
from aelib.vae import VAE


def test_nearest_distances_match_a_brute_force_loop():
    rng = np.random.default_rng(0)
    A, R = rng.random((7, 20)), rng.random((11, 20))
    loop = [min(np.sqrt(((a - r) ** 2).sum()) for r in R) for a in A]
    assert np.allclose(lesson09.nearest_distances(A, R), loop, rtol=1e-9)
    assert lesson09.nearest_distances(R[:3], R) == pytest.approx(np.zeros(3), abs=1e-6)   # a digit is its own nearest


def test_the_average_digits_nearest_distance_is_its_distance_to_the_closest_training_digit():
    train, fit_set, _, _ = lesson09.data()
    avg = fit_set.X.mean(axis=0, keepdims=True).astype(np.float64)
    direct = np.sqrt(((train.X.astype(np.float64) - avg) ** 2).sum(axis=1)).min()
    assert lesson09.baselines()["the average fit digit [nearest]"] == pytest.approx(direct, rel=1e-9)


def test_confidence_is_the_mean_largest_class_probability():
    clf = lesson09.classifier()
    X = lesson09.data()[3].X[:50]
    P = clf.predict_proba(X)
    assert lesson09.confidence(X) == pytest.approx(float(P.max(axis=1).mean()))
    assert 1 / 10 <= lesson09.confidence(X) <= 1
    assert lesson09.predicted_share(X[:10]) == pytest.approx(np.bincount(clf.predict(X[:10])).max() / 10)


def test_sample_codes_follow_the_prior_the_box_and_the_fitted_gaussian():
    vae = VAE(784, 8, 2, seed=0)
    z = lesson09.sample_codes(vae, 20000, seed=0)[lesson09.VAE_ARM]
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03
    ae = aelib.DeepAutoencoder([784, 8, 2, 8, 784], seed=0)
    C = ae.encode(lesson09.data()[1].X).astype(np.float64)                 # the fit digits' codes
    codes = lesson09.sample_codes(ae, 20000, seed=0)
    box, gauss = codes[lesson09.BOX_ARM], codes[lesson09.GAUSS_ARM]
    assert (box >= C.min(axis=0)).all() and (box <= C.max(axis=0)).all()
    assert np.allclose(box.mean(axis=0), (C.min(axis=0) + C.max(axis=0)) / 2, atol=0.02 * np.ptp(C, axis=0).max())
    assert np.allclose(gauss.mean(axis=0), C.mean(axis=0), atol=0.05 * C.std())
    assert np.allclose(np.cov(gauss.T), np.cov(C.T), atol=0.05 * np.cov(C.T).max())


def test_samples_are_decoded_codes_and_seeded():
    vae = VAE(784, 8, 2, seed=0)
    a, b = lesson09.samples(vae, seed=3, n=5), lesson09.samples(vae, seed=3, n=5)
    assert np.array_equal(a[lesson09.VAE_ARM], b[lesson09.VAE_ARM])
    z = lesson09.sample_codes(vae, 5, seed=3)[lesson09.VAE_ARM]
    assert np.allclose(a[lesson09.VAE_ARM], vae.decode(z.astype(np.float32)))


def test_both_claims_are_registered_for_lesson_09():
    claims = registry.load_all()
    assert "lesson09" in registry.LESSON_MODULES
    assert claims["09.samples"].lesson == "09" and claims["09.samples-long"].lesson == "09"
    with pytest.raises(ValueError, match="'mode'"):
        lesson09.samples_claim("slow")


# ---- the Fréchet distance and the crossed arms of 09.samples ----------------------------------------
def test_frechet_distance_of_1d_samples_is_the_gap_of_means_and_of_standard_deviations_squared():
    rng = np.random.default_rng(1)
    a, b = rng.normal(2.0, 3.0, (400, 1)), rng.normal(-1.0, 0.5, (300, 1))
    sa, sb = a.std(ddof=1), b.std(ddof=1)          # the 1-d Gaussians' closed form: (m_a - m_b)^2 + (s_a - s_b)^2
    expected = (a.mean() - b.mean()) ** 2 + (sa - sb) ** 2
    assert lesson09.frechet_distance(a, b) == pytest.approx(expected, rel=1e-10)
    assert lesson09.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_in_2d_matches_the_closed_form_of_a_2x2_square_root():
    # For 2 x 2 covariances the eigenvalues l1, l2 of C_A C_B are positive and
    # tr (C_A C_B)^{1/2} = sqrt(l1) + sqrt(l2) = sqrt(tr(C_A C_B) + 2 sqrt(det C_A det C_B)), worked without eigh.
    rng = np.random.default_rng(2)
    A = rng.standard_normal((500, 2)) @ np.array([[2.0, 0.0], [1.2, 0.5]]) + [1.0, -2.0]
    B = rng.standard_normal((600, 2)) @ np.array([[0.3, 0.8], [0.0, 1.5]])       # not commuting with A's
    CA, CB = np.cov(A.T), np.cov(B.T)
    tr_sqrt = np.sqrt(np.trace(CA @ CB) + 2 * np.sqrt(np.linalg.det(CA) * np.linalg.det(CB)))
    expected = ((A.mean(0) - B.mean(0)) ** 2).sum() + np.trace(CA) + np.trace(CB) - 2 * tr_sqrt
    assert lesson09.frechet_distance(A, B) == pytest.approx(expected, rel=1e-10)
    assert lesson09.frechet_distance(B, A) == pytest.approx(expected, rel=1e-10)      # symmetric


def test_frechet_distance_names_its_arguments_on_bad_shapes():
    with pytest.raises(ValueError, match="'A' and 'B'.*\\(5, 3\\) and \\(5, 2\\)"):
        lesson09.frechet_distance(np.zeros((5, 3)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="n, m >= 2"):
        lesson09.frechet_distance(np.zeros((1, 3)), np.zeros((5, 3)))


def test_pca_features_are_the_training_digits_leading_principal_axes():
    train = lesson09.data()[0]
    F = lesson09.pca_features(train.X)                                      # (4000, FD_DIM)
    assert F.shape == (4000, lesson09.FD_DIM)
    top = np.linalg.eigvalsh(np.cov(train.X.astype(np.float64).T))[::-1][:lesson09.FD_DIM]
    assert np.allclose(np.var(F, axis=0, ddof=1), top, rtol=1e-6)            # variances = leading eigenvalues
    assert np.allclose(F.mean(axis=0), 0, atol=1e-9)
    assert np.allclose(np.cov(F.T), np.diag(top), atol=1e-6 * top[0])        # uncorrelated features


def test_real_digits_lie_close_and_blur_far_in_frechet_distance():
    base = lesson09.baselines()
    assert base["1,000 real fit digits [frechet]"] < 1.0 < 10 < base["the average fit digit [frechet]"]
    # the average digit repeated has no spread: its distance is |m - m_test|^2 + tr(C_test), by hand
    test_F = lesson09.pca_features(lesson09.data()[3].X)
    avg_F = lesson09.pca_features(lesson09.data()[1].X.mean(axis=0, keepdims=True))[0]
    by_hand = ((avg_F - test_F.mean(0)) ** 2).sum() + np.trace(np.cov(test_F.T))
    assert base["the average fit digit [frechet]"] == pytest.approx(by_hand, rel=1e-6)


def test_code_sets_cross_every_decoder_with_box_gaussian_and_prior():
    ae = aelib.DeepAutoencoder([784, 8, 2, 8, 784], seed=0)
    sets, old = lesson09.code_sets(ae, 50, seed=4), lesson09.sample_codes(ae, 50, seed=4)
    assert set(sets) == {"box", "gaussian"}
    assert np.array_equal(sets["box"], old[lesson09.BOX_ARM]) and np.array_equal(sets["gaussian"], old[lesson09.GAUSS_ARM])
    vae = VAE(784, 8, 2, seed=0)
    sets = lesson09.code_sets(vae, 20000, seed=0)
    assert set(sets) == {"box", "gaussian", "prior"}
    M = vae.encode(lesson09.data()[1].X).astype(np.float64)                 # the VAE's code means of the fit digits
    assert (sets["box"] >= M.min(axis=0)).all() and (sets["box"] <= M.max(axis=0)).all()
    assert np.allclose(sets["gaussian"].mean(axis=0), M.mean(axis=0), atol=0.05 * M.std())
    assert abs(sets["prior"].mean()) < 0.03 and abs(sets["prior"].std() - 1) < 0.03
    images = lesson09.image_sets(vae, seed=0, n=5)
    assert np.allclose(images["recon"], vae.reconstruct(lesson09.data()[3].X))
    assert np.allclose(images["prior"], vae.decode(lesson09.code_sets(vae, 5, seed=0)["prior"].astype(np.float32)))


def test_saturated_counts_pixels_below_0_1_or_above_0_9():
    assert np.allclose(lesson09.saturated(np.array([[0.05, 0.5, 0.95, 0.9], [0.2, 0.3, 0.4, 0.0]])), [0.5, 0.25])


def test_samples_verdicts_compare_the_arms_they_name(monkeypatch):
    # Synthetic scores: the plain AE decoder and the VAE decoder score the same on the same kind of codes
    # (confidence 0.9 on a box, 0.75 on a Gaussian), the VAE's prior 0.7; only the Fréchet distance of the VAE's
    # prior is better. A wrongly wired part (say natural/box comparing the VAE's box) would change an outcome.
    conf = {"box": 0.9, "gaussian": 0.75, "prior": 0.7, "recon": 0.75}
    fd = {"box": 19.0, "gaussian": 16.0, "prior": 14.0, "recon": 15.0}
    monkeypatch.setattr(lesson09, "train_model", lambda kind, lr, seed, *a: (None, 100.0 + abs(lr - 3e-3) * 1e3
                                                                            if kind == "ae" else 100 + abs(lr - 1e-2) * 1e3))

    def fake(kind, lr, seed):
        jitter = 0.001 * seed
        return {d: {"confidence": conf[d] + jitter, "nearest": 4.5 + jitter,
                    "frechet": fd[d] + (0.3 if kind == "ae" and d != "prior" else 0.0) + jitter}
                for d in lesson09.SETS[kind]}
    monkeypatch.setattr(lesson09, "_set_scores", fake)
    arms, verdicts = lesson09._samples_experiment("quick", progress=False)
    out = {vd.claim: vd.outcome for vd in verdicts}
    assert arms[f"{lesson09.arm_name('ae', 'box')} [confidence]"].lr == 3e-3
    assert arms[f"{lesson09.arm_name('vae', 'prior')} [confidence]"].lr == 1e-2
    assert out["09.samples/natural/box/confidence"] == "does not hold"          # prior 0.7 < AE box 0.9
    assert out["09.samples/natural/gaussian/confidence"] == "does not hold"     # prior 0.7 < AE Gaussian 0.75
    assert out["09.samples/same/box/confidence"] == "inconclusive"              # 0.9 against 0.9
    assert out["09.samples/same/gaussian/confidence"] == "inconclusive"
    assert out["09.samples/sampling/confidence"] == "does not hold"             # the VAE's prior 0.7 < its box 0.9
    assert out["09.samples/natural/box/frechet"] == "holds"                     # 14 < 19.3
    assert out["09.samples/same/box/frechet"] == "inconclusive"                 # 19 vs 19.3: below the floor 0.5
    assert out["09.samples/same/box/nearest"] == "inconclusive"
    assert out["09.samples"] == "does not hold" and out["09.samples/same"] == "inconclusive"

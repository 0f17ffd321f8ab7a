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

"""aelib.vae: the VAE's loss and gradients against independent oracles, ε from fit's generator, bad input."""
import math

import numpy as np
import pytest

import aelib
from aelib.vae import VAE, kl_to_standard_normal


def _small(hidden="relu", beta=1.0, seed=1):
    return VAE(12, 5, 3, hidden=hidden, beta=beta, seed=seed, dtype="float64")


def _data(rows=6, cols=12, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((rows, cols)), rng.standard_normal((rows, 3))


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "elu"])
@pytest.mark.parametrize("beta", [1.0, 0.3, 4.0])
def test_gradients_match_finite_differences_with_eps_held_fixed(hidden, beta):
    X, eps = _data()
    vae = _small(hidden, beta)
    vae.params["b_logvar"][:] = [-1.0, 0.5, 0.2]             # σ != 1, so the σ-path is exercised
    report = aelib.gradcheck(vae.with_eps(eps), X)
    assert report.max_error < 1e-6, str(report)


def test_a_one_unit_vae_worked_by_hand():
    # x = 1, h1 = x (identity, W1 = 1), μ = 0.5 h1, log σ² = log 0.25 (σ = 0.5), ε = 1
    # z = 0.5 + 0.5 * 1 = 1, h2 = z, a = 2 h2 = 2
    # reconstruction softplus(2) - 1 * 2 = log(1 + e^-2) = 0.126928; KL = ½(0.25 + 0.25 - 1 - log 0.25) = 0.443147
    vae = VAE(1, 1, 1, hidden="identity", dtype="float64")
    vae.set_params(W1=1, b1=0, W_mu=0.5, b_mu=0, W_logvar=0, b_logvar=math.log(0.25), W2=1, b2=0, W3=2, b3=0)
    X, eps = np.array([[1.0]]), np.array([[1.0]])
    terms = vae.loss_terms(X, eps=eps)
    assert terms["reconstruction"] == pytest.approx(math.log(1 + math.exp(-2)), rel=1e-9)
    assert terms["kl"] == pytest.approx(0.5 * (0.5 - 1 - math.log(0.25)), rel=1e-9)
    value, g = vae.with_eps(eps).loss_and_grads(X)
    assert value == pytest.approx(0.126928 + 0.443147, abs=1e-6)
    dA = 1 / (1 + math.exp(-2)) - 1                           # σ(a) - x = -0.119203
    dZ = dA * 2                                               # through W3 = 2, identity, W2 = 1
    assert g["b3"][0] == pytest.approx(dA)
    assert g["b_mu"][0] == pytest.approx(dZ + 0.5)            # + ∂KL/∂μ = μ
    # ∂/∂v: dz/dv = ½ σ ε = 0.25; ∂KL/∂v = ½(σ² - 1) = -0.375
    assert g["b_logvar"][0] == pytest.approx(dZ * 0.25 - 0.375)


def test_kl_matches_numerical_integration_of_two_gaussians():
    mu, logvar = np.array([[0.7, -1.2]]), np.array([[np.log(0.3), np.log(2.5)]])
    t = np.linspace(-20, 20, 400_001)
    total = 0.0
    for m, v in zip(mu[0], logvar[0]):
        s2 = np.exp(v)
        q = np.exp(-(t - m) ** 2 / (2 * s2)) / np.sqrt(2 * np.pi * s2)
        log_q = -(t - m) ** 2 / (2 * s2) - 0.5 * np.log(2 * np.pi * s2)
        log_p = -t ** 2 / 2 - 0.5 * np.log(2 * np.pi)
        total += np.trapezoid(q * (log_q - log_p), t) if hasattr(np, "trapezoid") else np.trapz(q * (log_q - log_p), t)
    assert kl_to_standard_normal(mu, logvar) == pytest.approx(total, rel=1e-6)
    assert kl_to_standard_normal(np.zeros((4, 2)), np.zeros((4, 2))) == 0.0   # q = prior: no divergence


def test_loss_terms_add_up_and_agree_with_loss_and_grads():
    X, eps = _data()
    vae = _small(beta=2.5)
    t = vae.loss_terms(X, eps=eps)
    assert t["loss"] == pytest.approx(t["reconstruction"] + 2.5 * t["kl"])
    assert vae.with_eps(eps).loss_and_grads(X)[0] == pytest.approx(t["loss"])
    assert vae.with_eps(eps).loss(X) == pytest.approx(t["loss"])


def test_reconstruction_is_summed_over_pixels_and_averaged_over_digits():
    X, eps = _data()
    vae = _small()
    mu, logvar = vae.encode_distribution(X)
    codes = mu + np.exp(0.5 * logvar) * eps             # z = μ + σ ε
    Xhat = vae.decode(codes)
    by_hand = -np.mean(np.sum(X * np.log(Xhat) + (1 - X) * np.log(1 - Xhat), axis=1))
    assert vae.loss_terms(X, eps=eps)["reconstruction"] == pytest.approx(by_hand, rel=1e-9)


def test_fit_draws_a_fresh_eps_for_every_batch_from_its_seed(monkeypatch):
    X = aelib.load_digits("train").X[:96]
    seen = []
    original = VAE.draw_eps

    def recording(self, B, rng=None):
        E = original(self, B, rng)
        if rng is not None:
            seen.append(E.copy())
        return E

    monkeypatch.setattr(VAE, "draw_eps", recording)
    a = VAE(784, 16, 2, seed=0)
    a.fit(X, epochs=2, batch_size=32, lr=1e-3, optimizer="adam", seed=5)
    assert len(seen) == 6                                      # 2 epochs x 3 batches, one draw each
    assert all(not np.array_equal(seen[0], E) for E in seen[1:]), "eps must not be drawn once for all training"
    b = VAE(784, 16, 2, seed=0)
    b.fit(X, epochs=2, batch_size=32, lr=1e-3, optimizer="adam", seed=5)
    c = VAE(784, 16, 2, seed=0)
    c.fit(X, epochs=2, batch_size=32, lr=1e-3, optimizer="adam", seed=6)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)       # the seed fixes the run
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_deterministic_models_are_not_passed_a_generator():
    assert aelib.Autoencoder(4, 2).stochastic is False and aelib.DeepAutoencoder([4, 2, 4]).stochastic is False
    assert VAE(4, 3, 2).stochastic is True


def test_held_out_loss_is_the_same_on_every_call_and_sampling_is_seeded():
    X, _ = _data()
    vae = _small()
    assert vae.loss(X) == vae.loss(X)
    assert np.array_equal(vae.sample(5, seed=3), vae.sample(5, seed=3))
    assert not np.array_equal(vae.sample(5, seed=3), vae.sample(5, seed=4))
    assert vae.sample(5).shape == (5, 12) and ((vae.sample(5) > 0) & (vae.sample(5) < 1)).all()


def test_training_lowers_the_negative_elbo_on_held_out_digits():
    data = aelib.load_digits("train")
    vae = VAE(784, 32, 2, seed=0).init_output_bias(data.X[:500])
    before = vae.loss(data.X[500:800])
    hist = vae.fit(data.X[:500], epochs=3, batch_size=50, lr=3e-3, optimizer="adam", X_val=data.X[500:800])
    assert hist.val_loss[-1] < before - 5


X_OK = np.random.default_rng(0).random((8, 12))


@pytest.mark.parametrize("call, exc, words", [
    (lambda: VAE(12, 5, 0), ValueError, ["'n_latent'", "Got 0"]),
    (lambda: VAE(12, 5, 2, beta=-1), ValueError, ["'beta'", "-1"]),
    (lambda: VAE(12, 5, 2, hidden="relu6"), ValueError, ["'hidden'", "'relu6'"]),
    (lambda: VAE(12, 5, 2, dtype="int8"), ValueError, ["'dtype'"]),
    (lambda: VAE(12, 5, 2).loss(X_OK, loss="squared_error"), ValueError, ["'loss'", "Bernoulli", "squared_error"]),
    (lambda: VAE(10, 5, 2).loss(X_OK), ValueError, ["'X'", "10 columns"]),
    (lambda: VAE(12, 5, 2).decode(np.zeros((3, 4))), ValueError, ["'Z'", "2 columns"]),
    (lambda: VAE(12, 5, 2).with_eps(np.zeros((8, 3))), ValueError, ["'eps'", "2 columns"]),
    (lambda: VAE(12, 5, 2).with_eps(np.zeros((7, 2))).loss(X_OK), ValueError, ["'eps'", "7 rows", "8"]),
    (lambda: VAE(12, 5, 2).loss_terms(X_OK, eps=np.zeros((3, 2))), ValueError, ["'eps'", "one row per row"]),
    (lambda: VAE(12, 5, 2).loss(X_OK * 3), ValueError, ["'X'", "[0, 1]"]),
    (lambda: VAE(12, 5, 2).sample(0), ValueError, ["'n'"]),
])
def test_bad_input_gets_a_clear_error(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for w in words:
        assert w in str(info.value), (w, str(info.value))

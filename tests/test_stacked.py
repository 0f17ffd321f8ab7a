"""aelib.stacked: the rectifier recipe as a two-layer stacked denoising autoencoder."""
import numpy as np
import pytest

import aelib
from aelib.stacked import PreRectifierNoise, StackedDAE


@pytest.fixture(scope="module")
def X():
    d = aelib.load_digits("train")
    return d.X[::10]                                  # 400 digits, every class


@pytest.fixture(scope="module")
def trained(X):
    s = StackedDAE(784, 32, 8, noise1=("masking", 0.25), noise2=0.5, l1=(1e-4, 1e-4), seed=0)
    h1, h2 = s.fit(X, epochs=(4, 6), batch_size=50, lr=(3e-3, 3e-3), X_val=X[:100])
    return s, h1, h2


def test_pre_rectifier_noise_adds_noise_then_rectifies():
    A = np.random.default_rng(0).normal(size=(200, 30)).astype(np.float32)
    out = PreRectifierNoise(0.5, seed=1)(A)
    assert out.shape == A.shape and out.min() == 0.0
    assert not np.allclose(out, np.maximum(A, 0))     # noise was added
    again = PreRectifierNoise(0.5, seed=1)(A)
    np.testing.assert_array_equal(out, again)          # seeded
    # units pushed below zero by the noise are cut: some a > 0 become exactly 0, some a < 0 become > 0
    assert ((A > 0) & (out == 0)).any() and ((A < 0) & (out > 0)).any()


def test_layers_have_the_recipe_activations(trained):
    s, _, _ = trained
    assert (s.layer1.encoder.name, s.layer1.decoder.name) == ("relu", "sigmoid")
    assert (s.layer2.encoder.name, s.layer2.decoder.name) == ("relu", "softplus")


def test_both_layers_learn(trained):
    _, h1, h2 = trained
    assert not h1.diverged and not h2.diverged
    assert h1.val_loss[-1] < h1.val_loss[0]
    assert h2.val_loss[-1] < 0.8 * h2.val_loss[0]


def test_layer2_is_trained_to_reconstruct_the_clean_codes(trained, X):
    s, _, h2 = trained
    H1 = s.layer1.encode(X[:100])                     # (100, 32) the clean codes
    err = ((s.layer2.reconstruct(H1) - H1) ** 2).sum(axis=1).mean()
    assert err == pytest.approx(h2.val_loss[-1], rel=1e-4)     # validation = clean codes in, clean out
    assert err < 0.5 * (H1 ** 2).sum(axis=1).mean()            # better than reconstructing zeros


def test_stack_forward_matches_numpy(trained, X):
    s, _, _ = trained
    p1, p2 = s.layer1.params, s.layer2.params
    x = X[:5]
    h1 = np.maximum(x @ p1["W"].T + p1["b"], 0)                    # (5, 32)
    h2 = np.maximum(h1 @ p2["W"].T + p2["b"], 0)                   # (5, 8)
    h1_hat = np.logaddexp(0, h2 @ p2["W"] + p2["b_prime"])         # (5, 32) softplus, tied
    x_hat = 1 / (1 + np.exp(-(h1_hat @ p1["W"] + p1["b_prime"])))  # (5, 784) sigmoid, tied
    np.testing.assert_allclose(s.encode(x), h2, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(s.reconstruct(x), x_hat, rtol=1e-4, atol=1e-5)


def test_l1_penalty_shrinks_the_weights(X):
    sums = []
    for lam in (0.0, 3e-2):
        s = StackedDAE(784, 16, 4, l1=(lam, lam), seed=0)
        s.fit(X, epochs=(2, 2), batch_size=50)
        sums.append(np.abs(s.layer1.params["W"]).sum())
    assert sums[1] < 0.8 * sums[0]


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="'noise1' parameter of StackedDAE"):
        StackedDAE(noise1="masking")
    with pytest.raises(TypeError, match="'l1' parameter of StackedDAE"):
        StackedDAE(l1=0.1)
    with pytest.raises(ValueError, match="'kind' parameter"):
        StackedDAE(noise1=("blur", 0.2))

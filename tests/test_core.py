"""Unit tests of aelib's numerical core: gradients, losses, noise, training, divergence."""
import subprocess
import sys

import numpy as np
import pytest

import aelib
from aelib import ACTIVATIONS, Autoencoder, DeepAutoencoder, Network, gradcheck

TOL = 1e-6


def randomize_biases(model, seed):
    """Gradient checks need non-trivial points: biases at 0 put ReLU units exactly on their kink."""
    rng = np.random.default_rng(seed + 100)
    for p in model.params.values():
        if p.ndim == 1:
            p[:] = rng.normal(0, 0.5, p.shape)
    return model


@pytest.fixture
def X_small():
    return np.random.default_rng(0).random((5, 6))       # (batch, n_visible), values in (0, 1)


# ---- gradient checks: finite differences in float64 ------------------------------------------

@pytest.mark.parametrize("tied", [True, False], ids=["tied", "untied"])
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_gradcheck_squared_error_every_activation(act, tied, X_small):
    model = randomize_biases(Autoencoder(6, 4, encoder=act, decoder=act, tied=tied, seed=0, dtype="float64"), 0)
    report = gradcheck(model, X_small, loss="squared_error")
    assert report.max_error < TOL, str(report)


@pytest.mark.parametrize("tied", [True, False], ids=["tied", "untied"])
@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_gradcheck_cross_entropy_every_encoder(act, tied, X_small):
    model = randomize_biases(Autoencoder(6, 4, encoder=act, decoder="sigmoid", tied=tied, seed=0), 0)
    report = gradcheck(model, X_small, loss="cross_entropy")
    assert report.max_error < TOL, str(report)


@pytest.mark.parametrize("hidden,bottleneck,output", [
    ("relu", "identity", "sigmoid"), ("relu", "relu", "sigmoid"), ("elu", "identity", "sigmoid"),
    ("leaky_relu", "identity", "sigmoid"), ("sigmoid", "sigmoid", "sigmoid"), ("relu", "identity", "relu"),
    ("tanh", "identity", "identity"), ("softplus", "identity", "softplus"),
])
def test_gradcheck_deep_autoencoder(hidden, bottleneck, output, X_small):
    model = randomize_biases(DeepAutoencoder([6, 5, 4, 2, 4, 5, 6], hidden=hidden, bottleneck=bottleneck,
                                             output=output, seed=0), 0)
    loss = "cross_entropy" if output == "sigmoid" else "squared_error"
    report = gradcheck(model, X_small, loss=loss)
    assert report.max_error < TOL, str(report)


def test_gradcheck_catches_a_wrong_gradient(X_small):
    """The check must be able to fail: flip the sign of one gradient and it must say so."""
    model = Autoencoder(6, 4, seed=0)
    original = model.objective_and_grads

    def broken(X, T, L, rng=None):
        value, grads = original(X, T, L, rng)
        grads["b"] = -grads["b"]
        return value, grads

    model.objective_and_grads = broken
    report = gradcheck(model, X_small)
    assert report.errors["b"] > 0.5 and report.errors["W"] < TOL
    assert "b " in str(report) and "worst relative error" in str(report)


def test_gradcheck_does_not_change_the_model(X_small):
    model = Autoencoder(6, 4, seed=3)
    before = {k: p.copy() for k, p in model.params.items()}
    gradcheck(model, X_small, max_entries=5)
    for k in before:
        np.testing.assert_array_equal(model.params[k], before[k])
    assert model.params["W"].dtype == np.float32


# ---- an example worked by hand ------------------------------------------------------------

def test_tiny_tied_sigmoid_cross_entropy_example_worked_by_hand():
    r"""x = (1, 0), W = [[0.5, -0.5]], b = b' = 0, sigmoid/sigmoid, tied, cross-entropy.

    a = W x = 0.5;          h = σ(0.5) = 0.622459
    a' = h Wᵀ... = (0.311230, -0.311230);  z = (0.577185, 0.422815)
    L = -[1·log z1 + (1-0)·log(1 - z2)] = -2 log 0.577185 = 1.099184
    dA' = z - x = (-0.422815, 0.422815)  (= db')
    dH  = dA' · Wᵀ = -0.422815·0.5 + 0.422815·(-0.5) = -0.422815
    dA  = dH · h (1 - h) = -0.422815 · 0.235004 = -0.099363  (= db)
    dW  = dA xᵀ + (h dA')ᵀ = (-0.099363 - 0.263185, 0 + 0.263185) = (-0.362548, 0.263185)
    """
    model = Autoencoder(2, 1, seed=0, dtype="float64")
    model.set_params(W=[[0.5, -0.5]], b=0, b_prime=0)
    loss, g = model.loss_and_grads(np.array([[1.0, 0.0]]))
    assert loss == pytest.approx(1.099184, abs=1e-6)
    np.testing.assert_allclose(g["b_prime"], [-0.422815, 0.422815], atol=1e-6)
    np.testing.assert_allclose(g["b"], [-0.099363], atol=1e-6)
    np.testing.assert_allclose(g["W"], [[-0.362548, 0.263185]], atol=1e-6)


def test_tied_gradient_sums_encoder_and_decoder_paths(X_small):
    tied = Autoencoder(6, 4, tied=True, seed=1, dtype="float64")
    untied = Autoencoder(6, 4, tied=False, seed=1, dtype="float64")
    untied.set_params(W=tied.params["W"], W_prime=tied.params["W"].T)
    _, gt = tied.loss_and_grads(X_small)
    _, gu = untied.loss_and_grads(X_small)
    np.testing.assert_allclose(gt["W"], gu["W"] + gu["W_prime"].T, rtol=1e-12)


def test_sigmoid_cross_entropy_output_error_is_z_minus_x(X_small):
    model = Autoencoder(6, 4, seed=2, dtype="float64")
    _, g = model.loss_and_grads(X_small)
    Z = model.reconstruct(X_small)
    np.testing.assert_allclose(g["b_prime"], (Z - X_small).mean(axis=0), rtol=1e-10)


# ---- losses -----------------------------------------------------------------------------

def test_cross_entropy_is_finite_at_exact_zero_and_one():
    z = np.array([[0.0, 1.0, 0.5]], dtype=np.float32)
    x = np.array([[1.0, 0.0, 0.5]], dtype=np.float32)
    value = aelib.LOSSES["cross_entropy"].value(z, x)
    grad = aelib.LOSSES["cross_entropy"].grad(z, x)
    assert np.isfinite(value) and value > 20          # large, not inf
    assert np.isfinite(grad).all()


def test_loss_units_sum_over_pixels_and_mean_over_batch():
    x = np.zeros((4, 10))
    z = np.full((4, 10), 0.5)
    assert aelib.LOSSES["squared_error"].value(z, x) == pytest.approx(10 * 0.25)
    assert aelib.LOSSES["cross_entropy"].value(z, x) == pytest.approx(10 * np.log(2))


def test_cross_entropy_from_logits_matches_the_probability_form():
    rng = np.random.default_rng(4)
    a, x = rng.normal(0, 3, (7, 5)), rng.random((7, 5))
    z = 1 / (1 + np.exp(-a))
    ce = aelib.LOSSES["cross_entropy"]
    assert ce.value_from_logits(a, x) == pytest.approx(ce.value(z, x), rel=1e-9)


LOGIT_HEADS = {"reference": aelib.losses.cross_entropy_from_logits, "fast": aelib.fast.cross_entropy_from_logits}


@pytest.mark.parametrize("head", LOGIT_HEADS)
@pytest.mark.parametrize("dtype, shape", [(np.float64, (7, 5)), (np.float64, (128, 784)), (np.float32, (128, 784)),
                                          (np.float32, (3, 64)), (np.float64, (1, 1))])
def test_cross_entropy_from_logits_value_and_gradient_against_float64_reference(head, dtype, shape):
    """Both heads (the reference's stable softplus, the fast one's tanh and one log per 64 numbers) against
    logaddexp and the sigmoid in float64, including saturated logits (|a| up to 1e4) where exp(-a) overflows."""
    rng = np.random.default_rng(11)
    a = rng.normal(0, 6, shape)
    a.flat[::7] = rng.choice([-1e4, -40.0, 0.0, 40.0, 1e4], size=a.flat[::7].shape)
    x = rng.random(shape)
    ref = float((np.logaddexp(0, a) - x * a).sum()) / shape[0]
    ref_grad = (0.5 * (1 + np.tanh(a / 2)) - x) / shape[0]                 # σ(a) - x, overflow-free
    with np.errstate(over="raise"):                                        # neither may overflow
        value, grad = LOGIT_HEADS[head](a.astype(dtype), x.astype(dtype), grad=True)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert value == pytest.approx(ref, rel=rtol, abs=rtol)
    assert grad.dtype == dtype and grad.shape == shape
    np.testing.assert_allclose(grad, ref_grad, rtol=0, atol=(1e-7 if dtype == np.float32 else 1e-15))
    assert LOGIT_HEADS[head](a.astype(dtype), x.astype(dtype)) == value


@pytest.mark.parametrize("head", LOGIT_HEADS)
def test_cross_entropy_from_logits_takes_integer_targets(head):
    a = np.random.default_rng(2).normal(0, 3, (4, 7))
    x = (a > 0.5).astype(np.uint8)                                         # 0/1 targets as uint8: 2x - 1 must not wrap
    ref = float((np.logaddexp(0, a) - x * a).sum()) / 4
    assert LOGIT_HEADS[head](a, x) == pytest.approx(ref, rel=1e-12)


def test_sum_of_logs_by_products_matches_the_direct_sum():
    from aelib.fast import _sum_log_1_to_2
    for n in (1, 63, 64, 65, 100_352):
        u = 1 + np.random.default_rng(n).random(n)
        assert _sum_log_1_to_2(u.copy()) == pytest.approx(float(np.log(u).sum()), rel=1e-12)
    u = np.full(100_352, 2.0, np.float32)                                  # worst case: 2^64 per product
    assert _sum_log_1_to_2(u) == pytest.approx(100_352 * np.log(2), rel=1e-6)


# ---- matmul: products cut at fixed places --------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("K", [1, 100, 384, 448, 449, 784, 1000, 4000])
def test_matmul_equals_the_plain_product(dtype, K):
    from aelib.layers import matmul
    rng = np.random.default_rng(K)
    A, B = rng.normal(size=(33, K)).astype(dtype), rng.normal(size=(K, 17)).astype(dtype)
    exact = A.astype(np.float64) @ B.astype(np.float64)
    got = matmul(A, B)
    assert got.dtype == dtype and got.shape == (33, 17)
    np.testing.assert_allclose(got, exact, rtol=0, atol=(2e-4 if dtype == np.float32 else 1e-11) * np.sqrt(K))


MATMUL_BITS = """
import hashlib, numpy as np
from aelib.layers import matmul
rng = np.random.default_rng(0)
out = []
for K, dtype in [(784, np.float32), (1000, np.float32), (4000, np.float32), (784, np.float64)]:
    A, B = rng.random((128, K)).astype(dtype), rng.standard_normal((K, 128)).astype(dtype)
    out.append(hashlib.sha256(matmul(A, B).tobytes() + matmul(B.T, A.T).tobytes()).hexdigest())
import aelib
from aelib.stacked import StackedDAE                      # its own first-layer product (lesson 05)
X = aelib.load_digits("test").X
out.append(hashlib.sha256(StackedDAE(784, 256, 64, seed=0).preactivation1(X).tobytes()).hexdigest())
print(" ".join(out))
"""


def test_matmul_gives_the_same_bits_with_one_and_two_blas_threads():
    """The reason matmul exists: plain ``A @ B`` with K = 784 differs in its last bits between 1 and
    2 OpenBLAS threads (measured); matmul must not."""
    from blas_threads import skip_unless_thread_stable_blas
    skip_unless_thread_stable_blas()
    env = dict(__import__("os").environ)
    digests = []
    for threads in ("1", "2"):
        env.update(OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
        run = subprocess.run([sys.executable, "-c", MATMUL_BITS], env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, run.stderr
        digests.append(run.stdout.split())
    assert digests[0] == digests[1]


# ---- activations ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    act = ACTIVATIONS[name]
    a = np.random.default_rng(5).normal(0, 2, 50)
    a = a[np.abs(a) > 1e-3]                                # away from kinks
    num = (act.f(a + 1e-6) - act.f(a - 1e-6)) / 2e-6
    np.testing.assert_allclose(act.derivative(a), num, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIVATIONS.items() if a.inverse is not None))
def test_activation_inverse_undoes_the_function_on_its_domain(name):
    act = ACTIVATIONS[name]
    a = np.random.default_rng(6).normal(0, 2, 50)
    h = act.f(a)
    lo, hi = act.inverse_domain
    assert ((h > lo) & (h < hi)).all()
    np.testing.assert_allclose(act.inverse(h), a, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_outputs_stay_in_the_stated_range(name):
    act = ACTIVATIONS[name]
    h = act.f(np.linspace(-30, 30, 601))
    lo, hi = act.output_range
    assert (h >= lo).all() and (h <= hi).all()
    assert act.latex and repr(act).startswith(f"Activation({name}")


def test_activation_keeps_float32():
    a = np.linspace(-100, 100, 11, dtype=np.float32)
    for act in ACTIVATIONS.values():
        assert act.f(a).dtype == np.float32, act.name
        assert act.df(a, act.f(a)).dtype == np.float32, act.name


# ---- noise ------------------------------------------------------------------------------

# Tolerances are 3 standard deviations of the estimate from 200 x 500 = 100,000 draws
# (sqrt(p (1 - p) / n) for a fraction; tests/test_oracles.py has the same checks at other levels).

def test_masking_zeroes_the_stated_fraction():
    X = np.full((200, 500), 0.7)
    Xn = aelib.masking(0.3, seed=1)(X)
    assert np.mean(Xn == 0) == pytest.approx(0.3, abs=3 * np.sqrt(0.3 * 0.7 / 1e5))
    assert np.all((Xn == 0) | (Xn == 0.7))
    assert np.all(X == 0.7)                                # the clean batch is untouched


def test_salt_and_pepper_sets_half_to_zero_half_to_one():
    X = np.full((200, 500), 0.4)
    Xn = aelib.salt_and_pepper(0.2, seed=2)(X)
    assert np.mean(Xn != 0.4) == pytest.approx(0.2, abs=3 * np.sqrt(0.2 * 0.8 / 1e5))
    assert np.mean(Xn == 1) == pytest.approx(0.1, abs=3 * np.sqrt(0.1 * 0.9 / 1e5))
    assert np.mean(Xn == 0) == pytest.approx(0.1, abs=3 * np.sqrt(0.1 * 0.9 / 1e5))


def test_gaussian_noise_has_zero_mean_and_sigma_std():
    X = np.full((200, 500), 0.5, dtype=np.float32)
    D = aelib.gaussian(0.25, seed=3)(X) - X
    assert D.mean() == pytest.approx(0.0, abs=3 * 0.25 / np.sqrt(1e5))
    assert D.std() == pytest.approx(0.25, rel=3 / np.sqrt(2e5))
    assert aelib.gaussian(0.25, seed=3)(X).dtype == np.float32


@pytest.mark.parametrize("kind", sorted(aelib.NOISES))
def test_noise_is_reproducible_from_its_seed_and_generator(kind):
    X = np.random.default_rng(0).random((10, 20))
    a = aelib.make_noise(kind, 0.3, seed=7)(X)
    b = aelib.make_noise(kind, 0.3, seed=np.random.default_rng(7))(X)
    c = aelib.make_noise(kind, 0.3, seed=8)(X)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


# ---- training ---------------------------------------------------------------------------

def test_training_784_64_784_lowers_the_held_out_loss():
    train, test = aelib.load_digits("train"), aelib.load_digits("test")
    model = Autoencoder(784, 64, seed=0)
    before = model.loss(test.X)
    hist = model.fit(train.X[:2000], epochs=3, batch_size=32, lr=0.1, X_val=test.X)
    assert hist.val_loss[-1] < 0.7 * before
    assert hist.val_loss[-1] < hist.val_loss[0]
    assert len(hist.time) == 3 and all(np.diff(hist.time) > 0)


@pytest.mark.parametrize("batch_size", [1, 16, 10_000], ids=["sgd", "minibatch", "full-batch"])
def test_every_batch_size_trains(batch_size):
    X = aelib.bars(64, size=4, seed=0)
    model = Autoencoder(16, 8, seed=0)
    hist = model.fit(X, epochs=30 if batch_size > 16 else 5, batch_size=batch_size, lr=0.5, X_val=X)
    assert hist.val_loss[-1] < hist.val_loss[0]


@pytest.mark.parametrize("optimizer", sorted(aelib.OPTIMIZERS))
def test_every_optimizer_trains_the_deep_autoencoder(optimizer):
    X = aelib.load_digits("test").X[:300]
    model = DeepAutoencoder([784, 32, 2, 32, 784], seed=0)
    lr = {"adam": 3e-3, "sgd": 0.01, "momentum": 0.002}[optimizer]
    hist = model.fit(X, epochs=4, batch_size=32, lr=lr, optimizer=optimizer, X_val=X)
    assert hist.val_loss[-1] < hist.val_loss[0] and not hist.diverged


def test_network_learns_xor():
    X, y = aelib.xor()
    net = Network([2, 3, 1], ["sigmoid", "sigmoid"], seed=1)
    net.fit(X, target=y, epochs=3000, batch_size=4, lr=2.0, optimizer="momentum", momentum=0.9)
    np.testing.assert_array_equal(net.predict(X).round(), y)


def test_denoising_fit_scores_against_the_clean_target():
    X = aelib.load_digits("test").X[:200]
    model = Autoencoder(784, 32, seed=0)
    hist = model.fit(X, epochs=2, batch_size=50, lr=0.1, noise=aelib.masking(0.5, seed=0), X_val=X)
    # training batches are noisy inputs scored against clean targets: higher than the clean validation loss
    assert hist.train_loss[-1] > hist.val_loss[-1]


def test_fit_is_reproducible():
    X = aelib.bars(50, seed=1)
    h1 = Autoencoder(16, 6, seed=0).fit(X, epochs=3, batch_size=8, lr=0.3)
    h2 = Autoencoder(16, 6, seed=0).fit(X, epochs=3, batch_size=8, lr=0.3)
    assert h1.train_loss == h2.train_loss


def test_divergence_raises_naming_the_epoch_and_the_fix():
    X = aelib.load_digits("test").X[:200]
    model = Autoencoder(784, 32, encoder="relu", decoder="identity", seed=0)
    with pytest.raises(aelib.TrainingDiverged, match=r"epoch 1.*smaller learning rate") as info:
        model.fit(X, epochs=5, batch_size=20, lr=10.0, loss="squared_error")
    assert info.value.history.diverged


def test_divergence_can_stop_and_flag_instead_of_raising():
    X = aelib.load_digits("test").X[:200]
    model = Autoencoder(784, 32, encoder="relu", decoder="identity", seed=0)
    hist = model.fit(X, epochs=5, batch_size=20, lr=10.0, loss="squared_error", on_divergence="stop")
    assert hist.diverged and hist.status.startswith("training diverged") and "epoch" in hist.message
    assert all(np.isfinite(hist.train_loss))               # nothing NaN is recorded as a value


def test_progress_prints_about_ten_lines(capsys):
    X = aelib.bars(20, seed=0)
    Autoencoder(16, 4, seed=0).fit(X, epochs=50, batch_size=20, lr=0.1, progress=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 10 and lines[-1].startswith("epoch 50/50") and lines[-1].endswith(" s]")


def test_l1_penalty_shrinks_weights():
    X = aelib.bars(64, seed=0)
    plain = Autoencoder(16, 8, seed=0)
    sparse = Autoencoder(16, 8, seed=0)
    plain.fit(X, epochs=20, batch_size=16, lr=0.3)
    sparse.fit(X, epochs=20, batch_size=16, lr=0.3, l1=0.01)
    assert np.abs(sparse.params["W"]).sum() < np.abs(plain.params["W"]).sum()


# ---- objects people read ------------------------------------------------------------------

def test_reprs_are_readable():
    assert repr(Autoencoder(784, 64)) == ("Autoencoder(784 -> 64 -> 784, encoder=sigmoid, decoder=sigmoid, "
                                         "tied, 51,024 params, float32)")
    assert "784 -> 128 relu -> 64 relu -> 2 identity" in repr(DeepAutoencoder([784, 128, 64, 2, 64, 128, 784]))
    assert repr(aelib.masking(0.3)) == "masking(fraction=0.3)"


def test_params_hold_exactly_the_arrays_the_model_uses():
    tied, untied = Autoencoder(10, 3), Autoencoder(10, 3, tied=False)
    assert set(tied.params) == {"W", "b", "b_prime"}
    assert set(untied.params) == {"W", "b", "b_prime", "W_prime"}
    assert tied.params["W"].shape == (3, 10) and untied.params["W_prime"].shape == (10, 3)
    assert tied.n_params == 3 * 10 + 3 + 10


def test_import_is_light():
    code = ("import sys, aelib; heavy = [m for m in ('sympy', 'matplotlib', 'ipywidgets') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""

"""aelib.penalties: the KL sparsity penalty, its gradient (three ways) and the Autoencoder hook."""
import numpy as np
import pytest
import sympy as sp

import aelib
from aelib.penalties import KLSparsity, kl_bernoulli, kl_sparsity


def _codes(batch=6, m=5, seed=0):
    return np.random.default_rng(seed).uniform(0.02, 0.6, (batch, m))       # (batch, m) in (0, 1)


def test_kl_penalty_matches_a_hand_worked_value():
    # one unit, codes 0.1 and 0.3: rho_hat = 0.2; KL(0.05 || 0.2) = 0.05 ln(0.25) + 0.95 ln(0.95 / 0.8)
    H = np.array([[0.1], [0.3]])
    want = 3 * (0.05 * np.log(0.05 / 0.2) + 0.95 * np.log(0.95 / 0.8))
    assert KLSparsity(0.05, 3).value(H) == pytest.approx(want)
    assert KLSparsity(0.2, 3).value(np.full((4, 3), 0.2)) == pytest.approx(0.0, abs=1e-12)   # rho_hat = rho


def test_kl_penalty_gradient_matches_central_differences_in_float64():
    pen = KLSparsity(0.05, 2.5)
    H = _codes()
    g = pen.grad(H)
    eps, num = 1e-6, np.zeros_like(H)
    for idx in np.ndindex(H.shape):
        Hp, Hm = H.copy(), H.copy()
        Hp[idx] += eps
        Hm[idx] -= eps
        num[idx] = (pen.value(Hp) - pen.value(Hm)) / (2 * eps)
    rel = np.abs(g - num) / np.maximum(np.abs(g) + np.abs(num), 1e-12)
    assert rel.max() < 1e-6


def test_kl_penalty_gradient_matches_sympy_for_one_unit():
    rho, beta = sp.Rational(1, 20), sp.Integer(3)
    h = sp.symbols("h1:4", positive=True)                       # one unit, a batch of 3
    rho_hat = sum(h) / 3
    P = beta * (rho * sp.log(rho / rho_hat) + (1 - rho) * sp.log((1 - rho) / (1 - rho_hat)))
    dP = sp.lambdify(h, [sp.diff(P, hi) for hi in h])
    H = np.array([[0.1], [0.02], [0.4]])
    np.testing.assert_allclose(KLSparsity(0.05, 3).grad(H)[:, 0], dP(*H[:, 0]), rtol=1e-12)
    assert KLSparsity(0.05, 3).value(H) == pytest.approx(float(P.subs(dict(zip(h, H[:, 0])))))


def test_kl_is_not_symmetric_so_the_order_of_rho_and_rho_hat_matters():
    assert kl_bernoulli(0.05, 0.3) != pytest.approx(kl_bernoulli(0.3, 0.05))


def test_gradient_pushes_an_over_active_unit_down_and_an_idle_one_up():
    H = np.array([[0.5, 0.01], [0.3, 0.01]])                   # unit 0 too active, unit 1 too quiet for rho 0.05
    g = KLSparsity(0.05, 3).grad(H)
    assert np.all(g[:, 0] > 0) and np.all(g[:, 1] < 0)


@pytest.mark.parametrize("tied", [True, False])
@pytest.mark.parametrize("loss", ["cross_entropy", "squared_error"])
def test_sparse_autoencoder_passes_gradcheck(tied, loss):
    r = np.random.default_rng(1)
    ae = aelib.Autoencoder(7, 4, tied=tied, seed=2, dtype="float64", sparsity=kl_sparsity(0.05, 3.0))
    ae.set_params(b=r.normal(0, 1, 4))
    report = aelib.gradcheck(ae, r.random((9, 7)), loss=loss)
    assert report.passed(1e-6), report


def test_the_penalty_is_added_to_the_loss_and_only_when_asked_for():
    X = np.random.default_rng(3).random((10, 6))
    plain = aelib.Autoencoder(6, 3, seed=0, dtype="float64")
    sparse = aelib.Autoencoder(6, 3, seed=0, dtype="float64", sparsity=kl_sparsity(0.05, 3.0))
    H = plain.encode(X)
    assert sparse.loss(X) == pytest.approx(plain.loss(X) + KLSparsity(0.05, 3.0).value(H))
    assert sparse.loss_and_grads(X)[0] == pytest.approx(sparse.loss(X))


def test_training_with_the_penalty_brings_the_mean_activation_towards_rho():
    X = aelib.load_digits("train").X[:500]
    means = {}
    for beta in (0.0, 3.0):
        ae = aelib.Autoencoder(784, 50, seed=0, sparsity=kl_sparsity(0.05, beta))
        ae.fit(X, epochs=5, batch_size=50, lr=0.01, optimizer="adam")
        means[beta] = float(ae.encode(X).mean())
    assert abs(means[3.0] - 0.05) < 0.5 * abs(means[0.0] - 0.05)


@pytest.mark.parametrize("call, words", [
    (lambda: KLSparsity(0.0), "'rho'"),
    (lambda: KLSparsity(1.0), "'rho'"),
    (lambda: KLSparsity(0.05, -1), "'beta'"),
    (lambda: aelib.Autoencoder(6, 3, sparsity=0.05), "'sparsity'"),
    (lambda: aelib.Autoencoder(6, 3, encoder="relu", sparsity=kl_sparsity()), "sigmoid encoder"),
])
def test_bad_input_gets_an_error_naming_the_argument(call, words):
    with pytest.raises((ValueError, TypeError)) as e:
        call()
    assert words in str(e.value), str(e.value)

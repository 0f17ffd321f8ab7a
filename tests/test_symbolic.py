"""The SymPy derivation of notebook 03 against aelib's analytic gradients and the practitioners' formulas."""
import numpy as np
import pytest

sp = pytest.importorskip("sympy")

import aelib  # noqa: E402
from aelib import symbolic as S  # noqa: E402


@pytest.fixture(scope="module")
def derivations():
    return {loss: S.derive_tied_autoencoder(3, 2, loss) for loss in S.LOSS_NAMES}


def _model_and_batch(seed):
    rng = np.random.default_rng(seed)
    ae = aelib.Autoencoder(3, 2, encoder="sigmoid", decoder="sigmoid", tied=True, seed=seed, dtype="float64")
    ae.set_params(W=rng.normal(0, 1.5, size=(2, 3)), b=rng.normal(size=2), b_prime=rng.normal(size=3))
    X = rng.uniform(0.05, 0.95, size=(6, 3))          # (batch, n_visible), not binary, not constant
    return ae, X


def test_import_aelib_does_not_import_sympy():
    import subprocess
    import sys
    code = "import sys, aelib; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("loss", S.LOSS_NAMES)
@pytest.mark.parametrize("simplified", [False, True])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_symbolic_gradients_agree_with_aelib_analytic_gradients(derivations, loss, simplified, seed):
    ae, X = _model_and_batch(seed)
    _, G = ae.loss_and_grads(X, loss=loss)
    sym = S.lambdify_gradients(derivations[loss], simplified=simplified)(X, ae.params["W"], ae.params["b"],
                                                                          ae.params["b_prime"])
    for name in ("W", "b", "b_prime"):
        assert sym[name].shape == G[name].shape
        np.testing.assert_allclose(sym[name], G[name], rtol=1e-9, atol=1e-12, err_msg=f"{loss} d/d{name}")


@pytest.mark.parametrize("loss", S.LOSS_NAMES)
def test_simplified_gradients_equal_the_matrix_formulas(derivations, loss):
    d = derivations[loss]
    assert S.is_zero(S.difference(d.grads, S.matrix_formulas(d)))
    # and a wrong sign is detected
    assert not S.is_zero(S.difference(d.grads, S.matrix_formulas(d, sign=-1)))


def test_practitioners_formulas_are_minus_the_gradient_symbolically(derivations):
    d = derivations["cross_entropy"]
    P = S.practitioners_formulas(d)
    assert S.is_zero(S.difference(P, S.negate(d.grads)))
    assert not S.is_zero(S.difference(P, d.grads))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_practitioners_formulas_are_minus_the_gradient_numerically(seed):
    ae, X = _model_and_batch(seed)
    _, G = ae.loss_and_grads(X, loss="cross_entropy")
    P = S.numeric_practitioners(X, ae.params["W"], ae.params["b"], ae.params["b_prime"])
    for name in G:
        np.testing.assert_allclose(P[name], -G[name], rtol=1e-9, atol=1e-12)
        assert np.abs(G[name]).max() > 1e-3            # a non-trivial gradient, so the sign matters


def test_quoted_update_climbs_the_loss():
    ae, X = _model_and_batch(3)
    before = ae.loss(X)
    P = S.numeric_practitioners(X, ae.params["W"], ae.params["b"], ae.params["b_prime"])
    climb = ae.copy().set_params(**{k: ae.params[k] - 0.1 * P[k] for k in P})   # W - eps * (quoted)
    descend = ae.copy().set_params(**{k: ae.params[k] + 0.1 * P[k] for k in P})
    assert climb.loss(X) > before > descend.loss(X)


@pytest.mark.parametrize("loss,expected", [("cross_entropy", "z - x"), ("squared_error", "2*z*(z - x)*(1 - z)")])
def test_output_error_at_a_sigmoid_unit(loss, expected):
    oe = S.output_error(loss)
    want = sp.sympify(expected, locals={"z": oe.z, "x": oe.x})
    assert sp.expand(oe.dL_da - want) == 0
    assert oe.check == 0


def test_sigmoid_derivative_and_rewrite():
    a = sp.Symbol("a", real=True)
    s = S.sigmoid(a)
    assert sp.simplify(sp.diff(s.rewrite(sp.exp), a) - (s * (1 - s)).rewrite(sp.exp)) == 0


def test_with_delta_shows_decoder_and_encoder_paths(derivations):
    d = derivations["cross_entropy"]
    expr, delta = S.with_delta(d, d.grads["W"][0, 1] - d.y[0] * (d.z[1] - d.x[1]))
    want = d.x[1] * d.y[0] * (1 - d.y[0]) * sum(d.W[0, k] * delta[k] for k in range(3))
    assert sp.expand(expr - want) == 0


def test_bad_sizes_and_loss_raise_clear_errors():
    with pytest.raises(ValueError, match="loss"):
        S.derive_tied_autoencoder(3, 2, "hinge")
    with pytest.raises(ValueError, match="small"):
        S.derive_tied_autoencoder(20, 10)
    d = S.derive_tied_autoencoder(2, 1)
    g = S.lambdify_gradients(d)
    with pytest.raises(ValueError, match="'W'"):
        g(np.zeros((1, 2)), np.zeros((2, 2)), np.zeros(1), np.zeros(2))

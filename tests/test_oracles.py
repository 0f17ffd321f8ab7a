"""Unit tests with independent oracles: each number is worked by hand or computed another way.

These guard behaviour that "it trains" cannot see (issue 23): an optimiser step, the divergence
rule, the clean target of a denoising step, the L1/L2 penalties, principal angles of subspaces of
different dimension, activation inverses, the noise statistics and gradcheck's floor.
"""
import numpy as np
import pytest

import aelib
from aelib import ACTIVATIONS, Autoencoder, gradcheck
from aelib.noise import Noise
from aelib.optim import SGD, Adam, Momentum, Optimizer
from aelib.pca import principal_angles

# The frozen optimiser below moves nothing on purpose; fit may warn about that.
pytestmark = pytest.mark.filterwarnings("ignore:fit:RuntimeWarning")

P0 = np.array([1.0, -2.0, 0.5])                # a parameter vector
G1 = np.array([0.5, 0.25, 1e-3])               # first gradient (the last entry is small: eps matters)
G2 = np.array([-1.0, 2.0, 1e-3])               # second gradient


def two_steps(opt):
    """Run two optimiser steps on ``P0`` with ``G1`` then ``G2``; return the parameters after each."""
    params = {"p": P0.copy()}
    opt.step(params, {"p": G1.copy()})
    after1 = params["p"].copy()
    opt.step(params, {"p": G2.copy()})
    return after1, params["p"].copy()


# ---- optimisers: one and two steps worked by hand ------------------------------------------

def test_sgd_steps_worked_by_hand():
    # p1 = p0 - 0.1 g1 = (1 - 0.05, -2 - 0.025, 0.5 - 0.0001);  p2 = p1 - 0.1 g2
    p1, p2 = two_steps(SGD(0.1))
    np.testing.assert_allclose(p1, [0.95, -2.025, 0.4999], rtol=0, atol=1e-15)
    np.testing.assert_allclose(p2, [1.05, -2.225, 0.4998], rtol=0, atol=1e-15)


def test_momentum_steps_worked_by_hand_with_a_coefficient_other_than_the_default():
    # v1 = -0.1 g1 = (-0.05, -0.025, -1e-4);             p1 = p0 + v1 = (0.95, -2.025, 0.4999)
    # v2 = 0.5 v1 - 0.1 g2 = (-0.025 + 0.1, -0.0125 - 0.2, -5e-5 - 1e-4) = (0.075, -0.2125, -1.5e-4)
    # p2 = p1 + v2 = (1.025, -2.2375, 0.49975)
    opt = Momentum(0.1, momentum=0.5)
    p1, p2 = two_steps(opt)
    np.testing.assert_allclose(p1, [0.95, -2.025, 0.4999], rtol=0, atol=1e-15)
    np.testing.assert_allclose(p2, [1.025, -2.2375, 0.49975], rtol=0, atol=1e-15)
    np.testing.assert_allclose(opt.velocity["p"], [0.075, -0.2125, -1.5e-4], rtol=0, atol=1e-15)


def test_momentum_zero_is_plain_sgd():
    np.testing.assert_allclose(two_steps(Momentum(0.1, momentum=0.0))[1], two_steps(SGD(0.1))[1], rtol=0, atol=1e-15)


def test_adam_first_step_worked_by_hand():
    """Step 1: m = 0.1 g, s = 0.001 g^2, so m_hat = g, s_hat = g^2 and the step is lr g / (|g| + eps):
    lr sign(g) for a large |g|, and for g = 1e-3 with eps = 1e-8, 0.01 * 1e-3 / (1e-3 + 1e-8)."""
    p1, _ = two_steps(Adam(0.01, eps=1e-8))
    small = 0.01 * 1e-3 / (1e-3 + 1e-8)                    # 0.0099990001 (eps shows in the 5th digit)
    np.testing.assert_allclose(p1, [1.0 - 0.01 * 0.5 / (0.5 + 1e-8), -2.0 - 0.01 * 0.25 / (0.25 + 1e-8),
                                    0.5 - small], rtol=0, atol=1e-15)
    p1_big_eps, _ = two_steps(Adam(0.01, eps=1e-4))     # eps 10^4 times larger: a visibly smaller step
    assert abs((0.5 - p1_big_eps[2]) - 0.01 * 1e-3 / (1e-3 + 1e-4)) < 1e-15


def test_adam_second_step_against_the_textbook_formula():
    """Kingma & Ba (2015), Algorithm 1, written out in float64 (the library folds the corrections)."""
    lr, b1, b2, eps = 0.01, 0.8, 0.99, 1e-8
    _, p2 = two_steps(Adam(lr, beta1=b1, beta2=b2, eps=eps))
    m = s = 0.0
    p = P0.copy()
    for t, g in ((1, G1), (2, G2)):
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        m_hat, s_hat = m / (1 - b1 ** t), s / (1 - b2 ** t)
        p = p - lr * m_hat / (np.sqrt(s_hat) + eps)
    np.testing.assert_allclose(p2, p, rtol=1e-13, atol=1e-15)
    # worked by hand for the first entry: m2 = 0.8*0.1 - 0.2 = -0.12, m_hat = -0.12/0.36 = -1/3;
    # s2 = 0.99*0.0025 + 0.01 = 0.012475, s_hat = 0.012475/0.0199 = 0.626884...;
    # p2 = p1 + 0.01 (1/3) / sqrt(0.626884) with p1 = 1 - 0.01 (1 - 2e-8) = 0.9900000002
    assert p2[0] == pytest.approx(0.9900000002 + 0.01 / 3 / np.sqrt(0.012475 / 0.0199), abs=1e-9)


def test_optimizer_keeps_each_parameter_its_own_state():
    opt = Adam(0.1)
    params = {"a": np.array([1.0]), "b": np.array([1.0])}
    opt.step(params, {"a": np.array([1.0]), "b": np.array([-1.0])})
    np.testing.assert_allclose(params["a"], [0.9], atol=1e-7)
    np.testing.assert_allclose(params["b"], [1.1], atol=1e-7)


# ---- fit: divergence rule, clean target, penalties ------------------------------------------

class Frozen(Optimizer):
    """An optimiser that never moves the parameters: the losses fit records are then known exactly."""
    name = "frozen"

    def step(self, params, grads):
        pass


class ScriptedNoise(Noise):
    """A 'noise' that adds ``shifts[k]`` to the k-th batch it sees and records what it was given."""

    def __init__(self, shifts):
        super().__init__("gaussian", 0.0, seed=0)
        self.shifts, self.seen, self.made = list(shifts), [], []

    def __call__(self, X):
        k = len(self.seen)
        self.seen.append(np.array(X, copy=True))
        out = X + self.shifts[min(k, len(self.shifts) - 1)]
        self.made.append(out.copy())
        return out


def identity_model():
    """1 -> 1 -> 1, identity both ways, W = 1: the reconstruction is the input itself."""
    model = Autoencoder(1, 1, encoder="identity", decoder="identity", seed=0, dtype="float64")
    return model.set_params(W=[[1.0]], b=0, b_prime=0)


def test_divergence_is_measured_against_the_first_batch_not_the_first_epoch():
    """4 batches per epoch. Batch losses (x_in - x)^2: 1, then 9, 9, 9; epoch mean 7.
    7 > 5 x 1 (the first batch): diverged in epoch 1. Against the first epoch's mean it never would."""
    noise = ScriptedNoise([1.0, 3.0])
    hist = identity_model().fit(np.zeros((4, 1)), epochs=3, batch_size=1, optimizer=Frozen(1.0), noise=noise,
                                loss="squared_error", max_loss_ratio=5.0, on_divergence="stop")
    assert hist.diverged and "epoch 1" in hist.message and "starting value 1" in hist.message
    assert hist.train_loss == [pytest.approx(7.0)]


def test_no_divergence_when_later_batches_are_smaller_than_the_first():
    """Batch losses 9, then 1, 1, 1 (epoch means 3, then 1): never above 5 x 9."""
    noise = ScriptedNoise([3.0, 1.0])
    hist = identity_model().fit(np.zeros((4, 1)), epochs=3, batch_size=1, optimizer=Frozen(1.0), noise=noise,
                                loss="squared_error", max_loss_ratio=5.0)
    assert not hist.diverged
    assert hist.train_loss == [pytest.approx(3.0), pytest.approx(1.0), pytest.approx(1.0)]


def test_divergence_counts_the_held_out_loss_too():
    """Training batches have loss 1; the held-out digits are 10 away from what the model outputs."""
    model = identity_model().set_params(b_prime=0)
    X_val = np.zeros((3, 1))
    hist = model.fit(np.zeros((2, 1)), epochs=2, batch_size=1, optimizer=Frozen(1.0), noise=ScriptedNoise([1.0]),
                     loss="squared_error", X_val=X_val, target_val=np.full((3, 1), 10.0),
                     max_loss_ratio=50.0, on_divergence="stop")
    assert hist.diverged and "reached 100" in hist.message


def test_denoising_step_scores_the_corrupted_input_against_the_clean_batch():
    """A recording noise shows what the model saw; the loss fit records and the step it takes must
    be those of (corrupted input, clean target), computed here with loss_and_grads."""
    rng = np.random.default_rng(0)
    X = rng.random((6, 5))
    model = Autoencoder(5, 3, seed=1, dtype="float64")
    start = model.copy()
    noise = ScriptedNoise([0.3])
    hist = model.fit(X, epochs=1, batch_size=6, lr=0.5, noise=noise, loss="squared_error")
    assert len(noise.seen) == 1
    np.testing.assert_array_equal(noise.seen[0], X)                      # the clean batch went to the noise
    noisy = noise.made[0]
    value, grads = start.loss_and_grads(noisy, target=X, loss="squared_error")
    assert hist.train_loss[0] == pytest.approx(value, rel=1e-12)
    assert abs(value - start.loss(noisy, target=noisy, loss="squared_error")) > 0.1   # the noisy target differs
    for k, p in start.params.items():
        np.testing.assert_allclose(model.params[k], p - 0.5 * grads[k], rtol=1e-12, atol=1e-14)


def test_minibatches_follow_the_seeded_shuffle_and_cover_every_row():
    X = np.arange(10, dtype=float).reshape(10, 1) / 10
    noise = ScriptedNoise([0.0])
    identity_model().fit(X, epochs=2, batch_size=4, optimizer=Frozen(1.0), noise=noise, loss="squared_error", seed=3)
    sizes = [len(b) for b in noise.seen]
    assert sizes == [4, 4, 2, 4, 4, 2]
    rng = np.random.default_rng(3)
    for epoch in range(2):
        rows = np.concatenate(noise.seen[3 * epoch:3 * epoch + 3])[:, 0]
        np.testing.assert_allclose(rows, X[rng.permutation(10), 0])


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_penalty_step_worked_by_hand(penalty):
    r"""One full-batch SGD step: W <- W - lr (dL/dW + l1 sign(W)) or W - lr (dL/dW + 2 l2 W); biases
    are not penalised, and the recorded loss is the reconstruction loss alone."""
    rng = np.random.default_rng(2)
    X = rng.random((8, 4))
    model = Autoencoder(4, 3, tied=False, seed=0, dtype="float64")
    model.set_params(b=[0.3, -0.2, 0.1], b_prime=[-0.1, 0.2, 0.3, -0.4])   # non-zero: a penalty on them would show
    start = model.copy()
    lam, lr = 0.05, 0.3
    hist = model.fit(X, epochs=1, batch_size=8, lr=lr, **{penalty: lam})
    value, grads = start.loss_and_grads(X)
    assert hist.train_loss[0] == pytest.approx(value, rel=1e-12)
    for k, p in start.params.items():
        extra = (lam * np.sign(p) if penalty == "l1" else 2 * lam * p) if p.ndim == 2 else 0.0
        np.testing.assert_allclose(model.params[k], p - lr * (grads[k] + extra), rtol=1e-12, atol=1e-14)


def test_l2_worked_by_hand_on_one_weight():
    """W = 2, zero reconstruction gradient (input 0, identity nets, b' = 0, target 0): the step is
    the penalty alone, W <- 2 - 0.1 * 2 * 0.5 * 2 = 1.8; with l1 = 0.5 instead, 2 - 0.1 * 0.5 = 1.95."""
    for kw, expected in (({"l2": 0.5}, 1.8), ({"l1": 0.5}, 1.95)):
        model = Autoencoder(1, 1, encoder="identity", decoder="identity", seed=0, dtype="float64")
        model.set_params(W=[[2.0]], b=0, b_prime=0)
        model.fit(np.zeros((1, 1)), epochs=1, batch_size=1, lr=0.1, loss="squared_error", **kw)
        assert model.params["W"][0, 0] == pytest.approx(expected, abs=1e-12)
        assert model.params["b"][0] == 0 and model.params["b_prime"][0] == 0


# ---- principal angles of subspaces of different dimension -----------------------------------

def test_principal_angles_of_a_plane_and_a_line_both_ways_round():
    e = np.eye(4)
    plane = e[:, :2]                                            # span(e1, e2)
    line = (e[:, 0] + e[:, 2])[:, None]                         # (1, 0, 1, 0): 45 degrees from the plane
    for A, B in ((plane, line), (line, plane)):
        angles = principal_angles(A, B)
        assert angles.shape == (1,)
        np.testing.assert_allclose(angles, [45.0], atol=1e-10)


def test_principal_angles_of_3d_and_2d_subspaces_both_ways_round():
    """span(e1, e2, e3) and span(e1, (e2 + e4)/sqrt 2) in R^5: angles 0 and 45 degrees (e1 is shared;
    (e2 + e4)/sqrt 2 has cosine 1/sqrt 2 with its projection e2)."""
    e = np.eye(5)
    big = e[:, :3]
    small = np.stack([e[:, 0], e[:, 1] + e[:, 3]], axis=1)
    for A, B in ((big, small), (small, big)):
        angles = principal_angles(A, B)
        assert angles.shape == (2,)
        np.testing.assert_allclose(angles, [0.0, 45.0], atol=1e-7)
    # a 1-d subspace orthogonal to a 3-d one: one angle of 90 degrees, both ways round
    np.testing.assert_allclose(principal_angles(big, e[:, 4:5]), [90.0], atol=1e-10)
    np.testing.assert_allclose(principal_angles(e[:, 4:5], big), [90.0], atol=1e-10)


def test_principal_angles_against_the_cosines_computed_directly():
    """Random 2-d and 4-d subspaces of R^8: cos(theta) = singular values of Qa^T Qb (QR bases)."""
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=(8, 2)), rng.normal(size=(8, 4))
    Qa, Qb = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    expected = np.degrees(np.arccos(np.clip(np.linalg.svd(Qa.T @ Qb, compute_uv=False), -1, 1)))
    for X, Y in ((A, B), (B, A)):
        np.testing.assert_allclose(principal_angles(X, Y), np.sort(expected), atol=1e-6)
    np.testing.assert_allclose(principal_angles(A, B, degrees=False), np.radians(np.sort(expected)), atol=1e-8)


def test_small_principal_angles_are_accurate():
    """arccos would give 0 for an angle of 1e-9 rad; the sine form keeps it."""
    e = np.eye(3)
    tilted = (e[:, 0] + 1e-9 * e[:, 1])[:, None]
    assert principal_angles(e[:, :1], tilted, degrees=False)[0] == pytest.approx(1e-9, rel=1e-6)


# ---- activations: the inverse is defined exactly on the output range -------------------------

INVERTIBLE = sorted(n for n, a in ACTIVATIONS.items() if a.inverse is not None)


@pytest.mark.parametrize("name", INVERTIBLE)
def test_inverse_domain_is_the_output_range(name):
    act = ACTIVATIONS[name]
    assert act.inverse_domain == act.output_range


@pytest.mark.parametrize("name", INVERTIBLE)
def test_function_undoes_the_inverse_across_its_domain(name):
    """The other way round from test_core: f(f^-1(h)) = h for h spread over the whole domain."""
    act = ACTIVATIONS[name]
    lo, hi = act.inverse_domain
    lo_, hi_ = (max(lo, -50.0), min(hi, 50.0))
    h = np.linspace(lo_, hi_, 203)[1:-1]                               # inside the open interval
    np.testing.assert_allclose(act.f(act.inverse(h)), h, rtol=1e-9, atol=1e-12)
    outside = [x for x in (lo - 0.5, hi + 0.5) if np.isfinite(x)]
    with np.errstate(all="ignore"):
        for x in outside:                                                # the inverse has no value there
            assert not np.isfinite(act.inverse(np.array([x]))).all() or not np.isclose(act.f(act.inverse(np.array([x]))), x).all()


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_values_worked_by_hand(name):
    a = np.array([-2.0, 0.0, 1.0])
    expected = {
        "identity": [-2.0, 0.0, 1.0],
        "sigmoid": [1 / (1 + np.e ** 2), 0.5, 1 / (1 + np.e ** -1)],
        "tanh": [(np.e ** -2 - np.e ** 2) / (np.e ** -2 + np.e ** 2), 0.0, (np.e - 1 / np.e) / (np.e + 1 / np.e)],
        "relu": [0.0, 0.0, 1.0],
        "leaky_relu": [-0.02, 0.0, 1.0],
        "elu": [np.e ** -2 - 1, 0.0, 1.0],
        "softplus": [np.log(1 + np.e ** -2), np.log(2.0), np.log(1 + np.e)],
    }[name]
    np.testing.assert_allclose(ACTIVATIONS[name].f(a), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivatives_worked_by_hand(name):
    a = np.array([-2.0, 0.5, 1.0])
    s = 1 / (1 + np.exp(-a))
    expected = {
        "identity": [1.0, 1.0, 1.0], "sigmoid": s * (1 - s), "tanh": 1 - np.tanh(a) ** 2,
        "relu": [0.0, 1.0, 1.0], "leaky_relu": [0.01, 1.0, 1.0], "elu": [np.exp(-2.0), 1.0, 1.0], "softplus": s,
    }[name]
    np.testing.assert_allclose(ACTIVATIONS[name].derivative(a), expected, rtol=1e-12)


def test_output_ranges_as_stated_in_the_course():
    ranges = {n: a.output_range for n, a in ACTIVATIONS.items()}
    assert ranges == {"identity": (-np.inf, np.inf), "sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0),
                      "relu": (0.0, np.inf), "leaky_relu": (-np.inf, np.inf), "elu": (-1.0, np.inf),
                      "softplus": (0.0, np.inf)}
    assert [n for n, a in ACTIVATIONS.items() if a.closed_low] == ["relu"]
    assert ACTIVATIONS["sigmoid"].maps_into(0, 1) and not ACTIVATIONS["tanh"].maps_into(0, 1)


# ---- noise statistics, tolerances at 3 sigma ---------------------------------------------------

N_CELLS = 200 * 500


def three_sigma(p, n=N_CELLS):
    """Three standard deviations of a fraction estimated from ``n`` independent draws."""
    return 3 * np.sqrt(p * (1 - p) / n)


def test_masking_fraction_within_three_sigma():
    X = np.full((200, 500), 0.7)
    Xn = aelib.masking(0.3, seed=1)(X)
    assert abs(np.mean(Xn == 0) - 0.3) < three_sigma(0.3)          # 0.0043
    assert np.all((Xn == 0) | (Xn == 0.7)) and np.all(X == 0.7)


@pytest.mark.parametrize("fraction", [0.2, 0.6])
def test_salt_and_pepper_fraction_and_even_split_within_three_sigma(fraction):
    X = np.full((200, 500), 0.4)
    Xn = aelib.salt_and_pepper(fraction, seed=2)(X)
    hit = Xn != 0.4
    assert abs(hit.mean() - fraction) < three_sigma(fraction)
    ones_among_hits = np.mean(Xn[hit] == 1)                          # 1/2 by definition
    assert abs(ones_among_hits - 0.5) < three_sigma(0.5, hit.sum())   # 55:45 would be 10 sigma away
    assert np.all(np.isin(Xn[hit], [0.0, 1.0]))


def test_gaussian_noise_mean_and_std_within_three_sigma():
    sigma = 0.25
    X = np.full((200, 500), 0.5, dtype=np.float32)
    D = (aelib.gaussian(sigma, seed=3)(X) - X).astype(np.float64)
    assert abs(D.mean()) < 3 * sigma / np.sqrt(N_CELLS)              # 0.0024
    assert abs(D.std() / sigma - 1) < 3 / np.sqrt(2 * N_CELLS)      # relative s.e. of a std: 1/sqrt(2n)


def test_gaussian_clip_keeps_values_in_the_unit_interval_and_leaves_the_rest():
    X = np.linspace(0, 1, 1000).reshape(10, 100)
    raw = aelib.gaussian(0.5, seed=4)(X)
    clipped = aelib.gaussian(0.5, seed=4, clip=True)(X)
    np.testing.assert_array_equal(clipped, np.clip(raw, 0, 1))
    assert raw.min() < 0 and raw.max() > 1


def test_zero_level_noise_returns_an_equal_copy():
    X = np.random.default_rng(0).random((3, 4))
    for kind in sorted(aelib.NOISES):
        out = aelib.make_noise(kind, 0.0, seed=0)(X)
        assert out is not X
        np.testing.assert_array_equal(out, X)


# ---- gradcheck's floor ---------------------------------------------------------------------------

def test_gradcheck_floor_is_1e_minus_4_of_the_largest_gradient():
    """A dead ReLU unit has exactly zero gradient. Report an error of 1e-6 G there (G: the largest
    gradient entry): rel = 1e-6 G / max(1e-6 G, 1e-4 G) = 0.01, worked from the formula."""
    X = np.random.default_rng(0).random((5, 6))
    model = Autoencoder(6, 3, encoder="relu", decoder="sigmoid", seed=0, dtype="float64")
    model.set_params(b=[-100.0, 0.1, 0.2])                           # unit 0 never fires
    _, true = model.loss_and_grads(X)
    assert true["b"][0] == 0 and np.all(true["W"][0] == 0)
    G = max(float(np.abs(g).max()) for g in true.values())
    original = model.objective_and_grads

    def off_by_a_little(X, T, L, rng=None):
        value, grads = original(X, T, L, rng)
        grads["b"] = grads["b"].copy()
        grads["b"][0] = 1e-6 * G
        return value, grads

    honest = gradcheck(model, X)
    assert honest.max_error < 1e-7
    model.objective_and_grads = off_by_a_little
    report = gradcheck(model, X)
    assert report.errors["b"] == pytest.approx(0.01, rel=1e-3)
    assert report.errors["W"] < 1e-7 and not report.passed()


def test_fit_passes_optimizer_options_on():
    """fit(optimizer="momentum", momentum=0.5) must take the same steps as Momentum(lr, 0.5) by hand."""
    X = np.random.default_rng(5).random((4, 3))
    a = Autoencoder(3, 2, seed=0, dtype="float64")
    b = a.copy()
    a.fit(X, epochs=2, batch_size=4, lr=0.2, optimizer="momentum", momentum=0.5)
    opt = Momentum(0.2, momentum=0.5)
    for _ in range(2):
        _, g = b.loss_and_grads(X)
        opt.step(b.params, g)
    for k in a.params:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=1e-12, atol=1e-15)


# ---- initial weights and the output bias ----------------------------------------------------------

def test_initial_weight_scales():
    """Glorot: U(-r, r) with r = sqrt(6 / (n_in + n_out)); four times that for glorot_sigmoid;
    He: N(0, 2 / n_in). Checked on 300 x 200 draws (the extremes come within 1% of r)."""
    from aelib.layers import glorot_uniform, glorot_uniform_sigmoid, he_normal
    rng = np.random.default_rng(0)
    r = np.sqrt(6 / (200 + 300))
    W = glorot_uniform(200, 300, rng)
    assert W.shape == (300, 200) and W.dtype == np.float32
    assert 0.99 * r < np.abs(W).max() <= r
    assert 0.99 * 4 * r < np.abs(glorot_uniform_sigmoid(200, 300, rng)).max() <= 4 * r
    H = he_normal(200, 300, rng).astype(np.float64)
    assert abs(H.std() / np.sqrt(2 / 200) - 1) < 3 / np.sqrt(2 * H.size) and abs(H.mean()) < 3 * H.std() / 245


def test_init_scheme_table():
    from aelib.layers import init_scheme
    got = {(name, init): init_scheme(ACTIVATIONS[name], init) for name in ACTIVATIONS
           for init in ("auto", "recommended")}
    for name in ACTIVATIONS:
        rect = name in ("relu", "leaky_relu", "elu", "softplus")
        assert got[(name, "auto")] == ("he" if rect else "glorot")
        assert got[(name, "recommended")] == ("he" if rect else "glorot_sigmoid" if name == "sigmoid" else "glorot")
    assert init_scheme(ACTIVATIONS["relu"], "glorot") == "glorot"


def test_init_output_bias_is_the_inverse_of_the_clipped_mean():
    X = np.array([[0.0, 0.5, 1.0, 0.2], [0.0, 0.5, 1.0, 0.6]])          # column means 0, 0.5, 1, 0.4
    ae = Autoencoder(4, 2, seed=0, dtype="float64").init_output_bias(X)
    logit = lambda p: np.log(p / (1 - p))                                 # noqa: E731
    np.testing.assert_allclose(ae.params["b_prime"], [logit(0.001), 0.0, logit(0.999), logit(0.4)], rtol=1e-12)
    relu = Autoencoder(4, 2, decoder="relu", seed=0, dtype="float64").init_output_bias(X)
    np.testing.assert_allclose(relu.params["b_prime"], [0.0, 0.5, 1.0, 0.4])   # no inverse: the mean itself
    ident = Autoencoder(4, 2, decoder="identity", seed=0, dtype="float64").init_output_bias(X * 3)
    np.testing.assert_allclose(ident.params["b_prime"], [0.0, 1.5, 3.0, 1.2])  # unbounded: no clipping


# ---- PCA: signs, truncation, variances -------------------------------------------------------------

def test_pca_on_data_worked_by_hand():
    """Points (+-3, 0, 0) and (0, +-1, 0) around the mean (1, 2, 3): covariance diag(4.5, 0.5, 0)
    (divided by n = 4), so the components are e1 then e2, variances 4.5 and 0.5."""
    from aelib.pca import pca
    X = np.array([[3, 0, 0], [-3, 0, 0], [0, 1, 0], [0, -1, 0]], dtype=float) + [1, 2, 3]
    p = pca(X, 2)
    np.testing.assert_allclose(p.mean, [1, 2, 3])
    np.testing.assert_allclose(p.variances, [4.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(p.components, [[1, 0, 0], [0, 1, 0]], atol=1e-12)   # largest entry positive
    assert p.total_variance == pytest.approx(5.0) and p.explained_fraction == pytest.approx(1.0)
    np.testing.assert_allclose(p.encode(X[:1]), [[3.0, 0.0]], atol=1e-12)
    t = p.truncate(1)
    np.testing.assert_allclose(t.variances, [4.5])
    np.testing.assert_allclose(t.components, [[1, 0, 0]], atol=1e-12)
    assert t.explained_fraction == pytest.approx(0.9)


def test_pca_component_signs_make_the_largest_entry_positive():
    from aelib.pca import pca
    X = np.random.default_rng(3).normal(size=(50, 5)) * [5, 4, 3, 2, 1]
    for c in pca(X, 4).components:
        assert c[np.argmax(np.abs(c))] > 0


# ---- losses in the probability form, by hand and by finite differences -----------------------------

@pytest.mark.parametrize("name", sorted(aelib.LOSSES))
def test_loss_gradient_in_the_probability_form_matches_finite_differences(name):
    """grad(z, x) against central differences of value(z, x), entry by entry (float64)."""
    L = aelib.LOSSES[name]
    rng = np.random.default_rng(9)
    z, x = rng.uniform(0.1, 0.9, (3, 4)), rng.random((3, 4))
    g = L.grad(z, x)
    num = np.empty_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += 1e-6
        zm[idx] -= 1e-6
        num[idx] = (L.value(zp, x) - L.value(zm, x)) / 2e-6
    np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-9)


def test_loss_values_worked_by_hand():
    """One example, z = (0.8, 0.4), x = (1, 0): squared error 0.04 + 0.16 = 0.2, gradient 2 (z - x)
    = (-0.4, 0.8); cross-entropy -log 0.8 - log 0.6 = 0.733969, gradient (z - x) / (z (1 - z))
    = (-1.25, 1.666667). Two copies of the example: the same numbers, the gradient halved."""
    z, x = np.array([[0.8, 0.4]]), np.array([[1.0, 0.0]])
    se, ce = aelib.LOSSES["squared_error"], aelib.LOSSES["cross_entropy"]
    assert se.value(z, x) == pytest.approx(0.2, abs=1e-12)
    np.testing.assert_allclose(se.grad(z, x), [[-0.4, 0.8]], atol=1e-12)
    assert ce.value(z, x) == pytest.approx(0.733969, abs=1e-6)
    np.testing.assert_allclose(ce.grad(z, x), [[-1.25, 1.666667]], atol=1e-6)
    z2, x2 = np.repeat(z, 2, axis=0), np.repeat(x, 2, axis=0)
    assert ce.value(z2, x2) == pytest.approx(0.733969, abs=1e-6)
    np.testing.assert_allclose(ce.grad(z2, x2), [[-0.625, 0.833333]] * 2, atol=1e-6)


def test_minibatch_sgd_with_separate_targets_worked_step_by_step():
    """A Network with its own targets, 3 batches of 2 per epoch: fit must take exactly the steps of
    this loop (the seeded permutation, each batch's inputs with *their* targets, one SGD step each)."""
    rng = np.random.default_rng(1)
    X, T = rng.random((6, 3)), rng.random((6, 2))
    net = aelib.Network([3, 2], ["sigmoid"], seed=0, dtype="float64")
    ref = net.copy()
    hist = net.fit(X, target=T, epochs=2, batch_size=2, lr=0.5, loss="squared_error", seed=5)
    order_rng = np.random.default_rng(5)
    for epoch in range(2):
        order, losses = order_rng.permutation(6), []
        for start in range(0, 6, 2):
            idx = order[start:start + 2]
            value, grads = ref.loss_and_grads(X[idx], target=T[idx], loss="squared_error")
            losses.append(value)
            for k in ref.params:
                ref.params[k] -= 0.5 * grads[k]
        assert hist.train_loss[epoch] == pytest.approx(np.mean(losses), rel=1e-12)
    for k in ref.params:
        np.testing.assert_allclose(net.params[k], ref.params[k], rtol=1e-12, atol=1e-15)

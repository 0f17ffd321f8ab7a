"""Every exercise check accepts differently written correct answers and names the typical mistakes.

For each check in ``aelib.checks``: at least two correct answers written differently (other
formulas, float32 arithmetic, einsum, loops...) are accepted with "✓", at least three typical wrong
answers are rejected with "✗" and the *specific* diagnosis, and the unanswered placeholder prints
"not answered yet" instead of raising.
"""
from __future__ import annotations

import numpy as np
import pytest

import aelib
from aelib import checks


def sig(a):
    return 1 / (1 + np.exp(-a))


def unanswered(*args, **kwargs):
    raise NotImplementedError()


# ---- the answers -------------------------------------------------------------------------------
# Each entry: (check, args, expected substring of the printed line). "✓" marks a correct answer.

def _xor(w=10.0, b1=None, W2=None, b2=None, W1=None):
    return lambda: {"W1": np.array([[w, w], [-w, -w]]) if W1 is None else W1,
                    "b1": np.array([-w / 2, 1.5 * w]) if b1 is None else b1,
                    "W2": np.array([[w, w]]) if W2 is None else W2,
                    "b2": np.array([-1.5 * w]) if b2 is None else b2}


def _hoyer_rows(H):
    m = H.shape[1]
    return ((np.sqrt(m) - np.abs(H).sum(1) / np.linalg.norm(H, axis=1)) / (np.sqrt(m) - 1)).mean()


def _tied_grad(X, W, b, bp, sign=1, enc=True, dec=True, mean=True):
    H = sig(X @ W.T + b)
    Z = sig(H @ W + bp)
    dA2 = sign * (Z - X) / (X.shape[0] if mean else 1)
    g = 0
    if enc:
        g = g + ((dA2 @ W.T) * H * (1 - H)).T @ X
    if dec:
        g = g + (dA2.T @ H).T
    return g


def _sp_good(X, fraction, rng):
    out = X.copy()
    hit = rng.random(X.shape) < fraction
    out[hit] = rng.integers(0, 2, size=int(hit.sum()))
    return out


def _sp_choice(X, fraction, rng):
    out = np.array(X, dtype=float)
    u = rng.choice(3, size=X.shape, p=[fraction / 2, fraction / 2, 1 - fraction])
    out[u == 0], out[u == 1] = 0, 1
    return out.astype(X.dtype)


def _sp_inplace(X, fraction, rng):
    u = rng.random(X.shape)
    X[u < fraction] = u[u < fraction] < fraction / 2
    return X


def _sp_masking(X, fraction, rng):
    out = X.copy()
    out[rng.random(X.shape) < fraction] = 0
    return out


def _sp_double(X, fraction, rng):
    out = X.copy()
    out[rng.random(X.shape) < fraction] = 0
    out[rng.random(X.shape) < fraction] = 1
    return out


def _sp_global(X, fraction, rng):
    out = X.copy()
    u = np.random.default_rng().random(X.shape)   # ignores rng: a different draw on every call
    out[u < fraction] = u[u < fraction] < fraction / 2
    return out


def _transplant_alias(source, target, scale=1.0):
    target.params["W"] = source.params["W"]          # the same array: scale ignored too
    target.set_params(b=0, b_prime=0)
    return target


CASES = {
    "1_1": [
        (lambda X, W, b: sig(X @ W.T + b), "✓"),
        (lambda X, W, b: 0.5 * (1 + np.tanh(0.5 * (np.einsum("bi,oi->bo", X, W) + b))), "✓"),
        (lambda X, W, b: sig(X @ W.T), "bias is missing"),
        (lambda X, W, b: sig(-(X @ W.T + b)), "sign is flipped"),
        (lambda X, W, b: X @ W.T + b, "nonlinearity is missing"),
        (lambda X, W, b: sig(X @ W + b), "X @ W.T"),
        (lambda X, W, b: sig(W @ X.T + b[:, None]), "transposed"),
        (lambda X, W, b: sig(X @ W.T) + b, "after the sigmoid"),
    ],
    "1_2": [
        (_xor(10.0), "✓"),
        (_xor(W1=np.array([[20.0, 20.0], [-20.0, -20.0]]), b1=np.array([-10.0, 30.0]),
              W2=np.array([[20.0, 20.0]]), b2=np.array([-30.0])), "✓"),
        (_xor(1.0), "not saturated"),
        (_xor(W1=np.array([[10.0, 10.0], [10.0, 10.0]]), b1=np.array([-5.0, -5.0]), b2=np.array([-5.0])),
         "computes OR"),
        (_xor(W1=np.array([[10.0, -10.0], [10.0, -10.0]])), "XOR needs 0, 1, 1, 0"),   # two identical units
        (lambda: {"W1": np.ones((2, 2)), "b1": np.zeros(2), "W2": np.ones((2, 1)), "b2": np.zeros(1)}, "transposed"),
        (lambda: {"W1": np.ones((2, 2)), "b1": np.zeros(2), "W2": np.ones((1, 2))}, "missing 'b2'"),
        (lambda: [np.ones((2, 2))], "must return a dict"),
    ],
}


def _ce(Z, X):
    return -(X * np.log(Z) + (1 - X) * np.log(1 - Z)).sum(axis=1).mean()


def _angles(A, B):
    QA, QB = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    return np.degrees(np.arccos(np.clip(np.linalg.svd(QA.T @ QB, compute_uv=False), -1, 1)))


def _angles_other(A, B):
    # projector-based: cos² of the angles are the top eigenvalues of P_A P_B, computed in float64
    A, B = A.astype(np.float64), B.astype(np.float64)
    PA = A @ np.linalg.pinv(A)
    QB = np.linalg.qr(B)[0]
    ev = np.linalg.eigvalsh(QB.T @ PA @ QB)
    return np.sort(np.degrees(np.arccos(np.sqrt(np.clip(ev, 0, 1)))))


CASES.update({
    "2_1": [
        (_ce, "✓"),
        (lambda Z, X: -np.mean(np.sum(np.where(X > 0, X * np.log(Z), 0) + (1 - X) * np.log1p(-Z), axis=-1)), "✓"),
        (lambda Z, X: -(X * np.log(Z) + (1 - X) * np.log(1 - Z)).mean(), "averaged over the pixels too"),
        (lambda Z, X: -(X * np.log(Z) + (1 - X) * np.log(1 - Z)).sum(), "summed over the examples too"),
        (lambda Z, X: (X * np.log(Z) + (1 - X) * np.log(1 - Z)).sum(axis=1).mean(), "sign is flipped"),
        (lambda Z, X: -(X * np.log(Z)).sum(axis=1).mean(), "(1 - x) log(1 - z) term is missing"),
        (lambda Z, X: -(X * np.log(Z) + (1 - X) * np.log(1 - Z)).mean(axis=0), "wrong axis"),
        (lambda Z, X: -(X * np.log(Z) + (1 - X) * np.log(1 - Z)).sum(axis=1), "one loss per example"),
    ],
    "2_2": [
        (_angles, "✓"),
        (_angles_other, "✓"),
        (lambda A, B: np.arccos(np.clip(np.linalg.svd(np.linalg.qr(A)[0].T @ np.linalg.qr(B)[0],
                                                      compute_uv=False), -1, 1)), "radians"),
        (lambda A, B: np.linalg.svd(np.linalg.qr(A)[0].T @ np.linalg.qr(B)[0], compute_uv=False), "cosines"),
        (lambda A, B: _angles(A, B)[::-1], "sorted the wrong way"),
        (lambda A, B: np.sort(np.degrees(np.arccos(np.clip(np.linalg.svd(A.T @ B, compute_uv=False), -1, 1)))),
         "orthonormalise"),
        (lambda A, B: _angles(A.T, B.T), "rows of A and B"),
        (lambda A, B: _angles(A, B)[:-1], "wrong shape"),
    ],
    "3_1": [
        (lambda Z, X: (Z - X) / len(X), "✓"),
        (lambda Z, X: np.subtract(Z, X, dtype=np.float32) * np.float32(1 / Z.shape[0]), "✓"),
        (lambda Z, X: (X - Z) / len(X), "sign is flipped"),
        (lambda Z, X: Z - X, "not averaged over the batch"),
        (lambda Z, X: (Z - X) * Z * (1 - Z) / len(X), "z (1 - z)"),
        (lambda Z, X: (Z - X) / Z.size, "too small"),
    ],
    "3_2": [
        (lambda X, W, b, bp: _tied_grad(X, W, b, bp), "✓"),
        (lambda X, W, b, bp: (aelib.Autoencoder(W.shape[1], W.shape[0], dtype="float64")
                              .set_params(W=W, b=b, b_prime=bp).loss_and_grads(X)[1]["W"]), "✓"),
        (lambda X, W, b, bp: _tied_grad(X, W, b, bp, dec=False), "only the encoder path"),
        (lambda X, W, b, bp: _tied_grad(X, W, b, bp, enc=False), "only the decoder path"),
        (lambda X, W, b, bp: _tied_grad(X, W, b, bp, sign=-1), "sign is flipped"),
        (lambda X, W, b, bp: _tied_grad(X, W, b, bp, mean=False), "not averaged over the batch"),
        (lambda X, W, b, bp: _tied_grad(X, W, b, bp).T, "transpose"),
    ],
    "4_1": [
        (lambda H, W, b: (np.arctanh(H) - b) @ W, "✓"),
        (lambda H, W, b: np.einsum("bh,hv->bv", 0.5 * np.log((1 + H) / (1 - H)) - b, W), "✓"),
        (lambda H, W, b: np.arctanh(H) @ W, "bias is not removed"),
        (lambda H, W, b: (np.arctanh(H) + b) @ W, "bias is added"),
        (lambda H, W, b: (np.tanh(H) - b) @ W, "tanh instead of its inverse"),
        (lambda H, W, b: (np.arctanh(H) - b) @ W.T, "@ W, not @ W.T"),
        (lambda H, W, b: np.arctanh((H - b) @ W), "NaN or inf"),
    ],
    "5_1": [
        (lambda a: np.logaddexp(0, a), "✓"),
        (lambda a: np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a))), "✓"),
        (lambda a: np.where(a > 30, a, np.log1p(np.exp(np.minimum(a, 30)))), "✓"),
        (lambda a: np.log(1 + np.exp(a)), "overflows"),
        (lambda a: np.logaddexp(0, -a), "sign is flipped"),
        (lambda a: np.maximum(a, 0), "ReLU"),
        (lambda a: sig(a), "sigmoid"),
    ],
    "6_1": [
        (_sp_good, "✓"),
        (_sp_choice, "✓"),
        (_sp_inplace, "in place"),
        (_sp_masking, "only pepper"),
        (_sp_double, "split it, fraction/2 each"),
        (_sp_global, "from the `rng` argument"),
        (lambda X, f, rng: X + f * rng.standard_normal(X.shape), "other than 0 and 1"),
    ],
    "6_2": [
        (lambda model, X, noise: model.loss_and_grads(noise(X), target=X), "✓"),
        (lambda model, X, noise: (lambda Xn: model.loss_and_grads(Xn, X))(noise(X.copy())), "✓"),
        (lambda model, X, noise: (lambda Xn: model.loss_and_grads(Xn, target=Xn))(noise(X)), "target is the noisy batch"),
        (lambda model, X, noise: (lambda Xn: model.loss_and_grads(X, target=Xn))(noise(X)), "swapped"),
        (lambda model, X, noise: model.loss_and_grads(X), "noise was never applied"),
        (lambda model, X, noise: (noise(X), model.loss_and_grads(X))[1], "trained on the clean input"),
        (lambda model, X, noise: model.loss_and_grads(noise(X), target=noise(X)), "called 2 times"),
    ],
    "7_1": [
        (lambda s, t, scale=1.0: t.set_params(W=scale * s.params["W"], b=0, b_prime=0), "✓"),
        (lambda s, t, scale=1.0: (t.params.update(W=(s.params["W"] * scale).astype(t.dtype),
                                                  b=np.zeros_like(t.params["b"]),
                                                  b_prime=np.zeros_like(t.params["b_prime"])), t)[1], "✓"),
        (lambda s, t, scale=1.0: t.set_params(W=scale * s.params["W"], b=s.params["b"], b_prime=s.params["b_prime"]),
         "biases were copied"),
        (_transplant_alias, "share one W array"),
        (lambda s, t, scale=1.0: t.set_params(W=s.params["W"], b=0, b_prime=0), "not scaled"),
        (lambda s, t, scale=1.0: s.set_params(W=scale * s.params["W"], b=0, b_prime=0), "return the target"),
        (lambda s, t, scale=1.0: t.set_params(W=scale * s.params["W"]), "reset both biases"),
    ],
    "7_2": [
        (_hoyer_rows, "✓"),
        (lambda H: float(np.mean([(np.sqrt(len(h)) - np.sum(np.abs(h)) / np.sqrt(np.dot(h, h))) / (np.sqrt(len(h)) - 1)
                                  for h in H])), "✓"),
        (lambda H: _hoyer_rows(H.T) if H.shape[0] > 1 else _hoyer_rows(H), "wrong axis"),
        (lambda H: -_hoyer_rows(H), "sign is flipped"),
        (lambda H: ((H.shape[1] - np.abs(H).sum(1) / (H ** 2).sum(1)) / (H.shape[1] - 1)).mean(), "square root"),
        (lambda H: (np.sqrt(H.shape[1]) - np.abs(H).sum(1) / np.linalg.norm(H, axis=1)) / (np.sqrt(H.shape[1]) - 1),
         "one value per code"),
        (lambda H: _hoyer_rows(H.reshape(1, -1)), "whole matrix"),
    ],
})

# predictions and explorations: (args, expected substring)
PRED = {
    "1_3": [(("sigmoid", {"sigmoid": 5, "relu": 0}), "✓"), (("Sigmoid ", {"sigmoid": 5, "relu": 0}), "✓"),
            (("relu", {"sigmoid": 5, "relu": 0}), "dead unit"), (("same", {"sigmoid": 5, "relu": 0}), "the experiment says 'sigmoid'"),
            (("tanh", {"sigmoid": 5, "relu": 0}), "must be one of"), ((1, {"sigmoid": 5, "relu": 0}), "(a string)")],
    "2_3": [(("minibatch", 178.0, 470.0, 2), "✓"), (("MINIBATCH", 178.0, 470.0, 2), "✓"),
            (("full batch", 178.0, 470.0, 2), "many small steps"), (("full", 178.0, 470.0, 2), "must be one of"),
            ((None, 178.0, 470.0, 2), "(a string)")],
    "3_3": [(("down", 546.0, 458.0), "✓"), (("'down'", 546.0, 458.0), "✓"), (("up", 546.0, 458.0), "NEGATIVE gradient"),
            (("decrease", 546.0, 458.0), "must be one of"), ((-1, 546.0, 458.0), "(a string)")],
    "4_2": [(("tied", 51024, 101200, 163.0, 182.0), "✓"), (("about equal", 51024, 101200, 163.0, 164.0), "✓"),
            (("untied", 51024, 101200, 163.0, 182.0), "plateau"), (("equal", 51024, 101200, 163.0, 182.0), "must be one of"),
            (("tied", 51024, 101200, 163.0, 163.5), "the experiment says 'about equal'")],
    "5_2": [(("yes", 0.0004, 0.0), "✓"), (("Yes", 0.0004, 0.0), "✓"), (("no", 0.0004, 0.0), "unbounded above"),
            (("maybe", 0.0004, 0.0), "must be one of"), ((True, 0.0004, 0.0), "(a string)")],
    "6_3": [(("denoising", 116.0, 115.0), "✓"), (("Denoising", 116.0, 115.0), "✓"), (("plain", 116.0, 115.0), "fill in missing strokes"),
            (("dae", 116.0, 115.0), "must be one of"), ((["denoising"], 116.0, 115.0), "(a string)")],
    "7_3": [(("transplanted", 163.0, 111.0), "✓"), ((" transplanted", 163.0, 111.0), "✓"),
            (("random", 163.0, 111.0), "stroke detectors"), (("warm", 163.0, 111.0), "must be one of"),
            ((0, 163.0, 111.0), "(a string)")],
    "1_4": [(({1: 0.38, 2: 0.27, 5: 0.076, 10: 0.0067, 20: 4.5e-5}, 10), "✓"),
            (({1.0: 0.38, 10.0: 0.0067, 20.0: 4.5e-5}, 10.0), "✓"),
            (({1: 0.38, 2: 0.27, 5: 0.076, 10: 0.0067, 20: 4.5e-5}, 20), "a smaller one you tried, 10"),
            (({1: 0.38, 2: 0.27, 5: 0.076, 10: 0.0067, 20: 4.5e-5}, 5), "still a soft"),
            (({1: 0.38, 2: 0.27, 5: 0.076}, 5), "try larger scales"),
            (({1: 0.38, 10: 0.0067}, 10), "at least 3"),
            (({1: 0.38, 2: 0.27, 10: 0.0067}, 15), "not one of the scales")],
    "2_4": [(({2: 216.0, 8: 193.0, 32: 141.0}, 32), "✓"), (({32: 141.0, 64: 120.0, 2: 216.0, 8: 193.0}, 64), "✓"),
            (({2: 216.0, 8: 193.0, 32: 141.0}, 2), "HIGHEST"), (({2: 216.0, 8: 193.0, 32: 141.0}, 8), "lower held-out loss"),
            (({2: 216.0, 8: 193.0, 32: 141.0}, 16), "not one of the sizes"), (([216.0, 193.0, 141.0], 32), "must be a dict")],
    "3_4": [(({1: 0.22, 0.1: 0.0038, 0.01: 0.029, 0.001: 0.65}, 0.1), "✓"), (({0.1: 0.0038, 1e-5: 1.0, 0.01: 0.029}, 0.1), "✓"),
            (({1: 0.22, 0.1: 0.0038, 0.01: 0.029, 0.001: 0.65}, 0.001), "smallest step is not the most accurate"),
            (({1: 0.22, 0.1: 0.0038, 0.01: 0.029, 0.001: 0.65}, 0.01), "gave a smaller error"),
            (({1: 0.22, 0.1: 0.0038, 0.01: (0.029, 0.1)}, 0.1), "must be one number")],
    "4_3": [(({0.5: 0.0013, 0.99: 0.053, 0.999: float("inf"), 0.9999: float("nan")}, 0.999), "✓"),
            (({0.9: 0.005, 0.998: 0.35, 0.9985: 0.55, 0.9995: None}, 0.9995), "✓"),
            (({0.5: 0.0013, 0.99: 0.053, 0.999: float("inf"), 0.9999: float("nan")}, 0.99), "still small"),
            (({0.5: 0.0013, 0.99: 0.053, 0.999: float("inf"), 0.9999: float("nan")}, 0.9999), "already is"),
            (({0.5: 0.0013, 0.9: 0.005, 0.99: 0.053}, 0.99), "closer to 1")],
    "5_3": [(({"sigmoid": 0.99, "relu": 1.2, "softplus": 1.1}, ["sigmoid"]), "✓"),
            (({"sigmoid": 0.99, "relu": 0.98, "identity": 1.3}, ("relu", "sigmoid")), "✓"),
            (({"sigmoid": 0.99, "relu": 1.2, "softplus": 1.1}, ["sigmoid", "relu"]), "went out of range"),
            (({"sigmoid": 0.99, "relu": 0.98, "identity": 1.3}, ["sigmoid"]), "'relu' stayed within"),
            (({"sigmoid": 0.99, "relu": 1.2, "softplus": 1.1}, ["tanh"]), "not among the activations"),
            (({"sigmoid": 0.99, "relu": 1.2, "softplus": 1.1}, 0.99), "must be a list")],
    "6_4": [(({0.0: 116.0, 0.25: 115.6, 0.5: 114.9, 0.75: 121.7}, 0.5), "✓"), (({0.1: 116.0, 0.3: 113.0, 0.9: 130.0}, 0.3), "✓"),
            (({0.0: 116.0, 0.25: 115.6, 0.5: 114.9, 0.75: 121.7}, 0.75), "HIGHEST"),
            (({0.0: 116.0, 0.25: 115.6, 0.5: 114.9, 0.75: 121.7}, 0.25), "gave a lower loss"),
            (({0.0: 116.0, 0.25: 115.6, 0.5: 114.9, 0.75: 121.7}, 0.6), "not one of the levels")],
    "7_4": [(({0.1: 292.0, 0.3: 302.0, 1: 116.0, 3: 297.0, 10: 310.0}, 1), "✓"),
            (({0.1: 292.0, 1: 116.0, 10: float("nan")}, 1.0), "✓"),
            (({0.1: 292.0, 1: 116.0, 10: float("nan")}, 10), "diverged"),
            (({0.1: 292.0, 0.3: 302.0, 1: 116.0, 3: 297.0, 10: 310.0}, 10), "HIGHEST"),
            (({0.1: 292.0, 0.3: 302.0, 1: 116.0, 3: 297.0, 10: 310.0}, 0.1), "reached a lower loss"),
            (({0.1: float("nan"), 1: None, 10: float("nan")}, 1), "every run diverged")],
}


def _run(check, args, capsys):
    ok = check(*args)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a check prints exactly one line, got:\n{out}"
    return ok, out


@pytest.mark.parametrize("number,answer,expected",
                         [(n, a, e) for n, cases in CASES.items() for a, e in cases],
                         ids=[f"{n}-{i}-{'right' if e == '✓' else e[:24]}" for n, cases in CASES.items()
                              for i, (a, e) in enumerate(cases)])
def test_function_check_accepts_right_and_names_the_mistake(number, answer, expected, capsys):
    check = getattr(checks, f"check_{number}")
    with np.errstate(all="ignore"):
        ok, out = _run(check, (answer,), capsys)
    if expected == "✓":
        assert ok == True and bool(ok) and out.startswith("✓"), out
    else:
        assert ok == False and not ok and out.startswith("✗"), out
        assert expected in out, f"expected {expected!r} in: {out}"


@pytest.mark.parametrize("number,args,expected",
                         [(n, a, e) for n, cases in PRED.items() for a, e in cases],
                         ids=[f"{n}-{i}-{'right' if e == '✓' else e[:24]}" for n, cases in PRED.items()
                              for i, (a, e) in enumerate(cases)])
def test_prediction_and_explore_checks(number, args, expected, capsys):
    ok, out = _run(getattr(checks, f"check_{number}"), args, capsys)
    if expected == "✓":
        assert ok == True and bool(ok) and out.startswith("✓"), out
    else:
        assert ok == False and not ok and out.startswith("✗"), out
        assert expected in out, f"expected {expected!r} in: {out}"


@pytest.mark.parametrize("name", checks.__all__)
def test_every_check_has_at_least_two_right_and_three_wrong_answers(name):
    n = name.removeprefix("check_")
    cases = CASES.get(n) or PRED.get(n)
    assert cases, f"{name} has no test cases"
    right = sum(e == "✓" for *_, e in cases)
    wrong = sum(e != "✓" for *_, e in cases)
    assert right >= 2 and wrong >= 3, f"{name}: {right} right and {wrong} wrong answers tested"


@pytest.mark.parametrize("name", checks.__all__)
def test_unanswered_exercise_prints_not_answered_instead_of_raising(name, capsys):
    check = getattr(checks, name)
    n = name.removeprefix("check_")
    if n in CASES:
        args = (unanswered,)
    else:
        args = list(PRED[n][0][0])
        args[0] = ...                     # the learner copy's placeholder: `prediction = ...`
    ok, out = _run(check, tuple(args), capsys)
    assert ok == False
    assert out.startswith(f"Exercise {check.exercise}: not answered yet"), out
    assert "Traceback" not in out


def test_explore_check_with_second_answer_unset_is_not_answered(capsys):
    ok, out = _run(checks.check_6_4, ({0.0: 1.0, 0.5: 0.5, 0.75: 0.7}, ...), capsys)
    assert not ok and "not answered yet" in out


def test_learner_error_is_reported_in_one_line_not_raised(capsys):
    def broken(X, W, b):
        return undefined_name  # noqa: F821
    ok, out = _run(checks.check_1_1, (broken,), capsys)
    assert not ok and "NameError" in out and "undefined_name" in out


def test_forgotten_return_is_named(capsys):
    def no_return(Z, X):
        (Z - X) / len(X)
    ok, out = _run(checks.check_3_1, (no_return,), capsys)
    assert not ok and "forget the `return`" in out


def test_passing_the_call_instead_of_the_function_is_named(capsys):
    ok, out = _run(checks.check_5_1, (np.zeros(3),), capsys)
    assert not ok and "no parentheses" in out


def test_a_check_returns_true_or_false_and_shows_nothing_in_a_notebook(capsys):
    ok, _ = _run(checks.check_5_1, (lambda a: np.logaddexp(0, a),), capsys)
    bad, _ = _run(checks.check_5_1, (lambda a: np.maximum(a, 0),), capsys)
    assert ok == True and bad == False and repr(ok) == "True" and repr(bad) == "False"  # noqa: E712
    assert ok._ipython_display_() is None       # IPython calls this instead of echoing the value


def test_checks_do_not_change_the_global_random_state():
    state = np.random.get_state()[1].copy()
    checks.check_6_1(_sp_good)
    assert np.array_equal(np.random.get_state()[1], state)


def test_importing_checks_imports_numpy_only():
    import subprocess
    import sys
    code = "import sys, aelib.checks; print(sorted(m for m in ('matplotlib', 'sympy', 'ipywidgets') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

"""Every exercise check accepts differently written correct answers and names the typical mistakes.

For each check in ``aelib.checks`` (issues 16 and 23):

* correct answers written differently from the solutions (other formulas, float32 arithmetic, einsum,
  loops, lists, numpy scalars, 0-d arrays...) are accepted with "✓";
* wrong answers of many kinds (the typical mistakes, wrong types, float16, made-up or mis-scored
  experiment numbers) are rejected with "✗" and the *specific* diagnosis: each diagnosis a check can give
  has a case here that must produce it;
* a near miss, the right answer times 1.01, is rejected;
* a Hypothesis test feeds every check answers of arbitrary type and accepts only one line, ✓/✗ or
  "not answered yet", and never a ✓ for junk;
* the unanswered placeholder prints "not answered yet" instead of raising.

The explore checks re-run the experiment with the same seed; their answers here are computed by the
experiments written out again in this file (a few seconds of training, cached).
"""
from __future__ import annotations

import numpy as np
import pytest

import aelib
import aelib.claims
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
        (lambda A, B: _angles(A.T, B.T), "rows of A (n, k)"),
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

# ---- more answers per function check: new kinds of mistakes, other correct forms -------------------------
# (issue 16: at least five wrong answers of new kinds and two more correct ones for every check; issue 23: one
# test per diagnosis, and a near-miss answer, the right one times 1.01, that must be rejected)

def _f16(fn):
    return lambda *a: np.asarray(fn(*a)).astype(np.float16)


def _near(fn):
    """The right answer times 1.01: a check must reject it (its tolerance is far tighter than 1 %)."""
    return lambda *a: 1.01 * np.asarray(fn(*a), dtype=np.float64)


def _layer_ok(X, W, b):
    return sig(X @ W.T + b)


def _raise_index(*a):
    raise IndexError("index 5 is out of bounds for axis 0 with size 3")


def _broadcast_bias(X, W, b):
    return sig(X @ W.T + np.append(b, 0.0))          # one bias too many: (batch, n_out) + (n_out + 1,)


def _matmul_untransposed(X, W, b):
    return sig(X @ W + b) if W.shape[0] == W.shape[1] else sig(np.dot(X, W) + b)


CASES["1_1"] += [
    (lambda X, W, b: np.array([sig(W @ x + b) for x in X]).reshape(len(X), -1), "✓"),          # one row at a time
    (lambda X, W, b: np.reciprocal(1 + np.exp(-np.matmul(X, W.T) - b)).tolist(), "✓"),          # a nested list
    (lambda X, W, b: sig(X @ W.T - b), "bias is subtracted"),
    (lambda X, W, b: np.tanh(X @ W.T + b), "largest difference"),                               # tanh, not σ
    (_f16(_layer_ok), "precision problem"),
    (_near(_layer_ok), "largest difference"),
    (lambda X, W, b: sig(X @ W.T + b).sum(), "single number"),
    (_broadcast_bias, "Two arrays of different shapes"),
    (_matmul_untransposed, "matrix product"),
    (lambda X, W, b: [sig(X @ W.T + b)][0] if False else None, "forget the `return`"),
    (lambda X, W, b: "sigmoid", "not an array of numbers"),
    (lambda X, W, b: sig(X @ W.T + b) * np.nan, "NaN or infinite"),
    (lambda X, W, b: sig(X @ W.T + b)[:, :-1] if W.shape[0] > 1 else sig(X @ W.T + b)[:0], "wrong shape"),
    (_raise_index, "IndexError"),
    (lambda X, W, b: sig(X @ W.T + b) + 0j, "complex numbers"),
]


def _xor_or_output(w=10.0):
    # hidden OR and NAND are right; the output computes OR of them (always on)
    return _xor(w, W2=np.array([[w, w]]), b2=np.array([-w / 2]))


def _xor_tol(err):
    """A net whose worst output misses XOR by about ``err``: σ(±k) with σ(-k) = err."""
    k = float(np.log((1 - err) / err))
    return lambda: {"W1": np.array([[20.0, 20.0], [-20.0, -20.0]]), "b1": np.array([-10.0, 30.0]),
                    "W2": np.array([[2 * k, 2 * k]]), "b2": np.array([-3 * k])}


CASES["1_2"] += [
    (lambda: {k: v.tolist() for k, v in _xor(8.0)().items()}, "✓"),                          # plain lists
    (lambda: {"W1": np.array([[-10.0, -10.0], [10.0, 10.0]]), "b1": np.array([15.0, -5.0]),  # units swapped
              "W2": np.array([[10.0, 10.0]]), "b2": np.array([-15.0]), "extra": 1}, "✓"),
    (_xor_tol(0.0999), "✓"),
    (_xor_tol(0.101), "not confident"),                                                      # near miss
    (_xor_or_output(), "output unit computes OR of them"),
    (_xor(W2=np.array([[-10.0, -10.0]]), b2=np.array([5.0])), "computes"),                 # output NOR → XNOR
    (lambda: {"W1": np.full((2, 2), np.inf), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)},
     "NaN or infinite"),
    (lambda: {"W1": "10", "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}, "not an array of numbers"),
    (lambda: {"W1": np.ones((2, 3)), "b1": np.zeros(2), "W2": np.ones((1, 2)), "b2": np.zeros(1)}, "W1 must have shape"),
    (lambda: None, "forget the `return`"),
    (_xor(W1=np.array([[10.0, 10.0], [10.0, 10.0]]), b1=np.array([-5.0, -15.0])), "computes"),  # OR and AND
]


def _ce_ok(Z, X):
    return _ce(Z, X)


CASES["2_1"] += [
    (lambda Z, X: float(-np.einsum("bk->b", np.log(np.where(X == 1, Z, 1 - Z)) * (X == 1) + np.log(1 - Z) * (X == 0)
                                   + (X * np.log(Z) + (1 - X) * np.log(1 - Z)) * ((X != 0) & (X != 1))).mean()), "✓"),
    (lambda Z, X: np.float32(-np.sum(X * np.log(Z) + (1 - X) * np.log(1 - Z)) / len(X)), "✓"),
    (lambda Z, X: -(Z * np.log(X.clip(1e-300)) + (1 - Z) * np.log((1 - X).clip(1e-300))).sum(axis=1).mean(),
     "arguments are swapped"),
    (lambda Z, X: -(X * np.log(Z) + (1 - X) * np.log(1 - Z)).mean(axis=1).sum(), "averaged over the pixels and summed"),
    (lambda Z, X: -(X * np.log10(Z) + (1 - X) * np.log10(1 - Z)).sum(axis=1).mean(), "largest difference"),
    (_f16(_ce_ok), "precision problem"),
    (_near(_ce_ok), "largest difference"),
    (lambda Z, X: [_ce(Z, X)], "✓"),                                                         # a one-item list
    (lambda Z, X: ((Z - X) ** 2).sum(axis=1).mean(), "largest difference"),                  # squared error
    (lambda Z, X: None, "forget the `return`"),
    (lambda Z, X: {"loss": _ce(Z, X)}, "not an array of numbers"),
]


def _angles_ok(A, B):
    return _angles(A, B)


def _angles_noclip(A, B):
    QA, QB = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    return np.degrees(np.arccos(np.linalg.svd(QA.T @ QB, compute_uv=False)))


CASES["2_2"] += [
    (lambda A, B: np.degrees(np.arccos(np.clip(np.linalg.svd(np.linalg.qr(A)[0].T @ np.linalg.qr(B)[0],
                                                             compute_uv=False), -1, 1))).tolist(), "✓"),
    (lambda A, B: np.sort(np.degrees(np.arcsin(np.clip(np.linalg.svd(
        (np.eye(len(A)) - np.linalg.qr(A)[0] @ np.linalg.qr(A)[0].T) @ np.linalg.qr(B)[0], compute_uv=False),
        0, 1))))[::1], "✓"),                        # arcsin of the sines of the angles, sorted
    (_angles_noclip, "clip the singular values"),
    (lambda A, B: np.zeros(A.shape[1]), "every angle you returned is 0"),
    (lambda A, B: 90 - _angles(A, B), "largest difference"),
    (_near(_angles_ok), "largest difference"),
    (lambda A, B: _angles(A, B).astype(np.float16), "precision problem"),
    (lambda A, B: _angles(A, B)[None, :], "wrong shape"),
    (lambda A, B: np.linalg.qr(A)[0].T @ np.linalg.qr(B)[0], "wrong shape"),
    (lambda A, B: _angles(A, B)[0], "single number"),
]


def _oe_ok(Z, X):
    return (Z - X) / len(X)


CASES["3_1"] += [
    (lambda Z, X: np.array([(z - x) for z, x in zip(Z, X)]) / X.shape[0], "✓"),
    (lambda Z, X: ((Z - X).T / len(X)).T.tolist(), "✓"),
    (lambda Z, X: (X - Z), "sign flipped AND not averaged"),
    (lambda Z, X: ((Z - X) / len(X)).T, "transpose"),
    (lambda Z, X: ((Z - X) / len(X)).mean(axis=0), "wrong shape"),
    (_f16(_oe_ok), "precision problem"),
    (_near(_oe_ok), "largest difference"),
    (lambda Z, X: (Z - X) / len(X) * (Z * (1 - Z) + 1), "largest difference"),
    (lambda Z, X: np.sign(Z - X) / len(X), "largest difference"),
    (lambda Z, X: (Z - X).sum() / len(X), "single number"),
]


def _tg_ok(X, W, b, bp):
    return _tied_grad(X, W, b, bp)


CASES["3_2"] += [
    (lambda X, W, b, bp: np.einsum("bm,bn->mn", ((sig(sig(X @ W.T + b) @ W + bp) - X) / len(X) @ W.T)
                                   * sig(X @ W.T + b) * (1 - sig(X @ W.T + b)), X)
     + np.einsum("bn,bm->mn", (sig(sig(X @ W.T + b) @ W + bp) - X) / len(X), sig(X @ W.T + b)), "✓"),
    (lambda X, W, b, bp: sum(_tied_grad(X[i:i + 1], W, b, bp) for i in range(len(X))) / len(X), "✓"),
    (lambda X, W, b, bp: _tied_grad(X, W, b, bp, enc=True, dec=False) - _tied_grad(X, W, b, bp, enc=False),
     "combined with a minus"),
    (lambda X, W, b, bp: _tied_grad(X, W, b, bp, enc=False) - _tied_grad(X, W, b, bp, dec=False), "decoder minus encoder"),
    (_f16(_tg_ok), "precision problem"),
    (_near(_tg_ok), "largest difference"),
    (lambda X, W, b, bp: _tied_grad(X, W, b, bp) / X.shape[1], "largest difference"),
    (lambda X, W, b, bp: 2 * _tied_grad(X, W, b, bp), "largest difference"),
    (lambda X, W, b, bp: _tied_grad(X, W, b, bp)[:, :-1], "wrong shape"),
    (lambda X, W, b, bp: (_tied_grad(X, W, b, bp), None), "not an array of numbers"),
]


def _inv_ok(H, W, b):
    return (np.arctanh(H) - b) @ W


CASES["4_1"] += [
    (lambda H, W, b: np.array([(np.arctanh(h) - b) @ W for h in H]), "✓"),
    (lambda H, W, b: (W.T @ (0.5 * (np.log1p(H) - np.log1p(-H)) - b).T).T, "✓"),
    (lambda H, W, b: (H - b) @ W, "arctanh is missing"),
    (lambda H, W, b: np.arctanh(H) @ W - b @ W * 0 - b[:1].sum(), "largest difference"),
    (lambda H, W, b: np.arctanh(H) @ W - b, "BEFORE the product"),                         # broadcast error
    (lambda H, W, b: (np.arctanh(H) - b) @ W.T, "@ W, not @ W.T"),
    (_f16(_inv_ok), "precision problem"),
    (_near(_inv_ok), "largest difference"),
    (lambda H, W, b: ((np.arctanh(H) - b) @ W).T, "transpose"),
    (lambda H, W, b: (np.arctanh(H) - b) @ np.linalg.pinv(W).T, "largest difference"),
]


def _sp_ok(a):
    return np.logaddexp(0, a)


CASES["5_1"] += [
    (lambda a: np.where(a > 0, a + np.log1p(np.exp(-np.abs(a))), np.log1p(np.exp(-np.abs(a)))), "✓"),
    (lambda a: np.vectorize(lambda v: max(v, 0.0) + np.log1p(np.exp(-abs(v))))(a), "✓"),
    (lambda a: 1 + np.exp(a), "log is missing"),
    (lambda a: np.log1p(np.exp(-np.abs(a))), "largest difference"),                        # forgot max(a, 0)
    (_f16(_sp_ok), "precision problem"),
    (_near(_sp_ok), "largest difference"),
    (lambda a: np.logaddexp(0, a).sum(), "single number"),
    (lambda a: np.log(1 + np.exp(np.clip(a, -30, 30))), "largest difference"),             # clipped: wrong at 1000
    (lambda a: np.logaddexp(0, a).T, "transpose"),
    (lambda a: np.log(np.exp(a)), "largest difference"),
]


def _sp_rows(X, fraction, rng):          # one draw per row: whole rows corrupted together
    out = X.copy()
    hit = rng.random((X.shape[0], 1)) < fraction
    out[np.broadcast_to(hit, X.shape)] = 0
    out[np.broadcast_to(hit, X.shape) & (rng.random(X.shape) < 0.5)] = 1
    return out


def _sp_cols(X, fraction, rng):
    out = X.copy()
    hit = np.broadcast_to(rng.random((1, X.shape[1])) < fraction, X.shape)
    salt = rng.random(X.shape) < 0.5
    out[hit & salt], out[hit & ~salt] = 1, 0
    return out


def _sp_flip(X, fraction, rng):
    out = X.copy()
    hit = rng.random(X.shape) < fraction
    out[hit] = 1 - out[hit]
    return out


def _sp_round(X, fraction, rng):
    out = X.copy()
    hit = rng.random(X.shape) < fraction
    out[hit] = np.round(out[hit])
    return out


def _sp_fixed_seed(X, fraction, rng):
    return _sp_good(X, fraction, np.random.default_rng(0))


def _sp_5545(X, fraction, rng):          # salt and pepper split 55:45 instead of half and half
    out = X.copy()
    u = rng.random(X.shape)
    hit = u < fraction
    out[hit] = u[hit] < 0.55 * fraction
    return out


def _sp_5149(X, fraction, rng):          # 51:49: within chance at fraction 0.2, 4.5 sigma off at fraction 0.5
    out = X.copy()
    u = rng.random(X.shape)
    hit = u < fraction
    out[hit] = u[hit] < 0.51 * fraction
    return out


def _sp_fixed_fraction(X, fraction, rng):
    return _sp_good(X, 0.2, rng)


def _sp_le(X, fraction, rng):            # u <= fraction / 2 style, fine; but hits chosen with '>' (1 - fraction)
    out = X.copy()
    u = rng.random(X.shape)
    hit = u > fraction
    out[hit] = u[hit] > (1 + fraction) / 2
    return out


CASES["6_1"] += [
    (lambda X, f, rng: np.where(rng.random(X.shape) < f, rng.integers(0, 2, X.shape), X).astype(X.dtype), "✓"),
    (lambda X, f, rng: _sp_good(np.asarray(X, dtype=np.float64), f, rng).tolist(), "✓"),
    (_sp_rows, "whole rows"),
    (_sp_cols, "whole columns"),
    (_sp_flip, "flipped to 1 - x"),
    (_sp_round, "rounded"),
    (_sp_fixed_seed, "the `rng` argument is ignored"),
    (_sp_5545, "equally likely"),
    (_sp_5149, "equally likely"),                          # catches a tolerance loosened to 10 sigma
    (lambda X, f, rng: _sp_good(X, min(1.02 * f, 1.0), rng), "were corrupted with fraction"),   # 2 % too many hits
    (_sp_fixed_fraction, "corrupted with fraction = 0.5"),
    (_sp_le, "corrupted with fraction"),
    (lambda X, f, rng: X.copy(), "nothing was changed"),
    (lambda X, f, rng: _sp_good(X, f, rng)[:-1], "wrong shape"),
    (lambda X, f, rng: _sp_good(X, f, rng).astype(np.float16), "precision problem"),
]


def _dlg_ok(model, X, noise):
    return model.loss_and_grads(noise(X), target=X)


def _dlg_mixed(model, X, noise):         # loss right, gradients of the clean input
    Xn = noise(X)
    loss, _ = model.loss_and_grads(Xn, target=X)
    return loss, model.loss_and_grads(X, target=X)[1]


def _dlg_noisy_grads(model, X, noise):   # loss right, gradients against the noisy target
    Xn = noise(X)
    return model.loss_and_grads(Xn, target=X)[0], model.loss_and_grads(Xn, target=Xn)[1]


def _dlg_scaled_grads(model, X, noise):
    loss, g = model.loss_and_grads(noise(X), target=X)
    return loss, {k: 1.01 * v for k, v in g.items()}


CASES["6_2"] += [
    (lambda model, X, noise: tuple(model.loss_and_grads(*(lambda n: (n, X))(noise(X)))), "✓"),
    (lambda model, X, noise: list(model.loss_and_grads(np.asarray(noise(X)), target=np.array(X))), "✓"),
    (lambda model, X, noise: (None, model.loss_and_grads(noise(X), target=X)[1]), "the loss (first item) is None"),
    (_dlg_mixed, "gradients are not its gradients"),
    (_dlg_noisy_grads, "gradients are not its gradients"),
    (_dlg_scaled_grads, "is not its gradient"),
    (lambda model, X, noise: (1.01 * _dlg_ok(model, X, noise)[0], _dlg_ok(model, X, noise)[1]), "called 2 times"),
    (lambda model, X, noise: (lambda o: (1.01 * o[0], o[1]))(_dlg_ok(model, X, noise)), "is not the loss of the noisy"),
    (lambda model, X, noise: model.loss_and_grads(noise(X), target=X)[0], "the pair (loss, grads)"),
    (lambda model, X, noise: (lambda o: (o[0], {"W": o[1]["W"]}))(_dlg_ok(model, X, noise)), "keys"),
    (lambda model, X, noise: (lambda o: ("low", o[1]))(_dlg_ok(model, X, noise)), "got the string"),
]


def _tp_int_bias(s, t, scale=1.0):
    t.set_params(W=scale * s.params["W"])
    t.params["b"] = 0
    t.params["b_prime"] = 0
    return t


CASES["7_1"] += [
    (lambda s, t, scale=1.0: t.set_params(W=np.multiply(s.params["W"], scale), b=np.zeros(4), b_prime=np.zeros(9)), "✓"),
    (lambda s, t, scale=1.0: (t.params["W"].__setitem__(slice(None), scale * s.params["W"]),
                              t.params["b"].fill(0), t.params["b_prime"].fill(0), t)[-1], "✓"),
    (_tp_int_bias, "not an array"),
    (lambda s, t, scale=1.0: t.set_params(W=1.01 * scale * s.params["W"], b=0, b_prime=0), "not scale × the source"),
    (lambda s, t, scale=1.0: t.set_params(W=scale * s.params["W"], b=0), "reset both biases"),
    (lambda s, t, scale=1.0: t.set_params(W=scale * s.params["W"], b=scale * s.params["b"],
                                          b_prime=scale * s.params["b_prime"]), "biases were copied"),
    (lambda s, t, scale=1.0: (t.params.update(W=(scale * s.params["W"]).astype(np.float16)),
                              t.set_params(b=0, b_prime=0))[1], "dtype"),
    (lambda s, t, scale=1.0: t.set_params(W=scale * s.params["W"] + 0.01, b=0, b_prime=0), "not scale × the source"),
    (lambda s, t, scale=1.0: None, "forget the `return`"),
    (lambda s, t, scale=1.0: (t.set_params(W=scale * s.params["W"], b=0, b_prime=0), s)[1], "return the target"),
]


def _hoyer_ok(H):
    return _hoyer_rows(H)


CASES["7_2"] += [
    (lambda H: np.mean((np.sqrt(H.shape[1]) - np.linalg.norm(H, 1, axis=1) / np.linalg.norm(H, 2, axis=1))
                       / (np.sqrt(H.shape[1]) - 1)), "✓"),
    (lambda H: np.array([_hoyer_rows(H)]), "✓"),
    (lambda H: ((np.sqrt(H.shape[1]) - H.sum(1) / np.linalg.norm(H, axis=1)) / (np.sqrt(H.shape[1]) - 1)).mean(),
     "absolute value is missing"),
    (lambda H: ((np.sqrt(H.shape[1]) - np.abs(H).sum(1) / np.linalg.norm(H, axis=1)) / np.sqrt(H.shape[1])).mean(),
     "largest difference"),
    (lambda H: (np.abs(H).sum(1) / np.linalg.norm(H, axis=1)).mean(), "largest difference"),
    (lambda H: np.float16(_hoyer_rows(H)), "precision problem"),
    (_near(_hoyer_ok), "largest difference"),
    (lambda H: 1 - _hoyer_rows(H), "largest difference"),
    (lambda H: "sparse", "not an array of numbers"),
    (lambda H: _hoyer_rows(np.abs(H)) * 0 + 1, "largest difference"),
]


# ---- predictions and explorations: (args, expected substring) -----------------------------------------
# The explore checks re-run the learner's experiment with the same seed, so their answers here come from the
# experiments themselves, written out in this file again (independently of the checks' own copies).

import functools  # noqa: E402

# The exercise notebooks' digits: class-balanced subsets (the files are sorted by class).
X_TRAIN1K = aelib.claims.balanced_subset(aelib.load_digits("train"), 1000).X
X_TRAIN2K = aelib.claims.balanced_subset(aelib.load_digits("train"), 2000).X
X_TEST = aelib.claims.balanced_subset(aelib.load_digits("test"), 500).X


def and_unit_worst_distance(scale):
    out = [1 / (1 + np.exp(-(scale * a + scale * b - 1.5 * scale))) for a, b in ((0, 0), (0, 1), (1, 0), (1, 1))]
    return max(abs(o - t) for o, t in zip(out, (0, 0, 0, 1)))


R14 = {s: and_unit_worst_distance(s) for s in (1, 2, 5, 10, 20)}


@functools.lru_cache(maxsize=None)
def held_out(n_hidden, score_on="test"):
    ae = aelib.Autoencoder(784, n_hidden, seed=0)
    ae.fit(X_TRAIN1K, epochs=3, batch_size=50, lr=0.01, optimizer="adam", seed=0)
    return ae.loss(X_TEST if score_on == "test" else X_TRAIN1K)


R24 = {m: held_out(m) for m in (2, 8, 32)}


def fd_error(eps, dtype="float32", relative=True):
    ae = aelib.Autoencoder(784, 16, seed=1)
    X = aelib.claims.balanced_subset(aelib.load_digits("train"), 200).X[:50].astype(dtype)   # notebook 03's X_small[:50]
    exact = ae.astype("float64").loss_and_grads(X.astype(np.float64))[1]["W"][3, 400]
    m = ae.astype(dtype)
    w0 = m.params["W"][3, 400]
    m.params["W"][3, 400] = w0 + np.float32(eps)
    up = m.loss(X)
    m.params["W"][3, 400] = w0 - np.float32(eps)
    down = m.loss(X)
    err = abs((up - down) / (2 * eps) - exact)
    return err / abs(exact) if relative else err


R34 = {eps: fd_error(eps) for eps in (1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5)}
BEST34 = min(R34, key=R34.get)


def arctanh_error(h, delta=0.001):
    with np.errstate(all="ignore"):
        return float(abs(np.arctanh(h + delta) - np.arctanh(h)))


R43 = {h: arctanh_error(h) for h in (0.5, 0.9, 0.99, 0.995, 0.998, 0.999, 0.9999)}


@functools.lru_cache(maxsize=None)
def extremes(decoder, epochs=2, on="test"):
    ae = aelib.Autoencoder(784, 32, encoder="sigmoid", decoder=decoder, tied=False, seed=0)
    ae.fit(X_TRAIN1K, epochs=epochs, batch_size=50, lr=0.003, optimizer="adam", loss="squared_error", seed=0)
    Z = ae.reconstruct(X_TEST if on == "test" else X_TRAIN1K)
    return float(Z.min()), float(Z.max())


R53 = {d: extremes(d) for d in ("sigmoid", "relu", "softplus", "tanh")}


@functools.lru_cache(maxsize=None)
def train_dae(level):
    ae = aelib.Autoencoder(784, 64, seed=0)
    ae.fit(X_TRAIN2K, epochs=8, batch_size=50, lr=0.01, optimizer="adam", seed=0,
           noise=aelib.masking(level, seed=1) if level > 0 else None)
    return ae


X_TEST_MASKED = aelib.masking(0.5, seed=2)(X_TEST)
R64 = {lvl: train_dae(lvl).loss(X_TEST_MASKED, target=X_TEST) for lvl in (0.0, 0.25, 0.5, 0.75)}
R64_NOISY = {lvl: train_dae(lvl).loss(X_TEST_MASKED) for lvl in R64}
R64_CLEAN = {lvl: train_dae(lvl).loss(X_TEST) for lvl in R64}


@functools.lru_cache(maxsize=None)
def donor_W():
    source = aelib.Autoencoder(784, 64, encoder="sigmoid", decoder="sigmoid", seed=0)
    source.fit(X_TRAIN2K, epochs=8, batch_size=50, lr=0.01, optimizer="adam", seed=0)
    return source.params["W"]


@functools.lru_cache(maxsize=None)
def relu_from_donor(scale, which=-1):
    ae = aelib.Autoencoder(784, 64, encoder="relu", decoder="sigmoid", seed=1)
    ae.set_params(W=scale * donor_W(), b=0, b_prime=0)
    history = ae.fit(X_TRAIN2K, epochs=2, batch_size=50, lr=0.1, seed=0, on_divergence="stop")
    return float("nan") if history.diverged else history.train_loss[which]


R74 = {s: relu_from_donor(s) for s in (0.1, 0.3, 1, 3, 10)}
BEST74 = min((s for s in R74 if np.isfinite(R74[s])), key=R74.get)


def _times(res, f=1.01):
    return {k: f * v for k, v in res.items()}


SOLVED = {"sigmoid": 5, "relu": 0}

PRED = {
    "1_3": [(("sigmoid", SOLVED), "✓"), (("Sigmoid ", SOLVED), "✓"), ((np.str_("sigmoid"), SOLVED), "✓"),
            (("relu", SOLVED), "dead unit"), (("same", SOLVED), "the experiment says 'sigmoid'"),
            (("tanh", SOLVED), "must be one of"), ((1, SOLVED), "(a string)"),
            ((["sigmoid"], SOLVED), "not a list"), (("same", {"sigmoid": 3, "relu": 3}), "✓"),
            (("relu", {"sigmoid": 3, "relu": 4}), "✓"), (("sigmoid", {"sigmoid": 3, "relu": 4}), "says 'relu'"),
            (("sigmoid", {"sigmoid": 12, "relu": 0}), "count of the 10 seeds"),
            (("sigmoid", [5, 0]), "must be the notebook's dict"), ((None, SOLVED), "(a string)")],
    "2_3": [(("minibatch", 178.0, 470.0, 2), "✓"), (("MINIBATCH", 178.0, 470.0, 2), "✓"),
            (("full-batch", 470.0, 178.0, 2), "✓"),
            (("full batch", 178.0, 470.0, 2), "many small steps"), (("full", 178.0, 470.0, 2), "must be one of"),
            ((None, 178.0, 470.0, 2), "(a string)"), (("minibatch", "178", 470.0, 2), "got the string"),
            (("minibatch", [178.0], 470.0, 2), "not a list"), (("minibatch", None, 470.0, 2), "is None"),
            (("minibatch", 178.0, np.float16(470.0), 2), "✓"), ((("minibatch",), 178.0, 470.0, 2), "not a tuple"),
            (("sgd", 178.0, 470.0, 2), "must be one of"), (("minibatch", 178.0, 470.0, "2"), "got the string")],
    "3_3": [(("down", 546.0, 458.0), "✓"), (("'down'", 546.0, 458.0), "✓"), (("up", 546.0, 458.0), "NEGATIVE gradient"),
            (("decrease", 546.0, 458.0), "must be one of"), ((-1, 546.0, 458.0), "(a string)"),
            (("up", 458.0, 546.0), "✓"), (("down", 458.0, 546.0), "huge ε"),
            (("down", np.array(546.0), np.array(458.0)), "✓"), (("down", float("nan"), 458.0), "is NaN"),
            (("down", 546.0, {"after": 458.0}), "must be the notebook's measured loss"), ((b"down", 546.0, 458.0), "(a string)"),
            (("same", 546.0, 458.0), "must be one of")],
    "4_2": [(("tied", 51024, 101200, 163.0, 182.0), "✓"), (("about equal", 51024, 101200, 163.0, 164.0), "✓"),
            (("About_Equal", 51024, 101200, 163.0, 161.0), "✓"),
            (("untied", 51024, 101200, 163.0, 182.0), "plateau"), (("equal", 51024, 101200, 163.0, 182.0), "must be one of"),
            (("tied", 51024, 101200, 163.0, 163.5), "the experiment says 'about equal'"),
            (("tied", 51024, 101200, 163.0, 163.0 + 4.19), "the experiment says 'about equal'"),   # near the margin
            (("about equal", 51024, 101200, 163.0, 163.0 + 4.21), "the experiment says 'tied'"),
            (("tied", 51024, 101200, 182.0, 163.0), "as in lesson 04's claim check"),
            (("untied", 51024, 101200, 182.0, 163.0), "✓"),
            (("tied", 51024, 101200, -1.0, 163.0), "not cross-entropies"),
            (("tied", "51024", 101200, 163.0, 182.0), "got the string"),
            (("tied", 51024, 101200, None, 182.0), "is None")],
    "5_2": [(("yes", 0.0004, 0.0), "✓"), (("Yes", 0.0004, 0.0), "✓"), (("no", 0.0004, 0.0), "unbounded above"),
            (("maybe", 0.0004, 0.0), "must be one of"), ((True, 0.0004, 0.0), "(a string)"),
            (("no", 0.0, 0.0), "✓"), (("yes", 0.0, 0.0), "nothing prevents it"),
            (("yes", 4.18, 0.0), "between 0 and 1"), (("yes", [0.0004], 0.0), "not a list"),
            (("yes", np.float16(0.0004), 0.0), "✓"), (("y", 0.0004, 0.0), "must be one of"),
            (("no", "0.0004", 0.0), "got the string"), (("yes", 0.0004, -0.1), "between 0 and 1"),
            (("yes", None, 0.0), "is None")],
    "6_3": [(("denoising", 116.48, 114.93), "✓"), (("Denoising", 116.48, 114.93), "✓"),
            (("about equal", 116.0, 115.8), "✓"), (("plain", 114.9, 116.5), "✓"),
            (("plain", 116.48, 114.93), "ahead every time"), (("about equal", 116.48, 114.93), "not chance"),
            (("denoising", 116.0, 116.0 - 0.35), "the experiment says 'about equal'"),        # near the margin
            (("about equal", 116.0, 116.0 - 0.37), "the experiment says 'denoising'"),
            (("denoising", 114.9, 116.5), "was the training noise level changed"),
            (("dae", 116.0, 115.0), "must be one of"), ((["denoising"], 116.0, 115.0), "not a list"),
            ((3, 116.0, 115.0), "(a string)"), (("denoising", 0.0, 115.0), "not cross-entropies"),
            (("denoising", "116", 115.0), "got the string")],
    "7_3": [(("transplanted", 163.0, 111.0), "✓"), ((" transplanted", 163.0, 111.0), "✓"),
            (("random", 163.0, 111.0), "stroke detectors"), (("warm", 163.0, 111.0), "must be one of"),
            ((0, 163.0, 111.0), "(a string)"), (("random", 111.0, 163.0), "✓"),
            (("transplanted", 111.0, 163.0), "did not help"), (("transplanted", None, 111.0), "is None"),
            (("transplanted", np.array([163.0]), 111.0), "not a ndarray"), ((..., 163.0, 111.0), "not answered"),
            (("transplanted", 163.0, "111"), "got the string"), ((["random"], 111.0, 163.0), "not a list"),
            (("Random", 111.0, 163.0), "✓")],
    "1_4": [((R14, 10), "✓"), (({float(k): np.float32(v) if False else v for k, v in R14.items()}, 10.0), "✓"),
            (({np.int64(k): np.array(v) for k, v in R14.items()}, np.int64(10)), "✓"),
            (({k: R14[k] for k in (1, 10, 20)}, 10.0), "✓"),
            ((R14, 20), "a smaller one you tried, 10"), ((R14, 5), "still a soft"),
            (({k: R14[k] for k in (1, 2, 5)}, 5), "try larger scales"),
            (({k: R14[k] for k in (1, 10)}, 10), "at least 3"), ((R14, 15), "not one of the scales"),
            (({k: 1 - v for k, v in R14.items()}, 10), "1 minus the worst distance"),
            (({s: float(np.mean([abs(1 / (1 + np.exp(-(s * a + s * b - 1.5 * s))) - t) for (a, b), t in
                                 zip(((0, 0), (0, 1), (1, 0), (1, 1)), (0, 0, 0, 1))])) for s in R14}, 10), "MEAN"),
            (({1: 0.38, 2: 0.27, 5: 0.076, 10: 0.0067, 20: 4.5e-5}, 10), "not typed in, rounded"),   # typed, rounded
            ((_times(R14), 10), "store the value the experiment returns"),                        # near miss
            (({str(k): v for k, v in R14.items()}, 10), "not '0.5'"), ((R14, [10]), "not a list"),
            ((R14, "10"), "got the string"), ((list(R14.values()), 10), "must be a dict"),
            (({k: [v] for k, v in R14.items()}, 10), "not a list"), (({-1: 0.5, 1: 0.38, 2: 0.27}, 1), "positive scales"),
            ((R14, None), "is None"), ((R14, float("nan")), "is NaN"), (({**R14, 5: None}, 10), "is None")],
    "2_4": [((R24, 32), "✓"), (({np.int32(k): np.float32(v) for k, v in R24.items()}, np.int32(32)), "✓"),
            (({**R24, 64: held_out(64)}, min({**R24, 64: held_out(64)}, key={**R24, 64: held_out(64)}.get)), "✓"),
            ((R24, 2), "HIGHEST"), ((R24, 8), "lower held-out loss"), ((R24, 16), "not one of the sizes"),
            (([216.0, 193.0, 141.0], 32), "must be a dict"),
            (({m: held_out(m, "train") for m in R24}, 32), "TRAINING digits"),
            (({2: 216.0, 8: 193.0, 32: 141.0}, 32), "store the value the experiment returns"),   # made up
            ((_times(R24), 32), "store the value the experiment returns"),                       # near miss
            (({k: np.float16(v) for k, v in R24.items()}, 32), "a precision problem"),
            ((R24, [32]), "not a list"), (({"2": 1.0, "8": 2.0, "32": 3.0}, "32"), "not '0.5'"),
            (({2.5: 300.0, 8: 250.0, 32: 200.0}, 32), "whole number"),
            (({**R24, 8: float("nan")}, 32), "store the value the experiment returns"),
            ((R24, 32.0000001), "not one of the sizes")],
    "3_4": [((R34, BEST34), "✓"), (({k: np.float32(v) for k, v in R34.items()}, np.float64(BEST34)), "✓"),
            (({k: R34[k] for k in (1e-1, 1e-2, 1e-5)}, min((1e-1, 1e-2, 1e-5), key=R34.get)), "✓"),
            ((R34, 1e-5), "smallest step is not the most accurate"), ((R34, 1), "gave a smaller error"),
            (({1: 0.22, 0.1: 0.0038, 0.01: (0.029, 0.1)}, 0.1), "not a tuple"),
            (({eps: fd_error(eps, "float64") for eps in R34}, 1e-4), "ran in float64"),
            (({eps: fd_error(eps, relative=False) for eps in R34}, 0.01), "the absolute error"),
            ((_times(R34), BEST34), "store the value the experiment returns"),
            (({1: 0.22, 0.1: 0.0038, 0.01: 0.029, 0.001: 0.65}, 0.1), "store the value the experiment returns"),
            (({-0.1: 0.5, 0.1: 0.2, 0.01: 0.1}, 0.01), "positive steps"), ((R34, "0.01"), "got the string")],
    "4_3": [((R43, 0.999), "✓"), (({**{h: R43[h] for h in (0.5, 0.99, 0.999)}, 0.9999: None}, 0.999), "✓"),
            (({np.float32(0.5): R43[0.5], 0.99: R43[0.99], 0.9995: arctanh_error(0.9995)}, 0.9995), "✓"),
            ((R43, 0.99), "still small"), ((R43, 0.9999), "already is"),
            (({h: R43[h] for h in (0.5, 0.9, 0.99)}, 0.99), "closer to 1"),
            (({h: float(np.arctanh(h)) for h in (0.5, 0.9, 0.99)}, 0.99), "arctanh(h) itself"),
            (({h: arctanh_error(h, 0.01) for h in (0.5, 0.9, 0.98)}, 0.98), "step of 0.01"),
            ((_times(R43), 0.999), "store the value the experiment returns"),
            (({1.5: 1.0, 0.5: 0.1, 0.9: 0.2}, 0.9), "lies in (-1, 1)"),
            ((R43, (0.999,)), "not a tuple"), (({h: str(v) for h, v in R43.items()}, 0.999), "got the string")],
    "5_3": [((R53, ["sigmoid"]), "✓"), (({k: np.array(v) for k, v in R53.items()}, ("sigmoid",)), "✓"),
            (({d: extremes(d, 5) for d in ("sigmoid", "relu", "identity")}, "sigmoid"), "✓"),
            ((R53, ["sigmoid", "relu"]), "went out of range"), ((R53, ["sigmoid", "tanh"]), "darker than black"),
            ((R53, []), "'sigmoid' stayed within"), ((R53, ["gelu"]), "not among the activations"),
            ((R53, 0.99), "must be a list"), (({k: v[1] for k, v in R53.items()}, ["sigmoid"]), "must be the pair"),
            (({k: v[::-1] for k, v in R53.items()}, ["sigmoid"]), "(largest, smallest)"),
            (({d: extremes(d, 2, "train") for d in R53}, ["sigmoid"]), "TRAINING digits"),
            (({k: (v[0], 1.01 * v[1]) for k, v in R53.items()}, ["sigmoid"]), "re-run with the same seed"),
            (({"sigmoid": (0.0, 1.0), "relu": (0.0, 1.0), "softplus": (0.0, 1.0)}, ["sigmoid"]), "re-run with the same seed"),
            (({1: (0.0, 1.0), 2: (0.0, 1.0), 3: (0.0, 1.0)}, ["sigmoid"]), "output activations from aelib"),
            (({k: R53[k] for k in ("sigmoid", "relu")}, ["sigmoid"]), "at least 3")],
    "6_4": [((R64, 0.5), "✓"), (({np.float32(k): np.array(v) for k, v in R64.items()}, np.float32(0.5)), "✓"),
            (({k: R64[k] for k in (0.0, 0.25, 0.75)}, min((0.0, 0.25, 0.75), key=R64.get)), "✓"),
            ((R64, 0.75), "HIGHEST"), ((R64, 0.25), "has a lower held-out loss"), ((R64, 0.6), "not one of the levels"),
            ((R64_NOISY, min(R64_NOISY, key=R64_NOISY.get)), "NOISY (masked) digits"),
            ((R64_CLEAN, min(R64_CLEAN, key=R64_CLEAN.get)), "CLEAN test digits"),
            (({k: float(round(v)) for k, v in R64.items()}, 0.5), f"gives {R64[0.0]:.1f}"),  # typed by hand, rounded
            (({0.0: 120.0, 0.25: 118.0, 0.5: 110.0, 0.75: 125.0}, 0.5), "store the value the experiment returns"),
            ((_times(R64), 0.5), "store the value the experiment returns"),
            (({str(k): v for k, v in R64.items()}, "0.5"), "not '0.5'"), ((R64, [0.5]), "not a list"),
            (({1.5: 1.0, 0.5: 0.5, 0.0: 0.7}, 0.5), "fraction of pixels"),
            (({0.0: 1.0, 0.5: 0.5, 0.75: 0.7}, ...), "not answered")],
    "7_4": [((R74, BEST74), "✓"), (({np.float64(k): np.float32(v) for k, v in R74.items()}, float(BEST74)), "✓"),
            (({k: (None if not np.isfinite(v) else v) for k, v in R74.items()}, BEST74), "✓"),
            ((R74, max(R74, key=R74.get)), "HIGHEST"),
            ((R74, min((s for s in R74 if s != BEST74 and s != max(R74, key=R74.get)), key=R74.get)), "has a lower final loss"),
            (({s: relu_from_donor(s, 0) for s in R74}, BEST74), "FIRST epoch"),
            (({0.1: 292.0, 0.3: 302.0, 1: 116.0, 3: 297.0, 10: 310.0}, 1), "store the value the experiment returns"),
            ((_times(R74), BEST74), "store the value the experiment returns"),
            (({0.1: float("nan"), 1: None, 10: float("nan")}, 1), "store the value the experiment returns"),
            ((R74, "1"), "got the string"), (({-1: 0.1, 1: 0.2, 2: 0.3}, 1), "positive scales"),
            ((R74, 2), "not one of the scales")],
}


# the checks of lessons 01-07, whose answers this file holds (later lessons test their own checks)
OWN = [n for n in checks.__all__ if int(n.split("_")[1]) <= 7]


PREDICT = {"1_3", "2_3", "3_3", "4_2", "5_2", "6_3", "7_3"}


def _lesson(number):
    import importlib
    return importlib.import_module(f"aelib.checks.lesson{int(number.split('_')[0]):02d}")


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
def test_prediction_and_explore_checks(number, args, expected, capsys, monkeypatch):
    if number in PREDICT:   # stand-in numbers: every outcome's message; the re-run itself is tested below
        monkeypatch.setattr(_lesson(number), "_measured_as_rerun", lambda *a, **k: None)
    ok, out = _run(getattr(checks, f"check_{number}"), args, capsys)
    if expected == "not answered":
        assert not ok and out.startswith(f"Exercise {number.replace('_', '.')}: not answered yet"), out
    elif expected == "✓":
        assert ok == True and bool(ok) and out.startswith("✓"), out
    else:
        assert ok == False and not ok and out.startswith("✗"), out
        assert expected in out, f"expected {expected!r} in: {out}"


@pytest.mark.parametrize("name", OWN)
def test_every_check_has_at_least_three_right_and_eight_wrong_answers(name):
    n = name.removeprefix("check_")
    cases = CASES.get(n) or PRED.get(n)
    assert cases, f"{name} has no test cases"
    right = sum(e == "✓" for *_, e in cases)
    wrong = sum(e != "✓" for *_, e in cases)
    assert right >= 3 and wrong >= 8, f"{name}: {right} right and {wrong} wrong answers tested"


@pytest.mark.parametrize("name", OWN)
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


# ---- a near miss, the right answer times 1.01, is rejected by every check ----------------------------------

NEAR_MISS = {
    "1_1": (_near(_layer_ok),), "1_2": (_xor_tol(0.101),), "2_1": (_near(_ce_ok),), "2_2": (_near(_angles_ok),),
    "3_1": (_near(_oe_ok),), "3_2": (_near(_tg_ok),), "4_1": (_near(_inv_ok),), "5_1": (_near(_sp_ok),),
    "6_1": (lambda X, f, rng: 1.01 * _sp_good(X, f, rng),),
    "6_2": (lambda model, X, noise: (lambda o: (1.01 * o[0], o[1]))(_dlg_ok(model, X, noise)),),
    "7_1": (lambda s, t, scale=1.0: t.set_params(W=1.01 * scale * s.params["W"], b=0, b_prime=0),),
    "7_2": (_near(_hoyer_ok),),
    "1_4": (_times(R14), 10), "2_4": (_times(R24), 32), "3_4": (_times(R34), BEST34), "4_3": (_times(R43), 0.999),
    "5_3": ({k: (v[0], 1.01 * v[1]) for k, v in R53.items()}, ["sigmoid"]), "6_4": (_times(R64), 0.5),
    "7_4": (_times(R74), BEST74),
    # predictions: the measured numbers 1 % on the other side of the decision
    "1_3": ("sigmoid", {"sigmoid": 5, "relu": 5}), "2_3": ("minibatch", 470.0 * 1.01, 470.0, 2),
    "3_3": ("down", 546.0, 546.0 * 1.01), "4_2": ("tied", 51024, 101200, 163.0, 163.0 + 4.19),
    "5_2": ("yes", 0.0, 0.0), "6_3": ("denoising", 116.0, 116.0 * 1.01), "7_3": ("transplanted", 111.0, 111.0 * 1.01),
}


@pytest.mark.parametrize("number", sorted(NEAR_MISS))
def test_a_near_miss_is_rejected(number, capsys, monkeypatch):
    if number in PREDICT:   # judged on the stand-in numbers: the decision itself must flip
        monkeypatch.setattr(_lesson(number), "_measured_as_rerun", lambda *a, **k: None)
    ok, out = _run(getattr(checks, f"check_{number}"), NEAR_MISS[number], capsys)
    assert not ok and out.startswith("✗"), out


def test_every_check_has_a_near_miss():
    assert len(OWN) == 26 and sorted(NEAR_MISS) == sorted(n.removeprefix("check_") for n in OWN)


# ---- any answer of any type: one line, ✓ or ✗ (or "not answered yet"), never a traceback -----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=8), st.sampled_from([..., "sigmoid", "up", "tied", 0.5, 10, 32, np.float16(0.5),
                                                           np.array(2.0), np.nan, np.inf, -0.0, 1j]))
_arrays = hnp.arrays(st.sampled_from([np.float16, np.float32, np.float64, np.int8, np.bool_, np.complex64]),
                     hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
                     elements={"allow_nan": True, "allow_infinity": True} if False else None)
_values = st.recursive(st.one_of(_scalars, _arrays),
                       lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                                               st.dictionaries(st.one_of(st.integers(1, 40), st.floats(0, 1),
                                                                         st.text(max_size=4),
                                                                         st.sampled_from(["sigmoid", "relu", "tanh"])),
                                                               inner, max_size=5)),
                       max_leaves=8)


def _returning(value):
    def answer(*args, **kwargs):
        return value
    return answer


_answers = st.one_of(_values, _values.map(_returning))


@pytest.mark.parametrize("name", checks.__all__)
@settings(derandomize=True, deadline=None, database=None, max_examples=40,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_answer_gets_one_line_and_never_a_traceback(name, data, capsys):
    check = getattr(checks, name)
    import inspect
    n_args = len([p for p in inspect.signature(check).parameters.values() if p.default is p.empty])
    args = tuple(data.draw(_answers, label=f"arg{i}") for i in range(n_args))
    capsys.readouterr()
    ok = check(*args)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.endswith("\n"), out
    assert out.startswith(("✓ ", "✗ ", f"Exercise {check.exercise}: not answered yet")), out
    assert "Traceback" not in out
    assert bool(ok) == out.startswith("✓")
    if name.removeprefix("check_") in CASES or name.removeprefix("check_") in EXPLORE:
        assert not ok, f"{name} accepted an arbitrary answer {args!r}: {out}"


EXPLORE = {"1_4", "2_4", "3_4", "4_3", "5_3", "6_4", "7_4"}


# ---- grading cannot be defeated by an answer cell ----------------------------------------------------------

def test_a_fresh_copy_of_the_checks_ignores_rebound_functions(capsys):
    """An answer cell that rebinds ``checks.check_1_1`` and a framework helper does not change the fresh copy that
    nbgrader's hidden test cells load from the installed files (``scripts/nbgrader_course.py``'s prelude)."""
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("nbgrader_course_for_checks",
                                                  Path(__file__).resolve().parent.parent / "scripts" / "nbgrader_course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    from aelib.checks import framework
    saved, saved_close = checks.check_1_1, framework._close
    try:
        checks.check_1_1 = lambda *a, **k: True                      # the cheat, as an answer cell would do it
        framework._close = lambda *a, **k: True
        sys.modules["aelib.checks"].check_1_2 = lambda *a, **k: True
        namespace = {}
        exec(course.FRESH_CHECKS, namespace)
        fresh = namespace["_graded"]
        assert fresh.check_1_1 is not checks.check_1_1 and fresh.framework is not framework
        capsys.readouterr()
        assert not fresh.check_1_1(lambda X, W, b: X @ W.T)          # a wrong answer still fails
        assert not fresh.check_1_2(lambda: None)
        assert fresh.check_1_1(lambda X, W, b: sig(X @ W.T + b))
        assert capsys.readouterr().out.count("\n") == 3
    finally:
        checks.check_1_1, framework._close = saved, saved_close
        del sys.modules["aelib.checks"].check_1_2
        from aelib.checks.lesson01 import check_1_2
        checks.check_1_2 = check_1_2
        for name in [n for n in sys.modules if n.startswith("aelib._graded_checks")]:
            del sys.modules[name]


from pathlib import Path  # noqa: E402


# ---- the remaining diagnoses, one test each ----------------------------------------------------------------

def _sp_touches_X(X, fraction, rng):
    out = _sp_good(X, fraction, rng)
    X[0, 0] = 0.0                                     # changes the caller's array, returns a new one
    return out


def _sp_salt_only(X, fraction, rng):
    out = X.copy()
    out[rng.random(X.shape) < fraction] = 1
    return out


def _sp_never_clean(X, fraction, rng):
    return _sp_good(X, fraction or 0.1, rng)         # fraction 0 still corrupts


def _sp_short_of_one(X, fraction, rng):
    return _sp_good(X, 0.999 * fraction, rng)        # at fraction 1 some entries keep their value


def _tp_changes_source(s, t, scale=1.0):
    t.set_params(W=scale * s.params["W"], b=0, b_prime=0)
    s.set_params(b=0)
    return t


def layer_forever(X, W, b):
    return layer_forever(X, W, b)


class Unprintable:
    def __repr__(self):
        raise RuntimeError("no repr")


MORE = [
    ("6_1", (_sp_touches_X,), "X itself was changed"),
    ("6_1", (_sp_salt_only,), "only salt"),
    ("6_1", (_sp_never_clean,), "with fraction = 0 nothing should change"),
    ("6_1", (_sp_short_of_one,), "with fraction = 1 every entry should become 0 or 1"),
    ("7_1", (_tp_changes_source,), "the source model was changed"),
    ("7_2", (lambda H: (np.sqrt(H.shape[0]) - np.abs(H).sum(0) / np.linalg.norm(H, axis=0)) / (np.sqrt(H.shape[0]) - 1)
             if H.shape[0] > 1 else _hoyer_rows(H),), "one value per hidden unit"),
    ("7_2", (lambda H: min(_hoyer_rows(H), 0.99),), "one-hot codes should have sparsity 1"),
    ("1_2", (_xor(b1=np.array([[-5.0], [15.0]])),), "✓"),                                # biases as a column
    ("3_1", (lambda Z, X: 1.0005 * (Z - X) / len(X),), "largest difference"),
    ("1_1", (lambda X, W, b: layer_forever(X, W, b),), "calls itself without end"),
    ("5_3", ([("sigmoid", (0.0, 1.0))], ["sigmoid"]), "must be a dict"),
    ("5_3", (R53, np.array(["sigmoid"])), "✓"),
    ("2_4", (R24, True), "got the boolean True"),
    ("2_4", (R24, object()), "must be one number"),
    ("2_4", (R24, Unprintable()), "<Unprintable>"),
]


@pytest.mark.parametrize("number,args,expected", MORE, ids=[f"{n}-{e[:24]}" for n, _, e in MORE])
def test_each_remaining_diagnosis(number, args, expected, capsys):
    ok, out = _run(getattr(checks, f"check_{number}"), args, capsys)
    assert bool(ok) == (expected == "✓") and out.startswith("✓" if expected == "✓" else "✗"), out
    assert expected == "✓" or expected in out, f"expected {expected!r} in: {out}"


def test_near_values_are_shown_with_the_digits_that_differ(capsys):
    ok, out = _run(checks.check_3_1, (lambda Z, X: 1.0005 * (Z - X) / len(X),), capsys)
    got, want = re.search(r"you gave (\S+), expected (\S+)\)", out).groups()
    assert got != want, out


def test_a_diverged_run_cannot_be_the_best(monkeypatch, capsys):
    """Nothing diverges at the exercises' settings, so the diverged branches are tested on a stand-in experiment."""
    from aelib.checks import lesson02, lesson07
    monkeypatch.setattr(lesson02, "_held_out", lambda m: (float("nan"), float("nan")) if m == 64 else (100.0 / m, 0.0))
    ok, out = _run(checks.check_2_4, ({2: 50.0, 8: 12.5, 64: float("nan")}, 8), capsys)
    assert ok, out
    ok, out = _run(checks.check_2_4, ({2: 50.0, 8: 12.5, 64: None}, 64), capsys)
    assert not ok and "n_hidden = 64 diverged" in out, out
    monkeypatch.setattr(lesson02, "_held_out", lambda m: (float("nan"), float("nan")))
    ok, out = _run(checks.check_2_4, ({2: None, 8: None, 64: None}, 8), capsys)
    assert not ok and "every run diverged" in out, out
    monkeypatch.setattr(lesson07, "_relu_from_donor", lambda s: (float("nan"),) * 3 if s > 5 else (100.0 + s,) * 3)
    ok, out = _run(checks.check_7_4, ({0.1: 100.1, 1: 101.0, 10: float("nan")}, 0.1), capsys)
    assert ok, out
    ok, out = _run(checks.check_7_4, ({0.1: 100.1, 1: 101.0, 10: float("nan")}, 10), capsys)
    assert not ok and "scale 10 diverged" in out, out
    ok, out = _run(checks.check_7_4, ({10: None, 20: None, 30: None}, 10), capsys)
    assert not ok and "every run diverged" in out, out


import re  # noqa: E402


# ---- predictions are judged on the experiment's own numbers: the checks re-run it with the notebook's seeds ----

def _real_predictions():
    from aelib.checks import lesson02, lesson03, lesson04, lesson05, lesson06, lesson07
    mb, fb = held_sgd = lesson02._sgd_losses(2)  # noqa: F841
    before, after = lesson03._quoted_step()
    tv = lesson04._tied_vs_untied()
    return {
        "1_3": (("sigmoid", {"sigmoid": 5, "relu": 0}), ("relu", {"sigmoid": 5, "relu": 0}), 1),
        "2_3": (("minibatch", mb, fb, 2), ("full batch", mb, fb, 2), 1),
        "3_3": (("down", before, after), ("up", before, after), 2),
        "4_2": (("tied", tv["n_params_tied"], tv["n_params_untied"], tv["val_tied"], tv["val_untied"]),
                ("untied", tv["n_params_tied"], tv["n_params_untied"], tv["val_tied"], tv["val_untied"]), 3),
        "5_2": (("yes", lesson05._above_1("relu"), lesson05._above_1("sigmoid")),
                ("no", lesson05._above_1("relu"), lesson05._above_1("sigmoid")), 1),
        "6_3": (("denoising", lesson06._dae_losses(0.0)["clean target"], lesson06._dae_losses(0.5)["clean target"]),
                ("plain", lesson06._dae_losses(0.0)["clean target"], lesson06._dae_losses(0.5)["clean target"]), 1),
        "7_3": (("transplanted", *lesson07._random_vs_transplanted().values()),
                ("random", *lesson07._random_vs_transplanted().values()), 2),
    }


@pytest.mark.parametrize("number", sorted(PREDICT))
def test_a_prediction_is_judged_on_the_experiments_numbers(number, capsys):
    right, wrong, edit = _real_predictions()[number]
    ok, out = _run(getattr(checks, f"check_{number}"), right, capsys)
    assert ok and out.startswith("✓"), out
    ok, out = _run(getattr(checks, f"check_{number}"), wrong, capsys)
    assert not ok and "the experiment says" in out, out
    edited = list(right)
    edited[edit] = {k: v + 1 for k, v in edited[edit].items()} if isinstance(edited[edit], dict) else 1.01 * edited[edit]
    ok, out = _run(getattr(checks, f"check_{number}"), tuple(edited), capsys)
    assert not ok and "not what the experiment gives when re-run" in out, out

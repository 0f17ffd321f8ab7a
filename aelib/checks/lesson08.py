"""Exercise checks for Lesson 08: what the codes are good for.

The typical mistakes each check names: 8.1 the sparsity penalty's sign, KL with ρ and ρ̂ swapped, the
KL of each activation instead of the mean's, the gradient without its 1/B; 8.2 a probe trained on the test
codes, a training accuracy reported as the test accuracy; 8.4 anomalies scored against the training digits, a reversed score.
"""
from __future__ import annotations

import numpy as np

import functools

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _exercise, _fmt,
                        _measured_as_rerun, _number, _prediction, _rng, _short)

__all__ = ["check_8_1", "check_8_2", "check_8_3", "check_8_4"]


# ---- 8.1: the KL sparsity penalty ---------------------------------------------------------------

def _kl(p, q):
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


@_exercise("8.1")
def check_8_1(kl_sparsity_penalty):
    r"""``kl_sparsity_penalty(H, rho, beta) -> (P, dH)``: :math:`P = \beta \sum_j \mathrm{KL}(\rho \| \hat\rho_j)` with
    :math:`\hat\rho_j` the mean of column ``j`` of ``H: (batch, n_hidden)``, and ``dH = ∂P/∂H`` of the shape of ``H``."""
    for batch in BATCHES:
        for dt in DTYPES:
            for rho, beta in ((0.05, 3.0), (0.2, 0.5)):
                H = (0.02 + 0.58 * _rng(80 + batch).random((batch, 7))).astype(dt)     # (batch, 7) in (0.02, 0.6)
                keep = H.copy()
                out = _call(kl_sparsity_penalty, H, rho, beta, name="kl_sparsity_penalty")
                if not np.array_equal(H, keep):
                    raise Wrong("your function changed H in place: compute the penalty without writing into the codes.")
                if not (isinstance(out, (tuple, list)) and len(out) == 2):
                    raise Wrong(f"return the pair (P, dH): the penalty (one number) and its gradient (an array shaped "
                                f"like H). Got {_short(out)}.")
                Hd = H.astype(np.float64)
                B = Hd.shape[0]
                q = Hd.mean(axis=0)                                                    # (7,) rho_hat
                P = beta * _kl(rho, q).sum()
                dq = beta * (-rho / q + (1 - rho) / (1 - q))                           # (7,) dP/d rho_hat
                dH = np.broadcast_to(dq / B, Hd.shape)                                 # (batch, 7)
                value = _number(out[0], "P", "one number, the penalty of the whole batch")
                _compare(value, P, {
                    "ρ and ρ̂ are swapped: you computed KL(ρ̂ ‖ ρ). The penalty is KL(ρ ‖ ρ̂_j) = ρ log(ρ/ρ̂_j) + "
                    "(1-ρ) log((1-ρ)/(1-ρ̂_j)), the target first; KL is not symmetric.": beta * _kl(q, rho).sum(),
                    "the penalty has the wrong sign: it is ADDED to the loss (β Σ KL ≥ 0), so that training lowers "
                    "it; subtracting it would reward units for drifting away from ρ.": -P,
                    "β is missing: the penalty is β Σ_j KL(ρ ‖ ρ̂_j).": P / beta,
                    "you took the KL of every activation h_ij and averaged over the batch; the penalty is about each "
                    "unit's MEAN activation ρ̂_j = mean over the batch of h_ij, then the KL of that mean.":
                        beta * _kl(rho, Hd).sum() / B,
                    "you averaged the KL over the units; the penalty SUMS it over the units j.": P / Hd.shape[1],
                }, "a single number", name="your penalty P")
                g = _array(out[1], "your gradient dH")
                if g.shape == (Hd.shape[1],) and Hd.shape != (1, Hd.shape[1]):
                    raise Wrong(f"dH has shape {g.shape}, one number per unit: that is ∂P/∂ρ̂ (or its share). Backprop "
                                f"needs ∂P/∂h_ij for every example, shape (batch, n_hidden) = {Hd.shape}: each example "
                                f"gets ∂P/∂ρ̂_j / B.")
                _compare(g, dH, {
                    "the gradient has the wrong sign: ∂P/∂h_ij = (β/B)(-ρ/ρ̂_j + (1-ρ)/(1-ρ̂_j)) is positive for a unit "
                    "more active than ρ (gradient descent then pushes it down).": -dH,
                    "the gradient is B times too large: h_ij enters ρ̂_j = (1/B) Σ_i h_ij with weight 1/B, so "
                    "∂P/∂h_ij = (1/B) ∂P/∂ρ̂_j.": np.broadcast_to(dq, Hd.shape),
                    "this is the gradient of KL(ρ̂ ‖ ρ), with ρ and ρ̂ swapped: differentiate "
                    "ρ log(ρ/ρ̂) + (1-ρ) log((1-ρ)/(1-ρ̂)) with respect to ρ̂.":
                        np.broadcast_to(beta * (np.log(q / rho) - np.log((1 - q) / (1 - rho))) / B, Hd.shape),
                    "β is missing from the gradient.": dH / beta,
                }, f"(batch, n_hidden) = {Hd.shape}", name="your gradient dH")
    return TESTED_ON + ", ρ = 0.05 and 0.2"


# ---- 8.2: a linear probe, trained on the right codes ------------------------------------------------

def _probe_problem():
    """Codes of 10 classes in 40 dimensions: 8 fitting codes per class (a probe overfits them), 150 test codes.

    The probe recipe scores about 0.70 on the test codes, 0.99 on the fitting codes it was trained on, and
    0.92 on the test codes when trained on them: three numbers far enough apart to tell the mistakes apart.
    """
    r = _rng(82)
    means = 0.45 * r.normal(size=(10, 40))                                      # (10, 40) class centres
    y_fit, y_test = np.repeat(np.arange(10), 8), np.repeat(np.arange(10), 150)
    H_fit = (means[y_fit] + r.normal(size=(80, 40))).astype(np.float32) * 3 + 1   # (80, 40), not standardised
    H_test = (means[y_test] + r.normal(size=(1500, 40))).astype(np.float32) * 3 + 1
    return H_fit, y_fit, H_test, y_test


def _probe_acc(H_train, y_train, H_eval, y_eval):
    from ..probe import SoftmaxRegression, standardize
    Z_train, Z_eval = standardize(H_train, H_eval)
    probe = SoftmaxRegression(Z_train.shape[1])
    probe.fit(Z_train, y_train, epochs=20, batch_size=64, lr=0.01, l2=1e-3, seed=0)
    return probe.accuracy(Z_eval, y_eval)


@_exercise("8.2")
def check_8_2(probe_test_accuracy):
    r"""``probe_test_accuracy(H_fit, y_fit, H_test, y_test)``: standardise with the fitting codes' statistics, train a
    :class:`~aelib.probe.SoftmaxRegression` on the fitting codes, return its accuracy (a fraction) on the test codes."""
    H_fit, y_fit, H_test, y_test = _probe_problem()
    args = [a.copy() for a in (H_fit, y_fit, H_test, y_test)]
    acc = _number(_call(probe_test_accuracy, *args, name="probe_test_accuracy"), "the returned accuracy",
                  "the test accuracy, a fraction between 0 and 1")
    if not all(np.array_equal(a, b) for a, b in zip(args, (H_fit, y_fit, H_test, y_test))):
        raise Wrong("your function changed its arguments in place: standardise into new arrays.")
    if 1 < acc <= 100:
        raise Wrong(f"you returned {_fmt(acc)}: a percentage or a count. Return the fraction of test codes classified "
                    f"right, between 0 and 1 (e.g. probe.accuracy(...)).")
    if not 0 <= acc <= 1:
        raise Wrong(f"an accuracy lies between 0 and 1; got {_fmt(acc)}.")
    right = _probe_acc(H_fit, y_fit, H_test, y_test)
    wrong = {
        "the probe was trained on the TEST codes (and scored on them): the test digits must stay unseen until the "
        "score, otherwise it measures memory, not what the code offers. Fit on H_fit, y_fit; score on H_test, y_test.":
            _probe_acc(H_test, y_test, H_test, y_test),
        "that is the accuracy on the FITTING codes (the training accuracy): with 8 codes per class in 40 dimensions "
        "the probe fits them almost perfectly. Score it on H_test, y_test.": _probe_acc(H_fit, y_fit, H_fit, y_fit),
    }
    nearest = min(wrong, key=lambda msg: abs(acc - wrong[msg]))
    if abs(acc - wrong[nearest]) < abs(acc - right) and abs(acc - wrong[nearest]) < 0.06:
        raise Wrong(f"{nearest} (you gave {_fmt(acc)}; the probe trained on the fitting codes scores about "
                    f"{_fmt(right)} on the test codes)")
    if abs(acc - right) > 0.06:
        raise Wrong(f"you gave {_fmt(acc)}; a softmax-regression probe trained on the standardised fitting codes "
                    f"(Adam, lr 0.01, 20 epochs) scores about {_fmt(right)} on the test codes. Check which codes "
                    f"you standardise with whose statistics, what you train on and what you score.")
    return (f"test accuracy {_fmt(acc)}, the recipe's {_fmt(right)}; a probe trained on the test codes would have "
            f"read {_fmt(wrong[next(iter(wrong))])}")


# ---- 8.3: PCA or an autoencoder, at 16 numbers? -------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _experiment_8_3():
    """The exercise's experiment, re-run with its seeds: (probe accuracy on PCA's 16-d code, on the AE's)."""
    from ..claims import lesson08
    from ..pca import pca
    fit, _, test = lesson08.data()
    ae = lesson08.train_encoder("plain AE", 16, fit.X, lr=0.01, seed=0)
    P = pca(fit.X, 16)
    return (lesson08.probe_accuracy(P.encode(fit.X), fit.y, P.encode(test.X), test.y),
            lesson08.probe_accuracy(ae.encode(fit.X), fit.y, ae.encode(test.X), test.y))


@_exercise("8.3", "write your prediction in the cell above")
def check_8_3(prediction, acc_pca, acc_ae):
    r"""Prediction: with codes of 16 numbers, does a linear probe score higher on PCA's code (``"pca"``) or on the
    plain autoencoder's (``"autoencoder"``)? The check re-runs the exercise's experiment with its seeds and judges
    the prediction on those numbers (edited or typed-in numbers are named)."""
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    a_p = _number(acc_pca, "acc_pca", "the probe's test accuracy on PCA's codes")
    a_a = _number(acc_ae, "acc_ae", "the probe's test accuracy on the autoencoder's codes")
    rerun = _experiment_8_3()
    _measured_as_rerun({"acc_pca": a_p, "acc_ae": a_a}, {"acc_pca": rerun[0], "acc_ae": rerun[1]})
    outcome = "pca" if a_p > a_a else "autoencoder"
    measured = f"probe test accuracy with 16 features: PCA {a_p:.3f}, plain autoencoder {a_a:.3f}"
    why = ("With so few numbers, PCA keeps the 16 directions of largest variance, which carry much of the digit's "
           "class; a one-layer sigmoid code of 16 units trained for reconstruction need not (the lesson's claim check "
           "found the same at this size)." if outcome == "pca" else
           "Here the autoencoder's nonlinear code was the better feature set; the lesson's claim check says how "
           "reliable that is over seeds.")
    return _prediction("8.3", prediction, ("pca", "autoencoder"), measured, outcome, why)


# ---- 8.4: anomaly scores, on the right digits ---------------------------------------------------------

def _errors(model, X):
    Z = np.asarray(model.reconstruct(X), np.float64)
    return ((np.asarray(X, np.float64) - Z) ** 2).sum(axis=1)


@_exercise("8.4", "fill in `results` and `hardest` in the cell above")
def check_8_4(results, hardest, model, anomalies, X_heldout, X_train):
    r"""Explore: ``results = {kind: AUC}`` of the reconstruction error, anomalies of each kind against the **held-out**
    digits ``X_heldout``; ``hardest``: the kind with the lowest AUC."""
    from ..anomaly import roc_auc
    kinds = tuple(anomalies)
    _answered(results, "results")
    _answered(hardest, "hardest")
    if not isinstance(results, dict):
        raise Wrong(f"`results` must be a dict {{kind: AUC}}, e.g. {{'bars': 0.99, ...}}. Got {type(results).__name__} "
                    f"{_short(results)}.")
    unknown = [k for k in results if k not in kinds]
    if unknown:
        raise Wrong(f"the keys of `results` must be the kinds of anomaly, {', '.join(map(repr, kinds))}; got "
                    f"{_short(unknown[0], 30)}.")
    res = {k: _number(v, f"results[{k!r}]", "one number, the AUC for that kind") for k, v in results.items()}
    missing = [k for k in kinds if k not in res]
    if missing:
        raise Wrong(f"`results` has no AUC for {', '.join(map(repr, missing))}: give one for every kind of anomaly.")
    held, train = _errors(model, X_heldout), _errors(model, X_train)
    right = {k: roc_auc(held, _errors(model, anomalies[k])) for k in kinds}
    on_train = {k: roc_auc(train, _errors(model, anomalies[k])) for k in kinds}
    close = lambda got, want: all(abs(got[k] - want[k]) <= 1e-6 + 1e-4 * abs(want[k]) for k in kinds)
    if not close(res, right):
        if close(res, on_train):
            raise Wrong("these are the AUCs with the TRAINING digits as the normal inputs: the model was fitted to them, "
                        "so their errors are lower than a new digit's and the detector looks better than it is. Score "
                        "the held-out digits (X_heldout).")
        if close(res, {k: 1 - v for k, v in right.items()}):
            raise Wrong("your AUCs are 1 minus the right ones: the score is reversed. An anomaly should have a HIGHER "
                        "reconstruction error than a normal digit; pass the normal scores first to roc_auc(s_normal, "
                        "s_anomalous).")
        k = next(k for k in kinds if abs(res[k] - right[k]) > 1e-6 + 1e-4 * abs(right[k]))
        raise Wrong(f"the AUC for {k!r} is {_fmt(res[k])}; the reconstruction errors of the held-out digits against "
                    f"those anomalies give {right[k]:.4g}. Score = squared error summed over the pixels.")
    if not isinstance(hardest, str) or hardest not in kinds:
        raise Wrong(f"`hardest` must be one of {', '.join(map(repr, kinds))} (a string). Got {_short(hardest)}.")
    lowest = min(kinds, key=lambda k: res[k])
    if hardest != lowest:
        raise Wrong(f"{hardest!r} has AUC {_fmt(res[hardest])}, but {lowest!r} has the lowest, {_fmt(res[lowest])}: "
                    f"the hardest anomalies are the ones the score separates worst.")
    return f"AUCs on held-out digits; hardest to tell apart: {hardest} (AUC {res[hardest]:.3f})"

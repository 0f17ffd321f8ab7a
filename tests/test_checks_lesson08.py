"""Lesson 08's exercise checks accept correct answers written in different ways and name each typical mistake.

Mistakes the issue asks the checks to name: the probe trained on test codes, the sparsity penalty's sign,
KL with ρ and ρ̂ swapped, anomalies scored on training data.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest

import aelib
from aelib.anomaly import NON_DIGIT_KINDS, non_digits, reconstruction_errors, roc_auc
from aelib.checks import lesson08 as c8
from aelib.probe import SoftmaxRegression, standardize


def unanswered(*args, **kwargs):
    raise NotImplementedError()


def run(check, *args, capsys, **kwargs):
    ok = check(*args, **kwargs)
    line = capsys.readouterr().out.strip()
    assert "\n" not in line, line
    return bool(ok), line


# ---- 8.1 -----------------------------------------------------------------------------------------
def kl(p, q):
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def kl_good(H, rho, beta):
    q = H.mean(0)
    return beta * kl(rho, q).sum(), np.tile(beta * (-rho / q + (1 - rho) / (1 - q)) / len(H), (len(H), 1))


def kl_loops(H, rho, beta):                     # per unit, with a Python loop, broadcasting by multiplication
    P, dH = 0.0, np.zeros_like(H, dtype=float)
    for j in range(H.shape[1]):
        q = float(np.sum(H[:, j])) / H.shape[0]
        P += beta * (rho * np.log(rho / q) + (1 - rho) * np.log((1 - rho) / (1 - q)))
        dH[:, j] = beta * ((1 - rho) / (1 - q) - rho / q) / H.shape[0]
    return [P, dH]


KL_WRONG = {
    "swapped": (lambda H, r, b: (b * kl(H.mean(0), r).sum(), kl_good(H, r, b)[1]), "swapped"),
    "penalty sign": (lambda H, r, b: (-kl_good(H, r, b)[0], -kl_good(H, r, b)[1]), "wrong sign"),
    "gradient sign": (lambda H, r, b: (kl_good(H, r, b)[0], -kl_good(H, r, b)[1]), "gradient has the wrong sign"),
    "no 1/B": (lambda H, r, b: (kl_good(H, r, b)[0], kl_good(H, r, b)[1] * len(H)), "B times too large"),
    "no beta": (lambda H, r, b: (kl_good(H, r, b)[0] / b, kl_good(H, r, b)[1]), "β is missing"),
    "per activation": (lambda H, r, b: (b * kl(r, H).sum() / len(H), kl_good(H, r, b)[1]), "MEAN activation"),
    "gradient per unit": (lambda H, r, b: (kl_good(H, r, b)[0], kl_good(H, r, b)[1][0]), "one number per unit"),
    "gradient of swapped": (lambda H, r, b: (kl_good(H, r, b)[0], np.tile(
        b * (np.log(H.mean(0) / r) - np.log((1 - H.mean(0)) / (1 - r))) / len(H), (len(H), 1))), "KL(ρ̂ ‖ ρ)"),
    "one value": (lambda H, r, b: kl_good(H, r, b)[0], "return the pair"),
}


@pytest.mark.parametrize("answer", [kl_good, kl_loops], ids=["vectorised", "loops"])
def test_8_1_accepts_correct_penalties(answer, capsys):
    ok, line = run(c8.check_8_1, answer, capsys=capsys)
    assert ok and line.startswith("✓ Exercise 8.1"), line


@pytest.mark.parametrize("name", list(KL_WRONG))
def test_8_1_names_each_mistake(name, capsys):
    fn, words = KL_WRONG[name]
    ok, line = run(c8.check_8_1, fn, capsys=capsys)
    assert not ok and words in line, line


def test_8_1_reports_unanswered_and_in_place_changes(capsys):
    ok, line = run(c8.check_8_1, unanswered, capsys=capsys)
    assert not ok and "not answered yet" in line

    def in_place(H, rho, beta):
        H += 0
        H[0, 0] = 0.5
        return kl_good(H, rho, beta)
    ok, line = run(c8.check_8_1, in_place, capsys=capsys)
    assert not ok and "in place" in line


# ---- 8.2 -----------------------------------------------------------------------------------------
def probe_good(H_fit, y_fit, H_test, y_test):
    Z_fit, Z_test = standardize(H_fit, H_test)
    p = SoftmaxRegression(Z_fit.shape[1])
    p.fit(Z_fit, y_fit, epochs=20, batch_size=64, lr=0.01, l2=1e-3)
    return p.accuracy(Z_test, y_test)


def probe_other_recipe(H_fit, y_fit, H_test, y_test):       # another correct recipe: own scaling, plain SGD
    mu, sd = H_fit.mean(0), H_fit.std(0)
    p = SoftmaxRegression(H_fit.shape[1])
    p.fit((H_fit - mu) / sd, y_fit, epochs=40, batch_size=16, lr=0.05, optimizer="sgd", l2=1e-3)
    return float(np.mean(p.predict((H_test - mu) / sd) == y_test))


def probe_on_test(H_fit, y_fit, H_test, y_test):
    return probe_good(H_test, y_test, H_test, y_test)


def probe_train_acc(H_fit, y_fit, H_test, y_test):
    return probe_good(H_fit, y_fit, H_fit, y_fit)


@pytest.mark.parametrize("answer", [probe_good, probe_other_recipe], ids=["recipe", "another recipe"])
def test_8_2_accepts_correct_probes(answer, capsys):
    ok, line = run(c8.check_8_2, answer, capsys=capsys)
    assert ok and line.startswith("✓ Exercise 8.2"), line


@pytest.mark.parametrize("answer, words", [
    (probe_on_test, "trained on the TEST codes"),
    (probe_train_acc, "FITTING codes"),
    (lambda *a: 100 * probe_good(*a), "percentage"),
    (lambda *a: "high", "the returned accuracy"),
    (lambda *a: 0.1, "scores about"),
])
def test_8_2_names_each_mistake(answer, words, capsys):
    ok, line = run(c8.check_8_2, answer, capsys=capsys)
    assert not ok and words in line, line


# ---- 8.3 -----------------------------------------------------------------------------------------
def _real_8_3():
    return c8._experiment_8_3()                 # (PCA, AE): the exercise's experiment re-run with its seeds


def test_8_3_rerun_is_the_exercise_experiment():
    from aelib.claims import lesson08
    from aelib.pca import pca
    fit, _, test = lesson08.data()
    P = pca(fit.X, 16)
    assert _real_8_3()[0] == lesson08.probe_accuracy(P.encode(fit.X), fit.y, P.encode(test.X), test.y)


def test_8_3_judges_the_prediction_on_the_real_numbers(capsys):
    acc_pca, acc_ae = _real_8_3()
    right = "pca" if acc_pca > acc_ae else "autoencoder"
    wrong = "autoencoder" if right == "pca" else "pca"
    for prediction, ok_expected in ((right, True), (right.upper(), True), (" " + wrong, False)):
        ok, line = run(c8.check_8_3, prediction, acc_pca, acc_ae, capsys=capsys)
        assert ok == ok_expected, line


def test_8_3_names_edited_numbers(capsys):
    acc_pca, acc_ae = _real_8_3()
    ok, line = run(c8.check_8_3, "pca", acc_pca, acc_ae * 1.01, capsys=capsys)
    assert not ok and "not what the experiment gives" in line, line


@pytest.mark.parametrize("prediction, words", [(..., "not answered yet"), (3, "a string"), ("both", "must be one of")])
def test_8_3_judges_any_answer(prediction, words, capsys):
    ok, line = run(c8.check_8_3, prediction, *_real_8_3(), capsys=capsys)
    assert not ok and words in line, line


# ---- 8.4 -----------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _setup():
    from aelib.claims import lesson08
    fit, _, test = lesson08.data()
    ae = lesson08.train_encoder("plain AE", 32, fit.X, lr=0.01, seed=0)
    strange = {k: non_digits(k, 100, seed=1, digits=test.X[1::3]) for k in NON_DIGIT_KINDS}
    return ae, strange, test.X, fit.X


def _aucs(normal_X, flip=False):
    ae, strange, _, _ = _setup()
    s = reconstruction_errors(ae, normal_X)
    return {k: (1 - roc_auc(s, reconstruction_errors(ae, A)) if flip else roc_auc(s, reconstruction_errors(ae, A)))
            for k, A in strange.items()}


def test_8_4_accepts_the_held_out_aucs_and_the_lowest(capsys):
    ae, strange, X_test, X_fit = _setup()
    res = _aucs(X_test)
    ok, line = run(c8.check_8_4, res, min(res, key=res.get), ae, strange, X_heldout=X_test, X_train=X_fit,
                   capsys=capsys)
    assert ok, line


@pytest.mark.parametrize("which, words", [("train", "TRAINING digits"), ("flip", "reversed"),
                                          ("hardest", "lowest"), ("missing", "has no AUC"), ("junk", "must be")])
def test_8_4_names_each_mistake(which, words, capsys):
    ae, strange, X_test, X_fit = _setup()
    res = _aucs(X_test)
    hardest = min(res, key=res.get)
    if which == "train":
        res = _aucs(X_fit)
    elif which == "flip":
        res = _aucs(X_test, flip=True)
    elif which == "hardest":
        hardest = max(res, key=res.get)
    elif which == "missing":
        res = dict(list(res.items())[:3])
    elif which == "junk":
        res = [0.5, 0.6]
    ok, line = run(c8.check_8_4, res, hardest, ae, strange, X_heldout=X_test, X_train=X_fit, capsys=capsys)
    assert not ok and words in line, line


def test_8_4_reports_unanswered(capsys):
    ae, strange, X_test, X_fit = _setup()
    ok, line = run(c8.check_8_4, ..., ..., ae, strange, X_heldout=X_test, X_train=X_fit, capsys=capsys)
    assert not ok and "not answered yet" in line

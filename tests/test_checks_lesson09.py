"""Lesson 09's exercise checks accept differently written correct answers and name each typical mistake.

Mistakes the issue asks the checks to name: the KL's sign or its missing ½, σ used where log σ² is meant,
ε drawn once for the whole training, the reconstruction term averaged over pixels instead of summed.
"""
from __future__ import annotations

import numpy as np
import pytest

from aelib.checks import lesson09 as c9


def unanswered(*args, **kwargs):
    raise NotImplementedError()


def run(check, *args, capsys):
    ok = check(*args)
    line = capsys.readouterr().out.strip()
    assert "\n" not in line, line
    return bool(ok), line


# ---- 9.1 the KL term --------------------------------------------------------------------------
def kl_good(mu, logvar):
    return np.mean(0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar, axis=1))


def kl_loops(mu, logvar):               # written another way: per digit, per unit, with sigma
    total = 0.0
    for row_m, row_v in zip(mu, logvar):
        for m, v in zip(row_m, row_v):
            s2 = np.exp(v)
            total += (s2 + m * m - 1 - np.log(s2)) / 2
    return total / len(mu)


KL_WRONG = {
    "sign": (lambda mu, v: -kl_good(mu, v), "sign is flipped"),
    "half": (lambda mu, v: 2 * kl_good(mu, v), "½ is missing"),
    "sigma for log sigma^2": (lambda mu, v: np.mean(0.5 * np.sum(v ** 2 + mu ** 2 - 1 - np.log(v ** 2), axis=1)),
                              "σ used where log σ² is meant"),
    "log of logvar": (lambda mu, v: np.mean(0.5 * np.sum(v + mu ** 2 - 1 - np.log(v), axis=1)), "log of `logvar`"),
    "sigma instead of sigma^2": (lambda mu, v: np.mean(0.5 * np.sum(np.exp(v / 2) + mu ** 2 - 1 - v, axis=1)),
                                 "e^(v/2)"),
    "per digit": (lambda mu, v: 0.5 * np.sum(np.exp(v) + mu ** 2 - 1 - v, axis=1), "one value per digit"),
    "mean over units": (lambda mu, v: np.mean(0.5 * np.mean(np.exp(v) + mu ** 2 - 1 - v, axis=1)),
                        "averaged over the code units"),
}


@pytest.mark.parametrize("answer", [kl_good, kl_loops], ids=["vectorised", "loops"])
def test_9_1_accepts_correct_kl(answer, capsys):
    ok, line = run(c9.check_9_1, answer, capsys=capsys)
    assert ok and line.startswith("✓ Exercise 9.1"), line


@pytest.mark.parametrize("name", list(KL_WRONG))
def test_9_1_names_each_mistake(name, capsys):
    fn, words = KL_WRONG[name]
    ok, line = run(c9.check_9_1, fn, capsys=capsys)
    assert not ok and line.startswith("✗ Exercise 9.1") and words in line, line


# ---- 9.2 the reparameterisation ---------------------------------------------------------------
def rep_good(mu, logvar, rng):
    return mu + np.exp(0.5 * logvar) * rng.standard_normal(mu.shape)


def rep_other_draw(mu, logvar, rng):     # another way to draw N(0, 1): different numbers, same distribution
    return mu + np.sqrt(np.exp(logvar)) * rng.normal(0.0, 1.0, size=mu.shape[::-1]).T


_EPS0 = {}


def rep_drawn_once(mu, logvar, rng):
    if mu.shape not in _EPS0:
        _EPS0[mu.shape] = rng.standard_normal(mu.shape)
    return mu + np.exp(0.5 * logvar) * _EPS0[mu.shape]


def rep_fixed_seed_inside(mu, logvar, rng):
    return mu + np.exp(0.5 * logvar) * np.random.default_rng(0).standard_normal(mu.shape)


def rep_global_rng(mu, logvar, rng):
    return mu + np.exp(0.5 * logvar) * np.random.standard_normal(mu.shape)


REP_WRONG = {
    "sigma^2 as scale": (lambda mu, v, rng: mu + np.exp(v) * rng.standard_normal(mu.shape), "σ² used where σ"),
    "log sigma^2 as scale": (lambda mu, v, rng: mu + v * rng.standard_normal(mu.shape), "log σ² used as σ"),
    "no scale": (lambda mu, v, rng: mu + rng.standard_normal(mu.shape), "not scaled"),
    "no noise": (lambda mu, v, rng: mu.copy(), "no noise"),
    "drawn once": (rep_drawn_once, "ε was drawn once"),
    "seeded inside": (rep_fixed_seed_inside, "ε was drawn once"),
    "global rng": (rep_global_rng, "not from np.random's global state"),
    "wrong shape": (lambda mu, v, rng: (mu + np.exp(0.5 * v) * rng.standard_normal(mu.shape)).T, "shape"),
}


@pytest.mark.parametrize("answer", [rep_good, rep_other_draw], ids=["standard_normal", "normal-transposed"])
def test_9_2_accepts_correct_reparameterisation(answer, capsys):
    ok, line = run(c9.check_9_2, answer, capsys=capsys)
    assert ok and line.startswith("✓ Exercise 9.2"), line


@pytest.mark.parametrize("name", list(REP_WRONG))
def test_9_2_names_each_mistake(name, capsys):
    _EPS0.clear()
    fn, words = REP_WRONG[name]
    ok, line = run(c9.check_9_2, fn, capsys=capsys)
    assert not ok and line.startswith("✗ Exercise 9.2") and words in line, line


# ---- 9.3 -ELBO ----------------------------------------------------------------------------------
def elbo_good(X, logits, mu, logvar):
    rec = np.sum(np.logaddexp(0, logits) - X * logits, axis=1)
    return np.mean(rec) + kl_good(mu, logvar)


def elbo_stable_by_hand(X, logits, mu, logvar):
    a = logits
    softplus = np.maximum(a, 0) + np.log1p(np.exp(-np.abs(a)))
    return float((softplus - X * a).sum() / len(X)) + kl_loops(mu, logvar)


def elbo_naive_log(X, logits, mu, logvar):
    z = 1 / (1 + np.exp(-logits))
    rec = -np.sum(X * np.log(z) + (1 - X) * np.log(1 - z), axis=1)
    return np.mean(rec) + kl_good(mu, logvar)


ELBO_WRONG = {
    "pixel mean": (lambda X, a, m, v: np.mean(np.logaddexp(0, a) - X * a) + kl_good(m, v), "averaged over the 784"),
    "kl subtracted": (lambda X, a, m, v: np.mean(np.sum(np.logaddexp(0, a) - X * a, axis=1)) - kl_good(m, v),
                      "KL term is subtracted"),
    "no kl": (lambda X, a, m, v: np.mean(np.sum(np.logaddexp(0, a) - X * a, axis=1)), "KL term is missing"),
    "kl half": (lambda X, a, m, v: np.mean(np.sum(np.logaddexp(0, a) - X * a, axis=1)) + 2 * kl_good(m, v),
                "½ of the KL"),
    "batch sum": (lambda X, a, m, v: np.sum(np.logaddexp(0, a) - X * a) + kl_good(m, v), "summed over the batch"),
    "unstable log": (elbo_naive_log, "±1000"),
}


@pytest.mark.parametrize("answer", [elbo_good, elbo_stable_by_hand], ids=["logaddexp", "by-hand"])
def test_9_3_accepts_correct_elbo(answer, capsys):
    ok, line = run(c9.check_9_3, answer, capsys=capsys)
    assert ok and line.startswith("✓ Exercise 9.3"), line


@pytest.mark.parametrize("name", list(ELBO_WRONG))
def test_9_3_names_each_mistake(name, capsys):
    fn, words = ELBO_WRONG[name]
    ok, line = run(c9.check_9_3, fn, capsys=capsys)
    assert not ok and line.startswith("✗ Exercise 9.3") and words in line, line


# ---- 9.4 and 9.5 --------------------------------------------------------------------------------
def test_9_4_judges_the_prediction_against_the_measurement(capsys):
    assert run(c9.check_9_4, "higher", {1: 170.0, 4: 180.0}, capsys=capsys)[0]
    ok, line = run(c9.check_9_4, "lower", {1: 170.0, 4: 180.0}, capsys=capsys)
    assert not ok and "the experiment says 'higher'" in line
    ok, line = run(c9.check_9_4, "higher", ..., capsys=capsys)
    assert not ok and "run the experiment cell first" in line
    ok, line = run(c9.check_9_4, 3, {1: 170.0, 4: 180.0}, capsys=capsys)
    assert not ok and "must be one of" in line


def _kl(beta, which="held-out", term="kl"):
    return c9._vae_terms(beta)[which][term]


def test_9_5_reruns_the_sweep_and_reads_the_trend_from_the_numbers(capsys):
    good = {b: _kl(b) for b in (0.25, 1, 4)}
    truth = "falls" if good[0.25] > good[1] > good[4] else "rises" if good[0.25] < good[1] < good[4] else "neither"
    ok, line = run(c9.check_9_5, good, truth, capsys=capsys)
    assert ok, line
    wrong_trend = "rises" if truth != "rises" else "falls"
    ok, line = run(c9.check_9_5, good, wrong_trend, capsys=capsys)
    assert not ok and f"say '{truth}'" in line
    ok, line = run(c9.check_9_5, {b: _kl(b, "training") for b in (0.25, 1, 4)}, truth, capsys=capsys)
    assert not ok and "TRAINING digits" in line
    ok, line = run(c9.check_9_5, {b: _kl(b, term="reconstruction") for b in (0.25, 1, 4)}, truth, capsys=capsys)
    assert not ok and "reconstruction term" in line
    ok, line = run(c9.check_9_5, {0.25: good[0.25], 1: good[1], 4: 1.01 * good[4]}, truth, capsys=capsys)
    assert not ok and "β = 4" in line
    ok, line = run(c9.check_9_5, {0.5: 6.0, 1: -5.0, 4: 3.0}, "falls", capsys=capsys)
    assert not ok and "never negative" in line
    ok, line = run(c9.check_9_5, {0.5: 6.0, 1: 5.0}, "falls", capsys=capsys)
    assert not ok and "at least 3" in line


@pytest.mark.parametrize("check, args", [
    (c9.check_9_1, (unanswered,)), (c9.check_9_2, (unanswered,)), (c9.check_9_3, (unanswered,)),
    (c9.check_9_4, (..., {1: 1.0, 4: 2.0})), (c9.check_9_5, (..., ...)),
])
def test_unanswered_is_reported_not_raised(check, args, capsys):
    ok, line = run(check, *args, capsys=capsys)
    assert not ok and "not answered yet" in line, line


@pytest.mark.parametrize("junk", [None, "text", 3, lambda *a: "x", lambda *a: 1 / 0])
def test_junk_answers_get_one_line_not_a_traceback(junk, capsys):
    for check in (c9.check_9_1, c9.check_9_2, c9.check_9_3):
        ok, line = run(check, junk, capsys=capsys)
        assert not ok and line.startswith(("✗", "Exercise")), line

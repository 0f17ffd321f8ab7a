"""Exercise checks for Lesson 09: the variational autoencoder."""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _exercise,
                        _fit_and_validation, _fmt, _prediction, _results_dict, _rng, _short, _verify)

__all__ = ['check_9_1', 'check_9_2', 'check_9_3', 'check_9_4', 'check_9_5']


def _kl(mu, logvar):
    """Reference: mean over rows of ½ Σ_j (e^v + μ² - 1 - v), float64."""
    return float(np.mean(0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1 - logvar, axis=1)))


def _codes(batch, k, seed, dt=np.float64):
    rng = _rng(seed)
    mu = rng.normal(0, 1.2, (batch, k))
    logvar = rng.normal(-0.5, 1.0, (batch, k))
    logvar[0, 0] = -1.3                         # at least one log σ² < 0 (σ < 1) in every batch
    return mu.astype(dt), logvar.astype(dt)


def _kl_mistakes(mu, logvar):
    """Messages -> what a typical wrong KL would give (float64), evaluated lazily."""
    m, v = mu.astype(np.float64), logvar.astype(np.float64)
    B, K = m.shape
    ref = _kl(m, v)
    mean_rows = lambda t: float(np.mean(np.sum(t, axis=1)))
    with np.errstate(all="ignore"):
        return {
            "the sign is flipped: a KL divergence is never negative; KL = +½ Σ (e^v + μ² - 1 - v), "
            "not -½ Σ (...).": -ref,
            "the ½ is missing: KL(N(μ, σ²) ‖ N(0, 1)) = ½ (σ² + μ² - 1 - log σ²) per code unit.": 2 * ref,
            "σ used where log σ² is meant: the encoder's output `logvar` is log σ², so σ² = exp(logvar); you "
            "treated logvar as σ (σ² = logvar², log σ² = log logvar²).":
                lambda: 0.5 * mean_rows(v ** 2 + m ** 2 - 1 - np.log(v ** 2)),
            "you used σ = exp(logvar / 2) where σ² = exp(logvar) belongs: the term is e^v, not e^(v/2).":
                lambda: 0.5 * mean_rows(np.exp(v / 2) + m ** 2 - 1 - v),
            "the -1 is missing: ½ Σ (e^v + μ² - 1 - v) is 0 when μ = 0 and v = 0 (q equals the prior).":
                lambda: ref + 0.5 * K,
            f"you summed over the batch instead of averaging: the course's units are nats per digit "
            f"(your value is {B} times too large for a batch of {B}).": B * ref if B > 1 else None,
            f"you averaged over the code units instead of summing: the KL of the {K} independent units adds up "
            f"(your value is {K} times too small).": ref / K,
        }


def _scalar(out, name, batch):
    a = _array(out, name)
    if a.shape == (batch,) and batch > 1:
        raise Wrong(f"{name} returned one value per digit (shape {a.shape}); return one number, the mean over the "
                    f"batch (nats per digit).")
    if a.size != 1:
        raise Wrong(f"{name} returned an array of shape {a.shape}; return one number, the mean over the batch.")
    return a.reshape(())


@_exercise("9.1")
def check_9_1(kl_divergence):
    r"""``kl_divergence(mu, logvar)`` = :math:`\frac1B \sum_i \frac12 \sum_j (e^{v_{ij}} + \mu_{ij}^2 - 1 - v_{ij})`."""
    for batch in BATCHES:
        for dt in DTYPES:
            mu, logvar = _codes(batch, 3, 90 + batch, dt)
            with np.errstate(all="ignore"):
                got = _scalar(_call(kl_divergence, mu.copy(), logvar.copy(), name="kl_divergence"), "kl_divergence",
                              batch)
            if not np.isfinite(got):
                raise Wrong("the result is NaN or infinite for codes with log σ² < 0: did you take the log of "
                            "`logvar`? It already is log σ²; σ² = exp(logvar).")
            _compare(got, _kl(mu.astype(np.float64), logvar.astype(np.float64)),
                     _kl_mistakes(mu, logvar), "a single number", "kl_divergence")
    zero = np.zeros((4, 2))
    got = _scalar(_call(kl_divergence, zero, zero.copy(), name="kl_divergence"), "kl_divergence", 4)
    if abs(float(got)) > 1e-6:
        raise Wrong(f"for μ = 0 and log σ² = 0 (q is the prior itself) the KL must be 0; you gave {float(got):.3g}.")
    return TESTED_ON + ", and KL = 0 when q is the prior"


@_exercise("9.2")
def check_9_2(reparameterise):
    r"""``reparameterise(mu, logvar, rng)`` = ``mu + exp(logvar / 2) * eps`` with a fresh ``eps ~ N(0, I)`` drawn
    from the generator ``rng`` on every call."""
    for batch in BATCHES:
        for dt in DTYPES:
            mu, logvar = _codes(batch, 2, 70 + batch, dt)
            z = _array(_call(reparameterise, mu.copy(), logvar.copy(), np.random.default_rng(0),
                             name="reparameterise"), "reparameterise")
            if z.shape != mu.shape:
                raise Wrong(f"reparameterise returned shape {z.shape}; z has the shape of mu, {mu.shape} "
                            f"(one ε per digit and code unit).")
    # the statistics of z - μ, one column per σ: σ = e^{v/2} for v = -2, 0, 1.5
    n = 20000
    v = np.array([-2.0, 0.0, 1.5])
    mu = _rng(7).normal(0, 1, (n, 3))
    logvar = np.tile(v, (n, 1))
    z = _array(_call(reparameterise, mu.copy(), logvar.copy(), np.random.default_rng(1), name="reparameterise"),
               "reparameterise")
    if z.shape != mu.shape:
        raise Wrong(f"reparameterise returned shape {z.shape} for mu of shape {mu.shape}.")
    d = z - mu                                                   # (n, 3) should be σ ε
    sd = d.std(axis=0)
    if np.allclose(sd, 0):
        raise Wrong("z equals mu: there is no noise. z = mu + sigma * eps with eps = rng.standard_normal(mu.shape).")
    candidates = {
        "σ": np.exp(v / 2),
        "σ² used where σ is meant: exp(logvar) is σ², the noise is scaled by σ = exp(logvar / 2).": np.exp(v),
        "log σ² used as σ: `logvar` is log σ²; scale ε by σ = exp(logvar / 2), not by logvar itself.": np.abs(v),
        "the noise is not scaled: every column has standard deviation 1; multiply ε by σ = exp(logvar / 2).": np.ones(3),
    }
    close = {k: bool(np.allclose(sd, want, rtol=0.05, atol=0.02)) for k, want in candidates.items()}
    if not close["σ"]:
        for msg, ok in close.items():
            if ok and msg != "σ":
                raise Wrong(msg)
        raise Wrong(f"for log σ² = -2, 0 and 1.5 the noise z - mu should have standard deviations "
                    f"{np.round(np.exp(v / 2), 3)} (σ = exp(logvar / 2)); yours has {np.round(sd, 3)}.")
    eps = d / np.exp(v / 2)
    if np.abs(eps.mean(axis=0)).max() > 0.05:
        raise Wrong(f"ε should have mean 0 (standard normal); the implied ε has means {np.round(eps.mean(axis=0), 3)}.")
    again = _array(_call(reparameterise, mu.copy(), logvar.copy(), np.random.default_rng(1), name="reparameterise"),
                   "reparameterise")
    if not np.array_equal(again, z):
        raise Wrong("two calls with generators made from the same seed gave different z: draw ε from the generator "
                    "`rng` passed in (rng.standard_normal(mu.shape)), not from np.random's global state.")
    rng = np.random.default_rng(2)
    first = _array(_call(reparameterise, mu[:50].copy(), logvar[:50].copy(), rng, name="reparameterise"), "reparameterise")
    second = _array(_call(reparameterise, mu[:50].copy(), logvar[:50].copy(), rng, name="reparameterise"), "reparameterise")
    if np.array_equal(first, second):
        raise Wrong("two calls on the same generator gave the same z: ε was drawn once (or from a freshly seeded "
                    "generator each time). Training would then see the same ε at every step, and the decoder would "
                    "learn only the codes μ + σ ε₀. Draw a new ε on every call: rng.standard_normal(mu.shape).")
    return TESTED_ON + "; z - μ has standard deviation σ = exp(logvar / 2), a fresh ε on every call"


def _softplus(a):
    return np.logaddexp(0, a)


@_exercise("9.3")
def check_9_3(negative_elbo):
    r"""``negative_elbo(X, logits, mu, logvar)`` = mean over digits of
    :math:`\sum_k [\mathrm{softplus}(a_k) - x_k a_k] + \frac12 \sum_j (e^{v_j} + \mu_j^2 - 1 - v_j)`, nats per digit."""
    for batch in BATCHES:
        for dt in DTYPES:
            rng = _rng(30 + batch)
            X = rng.random((batch, 784)).astype(dt)
            A = rng.normal(0, 3, (batch, 784)).astype(dt)
            mu, logvar = _codes(batch, 2, 31 + batch, dt)
            Xd, Ad = X.astype(np.float64), A.astype(np.float64)
            rec_rows = np.sum(_softplus(Ad) - Xd * Ad, axis=1)                    # (batch,)
            rec, kl = float(rec_rows.mean()), _kl(mu.astype(np.float64), logvar.astype(np.float64))
            with np.errstate(all="ignore"):
                got = _scalar(_call(negative_elbo, X.copy(), A.copy(), mu.copy(), logvar.copy(), name="negative_elbo"),
                              "negative_elbo", batch)
            wrong = {
                "the reconstruction term is averaged over the 784 pixels instead of summed: -ELBO uses log p(x|z), "
                "the sum over pixels; averaged, it shrinks 784 times and the KL term takes over (the codes collapse "
                "onto the prior).": rec / 784 + kl,
                "the reconstruction is averaged over pixels and the KL over code units: both terms must be sums "
                "(nats per digit), averaged only over the digits.": rec / 784 + kl / 2,
                "the KL term is subtracted: -ELBO = reconstruction + KL (the ELBO is log p(x|z) - KL).": rec - kl,
                "the ½ of the KL term is missing.": rec + 2 * kl,
                "the KL term is missing: -ELBO = reconstruction + KL(q(z|x) ‖ N(0, I)).": rec,
                "the reconstruction's sign is flipped: the cross-entropy is softplus(a) - x a summed over pixels "
                "(positive).": -rec + kl,
                f"the reconstruction is summed over the batch instead of averaged (nats per digit)."
                : (batch * rec + kl) if batch > 1 else None,
                "σ(a) was used as if it were the logits: `logits` are the pre-activations a, and the cross-entropy is "
                "softplus(a) - x a.": lambda: float(np.mean(np.sum(_softplus(1 / (1 + np.exp(-Ad))) - Xd / (1 + np.exp(-Ad)),
                                                                   axis=1))) + kl,
            }
            if not np.isfinite(got):
                raise Wrong("the result is NaN or infinite for logits of moderate size: compute the cross-entropy "
                            "from the logits, softplus(a) - x a with np.logaddexp(0, a), not log(sigmoid(a)).")
            _compare(got, rec + kl, wrong, "a single number", "negative_elbo")
    X = np.array([[1.0, 0.0, 1.0, 0.0]])
    A = np.array([[1000.0, -1000.0, -40.0, 40.0]])
    with np.errstate(all="ignore"):
        got = _scalar(_call(negative_elbo, X, A, np.zeros((1, 2)), np.zeros((1, 2)), name="negative_elbo"),
                      "negative_elbo", 1)
    want = float(np.sum(_softplus(A) - X * A))
    if not np.isfinite(got) or abs(float(got) - want) > 1e-3 * max(1.0, want):
        raise Wrong(f"right for moderate logits, but for logits ±1000 and ±40 you gave {float(got):.4g} instead of "
                    f"{want:.4g}: log(sigmoid(a)) loses everything for large |a|. Use softplus(a) - x a with "
                    f"np.logaddexp(0, a).")
    return TESTED_ON + ", and logits of ±1000"


@_exercise("9.4", "write your prediction in the cell above")
def check_9_4(prediction, reconstruction_by_beta):
    r"""Prediction: with β = 4 instead of 1, is the reconstruction error on held-out digits "higher" or "lower"?
    ``reconstruction_by_beta``: ``{1: ..., 4: ...}`` as measured in the run cell."""
    if not isinstance(reconstruction_by_beta, dict) or not {1, 4} <= set(reconstruction_by_beta):
        raise Wrong("run the experiment cell first: `reconstruction_by_beta` should be {1: ..., 4: ...}.")
    r1, r4 = float(reconstruction_by_beta[1]), float(reconstruction_by_beta[4])
    outcome = "higher" if r4 > r1 else "lower"
    measured = f"reconstruction {r1:.1f} nats per digit at β = 1, {r4:.1f} at β = 4"
    why = ("A larger β makes each nat of KL cost more, so the encoder keeps less information about each digit in "
           "its code (its q(z|x) moves towards N(0, I)) and the decoder reconstructs less well." if outcome == "higher"
           else "Unusual: a larger β usually costs reconstruction. Check the budget and the seed; one run can differ.")
    return _prediction("9.4", prediction, ("higher", "lower"), measured, outcome, why)


@functools.lru_cache(maxsize=None)
def _vae_terms(beta):
    """The exercise notebook's ``train_vae(beta)``, re-run, scored on its held-out and its training digits."""
    from ..vae import VAE
    X_fit, X_val = _fit_and_validation()
    vae = VAE(784, 64, 2, beta=beta, seed=0, init="recommended").init_output_bias(X_fit)
    vae.fit(X_fit, epochs=6, batch_size=50, lr=0.01, optimizer="adam", seed=0)
    return {"held-out": vae.loss_terms(X_val), "training": vae.loss_terms(X_fit)}


@_exercise("9.5", "fill in `results` and `trend` in the cell above")
def check_9_5(results, trend):
    r"""Explore: ``results = {beta: KL on the held-out digits}`` (``train_vae(beta).loss_terms(X_val)["kl"]``) for at
    least 3 values of β; ``trend``: "falls", "rises" or "neither", how the KL changes as β grows.

    The check re-trains each β with the notebook's settings and seed, so a KL measured on the training digits, or
    another term stored instead of the KL, is named as such.
    """
    res = _results_dict(results, key_name="beta")
    for k in res:
        if not 0 <= k <= 100:
            raise Wrong(f"β = {_fmt(k)}: the keys of `results` must be the weights β you tried (numbers from 0 to "
                        f"100 here).")
    neg = [k for k, kl in res.items() if kl < -1e-6]
    if neg:
        raise Wrong(f"the KL for β = {_fmt(neg[0])} is {res[neg[0]]:.3g} < 0: a KL divergence is never negative. "
                    f"Measure it with train_vae(beta).loss_terms(X_val)['kl'].")
    _verify(res, lambda b: _vae_terms(b)["held-out"]["kl"], "KL", 1e-4, diagnoses=(
        ("for β = {k} you stored {got}, the KL on the TRAINING digits; measure it on the held-out ones, "
         "loss_terms(X_val)['kl']: {want}.", lambda b: _vae_terms(b)["training"]["kl"]),
        ("for β = {k} you stored {got}, the reconstruction term; the exercise asks for the KL, "
         "loss_terms(X_val)['kl']: {want}.", lambda b: _vae_terms(b)["held-out"]["reconstruction"]),
        ("for β = {k} you stored {got}, the whole loss (reconstruction + β KL); the exercise asks for the KL alone, "
         "loss_terms(X_val)['kl']: {want}.", lambda b: _vae_terms(b)["held-out"]["loss"]),
    ), at="β = {k}", precision="the experiment trains in float32; do not round the KL or change the dtype")
    ans = _answered(trend, "trend")
    if not isinstance(ans, str) or ans.strip().strip("'\"").lower() not in ("falls", "rises", "neither"):
        raise Wrong(f"`trend` must be one of 'falls', 'rises' or 'neither' (a string). Got {_short(ans)}.")
    betas = sorted(res)
    kls = [res[b] for b in betas]
    truth = ("falls" if all(a > b for a, b in zip(kls, kls[1:])) else
             "rises" if all(a < b for a, b in zip(kls, kls[1:])) else "neither")
    table = ", ".join(f"β = {_fmt(b)}: {res[b]:.3g}" for b in betas)
    if ans.strip().strip("'\"").lower() != truth:
        raise Wrong(f"your numbers ({table}) say '{truth}', you wrote {ans!r}. Read the KL column in order of β.")
    return (f"{table}, matching a re-run with the same seed: "
            + ("the larger β, the less information each code carries" if truth == "falls" else
               "read it against the reconstruction: what did β buy?"))

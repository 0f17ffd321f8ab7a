"""Exercise checks for Lesson 06: denoising."""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _digits, _exercise, _fmt, _lowest,
                        _measured_as_rerun, _number, _prediction, _results_dict, _rng, _setting, _short,
                        _verify)

__all__ = ['check_6_1', 'check_6_2', 'check_6_3', 'check_6_4']


@_exercise("6.1")
def check_6_1(salt_and_pepper):
    r"""``salt_and_pepper(X, fraction, rng)``: a corrupted COPY where each entry, with probability ``fraction``,
    is set to 0 or 1 (each half of the time); the rest are unchanged.

    Tried on 100,000 distinct values in (0.05, 0.95) (so that every changed entry is visible), at fractions 0.2 and
    0.5, in float32 and float64; the counts must be within about 3 standard deviations of the binomial ones, per
    array, per row and per column; the same seed must give the same corruption and another seed another one.
    """
    n_rows, n_cols = 400, 250
    for dt in DTYPES:
        for fraction in (0.2, 0.5):
            X = (0.05 + 0.9 * _rng(61).random((n_rows, n_cols))).astype(dt)   # (400, 250), no 0 or 1
            keep = X.copy()
            out = _call(salt_and_pepper, X, fraction, np.random.default_rng(0), name="salt_and_pepper")
            if isinstance(out, np.ndarray) and (out is X or np.shares_memory(out, X)):
                raise Wrong("you changed X in place and returned it: corrupt a copy (X.copy()), the clean batch is "
                            "the target and must stay clean.")
            if not np.array_equal(X, keep):
                raise Wrong("X itself was changed: corrupt a copy (X.copy()), the clean batch is still needed as the "
                            "target.")
            o = _array(out, "salt_and_pepper")
            if o.shape != X.shape:
                raise Wrong(f"wrong shape: expected the shape of X, {X.shape}, got {o.shape}.")
            Xd = X.astype(np.float64)
            changed = o != Xd                                    # (400, 250)
            if not changed.any():
                raise Wrong(f"nothing was changed at fraction = {fraction}: set a `fraction` of the entries to 0 or 1.")
            v = o[changed]
            if np.allclose(v, 1 - Xd[changed], atol=1e-6):
                raise Wrong("the hit entries were flipped to 1 - x; salt-and-pepper sets them to exactly 0 or 1 "
                            "(pepper or salt), whatever their value was.")
            if np.array_equal(v, np.round(Xd[changed])):
                raise Wrong("the hit entries were rounded to the nearer of 0 and 1; salt-and-pepper picks 0 or 1 at "
                            "random (each half of the time), whatever the entry's value.")
            other = float(((v != 0) & (v != 1)).sum()) / X.size
            if other > 0:
                raise Wrong(f"{100 * other:.3g} % of the entries were changed to values other than 0 and 1: "
                            f"salt-and-pepper sets an entry to exactly 0 or 1 (it does not add noise).")
            zeros, ones, N = float((o == 0).mean()), float((o == 1).mean()), X.size
            if ones == 0:
                raise Wrong(f"only pepper: {100 * zeros:.3g} % of entries set to 0 and none to 1. That is masking "
                            f"noise; salt-and-pepper sets each hit entry to 0 or 1 with equal probability.")
            if zeros == 0:
                raise Wrong(f"only salt: {100 * ones:.3g} % of entries set to 1 and none to 0; each hit entry should "
                            f"become 0 or 1 with equal probability.")
            hit = zeros + ones
            sd = np.sqrt(fraction * (1 - fraction) / N)          # binomial standard deviation of the hit fraction
            if abs(hit - fraction) > 3.5 * sd:
                hint = (" It looks like each of 0 and 1 got the full fraction: split it, fraction/2 each."
                        if abs(hit - (1 - (1 - fraction) ** 2)) < 3.5 * sd or abs(hit - 2 * fraction) < 3.5 * sd
                        else "")
                raise Wrong(f"{100 * hit:.3g} % of the entries were corrupted with fraction = {fraction}; expected "
                            f"{100 * fraction:.3g} % (± {300 * sd:.2g}).{hint}")
            sd01 = np.sqrt(hit / N)                             # sd of zeros - ones given the hits
            if abs(zeros - ones) > 3.5 * sd01:
                raise Wrong(f"{100 * zeros:.3g} % zeros but {100 * ones:.3g} % ones at fraction = {fraction}: the "
                            f"two should be equally likely (differences up to ± {350 * sd01:.2g} % happen by chance).")
            for axis, what, count in ((1, "rows", n_cols), (0, "columns", n_rows)):
                per = changed.mean(axis=axis)                    # hit fraction of each row / column
                if per.std() > 2 * np.sqrt(fraction * (1 - fraction) / count):
                    raise Wrong(f"whole {what} were corrupted together (their hit fractions range from "
                                f"{per.min():.2g} to {per.max():.2g}): draw one random number per ENTRY, "
                                f"rng.random(X.shape), not one per {what[:-1]}.")
            again = _array(_call(salt_and_pepper, X, fraction, np.random.default_rng(0), name="salt_and_pepper"))
            if not np.array_equal(again, o):
                raise Wrong("two calls with generators seeded alike gave different corruptions: draw every random "
                            "number from the `rng` argument (rng.random(...)), not from np.random.")
            other_seed = _array(_call(salt_and_pepper, X, fraction, np.random.default_rng(1), name="salt_and_pepper"))
            if np.array_equal(other_seed, o):
                raise Wrong("generators with different seeds gave the same corruption: the `rng` argument is "
                            "ignored (a generator seeded inside the function?). Draw every random number from `rng`.")
    zero = _array(_call(salt_and_pepper, np.full((5, 4), 0.5), 0.0, np.random.default_rng(1)), "salt_and_pepper")
    if zero.shape != (5, 4) or not np.all(zero == 0.5):
        raise Wrong("with fraction = 0 nothing should change, but some entries did.")
    full = _array(_call(salt_and_pepper, np.full((50, 40), 0.5), 1.0, np.random.default_rng(1)), "salt_and_pepper")
    if full.shape != (50, 40) or not np.all((full == 0) | (full == 1)):
        raise Wrong("with fraction = 1 every entry should become 0 or 1, but some kept their value (use "
                    "u < fraction, not u <= ..., or check how you pick the hit entries).")
    return "independent per entry, about half zeros and half ones at fractions 0.2 and 0.5, a copy, reproducible"


class _RecordingNoise:
    """A noise for check 6.2 that remembers the corrupted batches it produced."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.calls = []

    def __call__(self, X):
        Xn = np.array(X, copy=True)
        Xn[self.rng.random(Xn.shape) < 0.3] = 0                 # masking noise
        self.calls.append(Xn.copy())
        return Xn


@_exercise("6.2")
def check_6_2(denoising_loss_and_grads):
    r"""``denoising_loss_and_grads(model, X, noise)``: corrupt ``X`` once, and return
    ``model.loss_and_grads(noisy, target=X)``: noisy input, CLEAN target."""
    from ..model import Autoencoder
    for batch in BATCHES:
        for dt in ("float64", "float32"):
            model = Autoencoder(12, 5, seed=3, dtype=dt)
            X = _rng(60 + batch).random((batch, 12)).astype(dt)
            noise = _RecordingNoise(seed=batch)
            out = _call(denoising_loss_and_grads, model, X.copy(), noise, name="denoising_loss_and_grads")
            if not (isinstance(out, (tuple, list)) and len(out) == 2 and isinstance(out[1], dict)):
                raise Wrong(f"return what model.loss_and_grads returns: the pair (loss, grads). Got "
                            f"{type(out).__name__} {_short(out)}.")
            if not noise.calls:
                raise Wrong("the noise was never applied: call noise(X) to corrupt the input. Without it this is a "
                            "plain autoencoder step.")
            if len(noise.calls) > 1:
                raise Wrong(f"noise(X) was called {len(noise.calls)} times: each call draws NEW noise; corrupt once, "
                            f"store it (X_noisy = noise(X)), and use that array.")
            loss = _number(out[0], "the loss (first item)", "the loss, a number") if out[0] is not None else None
            if loss is None:
                raise Wrong("the loss (first item) is None: return the pair model.loss_and_grads(...) returns, "
                            "(loss, grads).")
            Xn = noise.calls[0]
            pairs = {
                "the target is the noisy batch: a denoising autoencoder is scored against the CLEAN input "
                "(loss_and_grads(X_noisy, target=X)).": (Xn, Xn),
                "input and target are swapped: the model sees the noisy batch and must reproduce the clean one "
                "(loss_and_grads(X_noisy, target=X)).": (X, Xn),
                "you corrupted X but trained on the clean input: pass the noisy batch as input, the clean one as "
                "target.": (X, X),
            }
            want_loss, want_grads = model.loss_and_grads(Xn, target=X)
            if abs(loss - want_loss) > 1e-4 * max(1.0, abs(want_loss)):
                for msg, (inp, tgt) in pairs.items():
                    v = model.loss(inp, target=tgt)
                    if abs(loss - v) <= 1e-4 * max(1.0, abs(v)):
                        raise Wrong(msg)
                raise Wrong(f"the loss {loss:.3g} is not the loss of the noisy input against the clean target "
                            f"({want_loss:.3g}).")
            grads = out[1]
            if set(grads) != set(want_grads):
                raise Wrong(f"the gradients dict has keys {sorted(map(str, grads))}, expected "
                            f"{sorted(want_grads)}: return the grads that model.loss_and_grads gives.")
            for k, gw in want_grads.items():
                g = _array(grads[k], f"grads[{k!r}]")
                if g.shape == gw.shape and np.allclose(g, gw, rtol=1e-3, atol=1e-6 * max(1.0, np.abs(gw).max())):
                    continue
                for msg, (inp, tgt) in pairs.items():
                    gx = model.loss_and_grads(inp, target=tgt)[1][k]
                    if g.shape == gx.shape and np.allclose(g, gx, rtol=1e-3, atol=1e-6 * max(1.0, np.abs(gx).max())):
                        raise Wrong("the loss is right but the gradients are not its gradients: " + msg[0].lower()
                                    + msg[1:] + " Return loss and grads from ONE call of loss_and_grads.")
                raise Wrong(f"the loss is right but grads[{k!r}] is not its gradient: return loss and grads from "
                            f"ONE call, model.loss_and_grads(X_noisy, target=X).")
    return TESTED_ON


# The plain-minus-denoising held-out loss of exercise 6.3's experiment (class-balanced digits), re-run for this check
# with seeds 0-4 (model, batch order seeded s, masking noise seeded s + 1): 1.61, 1.41, 1.33, 1.89, 1.12 nats (0.9 % to
# 1.6 %); mean 1.47, 95 % t half-width 0.36 nats. A difference smaller than that is "about equal".
SEED_MARGIN_6_3 = 0.36


@_exercise("6.3", "write your prediction in the cell above")
def check_6_3(prediction, loss_plain, loss_denoising):
    r"""Prediction: on held-out digits with 50 % of pixels masked, which reconstructs the CLEAN digits better,
    "plain" (trained without noise), "denoising" (trained with masking noise 0.5), or "about equal" (a difference
    within ``SEED_MARGIN_6_3`` = 0.36 nats, the spread of that difference over 5 seeds)."""
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    loss_plain = _number(loss_plain, "loss_plain", "the plain model's held-out loss")
    loss_denoising = _number(loss_denoising, "loss_denoising", "the denoising model's held-out loss")
    if min(loss_plain, loss_denoising) <= 0 or not np.isfinite(loss_plain + loss_denoising):
        raise Wrong(f"the losses {loss_plain:.3g} and {loss_denoising:.3g} are not cross-entropies (positive, "
                    f"finite): run the experiment cell as given.")
    _measured_as_rerun({"loss_plain": loss_plain, "loss_denoising": loss_denoising},
                       {"loss_plain": _dae_losses(0.0)["clean target"], "loss_denoising": _dae_losses(0.5)["clean target"]})
    diff = loss_plain - loss_denoising
    outcome = ("about equal" if abs(diff) < SEED_MARGIN_6_3 else "denoising" if diff > 0 else "plain")
    gap = 100 * abs(diff) / max(loss_plain, loss_denoising)
    measured = (f"held-out loss against the clean digits: plain {loss_plain:.4g}, denoising {loss_denoising:.4g} "
                f"(cross-entropy per digit, nats; a difference of {abs(diff):.2g} nats, {gap:.2g} %, against a "
                f"seed-to-seed margin of {SEED_MARGIN_6_3} nats)")
    why = {"denoising": "Small at this training budget, but not chance: re-run with seeds 0 to 4, the denoising model "
                        "was ahead every time, by 1.1 % to 1.8 %. It was trained to fill in masked pixels from the "
                        "rest; the plain one never saw a masked digit.",
           "plain": "On this run the plain model did better, unlike the 5 seeds this check was calibrated on "
                    "(denoising ahead by 1.1 % to 1.8 %): was the training noise level changed?",
           "about equal": "The two cannot be told apart on this run: the difference is within the seed-to-seed "
                          "margin."}[outcome]
    return _prediction("6.3", prediction, ("plain", "denoising", "about equal"), measured, outcome, why)


@_exercise("6.4", "fill in `results` and `best_level` in the cell above")
def check_6_4(results, best_level):
    r"""Explore: ``results = {training noise level: held-out loss on masked digits, against the clean digits}``
    (``train_dae(level).loss(X_test_masked, target=X_test)``); ``best_level``: the level with the lowest loss.

    The check re-trains each level with the notebook's seeds and scores it itself, so a loss scored against the
    noisy digits, or on clean ones, is named as such.
    """
    res = _results_dict(results, key_name="level")
    _answered(best_level, "best_level")
    for k in res:
        if not 0 <= k < 1:
            raise Wrong(f"level {_fmt(k)}: a masking level is a fraction of pixels, from 0 to below 1.")
    _verify(res, lambda lvl: _dae_losses(lvl)["clean target"], "held-out loss", 1e-4, diagnoses=(
        ("at level {k} you stored {got}, the loss against the NOISY (masked) digits; score against the clean ones, "
         ".loss(X_test_masked, target=X_test), which gives {want}. Against the noisy input a model is rewarded for "
         "copying the holes, so level 0 would look best: the very mistake lesson 06 warns about.",
         lambda lvl: _dae_losses(lvl)["noisy target"]),
        ("at level {k} you stored {got}, the loss on CLEAN test digits; the exercise tests on masked ones, "
         ".loss(X_test_masked, target=X_test), which gives {want}.", lambda lvl: _dae_losses(lvl)["clean input"]),
        ("at level {k} you stored {got}, the loss on the TRAINING digits; score on the held-out masked digits, "
         ".loss(X_test_masked, target=X_test): {want}.", lambda lvl: _dae_losses(lvl)["training"]),
    ), at="level {k}", precision="the experiment trains in float32; do not round the losses or change the dtype")
    lvl = _setting(best_level, res, "best_level", "level")
    _lowest(lvl, res, res, lambda k: f"level {_fmt(k)}", "held-out loss")
    return (f"training noise level {_fmt(lvl)} is best for this test corruption among those you tried; your numbers "
            f"match a re-run with the same seeds")


@functools.lru_cache(maxsize=None)
def _dae_losses(level):
    """The notebook's ``train_dae(level)``, re-run, scored four ways on the notebook's masked held-out digits."""
    from .. import Autoencoder, masking
    X_train, X_test = _digits("train", 2000), _digits("test", 500)
    ae = Autoencoder(784, 64, seed=0)
    ae.fit(X_train, epochs=8, batch_size=50, lr=0.01, optimizer="adam", seed=0,
           noise=masking(level, seed=1) if level > 0 else None)
    X_masked = masking(0.5, seed=2)(X_test)                            # (500, 784)
    return {"clean target": float(ae.loss(X_masked, target=X_test)), "noisy target": float(ae.loss(X_masked)),
            "clean input": float(ae.loss(X_test)), "training": float(ae.loss(X_train))}

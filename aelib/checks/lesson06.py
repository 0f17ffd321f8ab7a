"""Exercise checks for Lesson 06: denoising."""
from __future__ import annotations

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _exercise, _prediction,
                        _results_dict, _rng)

__all__ = ['check_6_1', 'check_6_2', 'check_6_3', 'check_6_4']


@_exercise("6.1")
def check_6_1(salt_and_pepper):
    r"""``salt_and_pepper(X, fraction, rng)``: a corrupted COPY where each entry, with probability ``fraction``,
    is set to 0 or 1 (each half of the time); the rest are unchanged."""
    for dt in DTYPES:
        X = np.full((400, 250), 0.5, dtype=dt)               # 100,000 entries, all 0.5: easy to count
        keep = X.copy()
        out = _call(salt_and_pepper, X, 0.2, np.random.default_rng(0), name="salt_and_pepper")
        if out is X or np.shares_memory(np.asarray(out), X):
            raise Wrong("you changed X in place and returned it: corrupt a copy (X.copy()), the clean batch is "
                        "the target and must stay clean.")
        if not np.array_equal(X, keep):
            raise Wrong("X itself was changed: corrupt a copy (X.copy()), the clean batch is still needed as the target.")
        o = _array(out, "salt_and_pepper")
        if o.shape != X.shape:
            raise Wrong(f"wrong shape: expected the shape of X, {X.shape}, got {o.shape}.")
        zeros, ones = float((o == 0).mean()), float((o == 1).mean())
        same = float((o == 0.5).mean())
        other = 1 - zeros - ones - same
        if other > 1e-3:
            raise Wrong(f"{100 * other:.3g} % of the entries were changed to values other than 0 and 1: salt-and-pepper "
                        f"sets an entry to exactly 0 or 1 (it does not add noise).")
        if ones < 0.01:
            raise Wrong(f"only pepper: {100 * zeros:.3g} % of entries set to 0 and none to 1. That is masking noise; "
                        f"salt-and-pepper sets each hit entry to 0 or 1 with equal probability.")
        if zeros < 0.01:
            raise Wrong(f"only salt: {100 * ones:.3g} % of entries set to 1 and none to 0; each hit entry should "
                        f"become 0 or 1 with equal probability.")
        hit = zeros + ones
        if abs(hit - 0.2) > 0.01:
            hint = " It looks like each of 0 and 1 got the full fraction: split it, fraction/2 each." \
                if 0.34 <= hit <= 0.42 else ""
            raise Wrong(f"{100 * hit:.3g} % of the entries were corrupted with fraction = 0.2; expected about 20 %.{hint}")
        if abs(zeros - ones) > 0.01:
            raise Wrong(f"{100 * zeros:.3g} % zeros but {100 * ones:.3g} % ones: the two should be equally likely.")
        again = _array(_call(salt_and_pepper, X, 0.2, np.random.default_rng(0), name="salt_and_pepper"))
        if not np.array_equal(again, o):
            raise Wrong("two calls with generators seeded alike gave different corruptions: draw every random "
                        "number from the `rng` argument (rng.random(...)), not from np.random.")
    zero = _array(_call(salt_and_pepper, np.full((5, 4), 0.5), 0.0, np.random.default_rng(1)))
    if not np.all(zero == 0.5):
        raise Wrong("with fraction = 0 nothing should change, but some entries did.")
    return "about 10 % zeros and 10 % ones at fraction 0.2, a copy, reproducible"


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
            if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)):
                raise Wrong("return what model.loss_and_grads returns: the pair (loss, grads).")
            value = out[0]
            if not noise.calls:
                raise Wrong("the noise was never applied: call noise(X) to corrupt the input. Without it this is a "
                            "plain autoencoder step.")
            if len(noise.calls) > 1:
                raise Wrong(f"noise(X) was called {len(noise.calls)} times: each call draws NEW noise; corrupt once, "
                            f"store it (X_noisy = noise(X)), and use that array.")
            Xn = noise.calls[0]
            want = model.loss(Xn, target=X)
            cands = {
                "the target is the noisy batch: a denoising autoencoder is scored against the CLEAN input "
                "(loss_and_grads(X_noisy, target=X)).": model.loss(Xn, target=Xn),
                "input and target are swapped: the model sees the noisy batch and must reproduce the clean one "
                "(loss_and_grads(X_noisy, target=X)).": model.loss(X, target=Xn),
                "you corrupted X but trained on the clean input: pass the noisy batch as input, the clean one as "
                "target.": model.loss(X, target=X),
            }
            g = float(value)
            if abs(g - want) <= 1e-4 * max(1.0, abs(want)):
                continue
            for msg, v in cands.items():
                if abs(g - v) <= 1e-4 * max(1.0, abs(v)):
                    raise Wrong(msg)
            raise Wrong(f"the loss {g:.3g} is not the loss of the noisy input against the clean target ({want:.3g}).")
    return TESTED_ON


@_exercise("6.3", "write your prediction in the cell above")
def check_6_3(prediction, loss_plain, loss_denoising):
    r"""Prediction: on held-out digits with 50 % of pixels masked, which reconstructs the CLEAN digits better,
    "plain" (trained without noise) or "denoising" (trained with masking noise)."""
    outcome = "denoising" if loss_denoising < loss_plain else "plain"
    gap = 100 * abs(loss_plain - loss_denoising) / max(loss_plain, loss_denoising)
    measured = (f"held-out loss against the clean digits: plain {loss_plain:.3g}, denoising {loss_denoising:.3g} "
                f"(cross-entropy per digit, nats; a {gap:.2g} % difference"
                f"{', small at this training budget' if gap < 5 else ''})")
    why = ("The denoising autoencoder was trained for exactly this: fill in missing strokes from what is left. "
           "The plain one never saw a masked digit and reproduces the holes." if outcome == "denoising" else
           "On this run the plain model did better; is the noise level in training far from the test noise?")
    return _prediction("6.3", prediction, ("plain", "denoising"), measured, outcome, why)


@_exercise("6.4", "fill in `results` and `best_level` in the cell above")
def check_6_4(results, best_level):
    r"""Explore: ``results = {training noise level: held-out loss on corrupted digits}``; ``best_level``: the level
    with the lowest loss."""
    res = _results_dict(results)
    lvl = _answered(best_level, "best_level")
    if lvl not in res:
        raise Wrong(f"{lvl!r} is not one of the levels you tried ({', '.join(f'{k:g}' for k in sorted(res))}).")
    best, worst = min(res, key=res.get), max(res, key=res.get)
    if lvl == worst and lvl != best:
        raise Wrong(f"level {lvl:g} has the HIGHEST loss ({res[lvl]:.3g}); lower is better: {best:g} gave {res[best]:.3g}.")
    if lvl != best:
        raise Wrong(f"level {best:g} gave a lower loss ({res[best]:.3g}) than {lvl:g} ({res[lvl]:.3g}).")
    return f"training noise level {lvl:g} is best for this test corruption among those you tried"

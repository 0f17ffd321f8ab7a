"""Exercise checks for Lesson 07: reusing trained weights."""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _digits,
                        _exercise, _fmt, _lowest, _measured_as_rerun, _number, _prediction, _results_dict, _rng,
                        _setting, _short, _verify)

__all__ = ['check_7_1', 'check_7_2', 'check_7_3', 'check_7_4']


@_exercise("7.1")
def check_7_1(transplant):
    r"""``transplant(source, target, scale)``: set ``target``'s ``W`` to ``scale * source``'s ``W`` (a copy), reset
    both biases to 0, leave ``source`` unchanged, and return ``target``."""
    from ..model import Autoencoder
    for dt in ("float64", "float32"):
        for scale in (1.0, 0.1):
            src = Autoencoder(9, 4, encoder="sigmoid", seed=1, dtype=dt)
            r = _rng(70)
            src.set_params(b=r.normal(size=4), b_prime=r.normal(size=9))
            keep = {k: p.copy() for k, p in src.params.items()}
            tgt = Autoencoder(9, 4, encoder="relu", decoder="sigmoid", seed=2, dtype=dt)
            tgt.set_params(b=r.normal(size=4), b_prime=r.normal(size=9))
            out = _call(transplant, src, tgt, scale, name="transplant")
            if out is not tgt:
                raise Wrong("return the target model (the one you changed), not a new object or the source.")
            if any(not np.array_equal(src.params[k], keep[k]) for k in keep):
                raise Wrong("the source model was changed: read its weights, write only into the target.")
            for name, shape in (("W", keep["W"].shape), ("b", (4,)), ("b_prime", (9,))):
                p = tgt.params[name]
                if not isinstance(p, np.ndarray) or p.shape != shape or p.dtype != np.dtype(dt):
                    got = (f"{_short(p, 20)} (a Python {type(p).__name__}, not an array)" if not isinstance(p, np.ndarray)
                           else f"an array of shape {p.shape}, dtype {p.dtype}")
                    raise Wrong(f"target.params[{name!r}] is {got}; it must stay an array of shape {shape} in the "
                                f"model's dtype ({dt}), or training cannot update it in place. Use "
                                f"target.set_params({name}=...), which copies into the existing array.")
            W = tgt.params["W"]
            if np.shares_memory(W, src.params["W"]):
                raise Wrong("target and source share one W array: training the target would change the source "
                            "too. Copy it (e.g. target.set_params(W=...) copies).")
            if np.allclose(W, keep["W"]) and scale != 1:
                raise Wrong(f"the weights were copied but not scaled: multiply them by scale ({scale:g}).")
            if not np.allclose(W, scale * keep["W"], rtol=1e-5, atol=1e-7):
                raise Wrong("target W is not scale × the source's W.")
            if np.any(tgt.params["b"] != 0) or np.any(tgt.params["b_prime"] != 0):
                if np.allclose(tgt.params["b"], keep["b"]) or np.allclose(tgt.params["b"], scale * keep["b"]):
                    raise Wrong("the biases were copied from the source; the experiment resets them to zero "
                                "(only W is transplanted).")
                raise Wrong("reset both biases, b and b_prime, to zero (target.set_params(b=0, b_prime=0)).")
    return "W copied and scaled, biases reset, source untouched"


@_exercise("7.2")
def check_7_2(code_sparsity):
    r"""``code_sparsity(H)``: the Hoyer sparsity of each code (row), averaged over the batch:
    ``s(h) = (√m - ‖h‖₁/‖h‖₂) / (√m - 1)``, 0 for a flat code, 1 for a one-hot code."""
    m = 6
    for batch in BATCHES:
        for dt in DTYPES:
            H = (_rng(80 + batch).random((batch, m)) ** 3 + 0.01) * _rng(90 + batch).choice([-1, 1], (batch, m))
            H = H.astype(dt)                                      # (batch, m), signed codes (tanh units)
            Hd = H.astype(np.float64)

            def hoyer(A, axis):
                k = A.shape[axis]
                r = np.abs(A).sum(axis) / np.sqrt((A ** 2).sum(axis))
                return (np.sqrt(k) - r) / (np.sqrt(k) - 1)

            want = hoyer(Hd, 1).mean()
            got = _call(code_sparsity, H.copy(), name="code_sparsity")
            g = _array(got, "code_sparsity")
            if g.shape == (batch,) and batch > 1:
                raise Wrong(f"you returned one value per code (shape {g.shape}); average them over the batch.")
            if g.shape == (m,):
                raise Wrong(f"wrong axis: you got one value per hidden unit (shape {g.shape}); a code is a ROW of H, "
                            f"so compute the norms along axis=1, then average over the batch.")
            wrong = {
                "the square root is missing in ‖h‖₂ = sqrt(Σ h²) (or in √m).":
                    ((m - np.abs(Hd).sum(1) / (Hd ** 2).sum(1)) / (m - 1)).mean(),
                "the sign is flipped: s = (√m - ‖h‖₁/‖h‖₂) / (√m - 1) lies between 0 (flat) and 1 (one-hot).":
                    -want,
                "the absolute value is missing in ‖h‖₁ = Σ |h|: codes can be negative (tanh units), and then Σ h "
                "is not the L1 norm.":
                    ((np.sqrt(m) - Hd.sum(1) / np.sqrt((Hd ** 2).sum(1))) / (np.sqrt(m) - 1)).mean(),
                "you computed it over the whole matrix at once; compute it per code (each row), then average.":
                    hoyer(Hd.reshape(-1), 0) if batch > 1 else None,
            }
            if batch > 1 and batch != m:
                wrong["wrong axis: you computed the sparsity of each hidden unit over the batch (axis 0); a code is a "
                      "row of H (axis 1)."] = hoyer(Hd, 0).mean()
            _compare(g.reshape(()) if g.size == 1 else g, want, wrong, "a single number ()", "code_sparsity")
    onehot = np.eye(m)[[0, 3]]
    g = float(_array(_call(code_sparsity, onehot, name="code_sparsity")).reshape(-1)[0])
    if abs(g - 1) > 1e-6:
        raise Wrong(f"one-hot codes should have sparsity 1, you gave {g:.3g}.")
    return TESTED_ON + "; one-hot codes give 1"


@_exercise("7.3", "write your prediction in the cell above")
def check_7_3(prediction, loss_random, loss_transplanted):
    r"""Prediction: after the same short training, which sigmoid AE has the lower held-out loss, "random" start or
    "transplanted" (W from a trained AE, biases zero)."""
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    loss_random = _number(loss_random, "loss_random", "the random start's held-out loss")
    loss_transplanted = _number(loss_transplanted, "loss_transplanted", "the transplanted start's held-out loss")
    _measured_as_rerun({"loss_random": loss_random, "loss_transplanted": loss_transplanted}, _random_vs_transplanted())
    outcome = "transplanted" if loss_transplanted < loss_random else "random"
    measured = f"held-out loss: random start {loss_random:.3g}, transplanted start {loss_transplanted:.3g}"
    why = ("One likely reason: the transplanted W already holds useful stroke detectors, so mainly the biases have "
           "to be relearned. Lesson 07's Claim check finds the same over 5 seeds (07.warm/faster), and also that at "
           "equal total compute, the donor's epochs included, a random start cannot be told apart from it "
           "(07.warm/worth-a-donor)."
           if outcome == "transplanted" else "The transplanted start did not help on this run; look at its first epochs.")
    return _prediction("7.3", prediction, ("random", "transplanted"), measured, outcome, why)


@_exercise("7.4", "fill in `results` and `best_scale` in the cell above")
def check_7_4(results, best_scale):
    r"""Explore: ``results = {scale: final training loss, or float('nan') if the run diverged}`` for transplanted
    weights multiplied by ``scale``; ``best_scale``: the scale with the lowest final loss."""
    res = _results_dict(results, key_name="scale", allow_nan=True)
    _answered(best_scale, "best_scale")
    for k in res:
        if not 0 < k <= 100:
            raise Wrong(f"scale {_fmt(k)}: try positive scales such as 0.1, 0.3, 1, 3, 10.")
    truth = _verify(res, lambda s: _relu_from_donor(s)[0], "final loss", 1e-4, diagnoses=(
        ("at scale {k} you stored {got}, the loss after the FIRST epoch; the exercise asks for the final one, "
         "history.train_loss[-1] = {want}.", lambda s: _relu_from_donor(s)[1]),
        ("at scale {k} you stored {got}, a held-out loss; the exercise asks for the final TRAINING loss, "
         "history.train_loss[-1] = {want}.", lambda s: _relu_from_donor(s)[2]),
    ), at="scale {k}", precision="the experiment trains in float32; do not round the losses or change the dtype")
    s = _setting(best_scale, res, "best_scale", "scale")
    _lowest(s, res, truth, lambda k: f"scale {_fmt(k)}", "final loss",
            all_diverged="try smaller scales, e.g. 0.1 and 0.01.")
    return f"scale {_fmt(s)} trains best among those you tried; your numbers match a re-run with the same seeds"


@functools.lru_cache(maxsize=None)
def _donor():
    """The notebook's donor: a 784-64 sigmoid AE, 8 epochs of Adam on 2,000 digits (seed 0)."""
    from .. import Autoencoder
    source = Autoencoder(784, 64, encoder="sigmoid", decoder="sigmoid", seed=0)
    source.fit(_digits("train", 2000), epochs=8, batch_size=50, lr=0.01, optimizer="adam", seed=0)
    return source.params["W"].copy()


@functools.lru_cache(maxsize=None)
def _relu_from_donor(scale):
    """The notebook's ``relu_from_donor(scale)``, re-run: (final training loss or NaN, first-epoch loss, held-out)."""
    from .. import Autoencoder
    ae = Autoencoder(784, 64, encoder="relu", decoder="sigmoid", seed=1)
    ae.set_params(W=scale * _donor(), b=0, b_prime=0)
    history = ae.fit(_digits("train", 2000), epochs=2, batch_size=50, lr=0.1, seed=0, on_divergence="stop")
    if history.diverged:
        return float("nan"), float("nan"), float("nan")
    return float(history.train_loss[-1]), float(history.train_loss[0]), float(ae.loss(_digits("test", 500)))


@functools.lru_cache(maxsize=None)
def _random_vs_transplanted():
    """Exercise 7.3's experiment, re-run: held-out loss after 1 epoch from a random start and from the donor's W."""
    from .. import Autoencoder
    fresh = Autoencoder(784, 64, seed=1)
    warm = Autoencoder(784, 64, seed=1).set_params(W=_donor(), b=0, b_prime=0)
    for ae in (fresh, warm):
        ae.fit(_digits("train", 2000), epochs=1, batch_size=50, lr=0.1, seed=0)
    return {"loss_random": float(fresh.loss(_digits("test", 500))),
            "loss_transplanted": float(warm.loss(_digits("test", 500)))}

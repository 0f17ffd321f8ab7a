"""Exercise checks for Lesson 07: reusing trained weights."""
from __future__ import annotations

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _exercise,
                        _prediction, _results_dict, _rng)

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
            W = tgt.params["W"]
            if W.shape != keep["W"].shape:
                raise Wrong(f"target W has shape {W.shape}, expected {keep['W'].shape}.")
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
            H = _rng(80 + batch).random((batch, m)).astype(dt) ** 3 + 0.01
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
    _answered(results, "results")
    if isinstance(results, dict):
        results = {k: (float("nan") if v is None else v) for k, v in results.items()}
    res = _results_dict(results)
    s = _answered(best_scale, "best_scale")
    finite = {k: v for k, v in res.items() if np.isfinite(v)}
    if not finite:
        raise Wrong("every run diverged: try smaller scales, e.g. 0.1 and 0.01.")
    if s not in res:
        raise Wrong(f"{s!r} is not one of the scales you tried ({', '.join(f'{k:g}' for k in sorted(res))}).")
    if not np.isfinite(res[s]):
        raise Wrong(f"the run at scale {s:g} diverged (its loss is NaN): it cannot be the best.")
    best, worst = min(finite, key=finite.get), max(finite, key=finite.get)
    if s == worst and s != best:
        raise Wrong(f"scale {s:g} ended with the HIGHEST loss ({res[s]:.3g}); lower is better: scale {best:g} "
                    f"reached {res[best]:.3g}.")
    if s != best:
        raise Wrong(f"scale {best:g} reached a lower loss ({res[best]:.3g}) than scale {s:g} ({res[s]:.3g}).")
    return f"scale {s:g} trains best among those you tried"

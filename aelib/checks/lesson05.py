"""Exercise checks for Lesson 05: choosing activations."""
from __future__ import annotations

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _exercise,
                        _prediction, _results_dict, _rng, _sigmoid)

__all__ = ['check_5_1', 'check_5_2', 'check_5_3']


@_exercise("5.1")
def check_5_1(softplus):
    r"""``softplus(a)`` = ``log(1 + exp(a))`` elementwise, finite for every finite ``a`` (e.g. ±1000)."""
    for batch in BATCHES:
        for dt in DTYPES:
            a = _rng(50 + batch).normal(0, 4, (batch, 5)).astype(dt)
            ad = a.astype(np.float64)
            want = np.logaddexp(0, ad)
            with np.errstate(all="ignore"):
                got = _call(softplus, a.copy(), name="softplus")
            _compare(got, want, {
                "the sign is flipped: softplus(a) = log(1 + exp(a)); you computed log(1 + exp(-a)).": np.logaddexp(0, -ad),
                "that is the ReLU, max(0, a): softplus is its smooth version, log(1 + exp(a)).": np.maximum(ad, 0),
                "the log is missing: softplus(a) = log(1 + exp(a)).": 1 + np.exp(ad),
                "that is the sigmoid, softplus's derivative; softplus itself is log(1 + exp(a)).": _sigmoid(ad),
            }, "same shape as a", "softplus")
    big = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]])
    with np.errstate(all="ignore"):
        got = _array(_call(softplus, big.copy(), name="softplus"), "softplus")
    if got.shape == big.shape and not np.all(np.isfinite(got)):
        raise Wrong(f"right for moderate inputs, but softplus([-1000, -50, 0, 50, 1000]) gave "
                    f"{np.array2string(got, precision=3)}: exp(1000) overflows to inf. Rewrite it stably, "
                    f"e.g. max(a, 0) + log1p(exp(-|a|)), or np.logaddexp(0, a).")
    _compare(got, np.logaddexp(0, big), {}, "same shape as a", "softplus")
    return TESTED_ON + ", and a = ±1000"


@_exercise("5.2", "write your prediction in the cell above")
def check_5_2(prediction, frac_above_1_relu, frac_above_1_sigmoid):
    r"""Prediction: does a ReLU output layer produce reconstructed pixels above 1, "yes" or "no"."""
    outcome = "yes" if frac_above_1_relu > 0 else "no"
    measured = (f"{100 * frac_above_1_relu:.3g} % of the ReLU decoder's held-out pixels exceed 1, "
                f"{100 * frac_above_1_sigmoid:.3g} % of the sigmoid decoder's")
    why = ("A ReLU output is unbounded above: nothing stops max(0, a) from passing 1, while a sigmoid "
           "output lies in (0, 1) by construction." if outcome == "yes" else
           "None exceeded 1 on this run, but nothing prevents it: max(0, a) is unbounded above.")
    return _prediction("5.2", prediction, ("yes", "no"), measured, outcome, why)


@_exercise("5.3", "fill in `results` and `in_range` in the cell above")
def check_5_3(results, in_range):
    r"""Explore: ``results = {output activation: (smallest, largest) reconstructed pixel}`` (or the largest
    alone); ``in_range``: the list of the activations you tried whose outputs stayed within [0, 1]."""
    _answered(results, "results")
    if isinstance(results, dict):        # (smallest, largest) pairs: keep the largest for _results_dict
        pairs = {k: tuple(v) for k, v in results.items() if isinstance(v, (tuple, list)) and len(v) == 2}
        res = _results_dict({k: (pairs[k][1] if k in pairs else v) for k, v in results.items()})
        low = {k: float(pairs[k][0]) for k in pairs}
    else:
        res, low = _results_dict(results), {}
    from ..activations import ACTIVATIONS
    can_go_negative = {k for k in res if k not in low and
                       (k not in ACTIVATIONS or ACTIVATIONS[k].output_range[0] < 0)}
    ans = _answered(in_range, "in_range")
    if isinstance(ans, str):
        ans = [ans]
    if not isinstance(ans, (list, tuple, set)):
        raise Wrong(f"`in_range` must be a list of activation names, e.g. ['sigmoid']. Got {type(ans).__name__}.")
    ans = set(ans)
    unknown = ans - set(res)
    if unknown:
        raise Wrong(f"{', '.join(sorted(map(str, unknown)))} not among the activations you tried "
                    f"({', '.join(sorted(res))}).")
    truth = {k for k, v in res.items() if v <= 1.0 and low.get(k, 0.0) >= 0.0}
    extra, missing = ans - truth, truth - ans
    if extra:
        k = sorted(extra)[0]
        raise Wrong(f"{k!r} went out of range: its largest pixel was {res[k]:.3g} > 1. An unbounded output "
                    f"activation can overshoot." if res[k] > 1 else
                    f"{k!r} went out of range: its smallest pixel was {low[k]:.3g} < 0, below black.")
    unsure = sorted(k for k in ans & can_go_negative)
    if unsure:
        raise Wrong(f"{unsure[0]!r} can output values below 0 and you recorded only its largest pixel: record "
                    f"(smallest, largest) pixel for it to show that it stayed at or above 0.")
    missing -= can_go_negative          # below 0 perhaps: only the largest pixel was recorded
    if missing:
        k = sorted(missing)[0]
        raise Wrong(f"{k!r} stayed within [0, 1] on your run (pixels from {low.get(k, 0.0):.3g} to {res[k]:.3g}) "
                    f"but is not in your list." if k in low else
                    f"{k!r} stayed within [0, 1] on your run (largest pixel {res[k]:.3g}, and it cannot go below 0) "
                    f"but is not in your list.")
    return "only an output activation whose range lies inside [0, 1] (sigmoid) guarantees pixels in [0, 1]"

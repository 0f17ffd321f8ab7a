"""Exercise checks for Lesson 05: choosing activations."""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _digits,
                        _exercise, _fmt, _measured_as_rerun, _number, _prediction, _rng, _same, _short,
                        _sigmoid)

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
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    frac_above_1_relu = _number(frac_above_1_relu, "frac_above_1_relu", "a fraction of pixels")
    frac_above_1_sigmoid = _number(frac_above_1_sigmoid, "frac_above_1_sigmoid", "a fraction of pixels")
    if not (0 <= frac_above_1_relu <= 1 and 0 <= frac_above_1_sigmoid <= 1):
        raise Wrong("the fractions must lie between 0 and 1: run the experiment cell as given.")
    _measured_as_rerun({"frac_above_1_relu": frac_above_1_relu, "frac_above_1_sigmoid": frac_above_1_sigmoid},
                       {"frac_above_1_relu": _above_1("relu"), "frac_above_1_sigmoid": _above_1("sigmoid")})
    outcome = "yes" if frac_above_1_relu > 0 else "no"
    measured = (f"{100 * frac_above_1_relu:.3g} % of the ReLU decoder's held-out pixels exceed 1, "
                f"{100 * frac_above_1_sigmoid:.3g} % of the sigmoid decoder's")
    why = ("A ReLU output is unbounded above: nothing stops max(0, a) from passing 1, while a sigmoid "
           "output lies in (0, 1) by construction." if outcome == "yes" else
           "None exceeded 1 on this run, but nothing prevents it: max(0, a) is unbounded above.")
    return _prediction("5.2", prediction, ("yes", "no"), measured, outcome, why)


@_exercise("5.3", "fill in `results` and `in_range` in the cell above")
def check_5_3(results, in_range):
    r"""Explore: ``results = {output activation: (smallest, largest) reconstructed held-out pixel}`` after
    ``train_with_output(activation, epochs=2)`` (or its default 5 epochs); ``in_range``: the list of the activations
    you tried whose pixels stayed within [0, 1] at both ends.

    The check re-trains each activation with the same seed and compares both extremes with yours.
    """
    from ..activations import ACTIVATIONS
    _answered(results, "results")
    _answered(in_range, "in_range")
    if not isinstance(results, dict):
        raise Wrong(f"`results` must be a dict {{activation: (smallest pixel, largest pixel)}}, e.g. "
                    f"{{'sigmoid': (0.04, 0.61)}}. Got {type(results).__name__} {_short(results)}.")
    names = tuple(ACTIVATIONS)
    pairs = {}
    for k, v in results.items():
        if not isinstance(k, str) or k not in ACTIVATIONS:
            raise Wrong(f"the keys of `results` must be output activations from aelib.ACTIVATIONS "
                        f"({', '.join(names)}); got {_short(k, 30)}.")
        if isinstance(v, np.ndarray) and v.shape == (2,):
            v = tuple(v)
        if not (isinstance(v, (tuple, list)) and len(v) == 2):
            raise Wrong(f"`results[{k!r}]` must be the pair (smallest pixel, largest pixel), e.g. (float(Z.min()), "
                        f"float(Z.max())); got {_short(v)}. Both ends matter: an activation can go below 0 too.")
        pairs[k] = (_number(v[0], f"results[{k!r}][0]", "the smallest pixel"),
                    _number(v[1], f"results[{k!r}][1]", "the largest pixel"))
    if len(pairs) < 3:
        raise Wrong(f"`results` has {len(pairs)} activation(s); try at least 3 (e.g. sigmoid, relu, softplus, tanh).")
    for k, (lo, hi) in sorted(pairs.items()):
        runs = {epochs: _extremes(k, epochs) for epochs in (2, 5)}
        if any(_same(lo, a, 1e-4) and _same(hi, b, 1e-4) for a, b in runs.values()):
            continue
        a, b = runs[2]
        if any(_same(lo, y, 1e-4) and _same(hi, x, 1e-4) for x, y in runs.values()):
            raise Wrong(f"results[{k!r}] = ({_fmt(lo)}, {_fmt(hi)}) is (largest, smallest): store (smallest, largest).")
        tr = _extremes(k, 2, "train")
        if _same(lo, tr[0], 1e-4) and _same(hi, tr[1], 1e-4):
            raise Wrong(f"results[{k!r}] holds the extremes on the TRAINING digits; the exercise asks for the "
                        f"held-out ones, reconstruct(X_test): ({_fmt(a)}, {_fmt(b)}).")
        raise Wrong(f"results[{k!r}] = ({_fmt(lo)}, {_fmt(hi)}), but train_with_output({k!r}, epochs=2) re-run with "
                    f"the same seed gives pixels from {a:.4g} to {b:.4g} on the held-out digits: store "
                    f"(float(Z.min()), float(Z.max())) of its reconstruction of X_test.")
    ans = _answered(in_range, "in_range")
    if isinstance(ans, str):
        ans = [ans]
    if isinstance(ans, np.ndarray):
        ans = ans.tolist()
    if not isinstance(ans, (list, tuple, set)) or not all(isinstance(a, str) for a in ans):
        raise Wrong(f"`in_range` must be a list of activation names, e.g. ['sigmoid']. Got {_short(ans)}.")
    ans = set(ans)
    unknown = ans - set(pairs)
    if unknown:
        raise Wrong(f"{', '.join(sorted(map(repr, unknown)))} not among the activations you tried "
                    f"({', '.join(sorted(pairs))}).")
    truth = {k for k, (lo, hi) in pairs.items() if lo >= 0.0 and hi <= 1.0}
    extra, missing = ans - truth, truth - ans
    if extra:
        k = sorted(extra)[0]
        lo, hi = pairs[k]
        raise Wrong(f"{k!r} went out of range: its largest pixel was {hi:.3g} > 1, whiter than white. An output "
                    f"activation unbounded above can overshoot." if hi > 1 else
                    f"{k!r} went out of range: its smallest pixel was {lo:.3g} < 0, darker than black (its "
                    f"range reaches below 0). Bounded above is not enough: check both ends.")
    if missing:
        k = sorted(missing)[0]
        raise Wrong(f"{k!r} stayed within [0, 1] on your run (pixels from {pairs[k][0]:.3g} to {pairs[k][1]:.3g}) "
                    f"but is not in your list.")
    note = ("only an output activation whose range lies inside [0, 1] (sigmoid) guarantees pixels in [0, 1]"
            if all(ACTIVATIONS[k].output_range[0] >= 0 and ACTIVATIONS[k].output_range[1] <= 1 for k in truth)
            else "these stayed in range on this run; only one whose range lies inside [0, 1], such as the "
                 "sigmoid, guarantees it")
    return note


@functools.lru_cache(maxsize=None)
def _extremes(decoder, epochs, split="test"):
    """The notebook's ``train_with_output(decoder, epochs)``, re-run: (smallest, largest) reconstructed pixel."""
    from .. import Autoencoder
    ae = Autoencoder(784, 32, encoder="sigmoid", decoder=decoder, tied=False, seed=0)
    ae.fit(_digits("train", 1000), epochs=epochs, batch_size=50, lr=0.003, optimizer="adam",
           loss="squared_error", seed=0)
    Z = ae.reconstruct(_digits("test", 500) if split == "test" else _digits("train", 1000))   # (n, 784)
    return float(Z.min()), float(Z.max())


@functools.lru_cache(maxsize=None)
def _above_1(decoder):
    """Exercise 5.2's experiment, re-run: the fraction of held-out pixels above 1 after ``train_with_output``."""
    from .. import Autoencoder
    ae = Autoencoder(784, 32, encoder="sigmoid", decoder=decoder, tied=False, seed=0)
    ae.fit(_digits("train", 1000), epochs=5, batch_size=50, lr=0.003, optimizer="adam", loss="squared_error", seed=0)
    return float((ae.reconstruct(_digits("test", 500)) > 1).mean())

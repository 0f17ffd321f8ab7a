"""Exercise checks for Lesson 01: what does a hidden layer compute?"""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _exercise, _fmt,
                        _measured_as_rerun, _number, _prediction, _results_dict, _rng, _setting, _sigmoid,
                        _verify)

__all__ = ['check_1_1', 'check_1_2', 'check_1_3', 'check_1_4']


def _layer_inputs(batch, dtype, n_in=5, n_out=3, seed=0):
    r = _rng(seed + batch)
    X = r.random((batch, n_in)).astype(dtype)               # (batch, n_in)
    W = r.normal(0, 1, (n_out, n_in)).astype(dtype)         # (n_out, n_in)
    b = r.normal(0, 1, n_out).astype(dtype)                 # (n_out,)
    return X, W, b


@_exercise("1.1")
def check_1_1(layer):
    r"""``layer(X, W, b)`` must return ``σ(X Wᵀ + b)``: ``(batch, n_in), (n_out, n_in), (n_out,) -> (batch, n_out)``."""
    for n_out, n_in in ((3, 5), (4, 4)):          # the square case catches X @ W (no transpose)
        for batch in BATCHES:
            for dt in DTYPES:
                X, W, b = _layer_inputs(batch, dt, n_in, n_out)
                Xd, Wd, bd = (a.astype(np.float64) for a in (X, W, b))
                got = _call(layer, X.copy(), W.copy(), b.copy(), name="layer")
                A = Xd @ Wd.T + bd                               # (batch, n_out)
                _compare(got, _sigmoid(A), {
                    "the bias is missing: the pre-activation is X @ W.T + b (b shifts each unit's threshold).":
                        _sigmoid(Xd @ Wd.T),
                    "the sign is flipped: you computed σ(-(X Wᵀ + b)). The sigmoid is 1 / (1 + exp(-a)), with a minus inside the exp.":
                        _sigmoid(-A),
                    "the nonlinearity is missing: you returned the weighted sums a = X Wᵀ + b; apply the sigmoid to them.":
                        A,
                    "the bias is added after the sigmoid; it belongs inside: σ(X Wᵀ + b).":
                        _sigmoid(Xd @ Wd.T) + bd,
                    "the bias is subtracted; the pre-activation is X Wᵀ + b.":
                        _sigmoid(Xd @ Wd.T - bd),
                    "the weights are used untransposed (X @ W); W has shape (n_out, n_in), so the weighted sums are X @ W.T.":
                        (lambda: _sigmoid(Xd @ Wd + bd)) if n_in == n_out else None,
                    "the result is transposed: return shape (batch, n_out), one row per example (X @ W.T, not W @ X.T).":
                        _sigmoid(A).T,
                }, "(batch, n_out)", "layer")
    return TESTED_ON


_XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
_GATES = {"XOR": [0, 1, 1, 0], "OR": [0, 1, 1, 1], "AND": [0, 0, 0, 1], "NAND": [1, 1, 1, 0],
          "NOR": [1, 0, 0, 0], "XNOR": [1, 0, 0, 1]}


@_exercise("1.2")
def check_1_2(xor_weights):
    r"""``xor_weights()`` returns ``{"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}`` for a 2-2-1 sigmoid net
    whose outputs are within 0.1 of XOR on the four binary inputs."""
    p = _call(xor_weights, name="xor_weights")
    if not isinstance(p, dict):
        raise Wrong(f"xor_weights must return a dict with keys 'W1', 'b1', 'W2', 'b2'. Got {type(p).__name__}.")
    missing = [k for k in ("W1", "b1", "W2", "b2") if k not in p]
    if missing:
        raise Wrong(f"the dict is missing {', '.join(repr(k) for k in missing)}; it needs 'W1', 'b1', 'W2', 'b2'.")
    shapes = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}
    P = {}
    for k, s in shapes.items():
        a = _array(p[k], f"xor_weights()[{k!r}]")
        if a.shape != s and a.size == int(np.prod(s)) and k.startswith("b"):
            a = a.reshape(s)
        if a.shape != s:
            kind = "(n_hidden, n_inputs)" if k == "W1" else "(n_outputs, n_hidden)" if k == "W2" else "one entry per unit"
            extra = " (transposed?)" if a.ndim == 2 and a.shape == s[::-1] else ""
            raise Wrong(f"{k} must have shape {s}, {kind}. Got {a.shape}{extra}.")
        P[k] = a
    if not all(np.all(np.isfinite(a)) for a in P.values()):
        raise Wrong("some weights are NaN or infinite: use finite numbers (e.g. 10, not np.inf).")
    H = _sigmoid(_XOR_X @ P["W1"].T + P["b1"])               # (4, 2)
    y = _sigmoid(H @ P["W2"].T + P["b2"])[:, 0]               # (4,)
    target = np.array(_GATES["XOR"], dtype=float)
    shown = ", ".join(f"{a:.2f}" for a in y)
    if np.all(np.abs(y - target) < 0.1):
        return f"outputs {shown} for inputs 00, 01, 10, 11"
    bits = (y > 0.5).astype(int).tolist()
    unit_gates = [_gate_of((H[:, j] > 0.5).astype(int).tolist()) for j in range(2)]
    # the output unit as a gate of its two hidden inputs, each hidden unit fully on (1) or off (0)
    out_gate = _gate_of((_sigmoid(_XOR_X @ P["W2"].T + P["b2"])[:, 0] > 0.5).astype(int).tolist())
    if set(unit_gates) == {"NAND", "OR"} and out_gate not in (None, "AND"):
        raise Wrong(f"the hidden units are right (an OR and a NAND), but the output unit computes {out_gate} of them, "
                    f"so the network outputs {shown} for inputs 00, 01, 10, 11. XOR = AND(OR, NAND): give the "
                    f"output unit weights (w, w) and bias -1.5 w.")
    if bits == _GATES["XOR"] or (min(y[1], y[2]) > max(y[0], y[3]) and bits not in list(_GATES.values())):
        raise Wrong(f"the right pattern (01 and 10 above 00 and 11), but not confident enough: outputs {shown} (need "
                    f"within 0.1 of 0, 1, 1, 0). The units are not saturated: multiply all weights and biases by 5 "
                    f"or 10 to make each unit a switch.")
    for gate, table in _GATES.items():
        if bits == table:
            raise Wrong(f"your network computes {gate}, not XOR: outputs {shown} for inputs 00, 01, 10, 11. "
                        f"XOR = AND(OR(a, b), NAND(a, b)): hidden unit 1 an OR, unit 2 a NAND, the output an AND of them.")
    raise Wrong(f"outputs {shown} for inputs 00, 01, 10, 11; XOR needs 0, 1, 1, 0. "
                f"Build it as AND(OR(a, b), NAND(a, b)), one gate per unit.")


def _gate_of(bits):
    """The name of the logic gate with this truth table on 00, 01, 10, 11 (None if it is not one of _GATES)."""
    for gate, table in _GATES.items():
        if bits == table:
            return gate
    return {(0, 0, 0, 0): "always-off", (1, 1, 1, 1): "always-on"}.get(tuple(bits))


@_exercise("1.3", "write your prediction in the cell above")
def check_1_3(prediction, solved):
    r"""Prediction: which hidden activation learns XOR from random weights more often ("sigmoid", "relu", "same").

    ``solved``: {"sigmoid": number of seeds that solved XOR, "relu": ...}, measured by the notebook.
    """
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    if not isinstance(solved, dict) or not {"sigmoid", "relu"} <= set(solved):
        raise Wrong("`solved` must be the notebook's dict {'sigmoid': runs solved, 'relu': runs solved}: run the "
                    "experiment cell as given.")
    s = _number(solved["sigmoid"], "solved['sigmoid']", "a count of runs")
    r = _number(solved["relu"], "solved['relu']", "a count of runs")
    if s != int(s) or r != int(r) or min(s, r) < 0 or max(s, r) > 10:
        raise Wrong(f"`solved` holds {s:g} and {r:g}: each is a count of the 10 seeds, from 0 to 10. Run the "
                    f"experiment cell as given.")
    s, r = int(s), int(r)
    _measured_as_rerun({"sigmoid": s, "relu": r}, _xor_solved())
    outcome = "sigmoid" if s > r else "relu" if r > s else "same"
    measured = f"sigmoid solved XOR in {s} runs, relu in {r} (same seeds, same training)"
    why = ("One likely reason: with only 2 hidden units, a ReLU unit that is off for all four inputs gets zero "
           "gradient and never recovers (a dead unit), so the small ReLU net gets stuck more often. The folklore "
           "'ReLU trains better' comes from deep nets with many units; the lesson's Claim check tests it on "
           "digits." if outcome == "sigmoid" else
           "Look at the final losses above: which runs got stuck, and why?")
    return _prediction("1.3", prediction, ("sigmoid", "relu", "same"), measured, outcome, why)


@_exercise("1.4", "fill in `results` and `smallest_switch_scale` in the cell above")
def check_1_4(results, smallest_switch_scale):
    r"""Explore: ``results = {scale: worst distance of the AND unit's outputs from 0/1}``;
    ``smallest_switch_scale``: the smallest scale whose worst distance is below 0.05."""
    res = _results_dict(results, key_name="scale")
    _answered(smallest_switch_scale, "smallest_switch_scale")
    for k in res:
        if not 0 < k <= 1e4:
            raise Wrong(f"scale {_fmt(k)}: try positive scales such as 1, 2, 5, 10, 20.")
    _verify(res, _worst_distance, "worst distance", 1e-6, diagnoses=(
        ("at scale {k} you stored {got}, which is 1 minus the worst distance ({want}): store the distance "
         "|output - target| itself, small when the unit is a switch.", lambda s: 1 - _worst_distance(s)),
        ("at scale {k} you stored {got}, the MEAN distance over the four inputs; the exercise asks for the worst "
         "(largest) one, {want}.", lambda s: _worst_distance(s, np.mean)),
    ), how="and_unit_worst_distance({k}) gives", at="scale {k}")
    answer = _setting(smallest_switch_scale, res, "smallest_switch_scale", "scale")
    switches = sorted(k for k, v in res.items() if v < 0.05)
    if not switches:
        raise Wrong(f"none of the scales you tried ({', '.join(_fmt(k) for k in sorted(res))}) makes the unit a "
                    f"switch (worst distance < 0.05): try larger scales, e.g. 10, 20, 50.")
    if res[answer] >= 0.05:
        raise Wrong(f"at scale {_fmt(answer)} the worst output is {res[answer]:.3g} away from 0 or 1, not below "
                    f"0.05: the unit is still a soft, graded detector there.")
    if answer != switches[0]:
        raise Wrong(f"scale {_fmt(answer)} works, but a smaller one you tried, {_fmt(switches[0])}, already does "
                    f"(worst distance {res[switches[0]]:.3g}).")
    return f"from scale {_fmt(answer)} on, the unit behaves as a logic gate"


def _worst_distance(scale, reduce=np.max):
    """The notebook's ``and_unit_worst_distance``: max |σ(s x1 + s x2 - 1.5 s) - AND(x1, x2)| over the 4 inputs."""
    out = _sigmoid(_XOR_X @ np.array([scale, scale]) - 1.5 * scale)     # (4,)
    return float(reduce(np.abs(out - np.array(_GATES["AND"]))))


@functools.lru_cache(maxsize=None)
def _xor_solved():
    """Exercise 1.3's experiment, re-run: how many of 10 seeds a 2-2-1 net with each hidden activation solves XOR."""
    from .. import Network, xor
    X, y = xor()
    solved = {}
    for hidden in ("sigmoid", "relu"):
        solved[hidden] = 0
        for seed in range(10):
            net = Network([2, 2, 1], [hidden, "sigmoid"], seed=seed)
            net.fit(X, target=y, epochs=1000, batch_size=4, lr=0.5)
            solved[hidden] += int(np.all((net.predict(X) > 0.5) == (y > 0.5)))
    return solved

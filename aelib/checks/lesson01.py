"""Exercise checks for Lesson 01: what does a hidden layer compute?"""
from __future__ import annotations

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _compare, _exercise,
                        _prediction, _results_dict, _rng, _sigmoid)

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
    H = _sigmoid(_XOR_X @ P["W1"].T + P["b1"])               # (4, 2)
    y = _sigmoid(H @ P["W2"].T + P["b2"])[:, 0]               # (4,)
    target = np.array(_GATES["XOR"], dtype=float)
    shown = ", ".join(f"{a:.2f}" for a in y)
    if np.all(np.abs(y - target) < 0.1):
        return f"outputs {shown} for inputs 00, 01, 10, 11"
    bits = (y > 0.5).astype(int).tolist()
    pattern = bits == _GATES["XOR"] or (min(y[1], y[2]) > max(y[0], y[3])
                                         and bits not in list(_GATES.values()))
    if pattern:
        raise Wrong(f"the right pattern (01 and 10 above 00 and 11), but not confident enough: outputs {shown} (need "
                    f"within 0.1 of 0, 1, 1, 0). "
                    f"The units are not saturated: multiply all weights and biases by 5 or 10 to make each unit a switch.")
    for gate, table in _GATES.items():
        if bits == table:
            raise Wrong(f"your network computes {gate}, not XOR: outputs {shown} for inputs 00, 01, 10, 11. "
                        f"XOR = AND(OR(a, b), NAND(a, b)): hidden unit 1 an OR, unit 2 a NAND, the output an AND of them.")
    raise Wrong(f"outputs {shown} for inputs 00, 01, 10, 11; XOR needs 0, 1, 1, 0. "
                f"Build it as AND(OR(a, b), NAND(a, b)), one gate per unit.")


@_exercise("1.3", "write your prediction in the cell above")
def check_1_3(prediction, solved):
    r"""Prediction: which hidden activation learns XOR from random weights more often ("sigmoid", "relu", "same").

    ``solved``: {"sigmoid": number of seeds that solved XOR, "relu": ...}, measured by the notebook.
    """
    s, r = int(solved["sigmoid"]), int(solved["relu"])
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
    res = _results_dict(results)
    answer = _answered(smallest_switch_scale, "smallest_switch_scale")
    switches = sorted(k for k, v in res.items() if v < 0.05)
    if not switches:
        raise Wrong(f"none of the scales you tried ({', '.join(f'{k:g}' for k in sorted(res))}) makes the unit a "
                    f"switch (worst distance < 0.05): try larger scales, e.g. 10, 20, 50.")
    if answer not in res:
        raise Wrong(f"{answer!r} is not one of the scales you tried ({', '.join(f'{k:g}' for k in sorted(res))}); "
                    f"answer with one of them.")
    if res[answer] >= 0.05:
        raise Wrong(f"at scale {answer:g} the worst output is {res[answer]:.3g} away from 0 or 1, not below 0.05: "
                    f"the unit is still a soft, graded detector there.")
    if answer != switches[0]:
        raise Wrong(f"scale {answer:g} works, but a smaller one you tried, {switches[0]:g}, already does "
                    f"(worst distance {res[switches[0]]:.3g}).")
    return f"from scale {answer:g} on, the unit behaves as a logic gate"

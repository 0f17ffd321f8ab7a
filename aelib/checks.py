r"""Checks for the exercise notebooks: one function per exercise, feedback that teaches.

Each ``check_N_M`` takes what the learner wrote (a function, a prediction, or the results of an
experiment), prints **one line** and returns ``True`` (correct) or ``False`` (a :class:`Result`, an int equal to
them that a notebook does not echo):

    ✓ Exercise 2.1: correct (tested on batches of 1, 4 and 33 rows, float32 and float64).
    ✗ Exercise 2.1: the result is 784 times too small: you averaged over the pixels too; ...
    Exercise 2.1: not answered yet — write your code in the cell above, then run this cell again.

How a check judges a function the learner wrote:

* it calls it on several seeded inputs (batch sizes 1, 4 and 33; float32 and float64) and compares
  with a reference computed here, in float64, with a tolerance that a float32 answer meets;
* when the answer differs, it compares it with the *typical wrong answers* (flipped sign,
  transposed weights, forgotten bias, sum instead of mean, wrong axis, noisy target, ...) and
  names the one that matches; otherwise it reports the shape or the largest difference;
* an answer that still raises ``NotImplementedError`` (the learner copy's placeholder), or a
  top-level answer still set to ``...``, is "not answered yet", never a traceback;
* any other error raised by the learner's code is reported in one line (type and message), with
  a hint when it is a shape mismatch in a matrix product.

Checks never change the learner's arrays, and use their own seeded generators.
Only numpy is imported here (``aelib.checks`` trains small models with ``aelib`` when a check needs it).
"""
from __future__ import annotations

import functools
import numbers

import numpy as np

__all__ = [f"check_{n}" for n in (
    "1_1", "1_2", "1_3", "1_4",
    "2_1", "2_2", "2_3", "2_4",
    "3_1", "3_2", "3_3", "3_4",
    "4_1", "4_2", "4_3",
    "5_1", "5_2", "5_3",
    "6_1", "6_2", "6_3", "6_4",
    "7_1", "7_2", "7_3", "7_4",
)]

BATCHES = (1, 4, 33)          # every function answer is tried on these batch sizes
DTYPES = (np.float64, np.float32)
TESTED_ON = "tested on batches of 1, 4 and 33 rows, float32 and float64"


# ---- the machinery ---------------------------------------------------------------------------

class Wrong(Exception):
    """Raised inside a check: the answer is wrong, and the message says how."""


class NotAnswered(Exception):
    """Raised inside a check: the learner has not answered yet."""


class Result(int):
    """What a check returns: equal to True or False (``if check(...)`` works), shown as ``True``/``False``.

    In a notebook it displays nothing (the printed line is the feedback), so that a check call can be
    the last line of a cell without echoing ``True`` under it.
    """

    def __new__(cls, ok):
        return super().__new__(cls, bool(ok))

    def __repr__(self):
        return repr(bool(self))

    __str__ = __repr__

    def _ipython_display_(self):
        pass


def _exercise(number: str, what: str = "write your code in the cell above"):
    """Decorator: turn a check body into a one-line verdict, printed and returned as a bool.

    The body returns ``None`` or a short note (printed after "correct"), or raises
    :class:`Wrong` / :class:`NotAnswered`. ``NotImplementedError`` raised by learner code counts
    as not answered; any other exception from learner code is reported in one line.
    """
    def deco(body):
        @functools.wraps(body)
        def check(*args, **kwargs):
            try:
                note = body(*args, **kwargs)
            except (NotAnswered, NotImplementedError):
                print(f"Exercise {number}: not answered yet — {what}, then run this cell again.")
                return Result(False)
            except Wrong as e:
                print(f"✗ Exercise {number}: {e}")
                return Result(False)
            print(f"✓ Exercise {number}: correct" + (f" ({note})." if note else "."))
            return Result(True)
        check.exercise = number
        return check
    return deco


def _answered(value, name: str):
    """Top-level answers start as ``...`` in the learner copy."""
    if value is Ellipsis or value is NotImplemented:
        raise NotAnswered(name)
    return value


MATMUL_HINT = (" A matrix product got shapes that do not fit: W has shape (n_out, n_in), so a batch "
               "X of shape (batch, n_in) is multiplied as X @ W.T. Check which matrix you transposed.")


def _call(fn, *args, name: str = "your function", shape_hint: str = MATMUL_HINT, **kwargs):
    """Call learner code; turn its errors (other than NotImplementedError) into a :class:`Wrong`."""
    if not callable(fn):
        raise Wrong(f"expected a function, got {type(fn).__name__} {fn!r:.60}. Pass the function itself "
                    f"(no parentheses after its name).")
    try:
        out = fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as e:  # learner code: report it in one line
        msg = str(e).splitlines()[0] if str(e) else ""
        hint = ""
        if isinstance(e, ValueError) and ("matmul" in msg or "shapes" in msg or "aligned" in msg):
            hint = shape_hint
        elif isinstance(e, (ValueError, IndexError)) and "broadcast" in msg:
            hint = " Two arrays of different shapes were combined: check each array's shape and which bias goes where."
        raise Wrong(f"{name} raised {type(e).__name__}: {msg[:160]}.{hint}") from None
    if out is None:
        raise Wrong(f"{name} returned None: did you forget the `return`?")
    return out


def _array(out, name="your function"):
    try:
        a = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise Wrong(f"{name} returned {type(out).__name__}, not an array of numbers.") from None
    return a


def _close(a, b, rtol=2e-4, atol=None) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    if atol is None:
        atol = rtol * 1e-2 * max(1.0, float(np.abs(b).max(initial=0.0)))
    return bool(np.all(np.isfinite(a) == np.isfinite(b))
                and np.allclose(a[np.isfinite(b)], b[np.isfinite(b)], rtol=rtol, atol=atol))


def _compare(got, expected, wrong: dict, shape_name: str, name="your function", rtol=2e-4, atol=None):
    """Accept ``got`` if it equals ``expected``; else raise :class:`Wrong` saying what is wrong.

    ``wrong`` maps a message to the array a typical mistake would give (or a callable returning
    it, evaluated lazily). ``shape_name``: how the expected shape is written, e.g. "(batch, n_hidden)".
    """
    g = _array(got, name)
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape:
        for msg, arr in wrong.items():
            arr = arr() if callable(arr) else arr
            if arr is not None and np.shape(arr) == g.shape and g.shape != e.shape and _close(g, arr, rtol, atol):
                raise Wrong(msg)
        if g.ndim == 2 and g.shape == e.shape[::-1]:
            raise Wrong(f"the result has shape {g.shape}, the transpose of the expected {shape_name} = {e.shape}: "
                        f"look for a transposed matrix (W has shape (n_out, n_in); a batch is a matrix of rows).")
        if g.size == 1 and e.size > 1:
            raise Wrong(f"the result is a single number, expected an array of shape {shape_name} = {e.shape}: "
                        f"did you sum or average over an axis too many?")
        raise Wrong(f"wrong shape: expected {shape_name} = {e.shape}, got {g.shape}.")
    if _close(g, e, rtol, atol):
        return
    if not np.all(np.isfinite(g)):
        raise Wrong(f"the result contains {int((~np.isfinite(g)).sum())} NaN or infinite value(s) where the "
                    f"expected values are finite.")
    for msg, arr in wrong.items():
        arr = arr() if callable(arr) else arr
        if arr is not None and _close(g, arr, rtol, atol):
            raise Wrong(msg)
    diff = np.abs(g - e)
    i = np.unravel_index(int(np.argmax(diff)), diff.shape)
    where = f" at index {tuple(int(k) for k in i)}" if g.ndim else ""
    raise Wrong(f"the values differ from the expected ones: largest difference {float(diff[i]):.3g}{where} "
                f"(you gave {float(g[i]):.3g}, expected {float(e[i]):.3g}).")


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _rng(seed):
    return np.random.default_rng(seed)


def _choice(value, options, name="prediction"):
    """A prediction must be one of ``options`` (strings, compared case-insensitively)."""
    _answered(value, name)
    if not isinstance(value, str):
        raise Wrong(f"`{name}` must be one of {', '.join(repr(o) for o in options)} (a string). "
                    f"Got {value!r} ({type(value).__name__}).")
    v = value.strip().strip("'\"").lower()
    if v not in options:
        raise Wrong(f"`{name}` must be one of {', '.join(repr(o) for o in options)}. Got {value!r}.")
    return v


def _prediction(number, prediction, options, measured: str, outcome: str, why: str):
    """Shared body of the predict-then-run checks: compare the prediction with ``outcome``."""
    p = _choice(prediction, options)
    if p == outcome:
        return f"you predicted {p!r} and the experiment agrees: {measured}"
    raise Wrong(f"you predicted {p!r}, the experiment says {outcome!r}: {measured}. {why}")


def _results_dict(results, name="results", min_settings=3):
    """An explore exercise's ``results``: a dict {setting: measured number}, at least 3 settings."""
    _answered(results, name)
    if not isinstance(results, dict):
        raise Wrong(f"`{name}` must be a dict {{setting: measured value}}, e.g. {{0.1: 2.5, 0.3: 1.9}}. "
                    f"Got {type(results).__name__}.")
    if len(results) < min_settings:
        raise Wrong(f"`{name}` has {len(results)} setting(s); try at least {min_settings} different values "
                    f"so that you can see a trend.")
    out = {}
    for k, v in results.items():
        if isinstance(v, (tuple, list)) or not isinstance(v, (numbers.Real, np.floating, np.integer)):
            raise Wrong(f"`{name}[{k!r}]` must be one number (the measurement for that setting). Got {v!r}.")
        out[k] = float(v)
    return out


# ---- lesson 01: what does a hidden layer compute? --------------------------------------------

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


# ---- lesson 02: autoencoder basics ------------------------------------------------------------

def _probs(batch, n, dtype, seed, low=0.02, high=0.98):
    r = _rng(seed + 7 * batch)
    X = r.random((batch, n)).astype(dtype)                      # targets in [0, 1]
    X[:, : n // 3] = np.round(X[:, : n // 3])                   # some binary pixels, as in digits
    Z = (low + (high - low) * r.random((batch, n))).astype(dtype)   # outputs in (0, 1)
    return Z, X


@_exercise("2.1")
def check_2_1(cross_entropy):
    r"""``cross_entropy(Z, X)``: ``-Σ_k [x log z + (1-x) log(1-z)]`` summed over pixels, averaged over the batch."""
    n = 12
    for batch in BATCHES:
        for dt in DTYPES:
            Z, X = _probs(batch, n, dt, seed=1)
            Zd, Xd = Z.astype(np.float64), X.astype(np.float64)
            ell = -(Xd * np.log(Zd) + (1 - Xd) * np.log(1 - Zd))      # (batch, n)
            want = ell.sum(axis=1).mean()
            got = _call(cross_entropy, Z.copy(), X.copy(), name="cross_entropy")
            g = _array(got, "cross_entropy")
            if g.shape == (batch,) and batch > 1 and _close(g, ell.sum(axis=1)):
                raise Wrong(f"you returned one loss per example (shape {g.shape}); average them over the batch "
                            f"to get one number.")
            if g.shape == (n,) and n != batch and _close(g, ell.mean(axis=0)):
                raise Wrong("wrong axis: you averaged over the batch (axis 0) and kept one number per pixel; sum over "
                            "the pixels (axis 1) and average over the examples (axis 0).")
            wrong = {
                "the sign is flipped: the loss must be positive. It is MINUS the log-likelihood: -Σ [x log z + (1-x) log(1-z)].":
                    -want,
                f"sum vs mean: the result is n_visible times (here {n} pixels) too small because you averaged over "
                f"the pixels too; "
                f"sum over the pixels (axis 1), average over the examples (axis 0).":
                    ell.mean(),
                "the (1 - x) log(1 - z) term is missing: without it the loss ignores the pixels that should be off.":
                    -(Xd * np.log(Zd)).sum(axis=1).mean(),
                "the arguments are swapped: the target x weights the logs of the output z, x log z, not z log x.":
                    -(Zd * np.log(Xd.clip(1e-300)) + (1 - Zd) * np.log((1 - Xd).clip(1e-300))).sum(axis=1).mean(),
                "wrong axis: you averaged over the pixels and summed over the batch; sum over pixels (axis 1), average over examples (axis 0).":
                    ell.mean(axis=1).sum() if batch > 1 else None,
            }
            if batch > 1:
                wrong["sum vs mean: the result grows with the batch size because you summed over the examples too; "
                      "average over the batch (divide by the number of rows)."] = ell.sum()
            _compare(g if g.size != 1 else g.reshape(()), want, wrong, "a single number ()", "cross_entropy")
    return TESTED_ON


def _orth(A):
    return np.linalg.qr(A)[0]


def _angles(A, B):
    s = np.linalg.svd(_orth(A).T @ _orth(B), compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(s, -1, 1))))


@_exercise("2.2")
def check_2_2(principal_angles):
    r"""``principal_angles(A, B)``: angles in degrees between the column spaces of ``A: (n, k)`` and ``B: (n, k)``,
    sorted from smallest to largest."""
    cases = []
    r = _rng(5)
    A = r.normal(0, 1, (20, 3))
    cases.append((A, A @ r.normal(0, 1, (3, 3))))                       # same subspace, other basis: all 0
    B = r.normal(0, 1, (20, 3))
    cases.append((A, B))
    cases.append((A * [1, 10, 0.1], 0.5 * A + 0.2 * B))                 # badly scaled columns
    Q = np.eye(6)[:, :2]
    R = np.stack([np.eye(6)[:, 0], np.cos(0.3) * np.eye(6)[:, 1] + np.sin(0.3) * np.eye(6)[:, 2]], 1)
    cases.append((Q, R))                                                 # known answer: 0° and 17.2°
    for dt in DTYPES:
        for A_, B_ in cases:
            A_, B_ = A_.astype(dt), B_.astype(dt)
            got = _call(principal_angles, A_.copy(), B_.copy(), name="principal_angles")
            g = _array(got, "principal_angles")
            want = _angles(A_.astype(np.float64), B_.astype(np.float64))
            cos = np.cos(np.radians(want))
            raw = np.linalg.svd(A_.astype(np.float64).T @ B_.astype(np.float64), compute_uv=False)
            wrong = {
                "you used the rows of A and B; the subspaces are spanned by their COLUMNS (A has shape (n, k): "
                "k directions in n dimensions), so orthonormalise A and B themselves.":
                    lambda: _angles(A_.T.astype(np.float64), B_.T.astype(np.float64)),
                "these look like radians; return degrees (np.degrees), e.g. 90 for perpendicular subspaces.":
                    np.radians(want),
                "these are the cosines of the angles (the singular values); take np.arccos and convert to degrees.":
                    cos,
                "sorted the wrong way: return the angles from smallest to largest.":
                    want[::-1],
                "orthonormalise the columns first (np.linalg.qr): the singular values of Aᵀ B are cosines only "
                "when A and B have orthonormal columns.":
                    lambda: np.sort(np.degrees(np.arccos(np.clip(raw, -1, 1)))),
            }
            if g.shape == want.shape and not np.all(np.isfinite(g)):
                raise Wrong("the result contains NaN: rounding can push a cosine slightly above 1, where arccos is "
                            "undefined; clip the singular values to [-1, 1] first.")
            # arccos is steep near 1: float32 cosines give angles good to about 0.03 degrees
            _compare(g, want, wrong, "(k,)", "principal_angles", rtol=1e-3,
                     atol=0.15 if dt == np.float32 else 1e-3)
    return "including a case with known angles 0° and 17.2°"


@_exercise("2.3", "write your prediction in the cell above")
def check_2_3(prediction, loss_minibatch, loss_full_batch, epochs):
    r"""Prediction: after the same number of epochs, which reaches the lower training loss, "minibatch" or "full batch"."""
    outcome = "minibatch" if loss_minibatch < loss_full_batch else "full batch"
    measured = (f"after {epochs} epoch(s), minibatches reached {loss_minibatch:.3g} and full batch {loss_full_batch:.3g} "
                f"(cross-entropy per digit, nats)")
    why = ("Per epoch, minibatches take many small steps (one per batch) where full-batch descent takes one, "
           "so they get much further for the same pass over the data. (Both runs here share lr 0.1; the "
           "lesson's Claim check 02.sgd tunes each batch size's rate on validation digits and finds the same "
           "order.)" if outcome == "minibatch" else
           "On this run the full batch got further; compare the number of steps each took.")
    return _prediction("2.3", prediction, ("minibatch", "full batch"), measured, outcome, why)


@_exercise("2.4", "fill in `results` and `best_m` in the cell above")
def check_2_4(results, best_m):
    r"""Explore: ``results = {n_hidden: held-out loss}`` (at least 3 sizes); ``best_m`` = the size with the lowest loss."""
    res = _results_dict(results)
    m = _answered(best_m, "best_m")
    if m not in res:
        raise Wrong(f"{m!r} is not one of the sizes you tried ({', '.join(str(k) for k in sorted(res))}).")
    best = min(res, key=res.get)
    worst = max(res, key=res.get)
    if m == worst and m != best:
        raise Wrong(f"n_hidden = {m} has the HIGHEST held-out loss you measured ({res[m]:.3g}); the lowest is "
                    f"{res[best]:.3g} at n_hidden = {best}. Lower loss = better reconstruction.")
    if m != best:
        raise Wrong(f"n_hidden = {best} has a lower held-out loss ({res[best]:.3g}) than n_hidden = {m} ({res[m]:.3g}).")
    return f"n_hidden = {m} reconstructs held-out digits best among the sizes you tried"


# ---- lesson 03: deriving the gradients --------------------------------------------------------

@_exercise("3.1")
def check_3_1(output_error):
    r"""``output_error(Z, X)`` = ∂L/∂A of the output pre-activation for sigmoid + cross-entropy, batch-averaged:
    ``(Z - X) / batch``."""
    n = 10
    for batch in BATCHES:
        for dt in DTYPES:
            Z, X = _probs(batch, n, dt, seed=3)
            Zd, Xd = Z.astype(np.float64), X.astype(np.float64)
            want = (Zd - Xd) / batch
            got = _call(output_error, Z.copy(), X.copy(), name="output_error")
            wrong = {
                "the sign is flipped: you returned x - z, the NEGATIVE gradient (the quoted formulas' convention). "
                "∂L/∂a = z - x; gradient descent then subtracts it.":
                    (Xd - Zd) / batch,
                "the extra factor z (1 - z) should not be there: with a sigmoid output and cross-entropy it cancels. "
                "(That factor belongs to squared error.)":
                    (Zd - Xd) * Zd * (1 - Zd) / batch,
                f"the result is {n} times too small: the loss is summed over pixels, so do not divide by n_visible.":
                    (Zd - Xd) / (batch * n),
            }
            if batch > 1:
                wrong[f"not averaged over the batch: the loss is a mean over examples, so divide by the batch size "
                      f"(here {batch})."] = Zd - Xd
                wrong["sign flipped AND not averaged over the batch: use (z - x) / batch."] = Xd - Zd
            _compare(got, want, wrong, "(batch, n_visible)", "output_error")
    return TESTED_ON


def _tied_problem(batch, dt, seed=11, n=7, m=4):
    r = _rng(seed + batch)
    X = r.random((batch, n)).astype(dt)
    W = r.normal(0, 0.7, (m, n)).astype(dt)
    b = r.normal(0, 0.3, m).astype(dt)
    bp = r.normal(0, 0.3, n).astype(dt)
    return X, W, b, bp


def _tied_parts(X, W, b, bp):
    """Encoder and decoder contributions of the tied sigmoid + cross-entropy gradient, batch-averaged."""
    B = X.shape[0]
    H = _sigmoid(X @ W.T + b)                  # (batch, m)
    Z = _sigmoid(H @ W + bp)                   # (batch, n)
    dA2 = (Z - X) / B                          # (batch, n)
    dW_dec = dA2.T @ H                         # (n, m)   decoder path, as W' = Wᵀ
    dA1 = (dA2 @ W.T) * H * (1 - H)            # (batch, m)
    dW_enc = dA1.T @ X                         # (m, n)   encoder path
    return dW_enc, dW_dec.T


@_exercise("3.2")
def check_3_2(tied_grad_W):
    r"""``tied_grad_W(X, W, b, b_prime)`` = ∂L/∂W for a tied sigmoid autoencoder with cross-entropy,
    averaged over the batch: encoder path + decoder path, shape ``(n_hidden, n_visible)``."""
    for batch in BATCHES:
        for dt in DTYPES:
            X, W, b, bp = _tied_problem(batch, dt)
            enc, dec = _tied_parts(*(a.astype(np.float64) for a in (X, W, b, bp)))
            want = enc + dec
            got = _call(tied_grad_W, X.copy(), W.copy(), b.copy(), bp.copy(), name="tied_grad_W")
            wrong = {
                "only the encoder path: with tied weights W is also the decoder (W' = Wᵀ), so add the decoder "
                "path's gradient, transposed: dW = dW_enc + dW_decᵀ.": enc,
                "only the decoder path: W is also used by the encoder, add its gradient (dA1ᵀ X with "
                "dA1 = (dA2 Wᵀ) ⊙ h (1 - h)).": dec,
                "the sign is flipped: this is the NEGATIVE gradient, like the formulas quoted in the notes. "
                "Use dA2 = z - x, not x - z.": -want,
                "you returned the two paths' gradients combined with a minus; both paths add: dW = dW_enc + dW_decᵀ.":
                    enc - dec,
            }
            if batch > 1:
                wrong[f"not averaged over the batch: divide by the batch size (here {batch}), the loss is a mean "
                      f"over examples."] = want * batch
            _compare(got, want, wrong, "(n_hidden, n_visible)", "tied_grad_W")
    return TESTED_ON + "; matches encoder + decoder paths"


@_exercise("3.3", "write your prediction in the cell above")
def check_3_3(prediction, loss_before, loss_after):
    r"""Prediction: does the loss go "down" or "up" after ``W_new = W_old + ε · quoted_formula``?"""
    outcome = "down" if loss_after < loss_before else "up"
    measured = f"the loss went from {loss_before:.3g} to {loss_after:.3g}"
    why = ("The quoted formulas are the NEGATIVE gradient (they are built from x - z). Adding them is a "
           "descent step; the textbook update W - ε ∂L/∂W with these formulas would climb the loss."
           if outcome == "down" else "Check the step size: a huge ε can overshoot even in a descent direction.")
    return _prediction("3.3", prediction, ("down", "up"), measured, outcome, why)


@_exercise("3.4", "fill in `results` and `best_eps` in the cell above")
def check_3_4(results, best_eps):
    r"""Explore: ``results = {eps: worst relative error of the finite-difference check}`` in float32;
    ``best_eps``: the step with the smallest error."""
    res = _results_dict(results)
    e = _answered(best_eps, "best_eps")
    if e not in res:
        raise Wrong(f"{e!r} is not one of the steps you tried ({', '.join(f'{k:g}' for k in sorted(res))}).")
    best = min(res, key=res.get)
    if e == min(res) and e != best:
        raise Wrong(f"the smallest step is not the most accurate: at eps = {e:g} the error is {res[e]:.3g}, at "
                    f"{best:g} it is {res[best]:.3g}. In float32, L(θ+ε) - L(θ-ε) loses most of its digits to "
                    f"rounding when ε is tiny.")
    if e != best:
        raise Wrong(f"eps = {best:g} gave a smaller error ({res[best]:.3g}) than eps = {e:g} ({res[e]:.3g}).")
    return f"eps = {e:g}: too large a step measures curvature, too small a step measures rounding"


# ---- lesson 04: tied weights and the inverse decoder --------------------------------------------

@_exercise("4.1")
def check_4_1(inverse_decoder):
    r"""``inverse_decoder(H, W, b)`` = ``(arctanh(H) - b) W``: the "mirror image" of ``H = tanh(X Wᵀ + b)``,
    shapes ``(batch, n_hidden), (n_hidden, n_visible), (n_hidden,) -> (batch, n_visible)``."""
    n, m = 6, 4
    for batch in BATCHES:
        for dt in DTYPES:
            r = _rng(40 + batch)
            H = r.uniform(-0.9, 0.9, (batch, m)).astype(dt)
            W = r.normal(0, 1, (m, n)).astype(dt)
            b = r.normal(0, 1, m).astype(dt)
            Hd, Wd, bd = (a.astype(np.float64) for a in (H, W, b))
            want = (np.arctanh(Hd) - bd) @ Wd
            got = _call(inverse_decoder, H.copy(), W.copy(), b.copy(), name="inverse_decoder", shape_hint=(
                " A matrix product got shapes that do not fit: here the code (batch, n_hidden) goes back to "
                "(batch, n_visible) through W itself, (n_hidden, n_visible): (...) @ W, not @ W.T."))
            g = _array(got, "inverse_decoder")
            if g.shape == want.shape and not np.all(np.isfinite(g)):
                raise Wrong("the result contains NaN or inf: arctanh only accepts values in (-1, 1). Apply it to H "
                            "first (it undoes the encoder's LAST step, tanh), then subtract b, then multiply by W.")
            _compare(g, want, {
                "the bias is not removed: undo the encoder in reverse order, first arctanh, then subtract b, then the "
                "linear map: (arctanh(H) - b) W.": np.arctanh(Hd) @ Wd,
                "the bias is added; undoing + b means subtracting it: (arctanh(H) - b) W.": (np.arctanh(Hd) + bd) @ Wd,
                "tanh instead of its inverse: undoing h = tanh(a) needs a = arctanh(h).": (np.tanh(Hd) - bd) @ Wd,
                "arctanh is missing: H = tanh(a), so the pre-activation is a = arctanh(H); then subtract b, then @ W.":
                    (Hd - bd) @ Wd,
            }, "(batch, n_visible)", "inverse_decoder")
    return TESTED_ON


@_exercise("4.2", "write your prediction in the cell above")
def check_4_2(prediction, n_params_tied, n_params_untied, val_tied, val_untied):
    r"""Prediction: which has the lower held-out loss after the same training, "tied", "untied" or "about equal"
    (within 2 %)."""
    rel = (val_untied - val_tied) / val_tied
    outcome = "about equal" if abs(rel) < 0.02 else "tied" if rel > 0 else "untied"
    measured = (f"held-out loss tied {val_tied:.3g} ({n_params_tied:,} parameters) vs untied {val_untied:.3g} "
                f"({n_params_untied:,} parameters), a {100 * abs(rel):.2g} % difference")
    why = {"tied": "The tied model was ahead in this short run; both start with b' = 0, and lesson 04's claim check "
                   "shows that from this start an untied net can stay on the average-digit plateau while the tied one "
                   "leaves it. From the average-digit start, untied was ahead at every size once trained for 6 epochs "
                   "or more, so this is not evidence that tying regularises.",
           "untied": "The untied model's extra freedom paid off on held-out digits here, as in lesson 04's claim check "
                     "after 6 and 20 epochs; tying is a constraint, not a must.",
           "about equal": "Tying halves the parameters at almost no cost here: it is a constraint, optional."}[outcome]
    return _prediction("4.2", prediction, ("tied", "untied", "about equal"), measured, outcome, why)


@_exercise("4.3", "fill in `results` and `first_bad_h` in the cell above")
def check_4_3(results, first_bad_h):
    r"""Explore: ``results = {h: |arctanh(h + 0.001) - arctanh(h)|}`` (NaN allowed past 1); ``first_bad_h``: the
    smallest ``h`` you tried where that error is NaN or larger than 1."""
    _answered(results, "results")
    if isinstance(results, dict):
        results = {k: (float("nan") if v is None else v) for k, v in results.items()}
    res = _results_dict(results)
    h = _answered(first_bad_h, "first_bad_h")
    bad = sorted(k for k, v in res.items() if not np.isfinite(v) or v > 1)
    if not bad:
        raise Wrong(f"none of the h you tried ({', '.join(f'{k:g}' for k in sorted(res))}) gives an error above 1 "
                    f"or NaN: try values closer to 1, such as 0.999, 0.9995, 0.9999.")
    if h not in res:
        raise Wrong(f"{h!r} is not one of the h you tried.")
    if h not in bad:
        raise Wrong(f"at h = {h:g} the error is {res[h]:.3g}, still small; a 0.001 error only becomes larger than 1 "
                    f"(or NaN) from h = {bad[0]:g} on among your values.")
    if h != bad[0]:
        raise Wrong(f"h = {h:g} is bad, but a smaller value you tried, {bad[0]:g}, already is ({res[bad[0]]:.3g}).")
    return f"near 1, arctanh turns a 0.001 error into {res[h]:.3g}"


# ---- lesson 05: choosing activations -------------------------------------------------------------

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
    from .activations import ACTIVATIONS
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


# ---- lesson 06: denoising ---------------------------------------------------------------------------

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
    from .model import Autoencoder
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


# ---- lesson 07: reusing trained weights --------------------------------------------------------------

@_exercise("7.1")
def check_7_1(transplant):
    r"""``transplant(source, target, scale)``: set ``target``'s ``W`` to ``scale * source``'s ``W`` (a copy), reset
    both biases to 0, leave ``source`` unchanged, and return ``target``."""
    from .model import Autoencoder
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

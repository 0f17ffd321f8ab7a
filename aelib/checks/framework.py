"""The framework of the exercise checks: the one-line verdict, calling learner code, comparing answers.

Each lesson's checks (``lesson01.py`` ... ) are written with these pieces; ``aelib/checks/__init__.py``
re-exports them all, so ``from aelib import checks; checks.check_1_1(layer)`` works.
"""
from __future__ import annotations

import functools
import numbers

import numpy as np

BATCHES = (1, 4, 33)          # every function answer is tried on these batch sizes
DTYPES = (np.float64, np.float32)
TESTED_ON = "tested on batches of 1, 4 and 33 rows, float32 and float64"


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


def _probs(batch, n, dtype, seed, low=0.02, high=0.98):
    """Outputs ``Z`` in (low, high) and targets ``X`` in [0, 1] (a third of them binary), for lessons 02 and 03."""
    r = _rng(seed + 7 * batch)
    X = r.random((batch, n)).astype(dtype)                      # targets in [0, 1]
    X[:, : n // 3] = np.round(X[:, : n // 3])                   # some binary pixels, as in digits
    Z = (low + (high - low) * r.random((batch, n))).astype(dtype)   # outputs in (0, 1)
    return Z, X


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

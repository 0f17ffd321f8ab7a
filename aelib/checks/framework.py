"""The framework of the exercise checks: the one-line verdict, calling learner code, comparing answers.

Each lesson's checks (``lesson01.py`` ... ) are written with these pieces; ``aelib/checks/__init__.py``
re-exports them all, so ``from aelib import checks; checks.check_1_1(layer)`` works.
"""
from __future__ import annotations

import functools
import numbers

import numpy as np

BATCHES = (4, 33, 1)          # every function answer is tried on these batch sizes (4 first: a batch of 1
                              # hides the batch mistakes, a sum instead of a mean, a wrong axis)
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


def _one_line(text: str, limit: int = 600) -> str:
    """A message as one line: newlines folded, very long text cut (a check prints exactly one line)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _exercise(number: str, what: str = "write your code in the cell above"):
    """Decorator: turn a check body into a one-line verdict, printed and returned as a bool.

    The body returns ``None`` or a short note (printed after "correct"), or raises
    :class:`Wrong` / :class:`NotAnswered`. ``NotImplementedError`` raised by learner code counts
    as not answered; any other exception from learner code is reported in one line, and so is an
    answer of a type the check cannot judge at all (the line says what was expected): a check
    never shows a traceback.
    """
    def deco(body):
        @functools.wraps(body)
        def check(*args, **kwargs):
            try:
                with np.errstate(all="ignore"):
                    note = body(*args, **kwargs)
            except (NotAnswered, NotImplementedError):
                print(f"Exercise {number}: not answered yet — {what}, then run this cell again.")
                return Result(False)
            except Wrong as e:
                print(_one_line(f"✗ Exercise {number}: {e}"))
                return Result(False)
            except RecursionError:
                print(f"✗ Exercise {number}: the answer calls itself without end (RecursionError).")
                return Result(False)
            except Exception as e:  # an answer of a kind the check did not foresee: still one line
                msg = _one_line(str(e), 160)
                print(_one_line(f"✗ Exercise {number}: this answer cannot be judged ({type(e).__name__}: {msg}); "
                                f"see the exercise text for what to pass: {_signature(body)}."))
                return Result(False)
            print(_one_line(f"✓ Exercise {number}: correct" + (f" ({note})." if note else ".")))
            return Result(True)
        check.exercise = number
        return check
    return deco


def _signature(body) -> str:
    import inspect
    return f"{body.__name__.replace('check_', 'checks.check_')}{inspect.signature(body)}"


def _answered(value, name: str):
    """Top-level answers start as ``...`` in the learner copy."""
    if value is Ellipsis or value is NotImplemented:
        raise NotAnswered(name)
    return value


MATMUL_HINT = (" A matrix product got shapes that do not fit: W has shape (n_out, n_in), so a batch "
               "X of shape (batch, n_in) is multiplied as X @ W.T. Check which matrix you transposed.")


BROADCAST_HINT = " Two arrays of different shapes were combined: check each array's shape and which bias goes where."


def _call(fn, *args, name: str = "your function", shape_hint: str = MATMUL_HINT,
          broadcast_hint: str = BROADCAST_HINT, **kwargs):
    """Call learner code; turn its errors (other than NotImplementedError) into a :class:`Wrong`.

    A broadcasting error (``operands could not be broadcast together with shapes ...``) gets
    ``broadcast_hint``, a matrix-product error (``matmul: ... mismatch``, ``shapes ... not aligned``)
    gets ``shape_hint``: numpy's two messages both mention shapes, so broadcasting is tested first.
    """
    if not callable(fn):
        raise Wrong(f"expected a function, got {type(fn).__name__} {_short(fn, 60)}. Pass the function itself "
                    f"(no parentheses after its name).")
    try:
        out = fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except RecursionError:
        raise Wrong(f"{name} calls itself without end (RecursionError).") from None
    except Exception as e:  # learner code: report it in one line
        msg = str(e).strip().splitlines()[0].strip() if str(e).strip() else ""
        hint = ""
        if isinstance(e, (ValueError, IndexError)) and "broadcast" in msg:
            hint = broadcast_hint
        elif isinstance(e, ValueError) and ("matmul" in msg or "shapes" in msg or "aligned" in msg):
            hint = shape_hint
        raise Wrong(f"{name} raised {type(e).__name__}: {msg[:160]}.{hint}") from None
    if out is None:
        raise Wrong(f"{name} returned None: did you forget the `return`?")
    return out


def _array(out, name="your function"):
    """``out`` as a float64 array, or :class:`Wrong` saying why it is not an array of real numbers."""
    if isinstance(out, (str, bytes, dict, set)) or out is Ellipsis:
        raise Wrong(f"{name} returned {type(out).__name__} {out!r:.40}, not an array of numbers.")
    try:
        is_complex = np.iscomplexobj(out)
    except (TypeError, ValueError):
        is_complex = False
    if is_complex:
        raise Wrong(f"{name} returned complex numbers; every quantity here is real (look for a square root or "
                    f"log of a negative number).")
    try:
        a = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise Wrong(f"{name} returned {type(out).__name__}, not an array of numbers"
                    f"{' (rows of different lengths?)' if isinstance(out, (list, tuple)) else ''}.") from None
    if getattr(np.asarray(out), "dtype", None) == np.float16:
        raise Wrong(f"{name} returned float16 values: a precision problem. float16 keeps about 3 significant "
                    f"digits, too few to compare; compute in the inputs' dtype (float32 or float64), without "
                    f"casting to float16.")
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
    digits = 3
    while digits < 9 and f"{float(g[i]):.{digits}g}" == f"{float(e[i]):.{digits}g}":
        digits += 1                                      # show as many digits as it takes to see the difference
    raise Wrong(f"the values differ from the expected ones: largest difference {float(diff[i]):.3g}{where} "
                f"(you gave {float(g[i]):.{digits}g}, expected {float(e[i]):.{digits}g}).")


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


@functools.lru_cache(maxsize=None)
def _digits(split: str, n: int):
    """``n`` digits of ``aelib.load_digits(split)`` with every class equally represented, as the exercise
    notebooks take them: ``aelib.claims.balanced_subset(digits, n).X`` (read-only). The files are sorted
    by class, so the first ``n`` would hold only the first few digits."""
    from ..claims import balanced_subset
    from ..datasets import load_digits
    X = balanced_subset(load_digits(split), n).X.copy()
    X.flags.writeable = False
    return X


@functools.lru_cache(maxsize=None)
def _fit_and_validation(n_fit: int = 2000, n_val: int = 500):
    """Exercise 09's digits: ``n_fit`` class-balanced fitting digits and ``n_val`` validation digits (50 of
    each class), disjoint, from ``aelib.claims.validation_split`` (read-only)."""
    from ..claims import balanced_subset, validation_split
    from ..datasets import load_digits
    fit, val = validation_split(load_digits("train"), n_val)
    X_fit, X_val = balanced_subset(fit, n_fit).X.copy(), val.X.copy()
    X_fit.flags.writeable = X_val.flags.writeable = False
    return X_fit, X_val


def _measured_as_rerun(given: dict, rerun: dict, rtol: float = 1e-4):
    """A predict check's measured numbers must be the experiment's: ``given`` and ``rerun`` map a name to a value.

    The check re-runs the notebook's experiment with its seeds (``rerun``); numbers that differ mean the
    experiment cell was edited (or its numbers typed in), and the prediction is not judged against them.
    """
    off = [k for k in given if not _same(float(given[k]), float(rerun[k]), rtol)]
    if off:
        shown = ", ".join(f"{k} {'%s' % _fmt_pair(given[k], rerun[k])[0]}" for k in off)
        again = ", ".join(f"{k} {'%s' % _fmt_pair(given[k], rerun[k])[1]}" for k in off)
        raise Wrong(f"the measured numbers passed to the check ({shown}) are not what the experiment gives when "
                    f"re-run with the notebook's seeds ({again}): run the experiment cell as given, without editing "
                    f"it, and judge your prediction by what it measures.")


def _choice(value, options, name="prediction"):
    """A prediction must be one of ``options`` (strings, compared case-insensitively)."""
    _answered(value, name)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (list, tuple)) and len(value) == 1 and isinstance(value[0], str):
        raise Wrong(f"`{name}` must be one string, one of {', '.join(repr(o) for o in options)}, not a "
                    f"{type(value).__name__}: write {name} = {value[0]!r}.")
    if not isinstance(value, str):
        raise Wrong(f"`{name}` must be one of {', '.join(repr(o) for o in options)} (a string). "
                    f"Got {_short(value)} ({type(value).__name__}).")
    v = " ".join(value.strip().strip("'\"").lower().replace("-", " ").replace("_", " ").split())
    if v not in options:
        raise Wrong(f"`{name}` must be one of {', '.join(repr(o) for o in options)}. Got {_short(value)}.")
    return v


def _prediction(number, prediction, options, measured: str, outcome: str, why: str):
    """Shared body of the predict-then-run checks: compare the prediction with ``outcome``."""
    p = _choice(prediction, options)
    if p == outcome:
        return f"you predicted {p!r} and the experiment agrees: {measured}"
    raise Wrong(f"you predicted {p!r}, the experiment says {outcome!r}: {measured}. {why}")


def _number(value, name: str, what: str = "a number", allow_nan: bool = False) -> float:
    """One real number from an answer: int, float, numpy scalar or 0-d array (any float dtype)."""
    _answered(value, name)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if value is None:
        raise Wrong(f"`{name}` is None: assign it {what}.")
    if isinstance(value, (bool, np.bool_)):
        raise Wrong(f"`{name}` must be {what}, got the boolean {value!r}.")
    if isinstance(value, (list, tuple, np.ndarray, dict, set)):
        raise Wrong(f"`{name}` must be {what}, not a {type(value).__name__} ({_short(value)}): "
                    f"write it without brackets.")
    if isinstance(value, str):
        raise Wrong(f"`{name}` must be {what}, got the string {value!r}: write it without quotes.")
    if not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise Wrong(f"`{name}` must be {what}, got {type(value).__name__} {_short(value)}.")
    v = float(value)
    if np.isnan(v) and not allow_nan:
        raise Wrong(f"`{name}` is NaN: assign it {what}.")
    return v


def _short(value, n=40) -> str:
    try:
        text = repr(value)
    except Exception:  # a learner object whose repr fails
        text = f"<{type(value).__name__}>"
    return _one_line(text, n)


def _fmt(x) -> str:
    """A setting or a measurement for a message (3 significant digits; NaN shown as such)."""
    return "NaN" if x != x else f"{x:.3g}"


def _fmt_pair(a, b) -> tuple[str, str]:
    """Two numbers with as many significant digits as it takes to see that they differ (3 to 9)."""
    if a != a or b != b:
        return _fmt(a), _fmt(b)
    digits = 3
    while digits < 9 and f"{a:.{digits}g}" == f"{b:.{digits}g}":
        digits += 1
    return f"{a:.{digits}g}", f"{b:.{digits}g}"


def _results_dict(results, name="results", min_settings=3, allow_nan=False, key_name="setting"):
    """An explore exercise's ``results``: a dict {setting: measured number}, at least ``min_settings`` settings.

    Keys and values may be any real numbers (Python, numpy, 0-d arrays, float16...); a value ``None``
    counts as NaN where ``allow_nan`` (a diverged run). Returns ``{float setting: float value}``.
    """
    _answered(results, name)
    if not isinstance(results, dict):
        raise Wrong(f"`{name}` must be a dict {{{key_name}: measured value}}, e.g. {{0.1: 2.5, 0.3: 1.9}}. "
                    f"Got {type(results).__name__} {_short(results)}.")
    out = {}
    for k, v in results.items():
        key = _number(k, f"{name}` key `{_short(k, 20)}", f"a {key_name} as a number (e.g. 0.5, not '0.5')")
        if v is None and allow_nan:
            v = float("nan")
        out[key] = _number(v, f"{name}[{_short(k, 20)}]", "one number (the measurement for that setting)",
                           allow_nan=allow_nan)
    if len(out) < min_settings:
        raise Wrong(f"`{name}` has {len(out)} {key_name}(s); try at least {min_settings} different values "
                    f"so that you can see a trend.")
    return out


def _setting(answer, res: dict, name: str, what: str = "setting") -> float:
    """The learner's chosen setting (``best_m = 32``), matched to one of the keys of ``res``."""
    v = _number(answer, name, f"one number, one of the {what}s you tried")
    for k in res:
        if k == v or abs(k - v) <= 1e-9 * max(abs(k), abs(v)):
            return k
    raise Wrong(f"{_fmt(v)} is not one of the {what}s you tried ({', '.join(_fmt(k) for k in sorted(res))}); "
                f"answer with one of them.")


def _lowest(choice, res: dict, truth: dict, name, loss: str = "loss", all_diverged: str = "") -> None:
    """The explore checks' last step: ``choice`` must be the setting whose loss is lowest.

    ``res``: the learner's ``{setting: loss}`` (verified against ``truth``, the re-run); a diverged run is NaN and
    never the best. ``name(k)`` names a setting in a message ("n_hidden = 8", "scale 0.1"); ``loss`` names the
    quantity ("held-out loss"). Raises ``Wrong`` naming the better setting; returns ``None`` when ``choice`` is best.
    """
    finite = {k: v for k, v in truth.items() if np.isfinite(v)}
    if not finite:
        raise Wrong(f"every run diverged: {all_diverged}")
    if not np.isfinite(res[choice]):
        raise Wrong(f"the run with {name(choice)} diverged (its loss is NaN): it cannot be the best.")
    best, worst = min(finite, key=finite.get), max(finite, key=finite.get)
    if choice == worst and choice != best:
        raise Wrong(f"{name(choice)} has the HIGHEST {loss} you measured ({res[choice]:.4g}); lower is better: "
                    f"{name(best)} gave {res[best]:.4g}.")
    if choice != best:
        raise Wrong(f"{name(best)} has a lower {loss} ({res[best]:.4g}) than {name(choice)} ({res[choice]:.4g}).")


def _same(got: float, want: float, rtol: float) -> bool:
    if np.isnan(want) or np.isnan(got):
        return bool(np.isnan(want) and np.isnan(got))
    if np.isinf(want) or np.isinf(got):
        return got == want
    return abs(got - want) <= rtol * max(abs(want), 1e-12)


def _verify(res: dict, recompute, what: str, rtol: float, diagnoses=(),
            how: str = "the experiment re-run with the same seed gives",
            precision: str = "store the value exactly as returned, without rounding it or casting it to another dtype",
            at: str = "{k}"):
    """Compare every measured value with ``recompute(setting)`` (the same experiment, the same seed).

    ``diagnoses``: ``(message, function(setting) -> the value that mistake gives)`` pairs, tried in order
    when a value differs (messages may use ``{k}``, ``{got}``, ``{want}``). ``how`` may use ``{k}``.
    Raises :class:`Wrong` naming the first setting whose number is not the experiment's; a value
    within 0.2 % of it is called a precision problem (``precision`` says what to do). Returns
    ``{setting: recomputed value}``.
    """
    truth = {}
    for k in sorted(res):
        want = float(recompute(k))
        truth[k] = want
        got = res[k]
        if _same(got, want, rtol):
            continue
        for msg, wrong in diagnoses:
            w = wrong(k)
            if w is not None and _same(got, float(w), rtol):
                raise Wrong(msg.format(k=_fmt(k), got=_fmt(got), want=_fmt(want)))
        said, where = how.format(k=_fmt(k)), at.format(k=_fmt(k))
        if np.isfinite(got) and np.isfinite(want) and abs(got - want) <= 2e-3 * abs(want):
            raise Wrong(f"your {what} for {where} is {got:.6g}, but {said} {want:.6g}: close, not the same "
                        f"number, a precision problem: {precision}.")
        g, w = _fmt_pair(got, want)
        raise Wrong(f"your {what} for {where} is {g}, but {said} {w}: store the value the experiment returns, "
                    f"computed as the exercise says (not typed in, rounded or scaled).")
    return truth

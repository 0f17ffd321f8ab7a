"""Checks of user input, with one message format for every public function.

Every message names the argument, says what was expected and what was given, e.g.

    The 'activation' parameter of Autoencoder must be one of {'elu', 'relu', ...}. Got 'relu6' instead.

Bad input raises ``ValueError`` (right type, wrong value) or ``TypeError`` (wrong type).
``assert`` is kept for invariants that cannot fail whatever the user passes.
"""
from __future__ import annotations

import numbers

import numpy as np


def _where(owner: str) -> str:
    return f" of {owner}" if owner else ""


def check_choice(value, name: str, choices, owner: str = "") -> str:
    """``value`` must be one of the strings in ``choices``."""
    options = "{" + ", ".join(repr(c) for c in sorted(choices)) + "}"
    if not isinstance(value, str):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be one of {options}. "
                        f"Got {value!r} (type {type(value).__name__}) instead.")
    if value not in choices:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be one of {options}. "
                         f"Got {value!r} instead.")
    return value


def check_int(value, name: str, owner: str = "", minimum: int = 1) -> int:
    """``value`` must be an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be an integer >= {minimum}. "
                        f"Got {value!r} (type {type(value).__name__}) instead.")
    if value < minimum:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be an integer >= {minimum}. "
                         f"Got {value!r} instead.")
    return int(value)


def check_float(value, name: str, owner: str = "", low: float = 0.0, high: float = np.inf,
                low_open: bool = False, high_open: bool = False, allow_inf: bool = False) -> float:
    """``value`` must be a finite real number in the interval from ``low`` to ``high``.

    ``allow_inf``: also accept ``inf`` (when ``high`` is ``inf``), e.g. a bound that can be switched off.
    """
    lb = "(" if low_open else "["
    hb = ")" if high_open or (high == np.inf and not allow_inf) else "]"
    interval = f"{lb}{low:g}, {high:g}{hb}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be a real number in {interval}. "
                        f"Got {value!r} (type {type(value).__name__}) instead.")
    v = float(value)
    bad = (not np.isfinite(v) and not (v == np.inf and high == np.inf and allow_inf)) \
        or v < low or v > high or (low_open and v == low) or (high_open and v == high)
    if bad:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be a real number in {interval}. "
                         f"Got {value!r} instead.")
    return v


def check_bool(value, name: str, owner: str = "") -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be True or False. "
                        f"Got {value!r} (type {type(value).__name__}) instead.")
    return bool(value)


def check_array(X, name: str, owner: str = "", ndim: int | None = 2, n_cols: int | None = None,
                dtype=None, finite: bool = True, low: float | None = None, high: float | None = None,
                allow_empty: bool = False) -> np.ndarray:
    """Turn ``X`` into a numeric array and check its shape and values.

    ``n_cols``: required size of the last axis. ``low``/``high``: inclusive bounds on the values.
    Returns the array, converted to ``dtype`` when one is given (no copy when it already is).
    """
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be a numeric array. "
                        f"Got {type(X).__name__} instead.")
    try:
        A = np.asarray(X)
    except Exception as e:  # ragged lists and the like
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be a numeric array. "
                         f"Could not convert it: {e}") from None
    if A.dtype == object or not (np.issubdtype(A.dtype, np.number) or A.dtype == np.bool_):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be a numeric array. "
                        f"Got an array of dtype {A.dtype} instead.")
    if np.iscomplexobj(A):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be a real array. "
                        f"Got an array of dtype {A.dtype} instead.")
    if ndim is not None and A.ndim != ndim:
        shape_word = {1: "(n,)", 2: "(batch, n_features)"}.get(ndim, f"{ndim}-d")
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be a {ndim}-d array of shape "
                         f"{shape_word}. Got shape {A.shape} instead.{_reshape_hint(A.shape, ndim, name)}")
    if n_cols is not None and (A.ndim == 0 or A.shape[-1] != n_cols):
        raise ValueError(f"The '{name}' parameter{_where(owner)} must have {n_cols} columns "
                         f"(shape (batch, {n_cols})). Got shape {A.shape} instead.")
    if not allow_empty and A.size == 0:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must not be empty. "
                         f"Got shape {A.shape} instead.")
    if dtype is not None and A.dtype != dtype:
        A = A.astype(dtype)
    elif dtype is None and not np.issubdtype(A.dtype, np.floating):
        A = A.astype(np.float64)
    if finite and A.size and not np.isfinite(A).all():
        n_bad = int(A.size - np.isfinite(A).sum())
        raise ValueError(f"The '{name}' parameter{_where(owner)} must contain only finite numbers. "
                         f"Got {n_bad} NaN or infinite value(s) instead.")
    if low is not None and A.size and A.min() < low:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must have values >= {low:g}. "
                         f"Got a minimum of {float(A.min()):.4g} instead.")
    if high is not None and A.size and A.max() > high:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must have values <= {high:g}. "
                         f"Got a maximum of {float(A.max()):.4g} instead.")
    return A


def _reshape_hint(shape: tuple, ndim: int, name: str) -> str:
    """How to turn an array of ``shape`` into the 2-d ``(batch, n_features)`` one a model takes."""
    if ndim != 2 or len(shape) == 0:
        return ""
    if len(shape) == 1:   # one example, e.g. a single image's 784 pixels
        return (f" For one example use {name}.reshape(1, -1), shape (1, {shape[0]}); "
                f"for {shape[0]} examples of one feature, {name}.reshape(-1, 1).")
    # images such as (n, 28, 28): one row per example, the other axes flattened
    return f" Flatten each example into a row: {name}.reshape(len({name}), -1), shape ({shape[0]}, {int(np.prod(shape[1:]))})."


def check_rng(seed, name: str = "seed", owner: str = "") -> np.random.Generator:
    """Accept an int seed or a ``numpy.random.Generator``; never the global RNG."""
    if isinstance(seed, np.random.Generator):
        return seed
    expected = "a non-negative integer or a numpy.random.Generator"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"The '{name}' parameter{_where(owner)} must be {expected}. "
                        f"Got {seed!r} (type {type(seed).__name__}) instead.")
    if seed < 0:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be {expected}. Got {seed!r} instead.")
    return np.random.default_rng(int(seed))


def check_dtype(dtype, name: str = "dtype", owner: str = ""):
    """``dtype`` must be float32 or float64, in any spelling numpy reads as one of them.

    ``"float32"``, ``"f4"``, ``np.float32`` and ``np.dtype("float32")`` all give ``np.float32``
    (likewise ``"float64"``, ``"f8"``, ``float``, ... give ``np.float64``). Returns the numpy scalar
    type. ``None`` (which numpy would read as float64) and any other dtype are refused.
    """
    expected = "float32 or float64 (e.g. 'float32', 'f4', np.float32, 'float64', 'f8', np.float64)"
    try:
        dt = np.dtype(dtype) if dtype is not None and not isinstance(dtype, bool) else None
    except (TypeError, ValueError):
        dt = None
    if dt is not None and dt.type in (np.float32, np.float64):
        return dt.type
    if isinstance(dtype, str):
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be {expected}. Got {dtype!r} instead.")
    if dt is not None:
        raise ValueError(f"The '{name}' parameter{_where(owner)} must be {expected}. Got {dt.name} instead.")
    raise TypeError(f"The '{name}' parameter{_where(owner)} must be {expected}. "
                    f"Got {dtype!r} (type {type(dtype).__name__}) instead.")


# What fit and gradcheck use of a model (the protocol of aelib.model.Model). Checked by name, so that
# this module, below every model, imports none of them.
MODEL_PROTOCOL = ("params", "dtype", "weight_names", "astype", "prepare", "objective", "objective_and_grads")


def check_model(model, name: str = "model", owner: str = ""):
    """``model`` must have the model protocol of :class:`aelib.model.Model` (every aelib model has it)."""
    if isinstance(model, type):
        given = f"the class {model.__name__} itself (make a model first, e.g. {model.__name__}(...))"
    elif any(not hasattr(model, a) for a in MODEL_PROTOCOL):
        given = type(model).__name__
    else:
        return model
    raise TypeError(f"The '{name}' parameter{_where(owner)} must be an aelib model (Autoencoder, DeepAutoencoder, "
                    f"Network, VAE or SoftmaxRegression: an object with {', '.join(MODEL_PROTOCOL)}). "
                    f"Got {given} instead.")

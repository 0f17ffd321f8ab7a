r"""Fast paths: optimised versions of formulas whose plain reference lives elsewhere.

The course's rule is that the formula a learner reads is the code that runs. So every formula is
written once, plainly, where a learner looks for it (:mod:`aelib.losses`, :mod:`aelib.activations`,
:mod:`aelib.layers`), and the few places where training spends enough time to deserve a faster
version have that version here, beside nothing else. The registries pick it:

.. code-block:: python

    value_from_logits=fast.choose(cross_entropy_from_logits, fast.cross_entropy_from_logits)

and ``with aelib.fast.reference(): ...`` runs the plain formulas instead (the benchmark reports
both, so the price of readability is a measured number: benchmarks/RESULTS.md).

Each fast version is tested against its reference in ``tests/test_fast.py``, with the tolerance
its docstring promises. They are not bit-identical (they compute the same formula another way),
so a notebook recorded with one path can differ from the other in the last printed digit. The
default, the fast path, is the one the committed outputs were recorded with.
"""
from __future__ import annotations

import contextlib
import contextvars

import numpy as np

# A context variable, not a global: ``reference()`` in one thread (or asyncio task) leaves the others
# on the fast path, and overlapping uses restore what each found.
_enabled = contextvars.ContextVar("aelib_fast_paths", default=True)


def enabled() -> bool:
    """True when the fast paths are in use (the default)."""
    return _enabled.get()


@contextlib.contextmanager
def reference():
    """Run the plain reference formulas inside the ``with`` block (restored after it, even on error)."""
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


class Choice:
    """What a registry stores for a formula with a fast path: calls ``fast`` while :func:`enabled`,
    else ``reference``. Its repr names both, so a reader sees which code runs."""

    def __init__(self, reference, fast):
        self.reference, self.fast = reference, fast

    def __call__(self, *args, **kwargs):
        return (self.fast if _enabled.get() else self.reference)(*args, **kwargs)

    def __repr__(self):
        name = lambda f: f"{f.__module__}.{f.__qualname__}"
        running = "fast" if enabled() else "reference"
        return f"Choice(reference={name(self.reference)}, fast={name(self.fast)}; running: {running})"


def choose(reference_version, fast_version) -> Choice:
    """``fast_version`` while :func:`enabled`, else ``reference_version`` (see :class:`Choice`)."""
    return Choice(reference_version, fast_version)


# ---- the output head of a sigmoid layer with cross-entropy --------------------------------
# Reference: aelib.losses.cross_entropy_from_logits, value = Σ softplus(a) - x·a over the batch,
# grad = (σ(a) - x) / B. It runs on every training batch and takes about a sixth of an epoch.

LOG2 = float(np.log(2.0))


def _sum_log_1_to_2(u) -> float:
    r""":math:`\sum \log u` for an array ``u`` with values in ``[1, 2]``, overwriting ``u``.

    ``log`` is the expensive part, so it is taken once per 64 numbers: :math:`\sum_i \log u_i
    = \log \prod_i u_i`, and a product of 64 numbers in [1, 2] is at most :math:`2^{64}`, far
    inside float32's range (about :math:`2^{128}`). The products are formed by halving: rows
    ``0..31`` times rows ``32..63``, then ``0..15`` times ``16..31``, ... (six in-place multiplies;
    the leftover ``size mod 64`` numbers get their own logs).
    """
    v = u.reshape(-1)
    k = v.size - v.size % 64
    total = float(np.log(v[k:]).sum()) if k < v.size else 0.0
    if k:
        p = v[:k].reshape(64, -1)                # (64, size // 64)
        rows = 64
        while rows > 1:
            rows //= 2
            np.multiply(p[:rows], p[rows:2 * rows], out=p[:rows])
        total += float(np.log(p[0]).sum())
    return total


def cross_entropy_from_logits(a, x, grad: bool = False):
    r"""The same numbers as :func:`aelib.losses.cross_entropy_from_logits`, about twice as fast.

    **What "the same" means.** The gradient agrees with the reference's to 3 float32 roundings of
    ``1 / B`` per entry. The value agrees to an *absolute* error of at most
    :math:`2 \epsilon (\sum |a| + n) / B` per example (``ε`` the dtype's rounding, ``n`` the number
    of entries; measured worst 1.24 of that over random and saturated logits): it adds sums of
    ``|a|`` and ``(2x - 1) a`` that cancel, and ``τ`` cannot hold the tiny ``e^{-|a|}`` of a confident
    output. For a digit's 784 pixels that is about 1e-6 of the loss; for a net whose loss is tiny
    (a solved XOR, 3e-3 nats) it is a relative 1e-4 or so; the reference is exact to rounding there.

    Everything comes from one :math:`τ = \tanh(a/2)`:

    .. math::
        σ(a) = \tfrac{1}{2}(1 + τ), \qquad
        \mathrm{softplus}(a) = \max(a, 0) + \log(1 + e^{-|a|})
                             = \tfrac{1}{2}(a + |a|) + \log 2 - \log(1 + |τ|)

    (because :math:`1 + e^{-|a|} = 1 / σ(|a|) = 2 / (1 + |τ|)`). Nothing overflows for any ``a``,
    and each term is accurate to about the dtype's rounding in absolute terms (for ``|a| > 17``
    float32's τ is exactly ±1 and the term ``log(1 + e^{-|a|}) < 4e-8`` counts as 0). The logs are summed by
    :func:`_sum_log_1_to_2`: one ``tanh`` and one log per 64 numbers replace the reference's
    ``logaddexp`` (an exp and a log per number) and its sigmoid.
    """
    B = a.shape[0] if a.ndim > 1 else 1
    t = np.multiply(a, 0.5)                      # (batch, n_visible)  a / 2
    np.tanh(t, out=t)                            # τ = tanh(a/2), σ(a) = (1 + τ) / 2
    w = np.multiply(x, 2, dtype=t.dtype)         # (batch, n_visible); integer targets must not wrap
    w -= 1                                       # 2x - 1
    wa = float(np.vdot(w, a))                    # Σ (2x - 1) a, before w's memory becomes dA
    if grad:
        dA = np.subtract(t, w, out=w)            # τ - (2x - 1) = 2 (σ(a) - x)
        dA *= 0.5 / B                            # (σ(a) - x) / B
    np.abs(t, out=t)
    t += 1                                       # 1 + |τ|, in [1, 2]
    sum_log = _sum_log_1_to_2(t)
    np.abs(a, out=t)                             # |a|
    # Σ softplus(a) - x a = Σ |a|/2 + (1/2 - x) a + log 2 - log(1 + |τ|)
    value = (0.5 * float(t.sum()) - 0.5 * wa + a.size * LOG2 - sum_log) / B
    return (value, dA) if grad else value

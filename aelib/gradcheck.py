r"""Compare a model's analytic gradients with central finite differences, in float64.

For each checked parameter entry :math:`\theta_j`

.. math::  g^{num}_j = \frac{L(\theta - 2\epsilon e_j) - 8 L(\theta - \epsilon e_j)
                            + 8 L(\theta + \epsilon e_j) - L(\theta + 2\epsilon e_j)}{12 \epsilon},
           \qquad \mathrm{rel}_j = \frac{|g_j - g^{num}_j|}{\max(|g_j| + |g^{num}_j|,\ 10^{-4} \max_k |g_k|,\ 10^{-8})}

(the five-point central difference: its error shrinks like :math:`\epsilon^4`, so a step of
1e-4 keeps both truncation and rounding error far below 1e-6). Entries ten thousand times smaller
than the model's largest gradient entry are measured on that scale (the ``max_k`` term, over all
parameters), so that
rounding noise on a gradient that is exactly zero, such as a dead ReLU unit's, is not counted
as a large relative error. The report gives, per parameter, the largest relative error. Values below 1e-6 mean the
analytic gradient is right; 1e-2 or more means a bug (or a kink of ReLU hit by the step).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v


@dataclass
class GradcheckReport:
    """Per-parameter results of :func:`gradcheck`. ``rows``: (name, shape, n_checked, max |g|, max rel. error)."""
    rows: list
    loss: str
    model: str

    @property
    def max_error(self) -> float:
        """The worst relative error over all checked entries."""
        return max(r[4] for r in self.rows)

    @property
    def errors(self) -> dict:
        """``{parameter name: max relative error}``."""
        return {r[0]: r[4] for r in self.rows}

    def passed(self, tol: float = 1e-6) -> bool:
        return self.max_error < tol

    def __str__(self):
        head = f"gradcheck of {self.model}, loss={self.loss}\n"
        lines = [f"  {'param':<10}{'shape':<14}{'checked':>8}{'max |grad|':>12}{'max rel. error':>16}"]
        for name, shape, n, gmax, err in self.rows:
            lines.append(f"  {name:<10}{str(shape):<14}{n:>8}{gmax:>12.3g}{err:>16.2e}")
        lines.append(f"  worst relative error: {self.max_error:.2e}")
        return head + "\n".join(lines)

    __repr__ = __str__


def gradcheck(model, X, target=None, loss="cross_entropy", eps=1e-4, max_entries=None, seed=0):
    """Check ``model.objective_and_grads`` against central differences of ``model.objective``, in float64.

    The batch is checked once by ``model.prepare(X, target, loss)``. The model is copied to float64 first (the original is not changed). ``max_entries``: check
    at most this many randomly chosen entries per parameter (all when None). Returns a
    :class:`GradcheckReport`.
    """
    v.check_model(model, "model", "gradcheck")
    eps = v.check_float(eps, "eps", "gradcheck", low=0.0, low_open=True)
    if max_entries is not None:
        max_entries = v.check_int(max_entries, "max_entries", "gradcheck")
    rng = v.check_rng(seed, "seed", "gradcheck")
    m = model.astype(np.float64)
    X, T, L = m.prepare(X, target, loss)
    _, grads = m.objective_and_grads(X, T, L)
    rows = []
    floor = max(1e-4 * max(float(np.abs(g).max()) for g in grads.values()), 1e-8)
    for name, p in m.params.items():
        flat = p.reshape(-1)                             # a view: writing it changes the model
        g = grads[name].reshape(-1)
        idx = np.arange(flat.size)
        if max_entries is not None and flat.size > max_entries:
            idx = np.sort(rng.choice(flat.size, size=max_entries, replace=False))
        worst = 0.0
        for j in idx:
            old = flat[j]
            f = {}
            for k in (-2, -1, 1, 2):
                flat[j] = old + k * eps
                f[k] = m.objective(X, T, L)
            flat[j] = old
            num = (f[-2] - 8 * f[-1] + 8 * f[1] - f[2]) / (12 * eps)
            rel = abs(g[j] - num) / max(abs(g[j]) + abs(num), floor)
            worst = max(worst, rel)
        rows.append((name, p.shape, len(idx), float(np.abs(g).max()), float(worst)))
    return GradcheckReport(rows, L.name, repr(model))

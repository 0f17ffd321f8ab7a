r"""Penalties on the hidden code: the sparsity penalty of the sparse autoencoder.

A loss (:mod:`aelib.losses`) compares the reconstruction with the input; a *penalty* asks something
of the code ``H = f(X Wᵀ + b): (batch, n_hidden)`` itself, and is added to the loss. The training
objective of a model with a penalty is ``loss + penalty``; :meth:`Autoencoder.loss` and the
losses ``fit`` records are that sum.

**KL sparsity** (Andrew Ng, CS294A lecture notes "Sparse autoencoder", Stanford, 2011, the
section "Autoencoders and sparsity"): each hidden unit should be active only rarely, its mean
activation (over the whole training set in the notes, trained there full-batch; over each minibatch here)
:math:`\hat\rho_j = \frac{1}{B} \sum_i h_{ij}` close to a small target :math:`\rho` (e.g. 0.05).
The penalty is the Kullback-Leibler divergence between a Bernoulli variable of mean :math:`\rho`
and one of mean :math:`\hat\rho_j`, summed over the units, times a weight :math:`\beta`:

.. math::  P(H) = \beta \sum_{j=1}^{m} \mathrm{KL}(\rho \,\|\, \hat\rho_j)
           = \beta \sum_j \Big[\rho \log \frac{\rho}{\hat\rho_j}
                              + (1 - \rho) \log \frac{1 - \rho}{1 - \hat\rho_j}\Big]

It is 0 when every :math:`\hat\rho_j = \rho` and grows without bound as :math:`\hat\rho_j` nears 0
or 1. It needs codes in (0, 1): a sigmoid encoder. Its gradient, for every example ``i`` of the
batch (each :math:`h_{ij}` enters :math:`\hat\rho_j` with weight :math:`1/B`):

.. math::  \frac{\partial P}{\partial h_{ij}} = \frac{\beta}{B}
           \Big(-\frac{\rho}{\hat\rho_j} + \frac{1 - \rho}{1 - \hat\rho_j}\Big)

positive (push down) when the unit is more active than :math:`\rho`, negative when less. The order
matters: :math:`\mathrm{KL}(\rho \| \hat\rho)` is not :math:`\mathrm{KL}(\hat\rho \| \rho)`. Units:
nats per batch, added to a loss that is per example (averaged over the batch), as in Ng's notes.

Only numpy is imported.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v

__all__ = ["KLSparsity", "kl_sparsity", "kl_bernoulli"]


def kl_bernoulli(rho, rho_hat):
    r""":math:`\mathrm{KL}(\rho \| \hat\rho) = \rho \log(\rho/\hat\rho) + (1-\rho) \log((1-\rho)/(1-\hat\rho))`, elementwise."""
    return rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))


class KLSparsity:
    r"""The KL sparsity penalty :math:`\beta \sum_j \mathrm{KL}(\rho \| \hat\rho_j)` (module docstring).

    ``rho``: the target mean activation, in (0, 1). ``beta``: the weight of the penalty, >= 0 (Ng's
    notes leave it free; 3 is the value set in the starter code of the UFLDL sparse-autoencoder
    exercise, there with ``rho`` = 0.01). ``value(H) -> float`` and ``grad(H) -> (batch, n_hidden)`` take the codes
    ``H: (batch, n_hidden)``; :math:`\hat\rho` is clipped into :math:`[10^{-7}, 1 - 10^{-7}]` so
    that a dead or saturated unit gives a large finite penalty, not ``inf``.
    """

    def __init__(self, rho: float = 0.05, beta: float = 3.0):
        self.rho = v.check_float(rho, "rho", "KLSparsity", low=0.0, high=1.0, low_open=True, high_open=True)
        self.beta = v.check_float(beta, "beta", "KLSparsity")

    def mean_activation(self, H):
        r""":math:`\hat\rho_j`, the mean of each unit over the batch: ``(batch, m) -> (m,)``, clipped."""
        return np.clip(H.mean(axis=0), 1e-7, 1 - 1e-7)

    def value(self, H) -> float:
        r""":math:`\beta \sum_j \mathrm{KL}(\rho \| \hat\rho_j)`."""
        rho_hat = self.mean_activation(H).astype(np.float64)          # (n_hidden,)
        return self.beta * float(kl_bernoulli(self.rho, rho_hat).sum())

    def grad(self, H):
        r""":math:`\partial P / \partial H = \frac{\beta}{B}(-\rho/\hat\rho + (1-\rho)/(1-\hat\rho))`, one row per example."""
        rho, rho_hat = self.rho, self.mean_activation(H)              # rho_hat: (n_hidden,)
        d_rho_hat = self.beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))   # (n_hidden,) dP/dρ̂
        return np.broadcast_to((d_rho_hat / H.shape[0]).astype(H.dtype), H.shape)   # (batch, n_hidden)

    def __repr__(self):
        return f"KLSparsity(rho={self.rho:g}, beta={self.beta:g})"


def kl_sparsity(rho: float = 0.05, beta: float = 3.0) -> KLSparsity:
    r"""The KL sparsity penalty :math:`\beta \sum_j \mathrm{KL}(\rho \| \hat\rho_j)`: ``Autoencoder(..., sparsity=kl_sparsity(0.05, 3))``."""
    return KLSparsity(rho, beta)

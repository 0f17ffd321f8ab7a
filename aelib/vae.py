r"""The variational autoencoder (notebook 09): an encoder to :math:`\mu` and :math:`\log\sigma^2`,
a reparameterised code, a Bernoulli (sigmoid) decoder, and the loss :math:`-\mathrm{ELBO}`.

Kingma & Welling, "Auto-Encoding Variational Bayes" (arXiv 2013, ICLR 2014) and Rezende, Mohamed &
Wierstra, "Stochastic Backpropagation and Approximate Inference in Deep Generative Models" (ICML 2014);
the weight :math:`\beta` on the KL term is from Higgins et al., ":math:`\beta`-VAE" (ICLR 2017).

For a batch ``X: (B, n)`` of digits, with ``f`` the hidden activation and :math:`\sigma(\cdot)` the
logistic function:

.. math::
    H_1 = f(X W_1^\top + b_1), \quad
    M = H_1 W_\mu^\top + b_\mu, \quad
    V = H_1 W_v^\top + b_v \ (= \log\sigma^2), \quad
    Z = M + e^{V/2} \odot E, \ E \sim N(0, I)

.. math::
    H_2 = f(Z W_2^\top + b_2), \quad A = H_2 W_3^\top + b_3, \quad \hat X = \sigma(A)

and the loss, in the course's units (summed over the pixels and the code units, averaged over the batch):

.. math::
    -\mathrm{ELBO} = \frac{1}{B}\sum_i \Big[\sum_k \mathrm{softplus}(a_{ik}) - x_{ik} a_{ik}\Big]
      + \beta\, \frac{1}{B}\sum_i \frac12 \sum_j \big(e^{v_{ij}} + \mu_{ij}^2 - 1 - v_{ij}\big)

The first term is the cross-entropy of the Bernoulli decoder :math:`p(x \mid z)` (nats per digit), the
second :math:`\mathrm{KL}(q(z \mid x) \,\|\, N(0, I))` for :math:`q = N(\mu, \mathrm{diag}\, e^{v})` (nats
per digit). ``beta = 1`` is the ELBO itself; with one :math:`\varepsilon` per digit the loss is an
unbiased estimate of it.

Where :math:`\varepsilon` comes from. :func:`aelib.train.fit` draws a fresh ``E`` for every batch from
its own seeded generator (``fit`` passes ``rng`` to :meth:`VAE.objective_and_grads`). ``loss``
and the held-out scores of ``fit`` draw ``E`` from a new generator seeded with ``eval_seed`` on each
call, so the same digits always get the same score. :meth:`VAE.with_eps` returns a copy that uses
one given ``E`` everywhere: what a gradient check needs (the loss is then a smooth function of the
parameters).
"""
from __future__ import annotations

import numpy as np

from . import _validate as v
from .activations import get_activation
from .layers import INIT_CHOICES, dense_backward, dense_backward_from_preactivation, dense_forward, init_weights, linear
from .losses import Loss, get_loss
from .model import Model


def kl_to_standard_normal(mu, logvar) -> float:
    r""":math:`\frac{1}{B}\sum_i \frac12\sum_j (e^{v_{ij}} + \mu_{ij}^2 - 1 - v_{ij})`, nats per row.

    The KL divergence of :math:`N(\mu, \mathrm{diag}\,\sigma^2)` from :math:`N(0, I)`, with
    ``logvar`` :math:`= v = \log\sigma^2`; ``mu, logvar: (B, n_latent)``. Derived in notebook 09.
    """
    return float(0.5 * np.sum(np.exp(logvar) + mu ** 2 - 1.0 - logvar) / mu.shape[0])


class VAE(Model):
    r"""A variational autoencoder ``n_visible -> n_hidden -> (μ, log σ²: n_latent) -> n_hidden -> n_visible``.

    Parameters
    ----------
    n_visible, n_hidden, n_latent : sizes (784, 128, 2 in notebook 09).
    hidden : activation of the two hidden layers (default ``"relu"``); the code is linear, the output
        a sigmoid (the Bernoulli decoder).
    beta : weight :math:`\beta \ge 0` of the KL term (1: the ELBO).
    seed : int or Generator for the initial weights. ``init``: as for :class:`~aelib.model.Autoencoder`.
    eval_seed : seed of the :math:`\varepsilon` used by ``loss`` and held-out scores.
    dtype : "float32" (training) or "float64" (gradient checks).

    ``params``: ``W1 (n_hidden, n_visible)``, ``b1``, ``W_mu (n_latent, n_hidden)``, ``b_mu``,
    ``W_logvar (n_latent, n_hidden)``, ``b_logvar``, ``W2 (n_hidden, n_latent)``, ``b2``,
    ``W3 (n_visible, n_hidden)``, ``b3``. Biases start at 0, so ``log σ² = 0`` (σ = 1) at the start
    unless ``init_output_bias`` is used for ``b3``.
    """

    stochastic = True                # fit passes its generator: a fresh ε for every batch
    output_bias_name = "b3"

    def __init__(self, n_visible=784, n_hidden=128, n_latent=2, hidden="relu", beta=1.0, seed=0,
                 dtype="float32", init="auto", eval_seed=0):
        owner = "VAE"
        self.init = v.check_choice(init, "init", INIT_CHOICES, owner)
        self.n_visible = v.check_int(n_visible, "n_visible", owner)
        self.n_hidden = v.check_int(n_hidden, "n_hidden", owner)
        self.n_latent = v.check_int(n_latent, "n_latent", owner)
        self.hidden = get_activation(hidden, owner, "hidden")
        self.beta = v.check_float(beta, "beta", owner)
        self.eval_seed = v.check_int(eval_seed, "eval_seed", owner, minimum=0)
        self.dtype = v.check_dtype(dtype, "dtype", owner)
        self.fixed_eps = None
        rng = v.check_rng(seed, "seed", owner)
        n, m, k = self.n_visible, self.n_hidden, self.n_latent
        lin, sig = get_activation("identity"), get_activation("sigmoid")
        self.params = {
            "W1": init_weights(n, m, self.hidden, rng, self.dtype, init),       # (n_hidden, n_visible)
            "b1": np.zeros(m, self.dtype),                                       # (n_hidden,)
            "W_mu": init_weights(m, k, lin, rng, self.dtype, init),              # (n_latent, n_hidden)
            "b_mu": np.zeros(k, self.dtype),                                     # (n_latent,)
            "W_logvar": init_weights(m, k, lin, rng, self.dtype, init),          # (n_latent, n_hidden)
            "b_logvar": np.zeros(k, self.dtype),                                 # (n_latent,)
            "W2": init_weights(k, m, self.hidden, rng, self.dtype, init),        # (n_hidden, n_latent)
            "b2": np.zeros(m, self.dtype),                                       # (n_hidden,)
            "W3": init_weights(m, n, sig, rng, self.dtype, init),                # (n_visible, n_hidden)
            "b3": np.zeros(n, self.dtype),                                       # (n_visible,)
        }

    n_in = property(lambda self: self.n_visible)
    n_out = property(lambda self: self.n_visible)
    output_activation = property(lambda self: get_activation("sigmoid"))

    # ---- the loss: only the Bernoulli decoder's cross-entropy ---------------------------------
    def _check_loss(self, loss) -> Loss:
        L = get_loss(loss, "VAE")
        if L.name != "cross_entropy":
            raise ValueError(f"The 'loss' parameter of VAE must be 'cross_entropy': the decoder is a Bernoulli "
                             f"distribution p(x|z) and -ELBO uses its log-likelihood. Got '{L.name}' instead.")
        return L

    # ---- ε -----------------------------------------------------------------------------------
    def with_eps(self, eps):
        """A copy whose every loss uses this ``eps: (batch, n_latent)`` (a gradient check with ε held fixed)."""
        eps = v.check_array(eps, "eps", "VAE.with_eps", ndim=2, n_cols=self.n_latent, dtype=np.float64)
        other = self.copy()
        other.fixed_eps = eps.copy()
        return other

    def draw_eps(self, B: int, rng=None):
        """``E: (B, n_latent)``: the held one, else from ``rng``, else from a generator seeded ``eval_seed``."""
        if self.fixed_eps is not None:
            if self.fixed_eps.shape[0] != B:
                raise ValueError(f"The 'eps' held by VAE.with_eps has {self.fixed_eps.shape[0]} rows, but the batch "
                                 f"has {B}. Got a batch of {B} rows instead; pass an eps with one row per digit.")
            return self.fixed_eps.astype(self.dtype)
        if rng is None:
            rng = np.random.default_rng(self.eval_seed)
        return rng.standard_normal((B, self.n_latent)).astype(self.dtype)

    # ---- forward -----------------------------------------------------------------------------
    def encode(self, X):
        """The mean code ``μ: (batch, n_latent)`` of each row of ``X`` (what notebook 09 plots)."""
        return self.encode_distribution(X)[0]

    def encode_distribution(self, X):
        """``(μ, log σ²)``, each ``(batch, n_latent)``: the encoder's Gaussian ``q(z|x)``."""
        X = self._input(X)
        p = self.params
        _, H1 = dense_forward(X, p["W1"], p["b1"], self.hidden)                # (batch, n_hidden)
        return linear(H1, p["W_mu"], p["b_mu"]), linear(H1, p["W_logvar"], p["b_logvar"])

    def decode(self, Z):
        """The Bernoulli means ``σ(A): (batch, n_visible)`` for codes ``Z: (batch, n_latent)``."""
        Z = v.check_array(Z, "Z", "VAE.decode", ndim=2, n_cols=self.n_latent, dtype=self.dtype)
        return self.output_activation.f(self._decode_logits(Z)[2])

    def _decode_logits(self, Z):
        p = self.params
        A2, H2 = dense_forward(Z, p["W2"], p["b2"], self.hidden)                # (batch, n_hidden)
        return A2, H2, linear(H2, p["W3"], p["b3"])                             # A: (batch, n_visible)

    def reconstruct(self, X):
        """Decode the mean code: ``σ(A(μ(X)))``, ``(batch, n_visible)`` (no ε)."""
        return self.decode(self.encode(X))

    predict = reconstruct

    def sample(self, n: int, seed=0):
        """``n`` digits from the prior: ``z ~ N(0, I)``, decoded to Bernoulli means ``(n, n_visible)``."""
        n = v.check_int(n, "n", "VAE.sample")
        rng = v.check_rng(seed, "seed", "VAE.sample")
        return self.decode(rng.standard_normal((n, self.n_latent)).astype(self.dtype))

    def _forward(self, X, E):
        p = self.params
        A1, H1 = dense_forward(X, p["W1"], p["b1"], self.hidden)                # (B, n_hidden)
        M = linear(H1, p["W_mu"], p["b_mu"])                                    # (B, n_latent)  μ
        V = linear(H1, p["W_logvar"], p["b_logvar"])                            # (B, n_latent)  log σ²
        S = np.exp(0.5 * V)                                                     # (B, n_latent)  σ
        Z = M + S * E                                                           # (B, n_latent)  z = μ + σ ⊙ ε
        A2, H2, A = self._decode_logits(Z)                                      # (B, n_hidden), (B, n_visible)
        return A1, H1, M, V, S, Z, A2, H2, A

    def loss_terms(self, X, target=None, eps=None) -> dict:
        """``{"reconstruction", "kl", "loss"}`` in nats per digit (``loss = reconstruction + β kl``).

        ``eps: (batch, n_latent)`` fixes ε; by default it is drawn as for ``loss`` (seed ``eval_seed``).
        """
        X, T, L = self.prepare(X, target, "cross_entropy")
        E = self.draw_eps(X.shape[0]) if eps is None else v.check_array(
            eps, "eps", "VAE.loss_terms", ndim=2, n_cols=self.n_latent, dtype=self.dtype)
        if E.shape[0] != X.shape[0]:
            raise ValueError(f"The 'eps' parameter of VAE.loss_terms must have one row per row of X ({X.shape[0]}). "
                             f"Got {E.shape[0]} rows instead.")
        *_, M, V, S, Z, A2, H2, A = self._forward(X, E)
        rec = float(L.value_from_logits(A, T))
        kl = kl_to_standard_normal(M.astype(np.float64), V.astype(np.float64))
        return {"reconstruction": rec, "kl": kl, "loss": rec + self.beta * kl}

    def objective(self, X, T, L: Loss) -> float:
        """-ELBO of a prepared batch, with ε from :meth:`draw_eps` (seed ``eval_seed``, or the held ε)."""
        E = self.draw_eps(X.shape[0])
        *_, M, V, S, Z, A2, H2, A = self._forward(X, E)
        return float(L.value_from_logits(A, T)) + self.beta * kl_to_standard_normal(M, V)

    # ---- forward and backward ----------------------------------------------------------------
    def objective_and_grads(self, X, T, L: Loss, rng=None):
        r"""-ELBO of the batch and its gradients; ``rng`` (from ``fit``) draws this batch's ε.

        Backward, each line the derivative of one forward line (``B`` rows):
        ``dA = (σ(A) - T) / B``; through the decoder to ``dZ``; then
        :math:`\partial/\partial\mu = dZ + \beta\mu/B` and
        :math:`\partial/\partial v = dZ \odot \varepsilon \odot \tfrac12\sigma + \beta\,\tfrac12(e^{v} - 1)/B`.
        """
        p, f, beta = self.params, self.hidden, self.beta
        B = X.shape[0]
        E = self.draw_eps(B, rng)                                               # (B, n_latent)  ε
        A1, H1, M, V, S, Z, A2, H2, A = self._forward(X, E)
        rec, dA = L.value_from_logits(A, T, grad=True)                          # dA: (B, n_visible)
        kl = 0.5 * float(np.sum(np.exp(V) + M ** 2 - 1.0 - V)) / B              # nats per digit
        # backward: the same lines in reverse order
        dH2, dW3, db3 = dense_backward_from_preactivation(dA, H2, p["W3"])      # dH2: (B, n_hidden)
        dZ, dW2, db2 = dense_backward(dH2, Z, p["W2"], A2, H2, f)               # dZ: (B, n_latent)
        dM = dZ + beta * M / B                                                  # (B, n_latent)  ∂z/∂μ = 1, KL: μ
        dV = dZ * E * 0.5 * S + beta * 0.5 * (np.exp(V) - 1.0) / B              # (B, n_latent)  ∂z/∂v = ½σε, KL: ½(e^v - 1)
        dH1_mu, dW_mu, db_mu = dense_backward_from_preactivation(dM, H1, p["W_mu"])
        dH1_v, dW_logvar, db_logvar = dense_backward_from_preactivation(dV, H1, p["W_logvar"])
        dH1 = dH1_mu + dH1_v                                                    # (B, n_hidden): both heads
        _, dW1, db1 = dense_backward(dH1, X, p["W1"], A1, H1, f, need_dX=False)
        grads = dict(W1=dW1, b1=db1, W_mu=dW_mu, b_mu=db_mu, W_logvar=dW_logvar, b_logvar=db_logvar,
                     W2=dW2, b2=db2, W3=dW3, b3=db3)
        return float(rec) + beta * kl, {k: grads[k] for k in p}

    def __repr__(self):
        n, m, k = self.n_visible, self.n_hidden, self.n_latent
        held = ", ε held fixed" if self.fixed_eps is not None else ""
        return (f"VAE({n} -> {m} {self.hidden.name} -> μ, log σ² ({k}) -> {m} {self.hidden.name} -> {n} sigmoid, "
                f"beta={self.beta:g}{held}, {self.n_params:,} params, {np.dtype(self.dtype).name})")

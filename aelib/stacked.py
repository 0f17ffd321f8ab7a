r"""The rectifier recipe (Glorot, Bordes & Bengio 2011; Gulcehre & Bengio) as a two-layer stacked
denoising autoencoder, built from two :class:`~aelib.model.Autoencoder` and the one
:func:`~aelib.train.fit` loop.

Layer 1, a denoising AE with rectifier hidden units and a sigmoid reconstruction:

.. math::  a_1 = W_1 \tilde x + b_1,\quad h_1 = \max(0, a_1),\quad z_1 = \sigma(W_1^\top h_1 + c_1)

trained on corrupted inputs :math:`\tilde x` against the clean :math:`x` (cross-entropy), with an
L1 penalty :math:`\lambda_1 \sum |W_1|`.

Layer 2, trained on layer 1's codes with the noise added *before* the rectifier and a softplus
reconstruction (codes are non-negative and unbounded, softplus maps onto ``(0, inf)``):

.. math::  \tilde h_1 = \max(0, a_1(x) + \sigma_2 \varepsilon),\quad h_2 = \max(0, W_2 \tilde h_1 + b_2),\quad
           z_2 = \mathrm{softplus}(W_2^\top h_2 + c_2)

scored with squared error against the clean :math:`h_1 = \max(0, a_1(x))`, plus
:math:`\lambda_2 \sum |W_2|`. The noise before the rectifier is a :class:`~aelib.noise.Noise`
(:class:`PreRectifierNoise`) that fit applies to each batch of pre-activations ``a_1``: this is
composition, not a second training loop.

Shapes: ``X: (batch, n_visible)``, ``h_1: (batch, n_hidden1)``, ``h_2: (batch, n_hidden2)``.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v
from .layers import linear
from .model import Autoencoder
from .noise import Noise, make_noise
from .train import fit

__all__ = ["PreRectifierNoise", "StackedDAE"]


class PreRectifierNoise(Noise):
    r"""Gaussian noise on pre-activations followed by the rectifier: ``max(0, a + sigma * eps)``.

    Given a batch of layer-1 pre-activations ``A: (batch, n_hidden1)`` it returns corrupted codes
    of the same shape. ``sigma`` is in the units of ``A``.
    """

    def __init__(self, sigma: float, seed=0):
        super().__init__("gaussian", sigma, seed)

    def __call__(self, A):
        return np.maximum(super().__call__(A), 0)               # (batch, n_hidden1)

    def __repr__(self):
        return f"pre_rectifier_gaussian(sigma={self.level:.3g})"


class StackedDAE:
    r"""Two denoising autoencoders stacked with the rectifier recipe (see the module docstring).

    Parameters
    ----------
    n_visible, n_hidden1, n_hidden2 : layer sizes, e.g. 784, 256, 64.
    noise1 : corruption of the input for layer 1: a ``(kind, level)`` pair for
        :func:`aelib.noise.make_noise`, e.g. ``("masking", 0.25)``.
    noise2 : sigma of the Gaussian noise added to layer 1's pre-activations, *relative to their
        standard deviation* on the training set (0.5 means half a standard deviation).
    l1 : ``(lambda1, lambda2)``, the L1 penalties on ``W_1`` and ``W_2``.
    seed : int, for both layers' initial weights and both noises.
    """

    def __init__(self, n_visible=784, n_hidden1=256, n_hidden2=64, noise1=("masking", 0.25), noise2=0.5,
                 l1=(1e-4, 1e-4), seed=0):
        owner = "StackedDAE"
        n_visible = v.check_int(n_visible, "n_visible", owner)
        self.n_hidden1 = v.check_int(n_hidden1, "n_hidden1", owner)
        self.n_hidden2 = v.check_int(n_hidden2, "n_hidden2", owner)
        if not (isinstance(noise1, (tuple, list)) and len(noise1) == 2):
            raise TypeError(f"The 'noise1' parameter of {owner} must be a (kind, level) pair such as "
                            f"('masking', 0.25). Got {noise1!r} instead.")
        self.seed = v.check_int(seed, "seed", owner, minimum=0)
        self.noise1 = make_noise(noise1[0], noise1[1], seed=self.seed + 1)
        self.noise2_rel = v.check_float(noise2, "noise2", owner)
        if not (isinstance(l1, (tuple, list)) and len(l1) == 2):
            raise TypeError(f"The 'l1' parameter of {owner} must be a pair (lambda1, lambda2). Got {l1!r} instead.")
        self.l1 = (v.check_float(l1[0], "l1[0]", owner), v.check_float(l1[1], "l1[1]", owner))
        self.layer1 = Autoencoder(n_visible, self.n_hidden1, encoder="relu", decoder="sigmoid", tied=True,
                                  seed=self.seed)
        self.layer2 = Autoencoder(self.n_hidden1, self.n_hidden2, encoder="relu", decoder="softplus", tied=True,
                                  seed=self.seed + 2)
        self.noise2 = None                     # made in fit, once the scale of a_1 is known

    # ---- forward -----------------------------------------------------------------------------
    def preactivation1(self, X):
        """``a_1 = X W_1ᵀ + b_1``: ``(batch, n_visible) -> (batch, n_hidden1)``."""
        X = v.check_array(X, "X", "StackedDAE.preactivation1", ndim=2, n_cols=self.layer1.n_in,
                          dtype=self.layer1.dtype)
        return linear(X, self.layer1.params["W"], self.layer1.params["b"])

    def encode(self, X):
        """The top code ``h_2 = relu(W_2 relu(W_1 x + b_1) + b_2)``: ``(batch, n_visible) -> (batch, n_hidden2)``."""
        return self.layer2.encode(self.layer1.encode(X))

    def reconstruct(self, X):
        """Through both layers and back: ``x -> h_1 -> h_2 -> ĥ_1 -> x̂``, ``(batch, n_visible)``."""
        return self.layer1.decode(self.layer2.reconstruct(self.layer1.encode(X)))

    # ---- training ----------------------------------------------------------------------------
    def fit(self, X, epochs=(10, 10), batch_size=128, lr=(3e-3, 3e-3), optimizer="adam", X_val=None,
            progress=False):
        r"""Greedy layer-wise training: layer 1 on ``X``, then layer 2 on layer 1's codes.

        ``epochs`` and ``lr`` are single values or ``(layer1, layer2)`` pairs. Returns
        ``(history1, history2)``: layer 1's losses in cross-entropy per digit, layer 2's in squared
        error per code vector (validation: clean input, clean target).
        """
        epochs = tuple(epochs) if isinstance(epochs, (tuple, list)) else (epochs, epochs)
        lr = tuple(lr) if isinstance(lr, (tuple, list)) else (lr, lr)
        h1 = fit(self.layer1, X, epochs=epochs[0], batch_size=batch_size, lr=lr[0], optimizer=optimizer,
                 loss="cross_entropy", noise=self.noise1, X_val=X_val, l1=self.l1[0], seed=self.seed,
                 progress=progress)
        A1 = self.preactivation1(X)                              # (n, n_hidden1) pre-activations
        H1 = np.maximum(A1, 0)                                   # (n, n_hidden1) clean codes: the target
        self.noise2 = PreRectifierNoise(self.noise2_rel * float(A1.std()), seed=self.seed + 3)
        H1_val = self.layer1.encode(X_val) if X_val is not None else None
        h2 = fit(self.layer2, A1, epochs=epochs[1], batch_size=batch_size, lr=lr[1], optimizer=optimizer,
                 loss="squared_error", noise=self.noise2, target=H1, X_val=H1_val, l1=self.l1[1],
                 seed=self.seed, progress=progress)
        return h1, h2

    def __repr__(self):
        n = self.layer1.n_visible
        noise2 = repr(self.noise2) if self.noise2 else f"pre-rectifier gaussian ({self.noise2_rel:g} std of a_1)"
        return (f"StackedDAE({n} -> {self.n_hidden1} relu -> {self.n_hidden2} relu; reconstructions: "
                f"softplus -> {self.n_hidden1}, sigmoid -> {n}; noise {self.noise1!r} then {noise2}; "
                f"L1 {self.l1[0]:g}, {self.l1[1]:g})")

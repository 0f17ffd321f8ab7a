r"""Corruption processes for denoising autoencoders.

Each factory returns a :class:`Noise`: call it on a batch to get a corrupted *copy*
(the clean batch is never modified). Every draw comes from the generator the noise was made
with (an int ``seed`` or a ``numpy.random.Generator``), never from numpy's global RNG.

* ``gaussian(sigma)``:  :math:`\tilde x = x + \sigma \varepsilon`, :math:`\varepsilon \sim N(0, 1)`
  (values may leave [0, 1]; pass ``clip=True`` to clip them back).
* ``masking(fraction)``: each input is set to 0 with probability ``fraction``.
* ``salt_and_pepper(fraction)``: each input is, with probability ``fraction``, set to 0 or 1
  (each with probability 1/2).
"""
from __future__ import annotations

import numpy as np

from ._validate import check_array, check_bool, check_choice, check_float, check_rng


class Noise:
    """A corruption process with its own random generator. ``noise(X)`` returns a corrupted copy."""

    def __init__(self, kind: str, level: float, seed=0, clip: bool = False):
        self.kind = check_choice(kind, "kind", NOISES, "Noise")
        high = np.inf if kind == "gaussian" else 1.0
        name = "sigma" if kind == "gaussian" else "fraction"
        self.level = check_float(level, name, kind, low=0.0, high=high)
        self.rng = check_rng(seed, "seed", kind)
        self.clip = check_bool(clip, "clip", kind)

    def __call__(self, X):
        X = check_array(X, "X", f"{self.kind} noise", ndim=None)
        dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
        X = X.astype(dtype, copy=True)           # (batch, n_visible), the corrupted copy
        if self.level == 0:
            return np.clip(X, 0, 1, out=X) if self.clip else X
        if self.kind == "gaussian":
            X += self.level * self.rng.standard_normal(X.shape, dtype=dtype)
        elif self.kind == "masking":
            X[self.rng.random(X.shape, dtype=dtype) < self.level] = 0
        else:  # salt_and_pepper
            u = self.rng.random(X.shape, dtype=dtype)    # u < level: corrupt; which half: 0 or 1
            hit = u < self.level
            X[hit] = (u[hit] < self.level / 2).astype(dtype)
        if self.clip:
            np.clip(X, 0, 1, out=X)
        return X

    def __repr__(self):
        name = "sigma" if self.kind == "gaussian" else "fraction"
        return f"{self.kind}({name}={self.level:g})"


def gaussian(sigma: float, seed=0, clip: bool = False) -> Noise:
    r"""Additive Gaussian noise :math:`x + \sigma\,\varepsilon`, :math:`\varepsilon \sim N(0, 1)`."""
    return Noise("gaussian", sigma, seed, clip)


def masking(fraction: float, seed=0) -> Noise:
    """Masking noise: each input set to 0 with probability ``fraction``."""
    return Noise("masking", fraction, seed)


def salt_and_pepper(fraction: float, seed=0) -> Noise:
    """Salt-and-pepper noise: each input set to 0 or 1 (equally likely) with probability ``fraction``."""
    return Noise("salt_and_pepper", fraction, seed)


NOISES = {"gaussian": gaussian, "masking": masking, "salt_and_pepper": salt_and_pepper}


def make_noise(kind: str, level: float, seed=0) -> Noise:
    """Build a noise by name: ``make_noise("masking", 0.3, seed=1)``."""
    kind = check_choice(kind, "kind", NOISES, "make_noise")
    check_float(level, "level", "make_noise", low=0.0, high=np.inf if kind == "gaussian" else 1.0)
    return NOISES[kind](level, seed=seed)

r"""The one training loop of the library: :func:`fit`, for every model.

Each epoch shuffles the training set (with its own seeded generator), walks through it in
minibatches, optionally corrupts each input batch with ``noise`` (the *clean* batch stays the
target: a denoising step), takes one optimiser step per batch, and records

* ``train_loss``: the mean of the batch losses of that epoch (on the inputs as trained on);
* ``val_loss``: the loss on ``X_val`` (clean input, clean target) at the end of the epoch;
* ``time``: cumulative training seconds (evaluation time excluded).

Loss units everywhere: summed over the output units, averaged over the examples
(see :mod:`aelib.losses`).

Divergence is detected, never plotted as a flat line: a non-finite batch loss, or an epoch loss
more than ``max_loss_ratio`` times the first batch's loss, stops training. With
``on_divergence="raise"`` (default) :class:`TrainingDiverged` is raised (its ``history`` attribute
holds what was recorded); with ``"stop"`` the history is returned with ``diverged=True`` and a
``message``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .noise import Noise
from .optim import make_optimizer


class TrainingDiverged(RuntimeError):
    """Training produced NaN/inf or an exploding loss. ``.history`` holds the epochs recorded."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """What :func:`fit` recorded, one entry per finished epoch."""
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    time: list = field(default_factory=list)
    loss_name: str = ""
    diverged: bool = False
    message: str = ""

    @property
    def epochs(self):
        return np.arange(1, len(self.train_loss) + 1)

    @property
    def status(self) -> str:
        """One line for a notebook to print: 'ok ...' or the divergence message."""
        if self.diverged:
            return self.message
        last = f"train {self.train_loss[-1]:.3g}" if self.train_loss else "no epoch"
        if self.val_loss:
            last += f", held-out {self.val_loss[-1]:.3g}"
        return f"ok: {len(self.train_loss)} epochs, final {last}"

    def __repr__(self):
        return f"History({self.loss_name}, {self.status})"


def _progress_epochs(epochs: int, lines: int = 10):
    """The epochs at which progress is printed: about ``lines`` of them, always the last."""
    return set(np.unique(np.linspace(1, epochs, min(lines, epochs)).round().astype(int)).tolist())


def fit(model, X, epochs=10, batch_size=32, lr=0.1, optimizer="sgd", loss="cross_entropy", noise=None,
        X_val=None, target=None, target_val=None, seed=0, l1=0.0, l2=0.0, progress=False,
        on_divergence="raise", max_loss_ratio=10.0, **optimizer_options) -> History:
    r"""Train ``model`` in place by minibatch gradient descent. Returns a :class:`History`.

    Parameters
    ----------
    X : ``(n, n_in)`` training inputs. ``target`` (same rows) defaults to ``X``.
    epochs, batch_size : ``batch_size=1`` is pure SGD; ``batch_size >= n`` is full-batch descent.
    lr, optimizer : learning rate and "sgd", "momentum" or "adam" (extra keywords such as
        ``momentum=0.9`` or ``beta1=0.9`` go to the optimiser), or an ``Optimizer`` instance.
    loss : "cross_entropy" or "squared_error" (summed over outputs, averaged over the batch).
    noise : a :class:`~aelib.noise.Noise`; each input batch is corrupted, the clean one is the target.
    X_val, target_val : validation data, scored every epoch (clean input).
    seed : int or Generator for the shuffling.
    l1, l2 : penalties :math:`\lambda_1 \sum |W| + \lambda_2 \sum W^2` on the weight matrices
        (their gradients are added; the recorded losses are the reconstruction losses alone).
    progress : print about ten lines of progress (epoch, losses, elapsed time).
    on_divergence : "raise" or "stop" (see the module docstring).

    A model with ``stochastic = True`` (:class:`aelib.vae.VAE`) draws its noise from ``seed``'s
    generator too: ``_loss_and_grads(..., rng=rng)`` gets a fresh draw for every batch, after that
    epoch's shuffle, so the whole run is fixed by ``seed``.
    """
    owner = "fit"
    v.check_model(model, "model", owner)
    epochs = v.check_int(epochs, "epochs", owner)
    batch_size = v.check_int(batch_size, "batch_size", owner)
    l1 = v.check_float(l1, "l1", owner)
    l2 = v.check_float(l2, "l2", owner)
    v.check_bool(progress, "progress", owner)
    v.check_choice(on_divergence, "on_divergence", ("raise", "stop"), owner)
    max_loss_ratio = v.check_float(max_loss_ratio, "max_loss_ratio", owner, low=1.0, allow_inf=True)
    if noise is not None and not isinstance(noise, Noise):
        raise TypeError(f"The 'noise' parameter of fit must be None or a Noise made by aelib.noise "
                        f"(gaussian, masking, salt_and_pepper). Got {type(noise).__name__} instead.")
    L = model._loss(loss)
    X = model._input(X, "X")
    T = model._target(target, X, L, "target")
    if X_val is not None:
        X_val = model._input(X_val, "X_val")
        T_val = model._target(target_val, X_val, L, "target_val")
    elif target_val is not None:
        raise ValueError(f"The 'target_val' parameter of fit must be None when X_val is None (it would be "
                         f"ignored). Got {type(target_val).__name__} instead; pass X_val too.")
    opt = make_optimizer(optimizer, lr, **optimizer_options)
    rng = v.check_rng(seed, "seed", owner)

    n = X.shape[0]
    batch_size = min(batch_size, n)
    same = T is X
    weights = model.weight_names if (l1 or l2) else []
    hist = History(loss_name=L.name)
    show = _progress_epochs(epochs) if progress else set()
    first_loss = None
    elapsed = 0.0

    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        order = rng.permutation(n) if batch_size < n else None
        total = 0.0
        for start in range(0, n, batch_size):
            if order is None:
                Xb, Tb = X, T
            else:
                idx = order[start:start + batch_size]
                Xb = X[idx]                                  # (batch, n_in)
                Tb = Xb if same else T[idx]                  # (batch, n_out)
            Xin = noise(Xb) if noise is not None else Xb
            with np.errstate(over="ignore", invalid="ignore"):   # a blow-up is caught just below
                value, grads = (model._loss_and_grads(Xin, Tb, L, rng=rng) if model.stochastic   # e.g. the VAE's ε
                                else model._loss_and_grads(Xin, Tb, L))
            if not math.isfinite(value):
                return _diverged(hist, on_divergence,
                                 f"the loss became {value} in epoch {epoch} (batch starting at example {start}).")
            if first_loss is None:
                first_loss = value
            for k in weights:
                if l1:
                    grads[k] += l1 * np.sign(model.params[k])
                if l2:
                    grads[k] += (2 * l2) * model.params[k]
            opt.step(model.params, grads)
            total += value * Xb.shape[0]
        elapsed += time.perf_counter() - t0
        hist.train_loss.append(total / n)
        hist.time.append(elapsed)
        if X_val is not None:
            hist.val_loss.append(model._loss_only(X_val, T_val, L))
        worst = max(hist.train_loss[-1], hist.val_loss[-1] if hist.val_loss else 0.0)
        if not np.isfinite(worst) or worst > max_loss_ratio * max(first_loss, 1e-12):
            return _diverged(hist, on_divergence,
                             f"in epoch {epoch} the loss reached {worst:.3g}, more than {max_loss_ratio:g}x "
                             f"its starting value {first_loss:.3g}.")
        if epoch in show:
            line = f"epoch {epoch:>{len(str(epochs))}}/{epochs}  train {hist.train_loss[-1]:.3g}"
            if hist.val_loss:
                line += f"  held-out {hist.val_loss[-1]:.3g}"
            print(f"{line}  [{elapsed:.1f} s]", flush=True)
    return hist


def _diverged(hist: History, on_divergence: str, what: str) -> History:
    hist.diverged = True
    hist.message = (f"training diverged: {what} Try a smaller learning rate (e.g. 10x smaller), "
                    f"or rescale the initial weights (e.g. multiply them by 0.1).")
    if on_divergence == "raise":
        raise TrainingDiverged(hist.message, hist)
    return hist

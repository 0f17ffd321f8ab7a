r"""The one training loop of the library: :func:`fit`, for every model.

``fit`` knows a model only by its protocol (:class:`aelib.model.Model`: ``prepare``, ``objective``,
``objective_and_grads``, ``params``), so this module imports no model: the models sit above it
and their ``fit`` methods call it.

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

Ctrl-C (``KeyboardInterrupt``, also Jupyter's "interrupt the kernel") is survived, never half-applied:

* an optimiser step updates all parameters or none: a Ctrl-C that arrives during the step is held
  until the step is finished (in the main thread, where Python delivers signals), so the model keeps
  the parameters of its last complete step;
* the epochs finished so far are kept: with ``on_interrupt="raise"`` (default) fit raises
  :class:`TrainingInterrupted` (a ``KeyboardInterrupt``, so loops and cells stop as usual) whose
  ``history`` attribute holds them, marked ``interrupted=True`` with a one-line ``message``
  (in Jupyter, after the cell stopped: ``import sys; sys.last_value.history``); with ``"stop"`` fit
  prints the message and returns that history.
* To continue training, pass the same :class:`~aelib.optim.Optimizer` object to the next ``fit``
  (``opt = aelib.optim.Adam(lr=1e-3)``, then ``fit(..., optimizer=opt)`` each time): its state
  (momentum's velocity, Adam's moments and step count) carries on. A name such as
  ``optimizer="adam"`` makes a fresh optimiser, whose state starts from zero.

A learning rate so small that no weight changes in the first epoch (``lr`` times the gradients
rounds away against float32 weights: below half their spacing, about 3e-8 for a weight of 0.5)
gives a ``RuntimeWarning`` instead of a silent flat run. Biases starting at exactly 0 are not
counted: any update, however tiny, moves them. Weights whose gradients are all zero (dead units)
do not move at any rate and give no warning.
"""
from __future__ import annotations

import math
import signal
import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .noise import Noise
from .optim import Optimizer, make_optimizer


class TrainingDiverged(RuntimeError):
    """Training produced NaN/inf or an exploding loss. ``.history`` holds the epochs recorded."""

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped :func:`fit`. ``.history`` holds the finished epochs (``interrupted=True``)."""

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
    interrupted: bool = False
    message: str = ""

    @property
    def epochs(self):
        return np.arange(1, len(self.train_loss) + 1)

    @property
    def status(self) -> str:
        """One line for a notebook to print: 'ok ...', or the divergence or interruption message."""
        if self.diverged or self.interrupted:
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
        on_divergence="raise", max_loss_ratio=10.0, on_interrupt="raise", **optimizer_options) -> History:
    r"""Train ``model`` in place by minibatch gradient descent. Returns a :class:`History`.

    Parameters
    ----------
    X : ``(n, n_in)`` training inputs. ``target`` (same rows) defaults to ``X``.
    epochs, batch_size : ``batch_size=1`` is pure SGD; ``batch_size >= n`` is full-batch descent.
    lr, optimizer : learning rate and "sgd", "momentum" or "adam" (extra keywords such as
        ``momentum=0.9`` or ``beta1=0.9`` go to the optimiser), or an ``Optimizer`` instance, which
        keeps its own ``lr`` and its state from earlier fits (``lr`` is then not used).
    loss : "cross_entropy" or "squared_error" (summed over outputs, averaged over the batch).
    noise : a :class:`~aelib.noise.Noise`; each input batch is corrupted, the clean one is the target.
    X_val, target_val : validation data, scored every epoch (clean input).
    seed : int or Generator for the shuffling.
    l1, l2 : penalties :math:`\lambda_1 \sum |W| + \lambda_2 \sum W^2` on the weight matrices
        (their gradients are added; the recorded losses leave them out: they are the model's
        objective, the reconstruction loss plus a model's own term such as a sparsity penalty or
        the VAE's KL).
    progress : print about ten lines of progress (epoch, losses, elapsed time).
    on_divergence : "raise" or "stop" (see the module docstring).
    on_interrupt : "raise" or "stop": what Ctrl-C does (see the module docstring).

    ``model`` is used through its protocol (:class:`aelib.model.Model`) alone: ``prepare`` checks
    the training and validation sets once, ``objective_and_grads`` makes each step, ``objective``
    scores ``X_val``. ``objective_and_grads(..., rng=rng)`` gets ``seed``'s generator, so a model
    with ``stochastic = True`` (:class:`aelib.vae.VAE`) draws its noise from it: a fresh draw for
    every batch, after that epoch's shuffle, and the whole run is fixed by ``seed``.
    """
    owner = "fit"
    v.check_model(model, "model", owner)
    epochs = v.check_int(epochs, "epochs", owner)
    batch_size = v.check_int(batch_size, "batch_size", owner)
    l1 = v.check_float(l1, "l1", owner)
    l2 = v.check_float(l2, "l2", owner)
    v.check_bool(progress, "progress", owner)
    v.check_choice(on_divergence, "on_divergence", ("raise", "stop"), owner)
    v.check_choice(on_interrupt, "on_interrupt", ("raise", "stop"), owner)
    max_loss_ratio = v.check_float(max_loss_ratio, "max_loss_ratio", owner, low=1.0, allow_inf=True)
    if noise is not None and not isinstance(noise, Noise):
        raise TypeError(f"The 'noise' parameter of fit must be None or a Noise made by aelib.noise "
                        f"(gaussian, masking, salt_and_pepper). Got {type(noise).__name__} instead.")
    X, T, L = model.prepare(X, target, loss, names=("X", "target"))
    if X_val is not None:
        X_val, T_val, _ = model.prepare(X_val, target_val, L, names=("X_val", "target_val"))
    elif target_val is not None:
        raise ValueError(f"The 'target_val' parameter of fit must be None when X_val is None (it would be "
                         f"ignored). Got {type(target_val).__name__} instead; pass X_val too.")
    if isinstance(optimizer, Optimizer):
        if optimizer_options:
            raise ValueError(f"The optimizer options {sorted(optimizer_options)} of fit must not be given with an "
                             f"Optimizer object (they would be ignored). Got {optimizer!r}; set them when making it.")
        optimizer.check_state(model.params, owner)
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
    start_weights = {k: model.params[k].copy() for k in model.weight_names}   # to warn when epoch 1 moves none
    weight_grads_seen = False                                # epoch 1 had a nonzero weight gradient
    guard = _StepGuard()                                     # Ctrl-C: whole steps only, finished epochs kept

    try:
        guard.install()
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
                    value, grads = model.objective_and_grads(Xin, Tb, L, rng=rng)   # rng: e.g. the VAE's ε
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
                if epoch == 1 and not weight_grads_seen:
                    weight_grads_seen = any(np.any(grads[k]) for k in start_weights)
                guard.step(opt, model.params, grads)             # all parameters updated, or none
                total += value * Xb.shape[0]
            elapsed += time.perf_counter() - t0
            hist.train_loss.append(total / n)
            hist.time.append(elapsed)
            if X_val is not None:
                hist.val_loss.append(model.objective(X_val, T_val, L))
            worst = max(hist.train_loss[-1], hist.val_loss[-1] if hist.val_loss else 0.0)
            if not np.isfinite(worst) or worst > max_loss_ratio * max(first_loss, 1e-12):
                return _diverged(hist, on_divergence,
                                 f"in epoch {epoch} the loss reached {worst:.3g}, more than {max_loss_ratio:g}x "
                                 f"its starting value {first_loss:.3g}.")
            if epoch == 1 and weight_grads_seen and all(np.array_equal(model.params[k], w)
                                                        for k, w in start_weights.items()):
                warnings.warn(f"fit: no weight changed in epoch 1: lr={opt.lr:g} is so small that each update "
                              f"(lr times the gradient) rounds away against the {np.dtype(model.dtype).name} "
                              f"weights. Training does next to nothing (biases that start at 0 can still "
                              f"creep); try a larger 'lr'.", RuntimeWarning, stacklevel=2)
            if epoch in show:
                line = f"epoch {epoch:>{len(str(epochs))}}/{epochs}  train {hist.train_loss[-1]:.3g}"
                if hist.val_loss:
                    line += f"  held-out {hist.val_loss[-1]:.3g}"
                print(f"{line}  [{elapsed:.1f} s]", flush=True)
    except KeyboardInterrupt:
        return _interrupted(hist, on_interrupt, epochs, X_val is not None)
    finally:
        guard.remove()
    return hist


class _StepGuard:
    """Hold a Ctrl-C (SIGINT) that arrives during an optimiser step and deliver it right after the
    step, so that every parameter is updated or none is. Outside a step it is delivered at once.

    Python runs signal handlers only in the main thread, between bytecodes; elsewhere (another
    thread, or SIGINT ignored) the guard does nothing and steps run as they are. Jupyter's
    "interrupt the kernel" sends SIGINT to the kernel, whose handler raises KeyboardInterrupt.
    """

    def __init__(self):
        self.handler = None          # the SIGINT handler in force before install()
        self.in_step = False
        self.held = None             # (signum, frame) of a Ctrl-C that came during a step

    def install(self):
        if threading.current_thread() is threading.main_thread():
            handler = signal.getsignal(signal.SIGINT)
            if callable(handler):
                self.handler = handler
                signal.signal(signal.SIGINT, self._on_sigint)

    def remove(self):
        if self.handler is not None:
            signal.signal(signal.SIGINT, self.handler)
            self.handler = None

    def _on_sigint(self, signum, frame):
        if self.in_step:
            self.held = (signum, frame)
        else:
            self.handler(signum, frame)          # Python's default raises KeyboardInterrupt

    def step(self, opt, params, grads):
        self.in_step = True
        try:
            opt.step(params, grads)
        finally:
            self.in_step = False
        if self.held is not None:
            held, self.held = self.held, None
            self.handler(*held)


def _interrupted(hist: History, on_interrupt: str, epochs: int, has_val: bool) -> History:
    """Keep the finished epochs (an interrupt can fall between the appends of one epoch), mark them."""
    done = min(len(hist.train_loss), len(hist.time), len(hist.val_loss) if has_val else len(hist.train_loss))
    del hist.train_loss[done:], hist.time[done:], hist.val_loss[done:]
    hist.interrupted = True
    hist.message = (f"training interrupted (KeyboardInterrupt) after {done} of {epochs} epochs; the model keeps "
                    f"the parameters of its last complete optimiser step.")
    if on_interrupt == "raise":
        raise TrainingInterrupted(hist.message + " The history so far is this exception's .history "
                                  "(in Jupyter: import sys; sys.last_value.history).", hist) from None
    print(hist.message, flush=True)
    return hist


def _diverged(hist: History, on_divergence: str, what: str) -> History:
    hist.diverged = True
    hist.message = (f"training diverged: {what} Try a smaller learning rate (e.g. 10x smaller), "
                    f"or rescale the initial weights (e.g. multiply them by 0.1).")
    if on_divergence == "raise":
        raise TrainingDiverged(hist.message, hist)
    return hist

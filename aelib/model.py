r"""Models: the one-hidden-layer :class:`Autoencoder` and the stacked :class:`Network` /
:class:`DeepAutoencoder`.

Notation (notebook 00): ``x ∈ [0,1]^n`` input, ``h = f(W x + b)`` hidden code, ``z = g(W' h + b')``
reconstruction. In code a batch is a matrix of row vectors, so for ``X: (batch, n_visible)``

.. math::  H = f(X W^\top + b), \qquad Z = g(H W'^\top + b')

with ``W: (n_hidden, n_visible)`` and ``W': (n_visible, n_hidden)``. Tied weights mean
``W' = Wᵀ``; then ``W`` receives gradient from both paths: ``dW = dW_enc + dW_decᵀ``.

Every model has the same protocol (:class:`Model`), used by the one training loop in
:mod:`aelib.train` and by :func:`aelib.gradcheck`: ``prepare`` checks a batch and the loss once,
``objective`` and ``objective_and_grads`` compute on what it returns; ``params`` is the dict of
the arrays the model uses. On top of it: ``loss``, ``loss_and_grads``, ``reconstruct``/``predict``, ``fit``.
"""
from __future__ import annotations

import copy

import numpy as np

from . import _validate as v
from . import train
from .activations import Activation, get_activation
from .layers import INIT_CHOICES, dense_backward, dense_backward_from_preactivation, dense_forward, init_weights, linear
from .losses import Loss, get_loss
from .penalties import KLSparsity


class Model:
    r"""What every model shares: params, dtype, the checks of its inputs, the loss head, ``fit``.

    **The protocol**: all that :func:`aelib.train.fit`, :func:`aelib.gradcheck`, :meth:`loss` and
    :meth:`loss_and_grads` use of a model. For inputs ``X: (batch, n_in)`` and targets
    ``T: (batch, n_out)``:

    * ``X, T, L = model.prepare(X, target=None, loss="cross_entropy")``: the one place a batch is
      checked. ``X`` and ``T`` come back as arrays of the model's ``dtype``; ``target=None`` means
      ``T = X`` (an autoencoder reproduces its input; needs ``n_out == n_in``). ``L`` is the
      :class:`~aelib.losses.Loss`, checked against the output activation, and ``T`` against the
      loss's range (cross-entropy needs ``T`` in [0, 1]).
    * ``model.objective(X, T, L) -> float``: the objective trained, the loss summed over the
      outputs and averaged over the batch, plus any penalty (sparsity) or KL term. No checks: it
      takes what ``prepare`` returned.
    * ``model.objective_and_grads(X, T, L, rng=None) -> (value, grads)``: the same value and its
      gradients, ``grads[k]`` of the shape of ``params[k]``. ``rng``: the generator a
      ``stochastic`` model (the VAE) draws its noise from; ``fit`` passes its seeded one, a fresh
      draw every batch. A deterministic model ignores it.
    * ``params`` (name -> array), ``dtype`` (np.float32 or np.float64), ``weight_names`` (the
      matrices L1/L2 penalise) and ``astype(dtype)`` (a copy in another dtype; gradcheck's float64).

    ``loss(X, target, loss)`` is ``objective(*prepare(X, target, loss))``, and ``loss_and_grads``
    likewise with ``objective_and_grads``.
    """

    output_bias_name: str           # the output layer's bias in ``params``
    stochastic: bool = False        # True: objective_and_grads draws noise (from rng when given)
    params: dict
    dtype: type
    n_in: int
    n_out: int
    output_activation: Activation

    # ---- the protocol: prepare checks, objective and objective_and_grads compute -------------
    def prepare(self, X, target=None, loss="cross_entropy", names=("X", "target")):
        """Check a batch and the loss: returns ``(X, T, L)`` for :meth:`objective` / :meth:`objective_and_grads`.

        ``X: (batch, n_in)`` and ``target: (batch, n_out)`` (None: the target is ``X`` itself) are
        turned into arrays of the model's ``dtype``; ``loss`` (a name or a
        :class:`~aelib.losses.Loss`) must suit the output activation and the target's values.
        ``names``: what error messages call ``X`` and ``target`` (fit's validation set says
        ``("X_val", "target_val")``).
        """
        L = self._check_loss(loss)
        X = self._input(X, names[0])
        T = self._target(target, X, L, names[1], names[0])
        return X, T, L

    def objective(self, X, T, L: Loss) -> float:
        """The objective (loss summed over outputs, averaged over the batch) of a prepared batch."""
        A, Z = self._output(X)
        return L.value_from_logits(A, T) if self._from_logits(L) else L.value(Z, T)

    def objective_and_grads(self, X, T, L: Loss, rng=None):
        """``(objective, grads)`` of a prepared batch, ``grads`` keyed like ``params`` (each model has its own)."""
        raise NotImplementedError(f"{type(self).__name__} must define objective_and_grads(X, T, L, rng=None).")

    # ---- input checks ------------------------------------------------------------------------
    def _input(self, X, name="X"):
        return v.check_array(X, name, type(self).__name__, ndim=2, n_cols=self.n_in, dtype=self.dtype)

    def _target(self, T, X, loss: Loss, name="target", x_name="X"):
        if T is None:
            if self.n_out != self.n_in:
                raise ValueError(f"The '{name}' parameter of {type(self).__name__} must be an array with "
                                 f"{self.n_out} columns (the outputs cannot be compared with the {self.n_in} "
                                 f"input columns). Got None instead.")
            T = X
            name = x_name                      # X is the target: a range error is about X
        else:
            T = v.check_array(T, name, type(self).__name__, ndim=2, n_cols=self.n_out, dtype=self.dtype)
            if T.shape[0] != X.shape[0]:
                raise ValueError(f"The '{name}' parameter of {type(self).__name__} must have one row per "
                                 f"row of {x_name} ({X.shape[0]}). Got {T.shape[0]} rows instead.")
        self._check_target_range(T, loss, name)
        return T

    def _check_target_range(self, T, loss: Loss, name="target"):
        if loss.x_range is not None:
            lo, hi = loss.x_range
            tmin, tmax = float(T.min()), float(T.max())
            if tmin < lo or tmax > hi:
                raise ValueError(
                    f"The '{name}' parameter of {type(self).__name__} must lie in [{lo:g}, {hi:g}] for "
                    f"loss='{loss.name}' (each value is a probability). Got values from {tmin:.4g} to "
                    f"{tmax:.4g} instead. Rescale the data to [0, 1], or use loss='squared_error'.")

    def _check_loss(self, loss) -> Loss:
        L = get_loss(loss, type(self).__name__)
        if L.z_range is not None and not self.output_activation.maps_into(*L.z_range):
            lo, hi = self.output_activation.output_range
            raise ValueError(
                f"The 'loss' parameter of {type(self).__name__} is '{L.name}', which needs outputs in "
                f"({L.z_range[0]:g}, {L.z_range[1]:g}), but the output activation "
                f"'{self.output_activation.name}' gives values in ({lo:g}, {hi:g}). Use a sigmoid output "
                f"layer, or loss='squared_error'.")
        return L

    # ---- the output head: loss and dL/dA_out -------------------------------------------------
    def _from_logits(self, L: Loss) -> bool:
        """True when the loss is computed from the output pre-activation (sigmoid + cross-entropy)."""
        return L.value_from_logits is not None and self.output_activation.name == "sigmoid"

    def _head(self, A, T, L: Loss):
        """Loss value and ``dA = ∂L/∂A`` from the output pre-activation ``A``; makes ``Z = g(A)``.

        Sigmoid output with cross-entropy: computed from the logits, ``dA = (σ(A) - T) / B`` (the
        sigmoid's derivative cancels; the formula is :func:`aelib.losses.cross_entropy_from_logits`,
        and the registry runs its tested fast version, :func:`aelib.fast.cross_entropy_from_logits`).
        Otherwise ``dA = ∂L/∂Z ⊙ g'(A)``.
        """
        if self._from_logits(L):
            return L.value_from_logits(A, T, grad=True)
        g = self.output_activation
        Z = g.f(A)                                            # (batch, n_out)
        return L.value(Z, T), L.grad(Z, T) * g.df(A, Z)       # dA: (batch, n_out)

    # ---- public API ----------------------------------------------------------------------
    def loss_and_grads(self, X, target=None, loss="cross_entropy"):
        """Loss of the batch (summed over outputs, averaged over the batch) and its gradients.

        ``target`` defaults to ``X`` (an autoencoder reproduces its input); a denoising step
        passes the corrupted batch as ``X`` and the clean one as ``target``.
        Returns ``(loss, grads)`` with ``grads`` keyed like ``params``.
        """
        return self.objective_and_grads(*self.prepare(X, target, loss))

    def loss(self, X, target=None, loss="cross_entropy") -> float:
        """The loss alone, in the same units (no gradients computed)."""
        return self.objective(*self.prepare(X, target, loss))

    def fit(self, X, epochs=10, batch_size=32, lr=0.1, optimizer="sgd", loss="cross_entropy", **kwargs):
        """Train in place with :func:`aelib.train.fit`; returns its :class:`~aelib.train.History`."""
        return train.fit(self, X, epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
                         loss=loss, **kwargs)

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    @property
    def weight_names(self):
        """Names of the weight matrices (the arrays that L1/L2 penalties apply to)."""
        return [k for k, p in self.params.items() if p.ndim == 2]

    def astype(self, dtype):
        """A copy of the model whose parameters and computations use ``dtype`` (float32 or float64)."""
        dtype = v.check_dtype(dtype, "dtype", f"{type(self).__name__}.astype")
        other = copy.deepcopy(self)
        other.dtype = dtype
        other.params = {k: p.astype(dtype) for k, p in self.params.items()}
        return other

    def copy(self):
        return copy.deepcopy(self)

    def init_output_bias(self, X):
        r"""Start the output bias at the average target: ``b' = g^{-1}(\bar x)``; returns the model.

        With zero biases a sigmoid output starts at 0.5 for every pixel, and a net whose hidden
        units are not yet useful first has to learn the average digit, a plateau (lesson 04).
        Here ``\bar x`` is the mean of ``X`` over its rows, clipped into ``[0.001, 0.999]`` for an
        output activation whose inverse needs it (sigmoid: ``b' = logit(\bar x)``); activations
        without an inverse (ReLU) get ``\bar x`` itself.
        """
        X = v.check_array(X, "X", f"{type(self).__name__}.init_output_bias", ndim=2, n_cols=self.n_out,
                          dtype=self.dtype)
        mean = X.mean(axis=0).astype(np.float64)                                     # (n_out,)
        g = self.output_activation
        if g.inverse is None:
            b = mean                                                                 # e.g. relu
        else:
            lo, hi = g.inverse_domain
            b = g.inverse(np.clip(mean, lo + 1e-3 if np.isfinite(lo) else -np.inf,
                                  hi - 1e-3 if np.isfinite(hi) else np.inf))         # sigmoid: logit(mean)
        self.params[self.output_bias_name][...] = b.astype(self.dtype)
        return self

    def set_params(self, **arrays):
        """Replace parameters by name, checking their shapes: ``model.set_params(W=W0, b=0)``.

        A scalar fills the whole array (``b=0`` resets a bias). Arrays are copied in.
        """
        for name, value in arrays.items():
            if name not in self.params:
                v.check_choice(name, "parameter name", self.params, f"{type(self).__name__}.set_params")
            p = self.params[name]
            arr = v.check_array(value, name, f"{type(self).__name__}.set_params", ndim=None, dtype=self.dtype)
            if arr.ndim and arr.shape != p.shape:
                raise ValueError(f"The '{name}' parameter of {type(self).__name__}.set_params must have shape "
                                 f"{p.shape}. Got shape {arr.shape} instead.")
            p[...] = arr
        return self


class Autoencoder(Model):
    r"""One hidden layer autoencoder: ``H = f(X Wᵀ + b)``, ``Z = g(H W'ᵀ + b')``.

    Parameters
    ----------
    n_visible, n_hidden : sizes ``n`` and ``m``.
    encoder, decoder : names of activations ``f`` and ``g`` (see ``aelib.ACTIVATIONS``).
    tied : if True, ``W' = Wᵀ`` (one weight matrix); else a separate ``W_prime: (n_visible, n_hidden)``.
    seed : int or ``numpy.random.Generator`` for the initial weights.
    init : initial weights (see :func:`aelib.layers.init_scheme`): ``"auto"`` (default) is
        He-normal for a rectifier layer and Glorot-uniform for the others (sigmoid included);
        ``"recommended"`` gives sigmoid layers four times the Glorot range; or one scheme by name,
        ``"glorot"``, ``"glorot_sigmoid"``, ``"he"``. Biases start at 0 (see
        :meth:`init_output_bias` to start ``b'`` at the average input instead).
    dtype : "float32" (default, for training) or "float64" (gradient checks).
    sparsity : None, or a penalty on the code such as ``aelib.penalties.kl_sparsity(rho=0.05, beta=3)``
        (lesson 08). It is added to the loss: ``loss``, ``loss_and_grads`` and ``fit``'s recorded
        losses are then reconstruction loss + penalty, the objective trained. Needs a sigmoid encoder.

    ``params``: ``W (n_hidden, n_visible)``, ``b (n_hidden,)``, ``b_prime (n_visible,)`` and, when
    untied, ``W_prime (n_visible, n_hidden)``.
    """

    def __init__(self, n_visible, n_hidden, encoder="sigmoid", decoder="sigmoid", tied=True, seed=0,
                 dtype="float32", init="auto", sparsity=None):
        owner = "Autoencoder"
        self.init = v.check_choice(init, "init", INIT_CHOICES, owner)
        self.n_visible = v.check_int(n_visible, "n_visible", owner)
        self.n_hidden = v.check_int(n_hidden, "n_hidden", owner)
        self.encoder = get_activation(encoder, owner, "encoder")
        self.decoder = get_activation(decoder, owner, "decoder")
        self.tied = v.check_bool(tied, "tied", owner)
        self.dtype = v.check_dtype(dtype, "dtype", owner)
        rng = v.check_rng(seed, "seed", owner)
        n, m = self.n_visible, self.n_hidden
        self.params = {
            "W": init_weights(n, m, self.encoder, rng, self.dtype, init),      # (n_hidden, n_visible)
            "b": np.zeros(m, self.dtype),                                 # (n_hidden,)
            "b_prime": np.zeros(n, self.dtype),                           # (n_visible,)
        }
        if not self.tied:
            self.params["W_prime"] = init_weights(m, n, self.decoder, rng, self.dtype, init)  # (n_visible, n_hidden)
        self.sparsity = _check_sparsity(sparsity, self.encoder, owner)

    n_in = property(lambda self: self.n_visible)
    n_out = property(lambda self: self.n_visible)
    output_bias_name = "b_prime"
    output_activation = property(lambda self: self.decoder)

    @property
    def W_prime(self):
        """The decoder matrix ``W'`` of shape ``(n_visible, n_hidden)`` (``Wᵀ`` when tied)."""
        return self.params["W"].T if self.tied else self.params["W_prime"]

    # ---- forward ---------------------------------------------------------------------------
    def encode(self, X):
        """``H = f(X Wᵀ + b)``: ``(batch, n_visible) -> (batch, n_hidden)``."""
        X = self._input(X)
        return dense_forward(X, self.params["W"], self.params["b"], self.encoder)[1]

    def decode(self, H):
        """``Z = g(H W'ᵀ + b')``: ``(batch, n_hidden) -> (batch, n_visible)``."""
        H = v.check_array(H, "H", "Autoencoder.decode", ndim=2, n_cols=self.n_hidden, dtype=self.dtype)
        return dense_forward(H, self.W_prime, self.params["b_prime"], self.decoder)[1]

    def reconstruct(self, X):
        """``Z = g(f(X Wᵀ + b) W'ᵀ + b')``: ``(batch, n_visible) -> (batch, n_visible)``."""
        return self._output(self._input(X))[1]

    predict = reconstruct

    def _output(self, X):
        p = self.params
        _, H = dense_forward(X, p["W"], p["b"], self.encoder)               # (batch, n_hidden)
        return dense_forward(H, self.W_prime, p["b_prime"], self.decoder)   # A2, Z: (batch, n_visible)

    # ---- forward and backward --------------------------------------------------------------
    def objective_and_grads(self, X, T, L: Loss, rng=None):
        """Objective and gradients of a prepared batch (:meth:`Model.prepare`); ``rng`` is not used."""
        p = self.params
        A1, H = dense_forward(X, p["W"], p["b"], self.encoder)              # (batch, n_hidden)
        A2 = linear(H, self.W_prime, p["b_prime"])                          # (batch, n_visible)
        value, dA2 = self._head(A2, T, L)                                   # Z = g(A2) is made in the head
        # backward: the same lines in reverse order
        dH, dW_dec, db_prime = dense_backward_from_preactivation(dA2, H, self.W_prime)  # dW_dec: (n_visible, n_hidden)
        if self.sparsity is not None:                # code penalty (lesson 08): objective = loss + P(H)
            value += self.sparsity.value(H)
            dH += self.sparsity.grad(H)              # dP/dH: (batch, n_hidden)
        _, dW_enc, db = dense_backward(dH, X, p["W"], A1, H, self.encoder, need_dX=False)  # (n_hidden, n_visible)
        grads = {"b": db, "b_prime": db_prime}
        if self.tied:
            dW_enc += dW_dec.T                       # tied: dW = dW_enc + dW_decᵀ
            grads["W"] = dW_enc
        else:
            grads["W"], grads["W_prime"] = dW_enc, dW_dec
        return value, {k: grads[k] for k in p}

    def objective(self, X, T, L: Loss) -> float:
        value = super().objective(X, T, L)
        if self.sparsity is not None:                # the same objective as objective_and_grads
            value += self.sparsity.value(dense_forward(X, self.params["W"], self.params["b"], self.encoder)[1])
        return value

    def __repr__(self):
        n, m = self.n_visible, self.n_hidden
        tie = "tied" if self.tied else "untied"
        penalty = f", sparsity {self.sparsity!r}" if self.sparsity is not None else ""
        return (f"Autoencoder({n} -> {m} -> {n}, encoder={self.encoder.name}, decoder={self.decoder.name}, "
                f"{tie}{penalty}, {self.n_params:,} params, {np.dtype(self.dtype).name})")


def _check_sparsity(sparsity, encoder: Activation, owner: str):
    """``sparsity`` must be None or a code penalty (:mod:`aelib.penalties`) whose codes the encoder can give."""
    if sparsity is None:
        return None
    if not isinstance(sparsity, KLSparsity):
        raise TypeError(f"The 'sparsity' parameter of {owner} must be None or a penalty made by "
                        f"aelib.penalties.kl_sparsity(rho, beta). Got {type(sparsity).__name__} instead.")
    if not encoder.maps_into(0.0, 1.0):
        raise ValueError(f"The 'sparsity' parameter of {owner} needs codes in (0, 1) (a mean activation is "
                         f"compared with rho), so a sigmoid encoder. Got encoder='{encoder.name}' instead.")
    return sparsity


class Network(Model):
    r"""A stack of dense layers, one activation per layer: ``H_0 = X``, ``H_l = f_l(H_{l-1} W_lᵀ + b_l)``.

    ``sizes = [n_0, n_1, ..., n_L]`` and ``activations = [f_1, ..., f_L]`` (names). ``params`` are
    ``W1, b1, ..., WL, bL`` with ``Wl: (n_l, n_{l-1})``. Used for supervised nets (XOR) and, via
    :class:`DeepAutoencoder`, for deep autoencoders; trained by the same :func:`aelib.train.fit`.
    """

    def __init__(self, sizes, activations, seed=0, dtype="float32", init="auto"):
        owner = type(self).__name__
        self.init = v.check_choice(init, "init", INIT_CHOICES, owner)
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"The 'sizes' parameter of {owner} must be a list of at least 2 layer sizes. "
                             f"Got {sizes!r} instead.")
        self.sizes = [v.check_int(s, f"sizes[{i}]", owner) for i, s in enumerate(sizes)]
        if isinstance(activations, (str, Activation)):
            activations = [activations] * (len(sizes) - 1)
        if not hasattr(activations, "__iter__"):
            raise TypeError(f"The 'activations' parameter of {owner} must be an activation name or a list "
                            f"of them. Got {activations!r} (type {type(activations).__name__}) instead.")
        activations = list(activations)
        if len(activations) != len(sizes) - 1:
            raise ValueError(f"The 'activations' parameter of {owner} must have one entry per layer "
                             f"({len(sizes) - 1}). Got {len(activations)} instead.")
        self.activations = [get_activation(a, owner, f"activations[{i}]") for i, a in enumerate(activations)]
        self.dtype = v.check_dtype(dtype, "dtype", owner)
        rng = v.check_rng(seed, "seed", owner)
        self.params = {}
        for l, (n_in, n_out, act) in enumerate(zip(self.sizes[:-1], self.sizes[1:], self.activations), 1):
            self.params[f"W{l}"] = init_weights(n_in, n_out, act, rng, self.dtype, init)   # (n_out, n_in)
            self.params[f"b{l}"] = np.zeros(n_out, self.dtype)                        # (n_out,)

    n_in = property(lambda self: self.sizes[0])
    n_out = property(lambda self: self.sizes[-1])
    output_bias_name = property(lambda self: f"b{self.n_layers}")
    output_activation = property(lambda self: self.activations[-1])
    n_layers = property(lambda self: len(self.activations))

    def _run(self, X, start: int, stop: int):
        """Layers ``start+1 .. stop`` (1-based), returning the per-layer cache [(input, A, H), ...]."""
        cache, H = [], X
        for l in range(start + 1, stop + 1):
            A, H_next = dense_forward(H, self.params[f"W{l}"], self.params[f"b{l}"], self.activations[l - 1])
            cache.append((H, A, H_next))
            H = H_next
        return cache

    def _output(self, X):
        _, A, H = self._run(X, 0, self.n_layers)[-1]
        return A, H

    def predict(self, X):
        """Output of the last layer: ``(batch, sizes[0]) -> (batch, sizes[-1])``."""
        return self._output(self._input(X))[1]

    def hidden(self, X, layer: int):
        """Activations of layer ``layer`` (1-based): ``(batch, sizes[layer])``."""
        layer = v.check_int(layer, "layer", f"{type(self).__name__}.hidden")
        if layer > self.n_layers:
            raise ValueError(f"The 'layer' parameter of {type(self).__name__}.hidden must be at most "
                             f"{self.n_layers}. Got {layer} instead.")
        return self._run(self._input(X), 0, layer)[-1][2]

    def objective_and_grads(self, X, T, L: Loss, rng=None):
        """Objective and gradients of a prepared batch (:meth:`Model.prepare`); ``rng`` is not used."""
        n = self.n_layers
        cache = self._run(X, 0, n - 1)                             # hidden layers 1 .. n-1
        H_last = cache[-1][2] if cache else X
        A_out = linear(H_last, self.params[f"W{n}"], self.params[f"b{n}"])   # (batch, n_out)
        value, dA = self._head(A_out, T, L)                        # Z = g(A_out) is made in the head
        cache.append((H_last, A_out, None))
        grads = {}
        for l in range(n, 0, -1):                                  # backward: last layer first
            H_in, A, H = cache[l - 1]
            W = self.params[f"W{l}"]
            if l < n:
                dA = dH * self.activations[l - 1].df(A, H)          # (batch, n_l)
            dH, grads[f"W{l}"], grads[f"b{l}"] = dense_backward_from_preactivation(dA, H_in, W, need_dX=l > 1)
        return value, {k: grads[k] for k in self.params}

    def _layers_repr(self):
        parts = [str(self.sizes[0])]
        for n, act in zip(self.sizes[1:], self.activations):
            parts.append(f"{n} {act.name}")
        return " -> ".join(parts)

    def __repr__(self):
        return f"{type(self).__name__}({self._layers_repr()}, {self.n_params:,} params, {np.dtype(self.dtype).name})"


class DeepAutoencoder(Network):
    r"""A deep autoencoder: a :class:`Network` whose output size equals its input size.

    ``DeepAutoencoder([784, 128, 64, 2, 64, 128, 784], hidden="relu", bottleneck="identity",
    output="sigmoid")`` builds the 784-128-64-2-64-128-784 net of notebook 05. The *bottleneck*
    is the narrowest layer; ``encode`` returns its activations (the code) and ``decode`` maps a
    code back. ``activations=[...]`` (one per layer) overrides hidden/bottleneck/output.
    """

    def __init__(self, sizes, hidden="relu", bottleneck="identity", output="sigmoid", activations=None,
                 seed=0, dtype="float32", init="auto"):
        owner = "DeepAutoencoder"
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 3:
            raise ValueError(f"The 'sizes' parameter of {owner} must be a list of at least 3 layer sizes "
                             f"(input, code, output). Got {sizes!r} instead.")
        sizes = [v.check_int(s, f"sizes[{i}]", owner) for i, s in enumerate(sizes)]
        if sizes[0] != sizes[-1]:
            raise ValueError(f"The 'sizes' parameter of {owner} must end with the input size "
                             f"({sizes[0]}) to reconstruct its input. Got {sizes[-1]} instead.")
        code = int(np.argmin(sizes[1:-1])) + 1       # index of the bottleneck layer in sizes
        hidden, bottleneck, output = (get_activation(a, owner, name) for a, name in
                                      ((hidden, "hidden"), (bottleneck, "bottleneck"), (output, "output")))
        if activations is None:
            activations = [hidden] * (len(sizes) - 1)
            activations[code - 1] = bottleneck
            activations[-1] = output
        self.code_layer = code
        super().__init__(sizes, activations, seed=seed, dtype=dtype, init=init)

    def encode(self, X):
        """The code at the bottleneck: ``(batch, n_visible) -> (batch, sizes[code_layer])``."""
        return self._run(self._input(X), 0, self.code_layer)[-1][2]

    def decode(self, H):
        """Map codes back: ``(batch, sizes[code_layer]) -> (batch, n_visible)``."""
        H = v.check_array(H, "H", "DeepAutoencoder.decode", ndim=2, n_cols=self.sizes[self.code_layer],
                          dtype=self.dtype)
        return self._run(H, self.code_layer, self.n_layers)[-1][2]

    reconstruct = Network.predict

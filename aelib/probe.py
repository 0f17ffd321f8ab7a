r"""What the codes are good for: a linear probe (softmax regression) and nearest neighbours.

A *linear probe* asks how much of the label a code ``H`` holds in a form a linear classifier can
read. It is multinomial logistic regression on the codes: for ``K`` classes,

.. math::  A = H W^\top + b, \qquad P_{ik} = \mathrm{softmax}(A_i)_k = \frac{e^{A_{ik}}}{\sum_j e^{A_{ij}}},
           \qquad L = -\frac{1}{B} \sum_{i=1}^{B} \sum_{k=1}^{K} T_{ik} \log P_{ik}

with ``H: (batch, n_features)``, ``W: (K, n_features)``, ``b: (K,)`` and ``T: (batch, K)`` the
one-hot labels: the cross-entropy in nats per example, averaged over the batch. Its gradient is
the same clean "output minus target" as a sigmoid output with Bernoulli cross-entropy (notebook 03):

.. math::  \frac{\partial L}{\partial A} = \frac{P - T}{B}, \qquad
           \frac{\partial L}{\partial W} = \Big(\frac{\partial L}{\partial A}\Big)^\top H, \qquad
           \frac{\partial L}{\partial b} = \sum_i \frac{\partial L}{\partial A_i}.

The probe is a model like the autoencoders (:class:`~aelib.model.Model`): the one training loop
:func:`aelib.train.fit` trains it (``l2`` adds :math:`\lambda \sum W^2`), and
:func:`aelib.gradcheck` checks its gradients.

API (stable; lesson 08 uses it on codes, lesson 09 as a digit classifier)::

    >>> probe = SoftmaxRegression(n_features=64, n_classes=10)
    >>> probe.fit(H_train, y_train, epochs=20, batch_size=64, lr=0.01)      # Adam by default
    >>> probe.accuracy(H_test, y_test)          # fraction of test rows classified right
    >>> probe.predict(H_test)                   # (batch,) class indices
    >>> probe.predict_proba(H_test)             # (batch, n_classes), rows sum to 1
    >>> standardize(H_train, H_test)            # both scaled by the TRAINING mean and sd
    >>> knn_accuracy(H_train, y_train, H_test, y_test, k=1)   # nearest neighbours in code space

Labels are integers ``0 .. n_classes - 1``. Only numpy is imported.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from . import train
from .layers import dense_backward_from_preactivation, linear, matmul
from .model import Model

__all__ = ["SoftmaxRegression", "SOFTMAX_CROSS_ENTROPY", "softmax", "one_hot", "standardize", "knn_accuracy"]


def softmax(A):
    r"""Row-wise :math:`\mathrm{softmax}(a)_k = e^{a_k - \max a} / \sum_j e^{a_j - \max a}` (no overflow)."""
    E = np.exp(A - A.max(axis=-1, keepdims=True))      # (batch, K), largest entry of each row is 1
    return E / E.sum(axis=-1, keepdims=True)


def _log_softmax(A):
    r""":math:`\log \mathrm{softmax}(a)_k = a_k - \max a - \log \sum_j e^{a_j - \max a}`."""
    S = A - A.max(axis=-1, keepdims=True)                # (batch, K)
    return S - np.log(np.exp(S).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(A, T, grad: bool = False):
    r"""Mean over the batch of :math:`-\sum_k T_k \log \mathrm{softmax}(A)_k`; with ``grad=True`` also
    :math:`\partial L / \partial A = (\mathrm{softmax}(A) - T) / B`."""
    B = A.shape[0]
    value = -float(np.vdot(T, _log_softmax(A))) / B
    if not grad:
        return value
    return value, (softmax(A) - T) / B                   # dA: (batch, K)


@dataclass(frozen=True)
class _ProbeLoss:
    """The probe's loss, in the shape :func:`aelib.train.fit` expects of a :class:`~aelib.losses.Loss`."""
    name: str = "softmax_cross_entropy"
    units: str = "cross-entropy per example in nats"
    x_range: tuple = (0.0, 1.0)                          # one-hot targets
    z_range: tuple = (0.0, 1.0)


SOFTMAX_CROSS_ENTROPY = _ProbeLoss()


def one_hot(y, n_classes: int, name: str = "y", owner: str = "one_hot"):
    """``y: (batch,)`` integer labels in ``0 .. n_classes - 1`` -> ``(batch, n_classes)`` float32 one-hot rows."""
    y = _labels(y, n_classes, name, owner)
    T = np.zeros((y.size, n_classes), np.float32)       # (batch, K)
    T[np.arange(y.size), y] = 1
    return T


def _labels(y, n_classes: int, name: str, owner: str, n_rows: int | None = None):
    arr = v.check_array(y, name, owner, ndim=1, dtype=None)
    if not np.all(arr == np.round(arr)):
        raise ValueError(f"The '{name}' parameter of {owner} must hold integer class labels. "
                         f"Got non-integer values such as {float(arr[arr != np.round(arr)][0]):g} instead.")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0 or hi > n_classes - 1:
        raise ValueError(f"The '{name}' parameter of {owner} must hold labels from 0 to {n_classes - 1} "
                         f"(n_classes = {n_classes}). Got labels from {lo:g} to {hi:g} instead.")
    if n_rows is not None and arr.size != n_rows:
        raise ValueError(f"The '{name}' parameter of {owner} must have one label per row of X ({n_rows}). "
                         f"Got {arr.size} labels instead.")
    return arr.astype(np.int64)


class SoftmaxRegression(Model):
    r"""Multinomial logistic regression: ``P = softmax(X Wᵀ + b)`` (see the module docstring).

    Parameters
    ----------
    n_features : columns of the inputs (the code size, or 784 for raw pixels).
    n_classes : number of classes (10 digits by default).
    dtype : "float32" (default, for training) or "float64" (gradient checks).

    ``params``: ``W (n_classes, n_features)`` and ``b (n_classes,)``, both started at 0 (the loss
    is convex, so the start only changes how long training takes; every class starts at 1/K).
    """

    output_bias_name = "b"
    output_activation = None            # the softmax is not an elementwise activation

    def __init__(self, n_features, n_classes=10, dtype="float32"):
        owner = "SoftmaxRegression"
        self.n_features = v.check_int(n_features, "n_features", owner)
        self.n_classes = v.check_int(n_classes, "n_classes", owner, minimum=2)
        self.dtype = v.check_dtype(dtype, "dtype", owner)
        self.params = {"W": np.zeros((self.n_classes, self.n_features), self.dtype),   # (K, n_features)
                       "b": np.zeros(self.n_classes, self.dtype)}                      # (K,)

    n_in = property(lambda self: self.n_features)
    n_out = property(lambda self: self.n_classes)

    # ---- the loss: one, softmax cross-entropy ------------------------------------------------------
    def _check_loss(self, loss="softmax_cross_entropy"):
        if loss is SOFTMAX_CROSS_ENTROPY:
            return loss
        v.check_choice(loss, "loss", ("softmax_cross_entropy",), type(self).__name__)
        return SOFTMAX_CROSS_ENTROPY

    def _target(self, T, X, loss, name="target", x_name="X"):
        if T is None:
            raise ValueError(f"The '{name}' parameter of SoftmaxRegression must be the one-hot labels, an array "
                             f"of shape (batch, {self.n_classes}). Got None instead (a classifier has no "
                             f"default target).")
        T = super()._target(T, X, loss, name, x_name)
        if not np.allclose(T.sum(axis=1), 1.0, atol=1e-5):
            raise ValueError(f"The '{name}' parameter of SoftmaxRegression must have rows that sum to 1 "
                             f"(one-hot labels or class probabilities). Got row sums from "
                             f"{float(T.sum(axis=1).min()):.3g} to {float(T.sum(axis=1).max()):.3g} instead.")
        return T

    def prepare(self, X, target=None, loss="softmax_cross_entropy", names=("X", "target")):
        """As :meth:`Model.prepare`, with ``target`` the one-hot labels ``(batch, n_classes)`` (no default)."""
        return super().prepare(X, target, loss, names)

    def loss_and_grads(self, X, target=None, loss="softmax_cross_entropy"):
        """Cross-entropy (nats per example, averaged over the batch) and its gradients; ``target`` one-hot."""
        return super().loss_and_grads(X, target, loss)

    def loss(self, X, target=None, loss="softmax_cross_entropy") -> float:
        """The cross-entropy alone, in nats per example; ``target`` one-hot."""
        return super().loss(X, target, loss)

    def _output(self, X):
        A = linear(X, self.params["W"], self.params["b"])      # (batch, K) logits
        return A, softmax(A)

    def objective(self, X, T, L) -> float:
        """The cross-entropy of a prepared batch (:meth:`prepare`), nats per example."""
        return softmax_cross_entropy(linear(X, self.params["W"], self.params["b"]), T)

    def objective_and_grads(self, X, T, L, rng=None):
        """Cross-entropy and gradients of a prepared batch; ``rng`` is not used."""
        A = linear(X, self.params["W"], self.params["b"])      # (batch, K) logits
        value, dA = softmax_cross_entropy(A, T, grad=True)     # dA = (P - T) / B: (batch, K)
        _, dW, db = dense_backward_from_preactivation(dA, X, self.params["W"], need_dX=False)   # dW: (K, n_features)
        return value, {"W": dW, "b": db}

    # ---- prediction ------------------------------------------------------------------------------
    def predict_proba(self, X):
        """``(batch, n_features) -> (batch, n_classes)``: the class probabilities, rows summing to 1."""
        return self._output(self._input(X))[1]

    def predict(self, X):
        """``(batch, n_features) -> (batch,)``: the most probable class of each row."""
        return np.argmax(linear(self._input(X), self.params["W"], self.params["b"]), axis=1)

    def accuracy(self, X, y) -> float:
        """Fraction of the rows of ``X`` whose predicted class is the label ``y``."""
        X = self._input(X)
        y = _labels(y, self.n_classes, "y", "SoftmaxRegression.accuracy", n_rows=X.shape[0])
        return float(np.mean(self.predict(X) == y))

    # ---- training ------------------------------------------------------------------------------
    def fit(self, X, y, epochs=20, batch_size=64, lr=0.01, optimizer="adam", X_val=None, y_val=None, l2=0.0,
            seed=0, **kwargs):
        r"""Train on rows ``X: (n, n_features)`` with integer labels ``y: (n,)``; returns the
        :class:`~aelib.train.History` of :func:`aelib.train.fit` (cross-entropy in nats per example).

        ``l2``: the penalty :math:`\lambda \sum W^2` (the bias is not penalised). ``X_val, y_val``:
        scored every epoch. ``seed``: the shuffling. Other keywords go to :func:`aelib.train.fit`.
        """
        owner = "SoftmaxRegression.fit"
        X = self._input(X)
        T = one_hot(_labels(y, self.n_classes, "y", owner, n_rows=X.shape[0]), self.n_classes, "y", owner)
        T_val = None
        if X_val is not None or y_val is not None:
            if X_val is None or y_val is None:
                raise ValueError(f"The 'y_val' parameter of {owner} must be given together with X_val (both or "
                                 f"neither). Got {'X_val' if X_val is not None else 'y_val'} alone instead.")
            X_val = self._input(X_val, "X_val")
            T_val = one_hot(_labels(y_val, self.n_classes, "y_val", owner, n_rows=X_val.shape[0]),
                            self.n_classes, "y_val", owner)
        return train.fit(self, X, epochs=epochs, batch_size=batch_size, lr=lr, optimizer=optimizer,
                         loss=SOFTMAX_CROSS_ENTROPY, target=T, X_val=X_val, target_val=T_val, l2=l2, seed=seed, **kwargs)

    def __repr__(self):
        return (f"SoftmaxRegression({self.n_features} -> {self.n_classes} classes, {self.n_params:,} params, "
                f"{np.dtype(self.dtype).name})")


def standardize(H_train, *others):
    r"""Scale codes to zero mean and unit variance per feature, with the **training** codes' statistics.

    ``(H_train, H_1, ...) -> (Z_train, Z_1, ...)``, :math:`Z = (H - \mu_{train}) / \max(\sigma_{train}, 10^{-6})`.
    The probe then trains at one learning rate for every kind of code (sigmoid codes in (0, 1), PCA
    coordinates of size 5, raw pixels). Using the test codes' own statistics would let test data in.
    """
    H_train = v.check_array(H_train, "H_train", "standardize", ndim=2, dtype=np.float32)
    mu = H_train.mean(axis=0)                                  # (n_features,)
    sd = np.maximum(H_train.std(axis=0), np.float32(1e-6))     # (n_features,)
    out = [(H_train - mu) / sd]
    for i, H in enumerate(others):
        H = v.check_array(H, f"others[{i}]", "standardize", ndim=2, n_cols=H_train.shape[1], dtype=np.float32)
        out.append((H - mu) / sd)
    return tuple(out)


def knn_accuracy(H_train, y_train, H_test, y_test, k: int = 1, chunk: int = 500) -> float:
    r"""Accuracy of the ``k``-nearest-neighbour vote in code space (Euclidean distance).

    Each test code gets the most common label among its ``k`` nearest training codes (ties: the
    smallest label among the tied ones), with :math:`\lVert a - c \rVert^2 = \lVert a \rVert^2 +
    \lVert c \rVert^2 - 2 a \cdot c`, computed ``chunk`` test rows at a time. No training, no rate:
    a second view of what a code keeps, which needs no linear separability.
    """
    owner = "knn_accuracy"
    Htr = v.check_array(H_train, "H_train", owner, ndim=2, dtype=np.float32)
    Hte = v.check_array(H_test, "H_test", owner, ndim=2, n_cols=Htr.shape[1], dtype=np.float32)
    k = v.check_int(k, "k", owner)
    if k > Htr.shape[0]:
        raise ValueError(f"The 'k' parameter of {owner} must be at most the number of training codes "
                         f"({Htr.shape[0]}). Got {k} instead.")
    chunk = v.check_int(chunk, "chunk", owner)
    n_classes = int(max(np.max(y_train), np.max(y_test))) + 1 if np.size(y_train) and np.size(y_test) else 1
    ytr = _labels(y_train, n_classes, "y_train", owner, n_rows=Htr.shape[0])
    yte = _labels(y_test, n_classes, "y_test", owner, n_rows=Hte.shape[0])
    sq_tr = (Htr.astype(np.float64) ** 2).sum(axis=1)          # (n_train,)
    right = 0
    for start in range(0, Hte.shape[0], chunk):
        Q = Hte[start:start + chunk]                           # (c, d)
        D = sq_tr[None, :] - 2.0 * matmul(Q, Htr.T).astype(np.float64)   # (c, n_train), ||q||² dropped
        near = np.argsort(D, axis=1, kind="stable")[:, :k]     # (c, k) indices of the nearest codes
        votes = np.zeros((Q.shape[0], n_classes), np.int64)    # (c, n_classes)
        np.add.at(votes, (np.repeat(np.arange(Q.shape[0]), k), ytr[near].ravel()), 1)
        right += int(np.sum(np.argmax(votes, axis=1) == yte[start:start + chunk]))
    return right / Hte.shape[0]

"""Exercise checks for Lesson 02: autoencoder basics."""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _array, _call, _close, _compare, _digits,
                        _exercise, _fmt, _lowest, _measured_as_rerun, _number, _prediction, _probs, _results_dict, _rng,
                        _setting, _verify)

__all__ = ['check_2_1', 'check_2_2', 'check_2_3', 'check_2_4']


@_exercise("2.1")
def check_2_1(cross_entropy):
    r"""``cross_entropy(Z, X)``: ``-Σ_k [x log z + (1-x) log(1-z)]`` summed over pixels, averaged over the batch."""
    n = 12
    for batch in BATCHES:
        for dt in DTYPES:
            Z, X = _probs(batch, n, dt, seed=1)
            Zd, Xd = Z.astype(np.float64), X.astype(np.float64)
            ell = -(Xd * np.log(Zd) + (1 - Xd) * np.log(1 - Zd))      # (batch, n)
            want = ell.sum(axis=1).mean()
            got = _call(cross_entropy, Z.copy(), X.copy(), name="cross_entropy")
            g = _array(got, "cross_entropy")
            if g.shape == (batch,) and batch > 1 and _close(g, ell.sum(axis=1)):
                raise Wrong(f"you returned one loss per example (shape {g.shape}); average them over the batch "
                            f"to get one number.")
            if g.shape == (n,) and n != batch and _close(g, ell.mean(axis=0)):
                raise Wrong("wrong axis: you averaged over the batch (axis 0) and kept one number per pixel; sum over "
                            "the pixels (axis 1) and average over the examples (axis 0).")
            wrong = {
                "the sign is flipped: the loss must be positive. It is MINUS the log-likelihood: -Σ [x log z + (1-x) log(1-z)].":
                    -want,
                f"sum vs mean: the result is n_visible times (here {n} pixels) too small because you averaged over "
                f"the pixels too; "
                f"sum over the pixels (axis 1), average over the examples (axis 0).":
                    ell.mean(),
                "the (1 - x) log(1 - z) term is missing: without it the loss ignores the pixels that should be off.":
                    -(Xd * np.log(Zd)).sum(axis=1).mean(),
                "the arguments are swapped: the target x weights the logs of the output z, x log z, not z log x.":
                    -(Zd * np.log(Xd.clip(1e-300)) + (1 - Zd) * np.log((1 - Xd).clip(1e-300))).sum(axis=1).mean(),
                "wrong axis: you averaged over the pixels and summed over the batch; sum over pixels (axis 1), average over examples (axis 0).":
                    ell.mean(axis=1).sum() if batch > 1 else None,
            }
            if batch > 1:
                wrong["sum vs mean: the result grows with the batch size because you summed over the examples too; "
                      "average over the batch (divide by the number of rows)."] = ell.sum()
            _compare(g if g.size != 1 else g.reshape(()), want, wrong, "a single number ()", "cross_entropy")
    return TESTED_ON


def _orth(A):
    return np.linalg.qr(A)[0]


def _angles(A, B):
    s = np.linalg.svd(_orth(A).T @ _orth(B), compute_uv=False)
    return np.sort(np.degrees(np.arccos(np.clip(s, -1, 1))))


@_exercise("2.2")
def check_2_2(principal_angles):
    r"""``principal_angles(A, B)``: angles in degrees between the column spaces of ``A: (n, k)`` and ``B: (n, k)``,
    sorted from smallest to largest."""
    cases = []
    r = _rng(5)
    A = r.normal(0, 1, (20, 3))
    cases.append((A, A @ r.normal(0, 1, (3, 3))))                       # same subspace, other basis: all 0
    B = r.normal(0, 1, (20, 3))
    cases.append((A, B))
    cases.append((A * [1, 10, 0.1], 0.5 * A + 0.2 * B))                 # badly scaled columns
    Q = np.eye(6)[:, :2]
    R = np.stack([np.eye(6)[:, 0], np.cos(0.3) * np.eye(6)[:, 1] + np.sin(0.3) * np.eye(6)[:, 2]], 1)
    cases.append((Q, R))                                                 # known answer: 0° and 17.2°
    A0 = _rng(0).normal(0, 1, (20, 3))
    cases.append((A0, A0))        # one subspace twice: the top singular value is 1 + 2e-16, arccos needs a clip
    for dt in DTYPES:
        for A_, B_ in cases:
            A_, B_ = A_.astype(dt), B_.astype(dt)
            got = _call(principal_angles, A_.copy(), B_.copy(), name="principal_angles")
            g = _array(got, "principal_angles")
            want = _angles(A_.astype(np.float64), B_.astype(np.float64))
            cos = np.cos(np.radians(want))
            raw = np.linalg.svd(A_.astype(np.float64).T @ B_.astype(np.float64), compute_uv=False)
            wrong = {
                "you used the rows of A and B; the subspaces are spanned by their COLUMNS (A has shape (n, k): "
                "k directions in n dimensions), so orthonormalise A and B themselves.":
                    lambda: _angles(A_.T.astype(np.float64), B_.T.astype(np.float64)),
                "these look like radians; return degrees (np.degrees), e.g. 90 for perpendicular subspaces.":
                    np.radians(want),
                "these are the cosines of the angles (the singular values); take np.arccos and convert to degrees.":
                    cos,
                "sorted the wrong way: return the angles from smallest to largest.":
                    want[::-1],
                "orthonormalise the columns first (np.linalg.qr): the singular values of Aᵀ B are cosines only "
                "when A and B have orthonormal columns.":
                    lambda: np.sort(np.degrees(np.arccos(np.clip(raw, -1, 1)))),
            }
            if g.shape == want.shape and np.all(g == 0) and not np.allclose(want, 0, atol=1e-3):
                raise Wrong(f"every angle you returned is 0, but these two subspaces differ (expected "
                            f"{np.array2string(want, precision=3)} degrees). Orthonormalise the COLUMNS of A and B "
                            f"(np.linalg.qr(A)): the rows of A (n, k) span all of R^k, which always gives 0°.")
            if g.shape == want.shape and not np.all(np.isfinite(g)):
                raise Wrong("the result contains NaN: rounding can push a cosine slightly above 1, where arccos is "
                            "undefined; clip the singular values to [-1, 1] first.")
            # arccos is steep near 1: float32 cosines give angles good to about 0.03 degrees
            _compare(g, want, wrong, "(k,)", "principal_angles", rtol=1e-3,
                     atol=0.15 if dt == np.float32 else 1e-3)
    return "including a case with known angles 0° and 17.2°"


@_exercise("2.3", "write your prediction in the cell above")
def check_2_3(prediction, loss_minibatch, loss_full_batch, epochs):
    r"""Prediction: after the same number of epochs, which reaches the lower training loss, "minibatch" or "full batch"."""
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    loss_minibatch = _number(loss_minibatch, "loss_minibatch", "the notebook's measured loss")
    loss_full_batch = _number(loss_full_batch, "loss_full_batch", "the notebook's measured loss")
    epochs = _number(epochs, "epochs", "the number of epochs")
    if epochs != int(epochs) or not 1 <= epochs <= 10:
        raise Wrong(f"epochs = {_fmt(epochs)}: the experiment runs a whole number of epochs, 1 to 10 (the cell uses 2).")
    mb, fb = _sgd_losses(int(epochs))
    _measured_as_rerun({"loss_minibatch": loss_minibatch, "loss_full_batch": loss_full_batch},
                       {"loss_minibatch": mb, "loss_full_batch": fb})
    outcome = "minibatch" if loss_minibatch < loss_full_batch else "full batch"
    measured = (f"after {epochs:g} epoch(s), minibatches reached {loss_minibatch:.3g} and full batch {loss_full_batch:.3g} "
                f"(cross-entropy per digit, nats)")
    why = ("Per epoch, minibatches take many small steps (one per batch) where full-batch descent takes one, "
           "so they get much further for the same pass over the data. (Both runs here share lr 0.1; the "
           "lesson's Claim check 02.sgd tunes each batch size's rate on validation digits and finds the same "
           "order.)" if outcome == "minibatch" else
           "On this run the full batch got further; compare the number of steps each took.")
    return _prediction("2.3", prediction, ("minibatch", "full batch"), measured, outcome, why)


@_exercise("2.4", "fill in `results` and `best_m` in the cell above")
def check_2_4(results, best_m):
    r"""Explore: ``results = {n_hidden: held-out loss}`` (at least 3 sizes); ``best_m`` = the size with the lowest loss."""
    res = _results_dict(results, key_name="size", allow_nan=True)
    _answered(best_m, "best_m")
    for k in res:
        if k != int(k) or not 1 <= k <= 784:
            raise Wrong(f"n_hidden = {_fmt(k)}: a size is a whole number of hidden units from 1 to 784.")
    truth = _verify(res, lambda m: _held_out(int(m))[0], "held-out loss", 1e-4, diagnoses=(
        ("for n_hidden = {k} you stored {got}, the loss on the TRAINING digits ({want} on the held-out ones): "
         "score with ae.loss(X_test), the digits the model never saw.", lambda m: _held_out(int(m))[1]),
    ), precision="the experiment trains in float32; do not round the losses or change the data's dtype",
        at="n_hidden = {k}")
    m = _setting(best_m, res, "best_m", "size")
    _lowest(m, res, truth, lambda k: f"n_hidden = {int(k)}", "held-out loss",
            all_diverged="use the sizes of the exercise (2, 8, 32...).")
    return (f"n_hidden = {int(m)} reconstructs held-out digits best among the sizes you tried; your numbers "
            f"match a re-run with the same seed")


@functools.lru_cache(maxsize=None)
def _held_out(n_hidden):
    """The notebook's ``held_out_loss``, re-run here: (held-out loss, training loss) of the same model."""
    from .. import Autoencoder
    X_train, X_test = _digits("train", 1000), _digits("test", 500)
    ae = Autoencoder(784, n_hidden, seed=0)
    history = ae.fit(X_train, epochs=3, batch_size=50, lr=0.01, optimizer="adam", seed=0, on_divergence="stop")
    if history.diverged:
        return float("nan"), float("nan")
    return float(ae.loss(X_test)), float(ae.loss(X_train))


@functools.lru_cache(maxsize=None)
def _sgd_losses(epochs):
    """Exercise 2.3's experiment, re-run: final training loss with batches of 50 and with the full batch (1,000)."""
    from .. import Autoencoder
    final = {}
    for batch_size in (50, 1000):
        ae = Autoencoder(784, 32, seed=0)
        final[batch_size] = float(ae.fit(_digits("train", 1000), epochs=epochs, batch_size=batch_size, lr=0.1,
                                         seed=0).train_loss[-1])
    return final[50], final[1000]

"""Exercise checks for Lesson 03: deriving the gradients."""
from __future__ import annotations

import functools

import numpy as np

from .framework import (BATCHES, DTYPES, TESTED_ON, Wrong, _answered, _call, _compare, _digits, _exercise,
                        _fmt, _measured_as_rerun, _number, _prediction, _probs, _results_dict, _rng, _setting,
                        _sigmoid, _verify)

__all__ = ['check_3_1', 'check_3_2', 'check_3_3', 'check_3_4']


@_exercise("3.1")
def check_3_1(output_error):
    r"""``output_error(Z, X)`` = ∂L/∂A of the output pre-activation for sigmoid + cross-entropy, batch-averaged:
    ``(Z - X) / batch``."""
    n = 10
    for batch in BATCHES:
        for dt in DTYPES:
            Z, X = _probs(batch, n, dt, seed=3)
            Zd, Xd = Z.astype(np.float64), X.astype(np.float64)
            want = (Zd - Xd) / batch
            got = _call(output_error, Z.copy(), X.copy(), name="output_error")
            wrong = {
                "the sign is flipped: you returned x - z, the NEGATIVE gradient (the quoted formulas' convention). "
                "∂L/∂a = z - x; gradient descent then subtracts it.":
                    (Xd - Zd) / batch,
                "the extra factor z (1 - z) should not be there: with a sigmoid output and cross-entropy it cancels. "
                "(That factor belongs to squared error.)":
                    (Zd - Xd) * Zd * (1 - Zd) / batch,
                f"the result is {n} times too small: the loss is summed over pixels, so do not divide by n_visible.":
                    (Zd - Xd) / (batch * n),
            }
            if batch > 1:
                wrong[f"not averaged over the batch: the loss is a mean over examples, so divide by the batch size "
                      f"(here {batch})."] = Zd - Xd
                wrong["sign flipped AND not averaged over the batch: use (z - x) / batch."] = Xd - Zd
            _compare(got, want, wrong, "(batch, n_visible)", "output_error")
    return TESTED_ON


def _tied_problem(batch, dt, seed=11, n=7, m=4):
    r = _rng(seed + batch)
    X = r.random((batch, n)).astype(dt)
    W = r.normal(0, 0.7, (m, n)).astype(dt)
    b = r.normal(0, 0.3, m).astype(dt)
    bp = r.normal(0, 0.3, n).astype(dt)
    return X, W, b, bp


def _tied_parts(X, W, b, bp):
    """Encoder and decoder contributions of the tied sigmoid + cross-entropy gradient, batch-averaged."""
    B = X.shape[0]
    H = _sigmoid(X @ W.T + b)                  # (batch, m)
    Z = _sigmoid(H @ W + bp)                   # (batch, n)
    dA2 = (Z - X) / B                          # (batch, n)
    dW_dec = dA2.T @ H                         # (n, m)   decoder path, as W' = Wᵀ
    dA1 = (dA2 @ W.T) * H * (1 - H)            # (batch, m)
    dW_enc = dA1.T @ X                         # (m, n)   encoder path
    return dW_enc, dW_dec.T


@_exercise("3.2")
def check_3_2(tied_grad_W):
    r"""``tied_grad_W(X, W, b, b_prime)`` = ∂L/∂W for a tied sigmoid autoencoder with cross-entropy,
    averaged over the batch: encoder path + decoder path, shape ``(n_hidden, n_visible)``."""
    for batch in BATCHES:
        for dt in DTYPES:
            X, W, b, bp = _tied_problem(batch, dt)
            enc, dec = _tied_parts(*(a.astype(np.float64) for a in (X, W, b, bp)))
            want = enc + dec
            got = _call(tied_grad_W, X.copy(), W.copy(), b.copy(), bp.copy(), name="tied_grad_W")
            wrong = {
                "only the encoder path: with tied weights W is also the decoder (W' = Wᵀ), so add the decoder "
                "path's gradient, transposed: dW = dW_enc + dW_decᵀ.": enc,
                "only the decoder path: W is also used by the encoder, add its gradient (dA1ᵀ X with "
                "dA1 = (dA2 Wᵀ) ⊙ h (1 - h)).": dec,
                "the sign is flipped: this is the NEGATIVE gradient, like the formulas quoted in the notes. "
                "Use dA2 = z - x, not x - z.": -want,
                "you returned the two paths' gradients combined with a minus; both paths add: dW = dW_enc + dW_decᵀ.":
                    enc - dec,
                "you returned the two paths' gradients combined with a minus (decoder minus encoder); both paths "
                "add: dW = dW_enc + dW_decᵀ.":
                    dec - enc,
            }
            if batch > 1:
                wrong[f"not averaged over the batch: divide by the batch size (here {batch}), the loss is a mean "
                      f"over examples."] = want * batch
            _compare(got, want, wrong, "(n_hidden, n_visible)", "tied_grad_W")
    return TESTED_ON + "; matches encoder + decoder paths"


@_exercise("3.3", "write your prediction in the cell above")
def check_3_3(prediction, loss_before, loss_after):
    r"""Prediction: does the loss go "down" or "up" after ``W_new = W_old + ε · quoted_formula``?"""
    _answered(prediction, "prediction")      # "not answered yet" before anything else
    loss_before = _number(loss_before, "loss_before", "the notebook's measured loss")
    loss_after = _number(loss_after, "loss_after", "the notebook's measured loss")
    before, after = _quoted_step()
    _measured_as_rerun({"loss_before": loss_before, "loss_after": loss_after},
                       {"loss_before": before, "loss_after": after})
    outcome = "down" if loss_after < loss_before else "up"
    measured = f"the loss went from {loss_before:.3g} to {loss_after:.3g}"
    why = ("The quoted formulas are the NEGATIVE gradient (they are built from x - z). Adding them is a "
           "descent step; the textbook update W - ε ∂L/∂W with these formulas would climb the loss."
           if outcome == "down" else "Check the step size: a huge ε can overshoot even in a descent direction.")
    return _prediction("3.3", prediction, ("down", "up"), measured, outcome, why)


@_exercise("3.4", "fill in `results` and `best_eps` in the cell above")
def check_3_4(results, best_eps):
    r"""Explore: ``results = {eps: worst relative error of the finite-difference check}`` in float32;
    ``best_eps``: the step with the smallest error."""
    res = _results_dict(results, key_name="step")
    _answered(best_eps, "best_eps")
    for k in res:
        if not 0 < k <= 10:
            raise Wrong(f"eps = {_fmt(k)}: try positive steps between 1 and 1e-6.")
    tiny = [k for k in sorted(res) if np.isfinite(res[k]) and res[k] < 1e-5 <= _fd_error(k, "float32") / 100]
    if tiny:
        k = tiny[0]
        raise Wrong(f"at eps = {_fmt(k)} you stored a relative error of {res[k]:.2g}; in float32 it is "
                    f"{_fd_error(k, 'float32'):.3g} (float32 keeps about 7 digits, so an error of {res[k]:.0e} is "
                    f"impossible there): a precision problem, your experiment ran in float64. Run "
                    f"fd_relative_error as given, on the float32 model ae32 and X32: rounding is what this "
                    f"exercise is about.")
    _verify(res, lambda eps: _fd_error(eps, "float32"), "relative error", 1e-3, diagnoses=(
        ("at eps = {k} you stored {got}, the absolute error; the exercise asks for the relative error "
         "|fd - exact| / |exact| ({want}).", lambda eps: _fd_error(eps, "float32", relative=False)),
    ), how="fd_relative_error({k}) gives", at="eps = {k}",
        precision="the check runs in float32 (ae32, X32); do not round the errors or change the dtype")
    e = _setting(best_eps, res, "best_eps", "step")
    best = min(res, key=res.get)
    if e == min(res) and e != best:
        raise Wrong(f"the smallest step is not the most accurate: at eps = {_fmt(e)} the error is {res[e]:.3g}, at "
                    f"{_fmt(best)} it is {res[best]:.3g}. In float32, L(θ+ε) - L(θ-ε) loses most of its digits to "
                    f"rounding when ε is tiny.")
    if e != best:
        raise Wrong(f"eps = {_fmt(best)} gave a smaller error ({res[best]:.3g}) than eps = {_fmt(e)} "
                    f"({res[e]:.3g}).")
    return f"eps = {_fmt(e)}: too large a step measures curvature, too small a step measures rounding"


@functools.lru_cache(maxsize=None)
def _fd_error(eps, dtype, relative=True):
    """The notebook's ``fd_relative_error(eps)`` (W[3, 400] of a 784-16 AE, 50 digits), in ``dtype``."""
    from .. import Autoencoder
    X = _digits("train", 200)[:50].astype(dtype)                   # (50, 784): the notebook's X_small[:50]
    ae = Autoencoder(784, 16, seed=1)
    exact = ae.astype("float64").loss_and_grads(X.astype(np.float64))[1]["W"][3, 400]
    m = ae.astype(dtype)
    w0 = m.params["W"][3, 400]
    step = np.dtype(dtype).type(eps)
    m.params["W"][3, 400] = w0 + step
    up = m.loss(X)
    m.params["W"][3, 400] = w0 - step
    down = m.loss(X)
    err = abs((up - down) / (2 * eps) - exact)
    return float(err / abs(exact) if relative else err)


@functools.lru_cache(maxsize=None)
def _quoted_step():
    """Exercise 3.3's experiment, re-run: the loss before and after W + 0.1 × the quoted (x - z) formula."""
    from .. import Autoencoder
    X = _digits("train", 200).astype(np.float64)                          # (200, 784)
    ae = Autoencoder(784, 32, seed=0, dtype="float64")
    W, b, bp = ae.params["W"], ae.params["b"], ae.params["b_prime"]
    Y = _sigmoid(X @ W.T + b)                                             # (200, 32)
    Z = _sigmoid(Y @ W + bp)                                              # (200, 784)
    E = X - Z                                                             # (200, 784)
    delta_W = (((E @ W.T) * Y * (1 - Y)).T @ X + (E.T @ Y).T) / len(X)    # (32, 784)
    before = float(ae.loss(X))
    ae.set_params(W=W + 0.1 * delta_W)
    return before, float(ae.loss(X))

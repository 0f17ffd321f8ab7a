r"""Lesson 02's Claim checks: "an autoencoder is like PCA, but can be nonlinear" and "SGD converges
faster and to a better value than full-batch descent".

Every experiment follows :mod:`aelib.claims.protocol`: the 4,000 training digits are split into
3,500 "fit" digits and 500 validation digits (:func:`~aelib.claims.protocol.validation_split`);
each arm's learning rate is chosen from a grid by its validation score; the arms are then scored
on the 1,000 test digits over several seeds, and the verdict's margin is the 95% t interval of
the per-seed differences. PCA, the baseline, is fitted on the same 3,500 fit digits (it has no
seed: its score is the same number for every seed).

Claims (ids of the verdicts in brackets):

* :func:`pca_linear` [``02.pca/linear``]: a linear, tied autoencoder trained with squared error
  spans PCA's top-6 subspace (largest principal angle below :data:`ANGLE_THRESHOLD` degrees).
* :func:`pca_nonlinear` [``02.pca/nonlinear-8``, ``02.pca/nonlinear-32``, ``02.pca/nonlinear``]:
  one sigmoid hidden layer with a linear decoder, trained with squared error, beats PCA at the
  same bottleneck size ``m``. Bourlard & Kamp (1988) proved it cannot, in training error.
* :func:`pca_deep` [``02.pca/deep``]: a deep autoencoder (784-128-32-128-784, ReLU) beats PCA at
  ``m = 32``.
* :func:`sgd_vs_full_batch` [``02.sgd/sgd-vs-full``, ``02.sgd/minibatch-vs-full``]: with the
  same number of epochs (examples seen, per-example gradients computed), SGD (batch 1) and
  minibatches (32) reach a lower held-out loss than full-batch descent.

Each function takes ``mode`` ("quick": the notebook, 3 seeds, a short grid tuned on seed 0;
"thorough": ``make evidence``, 5 seeds, the full grid tuned on every seed) and returns a
:class:`~aelib.claims.registry.ClaimReport`. The report also carries ``report.extras``: the
seed-0 model and training history of each arm at its chosen rate, for the notebook's plots (not
part of the stored evidence).
"""
from __future__ import annotations

import numpy as np

from .. import datasets
from ..model import Autoencoder, DeepAutoencoder
from ..pca import pca, principal_angles
from .protocol import Budget, compare, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

CURRICULUM_PCA = ("It is like PCA, but can be nonlinear: a linear autoencoder trained with squared error "
                  "learns the same subspace as the top-m principal components, and a sigmoid one does "
                  "better than PCA at the same m on digits (or not: measure).")
CURRICULUM_SGD = ("SGD converges faster and to a better value than full-batch descent: measure it per "
                  "epoch and per second.")

ANGLE_THRESHOLD = 2.0      # degrees: "the same subspace" (a random 6-d subspace is at 80-90 degrees)
SEEDS = {"quick": (0, 1, 2), "thorough": (0, 1, 2, 3, 4)}


def squared_error(X, Z) -> float:
    """Squared error summed over the 784 pixels, averaged over the digits (float64)."""
    D = np.asarray(X, np.float64) - np.asarray(Z, np.float64)       # (batch, 784)
    return float(np.mean(np.sum(D ** 2, axis=1)))


def _data():
    """(fit, validation, test) digits: 3,500 + 500 carved from the training digits, 1,000 test."""
    fit, val = validation_split(datasets.load_digits("train"), n_val=500, seed=0)
    return fit, val, datasets.load_digits("test")


def _tuning(mode):
    """Seeds, and the seeds the learning rate is tuned on (seed 0 only in quick mode)."""
    seeds = SEEDS[mode]
    return seeds, ((0,) if mode == "quick" else None)


class _Keeper:
    """Wraps ``train(lr, seed) -> (model, history, val, test)`` for :func:`run_arms`, keeping the
    models and histories so the notebook can plot the seed-0 run at the chosen rate."""

    def __init__(self):
        self.runs = {}

    def arm(self, name, train):
        def run(lr, seed):
            model, history, val, test = train(lr, seed)
            self.runs[name, lr, seed] = (model, history)
            return val, test
        return run

    def extras(self, arms, seed=0):
        return {name: dict(zip(("model", "history"), self.runs[name, arm.lr, seed]))
                for name, arm in arms.items()}


# ---- 02.pca/linear ------------------------------------------------------------------------------
@claim("02.pca-linear", lesson="02", curriculum=CURRICULUM_PCA)
def pca_linear(mode="quick", progress=False):
    r"""A linear autoencoder finds PCA's subspace.

    Model: ``Autoencoder(784 -> 6 -> 784)``, identity encoder and decoder, tied weights
    (``z = Wᵀ W x`` on centred digits, ``W: (6, 784)``), default initialisation (Glorot uniform),
    zero biases, squared error, Adam. Schedule (the same for every seed): ``E`` epochs at the rate
    ``lr`` in batches of 64, ``E`` at ``lr/10`` in batches of 256, ``E`` at ``lr/50`` in batches of
    1,000, so that it settles (quick and thorough: ``E = 6``). ``lr`` is chosen by the validation
    squared error. Score: the largest principal angle (degrees) between the span of the rows of
    ``W`` and the top-6 principal directions of the fit digits. Verdict: the claim holds when the
    largest angle is below :data:`ANGLE_THRESHOLD` by more than the margin.
    """
    mode = check_mode(mode)
    fit, val, test = _data()
    m, E = 6, 6
    p = pca(fit.X, m)                                                # fitted on the 3,500 fit digits
    mu = p.mean.astype(np.float32)                                   # (784,)  the mean digit
    Xf, Xv, Xt = (d.X - mu for d in (fit, val, test))                 # centred, float32
    errors, keep = {}, _Keeper()

    def train(lr, seed):
        ae = Autoencoder(784, m, encoder="identity", decoder="identity", tied=True, seed=seed)
        for phase, (rate, batch) in enumerate([(lr, 64), (lr / 10, 256), (lr / 50, 1000)]):
            h = ae.fit(Xf, epochs=E, batch_size=batch, lr=rate, optimizer="adam", loss="squared_error",
                       seed=seed + 100 * phase, on_divergence="stop")
            if h.diverged:
                return ae, h, np.nan, np.nan
        angle = float(principal_angles(p.components.T, ae.params["W"].T.astype(np.float64)).max())
        errors[lr, seed] = squared_error(Xt, ae.reconstruct(Xt))
        return ae, h, squared_error(Xv, ae.reconstruct(Xv)), angle

    grid = [3e-3, 1e-2] if mode == "quick" else [1e-3, 3e-3, 1e-2, 3e-2]
    seeds, tuning = _tuning(mode)
    name = f"linear AE, m = {m}"
    arms = run_arms({name: keep.arm(name, train)}, grid, seeds, tuning, progress=progress)
    arm = arms[name]
    rng = np.random.default_rng(0)
    random_angles = [principal_angles(p.components.T, rng.normal(size=(784, m))) for _ in range(5)]  # 5 x (m,)
    pca_err = squared_error(test.X, p.reconstruct(test.X))
    lin_err = [errors[arm.lr, s] for s in seeds]
    verdict = compare(arm, [ANGLE_THRESHOLD] * len(seeds), claim="02.pca/linear",
                      names=("its largest principal angle", f"the {ANGLE_THRESHOLD:g}° threshold"),
                      what=f"a linear autoencoder trained with squared error learns PCA's top-{m} subspace "
                           f"(largest principal angle below {ANGLE_THRESHOLD:g}°, lower is better)")
    worst = max(arm.scores)
    notes = [f"Largest angle over the {len(seeds)} seeds: {worst:.3g}°; {'every seed is' if worst < ANGLE_THRESHOLD else 'not every seed is'} "
             f"below {ANGLE_THRESHOLD:g}°. A random {m}-dimensional subspace: smallest angle "
             f"{min(r.min() for r in random_angles):.3g}° or more (5 draws).",
             f"Held-out squared error per digit: linear AE {np.mean(lin_err):.3g} ± {np.std(lin_err, ddof=1):.2g}, "
             f"PCA {pca_err:.3g} (difference {np.mean(lin_err) - pca_err:+.3g})."]
    report = ClaimReport("02.pca-linear", f"{E} + {E} + {E} epochs of {len(fit.X):,} digits (batches 64, 256, 1,000; "
                         f"lr, lr/10, lr/50; Adam)", arms,
                         baselines={"random subspace (largest angle)": float(np.median([r.max() for r in random_angles]))},
                         verdicts=[verdict],
                         score=f"largest principal angle to PCA's top-{m} subspace (degrees)", notes=notes)
    report.extras = dict(runs=keep.extras(arms), pca=p, pca_error=pca_err, linear_error=lin_err)
    return report


# ---- 02.pca/nonlinear ---------------------------------------------------------------------------
NONLINEAR_EPOCHS = {"quick": 10, "thorough": 40}


@claim("02.pca-nonlinear", lesson="02", curriculum=CURRICULUM_PCA)
def pca_nonlinear(mode="quick", progress=False):
    r"""One sigmoid hidden layer vs PCA at the same bottleneck size.

    Model: ``Autoencoder(784 -> m -> 784)``, sigmoid encoder ``h = σ(W x + b)``, *linear* untied
    decoder ``z = W' h + b'``, squared error (PCA's own criterion), Adam, batches of 64. Default
    initialisation (Glorot uniform, zero ``b``); the output bias ``b'`` starts at the mean digit
    (``init_output_bias``), as PCA's reconstruction does. Budget: 10 epochs (quick) or 40
    (thorough). Score: held-out squared error per digit; the baseline is PCA fitted on the same
    fit digits. Bourlard & Kamp (1988) showed that such a network's best squared error (on the
    data it is trained on) is PCA's: the verdict tests whether training on digits finds anything
    better on held-out digits.
    """
    mode = check_mode(mode)
    fit, val, test = _data()
    epochs = NONLINEAR_EPOCHS[mode]
    budget = Budget(epochs, 64, len(fit.X))
    sizes = (8, 32)
    p = pca(fit.X, max(sizes))
    keep = _Keeper()

    def arm_for(m):
        def train(lr, seed):
            ae = Autoencoder(784, m, encoder="sigmoid", decoder="identity", tied=False, seed=seed)
            ae.init_output_bias(fit.X)                               # b' = the mean digit
            h = ae.fit(fit.X, lr=lr, optimizer="adam", loss="squared_error", seed=seed, on_divergence="stop",
                       **budget.fit_kwargs())
            if h.diverged:
                return ae, h, np.nan, np.nan
            return ae, h, squared_error(val.X, ae.reconstruct(val.X)), squared_error(test.X, ae.reconstruct(test.X))
        return train

    grid = [3e-3, 1e-2] if mode == "quick" else [1e-3, 3e-3, 1e-2, 3e-2]
    seeds, tuning = _tuning(mode)
    names = {m: f"sigmoid AE, m = {m}" for m in sizes}
    arms = run_arms({names[m]: keep.arm(names[m], arm_for(m)) for m in sizes}, grid, seeds, tuning,
                    progress=progress)
    baselines = {f"PCA, m = {m}": squared_error(test.X, p.truncate(m).reconstruct(test.X)) for m in sizes}
    baselines["the average digit (m = 0)"] = squared_error(test.X, np.broadcast_to(p.mean, test.X.shape))
    parts = [compare(arms[names[m]], [baselines[f"PCA, m = {m}"]] * len(seeds), claim=f"02.pca/nonlinear-{m}",
                     names=(names[m], f"PCA, m = {m}"),
                     what=f"a one-layer sigmoid autoencoder (linear decoder, squared error) beats PCA at m = {m}")
             for m in sizes]
    verdicts = parts + [summary(parts, "02.pca/nonlinear",
                                "a one-layer sigmoid autoencoder beats PCA at the same m (both sizes)")]
    notes = []
    for m in sizes:
        a, b = arms[names[m]], baselines[f"PCA, m = {m}"]
        notes.append(f"m = {m}: sigmoid AE {a.mean:.3g} ± {a.sd:.2g}, PCA {b:.3g}: the autoencoder is "
                     f"{abs(a.mean - b) / b:.1%} {'above' if a.mean > b else 'below'} PCA.")
    report = ClaimReport("02.pca-nonlinear", str(budget), arms, baselines, verdicts,
                         score="held-out squared error per digit (summed over 784 pixels)", notes=notes)
    report.extras = dict(runs=keep.extras(arms), pca=p)
    return report


# ---- 02.pca/deep --------------------------------------------------------------------------------
DEEP_SIZES = [784, 128, 32, 128, 784]
DEEP_EPOCHS = 8


@claim("02.pca-deep", lesson="02", curriculum=CURRICULUM_PCA)
def pca_deep(mode="quick", progress=False):
    r"""A deep autoencoder vs PCA at ``m = 32``.

    Model: ``DeepAutoencoder(784-128-32-128-784)``, ReLU hidden layers, linear 32-unit bottleneck,
    sigmoid output, default initialisation (He for the ReLU layers, Glorot uniform for the others),
    zero biases, cross-entropy, Adam, batches of 64, 8 epochs in both modes (the claim is about
    what this budget reaches; quick and thorough differ in seeds and grid only). Score: held-out
    squared error per digit, against PCA with 32 components fitted on the same fit digits.
    """
    mode = check_mode(mode)
    fit, val, test = _data()
    budget = Budget(DEEP_EPOCHS, 64, len(fit.X))
    p = pca(fit.X, 32)
    keep = _Keeper()

    def train(lr, seed):
        net = DeepAutoencoder(DEEP_SIZES, hidden="relu", bottleneck="identity", output="sigmoid", seed=seed)
        h = net.fit(fit.X, lr=lr, optimizer="adam", seed=seed, on_divergence="stop", X_val=val.X,
                    **budget.fit_kwargs())
        if h.diverged:
            return net, h, np.nan, np.nan
        return net, h, squared_error(val.X, net.reconstruct(val.X)), squared_error(test.X, net.reconstruct(test.X))

    grid = [1e-3, 3e-3] if mode == "quick" else [1e-3, 3e-3, 1e-2]
    seeds, tuning = _tuning(mode)
    name = "deep ReLU AE, m = 32"
    arms = run_arms({name: keep.arm(name, train)}, grid, seeds, tuning, progress=progress)
    pca32 = squared_error(test.X, p.reconstruct(test.X))
    verdict = compare(arms[name], [pca32] * len(seeds), claim="02.pca/deep", names=(name, "PCA, m = 32"),
                      what="a deep autoencoder (784-128-32-128-784, ReLU) beats PCA at m = 32")
    a = arms[name]
    notes = [f"Deep AE {a.mean:.3g} ± {a.sd:.2g} vs PCA {pca32:.3g}: {abs(a.mean - pca32) / pca32:.1%} "
             f"{'below' if a.mean < pca32 else 'above'} PCA after {DEEP_EPOCHS} epochs."]
    report = ClaimReport("02.pca-deep", str(budget), arms, {"PCA, m = 32": pca32}, [verdict],
                         score="held-out squared error per digit (summed over 784 pixels)", notes=notes)
    report.extras = dict(runs=keep.extras(arms), pca=p)
    return report


# ---- 02.sgd -------------------------------------------------------------------------------------
SGD_EPOCHS = 4
SGD_N = 500
SGD_BATCHES = {"SGD (batch 1)": 1, "minibatch (32)": 32, f"full batch ({SGD_N:,})": SGD_N}
SGD_GRIDS = {"quick": {"SGD (batch 1)": [0.01, 0.03], "minibatch (32)": [0.1, 0.3],
                       f"full batch ({SGD_N:,})": [0.3, 1.0]},
             "thorough": {"SGD (batch 1)": [0.003, 0.01, 0.03, 0.1], "minibatch (32)": [0.03, 0.1, 0.3, 1.0],
                          f"full batch ({SGD_N:,})": [0.1, 0.3, 1.0, 3.0]}}


def sgd_subset():
    """The SGD check's training digits: 500 of the fit digits, 50 of each class (seed 1)."""
    fit, val, test = _data()
    _, small = validation_split(fit, n_val=SGD_N, seed=1)
    return small, val, test


@claim("02.sgd", lesson="02", curriculum=CURRICULUM_SGD)
def sgd_vs_full_batch(mode="quick", progress=False):
    r"""Stochastic, minibatch and full-batch gradient descent with the same number of epochs.

    Model: ``Autoencoder(784 -> 32 -> 784)``, sigmoid encoder and decoder, tied, cross-entropy,
    plain gradient descent (no momentum); default initialisation (Glorot uniform), zero biases.
    For a given seed every arm starts from the same weights and sees the examples in the same
    order. Data: 500 fit digits (50 per class). Budget: 4 epochs for every arm, i.e. 2,000
    examples seen and 2,000 per-example gradients computed; only how they are grouped into steps
    differs (2,000, 64 and 4 steps). Each arm's rate comes from its own grid. Score: held-out
    cross-entropy per digit (nats). Seconds are recorded in the histories but decide no verdict.
    """
    mode = check_mode(mode)
    small, val, test = sgd_subset()
    keep = _Keeper()

    def arm_for(batch):
        def train(lr, seed):
            ae = Autoencoder(784, 32, seed=seed)
            h = ae.fit(small.X, epochs=SGD_EPOCHS, batch_size=batch, lr=lr, optimizer="sgd", seed=seed,
                       X_val=val.X, on_divergence="stop")
            if h.diverged:
                return ae, h, np.nan, np.nan
            return ae, h, h.val_loss[-1], ae.loss(test.X)
        return train

    seeds, tuning = _tuning(mode)
    arms = run_arms({name: keep.arm(name, arm_for(b)) for name, b in SGD_BATCHES.items()}, SGD_GRIDS[mode],
                    seeds, tuning, progress=progress)
    sgd, mini, full = (arms[n] for n in SGD_BATCHES)
    verdicts = [compare(sgd, full, claim="02.sgd/sgd-vs-full",
                        what=f"per epoch, SGD (batch 1) reaches a lower held-out loss than full-batch descent "
                             f"(after {SGD_EPOCHS} epochs each)"),
                compare(mini, full, claim="02.sgd/minibatch-vs-full",
                        what=f"per epoch, minibatches of 32 reach a lower held-out loss than full-batch descent "
                             f"(after {SGD_EPOCHS} epochs each)")]
    steps = ", ".join(f"{n} {SGD_EPOCHS * -(-SGD_N // b):,}" for n, b in SGD_BATCHES.items())
    budget = (f"{SGD_EPOCHS} epochs of {SGD_N:,} digits for every arm ({SGD_EPOCHS * SGD_N:,} examples seen and "
              f"per-example gradients); steps: {steps}")
    ex = keep.extras(arms)
    full_h = ex[f"full batch ({SGD_N:,})"]["history"]
    fall = full_h.val_loss[-2] - full_h.val_loss[-1]                 # > 0: still falling
    notes = [f"Held-out cross-entropy per digit after {SGD_EPOCHS} epochs: SGD {sgd.mean:.3g}, minibatch {mini.mean:.3g}, "
             f"full batch {full.mean:.3g}; the common start (seed 0, no training) {Autoencoder(784, 32, seed=0).loss(test.X):.3g}.",
             "\"To a better value\" is not tested by this budget: " +
             (f"full batch (seed 0) was still falling by {fall:.3g} nats per epoch at its last epoch, far from "
              f"converged." if fall > 0 else
              f"full batch's held-out loss (seed 0) rose by {-fall:.3g} nats in its last epoch: it has not settled.")]
    report = ClaimReport("02.sgd", budget, arms, {}, verdicts,
                         score="held-out cross-entropy per digit (nats)", notes=notes)
    report.extras = dict(runs=ex, data=(small, val, test))
    return report

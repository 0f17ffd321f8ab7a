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
from ..losses import LOSSES
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
LINEAR_EPOCHS = 6                                  # per phase, quick and thorough
LINEAR_GRIDS = {"quick": [3e-3, 1e-2, 3e-2], "thorough": [1e-3, 3e-3, 1e-2, 3e-2]}
LINEAR_EXTRA = {"thorough": [(2, ANGLE_THRESHOLD), (12, 1.0)]}   # (epochs per phase, threshold): thorough only


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

    The verdict is a statement about convergence, so it depends on the budget and the threshold:
    the thorough run adds parts ``02.pca/linear, 1° threshold`` (the same runs),
    ``02.pca/linear, 2 + 2 + 2 epochs`` and ``02.pca/linear, 12 + 12 + 12 epochs, 1° threshold``.
    """
    mode = check_mode(mode)
    fit, val, test = _data()
    m = 6
    p = pca(fit.X, m)                                                # fitted on the 3,500 fit digits
    mu = p.mean.astype(np.float32)                                   # (784,)  the mean digit
    Xf, Xv, Xt = (d.X - mu for d in (fit, val, test))                 # centred, float32
    errors, keep = {}, _Keeper()

    def train_for(E):
        def train(lr, seed):
            ae = Autoencoder(784, m, encoder="identity", decoder="identity", tied=True, seed=seed)
            for phase, (rate, batch) in enumerate([(lr, 64), (lr / 10, 256), (lr / 50, 1000)]):
                h = ae.fit(Xf, epochs=E, batch_size=batch, lr=rate, optimizer="adam", loss="squared_error",
                           seed=seed + 100 * phase, on_divergence="stop")
                if h.diverged:
                    return ae, h, np.nan, np.nan
            angle = float(principal_angles(p.components.T, ae.params["W"].T.astype(np.float64)).max())
            errors[E, lr, seed] = squared_error(Xt, ae.reconstruct(Xt))
            return ae, h, squared_error(Xv, ae.reconstruct(Xv)), angle
        return train

    def schedule(E):
        return f"{E} + {E} + {E} epochs"

    def verdict(arm, threshold, cid, E):
        return compare(arm, [threshold] * len(arm.scores), claim=cid,
                       names=("its largest principal angle", f"the {threshold:g}° threshold"),
                       what=f"a linear autoencoder trained with squared error learns PCA's top-{m} subspace "
                            f"(largest principal angle below {threshold:g}° after {schedule(E)}, lower is better)")

    grid = LINEAR_GRIDS[mode]
    seeds, tuning = _tuning(mode)
    E = LINEAR_EPOCHS
    name = f"linear AE, m = {m}"
    arms = run_arms({name: keep.arm(name, train_for(E))}, grid, seeds, tuning, progress=progress)
    arm = arms[name]
    verdicts = [verdict(arm, ANGLE_THRESHOLD, "02.pca/linear", E)]
    if mode == "thorough":                                            # the same runs, a stricter threshold
        verdicts.append(verdict(arm, 1.0, "02.pca/linear, 1° threshold", E))
    for E2, threshold in LINEAR_EXTRA.get(mode, []):
        n2 = f"linear AE, m = {m}, {schedule(E2)}"
        a2 = run_arms({n2: lambda lr, seed, t=train_for(E2): t(lr, seed)[2:]}, grid, seeds, tuning, progress=progress)[n2]
        arms[n2] = a2
        cid = f"02.pca/linear, {schedule(E2)}" + ("" if threshold == ANGLE_THRESHOLD else f", {threshold:g}° threshold")
        verdicts.append(verdict(a2, threshold, cid, E2))
    rng = np.random.default_rng(0)
    random_angles = [principal_angles(p.components.T, rng.normal(size=(784, m))) for _ in range(5)]  # 5 x (m,)
    pca_err = squared_error(test.X, p.reconstruct(test.X))
    lin_err = [errors[E, arm.lr, s] for s in seeds]
    worst = max(arm.scores)
    notes = [f"Largest angle over the {len(seeds)} seeds ({schedule(E)}): {worst:.3g}°; "
             f"{'every seed is' if worst < ANGLE_THRESHOLD else 'not every seed is'} "
             f"below {ANGLE_THRESHOLD:g}°. A random {m}-dimensional subspace: smallest angle "
             f"{min(r.min() for r in random_angles):.3g}° or more (5 draws).",
             f"Held-out squared error per digit: linear AE {np.mean(lin_err):.3g} ± {np.std(lin_err, ddof=1):.2g}, "
             f"PCA {pca_err:.3g} (difference {np.mean(lin_err) - pca_err:+.3g})."]
    report = ClaimReport("02.pca-linear", f"{schedule(E)} of {len(fit.X):,} digits (batches 64, 256, 1,000; "
                         f"lr, lr/10, lr/50; Adam)", arms,
                         baselines={"random subspace (largest angle)": float(np.median([r.max() for r in random_angles]))},
                         verdicts=verdicts,
                         score=f"largest principal angle to PCA's top-{m} subspace (degrees)", notes=notes)
    report.extras = dict(runs=keep.extras({name: arm}), pca=p, pca_error=pca_err, linear_error=lin_err)
    return report


# ---- 02.pca/nonlinear ---------------------------------------------------------------------------
NONLINEAR_EPOCHS = 10                       # quick and thorough: the quick verdicts' faithful twin
NONLINEAR_LONG = {"thorough": 40}           # thorough only: the same runs continued to 40 epochs
NONLINEAR_GRIDS = {"quick": {"identity": [3e-3, 1e-2], "sigmoid": [3e-3, 1e-2]},
                   "thorough": {"identity": [3e-3, 1e-2, 3e-2], "sigmoid": [3e-3, 1e-2, 3e-2]}}
DECODERS = {"identity": ("linear decoder", "nonlinear"), "sigmoid": ("sigmoid decoder", "sigmoid-decoder")}


def continued_fit(model, X, checkpoints, lr, seed, **kwargs):
    """Train ``model`` with Adam in batches, stopping at each epoch count of ``checkpoints`` to call
    back; one optimiser and one shuffling generator throughout, so the run is exactly one
    ``fit(epochs=max(checkpoints))`` (tested). Yields ``(epochs, history of that stretch)`` at each
    checkpoint; stops after a stretch whose history says ``diverged``."""
    from ..optim import make_optimizer
    opt, rng, done = make_optimizer("adam", lr), np.random.default_rng(seed), 0
    for e in checkpoints:
        h = model.fit(X, epochs=e - done, lr=lr, optimizer=opt, seed=rng, on_divergence="stop", **kwargs)
        done = e
        yield e, h
        if h.diverged:
            return


@claim("02.pca-nonlinear", lesson="02", curriculum=CURRICULUM_PCA)
def pca_nonlinear(mode="quick", progress=False):
    r"""One sigmoid hidden layer vs PCA at the same bottleneck size, with a linear or a sigmoid decoder.

    Model: ``Autoencoder(784 -> m -> 784)``, sigmoid encoder ``h = σ(W x + b)``, untied decoder
    ``z = W' h + b'`` (linear, Bourlard & Kamp's setting) or ``z = σ(W' h + b')`` (sigmoid);
    squared error (PCA's own criterion), Adam, batches of 64. Default initialisation (Glorot
    uniform, zero ``b``); the output bias ``b'`` starts at the mean digit (``init_output_bias``:
    the mean digit for the linear decoder, its logit for the sigmoid one), as PCA's reconstruction
    does. Budget: 10 epochs (550 steps) in both modes; the thorough run continues the same runs to
    40 epochs (2,200 steps) and judges those too (parts ``..., 40 epochs``), each budget with its own
    learning rate chosen on validation. Score: held-out squared error per digit; baselines PCA
    fitted on the same fit digits, and the average digit. Bourlard & Kamp (1988) showed that with a
    linear decoder the best squared error on the training data is PCA's; the training errors are
    stored in each verdict's ``details``.
    """
    mode = check_mode(mode)
    fit, val, test = _data()
    budgets = [NONLINEAR_EPOCHS] + ([NONLINEAR_LONG[mode]] if mode in NONLINEAR_LONG else [])
    sizes = (8, 32)
    p = pca(fit.X, max(sizes))
    keep, runs = _Keeper(), {}

    def run(decoder, m, lr, seed):
        """All budgets of one run: {epochs: (val, test, train, model, history)}."""
        if (decoder, m, lr, seed) not in runs:
            ae = Autoencoder(784, m, encoder="sigmoid", decoder=decoder, tied=False, seed=seed)
            ae.init_output_bias(fit.X)                               # b' = g^{-1}(the mean digit)
            out = {}
            for e, h in continued_fit(ae, fit.X, budgets, lr, seed, batch_size=64, loss="squared_error"):
                out[e] = ((np.nan,) * 3 if h.diverged else
                          tuple(squared_error(d.X, ae.reconstruct(d.X)) for d in (val, test, fit))) + (ae.copy(), h)
            for e in budgets:
                out.setdefault(e, (np.nan,) * 3 + (ae, h))
            runs[decoder, m, lr, seed] = out
        return runs[decoder, m, lr, seed]

    def arm_for(decoder, m, e):
        def train(lr, seed):
            val_, test_, _, model, h = run(decoder, m, lr, seed)[e]
            return model, h, val_, test_
        return train

    def name(decoder, m, e):
        return f"sigmoid AE, {DECODERS[decoder][0]}, m = {m}" + ("" if e == NONLINEAR_EPOCHS else f", {e} epochs")

    seeds, tuning = _tuning(mode)
    grids = NONLINEAR_GRIDS[mode]
    arms = {}
    for e in budgets:
        for decoder in DECODERS:
            for m in sizes:
                n = name(decoder, m, e)
                arms.update(run_arms({n: keep.arm(n, arm_for(decoder, m, e))}, grids[decoder], seeds, tuning,
                                     progress=progress))
    baselines = {f"PCA, m = {m}": squared_error(test.X, p.truncate(m).reconstruct(test.X)) for m in sizes}
    baselines["the average digit (m = 0)"] = squared_error(test.X, np.broadcast_to(p.mean, test.X.shape))
    pca_train = {m: squared_error(fit.X, p.truncate(m).reconstruct(fit.X)) for m in sizes}
    verdicts, notes = [], []
    for e in budgets:
        tail = "" if e == NONLINEAR_EPOCHS else f", {e} epochs"
        for decoder, (label, key) in DECODERS.items():
            parts = []
            for m in sizes:
                a, b = arms[name(decoder, m, e)], baselines[f"PCA, m = {m}"]
                v = compare(a, [b] * len(seeds), claim=f"02.pca/{key}-{m}{tail}", names=(a.name, f"PCA, m = {m}"),
                            what=f"a one-layer sigmoid autoencoder with a {label} (squared error, {e} epochs) "
                                 f"beats PCA at m = {m}")
                train_err = [run(decoder, m, a.lr, s)[e][2] for s in seeds]
                v.details.update(epochs=e, decoder=decoder, m=m, lr=a.lr, test_mean=a.mean, test_sd=a.sd,
                                 pca_test=b, train_mean=float(np.mean(train_err)),
                                 train_sd=float(np.std(train_err, ddof=1)), pca_train=pca_train[m])
                parts.append(v)
                notes.append(f"{label}, m = {m}, {e} epochs: held-out {a.mean:.3g} ± {a.sd:.2g} (PCA {b:.3g}, "
                             f"{(a.mean - b) / b:+.1%}); training (fit digits) {np.mean(train_err):.3g} "
                             f"(PCA {pca_train[m]:.3g}).")
            verdicts += parts + [summary(parts, f"02.pca/{key}{tail}",
                                         f"a one-layer sigmoid autoencoder with a {label} beats PCA at the same m "
                                         f"(both sizes, {e} epochs)")]
    report = ClaimReport("02.pca-nonlinear", " and ".join(str(Budget(e, 64, len(fit.X))) for e in budgets)
                         + " (the same runs, checkpointed)", arms, baselines, verdicts,
                         score="held-out squared error per digit (summed over 784 pixels)", notes=notes)
    report.extras = dict(runs=keep.extras({n: a for n, a in arms.items() if "epochs" not in n}), pca=p)
    return report


# ---- 02.pca/deep --------------------------------------------------------------------------------
DEEP_SIZES = [784, 128, 32, 128, 784]
DEEP_EPOCHS = 8
DEEP_BATCHES = {"quick": [64], "thorough": [64, 256]}      # thorough only: 256 (112 steps instead of 440)
DEEP_GRIDS = {"quick": {64: [1e-3, 3e-3]},
              "thorough": {64: [1e-3, 3e-3, 1e-2], 256: [1e-3, 3e-3, 1e-2, 3e-2]}}   # larger batches, larger rates


@claim("02.pca-deep", lesson="02", curriculum=CURRICULUM_PCA)
def pca_deep(mode="quick", progress=False):
    r"""A deep autoencoder vs PCA at ``m = 32``.

    Model: ``DeepAutoencoder(784-128-32-128-784)``, ReLU hidden layers, linear 32-unit bottleneck,
    sigmoid output, default initialisation (He for the ReLU layers, Glorot uniform for the others),
    zero biases, cross-entropy, Adam, 8 epochs in batches of 64 (440 steps) in both modes (quick and
    thorough differ in seeds and grid only). The number of steps decides the outcome, so the
    thorough run adds a part at batch 256 (the same 8 epochs, 112 steps): ``02.pca/deep, 112 steps``.
    Score: held-out squared error per digit, against PCA with 32 components fitted on the same fit
    digits, and the average digit.
    """
    mode = check_mode(mode)
    fit, val, test = _data()
    p = pca(fit.X, 32)
    keep = _Keeper()
    pca32 = squared_error(test.X, p.reconstruct(test.X))
    baselines = {"PCA, m = 32": pca32,
                 "the average digit (m = 0)": squared_error(test.X, np.broadcast_to(p.mean, test.X.shape))}
    seeds, tuning = _tuning(mode)
    arms, verdicts, notes, budgets = {}, [], [], []
    for batch in DEEP_BATCHES[mode]:
        budget = Budget(DEEP_EPOCHS, batch, len(fit.X))
        budgets.append(str(budget))

        def train(lr, seed, budget=budget):
            net = DeepAutoencoder(DEEP_SIZES, hidden="relu", bottleneck="identity", output="sigmoid", seed=seed)
            h = net.fit(fit.X, lr=lr, optimizer="adam", seed=seed, on_divergence="stop", X_val=val.X,
                        **budget.fit_kwargs())
            if h.diverged:
                return net, h, np.nan, np.nan
            return net, h, squared_error(val.X, net.reconstruct(val.X)), squared_error(test.X, net.reconstruct(test.X))

        name = "deep ReLU AE, m = 32" + ("" if batch == 64 else f", batch {batch}")
        arms.update(run_arms({name: keep.arm(name, train)}, DEEP_GRIDS[mode][batch], seeds, tuning, progress=progress))
        a = arms[name]
        cid = "02.pca/deep" + ("" if batch == 64 else f", {budget.steps} steps")
        v = compare(a, [pca32] * len(seeds), claim=cid, names=(name, "PCA, m = 32"),
                    what=f"a deep autoencoder (784-128-32-128-784, ReLU) beats PCA at m = 32 "
                         f"({budget.steps} Adam steps: {DEEP_EPOCHS} epochs in batches of {batch})")
        v.details.update(steps=budget.steps, batch=batch, lr=a.lr, test_mean=a.mean, test_sd=a.sd, pca_test=pca32)
        verdicts.append(v)
        notes.append(f"Deep AE, {budget.steps} steps: {a.mean:.3g} ± {a.sd:.2g} vs PCA {pca32:.3g}: "
                     f"{abs(a.mean - pca32) / pca32:.1%} {'below' if a.mean < pca32 else 'above'} PCA.")
    report = ClaimReport("02.pca-deep", "; ".join(budgets), arms, baselines, verdicts,
                         score="held-out squared error per digit (summed over 784 pixels)", notes=notes)
    report.extras = dict(runs=keep.extras({"deep ReLU AE, m = 32": arms["deep ReLU AE, m = 32"]}), pca=p)
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
    # the average digit: every output pixel the mean of that pixel over the 500 training digits (float32, as a model's)
    mean_digit = np.broadcast_to(small.X.mean(axis=0, dtype=np.float64).astype(np.float32), test.X.shape)
    avg = float(LOSSES["cross_entropy"](mean_digit, test.X))
    worse = [n for n, a in arms.items() if a.mean > avg]
    notes.append(f"The average digit of the 500 training digits scores {avg:.3g} nats: "
                 + (f"{' and '.join(worse)} after {SGD_EPOCHS} epochs {'is' if len(worse) == 1 else 'are'} worse "
                    f"than reconstructing every digit as that average." if worse else
                    f"every arm is better than it after {SGD_EPOCHS} epochs."))
    report = ClaimReport("02.sgd", budget, arms, {"the average digit": avg}, verdicts,
                         score="held-out cross-entropy per digit (nats)", notes=notes)
    report.extras = dict(runs=ex, data=(small, val, test))
    return report

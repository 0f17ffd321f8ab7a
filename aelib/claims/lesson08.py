r"""Lesson 08's Claim check: do autoencoder features help a classifier more than PCA's?

After training, the decoder is usually thrown away and the encoder's code kept as features
(lesson 04). The claim: "autoencoder features help a classifier more than PCA's" at the same code
size. A **linear probe** (:class:`aelib.probe.SoftmaxRegression`) is trained on the codes and scored
by its accuracy on the held-out test digits.

Arms, at code size ``m`` (each a part of the claim, compared with PCA at the same ``m``):

* **plain AE**: ``Autoencoder(784, m)``, sigmoid encoder and decoder, tied weights, cross-entropy;
* **denoising AE**: the same, trained with masking noise 0.3 (lesson 06);
* **stacked DAE** (thorough run only): lesson 05's rectifier recipe, :class:`aelib.stacked.StackedDAE`
  ``784 -> 256 -> m``, its top code ``h_2``;
* **ReLU AE** (thorough run only): ``Autoencoder(784, m, encoder="relu")``, He initial weights, sigmoid
  decoder, tied, cross-entropy: the plain AE with an encoder that does not saturate at 1.

The budget is the same for every arm: Adam, batches of 64, 10 epochs over the same fitting
digits (200 of each class from the fitting part of :func:`~aelib.claims.validation_split`; the
training file is sorted by class, so a prefix would miss classes), output bias started at the
average digit (``init_output_bias``). Each arm's learning rate is chosen by the probe's accuracy on
the 500 **validation** digits; the test digits only give the reported score. The probe is the same
for every arm and for the baselines, and has no tuned rate: codes standardised with the fitting
codes' mean and standard deviation (:func:`aelib.probe.standardize`), then softmax regression, Adam at
0.01, 20 epochs in batches of 64, L2 penalty 1e-3 on its weights; seed ``s`` shuffles its batches.

Baselines (no training choice, scored with the same probe and seeds): **PCA** at the same ``m``
(fitted on the same digits) and the **raw pixels** (784 features). The comparison with PCA is paired
by seed: seed ``s`` trains the AE with ``s`` and both probes with ``s``.

**Modes.** The notebook's parts (plain and denoising AE, 10 epochs) run *identically* in both modes:
5 seeds, the grid {0.003, 0.01, 0.03}, each arm's rate picked on seed 0. Training is deterministic, so
the notebook's verdicts are the thorough run's by construction. The thorough run adds parts of its
own, quoted by the notebook from ``evidence/results/08.probe.json``: the stacked DAE as a third arm,
the plain and denoising arms at 3x the epochs (30), the ReLU AE, and the **tuned probe** parts.

**Tuned probe** (thorough run only). The same trained models (each arm at its chosen rate, seeds 0-4), but
the probe is tuned per feature set: its rate, L2 weight and scaling (:data:`PROBE_GRID`: rates
{0.003, 0.01, 0.03} x L2 {0, 1e-4, 1e-3, 1e-2} x {per-feature standardising, one global scale},
:func:`scale_codes`) are chosen by validation accuracy on seed 0's codes, then used for every seed. PCA
is probed both ways, each with its rate and L2 tuned the same way: **standardised** (whitened: every
coordinate scaled to variance 1) and **one scale** (its coordinates keep their relative variances); each
part compares with the PCA scaling that scored higher on validation, and both are reported.

**Scope.** The verdicts are about what was tested: tied sigmoid autoencoders (and, thorough only, the
stacked DAE), 10 or 30 epochs on 2,000 digits, and this one probe on standardised codes. Standardising
each feature whitens PCA's coordinates (its low-variance directions are scaled up as much as its
high-variance ones), and the probe's recipe is not tuned per feature set; neither choice is varied here.
The claim as practitioners state it goes back to Vincent et al. (ICML 2008; JMLR 2010), who judged
denoising-autoencoder features by fine-tuned deep networks and SVMs, not by a frozen linear probe against PCA.

Also here: :func:`saturated_share` (how close a sigmoid code is to binary), :func:`jacobian_trace`
(the summed sensitivity of the reconstruction to each pixel, lesson 08 section 2), :func:`sigmoid_copier`
(a near-copier through a sigmoid output, to compare with) and :func:`balanced_subset`.
"""
from __future__ import annotations

import numpy as np

from .._validate import check_array
from ..datasets import Digits, load_digits
from ..layers import linear
from ..model import Autoencoder
from ..noise import masking
from ..pca import pca
from ..probe import SoftmaxRegression, knn_accuracy, standardize
from .protocol import ArmResult, Budget, compare, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

PER_CLASS = 200                      # fitting digits per class: 2,000 in all
MASKING = 0.3                        # the denoising arm's training noise
FLOOR = 0.005                        # the smallest accuracy difference that counts (half a point)
PROBE = dict(epochs=20, batch_size=64, lr=0.01, l2=1e-3)   # the one probe recipe, for every arm
SCALINGS = ("standardised", "one scale")
# (probe lr, L2 weight, scaling): the tuned-probe parts' grid, chosen on validation (seed 0's codes)
PROBE_GRID = tuple((lr, l2, sc) for lr in (0.003, 0.01, 0.03) for l2 in (0.0, 1e-4, 1e-3, 1e-2) for sc in SCALINGS)
TUNED_ARMS = ("plain AE", "denoising AE", "ReLU AE")
SIZES = (16, 64)
GRID = (0.003, 0.01, 0.03)
SEEDS = (0, 1, 2, 3, 4)
TUNING_SEEDS = (0,)
EPOCHS = 10
LONG_EPOCHS = 30
BATCH = 64
# budget -> (epochs, arms, modes). The notebook's budget runs identically in both modes.
BUDGETS = {
    "10 epochs": dict(epochs=EPOCHS, arms=("plain AE", "denoising AE"), modes=("quick", "thorough")),
    "10 epochs, stacked": dict(epochs=EPOCHS, arms=("stacked DAE",), modes=("thorough",)),
    "30 epochs": dict(epochs=LONG_EPOCHS, arms=("plain AE", "denoising AE"), modes=("thorough",)),
    "10 epochs, ReLU encoder": dict(epochs=EPOCHS, arms=("ReLU AE",), modes=("thorough",)),
}


def budgets(mode: str) -> list:
    """The budgets (keys of :data:`BUDGETS`) that run in ``mode``."""
    return [b for b, cfg in BUDGETS.items() if mode in cfg["modes"]]


def balanced_subset(digits: Digits, per_class: int) -> Digits:
    """The first ``per_class`` digits of each class, in class order: ``Digits`` with ``10 * per_class`` rows."""
    idx = np.concatenate([np.flatnonzero(digits.y == c)[:per_class] for c in np.unique(digits.y)])
    return Digits(digits.X[idx], digits.y[idx], digits.split)


def data():
    """``(fitting digits, validation digits, test digits)``: 2,000 balanced fitting digits, 500, 1,000."""
    fit, val = validation_split(load_digits("train"), n_val=500, seed=0)
    return balanced_subset(fit, PER_CLASS), val, load_digits("test")


def probe_accuracy(H_fit, y_fit, H_eval, y_eval, seed: int = 0) -> float:
    """Train the probe (recipe :data:`PROBE`) on ``H_fit`` and return its accuracy on ``H_eval``."""
    return probe_accuracies(H_fit, y_fit, [(H_eval, y_eval)], seed)[0]


def probe_accuracies(H_fit, y_fit, evals, seed: int = 0) -> list:
    """One probe trained on ``H_fit``, scored on each ``(H, y)`` of ``evals`` (the same as one
    :func:`probe_accuracy` per pair: standardising with the fitting codes' statistics gives the same probe)."""
    Z_fit, *Z_evals = standardize(H_fit, *(H for H, _ in evals))
    probe = SoftmaxRegression(Z_fit.shape[1])
    probe.fit(Z_fit, y_fit, seed=seed, **PROBE)
    return [probe.accuracy(Z, y) for Z, (_, y) in zip(Z_evals, evals)]


def scale_codes(H_fit, *others, scaling: str = "standardised"):
    r"""Centre codes with the fitting codes' means and scale them, with the **fitting** codes' statistics.

    ``"standardised"``: :func:`aelib.probe.standardize`, :math:`z_j = (h_j - \mu_j) / \sigma_j` per feature (for
    PCA codes this whitens: every coordinate gets variance 1). ``"one scale"``: :math:`z_j = (h_j - \mu_j) / s`
    with one :math:`s = \sqrt{\frac{1}{m}\sum_j \sigma_j^2}` for all features, so the features keep their
    relative variances and the mean variance is 1. Returns ``(Z_fit, Z_1, ...)``, float32.
    """
    if scaling not in SCALINGS:
        raise ValueError(f"The 'scaling' parameter of scale_codes must be one of {SCALINGS}. Got {scaling!r} instead.")
    if scaling == "standardised":
        return standardize(H_fit, *others)
    H_fit = np.asarray(H_fit, dtype=np.float32)
    mu = H_fit.mean(axis=0)                                          # (m,)
    s = max(float(np.sqrt(np.mean(H_fit.var(axis=0)))), 1e-6)        # one number for every feature
    return tuple(((np.asarray(H, np.float32) - mu) / np.float32(s)).astype(np.float32) for H in (H_fit, *others))


def probe_scores(H_fit, y_fit, evals, seed: int = 0, lr: float = 0.01, l2: float = 1e-3,
                 scaling: str = "standardised") -> list:
    """A probe with rate ``lr``, L2 weight ``l2`` and ``scaling`` (otherwise :data:`PROBE`) trained on ``H_fit``,
    scored on each ``(H, y)`` of ``evals``. With the defaults it is :func:`probe_accuracies`."""
    Z_fit, *Z_evals = scale_codes(H_fit, *(H for H, _ in evals), scaling=scaling)
    probe = SoftmaxRegression(Z_fit.shape[1])
    probe.fit(Z_fit, y_fit, seed=seed, **{**PROBE, "lr": lr, "l2": l2})
    return [probe.accuracy(Z, y) for Z, (_, y) in zip(Z_evals, evals)]


def tuned_probe(codes, y_fit, y_val, y_test, grid=PROBE_GRID):
    """The probe tuned on validation: ``codes`` is ``{seed: (H_fit, H_val, H_test)}``.

    Every setting ``(lr, l2, scaling)`` of ``grid`` is trained on the first seed's fitting codes and scored on
    its validation codes; the best (ties: the first in ``grid``) is then trained on every seed's fitting codes
    (with that seed's shuffling) and scored on its test codes. Returns ``(setting, validation accuracy of the
    setting, {seed: test accuracy})``. The test codes never choose anything.
    """
    first = next(iter(codes))
    Hf, Hv, _ = codes[first]
    val = {g: probe_scores(Hf, y_fit, [(Hv, y_val)], first, *g)[0] for g in grid}
    best = max(grid, key=lambda g: val[g])                         # max keeps the first of equal ones
    test = {s: probe_scores(H[0], y_fit, [(H[2], y_test)], s, *best)[0] for s, H in codes.items()}
    return best, val[best], test


def train_encoder(arm: str, m: int, X, lr: float, seed: int, epochs: int = EPOCHS):
    """Train arm ``arm`` with code size ``m`` on ``X`` under the claim's budget; returns an object with ``encode``."""
    if arm == "stacked DAE":
        from ..stacked import StackedDAE
        model = StackedDAE(784, 256, m, seed=seed)
        model.layer1.init_output_bias(X)
        model.fit(X, epochs=epochs, batch_size=BATCH, lr=lr)
        return model
    encoder = "relu" if arm == "ReLU AE" else "sigmoid"            # "auto" init: He for ReLU, Glorot for sigmoid
    ae = Autoencoder(784, m, encoder=encoder, decoder="sigmoid", tied=True, seed=seed)
    ae.init_output_bias(X)
    noise = masking(MASKING, seed=seed + 1) if arm == "denoising AE" else None
    ae.fit(X, epochs=epochs, batch_size=BATCH, lr=lr, optimizer="adam", noise=noise, seed=seed,
           on_divergence="stop")
    return ae


def train_stacked_sizes(sizes, X, lr: float, seed: int, epochs: int = EPOCHS) -> dict:
    """``{m: StackedDAE 784 -> 256 -> m}``, each the model ``train_encoder("stacked DAE", m, ...)`` returns.

    Layer 1 does not depend on ``m`` (same seed, same noise, same digits), so it is trained once and copied;
    layer 2 is trained per size exactly as :meth:`aelib.stacked.StackedDAE.fit` does (a test holds the two equal).
    """
    import copy

    from ..stacked import PreRectifierNoise, StackedDAE
    from ..train import fit
    sizes = list(sizes)
    first = train_encoder("stacked DAE", sizes[0], X, lr, seed, epochs=epochs)
    out = {sizes[0]: first}
    A1 = first.preactivation1(X)                                 # (n, 256) layer 1's pre-activations
    H1 = np.maximum(A1, 0)                                       # (n, 256) clean codes: layer 2's target
    for m in sizes[1:]:
        model = StackedDAE(784, 256, m, seed=seed)
        model.layer1 = copy.deepcopy(first.layer1)
        model.noise2 = PreRectifierNoise(model.noise2_rel * float(A1.std()), seed=model.seed + 3)
        fit(model.layer2, A1, epochs=epochs, batch_size=BATCH, lr=lr, optimizer="adam", loss="squared_error",
            noise=model.noise2, target=H1, l1=model.l1[1], seed=model.seed)
        out[m] = model
    return out


def saturated_share(H, within: float = 0.05) -> float:
    r"""Fraction of the entries of the codes ``H: (n, m)`` within ``within`` of 0 or of 1.

    :math:`\frac{1}{nm} \#\{(i, j) : h_{ij} \le \epsilon \text{ or } h_{ij} \ge 1 - \epsilon\}`. For a
    sigmoid code, a share near 1 means the units act as on/off switches: ``m`` units carry little
    more than ``m`` bits, and the code is nearly flat (derivative near 0) around each digit.
    """
    H = np.asarray(H, dtype=np.float64)
    if H.ndim != 2:
        raise ValueError(f"The 'H' parameter of saturated_share must be a 2-d array of codes (n, m). "
                         f"Got an array of shape {H.shape} instead.")
    if not 0 <= within < 0.5:
        raise ValueError(f"The 'within' parameter of saturated_share must be in [0, 0.5). Got {within!r} instead.")
    return float(np.mean((H <= within) | (H >= 1 - within)))


def sigmoid_copier(gain: float, n_visible: int = 784) -> Autoencoder:
    r"""The near-copier :math:`z = \sigma(k(x - \tfrac12))` as an :class:`Autoencoder` (``k`` = ``gain``).

    ``n_visible`` identity code units with :math:`W = kI`, :math:`b = -k/2`, decoder :math:`W' = I`,
    :math:`b' = 0`, sigmoid output. On near-binary pixels it returns almost the input, but its
    Jacobian :math:`\mathrm{diag}(k\,\sigma(1-\sigma))` is small wherever a pixel is near 0 or 1, so its
    trace is far below ``n_visible``: a copier through a sigmoid output cannot reach the identity's trace.
    """
    if not gain > 0:
        raise ValueError(f"The 'gain' parameter of sigmoid_copier must be positive. Got {gain!r} instead.")
    ae = Autoencoder(n_visible, n_visible, encoder="identity", decoder="sigmoid", tied=False)
    eye = np.eye(n_visible, dtype=np.float32)
    ae.set_params(W=gain * eye, b=np.full(n_visible, -gain / 2, np.float32), W_prime=eye,
                  b_prime=np.zeros(n_visible, np.float32))
    return ae


def jacobian_trace(ae: Autoencoder, X) -> float:
    r"""Mean over the rows of ``X`` of :math:`\mathrm{tr}\, \partial z / \partial x`, ``z`` the reconstruction.

    For :math:`z = g(W' f(Wx + b) + b')` the Jacobian is :math:`J = \mathrm{diag}(g'(a_2))\, W'\,
    \mathrm{diag}(f'(a_1))\, W`, so :math:`\mathrm{tr} J = \sum_j f'_j \sum_k g'_k W'_{kj} W_{jk}`:
    the summed sensitivity of each output pixel to its own input pixel. A linear identity map has
    trace ``n_visible`` and an orthogonal projection onto ``m`` dimensions trace ``m``, but the trace
    mixes directions with gain, and through a sigmoid output even a near-copier scores far below
    ``n_visible`` (:func:`sigmoid_copier`); it is not a count of copied directions.
    """
    X = check_array(X, "X", "jacobian_trace", ndim=2, n_cols=ae.n_in, dtype=ae.dtype)
    p = ae.params
    A1 = linear(X, p["W"], p["b"])                                # (batch, n_hidden)
    H = ae.encoder.f(A1)
    A2 = linear(H, ae.W_prime, p["b_prime"])                      # (batch, n_visible)
    Z = ae.decoder.f(A2)
    M = ae.W_prime * p["W"].T                                     # (n_visible, n_hidden): W'_kj W_jk
    per_example = ((ae.decoder.df(A2, Z) @ M) * ae.encoder.df(A1, H)).sum(axis=1)   # (batch,)
    return float(np.mean(per_example))


def arm_name(arm: str, m: int, budget: str) -> str:
    """``"plain AE, m=16"`` at the notebook's budget, ``"plain AE, m=16, 30 epochs"`` at another."""
    epochs = BUDGETS[budget]["epochs"]
    return f"{arm}, m={m}" + ("" if epochs == EPOCHS else f", {epochs} epochs")


def _run_size(m: int, budget: str, fit, val, test, progress=False, cache=None):
    """The arms of ``budget`` at code size ``m``: ``{arm name: ArmResult}`` of probe test accuracy.
    ``cache``: a dict that receives ``{(arm name, lr, seed): (H_fit, H_val, H_test)}`` of every model trained."""
    epochs = BUDGETS[budget]["epochs"]

    def arm(name):
        def train(lr, seed):
            enc = train_encoder(name, m, fit.X, lr, seed, epochs=epochs)
            H_fit, H_val, H_test = (enc.encode(d.X) for d in (fit, val, test))
            if cache is not None:
                cache[arm_name(name, m, budget), lr, seed] = (H_fit, H_val, H_test)
            if not all(np.isfinite(H).all() for H in (H_fit, H_val, H_test)):
                return float("nan"), float("nan")                # a diverged run: never chosen
            return tuple(probe_accuracies(H_fit, fit.y, [(H_val, val.y), (H_test, test.y)], seed))
        return train

    arms = {arm_name(name, m, budget): arm(name) for name in BUDGETS[budget]["arms"]}
    return run_arms(arms, lr_grid=GRID, seeds=SEEDS, tuning_seeds=TUNING_SEEDS, higher_is_better=True,
                    progress=progress)


def _baselines(m: int, fit, test):
    """PCA at ``m``: per-seed probe test accuracies and the 1-nearest-neighbour test accuracy."""
    P = pca(fit.X, m)
    H_fit, H_test = P.encode(fit.X), P.encode(test.X)
    return [probe_accuracy(H_fit, fit.y, H_test, test.y, s) for s in SEEDS], knn_accuracy(H_fit, fit.y, H_test, test.y)


def _tuned_parts(m: int, report: ClaimReport, cache: dict, fit, val, test) -> list:
    """The tuned-probe parts at code size ``m`` (thorough run): PCA probed both ways, each arm of
    :data:`TUNED_ARMS` at its chosen rate; verdicts against the PCA scaling better on validation."""
    P = pca(fit.X, m)
    H_pca = tuple(P.encode(d.X) for d in (fit, val, test))
    pcas = {}
    for sc in SCALINGS:
        g, v, t = tuned_probe({s: H_pca for s in SEEDS}, fit.y, val.y, test.y,
                              grid=[x for x in PROBE_GRID if x[2] == sc])
        pcas[sc] = (g, v, [t[s] for s in SEEDS])
        report.baselines[f"PCA, m={m}, tuned probe, {sc}"] = float(np.mean(pcas[sc][2]))
    best_sc = max(SCALINGS, key=lambda sc: pcas[sc][1])                 # chosen on validation
    report.notes.append(f"m={m}, tuned probe: PCA standardised (whitened) {np.mean(pcas['standardised'][2]):.3g} "
                        f"(probe lr {pcas['standardised'][0][0]:g}, L2 {pcas['standardised'][0][1]:g}; validation "
                        f"{pcas['standardised'][1]:.3g}), PCA one scale {np.mean(pcas['one scale'][2]):.3g} (probe lr "
                        f"{pcas['one scale'][0][0]:g}, L2 {pcas['one scale'][0][1]:g}; validation "
                        f"{pcas['one scale'][1]:.3g}); the parts compare with PCA {best_sc} (better on validation).")
    verdicts = []
    for arm in TUNED_ARMS:
        a = report.arms[arm_name(arm, m, "10 epochs")]
        g, v, t = tuned_probe({s: cache[a.name, a.lr, s] for s in SEEDS}, fit.y, val.y, test.y)
        name = f"{a.name}, tuned probe"
        report.arms[name] = ArmResult(name, a.lr, a.lr_grid, a.val_by_lr, tuple(SEEDS), tuple(t[s] for s in SEEDS),
                                      higher_is_better=True, tuning_seeds=a.tuning_seeds)
        report.notes.append(f"{name}: probe lr {g[0]:g}, L2 {g[1]:g}, {g[2]} (validation {v:.3g}).")
        verdicts.append(compare(report.arms[name], pcas[best_sc][2], f"08.probe/tuned probe/{arm}, m={m}",
                                f"at code size {m}, with the probe tuned per code, {arm} codes give a higher test "
                                f"accuracy than PCA's ({best_sc})", higher_is_better=True, floor=FLOOR,
                                names=(arm, f"PCA (m={m}, {best_sc})")))
    return verdicts


@claim("08.probe", lesson="08",
       curriculum="autoencoder features help a classifier more than PCA's (linear probe at equal code size)")
def probe_claim(mode: str = "quick", progress: bool = False) -> ClaimReport:
    """Plain and denoising AE codes (thorough: also stacked DAE, and 30 epochs) vs PCA's at m = 16, 64."""
    mode = check_mode(mode)
    fit, val, test = data()
    run = budgets(mode)
    report = ClaimReport("08.probe", budget="; ".join(
        f"{b}: {Budget(BUDGETS[b]['epochs'], BATCH, len(fit.X))}, Adam" for b in run)
        + (" (the stacked DAE: each of its two layers)" if "10 epochs, stacked" in run else ""),
        score="linear-probe accuracy on the 1,000 test digits (fraction right; higher is better)")
    raw = [probe_accuracy(fit.X, fit.y, test.X, test.y, s) for s in SEEDS]
    report.baselines["raw pixels (784 features)"] = float(np.mean(raw))
    parts = {b: [] for b in run}
    tuned_parts, cache = [], {}
    for m in SIZES:
        pca_scores, pca_knn = _baselines(m, fit, test)
        report.baselines[f"PCA, m={m}"] = float(np.mean(pca_scores))
        report.notes.append(f"m={m}: PCA's probe accuracy per seed {', '.join(f'{x:.3g}' for x in pca_scores)} "
                            f"(only the probe's shuffling differs); 1-nearest-neighbour accuracy in PCA's code "
                            f"{pca_knn:.3g}.")
        for b in run:
            for name, a in _run_size(m, b, fit, val, test, progress, cache).items():
                report.arms[name] = a
                arm = name.split(",")[0]
                parts[b].append(compare(a, pca_scores, f"08.probe/{name}",
                                        f"at code size {m}" + ("" if b.startswith("10 epochs") else f" after {b}")
                                        + f", {arm} codes give a linear probe a higher test accuracy than PCA's",
                                        higher_is_better=True, floor=FLOOR, names=(arm, f"PCA (m={m})")))
        if mode == "thorough":
            tuned_parts += _tuned_parts(m, report, cache, fit, val, test)
    report.notes.append(f"Raw pixels (784 features, no code): probe accuracy {np.mean(raw):.3g}.")
    verdicts = [vd for b in run for vd in parts[b]]
    verdicts.append(summary(parts["10 epochs"], "08.probe",
                            "tied sigmoid autoencoder codes (plain and denoising, 10 epochs, 2,000 digits) help a "
                            "linear probe on standardised codes more than PCA's, at code sizes "
                            + " and ".join(map(str, SIZES))))
    if "10 epochs, stacked" in run:
        verdicts.append(summary(parts["10 epochs, stacked"], "08.probe/stacked DAE",
                                "the stacked DAE's codes help a linear probe more than PCA's, at both sizes"))
    if "10 epochs, ReLU encoder" in run:
        verdicts.append(summary(parts["10 epochs, ReLU encoder"], "08.probe/ReLU AE",
                                "ReLU-encoder autoencoder codes help a linear probe on standardised codes more than "
                                "PCA's, at both sizes"))
    if tuned_parts:
        verdicts += tuned_parts
        verdicts.append(summary(tuned_parts, "08.probe/tuned probe",
                                "with the probe tuned per code on validation and PCA probed at its better scaling, "
                                "autoencoder codes (plain, denoising, ReLU) help a linear probe more than PCA's, "
                                "at both sizes"))
    if "30 epochs" in run:
        verdicts.append(summary(parts["30 epochs"], "08.probe/30 epochs",
                                "after 30 epochs, tied sigmoid autoencoder codes (plain and denoising) help a linear "
                                "probe on standardised codes more than PCA's, at both sizes"))
    report.verdicts = verdicts
    return report

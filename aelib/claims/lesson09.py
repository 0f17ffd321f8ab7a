r"""Lesson 09's Claim check: do a VAE's prior samples look more like digits than random codes
through a plain autoencoder's decoder?

**09.samples** (the lesson's 2-d codes). Two models with the same layers, 784-128-2-128-784 (ReLU
hidden layers, a linear 2-unit code, a sigmoid output), trained under one
:class:`~aelib.claims.protocol.Budget` with Adam on the 3,500 "fit" digits of
:func:`~aelib.claims.protocol.validation_split`: the **plain AE** (:class:`~aelib.model.DeepAutoencoder`,
reconstruction cross-entropy) and the **VAE** (:class:`~aelib.vae.VAE`, :math:`-\mathrm{ELBO}`,
:math:`\beta = 1`). Both start from ``init="recommended"`` and an output bias at the logit of the average
fit digit. Each model's learning rate is chosen on the 500 validation digits by its own training loss
(AE: cross-entropy; VAE: :math:`-\mathrm{ELBO}`, nats per digit).

**The decoders are crossed with the code distributions**, so that a decoder is compared with the other at
the same kind of codes. Each model's decoder gets ``N_SAMPLES`` codes drawn

* ``box``: uniformly from the box its fit digits' codes span (for the VAE: its code means :math:`\mu`);
* ``gaussian``: from a Gaussian fitted to those codes (their mean and covariance);
* ``prior``: from :math:`N(0, I)` (the VAE only: its prior, the sampler it is trained for);

and, as a baseline with the same decoder, its reconstructions of the 1,000 test digits. Seed ``s`` sets
the weights, the shuffling, the VAE's :math:`\varepsilon` and the codes drawn; an image is the decoder's
Bernoulli mean :math:`\sigma(a)`. Verdicts (:func:`~aelib.claims.protocol.compare`, per measure):

* ``natural/box``, ``natural/gaussian``: the VAE's prior samples against the plain AE's box or Gaussian
  samples: each model sampled the natural way (the claim as stated). The claim's verdict
  (``09.samples``) is the summary of these parts;
* ``same/box``, ``same/gaussian``: the VAE's decoder against the plain AE's, each on its own box, or
  each on its own fitted Gaussian (the decoders at the same kind of codes; summary ``09.samples/same``);
* ``sampling``: the VAE's own decoder on its prior against its box (how much the sampling scheme alone
  moves a measure).

**How digit-like** a set of images is, three measures. Theis, van den Oord & Bethge ("A note on the
evaluation of generative models", ICLR 2016) show that log-likelihood, Parzen-window estimates and
visual fidelity of samples are largely independent of each other in high dimensions, and that checking samples
against their nearest training images in Euclidean distance is a weak test of copying (a copy shifted by a pixel
is far away); so no measure here is trusted alone (that rule is this course's choice):

* ``confidence``: the mean largest class probability of a softmax-regression digit classifier
  (:class:`~aelib.probe.SoftmaxRegression` on the 784 pixels, trained on the 4,000 training digits),
  higher is better. It rewards extreme, saturated images, including non-digits;
* ``nearest``: the mean Euclidean distance (pixel units) from each image to its nearest training
  digit, lower is better. It rewards blur, thin strokes and copies of training digits;
* ``frechet``: the Fréchet distance between Gaussians fitted to the images and to the 1,000 test
  digits, in the first ``FD_DIM`` principal components of the 4,000 training digits (pixel units
  squared), lower is better. It is the formula of the FID (Heusel et al., NeurIPS 2017) with PCA features
  in place of Inception features: a distribution-level measure, which counts missing variety (every
  sample alike) as well as unlike images.

Baselines (no training choice): the 1,000 real test digits (for ``frechet``: 1,000 real fit digits
against the test digits, the measure's noise floor), and the average fit digit (only blur).

**09.samples-long** (thorough run only, quoted by the notebook; not changed since its run): the earlier
version of the check, the VAE's prior against the plain AE's box and Gaussian on ``confidence`` and
``nearest``, at four times the budget and with 16-d codes.
"""
from __future__ import annotations

import numpy as np

from .. import datasets
from ..model import DeepAutoencoder
from ..vae import VAE
from .protocol import ArmResult, Budget, balanced_subset, compare, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

N_HIDDEN = 128
BATCH = 128
N_SAMPLES = 1000
FD_DIM = 20                       # principal components of the Fréchet distance's features
FLOOR = {"confidence": 0.02,      # smallest difference of mean confidence that counts
         "nearest": 0.1,          # ... of mean nearest-digit distance (real test digits: about 4.9)
         "frechet": 0.5}          # ... of Fréchet distance (two sets of real digits: about 0.3 apart)
MEASURES = {"confidence": "mean classifier confidence (largest class probability), higher is better",
            "nearest": "mean distance to the nearest training digit (pixel units), lower is better",
            "frechet": f"Fréchet distance to the test digits in a {FD_DIM}-d pixel PCA (FID's formula, PCA "
                       "features; pixel units squared), lower is better"}
HIGHER_IS_BETTER = {"confidence": True, "nearest": False, "frechet": False}
LONG_MEASURES = ("confidence", "nearest")        # what 09.samples-long measured

KINDS = {"ae": "plain AE decoder", "vae": "VAE decoder"}
DISTS = {"box": "codes uniform in its codes' box", "gaussian": "codes from a Gaussian fitted to its codes",
         "prior": "codes from N(0, I)", "recon": "reconstructions of the test digits"}
SETS = {"ae": ("box", "gaussian", "recon"), "vae": ("box", "gaussian", "prior", "recon")}


def arm_name(kind: str, dist: str) -> str:
    """The name of one decoder-and-codes arm, e.g. ``"VAE decoder, codes from N(0, I)"``."""
    return f"{KINDS[kind]}, {DISTS[dist]}"


# The verdicts: part -> (arm A, arm B, the claim "A is more digit-like than B" in words)
PARTS = {
    "natural/box": (("vae", "prior"), ("ae", "box"), "VAE prior samples are more digit-like than the plain AE's box "
                                                      "codes decoded"),
    "natural/gaussian": (("vae", "prior"), ("ae", "gaussian"), "VAE prior samples are more digit-like than the "
                                                                "plain AE's fitted-Gaussian codes decoded"),
    "same/box": (("vae", "box"), ("ae", "box"), "On its own box of codes, the VAE decoder's images are more "
                                                "digit-like than the plain AE decoder's"),
    "same/gaussian": (("vae", "gaussian"), ("ae", "gaussian"), "On a Gaussian fitted to its own codes, the VAE "
                                                               "decoder's images are more digit-like than the "
                                                               "plain AE decoder's"),
    "sampling": (("vae", "prior"), ("vae", "box"), "The VAE decoder's images are more digit-like from its prior "
                                                   "than from its box"),
}

# Old arm names, kept for 09.samples-long (its stored results use them)
VAE_ARM = "VAE, codes from its prior N(0, I)"
BOX_ARM = "plain AE, codes uniform in its codes' box"
GAUSS_ARM = "plain AE, codes from a Gaussian fitted to its codes"
ARMS = (VAE_ARM, BOX_ARM, GAUSS_ARM)

# What each mode runs. Quick: the notebook (5 seeds, 2 rates tuned on seed 0; with 3 seeds the Fréchet part
# natural/box fell just inside its margin, 4.11 against 4.12). Thorough: 5 seeds, every rate tuned on all of them,
# the same budget. 09.samples-long always runs the thorough settings (at 4x the epochs and with 16-d codes).
SETTINGS = {
    "quick": dict(seeds=(0, 1, 2, 3, 4), tuning_seeds=(0,), lr=(3e-3, 1e-2)),
    "thorough": dict(seeds=(0, 1, 2, 3, 4), tuning_seeds=None, lr=(1e-3, 3e-3, 1e-2)),
}
EPOCHS = 10
# part of 09.samples-long -> (code size, epochs)
LONG_PARTS = {"2-d, 40 epochs": (2, 40), "16-d, 10 epochs": (16, 10), "16-d, 40 epochs": (16, 40)}

_RUNS: dict = {}            # (kind, n_latent, lr, seed, epochs) -> (model, validation loss)
_SCORES: dict = {}          # (kind, n_latent, lr, seed, epochs) -> {arm: {measure: score}}   (09.samples-long)
_SETS: dict = {}            # (kind, lr, seed) -> {dist: {measure: score, "classes": counts, ...}}   (09.samples)
_CACHE: dict = {}


def data():
    """``(train, fit, validation, test)`` digits: the 4,000 training digits, their 3,500 + 500 split, the 1,000 test digits."""
    if "data" not in _CACHE:
        train, test = datasets.load_digits("train"), datasets.load_digits("test")
        fit_set, val_set = validation_split(train)          # 3,500 + 500 training digits
        _CACHE["data"] = (train, fit_set, val_set, test)
    return _CACHE["data"]


def classifier():
    """The digit classifier of the ``confidence`` measure: softmax regression on the 4,000 training digits."""
    if "clf" not in _CACHE:
        from ..probe import SoftmaxRegression
        train = data()[0]
        clf = SoftmaxRegression(784, 10)
        clf.fit(train.X, train.y, epochs=20, batch_size=64, lr=0.01, seed=0)
        _CACHE["clf"] = clf
    return _CACHE["clf"]


def confidence(images) -> float:
    """Mean over the rows of ``images: (n, 784)`` of the classifier's largest class probability."""
    return float(classifier().predict_proba(np.asarray(images, np.float32)).max(axis=1).mean())


def nearest_distances(images, reference) -> np.ndarray:
    r"""``(n,)``: for each row of ``images``, :math:`\min_j \lVert x_i - r_j \rVert` over the rows of ``reference``.

    Uses :math:`\lVert a - r \rVert^2 = \lVert a \rVert^2 + \lVert r \rVert^2 - 2 a \cdot r` in float64.
    """
    A = np.asarray(images, np.float64)                                  # (n, 784)
    R = np.asarray(reference, np.float64)                               # (m, 784)
    d2 = (A ** 2).sum(1)[:, None] + (R ** 2).sum(1)[None, :] - 2 * A @ R.T   # (n, m)
    return np.sqrt(np.maximum(d2.min(axis=1), 0.0))


def nearest(images) -> float:
    """Mean distance from each row of ``images`` to its nearest training digit (pixel units)."""
    return float(nearest_distances(images, data()[0].X).mean())


def frechet_distance(A, B) -> float:
    r"""Fréchet distance between Gaussians fitted to the rows of ``A: (n, k)`` and ``B: (m, k)``.

    .. math:: d^2 = \lVert m_A - m_B \rVert^2 + \mathrm{tr}\big(C_A + C_B - 2\,(C_A^{1/2} C_B C_A^{1/2})^{1/2}\big)

    with :math:`m` the means and :math:`C` the covariances (``n - 1`` in the denominator) of the rows: the
    squared 2-Wasserstein distance between the two Gaussians, the formula of the FID (Heusel et al. 2017).
    The matrix square roots are taken through eigendecompositions of symmetric matrices, so the result is
    real; :math:`\mathrm{tr}\,(C_A^{1/2} C_B C_A^{1/2})^{1/2} = \mathrm{tr}\,(C_A C_B)^{1/2}`.
    """
    A, B = np.asarray(A, np.float64), np.asarray(B, np.float64)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1] or min(len(A), len(B)) < 2:
        raise ValueError(f"The 'A' and 'B' parameters of frechet_distance must be (n, k) and (m, k) arrays with "
                         f"n, m >= 2. Got shapes {A.shape} and {B.shape} instead.")
    mA, mB = A.mean(axis=0), B.mean(axis=0)                             # (k,)
    CA, CB = np.atleast_2d(np.cov(A.T)), np.atleast_2d(np.cov(B.T))     # (k, k)
    w, Q = np.linalg.eigh(CA)
    sqrt_CA = (Q * np.sqrt(np.maximum(w, 0))) @ Q.T                     # (k, k) C_A^{1/2}
    cross = np.linalg.eigvalsh(sqrt_CA @ CB @ sqrt_CA)                  # (k,) eigenvalues of C_A^½ C_B C_A^½
    return float(((mA - mB) ** 2).sum() + np.trace(CA) + np.trace(CB) - 2 * np.sqrt(np.maximum(cross, 0)).sum())


def pca_features(images, k: int = FD_DIM) -> np.ndarray:
    """``(n, k)``: ``images: (n, 784)`` on the first ``k`` principal axes of the 4,000 training digits (centred on their mean)."""
    if ("pca", k) not in _CACHE:
        X = data()[0].X.astype(np.float64)                              # (4000, 784)
        mean = X.mean(axis=0)
        _, _, Vt = np.linalg.svd(X - mean, full_matrices=False)          # Vt: (784, 784) principal axes
        _CACHE["pca", k] = (mean, Vt[:k].T)                              # (784,), (784, k)
    mean, V = _CACHE["pca", k]
    return (np.asarray(images, np.float64) - mean) @ V


def frechet(images) -> float:
    """Fréchet distance between ``images: (n, 784)`` and the 1,000 test digits, in the ``FD_DIM``-d training PCA."""
    if "test_features" not in _CACHE:
        _CACHE["test_features"] = pca_features(data()[3].X)              # (1000, FD_DIM)
    return frechet_distance(pca_features(images), _CACHE["test_features"])


def scores(images, measures=MEASURES) -> dict:
    """``{measure: value}`` of a set of images (default: all three measures)."""
    fns = {"confidence": confidence, "nearest": nearest, "frechet": frechet}
    return {m: fns[m](images) for m in measures}


def predicted_share(images) -> float:
    """The share of ``images`` that the classifier puts in its most common class (1/10: an even mix)."""
    return float(class_counts(images).max() / len(images))


def class_counts(images) -> np.ndarray:
    """``(10,)``: how many of ``images`` the classifier puts in each class."""
    return np.bincount(classifier().predict(np.asarray(images, np.float32)), minlength=10)


def train_model(kind: str, lr: float, seed: int, n_latent: int = 2, epochs: int = EPOCHS):
    """Train one ``"ae"`` or ``"vae"``; returns ``(model, validation loss)`` (``nan`` if it diverged). Cached."""
    key = (kind, int(n_latent), float(lr), int(seed), int(epochs))
    if key not in _RUNS:
        _, fit_set, val_set, _ = data()
        if kind == "ae":
            model = DeepAutoencoder([784, N_HIDDEN, n_latent, N_HIDDEN, 784], hidden="relu", bottleneck="identity",
                                    output="sigmoid", seed=seed, init="recommended")
        else:
            model = VAE(784, N_HIDDEN, n_latent, hidden="relu", beta=1.0, seed=seed, init="recommended")
        model.init_output_bias(fit_set.X)
        hist = model.fit(fit_set.X, epochs=epochs, batch_size=BATCH, lr=lr, optimizer="adam", seed=seed,
                         on_divergence="stop")
        _RUNS[key] = (model, float("nan") if hist.diverged else model.loss(val_set.X))
    return _RUNS[key]


# ---- 09.samples: every decoder on every kind of codes ----------------------------------------------
def code_sets(model, n: int, seed: int) -> dict:
    """Codes to decode, ``{dist: (n, n_latent)}``: ``"box"`` and ``"gaussian"`` from the model's codes of the
    fit digits (a VAE's code means), and for a VAE ``"prior"``, :math:`N(0, I)`.

    Drawn in that order from one generator seeded ``1000 + seed`` (so a plain AE's box and Gaussian codes are
    those of :func:`sample_codes`)."""
    rng = np.random.default_rng(1000 + seed)
    C = model.encode(data()[1].X).astype(np.float64)                    # (3500, n_latent) the fit digits' codes
    out = {"box": rng.uniform(C.min(axis=0), C.max(axis=0), (n, C.shape[1])),
           "gaussian": rng.multivariate_normal(C.mean(axis=0), np.cov(C.T), n)}
    if isinstance(model, VAE):
        out["prior"] = rng.standard_normal((n, C.shape[1]))
    return out


def image_sets(model, seed: int, n: int = N_SAMPLES) -> dict:
    """``{dist: images (n, 784)}``: the decoded codes of :func:`code_sets`, and ``"recon"``, the model's
    reconstructions of the 1,000 test digits (the same decoder on codes of real digits)."""
    out = {dist: model.decode(Z.astype(np.float32)) for dist, Z in code_sets(model, n, seed).items()}
    out["recon"] = model.reconstruct(data()[3].X)
    return out


def saturated(images) -> np.ndarray:
    """``(n,)``: the share of each image's pixels below 0.1 or above 0.9."""
    S = np.asarray(images)
    return ((S < 0.1) | (S > 0.9)).mean(axis=1)


def _set_scores(kind: str, lr: float, seed: int) -> dict:
    """``{dist: {measure: score, "classes": (10,) counts, ...}}`` of one trained model (cached)."""
    key = (kind, float(lr), int(seed))
    if key not in _SETS:
        model, val = train_model(kind, lr, seed)
        if not np.isfinite(val):
            _SETS[key] = {d: {m: float("nan") for m in MEASURES} | {"classes": np.zeros(10, int)} for d in SETS[kind]}
            return _SETS[key]
        out = {}
        for dist, S in image_sets(model, seed).items():
            out[dist] = scores(S) | {"classes": class_counts(S)}
        # box codes near a fit digit's code against box codes in the holes, for the hole-vs-near split
        Z = code_sets(model, N_SAMPLES, seed)["box"]                     # (n, 2) the box codes decoded above
        C = model.encode(data()[1].X).astype(np.float64)                # (3500, 2)
        d = nearest_distances(Z, C)                                      # (n,) to the nearest fit code
        S = model.decode(Z.astype(np.float32))
        conf = classifier().predict_proba(S).max(axis=1)                 # (n,)
        sat = saturated(S)
        near, far = d < 0.1, d > 0.5
        out["box"] |= {"share_far": float(far.mean()),
                       "conf_near": float(conf[near].mean()) if near.any() else float("nan"),
                       "conf_far": float(conf[far].mean()) if far.any() else float("nan"),
                       "sat_near": float(sat[near].mean()) if near.any() else float("nan"),
                       "sat_far": float(sat[far].mean()) if far.any() else float("nan")}
        _SETS[key] = out
    return _SETS[key]


def short_name(kind: str, dist: str) -> str:
    """``"VAE prior"``, ``"plain AE box"``, ...: an arm's name in a verdict sentence."""
    return f"{'VAE' if kind == 'vae' else 'plain AE'} {dist}"


def _samples_experiment(mode: str, progress: bool):
    """Tune each model's rate on validation, score every (decoder, codes) set over the seeds, compare."""
    s = SETTINGS[mode]

    def tuner(kind):
        def train(lr, seed):
            val = train_model(kind, lr, seed)[1]
            return val, val
        return train
    tuned = run_arms({kind: tuner(kind) for kind in KINDS}, s["lr"], seeds=s["seeds"],
                     tuning_seeds=s["tuning_seeds"], higher_is_better=False, progress=progress)
    arms = {}
    for kind, dists in SETS.items():
        t = tuned[kind]
        for dist in dists:
            for m in MEASURES:
                name = f"{arm_name(kind, dist)} [{m}]"
                per_seed = tuple(_set_scores(kind, t.lr, seed)[dist][m] for seed in t.seeds)
                arms[name] = ArmResult(name, t.lr, t.lr_grid, t.val_by_lr, t.seeds, per_seed,
                                       HIGHER_IS_BETTER[m], t.tuning_seeds)
    verdicts = {}
    for part, (a, b, what) in PARTS.items():
        for m in MEASURES:
            pid = f"09.samples/{part}/{m}"
            verdicts[pid] = compare(arms[f"{arm_name(*a)} [{m}]"], arms[f"{arm_name(*b)} [{m}]"], pid,
                                    f"{what} ({m})", floor=FLOOR[m], names=(short_name(*a), short_name(*b)))
    natural = [vd for pid, vd in verdicts.items() if "/natural/" in pid]
    same = [vd for pid, vd in verdicts.items() if "/same/" in pid]
    out = list(verdicts.values())
    out.append(summary(same, "09.samples/same", "The VAE decoder's images more digit-like than the plain AE "
                                                "decoder's at the same kind of codes, on all three measures"))
    out.append(summary(natural, "09.samples", "VAE prior samples more digit-like than random codes through a "
                                              "plain AE's decoder (box or fitted Gaussian), on all three measures"))
    return arms, out


def set_scores(report: ClaimReport, kind: str, seed: int) -> dict:
    """The per-set scores (``{dist: {measure: ..., "classes": ...}}``) that ``report``'s run measured for one model."""
    lr = report.arms[f"{arm_name(kind, 'box')} [confidence]"].lr
    if (kind, float(lr), int(seed)) not in _SETS:
        raise KeyError(f"no scores for the {kind} of seed {seed} in this session: run the claim first.")
    return _SETS[kind, float(lr), int(seed)]


def trained_model(report: ClaimReport, kind: str, seed: int = 0, n_latent: int = 2, epochs: int = EPOCHS):
    """The ``"ae"`` or ``"vae"`` that ``report``'s run trained with ``seed`` at its chosen rate."""
    name = f"{arm_name(kind, 'box')} [confidence]"
    lr = report.arms[name].lr if name in report.arms else \
        report.arms[f"{VAE_ARM if kind == 'vae' else BOX_ARM} [confidence]"].lr
    key = (kind, int(n_latent), float(lr), int(seed), int(epochs))
    if key not in _RUNS:
        raise KeyError(f"no trained {kind} for seed {seed} in this session: run the claim first.")
    return _RUNS[key][0]


def baselines(measures=MEASURES) -> dict:
    """The measures for the real test digits (``frechet``: 1,000 real fit digits against the test digits)
    and for the average fit digit."""
    _, fit_set, _, test = data()
    avg = fit_set.X.mean(axis=0, keepdims=True)                        # (1, 784)
    out = {}
    for m in measures:
        if m == "frechet":
            out["1,000 real fit digits [frechet]"] = frechet(balanced_subset(fit_set, 1000, seed=0).X)
        else:
            out[f"real test digits [{m}]"] = scores(test.X, (m,))[m]
    for m in measures:
        # the average digit, repeated: a set with no variety at all (frechet needs at least two rows)
        out[f"the average fit digit [{m}]"] = scores(np.repeat(avg, 2, axis=0) if m == "frechet" else avg, (m,))[m]
    return out


def _mean_over_seeds(report, kind, dist, key):
    seeds = report.arms[f"{arm_name(kind, dist)} [confidence]"].seeds
    return float(np.nanmean([set_scores(report, kind, s)[dist][key] for s in seeds]))


def samples_notes(report: ClaimReport) -> list:
    """Sentences on the baselines, the reconstructions, the holes of the box, the class mix and the measures."""
    b, A = report.baselines, report.arms
    out = []
    real_c, avg_c = b["real test digits [confidence]"], b["the average fit digit [confidence]"]
    real_n, avg_n = b["real test digits [nearest]"], b["the average fit digit [nearest]"]
    real_f, avg_f = b["1,000 real fit digits [frechet]"], b["the average fit digit [frechet]"]
    out.append(f"Real test digits score confidence {real_c:.3g} and nearest distance {real_n:.3g}; 1,000 real fit "
               f"digits lie {real_f:.3g} from the test digits in Fréchet distance ({FD_DIM}-d PCA), the measure's "
               f"noise floor; the average fit digit, only blur, scores {avg_c:.3g}, {avg_n:.3g} and {avg_f:.3g}.")
    rec = {k: {m: A[f"{arm_name(k, 'recon')} [{m}]"].mean for m in MEASURES} for k in KINDS}
    box_c = A[f"{arm_name('ae', 'box')} [confidence]"].mean
    box_n = A[f"{arm_name('ae', 'box')} [nearest]"].mean
    out.append(f"The decoders' reconstructions of the test digits score confidence {rec['ae']['confidence']:.3g} "
               f"(plain AE) and {rec['vae']['confidence']:.3g} (VAE), Fréchet distance {rec['ae']['frechet']:.3g} and "
               f"{rec['vae']['frechet']:.3g}; the plain AE's box samples score confidence {box_c:.3g}, "
               + ("higher than its own reconstructions of real digits" if box_c > rec["ae"]["confidence"] else
                  "no higher than its own reconstructions of real digits")
               + f", and lie {box_n:.3g} from the nearest training digit, "
               + ("closer than real held-out digits are." if box_n < real_n else "further than real held-out digits are."))
    split = {k: {key: _mean_over_seeds(report, k, "box", key)
                 for key in ("share_far", "conf_near", "conf_far", "sat_near", "sat_far")} for k in KINDS}
    rewards = all(split[k]["conf_far"] > split[k]["conf_near"] and split[k]["sat_far"] > split[k]["sat_near"]
                  for k in KINDS)
    out.append("Box codes in the holes (more than 0.5 code units from every fit digit's code: "
               + ", ".join(f"{split[k]['share_far']:.0%} for the {short_name(k, '').strip()}" for k in KINDS)
               + ") against box codes within 0.1 of one, mean over seeds: confidence "
               + ", ".join(f"{split[k]['conf_far']:.3g} vs {split[k]['conf_near']:.3g}" for k in KINDS)
               + ", share of saturated pixels (below 0.1 or above 0.9) "
               + ", ".join(f"{split[k]['sat_far']:.2f} vs {split[k]['sat_near']:.2f}" for k in KINDS)
               + " (plain AE, VAE): "
               + ("the images the decoders extrapolate are the more saturated and get the higher confidence, so "
                  "confidence rewards extrapolated, saturated images." if rewards else
                  "confidence does not reward the extrapolated images in both models."))
    piles = []
    for kind, dists in SETS.items():
        for dist in dists:
            if dist == "recon":
                continue
            seeds = A[f"{arm_name(kind, dist)} [confidence]"].seeds
            counts = [set_scores(report, kind, s)[dist]["classes"] for s in seeds]
            share = np.mean([c.max() / c.sum() for c in counts])
            tops = ", ".join(str(int(np.argmax(c))) for c in counts)
            piles.append(f"{short_name(kind, dist)} {share:.2f} (class {tops})")
    out.append("Share of the samples in the classifier's most common class, mean over seeds (0.1 is an even mix of "
               "the ten digits; that class, seed by seed): " + "; ".join(piles) + ".")
    outcome = {vd.claim: vd.outcome for vd in report.verdicts}
    for part in ("natural/box", "natural/gaussian", "same/box", "same/gaussian"):
        got = {m: outcome[f"09.samples/{part}/{m}"] for m in MEASURES}
        out.append(f"{part}: " + ", ".join(f"{m} {o}" for m, o in got.items())
                   + (": the verdict depends on the measure." if len(set(got.values())) > 1 else
                      f": {next(iter(got.values()))} on all three measures."))
    return out


SAMPLES_CLAIM = ("Samples from a VAE's prior look like digits; random codes through a plain AE's decoder do not "
                 "(784-128-2-128-784, 2-d codes).")


def _budget(epochs=EPOCHS) -> Budget:
    return Budget(epochs=epochs, batch_size=BATCH, n_train=3500)


@claim("09.samples", lesson="09", curriculum=SAMPLES_CLAIM)
def samples_claim(mode: str = "quick", progress: bool = False) -> ClaimReport:
    """The lesson's 2-d models at the notebook's budget: both decoders crossed with the code distributions."""
    mode = check_mode(mode)
    arms, verdicts = _samples_experiment(mode, progress)
    report = ClaimReport("09.samples", str(_budget()), arms, baselines(), verdicts,
                         score=f"digit-likeness of {N_SAMPLES:,} decoded random codes per run (and of the 1,000 "
                               "reconstructed test digits): " + "; ".join(f"[{k}] {v}" for k, v in MEASURES.items()))
    report.notes = samples_notes(report)
    return report


# ---- 09.samples-long: the earlier check (VAE prior against the plain AE's box and Gaussian), as it was run ----
def sample_codes(model, n: int, seed: int) -> dict:
    """Codes to decode, ``{arm: (n, n_latent)}``: a VAE's prior, or the plain AE's box and fitted Gaussian."""
    rng = np.random.default_rng(1000 + seed)
    if isinstance(model, VAE):
        return {VAE_ARM: rng.standard_normal((n, model.n_latent))}
    C = model.encode(data()[1].X).astype(np.float64)                    # (3500, n_latent) the fit digits' codes
    return {BOX_ARM: rng.uniform(C.min(axis=0), C.max(axis=0), (n, C.shape[1])),
            GAUSS_ARM: rng.multivariate_normal(C.mean(axis=0), np.cov(C.T), n)}


def samples(model, seed: int, n: int = N_SAMPLES) -> dict:
    """``{arm: images (n, 784)}``: the decoded random codes of :func:`sample_codes`."""
    return {arm: model.decode(Z.astype(np.float32)) for arm, Z in sample_codes(model, n, seed).items()}


def _scores(kind, lr, seed, n_latent, epochs):
    key = (kind, int(n_latent), float(lr), int(seed), int(epochs))
    if key not in _SCORES:
        model, val = train_model(kind, lr, seed, n_latent, epochs)
        _SCORES[key] = {arm: scores(S, LONG_MEASURES) | {"share": predicted_share(S)}
                        for arm, S in samples(model, seed).items()} if np.isfinite(val) else {}
    return _SCORES[key]


def _arm(arm, measure, n_latent, epochs):
    kind = "vae" if arm == VAE_ARM else "ae"

    def train(lr, seed):
        val = train_model(kind, lr, seed, n_latent, epochs)[1]
        s = _scores(kind, lr, seed, n_latent, epochs)
        return val, (s[arm][measure] if s else float("nan"))
    return train


def _experiment(mode: str, cid: str, parts: dict, progress: bool):
    """Run every (code size, epochs) setting of ``parts``; one verdict per setting, arm pair and measure."""
    s = SETTINGS[mode]
    arms, verdicts = {}, []
    for part, (n_latent, epochs) in parts.items():
        prefix = f"{part}: " if len(parts) > 1 else ""
        fns = {f"{prefix}{arm} [{m}]": _arm(arm, m, n_latent, epochs) for m in LONG_MEASURES for arm in ARMS}
        for m in LONG_MEASURES:
            res = run_arms({k: f for k, f in fns.items() if k.endswith(f"[{m}]")}, s["lr"], seeds=s["seeds"],
                           tuning_seeds=s["tuning_seeds"], higher_is_better=(m == "confidence"),
                           val_higher_is_better=False, progress=progress)
            arms.update(res)
            vae = res[f"{prefix}{VAE_ARM} [{m}]"]
            for other, tag in ((BOX_ARM, "box"), (GAUSS_ARM, "gaussian")):
                pid = f"{cid}/{part}/{tag}/{m}" if len(parts) > 1 else f"{cid}/{tag}/{m}"
                verdicts.append(compare(vae, res[f"{prefix}{other} [{m}]"], pid,
                                        f"{'VAE prior samples' if not prefix else prefix + 'VAE prior samples'} are "
                                        f"more digit-like ({m}) than the plain AE's {tag} codes decoded",
                                        floor=FLOOR[m], names=("VAE prior", f"plain AE {tag}")))
    verdicts.append(summary(verdicts, cid, "VAE prior samples more digit-like than random codes through a plain "
                                           "AE's decoder, on both measures"))
    return arms, verdicts


@claim("09.samples-long", lesson="09", curriculum=SAMPLES_CLAIM.replace(", 2-d codes", "") + " (The thorough "
       "settings at four times the budget, and with 16-d codes; run by make evidence only and quoted by the notebook.)")
def samples_long(mode: str = "thorough", progress: bool = False) -> ClaimReport:
    """The earlier 09.samples (VAE prior vs the plain AE's box and Gaussian; confidence and nearest) at 4x the
    budget (2-d) and with 16-d codes (10 and 40 epochs)."""
    check_mode(mode)
    arms, verdicts = _experiment("thorough", "09.samples-long", LONG_PARTS, progress)
    report = ClaimReport("09.samples-long", f"{_budget()} or {_budget(40)} (per part, the same for every arm)",
                         arms, baselines(LONG_MEASURES), verdicts,
                         score=f"digit-likeness of {N_SAMPLES:,} decoded random codes per run: "
                               + "; ".join(f"[{k}] {MEASURES[k]}" for k in LONG_MEASURES))
    report.notes = [n for part, (k, e) in LONG_PARTS.items() for n in notes(report, k, e, prefix=f"{part}: ")]
    return report


def notes(report: ClaimReport, n_latent: int, epochs: int, prefix: str = "") -> list:
    """09.samples-long's sentences on the class mix, each chosen from the numbers."""
    shares = {}
    for arm in ARMS:
        a = report.arms[f"{prefix}{arm} [confidence]"]
        kind = "vae" if arm == VAE_ARM else "ae"
        shares[arm] = np.mean([_scores(kind, a.lr, s, n_latent, epochs)[arm]["share"] for s in a.seeds])
    return [prefix + "Share of the samples in the classifier's most common class (0.1 would be an even mix of the "
            "ten digits), mean over seeds: " + "; ".join(f"{arm} {v:.2f}" for arm, v in shares.items()) + "."]

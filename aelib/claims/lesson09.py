r"""Lesson 09's Claim check: do a VAE's prior samples look more like digits than random codes
through a plain autoencoder's decoder?

**09.samples** (the lesson's 2-d codes). Two models with the same layers, 784-128-2-128-784 (ReLU
hidden layers, a linear 2-unit code, a sigmoid output), trained under one
:class:`~aelib.claims.protocol.Budget` with Adam on the 3,500 "fit" digits of
:func:`~aelib.claims.protocol.validation_split`:

* the **plain AE** (:class:`~aelib.model.DeepAutoencoder`, reconstruction cross-entropy), whose
  decoder gets random codes drawn **uniformly from the box** its fit digits' codes span (the region
  of lesson 05's code plot), or from a **Gaussian fitted** to those codes (their mean and covariance);
* the **VAE** (:class:`~aelib.vae.VAE`, :math:`-\mathrm{ELBO}`, :math:`\beta = 1`), whose decoder gets
  codes from its prior :math:`N(0, I)`.

Both start from ``init="recommended"`` and an output bias at the logit of the average fit digit.
Each model's learning rate is chosen on the 500 validation digits by its own training loss (AE:
cross-entropy; VAE: :math:`-\mathrm{ELBO}`, nats per digit): each arm as well trained as it can be at
this budget. Seed ``s`` sets the weights, the shuffling, the VAE's :math:`\varepsilon` and the codes
drawn (``N_SAMPLES`` per model); a sample image is the decoder's Bernoulli mean :math:`\sigma(a)`.

**How digit-like** a set of images is, two measures (Theis, van den Oord & Bethge, ICLR 2016, show
that no single number of this kind can be trusted alone, so both are reported and both must agree):

* ``confidence``: the mean largest class probability of a softmax-regression digit classifier
  (:class:`~aelib.probe.SoftmaxRegression` on the 784 pixels, trained on the 4,000 training digits),
  higher is better. It rewards extreme images (large logits) and can be fooled by non-digits;
* ``nearest``: the mean Euclidean distance (pixel units) from each image to its nearest training
  digit, lower is better. It rewards blur and thin strokes (a blurred digit sits near many).

Baselines (no training choice): the 1,000 real held-out test digits, and the average fit digit (what
each measure gives an image that is only blur).

**09.samples-long** (thorough run only, quoted by the notebook): the same experiment at four times
the budget, and with 16-d codes (where a box of codes is mostly empty), to show what the verdicts
depend on.
"""
from __future__ import annotations

import numpy as np

from .. import datasets
from ..model import DeepAutoencoder
from ..vae import VAE
from .protocol import Budget, compare, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

N_HIDDEN = 128
BATCH = 128
N_SAMPLES = 1000
FLOOR = {"confidence": 0.02,      # smallest difference of mean confidence that counts
         "nearest": 0.1}          # ... of mean nearest-digit distance (real test digits: about 4.9)
MEASURES = {"confidence": "mean classifier confidence (largest class probability), higher is better",
            "nearest": "mean distance to the nearest training digit (pixel units), lower is better"}

VAE_ARM = "VAE, codes from its prior N(0, I)"
BOX_ARM = "plain AE, codes uniform in its codes' box"
GAUSS_ARM = "plain AE, codes from a Gaussian fitted to its codes"
ARMS = (VAE_ARM, BOX_ARM, GAUSS_ARM)

# What each mode runs. Quick: the notebook (3 seeds, 2 rates tuned on seed 0). Thorough: 5 seeds, every
# rate tuned on all of them, the same budget; "long": thorough settings at 4x the epochs and with 16-d codes.
SETTINGS = {
    "quick": dict(seeds=(0, 1, 2), tuning_seeds=(0,), lr=(3e-3, 1e-2)),
    "thorough": dict(seeds=(0, 1, 2, 3, 4), tuning_seeds=None, lr=(1e-3, 3e-3, 1e-2)),
}
EPOCHS = 10
# part of 09.samples-long -> (code size, epochs)
LONG_PARTS = {"2-d, 40 epochs": (2, 40), "16-d, 10 epochs": (16, 10), "16-d, 40 epochs": (16, 40)}

_RUNS: dict = {}            # (kind, n_latent, lr, seed, epochs) -> (model, validation loss)
_SCORES: dict = {}          # (kind, n_latent, lr, seed, epochs) -> {arm: {measure: score}}
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


def scores(images) -> dict:
    """``{"confidence": ..., "nearest": ...}`` of a set of images."""
    return {"confidence": confidence(images), "nearest": nearest(images)}


def predicted_share(images) -> float:
    """The share of ``images`` that the classifier puts in its most common class (1/10: an even mix)."""
    return float(np.bincount(classifier().predict(np.asarray(images, np.float32)), minlength=10).max() / len(images))


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
        _SCORES[key] = {arm: scores(S) | {"share": predicted_share(S)} for arm, S in samples(model, seed).items()} \
            if np.isfinite(val) else {}
    return _SCORES[key]


def _arm(arm, measure, n_latent, epochs):
    kind = "vae" if arm == VAE_ARM else "ae"

    def train(lr, seed):
        val = train_model(kind, lr, seed, n_latent, epochs)[1]
        s = _scores(kind, lr, seed, n_latent, epochs)
        return val, (s[arm][measure] if s else float("nan"))
    return train


def trained_model(report: ClaimReport, kind: str, seed: int = 0, n_latent: int = 2, epochs: int = EPOCHS):
    """The ``"ae"`` or ``"vae"`` that ``report``'s run trained with ``seed`` at its chosen rate."""
    arm = VAE_ARM if kind == "vae" else BOX_ARM
    lr = report.arms[f"{arm} [confidence]"].lr
    key = (kind, int(n_latent), float(lr), int(seed), int(epochs))
    if key not in _RUNS:
        raise KeyError(f"no trained {kind} for seed {seed} in this session: run the claim first.")
    return _RUNS[key][0]


def baselines() -> dict:
    """Both measures for the real test digits and for the average fit digit."""
    _, fit_set, _, test = data()
    avg = fit_set.X.mean(axis=0, keepdims=True)                        # (1, 784)
    out = {}
    for name, images in (("real test digits", test.X), ("the average fit digit", avg)):
        for measure, value in scores(images).items():
            out[f"{name} [{measure}]"] = value
    return out


def _experiment(mode: str, cid: str, parts: dict, progress: bool):
    """Run every (code size, epochs) setting of ``parts``; one verdict per setting, arm pair and measure."""
    s = SETTINGS[mode]
    arms, verdicts = {}, []
    for part, (n_latent, epochs) in parts.items():
        prefix = f"{part}: " if len(parts) > 1 else ""
        fns = {f"{prefix}{arm} [{m}]": _arm(arm, m, n_latent, epochs) for m in MEASURES for arm in ARMS}
        for m in MEASURES:
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


SAMPLES_CLAIM = ("Samples from a VAE's prior look like digits; random codes through a plain AE's decoder do not "
                 "(784-128-2-128-784, 2-d codes).")


def _budget(epochs=EPOCHS) -> Budget:
    return Budget(epochs=epochs, batch_size=BATCH, n_train=3500)


@claim("09.samples", lesson="09", curriculum=SAMPLES_CLAIM)
def samples_claim(mode: str = "quick", progress: bool = False) -> ClaimReport:
    """The lesson's 2-d models at the notebook's budget: VAE prior vs the plain AE's box and Gaussian codes."""
    mode = check_mode(mode)
    arms, verdicts = _experiment(mode, "09.samples", {"2-d": (2, EPOCHS)}, progress)
    report = ClaimReport("09.samples", str(_budget()), arms, baselines(), verdicts,
                         score=f"digit-likeness of {N_SAMPLES:,} decoded random codes per run: "
                               + "; ".join(f"[{k}] {v}" for k, v in MEASURES.items()))
    report.notes = notes(report, 2, EPOCHS)
    return report


@claim("09.samples-long", lesson="09", curriculum=SAMPLES_CLAIM.replace(", 2-d codes", "") + " (The thorough "
       "settings at four times the budget, and with 16-d codes; run by make evidence only and quoted by the notebook.)")
def samples_long(mode: str = "thorough", progress: bool = False) -> ClaimReport:
    """09.samples at 4x the budget (2-d) and with 16-d codes (10 and 40 epochs)."""
    check_mode(mode)
    arms, verdicts = _experiment("thorough", "09.samples-long", LONG_PARTS, progress)
    report = ClaimReport("09.samples-long", f"{_budget()} or {_budget(40)} (per part, the same for every arm)",
                         arms, baselines(), verdicts,
                         score=f"digit-likeness of {N_SAMPLES:,} decoded random codes per run: "
                               + "; ".join(f"[{k}] {v}" for k, v in MEASURES.items()))
    report.notes = [n for part, (k, e) in LONG_PARTS.items() for n in notes(report, k, e, prefix=f"{part}: ")]
    return report


def notes(report: ClaimReport, n_latent: int, epochs: int, prefix: str = "") -> list:
    """Sentences on the baselines and the class mix, each chosen from the numbers."""
    b = report.baselines
    out = []
    if not prefix:
        real_c, avg_c = b["real test digits [confidence]"], b["the average fit digit [confidence]"]
        real_n, avg_n = b["real test digits [nearest]"], b["the average fit digit [nearest]"]
        out.append(f"Real test digits score confidence {real_c:.3g} and nearest distance {real_n:.3g}; the average "
                   f"fit digit, only blur, scores {avg_c:.3g} and {avg_n:.3g}: "
                   + ("the distance ranks blur close to real digits (within 15%), so a small distance alone does "
                      "not mean a sharp digit." if avg_n < 1.15 * real_n else
                      "blur is clearly further from the training digits than real digits are."))
    shares = {}
    for arm in ARMS:
        a = report.arms[f"{prefix}{arm} [confidence]"]
        kind = "vae" if arm == VAE_ARM else "ae"
        shares[arm] = np.mean([_scores(kind, a.lr, s, n_latent, epochs)[arm]["share"] for s in a.seeds])
    out.append(prefix + "Share of the samples in the classifier's most common class (0.1 would be an even mix of the "
               "ten digits), mean over seeds: " + "; ".join(f"{arm} {v:.2f}" for arm, v in shares.items()) + ".")
    return out

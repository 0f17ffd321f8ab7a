r"""Lesson 06's Claim check: do the filters become more stroke-like with masking noise?

CURRICULUM (lesson 06): "show the learned filters becoming more stroke-like with corruption". The
classic pictures come from masking noise (Vincent, Larochelle, Bengio and Manzagol, ICML 2008).
The journal paper (Vincent, Larochelle, Lajoie, Bengio and Manzagol, JMLR 2010) sums them up in its
abstract: "contrary to ordinary autoencoders, denoising autoencoders are able to learn Gabor-like
edge detectors from natural image patches and larger stroke detectors from digit images". So the
direction tested here is *smoother* and *larger*, not "more local". Both are measured on the
filters ``W: (n_hidden, 784)``, each row read as a 28x28 image:

* **smoother**: the median :func:`~aelib.metrics.filter_smoothness` (neighbour correlation; 0 for
  speckle, near 1 for smooth blobs), higher = smoother;
* **larger**: the median :func:`area_spread`, the radius of gyration (in pixels) of the filter's
  energy counted only on the **digit area** (the pixels where the average fitting digit is at
  least 0.01), higher = larger. Energy on the background, where no digit ever has ink, cannot
  make a stroke; in the 100-unit models it is a third to a half of a filter's energy (less in the
  500-unit ones; the notes print it), so the whole-image spread (:func:`~aelib.metrics.filter_spread`)
  would largely measure it.

Two arms per setting, identical but for the training noise: masking 0 (a plain autoencoder) and
masking 0.5 (half of the pixels set to 0, the level of the classic filter figures). Settings:

* **100 units** (the lesson's sweep model): Adam, batches of 64;
* **500 units** (the size of the Theano tutorial's dA, which uses plain SGD too, in batches of 20;
  batches of 10 here, to get more steps out of a small budget).

Each at the notebook's budget (quick and thorough mode: the thorough run repeats it with more
seeds and the full grid, so the quick verdicts have a faithful twin) and at a 4x longer budget
(thorough mode only, quoted by the notebook from ``evidence/results/06.filters.json``). The
budget decides some parts: that is the finding, reported per budget.

All: sigmoid encoder and decoder, tied weights, cross-entropy, the library's default
initialisation (``init="auto"``: Glorot-uniform for sigmoid layers), hidden biases 0 and the
output bias started at the average fitting digit (``init_output_bias``: logit of the mean pixel;
with a zero start every output pixel begins at 0.5 and the first steps are spent learning the
average digit). Each arm's learning rate is chosen from a grid by its reconstruction
cross-entropy on the **clean** validation digits (:func:`~aelib.claims.validation_split`); the
scores are filter numbers, so no test digit is used (the test cross-entropy is reported in the
notes). Seed ``s`` sets the initial weights, the shuffling and the noise, the same ``s`` for both arms.
"""
from __future__ import annotations

import numpy as np

from .. import metrics
from ..datasets import load_digits
from ..model import Autoencoder
from ..noise import masking
from .protocol import ArmResult, Budget, balanced_subset, compare, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

LEVEL = 0.5                       # the masking level compared with 0
AREA_THRESHOLD = 0.01             # digit area: pixels where the average fitting digit is at least this
FLOOR = {"smoother": 0.01,        # smallest difference of median smoothness that counts
         "larger": 0.2}           # ... of median digit-area spread, in pixels

# setting -> architecture, optimiser and budget. "modes": where it runs (quick settings run in both
# modes, with fewer rates and seeds in quick mode; the longer budgets only in the thorough run).
REGIMES = {
    "100 units, 5 epochs": dict(n_hidden=100, optimizer="adam", batch_size=64, epochs=5, n_train=2000,
                                grid={"quick": (0.01, 0.03), "thorough": (0.01, 0.03, 0.1)},
                                modes=("quick", "thorough")),
    "500 units, 6 epochs": dict(n_hidden=500, optimizer="sgd", batch_size=10, epochs=6, n_train=1000,
                                grid={"quick": (0.1, 0.3), "thorough": (0.1, 0.3, 1.0)},
                                modes=("quick", "thorough")),
    "100 units, 20 epochs": dict(n_hidden=100, optimizer="adam", batch_size=64, epochs=20, n_train=3500,
                                 grid={"thorough": (0.01, 0.03, 0.1)}, modes=("thorough",)),
    "500 units, 24 epochs": dict(n_hidden=500, optimizer="sgd", batch_size=10, epochs=24, n_train=1000,
                                 grid={"thorough": (0.1, 0.3, 1.0)}, modes=("thorough",)),
}
SEEDS = {"quick": (0, 1, 2), "thorough": (0, 1, 2, 3, 4)}


def settings(mode: str) -> list:
    """The settings (keys of :data:`REGIMES`) that run in ``mode``."""
    return [r for r, cfg in REGIMES.items() if mode in cfg["modes"]]


def digit_area(X, threshold: float = AREA_THRESHOLD) -> np.ndarray:
    """``X: (n, 784) -> (784,) bool``: the pixels where the average digit is at least ``threshold``."""
    return np.asarray(X, np.float64).mean(axis=0) >= threshold


def area_spread(W, area, side: int = 28) -> np.ndarray:
    r"""Spread of each filter over the digit area: the radius of gyration of its energy ``w²``,
    counting only the pixels in ``area``.

    ``W: (n_hidden, side²)``, ``area: (side²,) bool -> (n_hidden,)`` in pixels. With
    :math:`p_k = w_k^2 / \sum_{j \in A} w_j^2` on the area :math:`A` and :math:`(r_k, c_k)` the
    pixel's row and column, it is :math:`\sqrt{\sum_k p_k \lVert (r_k, c_k) - \bar\mu \rVert^2}`,
    :math:`\bar\mu = \sum_k p_k (r_k, c_k)`. A filter with no energy on the area gets 0.
    """
    W = np.asarray(W, np.float64)
    area = np.asarray(area, bool).ravel()
    r, c = np.divmod(np.arange(side * side), side)
    r, c = r[area].astype(np.float64), c[area].astype(np.float64)      # (n_area,)
    E = W[:, area] ** 2                                                 # (n_hidden, n_area) energy
    total = E.sum(axis=1)
    total[total == 0] = 1.0
    P = E / total[:, None]                                              # rows sum to 1 (or 0)
    mr, mc = P @ r, P @ c                                               # (n_hidden,) centroid
    var = P @ (r ** 2) - mr ** 2 + P @ (c ** 2) - mc ** 2
    return np.sqrt(np.maximum(var, 0.0))


def background_energy(W, area) -> float:
    """Median over filters of the fraction of the energy ``w²`` that lies off the digit area."""
    E = np.asarray(W, np.float64) ** 2
    total = E.sum(axis=1)
    return float(np.median(E[:, ~np.asarray(area, bool)].sum(axis=1) / np.where(total > 0, total, 1.0)))


def filter_numbers(W, area) -> tuple[float, float]:
    """``W: (n_hidden, 784) -> (median smoothness, median digit-area spread in pixels)``."""
    return metrics.median_smoothness(W), float(np.median(area_spread(W, area)))


def _data(n_train: int):
    """The fitting digits, validation, test: ``n_train`` of the 3,500-digit fitting split, every class
    equally represented (:func:`~aelib.claims.balanced_subset`: the files are sorted by class, so
    a prefix would hold only the first digits); the 500 validation and 1,000 test digits whole."""
    fit, val = validation_split(load_digits("train"), n_val=500, seed=0)
    fit = balanced_subset(fit, n_train, seed=0)                  # n_train // 10 of each digit
    return fit.X, val.X, load_digits("test").X                   # (n_train, 784), (500, 784), (1000, 784)


def fit_area():
    """The digit area of the 3,500 fitting digits: ``(784,) bool``."""
    return digit_area(_data(3500)[0])


def _run_regime(regime: str, mode: str, progress: bool = False):
    """Both arms of one setting: ``({arm: ArmResult of smoothness}, {arm: ArmResult of spread},
    budget, {arm: test cross-entropy at the chosen rate}, {arm: background energy},
    untrained filter numbers)``."""
    cfg = REGIMES[regime]
    X, X_val, X_test = _data(cfg["n_train"])
    area = fit_area()
    budget = Budget(cfg["epochs"], cfg["batch_size"], len(X))
    extra = {}                                                   # (arm, lr, seed) -> (spread, test loss, bg)

    def arm(level):
        name = f"{regime}, masking {level:g}"

        def train(lr, seed):
            ae = Autoencoder(784, cfg["n_hidden"], encoder="sigmoid", decoder="sigmoid", tied=True, seed=seed)
            ae.init_output_bias(X)                               # logit of the mean pixel, stated
            ae.fit(X, lr=lr, optimizer=cfg["optimizer"], seed=seed, on_divergence="stop",
                   noise=masking(level, seed=seed + 1) if level else None, **budget.fit_kwargs())
            val = ae.loss(X_val)                                 # clean validation digits: picks the rate
            if not np.isfinite(val):                             # a diverged run: never chosen
                return float("nan"), float("nan")
            W = ae.params["W"]
            smooth, spread = filter_numbers(W, area)
            extra[name, lr, seed] = (spread, ae.loss(X_test), background_energy(W, area))
            return val, smooth
        return name, train

    arms = dict(arm(level) for level in (0.0, LEVEL))
    seeds = SEEDS[mode]
    # the rate is picked by the LOWEST validation loss; the score (smoothness) is higher-is-better
    smooth = run_arms(arms, lr_grid=cfg["grid"][mode], seeds=seeds,
                      tuning_seeds=(0,) if mode == "quick" else None, higher_is_better=True,
                      val_higher_is_better=False, progress=progress)
    spread = {name: ArmResult(name, a.lr, a.lr_grid, a.val_by_lr, a.seeds,
                              tuple(extra[name, a.lr, s][0] for s in a.seeds), True, a.tuning_seeds)
              for name, a in smooth.items()}
    test_loss = {name: float(np.mean([extra[name, a.lr, s][1] for s in a.seeds])) for name, a in smooth.items()}
    background = {name: float(np.mean([extra[name, a.lr, s][2] for s in a.seeds])) for name, a in smooth.items()}
    untrained = filter_numbers(Autoencoder(784, cfg["n_hidden"], tied=True, seed=0).params["W"], area)
    return smooth, spread, budget, test_loss, background, untrained


@claim("06.filters", lesson="06",
       curriculum="show the learned filters becoming more stroke-like with corruption")
def filters(mode: str = "quick", progress: bool = False) -> ClaimReport:
    """Masking 0.5 vs 0: smoother filters? larger filters (over the digit area)? per setting."""
    mode = check_mode(mode)
    report = ClaimReport("06.filters", budget="", score="")
    budgets, notes, parts = [], [], {}                           # parts: setting -> [smoother, larger]
    for regime in settings(mode):
        smooth, spread, budget, test_loss, background, untrained = _run_regime(regime, mode, progress)
        plain, noisy = (f"{regime}, masking {level:g}" for level in (0.0, LEVEL))
        budgets.append(f"{regime}: {budget}, {REGIMES[regime]['optimizer']}")
        for name in (plain, noisy):
            report.arms[f"{name}: smoothness"] = smooth[name]
            report.arms[f"{name}: area spread (px)"] = spread[name]
        report.baselines[f"{regime}, untrained: smoothness"] = untrained[0]
        report.baselines[f"{regime}, untrained: area spread (px)"] = untrained[1]
        names = (f"masking {LEVEL:g}", "masking 0")
        parts[regime] = [
            compare(smooth[noisy], smooth[plain], f"06.filters/smoother, {regime}",
                    f"with {regime}, masking noise {LEVEL:g} makes the filters smoother "
                    f"(median neighbour correlation)", floor=FLOOR["smoother"], names=names),
            compare(spread[noisy], spread[plain], f"06.filters/larger, {regime}",
                    f"with {regime}, masking noise {LEVEL:g} makes the filters larger "
                    f"(median energy radius over the digit area, px)", floor=FLOOR["larger"], names=names)]
        gap = test_loss[noisy] - test_loss[plain]
        notes.append(f"{regime}: clean test cross-entropy per digit {test_loss[plain]:.3g} (masking 0) and "
                     f"{test_loss[noisy]:.3g} (masking {LEVEL:g}); the noisy model is "
                     + (f"{gap:.3g} worse" if gap > 0 else f"{-gap:.3g} better") + " on clean digits; "
                     f"median share of filter energy off the digit area {background[plain]:.3g} and "
                     f"{background[noisy]:.3g}.")
    quick_parts = [vd for r in settings("quick") for vd in parts[r]]
    verdicts = [vd for r in parts for vd in parts[r]]
    verdicts.append(summary(quick_parts, "06.filters",
                            "at the notebook's budgets, masking noise makes the filters more stroke-like "
                            "(smoother and larger)"))
    longer = [vd for r in parts if r not in settings("quick") for vd in parts[r]]
    if longer:
        verdicts.append(summary(longer, "06.filters/longer budgets",
                                "at 4x the notebook's epochs, masking noise makes the filters more stroke-like "
                                "(smoother and larger)"))
    report.verdicts = verdicts
    report.budget = "; ".join(budgets)
    report.score = ("median filter smoothness (higher = smoother) and median filter spread over the digit area "
                    "in pixels (higher = larger), at the rate chosen by clean validation cross-entropy")
    report.notes = notes
    return report

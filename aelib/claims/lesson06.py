r"""Lesson 06's Claim check: do the filters become more stroke-like with masking noise?

CURRICULUM (lesson 06): "show the learned filters becoming more stroke-like with corruption". The
classic pictures (Vincent et al., ICML 2008; Vincent et al., JMLR 2010: "denoising autoencoders
are able to learn ... larger stroke detectors from digit images") come from masking noise.
"Stroke-like" is two things, measured separately on the filters ``W: (n_hidden, 784)``, each row
read as a 28x28 image (:mod:`aelib.metrics`):

* **smoother**: the median :func:`~aelib.metrics.filter_smoothness` (neighbour correlation; 0 for
  speckle, near 1 for smooth blobs), higher = smoother;
* **more local**: the median :func:`~aelib.metrics.filter_spread` (radius of gyration of the
  filter's energy, in pixels; about 11.4 for energy spread evenly over the image), lower = more local.

Two arms per regime, identical but for the training noise: masking 0 (a plain autoencoder) and
masking 0.5 (half of the pixels set to 0, the level of the classic filter figures). Two regimes:

* **100 units** (the lesson's sweep model): Adam, batches of 64;
* **500 units** (the size of the Theano tutorial's dA, which uses plain SGD too, in batches of 20;
  batches of 10 here, to get more steps out of a small budget).

Both: sigmoid encoder and decoder, tied weights, cross-entropy, the library's default
initialisation (``init="auto"``: Glorot-uniform for sigmoid layers) and zero biases. Each arm's
learning rate is chosen from a grid by its reconstruction cross-entropy on the **clean**
validation digits (:func:`~aelib.claims.validation_split`); the scores are filter numbers, so no
test digit is used (the test cross-entropy is reported in the notes). Seed ``s`` sets the
initial weights, the shuffling and the noise, the same ``s`` for both arms.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import metrics
from ..datasets import load_digits
from ..model import Autoencoder
from ..noise import masking
from .protocol import ArmResult, Budget, compare, margin_of, paired_differences, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

LEVEL = 0.5                       # the masking level compared with 0
FLOOR = {"smoother": 0.01,        # smallest difference of median smoothness that counts
         "more local": 0.2}       # ... of median spread, in pixels (2% of a digit-wide ~10 px)

# regime -> architecture, optimiser and budget; quick mode uses the same budget, fewer rates/seeds
REGIMES = {
    "100 units": dict(n_hidden=100, optimizer="adam", batch_size=64, epochs=5, n_train=2000,
                      grid={"quick": (0.01, 0.03), "thorough": (0.01, 0.03, 0.1)}),
    "500 units": dict(n_hidden=500, optimizer="sgd", batch_size=10, epochs=6, n_train=1000,
                      grid={"quick": (0.1, 0.3), "thorough": (0.1, 0.3, 1.0)}),
}
SEEDS = {"quick": (0, 1, 2), "thorough": (0, 1, 2, 3, 4)}


def filter_numbers(W) -> tuple[float, float]:
    """``W: (n_hidden, 784) -> (median smoothness, median spread in pixels)`` of its filters."""
    return metrics.median_smoothness(W), float(np.median(metrics.filter_spread(W)))


def _data(n_train: int):
    """The fitting digits (the first ``n_train`` of the 3,500-digit fitting split), validation, test."""
    fit, val = validation_split(load_digits("train"), n_val=500, seed=0)
    return fit.X[:n_train], val.X, load_digits("test").X        # (n_train, 784), (500, 784), (1000, 784)


def _run_regime(regime: str, mode: str, progress: bool = False):
    """Both arms of one regime: ``({arm: ArmResult of smoothness}, {arm: ArmResult of spread},
    budget, {arm: test cross-entropy at the chosen rate}, untrained filter numbers)``."""
    cfg = REGIMES[regime]
    X, X_val, X_test = _data(cfg["n_train"])
    budget = Budget(cfg["epochs"], cfg["batch_size"], len(X))
    extra = {}                                                   # (arm, lr, seed) -> (spread, test loss)

    def arm(level):
        name = f"{regime}, masking {level:g}"

        def train(lr, seed):
            ae = Autoencoder(784, cfg["n_hidden"], encoder="sigmoid", decoder="sigmoid", tied=True, seed=seed)
            ae.fit(X, lr=lr, optimizer=cfg["optimizer"], seed=seed,
                   noise=masking(level, seed=seed + 1) if level else None, **budget.fit_kwargs())
            val = ae.loss(X_val)                                 # clean validation digits: picks the rate
            if not np.isfinite(val):
                return float("nan"), float("nan")
            smooth, spread = filter_numbers(ae.params["W"])
            extra[name, lr, seed] = (spread, ae.loss(X_test))
            return val, smooth
        return name, train

    arms = dict(arm(level) for level in (0.0, LEVEL))
    seeds = SEEDS[mode]
    # the rate is picked by the LOWEST validation loss; the score (smoothness) is higher-is-better,
    # which run_arms's one direction flag cannot say, so the flag is set on the results afterwards
    smooth = run_arms(arms, lr_grid=cfg["grid"][mode], seeds=seeds,
                      tuning_seeds=(0,) if mode == "quick" else None, higher_is_better=False, progress=progress)
    smooth = {name: replace(a, higher_is_better=True) for name, a in smooth.items()}
    spread = {name: ArmResult(name, a.lr, a.lr_grid, a.val_by_lr, a.seeds,
                              tuple(extra[name, a.lr, s][0] for s in a.seeds), False, a.tuning_seeds)
              for name, a in smooth.items()}
    test_loss = {name: float(np.mean([extra[name, a.lr, s][1] for s in a.seeds])) for name, a in smooth.items()}
    untrained = filter_numbers(Autoencoder(784, cfg["n_hidden"], tied=True, seed=0).params["W"])
    return smooth, spread, budget, test_loss, untrained


@claim("06.filters", lesson="06",
       curriculum="show the learned filters becoming more stroke-like with corruption")
def filters(mode: str = "quick", progress: bool = False) -> ClaimReport:
    """Masking 0.5 vs 0: smoother filters? more local filters? at 100 and at 500 hidden units."""
    mode = check_mode(mode)
    report = ClaimReport("06.filters", budget="", score="")
    budgets, verdicts, notes = [], [], []
    for regime in REGIMES:
        smooth, spread, budget, test_loss, untrained = _run_regime(regime, mode, progress)
        plain, noisy = (f"{regime}, masking {level:g}" for level in (0.0, LEVEL))
        budgets.append(f"{regime}: {budget}, {REGIMES[regime]['optimizer']}")
        for name in (plain, noisy):
            report.arms[f"{name}: smoothness"] = smooth[name]
            report.arms[f"{name}: spread (px)"] = spread[name]
        report.baselines[f"{regime}, untrained: smoothness"] = untrained[0]
        report.baselines[f"{regime}, untrained: spread (px)"] = untrained[1]
        verdicts.append(compare(smooth[noisy], smooth[plain], f"06.filters/smoother, {regime}",
                                f"with {regime}, masking noise {LEVEL:g} makes the filters smoother "
                                f"(median neighbour correlation)", floor=FLOOR["smoother"],
                                names=(f"masking {LEVEL:g}", "masking 0")))
        verdicts.append(compare(spread[noisy], spread[plain], f"06.filters/more local, {regime}",
                                f"with {regime}, masking noise {LEVEL:g} makes the filters more local "
                                f"(median energy radius, px)", floor=FLOOR["more local"],
                                names=(f"masking {LEVEL:g}", "masking 0")))
        for vd, arms in zip(verdicts[-2:], (smooth, spread)):
            d = paired_differences(arms[noisy], arms[plain])[2]
            if vd.outcome == "inconclusive" and abs(d.mean()) > margin_of(d):
                notes.append(f"{vd.claim}: the difference ({d.mean():+.3g}) is larger than its seed-to-seed "
                             f"margin ({margin_of(d):.3g}) but smaller than {vd.details['floor']:g}, the least "
                             f"change counted as mattering: measurable, but negligible.")
        gap = test_loss[noisy] - test_loss[plain]
        notes.append(f"{regime}: clean test cross-entropy per digit {test_loss[plain]:.3g} (masking 0) and "
                     f"{test_loss[noisy]:.3g} (masking {LEVEL:g}); the noisy model is "
                     + (f"{gap:.3g} worse" if gap > 0 else f"{-gap:.3g} better") + " on clean digits.")
    report.verdicts = verdicts + [summary(verdicts, "06.filters",
                                          "masking noise makes the filters more stroke-like (smoother and more local)")]
    report.budget = "; ".join(budgets)
    report.score = ("median filter smoothness (higher = smoother) and median filter spread in pixels "
                    "(lower = more local), at the rate chosen by clean validation cross-entropy")
    report.notes = notes
    return report

r"""Lesson 04's Claim checks: does tying ``W' = Wᵀ`` regularise, and does the decoder's activation matter?

Both follow :mod:`aelib.claims.protocol`: every arm trains under the same :class:`Budget` with Adam,
its learning rate chosen from a grid by its loss on the validation split (500 of the 4,000 training
digits, :func:`validation_split`), then several seeds; the verdicts come from the per-seed
differences. Seed ``s`` sets both the initial weights and the order of the minibatches.

Starts stated once (they are not the library defaults): the output bias starts at the average
digit, ``b' = g^{-1}(\bar x)`` (:meth:`~aelib.model.Model.init_output_bias`; for a sigmoid the
logit of the mean pixel), for every arm; the weights use the default ``init="auto"``
(Glorot-uniform for sigmoid and tanh layers). :func:`tied_vs_untied` also trains the m = 16 pair
with the default zero start ``b' = 0``, to show what that start does (the average-digit plateau).

    >>> from aelib.claims import lesson04
    >>> print(lesson04.tied_vs_untied("quick"))
"""
from __future__ import annotations

import numpy as np

from .. import datasets
from ..model import Autoencoder
from ..pca import pca
from .protocol import Budget, balanced_subset, compare, equivalent, run_arms, validation_split
from .registry import ClaimReport, check_mode, claim

# mode -> (seeds, tuning seeds, learning-rate grid of Adam)
SETTINGS = {
    # the tied claim's quick runs take 5 seeds (its 2-epoch runs are cheap, and with 3 the m = 16 spread looked
    # smaller than the thorough run's 5 seeds show); the rate is still tuned on seed 0 only
    "quick": dict(seeds=(0, 1, 2), tied_seeds=(0, 1, 2, 3, 4), tuning_seeds=(0,), lr_grid=(1e-2, 3e-2)),
    "thorough": dict(seeds=(0, 1, 2, 3, 4), tuning_seeds=None, lr_grid=(3e-3, 1e-2, 3e-2, 1e-1, 3e-1)),
}
SIZES = (16, 32, 64)            # hidden units of the tied-vs-untied comparison
EQUAL_PARAMS = (64, 32)         # tied m = 64 (51,024 params) vs untied m = 32 (50,992 params)
SMALL_N, SMALL_M = 300, 64      # the small-data arm: 300 training digits, 64 hidden units
# Budgets. The notebook's budget is the same in both modes, so the quick verdict has a faithful
# thorough twin (more seeds, the full grid); the thorough run adds longer budgets, as parts of their
# own ("04.tied/equal params, 20 epochs"), which the notebook quotes from evidence/results/.
EPOCHS = {"quick": 2, "thorough": 2}           # passes over the 3,500 fitting digits (both claims)
LONG_EPOCHS = {"quick": (), "thorough": (6, 20)}   # thorough-only longer budgets
SMALL_EPOCHS = 30                               # passes over the 300 digits, both modes
DECODER_EPOCHS = EPOCHS                         # decoder claim, 784-32-784
DECODER_M = 32
TOLERANCE = 0.10    # "matters little": within 10 % of the gap between the average digit and PCA-32
TRAINS = 0.5        # "trains": closes at least half of that gap


def _data():
    """``(fit, validation, test)`` Digits: 3,500 + 500 from the training digits, 1,000 test digits."""
    fit_set, val_set = validation_split(datasets.load_digits("train"), n_val=500, seed=0)
    return fit_set, val_set, datasets.load_digits("test")


def small_subset(digits, n: int = SMALL_N, seed: int = 0):
    """``n`` digits drawn at random from ``digits``, ``n // 10`` of each class (10 divides ``n``):
    ``(n, 784)`` float32, the pixels of :func:`~aelib.claims.balanced_subset`."""
    return balanced_subset(digits, n, seed).X


def _train(X, m, tied, lr, seed, budget, decoder="sigmoid", loss="cross_entropy", bias_start=True):
    """One sigmoid-encoder autoencoder trained with Adam under ``budget``; ``None`` if it diverged."""
    model = Autoencoder(X.shape[1], m, encoder="sigmoid", decoder=decoder, tied=tied, seed=seed)
    if bias_start:
        model.init_output_bias(X)                      # b' = g^-1(mean of X): the average digit
    hist = model.fit(X, **budget.fit_kwargs(), lr=lr, optimizer="adam", loss=loss, seed=seed,
                     on_divergence="stop")
    return None if hist.diverged else model


def average_digit_loss(X_ref, X, loss="cross_entropy") -> float:
    """The loss of outputting the mean of ``X_ref`` for every row of ``X`` (per digit, summed over pixels)."""
    mean = np.clip(X_ref.astype(np.float64).mean(axis=0), 1e-7, 1 - 1e-7)   # (784,)
    X = X.astype(np.float64)
    if loss == "squared_error":
        return float(np.mean(np.sum((X - mean) ** 2, axis=1)))
    return float(np.mean(-np.sum(X * np.log(mean) + (1 - X) * np.log1p(-mean), axis=1)))


def squared_error(X, Z) -> float:
    """Squared error per digit, summed over pixels (float64)."""
    return float(np.mean(np.sum((X.astype(np.float64) - Z.astype(np.float64)) ** 2, axis=1)))


def _cached(train):
    """Memoise ``train(lr, seed)`` so that several ``run_arms`` calls can share the same runs."""
    runs = {}

    def run(lr, seed):
        if (lr, seed) not in runs:
            runs[lr, seed] = train(lr, seed)
        return runs[lr, seed]
    return run


NAN = float("nan")
_num = lambda x: f"{x:.3g}"                     # 3 significant digits, the course's rounding


def trained_model(m, tied, lr, seed=0, mode="quick", bias_start=True):
    """One run of :func:`tied_vs_untied`'s main arms (3,500 fitting digits, that mode's budget), to look inside."""
    fit_set, _, _ = _data()
    return _train(fit_set.X, m, tied, lr, seed, Budget(EPOCHS[mode], 100, len(fit_set.X)), bias_start=bias_start)


# ---- claim 1: tied weights -----------------------------------------------------------------
def _suffix(epochs: int, mode: str) -> str:
    """The part-id suffix of a budget: "" for the notebook's budget, ", 20 epochs" for a longer one."""
    return "" if epochs == EPOCHS[mode] else f", {epochs} epochs"


@claim("04.tied", lesson="04",
       curriculum="Tying W' = Wᵀ is a constraint that regularises training and can help the AE generalise; "
                  "it is optional, and it is not there to invert the encoder.")
def tied_vs_untied(mode: str = "quick", progress: bool = False) -> ClaimReport:
    r"""Tied vs untied sigmoid autoencoders, cross-entropy in nats per digit (lower is better).

    Arms: tied and untied with m = 16, 32, 64 hidden units on the 3,500 fitting digits, all with
    the average-digit bias start; the m = 16 pair again with the default ``b' = 0``; and a
    small-data pair, m = 64 on 300 digits for 30 epochs, whose generalisation gap (test loss minus
    training loss) is what a regulariser should shrink. Parts (each "A is better than B"):
    ``held-out m=…`` tied beats untied on the test digits; ``equal params`` tied m = 64 beats untied
    m = 32 (both about 51,000 parameters; note that their codes differ too, 64 numbers against 32);
    ``b'=0 start m=16`` tied beats untied when both start from ``b' = 0``; ``small data gap`` tying
    shrinks the gap; ``small data held-out`` tied beats untied on the test digits after training on
    300. The 3,500-digit parts run at ``EPOCHS`` in both modes; the thorough run repeats them at each
    of ``LONG_EPOCHS`` as parts named e.g. ``held-out m=16, 20 epochs``.
    """
    mode = check_mode(mode)
    s = dict(SETTINGS[mode])
    s["seeds"] = s.pop("tied_seeds", s["seeds"])
    fit_set, val_set, test = _data()
    X, X_val, X_test = fit_set.X, val_set.X, test.X                  # (3500, 784), (500, 784), (1000, 784)
    budgets = [Budget(e, 100, len(X)) for e in (EPOCHS[mode], *LONG_EPOCHS[mode])]
    X_small = small_subset(fit_set)                                  # (300, 784)
    small_budget = Budget(SMALL_EPOCHS, 50, len(X_small))

    def arm(m, tied, budget, bias_start=True):
        def train(lr, seed):                                         # -> (validation, test) cross-entropy
            model = _train(X, m, tied, lr, seed, budget, bias_start=bias_start)
            return (NAN, NAN) if model is None else (model.loss(X_val), model.loss(X_test))
        return train

    def small_arm(tied):
        def train(lr, seed):                                         # -> validation, test, training loss
            model = _train(X_small, SMALL_M, tied, lr, seed, small_budget)
            return (NAN,) * 3 if model is None else (model.loss(X_val), model.loss(X_test), model.loss(X_small))
        return _cached(train)

    label = lambda m, tied, sfx="": f"{'tied' if tied else 'untied'} m={m}{sfx}"
    res, verdicts = {}, []
    mt, mu = EQUAL_PARAMS
    for budget in budgets:
        sfx = _suffix(budget.epochs, mode)
        arms = {label(m, t, sfx): arm(m, t, budget) for m in SIZES for t in (True, False)}
        arms.update({label(16, t, f"{sfx}, b'=0 start"): arm(16, t, budget, bias_start=False) for t in (True, False)})
        res.update(run_arms(arms, s["lr_grid"], s["seeds"], s["tuning_seeds"], progress=progress))
        after = f" after {budget.epochs} epochs"
        verdicts += [compare(res[label(m, True, sfx)], res[label(m, False, sfx)], f"04.tied/held-out m={m}{sfx}",
                             f"tied has a lower held-out loss than untied at m = {m}{after}",
                             names=(label(m, True), label(m, False))) for m in SIZES]
        verdicts.append(compare(res[label(mt, True, sfx)], res[label(mu, False, sfx)], f"04.tied/equal params{sfx}",
                                f"at equal parameter count, tied m = {mt} has a lower held-out loss than untied "
                                f"m = {mu}{after}", names=(label(mt, True), label(mu, False))))
        verdicts.append(compare(res[label(16, True, f"{sfx}, b'=0 start")], res[label(16, False, f"{sfx}, b'=0 start")],
                                f"04.tied/b'=0 start m=16{sfx}",
                                f"with the default start b' = 0, tied m = 16 has a lower held-out loss than untied "
                                f"m = 16{after}", names=("tied m=16, b'=0", "untied m=16, b'=0")))

    # The small-data runs are shared: one training gives the validation loss (which tunes lr), the
    # test loss and the gap; two run_arms calls read different scores from the same cached runs.
    small = {t: small_arm(t) for t in (True, False)}
    n = len(X_small)
    held_out = lambda run: (lambda lr, seed: run(lr, seed)[:2])                          # (validation, test)
    gap = lambda run: (lambda lr, seed: (run(lr, seed)[0], run(lr, seed)[1] - run(lr, seed)[2]))  # (val, test - train)
    res.update(run_arms({f"{label(SMALL_M, t)}, {n} digits: held-out": held_out(run) for t, run in small.items()},
                        s["lr_grid"], s["seeds"], s["tuning_seeds"], progress=progress))
    res.update(run_arms({f"{label(SMALL_M, t)}, {n} digits: gap": gap(run) for t, run in small.items()},
                        s["lr_grid"], s["seeds"], s["tuning_seeds"]))
    verdicts.append(compare(res[f"{label(SMALL_M, True)}, {n} digits: gap"], res[f"{label(SMALL_M, False)}, {n} digits: gap"],
                            "04.tied/small data gap",
                            f"trained on {n} digits, tying shrinks the generalisation gap (held-out minus training loss)",
                            names=("tied", "untied")))
    verdicts.append(compare(res[f"{label(SMALL_M, True)}, {n} digits: held-out"],
                            res[f"{label(SMALL_M, False)}, {n} digits: held-out"], "04.tied/small data held-out",
                            f"trained on {n} digits, tied has a lower held-out loss than untied", names=("tied", "untied")))

    params = {m: (Autoencoder(784, m, tied=True).n_params, Autoencoder(784, m, tied=False).n_params) for m in SIZES}
    baselines = {"average digit (mean of the 3,500)": average_digit_loss(X, X_test),
                 f"average digit (mean of the {n})": average_digit_loss(X_small, X_test)}
    notes = [f"parameters: " + ", ".join(f"m = {m}: tied {a:,}, untied {b:,}" for m, (a, b) in params.items()) + "."]
    budget_text = "; ".join(str(b) for b in budgets) + f" (each part at each); small-data arms: {small_budget}"
    return ClaimReport(claim="04.tied", budget=budget_text, arms=res, baselines=baselines, verdicts=verdicts,
                       notes=notes, score="cross-entropy on the 1,000 test digits, nats per digit "
                                          "(gap rows: test minus training)")


# ---- claim 2: the decoder's activation -----------------------------------------------------
@claim("04.decoder", lesson="04",
       curriculum="Which activation the decoder uses matters little as long as the last layer can represent the "
                  "range of the inputs; quality may still differ.")
def decoder_activation(mode: str = "quick", progress: bool = False) -> ClaimReport:
    r"""784-32-784 tied autoencoders with a sigmoid encoder and different output activations.

    Score: squared error per digit on the test digits, in the units of pixels in [0, 1] (errors on
    pixels rescaled to [-1, 1] are divided by 4). Arms on pixels in [0, 1], squared-error loss:
    sigmoid, tanh, identity and ReLU outputs, all able to produce [0, 1]; plus the sigmoid output
    trained with cross-entropy. On pixels in [-1, 1]: tanh (can produce them) and sigmoid (cannot
    produce negative values). The yardstick is the gap between two baselines, the average digit and
    PCA with 32 components (no training choice). Parts: ``range`` tanh beats sigmoid on [-1, 1]
    pixels; ``trains`` the worst capable decoder beats the average digit by at least ``TRAINS`` of
    the gap (``compare`` with that floor); ``matters little`` the best and the worst capable decoder
    are within ±``TOLERANCE`` of the gap (``equivalent``); ``sigmoid cross-entropy`` a sigmoid
    output trained with cross-entropy beats one trained with squared error. The thorough run
    repeats the [0, 1] parts at each of ``LONG_EPOCHS`` (parts named e.g. ``trains, 20 epochs``).
    """
    mode = check_mode(mode)
    s = SETTINGS[mode]
    fit_set, val_set, test = _data()
    budgets = [Budget(e, 100, len(fit_set.X)) for e in (DECODER_EPOCHS[mode], *LONG_EPOCHS[mode])]
    p = pca(fit_set.X, DECODER_M)
    baselines = {f"PCA, {DECODER_M} components": squared_error(test.X, p.reconstruct(test.X.astype(np.float64))),
                 "average digit": average_digit_loss(fit_set.X, test.X, "squared_error")}
    gap = baselines["average digit"] - baselines[f"PCA, {DECODER_M} components"]

    def arm(decoder, budget, pixels="[0, 1]", loss="squared_error"):
        scale = (lambda X: X) if pixels == "[0, 1]" else (lambda X: 2 * X - 1)
        X, X_val, X_test = scale(fit_set.X), scale(val_set.X), scale(test.X)
        unit = 1.0 if pixels == "[0, 1]" else 4.0

        def train(lr, seed):                             # -> (validation, test) squared error, [0, 1] units
            model = _train(X, DECODER_M, True, lr, seed, budget, decoder=decoder, loss=loss)
            if model is None:
                return NAN, NAN
            return (squared_error(X_val, model.reconstruct(X_val)) / unit,
                    squared_error(X_test, model.reconstruct(X_test)) / unit)
        return train

    capable = ("sigmoid", "tanh", "identity", "relu")
    res, verdicts = {}, []
    for i, budget in enumerate(budgets):
        sfx = _suffix(budget.epochs, mode)
        arms = {f"{d}, pixels in [0, 1]{sfx}": arm(d, budget) for d in capable}
        arms[f"sigmoid, pixels in [0, 1], cross-entropy loss{sfx}"] = arm("sigmoid", budget, loss="cross_entropy")
        if i == 0:                                       # the range part at the notebook's budget only
            arms.update({f"{d}, pixels in [-1, 1]": arm(d, budget, "[-1, 1]") for d in ("tanh", "sigmoid")})
        res.update(run_arms(arms, s["lr_grid"], s["seeds"], s["tuning_seeds"], progress=progress))
        after = f" after {budget.epochs} epochs"
        if i == 0:
            verdicts.append(compare(res["tanh, pixels in [-1, 1]"], res["sigmoid, pixels in [-1, 1]"], "04.decoder/range",
                                    "on pixels in [-1, 1], a tanh output (which can produce them) beats a sigmoid one "
                                    f"(which cannot produce negative values){after}", names=("tanh", "sigmoid")))
        cap = [res[f"{d}, pixels in [0, 1]{sfx}"] for d in capable]
        best, worst = min(cap, key=lambda a: a.mean), max(cap, key=lambda a: a.mean)
        short = lambda a: a.name.split(",")[0]
        avg = [baselines["average digit"]] * len(worst.scores)
        verdicts += [
            compare(worst, avg, f"04.decoder/trains{sfx}", floor=TRAINS * gap, names=(short(worst), "the average digit"),
                    what=f"on pixels in [0, 1], every output that can produce them trains: the worst beats the average "
                         f"digit by at least {100 * TRAINS:.0f} % of the gap from the average digit to PCA-{DECODER_M} "
                         f"({_num(gap)}){after}"),
            # higher_is_better=True only makes the sentence's "worst minus best" literal (a positive number);
            # an equivalence verdict depends on |difference| alone, so the outcome is the same either way.
            equivalent(worst, best, f"04.decoder/matters little{sfx}", tolerance=TOLERANCE * gap,
                       higher_is_better=True, names=(short(worst), short(best)),
                       what=f"on pixels in [0, 1], the four outputs that can produce them are about equal (the worst "
                            f"minus the best within {100 * TOLERANCE:.0f} % of the gap from the average digit to "
                            f"PCA-{DECODER_M}){after}"),
            compare(res[f"sigmoid, pixels in [0, 1], cross-entropy loss{sfx}"], res[f"sigmoid, pixels in [0, 1]{sfx}"],
                    f"04.decoder/sigmoid cross-entropy{sfx}",
                    f"a sigmoid output trained with cross-entropy has a lower squared error than one trained with "
                    f"squared error{after}", names=("sigmoid + cross-entropy", "sigmoid + squared error")),
        ]
    budget_text = "; ".join(str(b) for b in budgets) + (" (the [-1, 1] arms at the first only)" if len(budgets) > 1 else "")
    notes = [f"yardstick: the average digit ({_num(baselines['average digit'])}) minus PCA-{DECODER_M} "
             f"({_num(baselines[f'PCA, {DECODER_M} components'])}) = {_num(gap)}; 'matters little' tolerance "
             f"{100 * TOLERANCE:.0f} % of it = {_num(TOLERANCE * gap)}, 'trains' floor {100 * TRAINS:.0f} % = {_num(TRAINS * gap)}."]
    return ClaimReport(claim="04.decoder", budget=budget_text, arms=res, baselines=baselines, verdicts=verdicts,
                       notes=notes, score="squared error on the 1,000 test digits, per digit, in units of pixels in [0, 1]")


def needed_tolerance(verdict) -> float:
    """The smallest tolerance under which an ``equivalent`` verdict would hold: ``|d| + margin``."""
    return abs(verdict.diff) + verdict.margin


__all__ = ["average_digit_loss", "decoder_activation", "needed_tolerance", "small_subset", "squared_error",
           "tied_vs_untied", "trained_model"]

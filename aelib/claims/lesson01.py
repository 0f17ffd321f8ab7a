r"""Claim checks of lesson 01 (notebooks/01_hidden_layers.ipynb, section 7).

*(claim)* "Rectified linear units often work better than the 1980s choice of sigmoid."

The experiment: digit classifiers ``784 -> 64 (-> 64 -> 64) -> 10`` whose hidden units are all
ReLU or all sigmoid; the 10 outputs are sigmoid units trained with Bernoulli cross-entropy on
one-hot targets (summed over the 10 outputs, averaged over the digits), and the predicted class
is the largest output. Three settings: one hidden layer with plain SGD, three hidden layers
with plain SGD, three hidden layers with Adam. In every setting both arms get

* the same budget (:data:`BUDGET`: epochs of the 3,500 fitting digits in batches of 32),
* their own learning rate, chosen from a grid by accuracy on the 500 validation digits
  (:func:`aelib.claims.validation_split`), never on the test digits,
* each activation's recommended initialisation (``init="recommended"``): He (normal, variance
  2 / fan-in) for ReLU layers, four times Glorot's uniform range for sigmoid layers (the
  sigmoid output layer of both arms included); all biases start at 0,
* the same seeds; seed ``s`` fixes both the initial weights and the order of the digits.

The score is test accuracy on the 1,000 test digits (higher is better); the verdict of each
setting is :func:`aelib.claims.compare` of ReLU against sigmoid, with a floor of
:data:`FLOOR` (5 test digits in 1,000). One extra arm, the deep sigmoid net under SGD with the
library's default initialisation (Glorot's range, meant for tanh), shows what the default would
have decided; and :func:`gradient_norms` measures, at initialisation, how much gradient reaches
each layer (the "fading gradient" explanation).
"""
from __future__ import annotations

import numpy as np

from .. import Network
from ..datasets import load_digits
from .protocol import Budget, balanced_subset, compare, run_arms, summary, validation_split
from .registry import ClaimReport, check_mode, claim

N_HIDDEN = 64
BUDGET = Budget(epochs=5, batch_size=32, n_train=3500)
FLOOR = 0.005                       # accuracy: 5 of the 1,000 test digits, too little to matter
SEEDS = {"quick": (0, 1, 2), "thorough": (0, 1, 2, 3, 4, 5, 6, 7)}
TUNING_SEEDS = {"quick": (0,), "thorough": None}       # None: tune on every seed
# Thorough: one 3x ladder per optimiser, the same for every arm, wide enough that no arm's
# choice sits at its end. Quick (the notebook): for each arm only two neighbouring rungs, the
# rate the thorough run chose for it and the better-validating of its two neighbours there
# (the extra default-init arm: the thorough choice alone), tuned on seed 0.
LR_GRID = {"sgd": (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0), "adam": (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2)}
QUICK_GRID = {
    ("1 layer SGD", "ReLU"): (0.03, 0.1), ("1 layer SGD", "sigmoid"): (0.3, 1.0),
    ("3 layers SGD", "ReLU"): (0.01, 0.03), ("3 layers SGD", "sigmoid"): (0.3, 1.0),
    ("3 layers SGD", "sigmoid, default init"): (3.0,),
    ("3 layers Adam", "ReLU"): (1e-3, 3e-3), ("3 layers Adam", "sigmoid"): (3e-3, 1e-2),
}
SETTINGS = {                        # name: (hidden layers, optimiser, in words)
    "1 layer SGD": (1, "sgd", "one hidden layer, plain SGD"),
    "3 layers SGD": (3, "sgd", "three hidden layers, plain SGD"),
    "3 layers Adam": (3, "adam", "three hidden layers, Adam"),
}
DEFAULT_INIT_SETTING = "3 layers SGD"  # where the extra arm (sigmoid, default init) runs


def classifier(n_layers: int, activation: str, seed: int, init: str = "recommended") -> Network:
    """``784 -> 64 x n_layers -> 10``: hidden units ``activation``, sigmoid outputs, float32."""
    sizes = [784] + [N_HIDDEN] * n_layers + [10]
    return Network(sizes, [activation] * n_layers + ["sigmoid"], seed=seed, init=init)


def onehot(labels) -> np.ndarray:
    """``(n,)`` digit labels -> ``(n, 10)`` float32 one-hot targets."""
    return np.eye(10, dtype=np.float32)[labels]


def accuracy(net: Network, digits) -> float:
    """Fraction of ``digits`` whose largest output is their label."""
    return float(np.mean(net.predict(digits.X).argmax(axis=1) == digits.y))


def gradient_norms(net: Network, X, T) -> np.ndarray:
    r"""Frobenius norm of :math:`\partial L / \partial W_l` for every layer ``l = 1..L``, shape ``(L,)``.

    ``L`` is the cross-entropy of ``net`` on ``(X, T)`` (summed over outputs, averaged over the
    rows), so the norms are what one plain-SGD step would move each weight matrix by, per unit
    of learning rate.
    """
    _, grads = net.loss_and_grads(X, T)
    return np.array([np.linalg.norm(grads[f"W{l}"]) for l in range(1, net.n_layers + 1)])


def gradient_fading(seeds=(0, 1, 2, 3, 4), n_layers: int = 3, n_digits: int = 500) -> dict:
    """At initialisation, the gradient reaching the first layer over the one reaching the output layer.

    For ReLU (He) and sigmoid nets with the recommended and the default init: ``{arm: ratios}``,
    one ratio ``|dW_1| / |dW_L|`` per seed, on ``n_digits`` training digits with every class
    equally represented (:func:`~aelib.claims.balanced_subset`; the files are sorted by class, so
    the first 500 would be only 0s and 1s), in float64: this is analysis, not training.
    """
    train = balanced_subset(load_digits("train"), n_digits, seed=0)
    X = train.X.astype(np.float64)                            # (n_digits, 784)
    T = onehot(train.y).astype(np.float64)                    # (n_digits, 10)
    arms = {"ReLU": ("relu", "recommended"), "sigmoid": ("sigmoid", "recommended"),
            "sigmoid, default init": ("sigmoid", "auto")}
    out = {}
    for name, (act, init) in arms.items():
        ratios = []
        for s in seeds:
            net = classifier(n_layers, act, s, init).astype("float64")
            g = gradient_norms(net, X, T)                     # (n_layers + 1,)
            ratios.append(float(g[0] / g[-1]))
        out[name] = ratios
    return out


def _trainer(n_layers, activation, optimizer, init, fit_set, val_set, test, extra):
    """``train(lr, seed) -> (validation accuracy, test accuracy)`` for :func:`run_arms`.

    ``extra[lr, seed]`` receives the test cross-entropy of the run (reported, not voted on).
    """
    T_fit, T_test = onehot(fit_set.y), onehot(test.y)

    def train(lr, seed):
        net = classifier(n_layers, activation, seed, init)
        hist = net.fit(fit_set.X, target=T_fit, lr=lr, optimizer=optimizer, seed=seed,
                       on_divergence="stop", **BUDGET.fit_kwargs())
        if hist.diverged:
            return float("nan"), float("nan")
        extra[lr, seed] = net.loss(test.X, T_test)
        return accuracy(net, val_set), accuracy(net, test)
    return train


@claim("01.relu-vs-sigmoid", lesson="01",
       curriculum="Rectified linear units often work better than the 1980s choice of sigmoid, although "
                  "the sigmoid was chosen for being bounded, smooth and brain-like.")
def relu_vs_sigmoid(mode: str = "quick", progress: bool = False) -> ClaimReport:
    """ReLU vs sigmoid hidden units in three settings (see the module docstring); one verdict each."""
    mode = check_mode(mode)
    fit_set, val_set = validation_split(load_digits("train"))
    test = load_digits("test")
    seeds, tuning = SEEDS[mode], TUNING_SEEDS[mode]
    report = ClaimReport("01.relu-vs-sigmoid", str(BUDGET),
                         score="test accuracy on the 1,000 test digits (higher is better)")
    verdicts, cross_entropy = [], {}
    for setting, (n_layers, opt, words) in SETTINGS.items():
        arms = {"ReLU": ("relu", "recommended"), "sigmoid": ("sigmoid", "recommended")}
        if setting == DEFAULT_INIT_SETTING:
            arms["sigmoid, default init"] = ("sigmoid", "auto")
        extras = {name: {} for name in arms}
        trainers = {name: _trainer(n_layers, act, opt, init, fit_set, val_set, test, extras[name])
                    for name, (act, init) in arms.items()}
        grid = {name: LR_GRID[opt] if mode == "thorough" else QUICK_GRID[setting, name] for name in arms}
        res = run_arms(trainers, grid, seeds, tuning_seeds=tuning, higher_is_better=True, progress=progress)
        for name, arm in res.items():
            arm.name = f"{setting}: {name}"
            report.arms[arm.name] = arm
            cross_entropy[arm.name] = [extras[name][arm.lr, s] for s in arm.seeds]
        verdicts.append(compare(res["ReLU"], res["sigmoid"], f"01.relu-vs-sigmoid/{setting}",
                                what=f"ReLU hidden units beat sigmoid ones ({words})",
                                higher_is_better=True, floor=FLOOR, names=("ReLU", "sigmoid")))
    report.verdicts = verdicts + [summary(verdicts, "01.relu-vs-sigmoid",
                                          "ReLU hidden units beat sigmoid ones in all three settings")]
    report.notes = _notes(report, cross_entropy)
    return report


def _notes(report: ClaimReport, cross_entropy: dict) -> list:
    """Sentences chosen from the numbers: cross-entropy, and what the default init does."""
    notes = []
    ce = {k: float(np.mean(v)) for k, v in cross_entropy.items()}
    lower = [s for s in SETTINGS if ce[f"{s}: ReLU"] < ce[f"{s}: sigmoid"]]
    notes.append("Test cross-entropy at the chosen rates (mean over seeds), ReLU / sigmoid: "
                 + "; ".join(f"{s} {ce[f'{s}: ReLU']:.3g} / {ce[f'{s}: sigmoid']:.3g}" for s in SETTINGS)
                 + f": ReLU's is lower in {len(lower)} of {len(SETTINGS)} settings.")
    s = DEFAULT_INIT_SETTING
    d, r, sg = (report.arms[f"{s}: {k}"] for k in ("sigmoid, default init", "ReLU", "sigmoid"))
    gap_default = r.mean - d.mean
    gap_recommended = r.mean - sg.mean
    notes.append(f"With the default init (Glorot's range, meant for tanh) the {s} sigmoid net reaches "
                 f"{d.mean:.3g} ± {d.sd:.2g} (lr {d.lr:g}) instead of {sg.mean:.3g}: ReLU's lead would be "
                 f"{gap_default:+.3g} instead of {gap_recommended:+.3g}"
                 + (", so the default init, not the activation, makes most of that gap."
                    if abs(gap_default) > 2 * abs(gap_recommended) else "."))
    return notes

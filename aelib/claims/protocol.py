r"""One protocol for every Claim check: equal budgets, per-arm learning rates, seeds, a verdict.

A *claim* compares **arms** (ways of training or building a model, e.g. "ReLU" and "sigmoid").
The protocol makes the comparison fair in four ways, and the verdict is computed from numbers:

1. **Equal budget.** Every arm trains under the same :class:`Budget` (epochs of the same data
   at the same batch size, so the same number of gradient steps and examples seen). The budget
   is stated with the result.
2. **Its own learning rate.** Each arm's learning rate is chosen from a small grid by its score
   on a **validation split** carved from the training digits (:func:`validation_split`), never
   on the test digits. The chosen rate, and the grid, are reported.
3. **Several seeds.** At its chosen rate each arm is trained with several seeds (at least 3);
   the test scores of those runs are the arm's result, reported as mean ± standard deviation.
4. **A margin from the spread.** Two arms are compared by the per-seed differences
   :math:`d_s = \text{score}_B(s) - \text{score}_A(s)` (seed :math:`s` gives both arms the same
   data order). With :math:`\bar d` their mean, :math:`s_d` their standard deviation and
   :math:`n` seeds, the margin is the half-width of the 95% Student-t interval,

   .. math::  m = t_{0.975,\,n-1}\; s_d / \sqrt{n},

   (never below ``floor``, a difference too small to matter). The verdict of
   "A is better than B" is **holds** when :math:`\bar d > m`, **does not hold** when
   :math:`\bar d < -m` (B is better), and **inconclusive** otherwise. A claim that two arms are
   about equal ("matters little") uses :func:`equivalent` instead: holds when the whole interval
   lies within ``±tolerance``, does not hold when it lies outside.

Scores are "lower is better" (a loss, an error) unless ``higher_is_better=True`` (an accuracy).

    >>> from aelib import claims
    >>> fit_set, val_set = claims.validation_split(train, n_val=500)
    >>> def relu_arm(lr, seed):                      # train one run, return (validation, test) scores
    ...     ...
    >>> arms = claims.run_arms({"ReLU": relu_arm, "sigmoid": sigmoid_arm}, lr_grid=[0.1, 0.3, 1.0],
    ...                        seeds=[0, 1, 2], higher_is_better=True)
    >>> print(claims.compare(arms["ReLU"], arms["sigmoid"], claim="01.relu", what="ReLU beats sigmoid"))
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from .. import _validate as v

OUTCOMES = ("holds", "does not hold", "inconclusive")

# 0.975 quantiles of Student's t distribution, by degrees of freedom (n - 1 for n seeds).
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
        10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
        18: 2.101, 19: 2.093, 20: 2.086, 25: 2.060, 30: 2.042}


def t975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (table; 1.96 beyond 30)."""
    df = v.check_int(df, "df", "t975")
    if df in T975:
        return T975[df]
    below = [k for k in T975 if k < df]
    return T975[max(below)] if df < 30 else 1.96 if df > 120 else 2.0


# ---- the budget ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Budget:
    """What every arm of a claim gets: ``epochs`` passes over ``n_train`` examples in batches."""
    epochs: int
    batch_size: int
    n_train: int

    def __post_init__(self):
        for name in ("epochs", "batch_size", "n_train"):
            v.check_int(getattr(self, name), name, "Budget")

    @property
    def steps(self) -> int:
        """Gradient steps: ``epochs * ceil(n_train / batch_size)``."""
        return self.epochs * -(-self.n_train // self.batch_size)

    def __str__(self):
        return (f"{self.epochs} epochs of {self.n_train:,} digits in batches of {self.batch_size} "
                f"({self.steps:,} steps)")

    def fit_kwargs(self) -> dict:
        """The arguments of ``fit`` that the budget fixes."""
        return dict(epochs=self.epochs, batch_size=self.batch_size)


# ---- the data ------------------------------------------------------------------------------
def validation_split(digits, n_val: int = 500, seed: int = 0):
    """Split training digits into a fitting set and a validation set, ``n_val // 10`` per class.

    ``digits``: an :class:`aelib.datasets.Digits` (with ``X`` and ``y``). Returns two ``Digits``
    with ``split`` ``"fit"`` and ``"validation"``; the test digits are never touched. The
    validation set is what learning rates are tuned on.
    """
    from ..datasets import Digits
    if not hasattr(digits, "X") or not hasattr(digits, "y"):
        raise TypeError(f"The 'digits' parameter of validation_split must be a Digits object (with X and y). "
                        f"Got {type(digits).__name__} instead.")
    classes = np.unique(digits.y)
    n_val = v.check_int(n_val, "n_val", "validation_split")
    per_class = n_val // len(classes)
    counts = np.bincount(digits.y)
    if per_class < 1 or per_class >= counts[classes].min():
        raise ValueError(f"The 'n_val' parameter of validation_split must leave at least one digit of each "
                         f"class on both sides ({len(classes)} to {len(classes) * (counts[classes].min() - 1)}). "
                         f"Got {n_val} instead.")
    rng = v.check_rng(seed, "seed", "validation_split")
    val_idx = np.sort(np.concatenate([rng.permutation(np.flatnonzero(digits.y == c))[:per_class]
                                      for c in classes]))
    fit_mask = np.ones(len(digits.y), bool)
    fit_mask[val_idx] = False
    return (Digits(digits.X[fit_mask], digits.y[fit_mask], "fit"),
            Digits(digits.X[val_idx], digits.y[val_idx], "validation"))


def balanced_subset(digits, n: int, seed: int = 0):
    """``n`` of ``digits`` with every class equally represented (counts equal within one).

    The bundled digit files are sorted by class, so a prefix ``digits.X[:n]`` holds only the
    first classes (the first 2,000 of the 3,500 fitting digits are 0s to 5s). This takes
    ``n // k`` digits of each of the ``k`` classes, drawn at random (``seed``), plus one more of
    each of the first ``n % k`` classes, and keeps them in their original order. Returns a
    :class:`aelib.datasets.Digits` with ``digits.split``; ``n = len(digits)`` returns all of
    them, in order.
    """
    from ..datasets import Digits
    if not hasattr(digits, "X") or not hasattr(digits, "y"):
        raise TypeError(f"The 'digits' parameter of balanced_subset must be a Digits object (with X and y). "
                        f"Got {type(digits).__name__} instead.")
    classes = np.unique(digits.y)
    n = v.check_int(n, "n", "balanced_subset")
    take = {c: n // len(classes) + (i < n % len(classes)) for i, c in enumerate(classes)}   # class -> count
    counts = np.bincount(digits.y)
    short = [int(c) for c in classes if take[c] > counts[c]]
    if short:
        raise ValueError(f"The 'n' parameter of balanced_subset must leave enough digits of every class "
                         f"(class {short[0]} has {counts[short[0]]}, {take[short[0]]} needed). Got {n} instead.")
    rng = v.check_rng(seed, "seed", "balanced_subset")
    idx = np.sort(np.concatenate([rng.permutation(np.flatnonzero(digits.y == c))[:take[c]]
                                  for c in classes]))                                # (n,)
    return Digits(digits.X[idx], digits.y[idx], digits.split)


# ---- running the arms ----------------------------------------------------------------------
@dataclass
class ArmResult:
    """One arm: the learning rate chosen on validation, and its test scores over seeds."""
    name: str
    lr: float
    lr_grid: tuple
    val_by_lr: dict                 # lr -> mean validation score over the tuning seeds
    seeds: tuple
    scores: tuple                   # test score of each seed, at the chosen lr
    higher_is_better: bool = False
    tuning_seeds: tuple = ()

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def sd(self) -> float:
        """Standard deviation over seeds (n - 1 in the denominator; 0 for one seed)."""
        return float(np.std(self.scores, ddof=1)) if len(self.scores) > 1 else 0.0

    def __str__(self):
        grid = ", ".join(f"{lr:g}" for lr in self.lr_grid)
        return (f"{self.name}: {_num(self.mean)} ± {_num(self.sd)} over {len(self.scores)} seeds "
                f"(lr {self.lr:g}, chosen from {{{grid}}} on validation)")

    __repr__ = __str__

    def as_dict(self) -> dict:
        return dict(name=self.name, lr=self.lr, lr_grid=list(self.lr_grid), seeds=list(self.seeds),
                    scores=[float(s) for s in self.scores], mean=self.mean, sd=self.sd,
                    val_by_lr={f"{k:g}": float(x) for k, x in self.val_by_lr.items()})


def _num(x: float) -> str:
    """3 significant digits, the course's rounding."""
    return f"{x:.3g}"


def run_arms(arms: Mapping[str, Callable], lr_grid, seeds: Sequence[int] = (0, 1, 2),
             tuning_seeds: Sequence[int] | None = None, higher_is_better: bool = False,
             progress: bool = False, val_higher_is_better: bool | None = None) -> dict:
    """Tune each arm's learning rate on validation, then score it over ``seeds``.

    ``arms``: ``{name: train}`` where ``train(lr, seed)`` trains one model under the claim's
    budget and returns ``(validation_score, test_score)`` (a diverged run may return ``nan``: it
    is never chosen). ``lr_grid``: one list for every arm, or ``{name: list}``.
    ``tuning_seeds``: the seeds whose mean validation score picks the rate (default: all of
    ``seeds``; a quick check may tune on the first seed only). Runs are cached, so a tuning run
    at the chosen rate is reused as that seed's result. ``higher_is_better`` is about the test
    score; ``val_higher_is_better`` (default: the same) about the validation score, for a claim
    that tunes on a loss but scores something else (e.g. the smoothness of filters).
    Returns ``{name: ArmResult}``.
    """
    val_hib = higher_is_better if val_higher_is_better is None else bool(val_higher_is_better)
    if not isinstance(arms, Mapping) or not arms:
        raise TypeError(f"The 'arms' parameter of run_arms must be a non-empty dict {{name: train(lr, seed)}}. "
                        f"Got {type(arms).__name__} instead.")
    seeds = tuple(int(s) for s in seeds)
    if len(seeds) < 1:
        raise ValueError("The 'seeds' parameter of run_arms must list at least one seed. Got none instead.")
    tuning_seeds = seeds if tuning_seeds is None else tuple(int(s) for s in tuning_seeds)
    results = {}
    for name, train in arms.items():
        grid = tuple(float(x) for x in (lr_grid[name] if isinstance(lr_grid, Mapping) else lr_grid))
        if not grid:
            raise ValueError(f"The 'lr_grid' parameter of run_arms must give arm {name!r} at least one rate.")
        runs = {}

        def run(lr, seed):
            if (lr, seed) not in runs:
                val, test = train(lr, seed)
                runs[lr, seed] = (float(val), float(test))
                if progress:
                    print(f"  {name:<24} lr {lr:<8g} seed {seed}: validation {_num(val)}, test {_num(test)}")
            return runs[lr, seed]

        val_by_lr = {}
        for lr in grid:
            vals = [run(lr, s)[0] for s in tuning_seeds]
            mean = float(np.mean(vals))
            val_by_lr[lr] = mean if np.isfinite(mean) else (-np.inf if val_hib else np.inf)   # never chosen
        pick = max if val_hib else min
        best = pick(grid, key=lambda lr: val_by_lr[lr])
        scores = tuple(run(best, s)[1] for s in seeds)
        results[name] = ArmResult(name, best, grid, val_by_lr, seeds, scores, higher_is_better, tuning_seeds)
    return results


# ---- verdicts ------------------------------------------------------------------------------
@dataclass
class Verdict:
    """The outcome of one claim (or one part of a claim), with the numbers that decided it."""
    claim: str                          # an id such as "01.relu-vs-sigmoid/1 layer"
    what: str                           # the claim in words: "ReLU beats sigmoid"
    outcome: str                        # one of OUTCOMES
    diff: float                         # mean per-seed difference, positive = in the claim's direction
    margin: float
    n: int
    a: str = ""
    b: str = ""
    kind: str = "better"                # "better" or "equivalent"
    tolerance: float = 0.0
    details: dict = field(default_factory=dict)

    def __post_init__(self):
        assert self.outcome in OUTCOMES, self.outcome

    @property
    def sentence(self) -> str:
        """The verdict in words, every clause chosen from the numbers."""
        d, m = self.diff, self.margin
        if self.kind == "summary":
            c = self.details["counts"]
            return (f"{c['holds']} of {sum(c.values())} parts hold, {c['does not hold']} do not, "
                    f"{c['inconclusive']} inconclusive")
        if self.kind == "equivalent":
            tail = {"holds": f"inside ±{_num(self.tolerance)}: about equal",
                    "does not hold": f"outside ±{_num(self.tolerance)}: they differ",
                    "inconclusive": f"neither surely inside nor surely outside ±{_num(self.tolerance)}"}
            return (f"{self.a} minus {self.b} is {_signed(d)} (95% interval ±{_num(m)}, {self.n} seeds), "
                    f"{tail[self.outcome]}")
        floor, t_margin = self.details.get("floor", 0.0), self.details.get("t_margin", m)
        direction = self.details.get("better")
        better = f"better ({direction})" if direction else "better"
        winner, loser = (self.a, self.b) if d >= 0 else (self.b, self.a)
        lead = f"{winner} is {better} than {loser} by {_num(abs(d))} on average (margin {_num(m)}, {self.n} seeds)"
        tail = {"holds": "more than the margin",
                "does not hold": "more than the margin, against the claim",
                "inconclusive": "within the margin, so the seeds cannot tell them apart"}
        if self.outcome == "inconclusive" and floor > t_margin and abs(d) > t_margin:
            tail["inconclusive"] = (f"beyond the seeds' spread ({_num(t_margin)}) but below {_num(floor)}, "
                                    "the smallest difference this check counts")
        return f"{lead}: {tail[self.outcome]}"

    def __str__(self):
        return f"Verdict [{self.claim}]: {self.outcome}. {self.what}: {self.sentence}."

    __repr__ = __str__

    def as_dict(self) -> dict:
        return dict(claim=self.claim, what=self.what, outcome=self.outcome, diff=self.diff,
                    margin=self.margin, n=self.n, a=self.a, b=self.b, kind=self.kind,
                    tolerance=self.tolerance, details=self.details)


def _signed(x: float) -> str:
    return f"{x:+.3g}"


def _scores(x, name: str, label: str | None):
    if isinstance(x, ArmResult):
        return label or x.name, np.asarray(x.scores, float), x.higher_is_better
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"The '{name}' parameter must be an ArmResult or a list of per-seed scores. "
                        f"Got {x!r} (type {type(x).__name__}) instead.")
    arr = np.asarray(x, float).ravel()
    if arr.size < 1:
        raise ValueError(f"The '{name}' parameter must be an ArmResult or a list of scores. Got an empty list.")
    return label or name.upper(), arr, None


def paired_differences(a, b, higher_is_better: bool | None = None, names=(None, None)):
    """Per-seed differences in A's favour: ``b - a`` for losses, ``a - b`` for accuracies."""
    name_a, sa, hib_a = _scores(a, "a", names[0])
    name_b, sb, hib_b = _scores(b, "b", names[1])
    if sa.shape != sb.shape:
        raise ValueError(f"The arms must have one score per seed each, the same seeds. "
                         f"Got {sa.size} and {sb.size} scores instead.")
    hib = higher_is_better if higher_is_better is not None else bool(hib_a or hib_b)
    return name_a, name_b, (sa - sb) if hib else (sb - sa)


def margin_of(d: np.ndarray, floor: float = 0.0) -> float:
    """Half-width of the 95% t interval of the mean of ``d`` (at least ``floor``)."""
    n = d.size
    if n < 2:
        return float("inf")                      # one seed: no spread, so no difference is resolved
    return max(t975(n - 1) * float(np.std(d, ddof=1)) / math.sqrt(n), float(floor))


def compare(a, b, claim: str, what: str = "", higher_is_better: bool | None = None,
            floor: float = 0.0, names=(None, None)) -> Verdict:
    """Verdict of "A is better than B", from per-seed scores (``ArmResult`` or lists).

    holds when the mean per-seed advantage of A exceeds the margin, does not hold when B's
    does, inconclusive otherwise. ``floor``: smallest margin, a difference too small to matter
    (in the score's units). ``names``: labels of A and B in the sentence (default: the arms' names).
    """
    name_a, name_b, d = paired_differences(a, b, higher_is_better, names)
    hib = higher_is_better if higher_is_better is not None else any(
        isinstance(x, ArmResult) and x.higher_is_better for x in (a, b))
    mean, m = float(d.mean()), margin_of(d, floor)
    outcome = "holds" if mean > m else "does not hold" if mean < -m else "inconclusive"
    return Verdict(claim, what or f"{name_a} is better than {name_b}", outcome, mean, m, d.size,
                   name_a, name_b, details=dict(per_seed=[float(x) for x in d], floor=float(floor),
                                                t_margin=margin_of(d), better="higher" if hib else "lower"))


def equivalent(a, b, claim: str, tolerance: float, what: str = "",
               higher_is_better: bool | None = None, names=(None, None)) -> Verdict:
    """Verdict of "A and B are about equal (within ``±tolerance``)", from per-seed scores.

    holds when the whole 95% interval of the mean difference lies inside ``±tolerance``; does
    not hold when it lies entirely outside; inconclusive when it straddles a bound. The
    difference is the raw ``A - B`` (its sign does not matter to the outcome), so the sentence
    "A minus B is d" is true for losses and accuracies alike.
    """
    name_a, name_b, d = paired_differences(a, b, True, names)          # raw A - B
    tolerance = v.check_float(tolerance, "tolerance", "equivalent", low_open=True)
    mean, m = float(d.mean()), margin_of(d)
    outcome = ("holds" if abs(mean) + m < tolerance else
               "does not hold" if abs(mean) - m > tolerance else "inconclusive")
    return Verdict(claim, what or f"{name_a} and {name_b} are about equal", outcome, mean, m, d.size,
                   name_a, name_b, kind="equivalent", tolerance=tolerance,
                   details=dict(per_seed=[float(x) for x in d]))


def summary(verdicts: Sequence[Verdict], claim: str, what: str) -> Verdict:
    """One verdict for a claim made of parts: holds if every part holds, does not hold if any
    part does not hold, inconclusive otherwise. The parts are listed in ``details``."""
    verdicts = list(verdicts)
    if not verdicts:
        raise ValueError("The 'verdicts' parameter of summary must hold at least one Verdict. Got none.")
    outcomes = [x.outcome for x in verdicts]
    outcome = ("holds" if all(o == "holds" for o in outcomes) else
               "does not hold" if "does not hold" in outcomes else "inconclusive")
    counts = {o: outcomes.count(o) for o in OUTCOMES}
    return Verdict(claim, what, outcome, float("nan"), float("nan"), min(x.n for x in verdicts), kind="summary",
                   details=dict(parts={x.claim: x.outcome for x in verdicts}, counts=counts))

r"""Lesson 07's Claim checks: reusing trained weights across activations.

Four claims of CURRICULUM.md section 7, each measured under :mod:`aelib.claims.protocol`:

* ``07.warm``: a sigmoid AE started from a trained sigmoid AE's ``W`` (biases reset to zero)
  learns faster and ends better than a random start; its biases come back only slowly; its
  features sharpen but keep their shape.
* ``07.relu``: a ReLU AE started from sigmoid-trained ``W`` does not collapse, but its features
  drift towards the typical ReLU look.
* ``07.filters``: sigmoid AEs learn local, sparse, high-contrast filters, ReLU AEs distributed,
  global, low-contrast ones.
* ``07.transplant``: transplanted weights can make training diverge, depending on their scale;
  shrinking them 10x avoids it.

Common set-up. Every model is a tied autoencoder 784 -> 64 -> 784 trained with plain SGD in
batches of ``batch_size`` on the 3,500 "fit" digits of :func:`~aelib.claims.validation_split`;
learning rates are tuned on its 500 validation digits, scores are on the 1,000 test digits.
**Donors**: for seed ``s`` a sigmoid AE (initial weights from seed ``100 + s``, default init, zero
biases) trained ``donor_epochs`` epochs at the fixed rate ``DONOR_LR``. Seed ``s`` also fixes
the data order of every arm (so arms are paired by seed) and the initial weights of the random
starts (seed ``s``, default init ``"auto"``: Glorot-uniform for sigmoid, He for (leaky) ReLU,
zero biases). A transplant copies the donor's ``W`` and sets ``b = b' = 0``.

Runs are cached (one process, one cache), so the four claims share donors and runs: the random
sigmoid and ReLU arms of ``07.warm`` and ``07.relu`` are the models compared by ``07.filters``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import metrics
from ..datasets import Digits, load_digits
from ..model import Autoencoder
from .protocol import Budget, Verdict, compare, run_arms, validation_split
from .registry import ClaimReport, check_mode, claim

N_HIDDEN = 64
DONOR_LR = 0.3                    # the donors' fixed rate: the one a random start picks on validation for
                                  # the same 5 epochs (both grids); 07.warm's report says whether it still does
TRANSPLANT_LR = 0.01              # 07.transplant's fixed rate: part of that claim's condition
SHRINK = 0.1                      # "shrinking them by 10x"
COLLAPSE_LINE = 0.1               # 07.relu: a model with more than 10% dead units has collapsed


@dataclass(frozen=True)
class Setup:
    """What a mode runs: seeds, learning-rate grids, budgets (epochs of the 3,500 fit digits)."""
    seeds: tuple
    tuning_seeds: tuple | None      # None: tune on every seed
    sigmoid_lrs: tuple
    relu_lrs: tuple
    donor_epochs: int
    epochs: int                     # the claims' budget after the start (warm, random, ReLU)
    transplant_epochs: int
    batch_size: int = 50
    fit_every: int = 3              # train on every 3rd fit digit: 1,167 digits, about 117 per class
    lr_scan: tuple = ()             # 07.transplant: smaller rates tried for the full-scale transplant
    continued: bool = False         # 07.warm: also train the donor on (biases kept), a third arm
    long_epochs: int = 0            # also compare the end results after this many epochs (a note)


SETUPS = {
    # quick = thorough with fewer learning rates, tuned on seed 0 only: the same seeds and budgets, so
    # that a verdict cannot flip between the notebook and the thorough run for want of seeds.
    "quick": Setup(seeds=(0, 1, 2, 3, 4), tuning_seeds=(0,), sigmoid_lrs=(0.1, 0.3), relu_lrs=(0.01, 0.03),
                   donor_epochs=5, epochs=5, transplant_epochs=4, lr_scan=(0.003, 0.001)),
    "thorough": Setup(seeds=(0, 1, 2, 3, 4), tuning_seeds=None, sigmoid_lrs=(0.03, 0.1, 0.3),
                      relu_lrs=(0.003, 0.01, 0.03), donor_epochs=5, epochs=5, transplant_epochs=4,
                      lr_scan=(0.003, 0.001, 0.0003), continued=True, long_epochs=20),
}


# ---- data and donors -----------------------------------------------------------------------
@lru_cache(maxsize=None)
def data(fit_every: int = 3):
    """``(fit, val, test)``: the training digits the models fit, the 500 validation digits, 1,000 test digits.

    The 4,000 training digits are split into 3,500 "fit" + 500 validation digits (stratified, seed 0);
    the models fit every ``fit_every``-th fit digit (the split keeps the digits sorted by class, so
    this keeps the classes balanced: 1,167 digits for ``fit_every=3``), to keep the notebook fast.
    """
    fit, val = validation_split(load_digits("train"), n_val=500, seed=0)
    fit = Digits(fit.X[::fit_every], fit.y[::fit_every], "fit")
    return fit, val, load_digits("test")


def _median(x) -> float:
    return float(np.median(x))


def cos_rows(A, B):
    """Cosine similarity of each row of ``A`` with the same row of ``B`` (float64): 1 = same shape."""
    A, B = np.asarray(A, np.float64), np.asarray(B, np.float64)                   # (n_hidden, 784)
    return (A * B).sum(axis=1) / (np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1))   # (n_hidden,)


def nearest_other_cos(W):
    """For each row of ``W``, its largest cosine similarity with any *other* row (float64)."""
    U = np.asarray(W, np.float64)
    U = U / np.linalg.norm(U, axis=1, keepdims=True)                              # (n_hidden, 784)
    C = U @ U.T                                                                   # (n_hidden, n_hidden)
    np.fill_diagonal(C, -np.inf)
    return C.max(axis=1)                                                          # (n_hidden,)


def bias_recovered(model, donor):
    r"""How far the biases have come back: :math:`1 - \lVert\beta - \beta_d\rVert / \lVert\beta_d\rVert`
    with :math:`\beta = (b, b')` (both biases, concatenated); 0 at the reset, 1 when back at the donor's."""
    beta = np.concatenate([model.params["b"], model.params["b_prime"]]).astype(np.float64)
    beta_d = np.concatenate([donor.params["b"], donor.params["b_prime"]]).astype(np.float64)
    return 1.0 - float(np.linalg.norm(beta - beta_d) / np.linalg.norm(beta_d))


def filter_numbers(model, X):
    """Median filter contrast and spread, code sparsity on ``X``, dead units (0 on every row of ``X``)."""
    W, H = model.params["W"], model.encode(X)                                     # (64, 784), (n, 64)
    return dict(contrast=_median(metrics.filter_contrast(W)), spread=_median(metrics.filter_spread(W)),
                sparsity=metrics.code_sparsity(H), dead=int((H.max(axis=0) <= 0).sum()))


@lru_cache(maxsize=None)
def donor(seed: int, setup: Setup) -> Autoencoder:
    """The donor of seed ``seed``: sigmoid AE, weights from seed ``100 + seed``, ``donor_epochs`` at ``DONOR_LR``."""
    fit, _, _ = data(setup.fit_every)
    model = Autoencoder(784, N_HIDDEN, encoder="sigmoid", decoder="sigmoid", tied=True, seed=100 + seed)
    model.fit(fit.X, epochs=setup.donor_epochs, batch_size=setup.batch_size, lr=DONOR_LR, seed=1000 + seed)
    return model


# ---- one tracked run ------------------------------------------------------------------------
ENCODER = {"sigmoid": "sigmoid", "relu": "relu"}


@lru_cache(maxsize=None)
def trajectory(encoder: str, start: str, lr: float, seed: int, epochs: int, setup: Setup):
    """Train one AE epoch by epoch and record what the claims need.

    ``start``: ``"random"`` (seed ``seed``, default init), ``"random_bias"`` (the same with the output
    bias at the logit of the mean pixel), ``"warm"`` (the donor's ``W``, biases 0), or ``"continued"``
    (the donor itself, biases kept, trained further). Data order: seed ``seed``.
    Returns ``dict(val=[...], at={epoch: {...}}, start_loss, model)``: the validation loss after every
    epoch (cross-entropy per digit, nats; ``nan`` from a divergence on), and at epochs 1,
    ``setup.epochs`` and ``epochs`` the test loss, filter numbers, bias recovery and shape similarity.
    """
    fit, val, test = data(setup.fit_every)
    d = donor(seed, setup)
    model = Autoencoder(784, N_HIDDEN, encoder=ENCODER[encoder], decoder="sigmoid", tied=True, seed=seed)
    if start == "warm":
        model.set_params(W=d.params["W"], b=0, b_prime=0)
    elif start == "continued":
        model.set_params(**d.params)
    elif start == "random_bias":
        model.init_output_bias(fit.X)             # b' = logit(mean pixel) instead of the default 0
    rec = dict(val=[], at={}, start_loss=model.loss(test.X))
    rng = np.random.default_rng(seed)
    for epoch in range(1, epochs + 1):
        h = model.fit(fit.X, epochs=1, batch_size=setup.batch_size, lr=lr, seed=rng, on_divergence="stop")
        if h.diverged:
            rec["val"] += [math.nan] * (epochs - len(rec["val"]))
            for e in {1, setup.epochs, epochs} - set(rec["at"]):
                rec["at"][e] = dict(test=math.nan)
            break
        rec["val"].append(model.loss(val.X))
        if epoch in (1, setup.epochs, epochs):
            rec["at"][epoch] = dict(test=model.loss(test.X), bias=bias_recovered(model, d),
                                    shape=_median(cos_rows(model.params["W"], d.params["W"])),
                                    **filter_numbers(model, test.X))
    rec["model"] = model
    return rec


def _arm(encoder, start, epochs, setup, at=None):
    """``train(lr, seed) -> (validation, test)`` after ``at`` epochs (default: all) of a tracked run."""
    at = epochs if at is None else at
    return lambda lr, seed: (trajectory(encoder, start, lr, seed, epochs, setup)["val"][at - 1],
                             trajectory(encoder, start, lr, seed, epochs, setup)["at"][at]["test"])


def _runs(arm, encoder, start, epochs, setup):
    """The tracked runs of an arm at its chosen rate, one per seed."""
    return [trajectory(encoder, start, arm.lr, s, epochs, setup) for s in arm.seeds]


def _setup(mode):
    return SETUPS[check_mode(mode)]


def _budget(setup, epochs):
    fit, _, _ = data(setup.fit_every)
    return Budget(epochs=epochs, batch_size=setup.batch_size, n_train=len(fit.X))


def _pm(values) -> str:
    values = np.asarray(values, float)
    return f"{values.mean():.3g} ± {values.std(ddof=1):.2g}"


# ---- 07.warm -------------------------------------------------------------------------------
@claim("07.warm", lesson="07", curriculum="Starting a sigmoid AE from another trained sigmoid AE's W (biases reset "
       "to zero) learns faster and ends better than a random start; the biases come back only slowly; the "
       "features sharpen but keep their shape.")
def warm_start(mode: str = "quick", progress: bool = False) -> ClaimReport:
    r"""Warm start (donor's ``W``, ``b = b' = 0``) vs random start of a sigmoid AE.

    Two fair questions. (1) *I already have trained weights: does reusing them help?* The donor's
    ``donor_epochs`` are sunk cost: warm and random starts both get ``epochs`` epochs. (2) *Is it
    worth training a donor first?* Equal total compute: the warm start's ``donor_epochs + epochs``
    against a random start trained ``donor_epochs + epochs`` epochs, and the donor simply trained on
    (biases kept) for ``epochs`` more. Every arm has its own rate, tuned on validation.

    Parts, each a verdict over seeds (paired by seed):
    faster (test loss after epoch 1), better (after ``epochs``: question 1), worth-a-donor
    (question 2), biases-slow (after epoch 1 the biases have closed a smaller fraction of their
    distance to the donor's biases than the loss has of its gap to the donor's loss), sharpen (median
    filter contrast after training above the donor's), shape (median cosine of each filter with
    its own donor filter above the median cosine of a donor filter with its nearest *other* one).
    """
    s = _setup(mode)
    E, E2 = s.epochs, s.donor_epochs + s.epochs
    spec = {"warm start (donor W, biases 0)": _arm("sigmoid", "warm", E, s),
            f"random start, {E} epochs": _arm("sigmoid", "random", E2, s, at=E),
            f"random start, {E2} epochs": _arm("sigmoid", "random", E2, s)}
    if s.continued:
        spec["donor trained on (biases kept)"] = _arm("sigmoid", "continued", E, s)
    arms = run_arms(spec, s.sigmoid_lrs, s.seeds, s.tuning_seeds, progress=progress)
    warm, rand_e, rand_2e = list(arms.values())[:3]
    w_runs = _runs(warm, "sigmoid", "warm", E, s)
    r_runs = _runs(rand_e, "sigmoid", "random", E2, s)
    donors = [donor(seed, s) for seed in s.seeds]
    _, _, test = data(s.fit_every)
    donor_loss = [d.loss(test.X) for d in donors]
    n = len(s.seeds)

    # (loss gap closed, bias distance closed) after epoch 1
    loss_closed = [(r["start_loss"] - r["at"][1]["test"]) / (r["start_loss"] - dl) for r, dl in zip(w_runs, donor_loss)]
    bias_closed = [r["at"][1]["bias"] for r in w_runs]
    donor_contrast = [_median(metrics.filter_contrast(d.params["W"])) for d in donors]
    verdicts = [
        compare([r["at"][1]["test"] for r in w_runs], [r["at"][1]["test"] for r in r_runs], "07.warm/faster",
                "learns faster: lower test loss than a random start after 1 epoch",
                names=("warm start", "random start")),
        compare(warm, rand_e, "07.warm/better",
                f"ends better, donor's training as sunk cost: lower test loss than a random start after {E} epochs each",
                names=("warm start", "random start")),
        compare(warm, rand_2e, "07.warm/worth-a-donor",
                f"worth training a donor first, equal compute: warm start ({s.donor_epochs} donor + {E} epochs) "
                f"vs a random start trained {E2} epochs", names=("warm start", "random start")),
        compare(loss_closed, bias_closed, "07.warm/biases-slow",
                "the biases come back only slowly: after 1 epoch they have closed less of their distance to the "
                "donor's biases than the loss has of its gap to the donor's loss",
                higher_is_better=True, names=("loss gap closed", "bias distance closed")),
        compare([r["at"][E]["contrast"] for r in w_runs], donor_contrast, "07.warm/sharpen",
                f"the features sharpen: median filter contrast after {E} epochs above the donor's",
                higher_is_better=True, names=("warm start", "donor")),
        compare([r["at"][E]["shape"] for r in w_runs],
                [_median(nearest_other_cos(d.params["W"])) for d in donors], "07.warm/shape",
                "the features keep their shape: each filter is closer (median cosine) to its own donor filter "
                "than a donor filter is to its nearest other one", higher_is_better=True,
                names=("own donor filter", "nearest other filter")),
    ]
    worth = verdicts[2]
    donor_fair = ("the rate the random start chose on validation for the same epochs, so the donors are as well "
                  f"trained as a random start is after the same {s.donor_epochs} epochs" if rand_e.lr == DONOR_LR else
                  f"not the rate the random start chose ({rand_e.lr:g}): the donors may be under-trained")
    notes = [
        f"Donors: {s.donor_epochs} epochs at lr {DONOR_LR:g} ({donor_fair}), test loss {_pm(donor_loss)}; the warm start "
        f"begins at {_pm([r['start_loss'] for r in w_runs])} (biases 0), a random start at "
        f"{_pm([r_['start_loss'] for r_ in r_runs])} (default init: Glorot-uniform, biases 0).",
        f"After 1 epoch: loss gap to the donor closed {_pm(loss_closed)}"
        + (" (above 1: after one epoch the warm start is already below the donor's loss)"
           if np.mean(loss_closed) > 1 else "")
        + f", bias distance closed {_pm(bias_closed)}; "
        f"after {E} epochs the bias distance is closed {_pm([r['at'][E]['bias'] for r in w_runs])}.",
        f"Filter contrast: donor {_pm(donor_contrast)}, warm start after {E} epochs "
        f"{_pm([r['at'][E]['contrast'] for r in w_runs])}; cosine with own donor filter "
        f"{_pm([r['at'][E]['shape'] for r in w_runs])}.",
        "At equal compute a donor is " + {"holds": "worth training first",
                                          "does not hold": "not worth training first: the random start is ahead",
                                          "inconclusive": "neither clearly worth it nor clearly not"}[worth.outcome]
        + "."]
    if s.continued:
        cont = arms["donor trained on (biases kept)"]
        c = compare(cont, warm, "", names=("donor trained on", "warm start"))
        notes.append("Simply training the donor on (biases kept) instead of resetting its biases "
                     + {"holds": "beats the warm start", "does not hold": "is behind the warm start",
                        "inconclusive": "cannot be told apart from the warm start"}[c.outcome]
                     + f" ({_signed(c.diff)}, margin {c.margin:.2g} nats).")
    if s.continued:
        rb = run_arms({"random": _arm("sigmoid", "random_bias", E, s)}, s.sigmoid_lrs, s.seeds,
                      s.tuning_seeds, progress=progress)["random"]
        rb_runs = _runs(rb, "sigmoid", "random_bias", E, s)
        c = compare([r["at"][1]["test"] for r in w_runs], [r["at"][1]["test"] for r in rb_runs], "",
                    names=("warm start", "random start"))
        notes.append("With the random start's output bias at the logit of the mean pixel instead of the default 0 "
                     f"(lr {rb.lr:g}), it begins at {_pm([r['start_loss'] for r in rb_runs])} and after 1 epoch "
                     f"scores {_pm([r['at'][1]['test'] for r in rb_runs])} against the warm start's "
                     f"{_pm([r['at'][1]['test'] for r in w_runs])}: 'learns faster' "
                     + {"holds": "still holds", "does not hold": "is reversed",
                        "inconclusive": "becomes inconclusive"}[c.outcome]
                     + f" ({_signed(c.diff)}, margin {c.margin:.2g}); after {E} epochs it scores {_pm(rb.scores)}.")
    if s.long_epochs:
        notes.append(_longer_budget_note("sigmoid", s.sigmoid_lrs, s, E, ("warm", "warm start", "random start"),
                                         progress))
    report = ClaimReport("07.warm", f"{_budget(s, E)} after the start (random start also {E2} epochs; donors "
                         f"{s.donor_epochs} epochs)", arms, {"donor (before the reset)": float(np.mean(donor_loss))},
                         verdicts, "test cross-entropy per digit (nats), lower is better", notes)
    report.curves = {"warm start (donor W, biases 0)": np.mean([r["val"] for r in w_runs], axis=0),
                     "random start": np.mean([r["val"] for r in _runs(rand_2e, "sigmoid", "random", E2, s)], axis=0)}
    report.donor_loss = float(np.mean(donor_loss))
    report.models = {"random": r_runs[0]["model"], "warm": w_runs[0]["model"], "donor": donors[0]}
    report.n_seeds = n
    return report


def _signed(x):
    return f"{x:+.3g}"


# ---- 07.relu -------------------------------------------------------------------------------
@claim("07.relu", lesson="07", curriculum="Starting a ReLU AE from sigmoid-trained W: the features do not collapse, "
       "but drift (\"dilute\") towards the typical ReLU look.")
def relu_transplant(mode: str = "quick", progress: bool = False) -> ClaimReport:
    r"""A ReLU-encoder AE (sigmoid output, cross-entropy) from the donor's ``W`` (biases 0) vs from random.

    Both get ``epochs`` epochs, each at its own rate tuned on validation. Parts:
    no-collapse (dead units, never active on a test digit, below 10% of the units), ends-better
    (the transplant's test loss below the random ReLU start's: what a transplant is for),
    drift/contrast and drift/spread (after training, the transplant's median filter contrast /
    spread is closer to the random ReLU model's than the donor's was: "towards the ReLU look").
    """
    s = _setup(mode)
    E = s.epochs
    arms = run_arms({"ReLU from donor W": _arm("relu", "warm", E, s),
                     "ReLU from random": _arm("relu", "random", E, s)},
                    s.relu_lrs, s.seeds, s.tuning_seeds, progress=progress)
    tr, rr = arms.values()
    t_runs, r_runs = _runs(tr, "relu", "warm", E, s), _runs(rr, "relu", "random", E, s)
    _, _, test = data(s.fit_every)
    donors = [donor(seed, s) for seed in s.seeds]
    d_nums = [filter_numbers(d, test.X) for d in donors]
    t_end, r_end = [r["at"][E] for r in t_runs], [r["at"][E] for r in r_runs]
    line = COLLAPSE_LINE * N_HIDDEN

    def gap(a, b, key):
        return [abs(x[key] - y[key]) for x, y in zip(a, b)]

    verdicts = [
        compare([x["dead"] for x in t_end], [line] * len(t_end), "07.relu/no-collapse",
                f"the features do not collapse: fewer than {line:g} of {N_HIDDEN} units dead (0 on every test digit)",
                names=("ReLU from donor W", "collapse line")),
        compare(tr, rr, "07.relu/ends-better",
                f"the transplant ends better than a random ReLU start (test loss after {E} epochs each)",
                names=("ReLU from donor W", "ReLU from random")),
        compare(gap(t_end, r_end, "contrast"), gap(d_nums, r_end, "contrast"), "07.relu/drift-contrast",
                "the features drift towards the ReLU look in contrast: the transplant's median filter contrast is "
                "closer to a random ReLU model's than the donor's is", names=("transplant", "donor")),
        compare(gap(t_end, r_end, "spread"), gap(d_nums, r_end, "spread"), "07.relu/drift-spread",
                "the features drift towards the ReLU look in spread: the transplant's median filter spread is "
                "closer to a random ReLU model's than the donor's is", names=("transplant", "donor")),
    ]
    worse_every_epoch = sum(all(a > b for a, b in zip(t["val"], r["val"])) for t, r in zip(t_runs, r_runs))
    n = len(s.seeds)
    notes = [
        f"Validation loss per epoch, mean over seeds: from donor W {[round(float(x), 1) for x in np.mean([r['val'] for r in t_runs], 0)]}, "
        f"from random {[round(float(x), 1) for x in np.mean([r['val'] for r in r_runs], 0)]}; the transplant is "
        f"behind the random start at every epoch in {worse_every_epoch} of {n} seeds.",
        f"Median filter contrast: donor {_pm([x['contrast'] for x in d_nums])}, transplant "
        f"{_pm([x['contrast'] for x in t_end])}, random ReLU {_pm([x['contrast'] for x in r_end])}; spread (px): "
        f"donor {_pm([x['spread'] for x in d_nums])}, transplant {_pm([x['spread'] for x in t_end])}, random ReLU "
        f"{_pm([x['spread'] for x in r_end])}.",
        f"Cosine with the donor's filters after {E} epochs: {_pm([r['at'][E]['shape'] for r in t_runs])}; dead units: "
        f"transplant {_pm([x['dead'] for x in t_end])}, random ReLU {_pm([x['dead'] for x in r_end])}.",
    ]
    if s.long_epochs:
        notes.append(_longer_budget_note("relu", s.relu_lrs, s, E, ("transplant", "transplant", "random ReLU start"),
                                         progress))
    report = ClaimReport("07.relu", str(_budget(s, E)), arms, {}, verdicts,
                         "test cross-entropy per digit (nats), lower is better", notes)
    report.curves = {"ReLU from donor W": np.mean([r["val"] for r in t_runs], 0),
                     "ReLU from random": np.mean([r["val"] for r in r_runs], 0)}
    report.worse_every_epoch = worse_every_epoch
    report.numbers = dict(donor=d_nums, transplant=t_end, random=r_end)
    report.models = {"donor": donors[0], "transplant": t_runs[0]["model"], "random": r_runs[0]["model"]}
    return report


# ---- 07.filters ----------------------------------------------------------------------------
@claim("07.filters", lesson="07", curriculum="Sigmoid AEs learn local, sparse, high-contrast filters; ReLU AEs learn "
       "distributed, global, low-contrast ones that work by superposition.")
def filters(mode: str = "quick", progress: bool = False) -> ClaimReport:
    r"""Randomly started sigmoid vs ReLU encoders (sigmoid output), each at its own tuned rate.

    The same runs as the random arms of ``07.warm`` (after ``epochs`` epochs) and ``07.relu``.
    Parts over seeds: sparse (Hoyer sparsity of the test codes, higher = sparser), local (median
    filter spread in pixels, lower = more local), contrast (median peak-over-RMS, higher). "Work by
    superposition" is not measured.
    """
    s = _setup(mode)
    E = s.epochs
    arms = run_arms({"sigmoid": _arm("sigmoid", "random", s.donor_epochs + E, s, at=E),
                     "ReLU": _arm("relu", "random", E, s)},
                    {"sigmoid": s.sigmoid_lrs, "ReLU": s.relu_lrs}, s.seeds, s.tuning_seeds, progress=progress)
    sig, relu = arms.values()
    sig_n = [r["at"][E] for r in _runs(sig, "sigmoid", "random", s.donor_epochs + E, s)]
    relu_n = [r["at"][E] for r in _runs(relu, "relu", "random", E, s)]

    def col(ns, key):
        return [x[key] for x in ns]

    verdicts = [
        compare(col(sig_n, "sparsity"), col(relu_n, "sparsity"), "07.filters/sparse",
                "sigmoid codes are sparser than ReLU codes (Hoyer sparsity of the test codes)",
                higher_is_better=True, names=("sigmoid", "ReLU")),
        compare(col(sig_n, "spread"), col(relu_n, "spread"), "07.filters/local",
                "sigmoid filters are more local than ReLU filters (median spread, pixels)",
                names=("sigmoid", "ReLU")),
        compare(col(sig_n, "contrast"), col(relu_n, "contrast"), "07.filters/contrast",
                "sigmoid filters have higher contrast than ReLU filters (median peak over RMS)",
                higher_is_better=True, names=("sigmoid", "ReLU")),
    ]
    notes = [f"{k}: sigmoid {_pm(col(sig_n, k))}, ReLU {_pm(col(relu_n, k))}" for k in ("sparsity", "spread", "contrast")]
    report = ClaimReport("07.filters", str(_budget(s, E)), arms, {}, verdicts,
                         "test cross-entropy per digit (nats) of the compared models; the verdicts are on the "
                         "filter numbers", notes)
    report.numbers = dict(sigmoid=sig_n, relu=relu_n)
    return report


# ---- 07.transplant -------------------------------------------------------------------------
class CountVerdict(Verdict):
    """A verdict from counts of diverged runs (``diff``: the fraction, ``margin``: the 1/2 line)."""

    @property
    def sentence(self) -> str:
        k, n = self.details["diverged"], self.n
        return (f"{self.a} diverged in {k} of {n} seeds (rule: holds if "
                f"{'more than half' if self.details['want'] == 'diverge' else 'none'} diverge, does not hold if "
                f"{'none' if self.details['want'] == 'diverge' else 'more than half'} do, inconclusive otherwise)")


def count_verdict(diverged, claim_id, what, want, name):
    """``want="diverge"``: holds if more than half of the runs diverged, does not hold if none did;
    ``want="train"``: holds if none diverged, does not hold if more than half did; else inconclusive."""
    k, n = int(sum(diverged)), len(diverged)
    many, none = k > n / 2, k == 0
    outcome = ({True: "holds", False: "does not hold"}[many] if many or none else "inconclusive") if want == "diverge" \
        else ("holds" if none else "does not hold" if many else "inconclusive")
    return CountVerdict(claim_id, what, outcome, k / n, 0.5, n, name, kind="count",
                        details=dict(diverged=k, want=want, per_seed=[bool(x) for x in diverged]))


@lru_cache(maxsize=None)
def leaky_run(scale, lr: float, seed: int, setup: Setup):
    """Leaky-ReLU encoder, linear decoder, squared error, SGD at ``lr``, from ``scale`` x donor W
    (biases 0) or from random (``scale=None``). Returns the History (validation per epoch) and test loss."""
    fit, val, test = data(setup.fit_every)
    model = Autoencoder(784, N_HIDDEN, encoder="leaky_relu", decoder="identity", tied=True, seed=seed)
    if scale is not None:
        model.set_params(W=scale * donor(seed, setup).params["W"], b=0, b_prime=0)
    h = model.fit(fit.X, epochs=setup.transplant_epochs, batch_size=setup.batch_size, lr=lr, loss="squared_error",
                  X_val=val.X, seed=seed, on_divergence="stop")
    return h, (math.nan if h.diverged else model.loss(test.X, loss="squared_error"))


@claim("07.transplant", lesson="07", curriculum="Transplanted weights can make training diverge, depending on their "
       "scale; shrinking them (e.g. by 10x) avoids it.")
def transplant(mode: str = "quick", progress: bool = False) -> ClaimReport:
    r"""Leaky-ReLU encoder + linear decoder + squared error, plain SGD at the fixed rate ``TRANSPLANT_LR``.

    The rate is part of the claim's condition (a smaller one avoids divergence too, so tuning it
    per arm would answer another question); a scan of smaller rates for the full-scale transplant
    is reported as a note. Arms: the donor's ``W`` as it is, ``SHRINK`` x ``W``, random ``W``.
    ``fit(on_divergence="stop")`` calls a run diverged when its loss becomes infinite or grows more
    than tenfold. Parts: full-scale (diverges in more than half of the seeds), shrunk (diverges in none).
    """
    s = _setup(mode)
    arms_spec = {"donor's W": 1.0, f"donor's W x {SHRINK:g}": SHRINK, "random W": None}

    def arm(scale):
        def train(lr, seed):
            h, test_loss = leaky_run(scale, lr, seed, s)
            return (math.nan if h.diverged else h.val_loss[-1]), test_loss
        return train

    arms = run_arms({k: arm(sc) for k, sc in arms_spec.items()}, (TRANSPLANT_LR,), s.seeds, progress=progress)
    runs = {k: [leaky_run(sc, TRANSPLANT_LR, seed, s)[0] for seed in s.seeds] for k, sc in arms_spec.items()}
    full, shrunk, rand = runs.values()
    verdicts = [
        count_verdict([h.diverged for h in full], "07.transplant/full-scale",
                      f"transplanted weights at full scale make training diverge (lr {TRANSPLANT_LR:g})", "diverge",
                      "the full-scale transplant"),
        count_verdict([h.diverged for h in shrunk], "07.transplant/shrunk",
                      f"shrinking them {1 / SHRINK:g}x avoids it (lr {TRANSPLANT_LR:g})", "train",
                      f"the transplant x {SHRINK:g}"),
    ]
    fit, val, test = data(s.fit_every)
    mean_digit = float(((test.X.astype(np.float64) - fit.X.mean(axis=0)) ** 2).sum(axis=1).mean())
    a_shrunk, a_rand = arms[f"donor's W x {SHRINK:g}"], arms["random W"]
    notes = []
    if all(np.isfinite(a_shrunk.scores)) and all(np.isfinite(a_rand.scores)):
        vs = compare(a_shrunk, a_rand, "", names=("shrunk transplant", "random start"))
        notes.append(f"After {s.transplant_epochs} epochs the shrunk transplant scores {_pm(a_shrunk.scores)}, the random "
                     f"start {_pm(a_rand.scores)}: the shrunk transplant is "
                     + {"holds": "ahead of", "does not hold": "behind",
                        "inconclusive": "within the margin of"}[vs.outcome]
                     + f" the random start ({_signed(vs.diff)} ± {vs.margin:.2g}).")
    rises = [max((b / a - 1 for a, b in zip(h.val_loss, h.val_loss[1:])), default=0.0)
             for h in shrunk + rand if not h.diverged]
    n_rise = sum(r > 0 for r in rises)
    notes.append(f"The held-out loss rose from one epoch to the next in {n_rise} of {len(rises)} finished runs "
                 f"(largest rise {max(rises, default=0.0):+.0%}).")
    scan = {}
    for lr in s.lr_scan:
        scan[lr] = sum(leaky_run(1.0, lr, seed, s)[0].diverged for seed in s.seeds)
        if scan[lr] == 0:
            break
    calm = [lr for lr, k in scan.items() if k == 0]
    if scan:
        notes.append("Full-scale transplant at smaller rates: "
                     + ", ".join(f"lr {lr:g}: {k} of {len(s.seeds)} diverged" for lr, k in scan.items())
                     + (f"; it stops diverging at lr {max(calm):g}." if calm else "; it diverged at every rate tried."))
    report = ClaimReport("07.transplant", f"{_budget(s, s.transplant_epochs)} at the fixed lr {TRANSPLANT_LR:g}",
                         arms, {"the average digit": mean_digit}, verdicts,
                         "test squared error per digit (nan: diverged), lower is better", notes)
    report.histories = runs
    report.scan = scan
    report.mean_digit = mean_digit
    report.rises = rises
    return report


_AGAIN = {"holds": "still holds", "does not hold": "is reversed", "inconclusive": "becomes inconclusive"}


def _longer_budget_note(encoder, lrs, s, E, labels, progress):
    """One note: does 'ends better' survive ``s.long_epochs`` epochs each (rates tuned again)?

    ``labels``: (short name of the warm arm, its name in the sentence, the random arm's name).
    """
    L = s.long_epochs
    long = run_arms({"warm": _arm(encoder, "warm", L, s), "random": _arm(encoder, "random", L, s)},
                    lrs, s.seeds, s.tuning_seeds, progress=progress)
    c = compare(long["warm"], long["random"], "", names=labels[1:])
    return (f"Trained {L} epochs each instead of {E} (lr tuned again: {labels[0]} {long['warm'].lr:g}, random "
            f"{long['random'].lr:g}): {labels[1]} {_pm(long['warm'].scores)}, {labels[2]} "
            f"{_pm(long['random'].scores)}, so 'ends better' " + _AGAIN[c.outcome]
            + f" ({_signed(c.diff)}, margin {c.margin:.2g}).")

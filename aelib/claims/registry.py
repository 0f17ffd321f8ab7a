"""The course's claims, by id: each is a function ``run(mode) -> ClaimReport``.

A lesson module registers its experiments with :func:`claim`; the notebook calls
``run("quick")`` (the notebook's time budget) and ``scripts/evidence.py`` calls every
registered claim with ``"thorough"`` (more seeds, the full learning-rate grid, longer training)
and writes ``evidence/results/<id>.json`` and ``evidence/RESULTS.md``. A test holds each notebook's
printed quick verdict equal to the thorough one.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from .. import _validate as v
from .protocol import ArmResult, Verdict

MODES = ("quick", "thorough")
LESSON_MODULES = ("lesson01", "lesson02", "lesson04", "lesson05", "lesson06", "lesson07", "lesson08", "lesson09")
REGISTRY: dict[str, "Claim"] = {}


@dataclass
class ClaimReport:
    """What one claim check measured: budget, arms, baselines, verdicts (one per part)."""
    claim: str
    budget: str                                  # e.g. str(Budget(...)): the same for every arm
    arms: dict = field(default_factory=dict)     # name -> ArmResult
    baselines: dict = field(default_factory=dict)  # name -> score (PCA, the average digit, ...)
    verdicts: list = field(default_factory=list)   # Verdict, one per part of the claim
    score: str = ""                              # what the scores are, with units
    notes: list = field(default_factory=list)     # sentences chosen from numbers
    extras: dict = field(default_factory=dict)    # what a notebook may plot or print (runs, models); not saved

    def table(self) -> str:
        """The arms and baselines, one line each (mean ± sd, lr chosen)."""
        lines = [f"{self.claim}: {self.score}; budget per arm: {self.budget}"]
        width = max([len(n) for n in list(self.arms) + list(self.baselines)] + [10])
        for name, arm in self.arms.items():
            grid = ", ".join(f"{x:g}" for x in arm.lr_grid)
            lines.append(f"  {name:<{width}}  {arm.mean:8.3g} ± {arm.sd:<6.2g} over {len(arm.scores)} seeds, "
                         f"lr {arm.lr:g} chosen from {{{grid}}}")
        for name, value in self.baselines.items():
            lines.append(f"  {name:<{width}}  {value:8.3g}   (baseline, no training choice)")
        return "\n".join(lines)

    def __str__(self):
        return "\n".join([self.table(), *map(str, self.verdicts), *self.notes])

    __repr__ = __str__

    def as_dict(self) -> dict:
        return dict(claim=self.claim, budget=self.budget, score=self.score,
                    arms={k: a.as_dict() for k, a in self.arms.items()},
                    baselines={k: float(x) for k, x in self.baselines.items()},
                    verdicts=[x.as_dict() for x in self.verdicts], notes=list(self.notes))


@dataclass
class Claim:
    id: str
    lesson: str
    curriculum: str            # the claim as CURRICULUM.md states it
    run: Callable               # run(mode) -> ClaimReport


def claim(id: str, lesson: str, curriculum: str):
    """Decorator: register ``run(mode)`` as the experiment of claim ``id``."""
    def register(run):
        REGISTRY[id] = Claim(id, lesson, curriculum, run)
        return run
    return register


def load_all() -> dict:
    """Import every lesson's claim module and return the registry."""
    for name in LESSON_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return REGISTRY


def evidence_dir():
    """``evidence/`` at the top of the repository (beside ``aelib/``)."""
    from pathlib import Path
    return Path(__file__).resolve().parent.parent.parent / "evidence"


def stored_report(claim_id: str) -> dict:
    """What the thorough run (``make evidence``) stored for claim ``claim_id``: budget, arms, verdicts, notes.

    Reads ``evidence/results/<claim_id>.json`` (found beside the ``aelib`` package, so a notebook's
    working directory does not matter); raises ``FileNotFoundError`` naming it, with the command
    that makes it.
    """
    import json
    path = evidence_dir() / "results" / f"{claim_id}.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make evidence ONLY={claim_id}` to make it.")
    return json.loads(path.read_text())


def stored_verdicts(claim_id: str, parts=None) -> list:
    """The verdicts of claim ``claim_id`` as the thorough run (``make evidence``) stored them.

    For a notebook that quotes a thorough result it does not re-run (a longer budget, say):
    printing them gives the same ``Verdict [...]`` lines as the run did. ``parts``: the part
    ids to return (default: all). Reads ``evidence/results/<claim_id>.json``, a file of the
    repository; raises ``FileNotFoundError`` naming it, with the command that makes it.
    """
    out = []
    for d in stored_report(claim_id)["verdicts"]:
        if parts is None or d["claim"] in parts:
            out.append(Verdict(**{k: d[k] for k in ("claim", "what", "outcome", "diff", "margin", "n", "a", "b",
                                                    "kind", "tolerance", "details")}))
    return out


def check_mode(mode: str) -> str:
    return v.check_choice(mode, "mode", MODES, "the claim check")


__all__ = ["ArmResult", "Claim", "ClaimReport", "MODES", "REGISTRY", "Verdict", "check_mode", "claim", "evidence_dir",
           "load_all", "stored_report", "stored_verdicts"]

"""Claim checks: the fair-experiment protocol (:mod:`aelib.claims.protocol`) and the registry of
every claim of the course, so that a notebook's quick check and the thorough run
(``make evidence``, ``scripts/evidence.py``) run the same experiment.

Each lesson's experiments live in ``aelib/claims/lessonNN.py``; a notebook calls them with
``mode="quick"``, the thorough run with ``mode="thorough"`` (more seeds, the full learning-rate
grid, longer training). Results of the thorough run: ``evidence/RESULTS.md``.
"""
from .protocol import (OUTCOMES, ArmResult, Budget, Verdict, balanced_subset, compare, equivalent, margin_of,
                       paired_differences, run_arms, summary, t975, validation_split)

__all__ = ["OUTCOMES", "ArmResult", "Budget", "Verdict", "balanced_subset", "compare", "equivalent", "margin_of",
           "paired_differences", "run_arms", "summary", "t975", "validation_split"]

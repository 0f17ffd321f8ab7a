#!/usr/bin/env python3
"""Make an nbgrader course folder from ``solutions/``: answers, autograded checks, hidden asserts.

    python scripts/nbgrader_course.py ~/ae-course                 # every solution notebook
    python scripts/nbgrader_course.py ~/ae-course 01_hidden_layers.ipynb

nbgrader wants each assignment as ``<course>/source/<assignment>/<notebook>.ipynb`` and, to
grade automatically, each cell typed in its metadata. The solution notebooks already carry the
answers between nbgrader's own ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers; this script
copies each one to ``source/<stem>/<stem>.ipynb`` (one assignment per lesson) and adds the
metadata that nbgrader's "Create Assignment" toolbar would add by hand:

* a code cell with a solution region is an *autograded answer* (``solution``);
* a markdown cell with a solution region is a *manually graded answer* (``solution`` + ``grade``,
  1 point): a written explanation that the instructor reads;
* a code cell (without a solution region) that calls a check, e.g. ``checks.check_1_1(layer);``,
  becomes an *autograder test* worth 1 point. The checks print their verdict and return
  True/False without raising (so that learners can run the notebook top to bottom), so the cell
  gets a **hidden test** between nbgrader's ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``
  markers: it loads a fresh copy of the checks from the installed files (``importlib`` on the file
  path of ``aelib/checks/``, never the ``aelib.checks`` module object, which an answer cell could have
  rebound), calls the same check on the same answers with its printout swallowed (the learner already
  saw the message once, above), and asserts the result. ``nbgrader generate_assignment`` removes it
  from the learners' copy (which is then the same as ``exercises/``), and ``nbgrader autograde`` puts
  it back, so a wrong or missing answer, or one that redefines the checks, loses the point.

Everything else (cell ids, sources, outputs) is copied unchanged, and ``solutions/`` is never
modified. The script also writes ``<course>/nbgrader_config.py`` (course id, the stubs that
``make exercises`` uses, a generous execution timeout) unless one exists. Then, in the course
folder::

    nbgrader generate_assignment 01_hidden_layers --force   # -> release/01_hidden_layers/
    nbgrader autograde 01_hidden_layers                     # grades submitted/<student>/01_hidden_layers/
    nbgrader generate_feedback 01_hidden_layers             # -> feedback/<student>/01_hidden_layers/*.html
    nbgrader export                                         # -> grades.csv
"""
from __future__ import annotations

import ast
import copy
import re
import sys
from pathlib import Path

import nbformat

from nbtools import BEGIN, SOLUTIONS, has_solution, solution_paths

SCHEMA_VERSION = 3

CONFIG = '''\
# nbgrader configuration for the autoencoders course (written by scripts/nbgrader_course.py).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "autoencoders"
# The same stubs as `make exercises` (and nbgrader's defaults), so the learner copies agree.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Some checks train a small model: give each cell time on a busy shared hub.
c.ExecutePreprocessor.timeout = 600
'''


def check_calls(source: str) -> list[str]:
    """The source text of each top-level call of a check (``check_N_M(...)`` or ``checks.check_N_M(...)``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls = []
    for node in tree.body:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name.startswith("check_"):
                calls.append(ast.get_source_segment(source, node.value))
    return calls


# The hidden test's first lines: a fresh copy of aelib/checks/ loaded from its files, under a private name.
FRESH_CHECKS = """\
import contextlib as _contextlib, importlib.util as _iu, io as _io, os as _os, sys as _sys
for _name in [_n for _n in _sys.modules if _n.startswith("aelib._graded_checks")]:
    del _sys.modules[_name]
_origin = _iu.find_spec("aelib.checks").origin  # the installed aelib/checks/__init__.py
_spec = _iu.spec_from_file_location("aelib._graded_checks", _origin,
                                    submodule_search_locations=[_os.path.dirname(_origin)])
_graded = _iu.module_from_spec(_spec)
_sys.modules["aelib._graded_checks"] = _graded
_spec.loader.exec_module(_graded)"""


def hidden_test(calls: list[str]) -> str:
    """The hidden test cell text: the check calls re-run on a fresh copy of the checks, silently, and asserted."""
    lines = [FRESH_CHECKS]
    for call in calls:
        fresh = re.sub(r"^(?:[A-Za-z_][\w.]*\.)?(check_\d+_\d+)\s*\(", r"_graded.\1(", call, count=1)
        lines.append("with _contextlib.redirect_stdout(_io.StringIO()):  # the message was printed once, above\n"
                     f"    _passed = {fresh}\n"
                     "assert _passed, 'this exercise is not solved yet (see the message above)'")
    return "\n".join(lines)


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def to_nbgrader(nb, name: str = "notebook"):
    """A copy of solution notebook ``nb`` with nbgrader cell metadata and hidden tests added."""
    nb = copy.deepcopy(nb)
    n_answers = n_tests = 0
    for i, cell in enumerate(nb.cells):
        cid = cell.get("id") or f"cell{i}"
        has_answer = has_solution(cell.source)
        if cell.cell_type == "markdown" and has_answer:
            cell.metadata["nbgrader"] = _meta(f"answer-{cid}", solution=True, grade=True, locked=False, points=1)
            n_answers += 1
        elif cell.cell_type == "code" and has_answer:
            cell.metadata["nbgrader"] = _meta(f"answer-{cid}", solution=True, grade=False, locked=False)
            n_answers += 1
        elif cell.cell_type == "code" and check_calls(cell.source):
            hidden = hidden_test(check_calls(cell.source))
            cell.source = cell.source.rstrip("\n") + "\n### BEGIN HIDDEN TESTS\n" + hidden + "\n### END HIDDEN TESTS"
            cell.metadata["nbgrader"] = _meta(f"check-{cid}", solution=False, grade=True, locked=True, points=1)
            n_tests += 1
    if n_answers == 0:
        raise ValueError(f"{name}: no '{BEGIN}' region: not an exercise notebook.")
    return nb, n_answers, n_tests


def write_course(course: Path, names=()) -> list[Path]:
    """Write ``course/source/<stem>/<stem>.ipynb`` for each solution notebook; return their paths."""
    paths = solution_paths(names)
    course.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    written = []
    for p in paths:
        nb, n_answers, n_tests = to_nbgrader(nbformat.read(p, as_version=4), p.name)
        target = course / "source" / p.stem / p.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
        print(f"{target}: {n_answers} answer cell(s), {n_tests} autograded check(s)")
    return written


def main(argv) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    if not any(SOLUTIONS.glob("*.ipynb")):
        print("solutions/ has no notebooks yet", file=sys.stderr)
        return 1
    write_course(Path(argv[0]).expanduser(), argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""nbgrader takes the solution notebooks as they are: the commands in INSTRUCTORS.md, run for real.

1. ``python scripts/nbgrader_course.py COURSE`` lays the solutions out as an nbgrader course
   (``source/<lesson>/<lesson>.ipynb``, cell metadata, hidden tests that re-run each check on a fresh
   copy of ``aelib/checks/`` loaded from its files);
2. ``nbgrader generate_assignment "*" --force`` makes the learner copies in ``release/``:
   their cells must match ``exercises/`` (made by ``make exercises``), and no answer may leak;
3. ``nbgrader autograde`` grades two submissions of one lesson, the untouched learner copy
   (0 points), the copy with every answer filled in (full marks for the automatic part) and one
   whose answer cell rebinds the checks to return True (0 points); each message is printed once;
   and ``nbgrader export`` writes the grades.

Normalising the stubs. For an answer inside a block (a function body) ``make exercises`` writes
nbgrader's own stub, ``# YOUR CODE HERE`` + ``raise NotImplementedError()``, so those cells are
identical. For an answer at the top level of a cell (``prediction = "sigmoid"``) it writes
``# YOUR CODE HERE`` + ``prediction = ...`` instead, so that "Run all" does not stop there with a
traceback; nbgrader's stub is one fixed text per language and cannot name the variables, so its
copy has ``raise NotImplementedError()`` there. The comparison maps both stubs to one marker;
INSTRUCTORS.md tells instructors about the difference.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader", reason="nbgrader is in the 'instructor' extra: pip install -e '.[instructor]'")
import nbgrader_course  # noqa: E402  (after the skips: it needs nbformat)

REPO = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((REPO / "solutions").glob("*.ipynb"))
GRADED = "01_hidden_layers"  # the lesson whose submissions are autograded (one is enough, and it is quick)


pytestmark = pytest.mark.skipif(not SOLUTIONS, reason="solutions/ has no notebooks yet")

ANSWER = "<<answer>>"


def normalise(source: str) -> str:
    """Both generators' stubs -> one marker (see the module docstring)."""
    source = re.sub(r"(?m)^([ \t]*)# YOUR CODE HERE\n\1raise NotImplementedError\(\)[ \t]*$", rf"\1{ANSWER}", source)
    source = re.sub(r"(?m)^# YOUR CODE HERE\n(?:[A-Za-z_]\w* = \.\.\.(?:\n|$))+", ANSWER + "\n", source)
    return source.rstrip("\n")


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    # nbgrader runs `alembic` (installed beside it) as a command: the venv's bin must be on PATH
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    assert nbgrader_course.main([str(root)]) == 0
    nbgrader("generate_assignment", "*", "--force", cwd=root)
    return root


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_nbgrader_learner_copy_matches_exercises(course, solution):
    released = course / "release" / solution.stem / solution.name
    assert released.exists(), f"nbgrader did not release {solution.name}"
    exercise = REPO / "exercises" / solution.name
    if not exercise.exists():
        pytest.skip(f"exercises/{solution.name} not generated yet (make exercises)")
    rel = nbformat.read(released, as_version=4)
    ex = nbformat.read(exercise, as_version=4)
    assert [c.get("id") for c in rel.cells] == [c.get("id") for c in ex.cells]
    for r, e in zip(rel.cells, ex.cells):
        assert r.cell_type == e.cell_type, f"cell {r.get('id')}: {r.cell_type} vs {e.cell_type}"
        assert normalise(r.source) == normalise(e.source), (
            f"{solution.name}, cell {r.get('id')}: nbgrader's learner copy differs from exercises/\n"
            f"--- nbgrader:\n{r.source}\n--- exercises/:\n{e.source}")


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_no_answer_or_hidden_test_leaks_into_the_learner_copy(course, solution):
    text = (course / "release" / solution.stem / solution.name).read_text(encoding="utf-8")
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    source = nbformat.read(solution, as_version=4)
    released = "\n".join(c.source for c in nbformat.read(course / "release" / solution.stem / solution.name,
                                                         as_version=4).cells)
    for cell in source.cells:
        lines = cell.source.split("\n")
        inside = False
        for line in lines:
            if line.strip() == "### BEGIN SOLUTION":
                inside = True
            elif line.strip() == "### END SOLUTION":
                inside = False
            elif inside and len(line.strip()) > 25:
                assert line not in released, f"{solution.name}: the answer line {line.strip()!r} is in the learner copy"


def test_autograde_scores_an_empty_and_a_complete_submission(course):
    if not (REPO / "solutions" / f"{GRADED}.ipynb").exists():
        pytest.skip(f"solutions/{GRADED}.ipynb not written yet")
    name = f"{GRADED}.ipynb"
    release = nbformat.read(course / "release" / GRADED / name, as_version=4)
    source = {c.get("id"): c for c in nbformat.read(course / "source" / GRADED / name, as_version=4).cells}
    # "learner" hands in the copy untouched; "expert" fills in every answer cell, as a learner would
    filled = nbformat.from_dict(release)
    for cell in filled.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = source[cell.get("id")].source
    # "cheater" answers nothing but rebinds the checks (and a framework helper) to always pass, in its first
    # answer cell: the hidden tests load the checks afresh from the files, so it must still score 0
    cheat = nbformat.from_dict(release)
    first = next(c for c in cheat.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code")
    first.source = ("import aelib.checks, aelib.checks.framework, sys\n"
                    "for _n in aelib.checks.__all__:\n"
                    "    setattr(aelib.checks, _n, lambda *a, **k: True)\n"
                    "aelib.checks.framework._close = lambda *a, **k: True\n"
                    "sys.modules['aelib.checks'] = aelib.checks\n"
                    + first.source)
    for student, nb in [("learner", release), ("expert", filled), ("cheater", cheat)]:
        folder = course / "submitted" / student / GRADED
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / name)
    nbgrader("autograde", GRADED, cwd=course)
    nbgrader("export", cwd=course)
    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(open(course / "grades.csv"))}
    n_checks = sum(1 for c in source.values() if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code")
    n_written = sum(1 for c in source.values() if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "markdown")
    assert n_checks >= 3
    assert float(rows[(GRADED, "learner")]["score"]) == 0.0
    assert float(rows[(GRADED, "learner")]["max_score"]) == n_checks + n_written
    # the written answers wait for the instructor: the automatic part is full marks
    assert float(rows[(GRADED, "expert")]["score"]) == n_checks
    assert float(rows[(GRADED, "cheater")]["score"]) == 0.0, "rebinding aelib.checks in an answer cell earned points"
    # the manual step of INSTRUCTORS.md: the instructor scores each written answer, then exports again
    from nbgrader.api import Gradebook
    written = [c.metadata["nbgrader"]["grade_id"] for c in source.values()
               if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "markdown"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for grade_id in written:
            gb.find_grade(grade_id, GRADED, GRADED, "expert").manual_score = 1
        gb.db.commit()
    nbgrader("export", cwd=course)
    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(open(course / "grades.csv"))}
    assert float(rows[(GRADED, "expert")]["score"]) == n_checks + n_written
    graded = nbformat.read(course / "autograded" / "learner" / GRADED / name, as_version=4)
    assert "not answered yet" in nbformat.writes(graded)  # the check's own feedback is in the graded copy
    for cell in graded.cells:  # ... printed once: the hidden test re-runs the check silently
        text = "".join(o.get("text", "") for o in cell.get("outputs", []))
        for number in re.findall(r"Exercise (\d+\.\d+)", text):
            assert text.count(f"Exercise {number}:") == 1, f"cell {cell.get('id')} prints its message twice:\n{text}"


# ----------------------------------------------------------------- the metadata script, on small inputs

def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) if kind == "code" else nbformat.v4.new_markdown_cell(s) for kind, s in cells]
    for i, c in enumerate(nb.cells):
        c["id"] = f"c{i}"
    return nb


def test_cells_get_the_nbgrader_types_a_teacher_would_give_them():
    nb, n_answers, n_tests = nbgrader_course.to_nbgrader(_nb(
        ("code", "import numpy as np"),
        ("code", "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
        ("code", "checks.check_9_1(f);"),
        ("code", "print('setup')\ncheck_9_2(f, 3)"),
        ("markdown", "### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
    ), "demo")
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    assert meta[0] is None
    assert meta[1]["solution"] and not meta[1]["grade"]
    assert meta[2]["grade"] and meta[2]["locked"] and meta[2]["points"] == 1 and not meta[2]["solution"]
    hidden = nb.cells[2].source.split("### BEGIN HIDDEN TESTS\n")[1]
    assert hidden.endswith("    _passed = _graded.check_9_1(f)\n"
                           "assert _passed, 'this exercise is not solved yet (see the message above)'\n### END HIDDEN TESTS")
    assert "spec_from_file_location" in hidden and "redirect_stdout" in hidden
    assert "_passed = _graded.check_9_2(f, 3)" in nb.cells[3].source
    assert meta[4]["solution"] and meta[4]["grade"]  # a written answer is graded by hand
    assert (n_answers, n_tests) == (2, 2)


def test_a_notebook_without_answers_is_refused():
    with pytest.raises(ValueError, match="demo: no '### BEGIN SOLUTION' region"):
        nbgrader_course.to_nbgrader(_nb(("code", "checks.check_9_1(f)")), "demo")


def test_the_stub_normalisation_only_maps_stubs():
    assert normalise("def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()") == f"def f():\n    {ANSWER}"
    assert normalise("# YOUR CODE HERE\nprediction = ...\nscale = ...\n") == ANSWER
    assert normalise("# YOUR CODE HERE\nraise NotImplementedError()") == ANSWER
    assert normalise("prediction = 'up'") == "prediction = 'up'"  # an answer is not a stub
    assert normalise("# YOUR CODE HERE\nprediction = 3") != ANSWER

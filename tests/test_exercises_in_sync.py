"""exercises/ is generated from solutions/ by scripts/make_exercises.py (``make exercises``).

The learner copies must match what the generator makes from the solutions today (cell types, ids
and sources; outputs are recorded by executing them and checked by nbval), contain no worked
answer, and every answer region must become a gap that the checks report as "not answered yet".
"""
from __future__ import annotations

import re
from pathlib import Path

import make_exercises as gen
import nbformat
import nbtools
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def test_there_is_an_exercise_notebook_per_lesson():
    names = {p.name for p in SOLUTIONS}
    for nn in ("01", "02", "03", "04", "05", "06", "07", "08"):
        assert any(n.startswith(nn + "_") for n in names), f"no solutions/{nn}_*.ipynb"
    assert names == {p.name for p in (ROOT / "exercises").glob("*.ipynb")}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_exercises_are_up_to_date_with_solutions(path):
    assert gen.stale([path]) == [], "exercises/ is stale: run `make exercises`"


def test_stale_detects_an_edited_solution(tmp_path, monkeypatch):
    sol, ex = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir(), ex.mkdir()
    src = SOLUTIONS[0]
    (sol / src.name).write_bytes(src.read_bytes())
    (ex / src.name).write_bytes((ROOT / "exercises" / src.name).read_bytes())
    monkeypatch.setattr(gen, "SOLUTIONS", sol)
    monkeypatch.setattr(gen, "EXERCISES", ex)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    assert gen.stale([sol / src.name]) == []
    nb = nbformat.read(sol / src.name, as_version=4)
    cell = next(c for c in nb.cells if nbtools.BEGIN in c.source)
    cell.source = "# a new comment\n" + cell.source
    nbformat.write(nb, sol / src.name)
    assert len(gen.stale([sol / src.name])) == 1


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_learner_copy_has_gaps_not_answers(path):
    sol = nbformat.read(path, as_version=4)
    ex = nbformat.read(ROOT / "exercises" / path.name, as_version=4)
    text = "\n".join(c.source for c in ex.cells)
    assert nbtools.BEGIN not in text and nbtools.END not in text
    n_regions = sum(c.source.count(nbtools.BEGIN) for c in sol.cells)
    n_gaps = sum(ln.strip() in (nbtools.CODE_STUB, nbtools.MARKDOWN_STUB) for ln in text.splitlines())
    assert n_regions >= 3 and n_gaps == n_regions
    for s, e in zip(sol.cells, ex.cells):
        if nbtools.BEGIN in s.source:
            answer = s.source.split(nbtools.BEGIN)[1].split(nbtools.END)[0]
            long_lines = [ln.strip() for ln in answer.splitlines() if len(ln.strip()) > 25]
            for ln in long_lines:
                assert ln not in e.source, f"answer line leaked into exercises/{path.name}: {ln}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_each_lesson_mixes_implement_predict_and_explore(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    kinds = set(re.findall(r"## Exercise \d+\.\d+ \((implement|predict, then run|explore)\)", text))
    assert kinds == {"implement", "predict, then run", "explore"}, kinds
    assert len(re.findall(r"## Exercise \d+\.\d+ ", text)) >= 3


def test_generator_replaces_a_function_body_keeping_its_indentation():
    src = "def f(x):\n    \"\"\"doc\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n"
    assert gen.strip_code(src) == ("def f(x):\n    \"\"\"doc\"\"\"\n    # YOUR CODE HERE\n"
                                   "    raise NotImplementedError()\n")


def test_generator_turns_top_level_answers_into_ellipsis_assignments():
    src = "# predict\n### BEGIN SOLUTION\nresults = {k: k * 2 for k in range(3)}\nbest = min(results)\n### END SOLUTION\nprint(1)"
    assert gen.strip_code(src) == "# predict\n# YOUR CODE HERE\nresults = ...\nbest = ...\nprint(1)"


def test_generator_replaces_markdown_answers():
    assert gen.strip_markdown("Why?\n\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION") == "Why?\n\nYOUR ANSWER HERE"


@pytest.mark.parametrize("bad,msg", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without a matching"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "inside another"),
    ("### BEGIN SOLUTION\nprint(1)\n### END SOLUTION\n", "must assign"),
])
def test_generator_rejects_malformed_regions(bad, msg):
    with pytest.raises(ValueError, match=msg):
        gen.strip_code(bad)


def test_generation_is_deterministic():
    a = nbformat.writes(gen.expected(SOLUTIONS[0]))
    b = nbformat.writes(gen.expected(SOLUTIONS[0]))
    assert a == b
    nb = gen.expected(SOLUTIONS[0])
    assert dict(nb.metadata) == nbtools.METADATA
    changed = [c for c in nb.cells if c.cell_type == "code" and nbtools.CODE_STUB in c.source]
    assert changed and all(c.outputs == [] and c.execution_count is None for c in changed)

"""scripts/nbtools.py, the scripts' one toolkit: each part against an answer worked out by hand.

Path expansion on a folder tree made here, compared with the list written out; the runner's CPU
time on notebooks that burn a known amount of CPU (in the kernel and in a child process of it);
recording and normalising a hand-written notebook; the solution markers, and the learner copy
make_exercises.py makes from them, on cells written here. And the rule that keeps the toolkit
the only way in: no file of scripts/ or benchmarks/ touches ``sys.path`` or loads a script by
its file location, and every script but one imports nbtools.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import nbtools
import pytest

ROOT = Path(__file__).resolve().parent.parent
v4 = nbformat.v4


# ---------------------------------------------------------------------------- paths and arguments

def test_root_is_the_repository():
    assert nbtools.ROOT == ROOT
    assert nbtools.SOLUTIONS == ROOT / "solutions" and nbtools.EXERCISES == ROOT / "exercises"
    assert nbtools.GUIDE == ROOT / "INSTRUCTORS.md"


def test_expand_lists_a_folders_notebooks_sorted_then_the_named_files(tmp_path):
    course = tmp_path / "course"
    for name in ("b.ipynb", "a.ipynb", "notes.txt", "sub/c.ipynb", ".ipynb_checkpoints/a-checkpoint.ipynb"):
        (course / name).parent.mkdir(parents=True, exist_ok=True)
        (course / name).write_text("{}")
    (tmp_path / "z.ipynb").write_text("{}")
    got = nbtools.expand([course, tmp_path / "z.ipynb", str(course / "sub")])
    assert got == [course / "a.ipynb", course / "b.ipynb", tmp_path / "z.ipynb", course / "sub" / "c.ipynb"]
    assert nbtools.expand([course / ".ipynb_checkpoints"]) == []
    assert nbtools.expand([]) == []


@pytest.mark.parametrize("bad", ["missing.ipynb", "notes.txt", "no_folder"])
def test_expand_stops_on_an_argument_that_is_neither_folder_nor_notebook(tmp_path, bad):
    (tmp_path / "notes.txt").write_text("not a notebook")
    (tmp_path / "ok.ipynb").write_text("{}")
    with pytest.raises(SystemExit) as info:
        nbtools.expand([tmp_path / "ok.ipynb", tmp_path / bad])
    message = str(info.value)
    assert repr(str(tmp_path / bad)) in message and "neither a folder nor a notebook file" in message
    assert ".ipynb" in message  # what was expected


def test_all_notebooks_are_the_notebooks_git_tracks_in_the_three_folders():
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "--", *[f"{f}/*.ipynb" for f in nbtools.FOLDERS]],
                             capture_output=True, text=True, check=True).stdout.split()
    on_disk = {p.relative_to(ROOT).as_posix() for p in nbtools.all_notebooks()}
    assert {t for t in tracked if "/" not in t.split("/", 1)[1]} <= on_disk
    assert [p.parent.name for p in nbtools.all_notebooks()] == sorted(
        (p.parent.name for p in nbtools.all_notebooks()), key=nbtools.FOLDERS.index)


# ---------------------------------------------------------------------------- solution markers

def test_solution_regions_are_found_by_line_index():
    lines = ["def f(x):", "    ### BEGIN SOLUTION", "    return x", "    ### END SOLUTION",
             "y = 1", "### BEGIN SOLUTION  ", "### END SOLUTION"]
    assert list(nbtools.solution_regions(lines)) == [(1, 3), (5, 6)]
    assert nbtools.has_solution("\n".join(lines)) and not nbtools.has_solution("x = 1  # ### BEGIN SOLUTION")


@pytest.mark.parametrize("lines, says", [
    (["### BEGIN SOLUTION", "### BEGIN SOLUTION", "### END SOLUTION"], "line 2 inside another solution region (opened on line 1)"),
    (["x = 1", "### END SOLUTION"], "'### END SOLUTION' on line 2 without a matching"),
    (["### BEGIN SOLUTION", "x = 1"], "on line 1 is never closed"),
])
def test_unbalanced_markers_are_named_with_their_line(lines, says):
    with pytest.raises(ValueError, match="02_x.ipynb, cell 3") as info:
        list(nbtools.solution_regions(lines, "02_x.ipynb, cell 3"))
    assert says in str(info.value)


def test_the_learner_copy_of_a_hand_written_solution_notebook():
    import make_exercises

    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION\nDone."),
        v4.new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"),
        v4.new_code_cell("### BEGIN SOLUTION\na, b = 1, 2\n### END SOLUTION\nprint(a + b)"),
        v4.new_code_cell("check(f)"),
    ])
    nb.cells[1].outputs = [v4.new_output("stream", text="old output\n")]
    nb.cells[3].outputs = [v4.new_output("stream", text="kept\n")]
    ex = make_exercises.make_exercise(nb, "hand.ipynb")
    assert [c.source for c in ex.cells] == [
        "Why?\nYOUR ANSWER HERE\nDone.",
        "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()",
        "# YOUR CODE HERE\na = ...\nb = ...\nprint(a + b)",
        "check(f)",
    ]
    assert ex.cells[1].outputs == [] and ex.cells[3].outputs[0]["text"] == "kept\n"
    assert [c.id for c in ex.cells] == [c.id for c in nb.cells]
    assert dict(ex.metadata) == nbtools.METADATA
    assert "old output" in nb.cells[1].outputs[0]["text"]  # the solution itself is untouched


def test_solution_paths_name_what_is_not_in_solutions():
    assert nbtools.solution_paths() == sorted((ROOT / "solutions").glob("*.ipynb"))
    with pytest.raises(SystemExit, match="not in solutions/: 99_nothing.ipynb"):
        nbtools.solution_paths(["99_nothing.ipynb"])


# ---------------------------------------------------------------------------- running a notebook

BURN = "import time\nt0 = time.process_time()\nwhile time.process_time() - t0 < {s}:\n    pass"
BURN_IN_A_CHILD = ("import subprocess, sys\n"
                   "subprocess.run([sys.executable, '-c', {code!r}], check=True)")


def test_the_kernel_cpu_time_counts_the_cells_and_their_child_processes(tmp_path):
    """Two runs, one idle and one burning 1.0 s in the kernel and 1.0 s in a child process: the
    reported CPU times differ by 2.0 s (kernel start-up costs the same in both, within 0.5 s)."""
    idle = v4.new_notebook(cells=[v4.new_code_cell("x = 1")])
    busy = v4.new_notebook(cells=[v4.new_code_cell(BURN.format(s=1.0)),
                                  v4.new_code_cell(BURN_IN_A_CHILD.format(code=BURN.format(s=1.0)))])
    base = nbtools.execute(idle, tmp_path, timeout=120)
    run = nbtools.execute(busy, tmp_path, timeout=120)
    assert base.error is None and run.error is None
    assert 2.0 <= run.cpu_seconds - base.cpu_seconds < 2.5, (base, run)
    assert run.seconds >= 2.0
    assert len(busy.cells) == 2, "the CPU probe cell must be removed after the run"
    assert busy.cells[0].outputs == [] and busy.cells[1].execution_count == 2


def test_a_failing_cell_is_returned_with_the_time_so_far(tmp_path):
    from nbclient.exceptions import CellExecutionError

    nb = v4.new_notebook(cells=[v4.new_code_cell("print('before')"), v4.new_code_cell("1 / 0"),
                                v4.new_code_cell("print('never')")])
    run = nbtools.execute(nb, tmp_path, timeout=120)
    assert isinstance(run.error, CellExecutionError) and "ZeroDivisionError" in str(run.error)
    assert run.cpu_seconds is None and run.seconds > 0
    assert nb.cells[0].outputs[0]["text"] == "before\n" and nb.cells[2].outputs == []


def test_a_notebook_runs_in_its_own_folder_and_record_saves_it_normalised(tmp_path):
    (tmp_path / "data.txt").write_text("41")
    nb = v4.new_notebook(cells=[v4.new_code_cell("print(int(open('data.txt').read()) + 1)"),
                                v4.new_markdown_cell("text")])
    nb.metadata = {"kernelspec": {"name": "other", "display_name": "Other"}, "widgets": {"state": 1}}
    nb.cells[1].metadata["collapsed"] = True
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    seconds = nbtools.record(path)
    saved = nbformat.read(path, as_version=4)
    assert seconds > 0 and len(saved.cells) == 2
    assert saved.cells[0].outputs[0]["text"] == "42\n" and saved.cells[0].execution_count == 1
    assert dict(saved.metadata) == nbtools.METADATA
    assert "execution" not in saved.cells[0].metadata and "collapsed" not in saved.cells[1].metadata
    first = path.read_bytes()
    nbtools.record(path)
    assert path.read_bytes() == first, "re-recording an unchanged notebook must give the same bytes"


def test_record_saves_the_outputs_so_far_and_raises_a_failing_cell(tmp_path):
    from nbclient.exceptions import CellExecutionError

    path = tmp_path / "bad.ipynb"
    nbformat.write(v4.new_notebook(cells=[v4.new_code_cell("print('a')"), v4.new_code_cell("raise KeyError('k')")]),
                   path)
    with pytest.raises(CellExecutionError, match="KeyError"):
        nbtools.record(path)
    saved = nbformat.read(path, as_version=4)
    assert saved.cells[0].outputs[0]["text"] == "a\n" and saved.cells[1].outputs[0]["ename"] == "KeyError"
    assert len(saved.cells) == 2


def test_normalise_drops_exactly_the_volatile_metadata():
    nb = v4.new_notebook(cells=[v4.new_code_cell("1"), v4.new_markdown_cell("m")])
    nb.metadata["language_info"] = {"name": "python", "version": "3.12.1"}
    nb.cells[0].metadata.update(execution={"iopub.status.busy": "x"}, scrolled=True, tags=["keep"])
    nb.cells[0].outputs = [v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    nb.cells[0].outputs[0].metadata["execution"] = {"t": 1}
    nb.cells[1].metadata.update(collapsed=False)
    nbtools.normalise(nb)
    assert dict(nb.metadata) == nbtools.METADATA
    assert dict(nb.cells[0].metadata) == {"tags": ["keep"]} and dict(nb.cells[1].metadata) == {}
    assert dict(nb.cells[0].outputs[0].metadata) == {}


# ---------------------------------------------------------------------------- the one way in

def python_files():
    return sorted(p for folder in ("scripts", "benchmarks") for p in (ROOT / folder).rglob("*.py")
                  if "__pycache__" not in p.parts)


def import_path_edits(source: str) -> list[str]:
    """Every ``sys.path`` use and every load of a module from a file location, as 'line: what'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys":
            found.append(f"{node.lineno}: sys.path")
        if isinstance(node, ast.Attribute) and node.attr in ("spec_from_file_location", "addsitedir"):
            found.append(f"{node.lineno}: {node.attr}")
    return sorted(found, key=lambda hit: int(hit.split(':')[0]))


def test_the_finder_finds_a_path_edit():
    source = "import sys\nsys.path.insert(0, 'x')\nimport importlib.util as u\nu.spec_from_file_location('m', 'm.py')"
    assert import_path_edits(source) == ["2: sys.path", "4: spec_from_file_location"]
    assert import_path_edits("CODE = 'sys.path.insert(0, x)'") == []  # text in a string runs nowhere here


def test_no_script_or_benchmark_edits_the_import_path():
    found = [f"{p.relative_to(ROOT)}:{hit}" for p in python_files() for hit in import_path_edits(p.read_text())]
    assert not found, "import the toolkit by name (import nbtools / from scripts import nbtools):\n" + "\n".join(found)


# A script that shares nothing with the others (it only reads pytest's JUnit XML report).
SHARES_NOTHING = {"ci_failures.py"}


def test_every_script_imports_the_toolkit():
    def imports_nbtools(path):
        tree = ast.parse(path.read_text())
        return any(isinstance(n, ast.Import) and any(a.name == "nbtools" for a in n.names)
                   or isinstance(n, ast.ImportFrom) and n.module in ("nbtools", "scripts.nbtools")
                   or isinstance(n, ast.ImportFrom) and n.module == "scripts" and any(a.name == "nbtools" for a in n.names)
                   for n in ast.walk(tree))
    scripts = [p for p in python_files() if p.name != "nbtools.py"]
    missing = [p.relative_to(ROOT).as_posix() for p in scripts if p.name not in SHARES_NOTHING and not imports_nbtools(p)]
    assert not missing, f"these do not use scripts/nbtools.py: {missing}"
    assert (ROOT / "benchmarks" / "bench.py") in scripts


def test_the_benchmark_imports_the_toolkit_as_a_module_from_the_root():
    ok = subprocess.run([sys.executable, "-m", "benchmarks.bench", "--help"], cwd=ROOT, capture_output=True,
                        text=True, timeout=120)
    assert ok.returncode == 0 and "--no-course" in ok.stdout, ok.stderr
    as_file = subprocess.run([sys.executable, "benchmarks/bench.py", "--help"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
    assert as_file.returncode == 1 and "python -m benchmarks.bench" in as_file.stderr

"""The nbval sanitize file is found from the repository root wherever pytest starts (issue 19).

pyproject.toml's addopts name ``tests/nbval_sanitize.cfg`` relative to the root; the root
``conftest.py`` resolves it there when it does not exist from the current folder. The check runs
nbval on a one-cell notebook whose saved output is ``[9.9 s]`` and whose cell prints ``[1.5 s]``:
it passes only when the sanitizer (training times -> ``[TIME]``) was loaded, which a run without the
sanitize file shows by failing.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def timing_notebook():
    folder = REPO / "build" / f"sanitize-check-{os.getpid()}"   # build/ is git-ignored
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('print("epoch 1/1  train 0.5  [1.5 s]")')
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="epoch 1/1  train 0.5  [9.9 s]\n")]
    nb.cells = [cell]
    path = folder / "timing.ipynb"
    nbformat.write(nb, path)
    yield path
    shutil.rmtree(folder, ignore_errors=True)


def run_pytest(args, cwd):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("start", ["notebooks", "next to the notebook"])   # the root: every other nbval run
def test_sanitize_file_is_found_wherever_pytest_starts(start, timing_notebook):
    cwd = {"notebooks": REPO / "notebooks", "next to the notebook": timing_notebook.parent}[start]
    run = run_pytest([os.path.relpath(timing_notebook, cwd)], cwd)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout


def test_without_the_sanitize_file_the_same_notebook_fails(timing_notebook):
    """The control: the pass above is the sanitizer's doing (no sanitize file: [1.5 s] != [9.9 s])."""
    run = run_pytest(["-o", "addopts=", "--nbval", "--nbval-current-env", timing_notebook.name],
                     timing_notebook.parent)
    assert run.returncode == 1 and "1 failed" in run.stdout, run.stdout[-3000:]

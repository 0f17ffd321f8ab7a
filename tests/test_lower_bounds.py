"""The lower bounds are tested: constraints/lower-bounds.txt pins each of them and CI runs it (issue 19).

pyproject.toml's ``>=`` bounds promise that the course works with those versions. The promise is
kept by a CI job that installs exactly these versions on the oldest Python allowed and runs the
suite; this file checks that the constraints file and the job stay in step with pyproject.toml
(every bound pinned at its value, nothing else pinned, the job present and pointed at the file).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
LOWER = REPO / "constraints" / "lower-bounds.txt"
WORKFLOW = REPO / ".github" / "workflows" / "notebooks.yml"
EXTRAS = ("test", "instructor")          # what `make test` installs besides the learner install


def bounds() -> dict[str, str]:
    """name -> version of every ``>=`` bound in the dependencies and the extras make test installs."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    out = {}
    for line in project["dependencies"] + [r for e in EXTRAS for r in project["optional-dependencies"][e]]:
        req = Requirement(line)
        lows = [s.version for s in req.specifier if s.operator == ">="]
        assert len(lows) == 1, f"{line!r} in pyproject.toml needs exactly one '>=' lower bound"
        out[canonicalize_name(req.name)] = lows[0]
    return out


def pins() -> dict[str, str]:
    out = {}
    for line in LOWER.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([0-9][0-9A-Za-z.]*)", line)
            assert m, f"{LOWER.name}: expected 'name==version', got {line!r}"
            out[canonicalize_name(m.group(1))] = m.group(2)
    return out


def same_version(bound: str, pin: str) -> bool:
    """'2.1' and '2.1.0' are the same release."""
    pad = lambda v: [int(p) for p in v.split(".")] + [0] * (4 - len(v.split(".")))   # noqa: E731
    return pad(bound) == pad(pin)


def test_every_lower_bound_is_pinned_at_its_value():
    b, p = bounds(), pins()
    assert set(b) == set(p), f"only in pyproject.toml: {sorted(set(b) - set(p))}; only pinned: {sorted(set(p) - set(b))}"
    wrong = {name: (b[name], p[name]) for name in b if not same_version(b[name], p[name])}
    assert not wrong, f"bound in pyproject.toml != pin in {LOWER.name}: {wrong}"


def test_ci_runs_the_suite_on_the_lower_bounds_with_the_oldest_python():
    text = WORKFLOW.read_text(encoding="utf-8")
    oldest = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert oldest.startswith(">=")
    job = re.search(r"\n  lower-bounds:\n(.*?)(?=\n  [a-z][\w-]*:\n|\Z)", text, re.S)
    assert job, "notebooks.yml has no 'lower-bounds' job"
    body = job.group(1)
    assert "CONSTRAINTS: constraints/lower-bounds.txt" in body
    assert f'python-version: "{oldest[2:]}"' in body
    assert "make test" in body


@pytest.mark.parametrize("name", ["numpy", "matplotlib", "sympy", "jupyterlab"])
def test_the_raised_bounds_stay_raised(name):
    """Below these the suite was measured to fail (README, 'Tested with'): keep them from sliding back."""
    floor = {"numpy": "2.1", "matplotlib": "3.9", "sympy": "1.13", "jupyterlab": "4.0.2"}[name]
    pad = lambda v: [int(x) for x in v.split(".")] + [0] * (4 - len(v.split(".")))   # noqa: E731
    assert pad(bounds()[name]) >= pad(floor)

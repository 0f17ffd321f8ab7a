"""constraints/tested.txt: the tested versions that `make setup`, `make test` and CI install.

The file is generated (`make constraints`, scripts/update_constraints.py); these tests hold it to
what the rest of the repository says: every pin fits pyproject.toml's bounds, every package the
course asks for is pinned, the README's "Tested with" names the pinned versions, and the Makefile
installs with it (the learner's install without extras). The marker logic that keeps a pin away
from a Python its release does not support is checked on made-up ``Requires-Python`` values.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from test_readme_versions import pyproject_requirements, readme_versions

REPO = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO / "constraints" / "tested.txt"
spec = importlib.util.spec_from_file_location("update_constraints", REPO / "scripts" / "update_constraints.py")
update_constraints = importlib.util.module_from_spec(spec)
spec.loader.exec_module(update_constraints)


def pins(text: str, python: str = "3.11") -> dict[str, str]:
    """{normalised name: version} of the lines that apply on ``python``."""
    out = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", f"not a pin: {line}"
        if req.marker is None or req.marker.evaluate({"python_version": python}):
            out[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    return out


def test_every_requirement_is_pinned_within_its_bounds():
    pinned = pins(CONSTRAINTS.read_text(encoding="utf-8"))
    _, requirements = pyproject_requirements((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate({"python_version": "3.11"}):
            continue  # tomli: only below 3.11
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is not pinned in constraints/tested.txt (run make constraints)"
        assert req.specifier.contains(pinned[name], prereleases=True), \
            f"{req.name}=={pinned[name]} is outside pyproject.toml's bounds {req.specifier}"
    assert "aelib" not in pinned and "pip" not in pinned and "setuptools" not in pinned


def test_the_readme_names_the_pinned_versions():
    stated = readme_versions((REPO / "README.md").read_text(encoding="utf-8"))
    pinned = pins(CONSTRAINTS.read_text(encoding="utf-8"))
    differ = [f"{name}: README {stated[name]}, constraints {pinned[name]}"
              for name in sorted(set(stated) & set(pinned)) if stated[name] != pinned[name]]
    assert not differ, "README's 'Tested with' and constraints/tested.txt disagree:\n  " + "\n  ".join(differ)
    assert {"numpy", "matplotlib", "sympy", "jupyterlab", "nbgrader"} <= set(stated) & set(pinned)


def test_the_makefile_installs_with_the_constraints_and_the_learner_gets_no_extras():
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^CONSTRAINTS \?= constraints/tested.txt$", makefile, re.M)
    assert re.search(r"^PIP_INSTALL = .*pip install \$\(if \$\(CONSTRAINTS\),-c \"\$\(CONSTRAINTS\)\"\)", makefile, re.M)
    learner = re.search(r"^\$\(STAMP\):.*\n\t(.*)$", makefile, re.M).group(1)
    assert learner.strip() == "$(PIP_INSTALL) -e .", learner
    tester = re.search(r"^\$\(TEST_STAMP\):.*\n\t(.*)$", makefile, re.M).group(1)
    assert tester.strip() == "$(PIP_INSTALL) -e '.[test,instructor]'", tester
    # the stamps carry the constraints file's name: `make setup CONSTRAINTS=...` on an existing .venv reinstalls
    assert "STAMP := $(VENV)/.installed-$(STAMP_TAG)" in makefile and "$(FORGET_OTHER_STAMPS)" in makefile
    for target, stamp in [("check", "setup"), ("lab", "setup"), ("test", "setup-test"), ("html", "setup-test")]:
        assert re.search(rf"^{target}: {stamp}\b", makefile, re.M), f"make {target} should depend on {stamp}"


def test_a_release_that_skips_a_python_of_the_matrix_gets_a_marker():
    m = lambda spec: update_constraints.marker_for(spec, ("3.10", "3.11", "3.12"))   # noqa: E731  (a 3-Python matrix)
    assert m("") == "" and m(">=3.8") == "" and m(">=3.10") == ""
    assert m(">=3.11") == 'python_version >= "3.11"'
    assert m(">=3.9,<3.12") == 'python_version <= "3.11"'
    assert m(">=3.13") == 'python_version < "3.10"'  # supports none of them: never applies on the matrix
    for python in ("3.10", "3.11", "3.12"):
        assert Marker(m(">=3.11")).evaluate({"python_version": python}) == (python != "3.10")


def test_every_marker_in_the_file_excludes_a_python_of_the_matrix():
    """A marker for a Python CI no longer runs is stale: regenerate the file (make constraints)."""
    text = CONSTRAINTS.read_text(encoding="utf-8")
    matrix = update_constraints.MATRIX
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is not None:
            applies = [v for v in matrix if req.marker.evaluate({"python_version": v})]
            assert applies != list(matrix), f"{line}: the marker excludes no Python of CI's matrix {matrix}"

"""The README's "Tested with" section must agree with what the course asks for and installs (issue 9).

``tests/test_environment.py`` checks that ``pyproject.toml`` and ``environment.yml`` ask for the
same packages and bounds. This file adds the README to the comparison:

* the README states a version for Python and for every package of ``pyproject.toml`` (runtime
  and the "test" and "instructor" extras, skipping packages whose marker excludes the stated Python, like tomli);
* every stated version satisfies the bounds of ``pyproject.toml`` and of ``environment.yml``
  (a README that says "tested with numpy 1.22" while asking for numpy>=1.24 fails);
* every installed package satisfies the bounds (an environment that drifted below them fails);
  an installed version that differs from the README's is reported as a warning, not a failure,
  because a fresh ``make setup`` installs the newest releases that fit the bounds.

The README lists "name version" pairs; the first pair for each name is the tested version
(later mentions, such as the lower bounds "numpy 1.24, Python 3.10", are not).
"""
from __future__ import annotations

import re
import sys
import warnings
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from test_environment import environment_requirements

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
PAIR = re.compile(r"(?<![\w.-])([A-Za-z][A-Za-z0-9._-]*)\s+v?(\d+(?:\.\d+)+)\b")


def readme_versions(readme: str) -> dict[str, str]:
    """``{normalised name: version}`` from the README's '## Tested with' section (first mention wins)."""
    match = re.search(r"^## Tested with\s*$(.*?)(?=^## |\Z)", readme, re.M | re.S)
    if not match:
        pytest.fail("README.md has no '## Tested with' section stating the tested versions.", pytrace=False)
    found: dict[str, str] = {}
    for name, version in PAIR.findall(match.group(1)):
        found.setdefault(canonicalize_name(name), version)
    return found


def pyproject_requirements(toml_text: str) -> tuple[SpecifierSet, list[Requirement]]:
    """``requires-python`` and the runtime + "test" + "instructor" requirements, as packaging objects."""
    project = tomllib.loads(toml_text)["project"]
    extras = project.get("optional-dependencies", {})
    lines = list(project.get("dependencies", [])) + list(extras.get("test", [])) + list(extras.get("instructor", []))
    return SpecifierSet(project.get("requires-python", "")), [Requirement(line) for line in lines]


def conda_python_bound(yml_text: str) -> SpecifierSet:
    """environment.yml's Python as a specifier; conda's pin ``python=3.11`` means ``==3.11.*``."""
    match = re.search(r"^\s*-\s*python\s*([<>=!~][^#\n]*)", yml_text, re.M)
    bound = match.group(1).replace(" ", "") if match else ""
    if re.fullmatch(r"=\d+(\.\d+)*", bound):
        bound = f"={bound}.*"
    return SpecifierSet(bound)


def problems_with_readme(readme: str, pyproject: str, environment: str) -> list[str]:
    """Everything on which the README disagrees with pyproject.toml / environment.yml."""
    stated = readme_versions(readme)
    requires_python, requirements = pyproject_requirements(pyproject)
    conda = environment_requirements(environment)
    problems = []
    python = stated.get("python")
    if python is None:
        problems.append("the README does not state the Python version it was tested with")
    else:
        for where, bound in [("pyproject.toml requires-python", requires_python),
                             ("environment.yml", conda_python_bound(environment))]:
            if Version(python) not in bound:
                problems.append(f"the README's Python {python} is outside {where} ({bound})")
    marker_env = {"python_version": ".".join(python.split(".")[:2])} if python else {}
    for req in requirements:
        if req.marker is not None and python and not req.marker.evaluate(marker_env):
            continue                                  # e.g. tomli, only for Python < 3.11
        name = canonicalize_name(req.name)
        if name not in stated:
            problems.append(f"the README does not state the tested version of {req.name}")
            continue
        version = Version(stated[name])
        if version not in req.specifier:
            problems.append(f"the README's {req.name} {version} is outside pyproject.toml's bounds ({req.specifier})")
        if name in conda and version not in SpecifierSet(conda[name]):
            problems.append(f"the README's {req.name} {version} is outside environment.yml's bounds ({conda[name]})")
    return problems


# ---------------------------------------------------------------------------- the real files

def read(name: str) -> str:
    return (REPO / name).read_text(encoding="utf-8")


def test_readme_states_tested_versions_that_fit_the_bounds():
    problems = problems_with_readme(read("README.md"), read("pyproject.toml"), read("environment.yml"))
    assert not problems, "README.md 'Tested with' disagrees:\n  - " + "\n  - ".join(problems)


def test_installed_packages_fit_the_bounds():
    """Drift of this environment: fail below the bounds; warn when it differs from the README."""
    _, requirements = pyproject_requirements(read("pyproject.toml"))
    stated = readme_versions(read("README.md"))
    below, differ = [], []
    for req in requirements:
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            installed = Version(metadata.version(req.name))
        except metadata.PackageNotFoundError:
            below.append(f"{req.name} is not installed (pyproject.toml asks for {req.specifier or 'any version'})")
            continue
        if installed not in req.specifier:
            below.append(f"{req.name} {installed} is installed, outside pyproject.toml's bounds ({req.specifier})")
        readme = stated.get(canonicalize_name(req.name))
        if readme and Version(readme) != installed:
            differ.append(f"{req.name} {installed} (README: {readme})")
    python = ".".join(map(str, sys.version_info[:3]))
    if stated.get("python") and stated["python"] != python:
        differ.append(f"Python {python} (README: {stated['python']})")
    if differ:
        warnings.warn("Installed versions differ from the README's 'Tested with': " + ", ".join(differ)
                      + ". If the tests pass, update the README.", UserWarning)
    assert not below, "The environment drifted from pyproject.toml:\n  - " + "\n  - ".join(below)


# ---------------------------------------------------------------------------- the check can fail

PYPROJECT = """
[project]
name = "demo"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24", "sympy>=1.12"]
[project.optional-dependencies]
test = ["pytest>=7.4", "tomli>=2.0; python_version < '3.11'"]
"""
ENVIRONMENT = """
name: demo
dependencies:
  - python>=3.10
  - numpy>=1.24
  - sympy>=1.12
  - pytest>=7.4
  - tomli>=2.0
"""
README_OK = """# Demo

## Tested with

Linux (Debian 12), Python 3.11.7: numpy 2.4.6, sympy 1.14.0, pytest 9.2.0.
The lower bounds (numpy 1.24, Python 3.10) have not all been tested.

## Licence
numpy 0.1 is mentioned here, outside the section.
"""


def test_a_consistent_readme_passes():
    assert problems_with_readme(README_OK, PYPROJECT, ENVIRONMENT) == []
    assert readme_versions(README_OK) == {"python": "3.11.7", "numpy": "2.4.6", "sympy": "1.14.0", "pytest": "9.2.0"}


def test_every_disagreement_is_reported():
    readme = README_OK.replace("numpy 2.4.6", "numpy 1.22.0").replace(", sympy 1.14.0", "").replace(
        "Python 3.11.7", "Python 3.9.18")
    environment = ENVIRONMENT.replace("pytest>=7.4", "pytest>=9.3")
    problems = "\n".join(problems_with_readme(readme, PYPROJECT, environment))
    assert "README's numpy 1.22.0 is outside pyproject.toml's bounds (>=1.24)" in problems
    assert "does not state the tested version of sympy" in problems
    assert "README's Python 3.9.18 is outside pyproject.toml requires-python" in problems
    assert "README's pytest 9.2.0 is outside environment.yml's bounds (>=9.3)" in problems
    assert "tomli" in problems            # Python 3.9 needs tomli, which the README does not list


def test_a_readme_without_the_section_fails():
    with pytest.raises(pytest.fail.Exception, match="Tested with"):
        readme_versions("# Demo\n\nNo versions here.\n")

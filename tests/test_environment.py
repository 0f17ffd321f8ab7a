"""pyproject.toml and environment.yml must ask for the same packages with the same bounds.

pip users get their packages from pyproject.toml (the runtime dependencies; the "test" and
"instructor" extras on top for testing and grading); conda users, Binder and hub images from
environment.yml, which is the learner's environment: the runtime dependencies only. When the two drift apart, one group runs the course on something the
other never tested. The comparison below is deliberately small: package names (normalised)
and version bounds (as written, order-insensitive).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent

# Entries of environment.yml that are tools of conda itself, not packages of the course.
CONDA_ONLY = {"python", "pip"}

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*$")


def _normalise_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _normalise_spec(spec: str) -> str:
    """'>= 1.24 ,<2' -> '<2,>=1.24'. A bare '=1.2' (conda) means '==1.2' only as a pin, kept as written."""
    parts = [p.replace(" ", "") for p in spec.split(",") if p.strip()]
    return ",".join(sorted(parts))


def parse_requirement(text: str) -> tuple[str, str]:
    """'numpy>=1.24; python_version < "3.11"' -> ('numpy', '>=1.24'). Markers are dropped."""
    text = text.split(";", 1)[0].split("#", 1)[0]
    match = _REQ.match(text)
    if not match:
        raise ValueError(f"Cannot read the requirement {text!r}")
    name, spec = match.groups()
    return _normalise_name(name), _normalise_spec(spec)


def pyproject_requirements(toml_text: str, extras: tuple[str, ...] = ()) -> dict[str, str]:
    """Runtime dependencies (plus the named extras), as {name: bounds}."""
    project = tomllib.loads(toml_text)["project"]
    lines = list(project.get("dependencies", []))
    for extra in extras:
        lines += list(project.get("optional-dependencies", {}).get(extra, []))
    return dict(parse_requirement(line) for line in lines)


def environment_requirements(yml_text: str) -> dict[str, str]:
    """The conda packages listed under 'dependencies:', as {name: bounds}.

    A tiny reader for the one shape environment.yml has (so the tests need no YAML library):
    top-level keys, and under 'dependencies:' a list of '- spec' lines, one of which may be
    '- pip:' followed by a more indented list (pip's own installs, e.g. '-e .'), which is skipped.
    """
    requirements: dict[str, str] = {}
    in_dependencies = False
    list_indent = None
    for raw in yml_text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            in_dependencies = line.strip() == "dependencies:"
            list_indent = None
            continue
        if not in_dependencies:
            continue
        stripped = line.strip()
        if not stripped.startswith("- "):
            raise ValueError(f"Unexpected line under 'dependencies:' in environment.yml: {raw!r}")
        if list_indent is None:
            list_indent = indent
        if indent > list_indent:
            continue  # inside '- pip:'
        item = stripped[2:].strip().strip("'\"")
        if item.endswith(":"):
            continue  # '- pip:' opens pip's list
        # conda allows 'name 1.2' or 'name >=1.2'; the channel prefix 'conda-forge::name' too
        item = item.split("::")[-1]
        name, spec = parse_requirement(item)
        if name in CONDA_ONLY:
            continue
        requirements[name] = spec
    return requirements


def differences(pip_reqs: dict[str, str], conda_reqs: dict[str, str]) -> list[str]:
    """Human-readable list of what disagrees; empty when the two agree."""
    problems = []
    for name in sorted(set(pip_reqs) - set(conda_reqs)):
        problems.append(f"{name}{pip_reqs[name]} is in pyproject.toml but missing from environment.yml")
    for name in sorted(set(conda_reqs) - set(pip_reqs)):
        problems.append(f"{name}{conda_reqs[name]} is in environment.yml but missing from pyproject.toml")
    for name in sorted(set(pip_reqs) & set(conda_reqs)):
        if pip_reqs[name] != conda_reqs[name]:
            problems.append(
                f"{name}: pyproject.toml asks for {pip_reqs[name] or '(any version)'}, "
                f"environment.yml for {conda_reqs[name] or '(any version)'}"
            )
    return problems


def check_consistent(pyproject_text: str, environment_text: str) -> None:
    problems = differences(pyproject_requirements(pyproject_text), environment_requirements(environment_text))
    if problems:
        pytest.fail(
            "pyproject.toml and environment.yml disagree:\n  - " + "\n  - ".join(problems),
            pytrace=False,
        )


# ---------------------------------------------------------------------------- the real files

def test_pyproject_and_environment_yml_agree():
    check_consistent(
        (REPO / "pyproject.toml").read_text(encoding="utf-8"),
        (REPO / "environment.yml").read_text(encoding="utf-8"),
    )


def test_environment_yml_installs_the_repo_and_pins_python_for_repo2docker():
    text = (REPO / "environment.yml").read_text(encoding="utf-8")
    assert re.search(r"^name:\s*autoencoders-course\s*$", text, re.M)
    assert re.search(r"^\s*-\s*conda-forge\s*$", text, re.M)
    # repo2docker reads only `python=X.Y` (a range is "unspecified" and gets its default, 3.10)
    assert re.search(r"^\s*-\s*python\s*=\s*3\.11\s*(#.*)?$", text, re.M)
    # a regular install: a hub's home volume over the repository cannot hide aelib
    assert re.search(r"^\s*-\s*\.\s*(#.*)?$", text, re.M)
    assert not re.search(r"^\s*-\s*-e\b", text, re.M)


def test_environment_yml_is_the_learners_environment_without_test_or_instructor_tools():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    tools = set(pyproject_requirements(pyproject, ("test", "instructor"))) - set(pyproject_requirements(pyproject))
    assert {"pytest", "hypothesis", "playwright", "nbgrader"} <= tools
    conda = environment_requirements((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert not tools & set(conda), f"environment.yml installs test/instructor tools: {sorted(tools & set(conda))}"


def test_the_readers_see_every_package():
    pip_reqs = pyproject_requirements((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    for name in ["numpy", "matplotlib", "ipywidgets", "sympy", "jupyterlab"]:
        assert name in pip_reqs
    assert "pytest" not in pip_reqs and "nbgrader" not in pip_reqs  # extras, not the learner's install
    everything = pyproject_requirements((REPO / "pyproject.toml").read_text(encoding="utf-8"), ("test", "instructor"))
    assert {"pytest", "nbval", "nbgrader"} <= set(everything)
    assert "torch" not in everything  # the benchmark extra is not part of the course environment


# ---------------------------------------------------------------------------- the check can fail

PYPROJECT = """
[project]
name = "demo"
dependencies = ["numpy>=1.24", "Matplotlib >= 3.7", "sympy>=1.12"]
[project.optional-dependencies]
test = ["pytest>=7.4", "tomli>=2; python_version < '3.11'"]
benchmark = ["torch"]
"""

ENV_SAME = """
name: demo
channels:
  - conda-forge
dependencies:
  - python>=3.10
  - pip
  - numpy >=1.24
  - matplotlib>=3.7  # comment
  - sympy>=1.12
  - pip:
      - .
"""

ENV_DRIFTED = """
name: demo
dependencies:
  - python>=3.10
  - numpy>=1.26
  - matplotlib>=3.7
  - pytest>=7.4
  - pandas
  - pip:
      - -e .
"""


def test_consistent_pair_passes():
    check_consistent(PYPROJECT, ENV_SAME)


def test_inconsistent_pair_is_reported_with_every_difference():
    with pytest.raises(pytest.fail.Exception) as info:
        check_consistent(PYPROJECT, ENV_DRIFTED)
    message = str(info.value)
    assert "numpy: pyproject.toml asks for >=1.24, environment.yml for >=1.26" in message
    assert "sympy>=1.12 is in pyproject.toml but missing from environment.yml" in message
    assert "pandas is in environment.yml but missing from pyproject.toml" in message
    # a test tool belongs to pyproject.toml's "test" extra, not to the learner's environment.yml
    assert "pytest>=7.4 is in environment.yml but missing from pyproject.toml" in message
    assert "torch" not in message and "tomli" not in message  # extras are not compared
    assert "matplotlib" not in message  # it agrees


def test_names_and_bounds_are_normalised():
    assert parse_requirement("Pytest_XDist >= 3.3 , <4") == ("pytest-xdist", "<4,>=3.3")
    assert parse_requirement("tomli>=2.0; python_version < '3.11'") == ("tomli", ">=2.0")
    assert environment_requirements("dependencies:\n  - conda-forge::NumPy>=1.24\n") == {"numpy": ">=1.24"}

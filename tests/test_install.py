"""The learner's install (`pip install .`, `make lab`, `make check`) pulls no test or grading tools.

Learners should get aelib and what the lessons need, not nbgrader (whose menus and panels would
appear in every learner's JupyterLab), playwright or hypothesis. The oracle is the metadata a
wheel of the package would carry: setuptools writes it from pyproject.toml in a scratch copy
(offline, nothing is built or installed), and the test follows every ``Requires-Dist`` without an
``extra`` marker through the metadata of the packages installed here, the way pip's resolver
would, to the full set of distributions a learner gets. The same walk from the "test" and
"instructor" extras must reach those tools, so the walk itself can find them.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
TOOLS = {"nbgrader", "playwright", "hypothesis", "pytest", "nbval", "check-jsonschema", "jupyter-repo2docker"}


@pytest.fixture(scope="module")
def requires_dist(tmp_path_factory) -> list[Requirement]:
    """The package's requirements as setuptools records them (``egg_info`` on a scratch copy, the
    metadata step of a build that needs no ``wheel`` package), as ``Requires-Dist`` would list them."""
    pytest.importorskip("setuptools", reason="setuptools writes the metadata (nbgrader, in the instructor extra, needs it)")
    src = tmp_path_factory.mktemp("src")
    for name in ["pyproject.toml", "README.md", "LICENSE"]:
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "aelib", src / "aelib", ignore=shutil.ignore_patterns("__pycache__"))
    code = ("import sys; from setuptools import setup; "
            "sys.argv = ['setup.py', '-q', 'egg_info', '--egg-base', '.']; setup()")
    run = subprocess.run([sys.executable, "-c", code], cwd=src, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return parse_requires_txt((src / "aelib.egg-info" / "requires.txt").read_text(encoding="utf-8"))


def parse_requires_txt(text: str) -> list[Requirement]:
    """egg-info's requires.txt (sections ``[extra]``, ``[extra:marker]``, ``[:marker]``) as
    requirements with the markers a wheel's ``Requires-Dist`` would carry."""
    out, section = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("["):
            section = line[1:-1]
            continue
        extra, _, marker = section.partition(":")
        parts = [f"({marker})"] if marker else []
        parts += [f'extra == "{extra}"'] if extra else []
        out.append(Requirement(line + ("; " + " and ".join(parts) if parts else "")))
    return out


def closure(requirements: list[Requirement], extras: set[str]) -> tuple[set[str], set[str]]:
    """Every distribution reached from ``requirements`` (those that apply with ``extras``) through
    the installed packages' own requirements; returns (reached, required but not installed here)."""
    reached, missing = set(), set()
    todo = [(r, e) for r in requirements for e in (extras or {""})
            if r.marker is None or r.marker.evaluate({"extra": e})]
    while todo:
        req, _ = todo.pop()
        name = canonicalize_name(req.name)
        if name in reached:
            continue
        reached.add(name)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            missing.add(name)
            continue
        wanted = {""} | set(req.extras)
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in wanted):
                todo.append((sub, ""))
    return reached, missing


def test_the_learner_install_pulls_no_test_or_grading_tools(requires_dist):
    direct = {canonicalize_name(r.name) for r in requires_dist if r.marker is None or r.marker.evaluate({"extra": ""})}
    assert direct == {"numpy", "matplotlib", "ipywidgets", "sympy", "jupyterlab"}, direct
    reached, missing = closure(requires_dist, set())
    assert not missing, f"not installed here, so the walk cannot follow them: {sorted(missing)}"
    assert {"ipykernel", "nbclient", "notebook-shim"} <= reached  # what running a notebook needs comes along
    leaked = reached & TOOLS
    assert not leaked, f"`pip install .` would pull test/instructor tools: {sorted(leaked)}"
    assert not any(name.startswith("nbgrader") for name in reached)


def test_the_extras_bring_the_tools_so_the_walk_can_find_them(requires_dist):
    test, _ = closure(requires_dist, {"test"})
    instructor, _ = closure(requires_dist, {"instructor"})
    assert {"playwright", "hypothesis", "pytest", "nbval"} <= test
    assert "nbgrader" in instructor and "nbgrader" not in test
    assert "latex2mathml" in instructor  # make html


def test_requires_txt_sections_become_markers():
    reqs = parse_requires_txt('numpy>=1.24\n\n[:python_version < "3.11"]\ntomli\n\n[test]\npytest>=7.4\n\n'
                              '[test:python_version < "3.11"]\ntomli>=2.0\n')
    as_text = [str(r) for r in reqs]
    assert as_text[0] == "numpy>=1.24"
    assert reqs[2].marker.evaluate({"extra": "test"}) and not reqs[2].marker.evaluate({"extra": ""})
    assert not reqs[3].marker.evaluate({"extra": "test", "python_version": "3.11"})
    assert reqs[3].marker.evaluate({"extra": "test", "python_version": "3.10"})

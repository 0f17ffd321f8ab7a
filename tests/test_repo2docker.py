"""The hub image's plan, as repo2docker prints it (`repo2docker --no-build --debug`, builds nothing).

Binder and JupyterHub images are built by repo2docker from environment.yml. Two things went
wrong there before, and both show in the Dockerfile repo2docker would build:

* the Python version: repo2docker reads only ``python=X.Y`` in environment.yml; a range such as
  ``python>=3.10`` counts as "unspecified" and gets its default (3.10), while the notebooks'
  outputs were recorded with 3.11;
* the install of aelib: on Zero to JupyterHub a home volume is mounted over ``/home/jovyan``,
  where repo2docker puts the repository, so an editable install (which points there) vanishes
  ("No module named aelib"). A regular install puts aelib into the image's environment
  (``/srv/conda/envs/notebook``), outside home.

The test runs repo2docker on a clean copy of the repository (the committed state plus the working
tree's versions of the files repo2docker reads), offline, and reads its plan. It is skipped where
jupyter-repo2docker is not installed (it is in the "test" extra).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILD_FILES = ["environment.yml", "pyproject.toml", "README.md", "LICENSE"]
# Files repo2docker would act on beside environment.yml; none is needed, and each would change the plan.
OTHER_BUILD_FILES = ["requirements.txt", "setup.py", "Project.toml", "install.R", "apt.txt", "postBuild",
                     "start", "runtime.txt", "Dockerfile", "Pipfile", "default.nix", "binder", ".binder"]


def repo2docker_plan(repo: Path, cwd: Path) -> str:
    exe = shutil.which("repo2docker", path=str(Path(sys.executable).parent)) or shutil.which("repo2docker")
    if exe is None:
        pytest.skip("jupyter-repo2docker is not installed (pip install -e '.[test]')")
    run = subprocess.run([exe, "--no-build", "--debug", "--user-name", "jovyan", "--user-id", "1000", str(repo)],
                         capture_output=True, text=True, timeout=300, cwd=cwd)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout + run.stderr


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> str:
    copy = tmp_path_factory.mktemp("r2d") / "course"
    copy.mkdir()
    for name in BUILD_FILES:
        shutil.copy(REPO / name, copy / name)
    shutil.copytree(REPO / "aelib", copy / "aelib", ignore=shutil.ignore_patterns("__pycache__"))
    return repo2docker_plan(copy, copy.parent)


def test_the_repository_has_no_other_build_file_for_repo2docker():
    present = [name for name in OTHER_BUILD_FILES if (REPO / name).exists()]
    assert not present, f"repo2docker would also act on {present}; environment.yml is meant to be the only one"


def test_repo2docker_builds_with_the_python_the_outputs_were_recorded_with(plan):
    assert "Python version unspecified" not in plan
    assert "Building conda environment for python=3.11" in plan, plan[:2000]


def test_aelib_is_installed_into_the_image_environment_not_as_an_editable_copy_in_home(plan):
    env_yml = (REPO / "environment.yml").read_text(encoding="utf-8")
    pip_lines = re.findall(r"^\s{4,}-\s*(\S.*?)\s*(?:#.*)?$", env_yml, re.M)
    assert pip_lines == ["."], f"environment.yml's pip section should be a regular install of the repo: {pip_lines}"
    # the environment is created after the repository is copied in (a local pip requirement), into
    # the conda env outside home, which a home volume does not cover
    copy_at = plan.index("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    update_at = plan.index('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    assert copy_at < update_at
    assert "ENV NB_PYTHON_PREFIX=${CONDA_DIR}/envs/notebook" in plan and "ENV APP_BASE=/srv" in plan
    assert "ARG REPO_DIR=${HOME}" in plan  # the repository itself does sit in home: nbgitpuller for notebooks


def test_the_plan_reading_catches_a_python_range(tmp_path):
    """The same reading, on a copy with the old line python>=3.10: repo2docker falls back to 3.10."""
    copy = tmp_path / "old"
    copy.mkdir()
    for name in BUILD_FILES:
        shutil.copy(REPO / name, copy / name)
    text = (copy / "environment.yml").read_text(encoding="utf-8")
    text = re.sub(r"python=3\.11", "python>=3.10", text)
    (copy / "environment.yml").write_text(text, encoding="utf-8")
    old = repo2docker_plan(copy, tmp_path)
    assert "Python version unspecified" in old and "python=3.10" in old

"""A read-only home folder (some hubs and containers) adds no matplotlib warnings (issue 19).

matplotlib warns "Matplotlib created a temporary cache directory ..." (into a notebook cell's
output) when it cannot write ``~/.config/matplotlib`` or ``~/.cache/matplotlib``. aelib points
``MPLCONFIGDIR`` at one fixed writable folder in that case (aelib/_env.py): on ``import aelib``, in
the root conftest.py for pytest's kernels, and through ``python -m aelib._env`` for ``make lab``'s
server. We run as root here, for whom permission bits do not stop writes, so "read-only" is made
the way it also happens in practice: HOME names something that cannot hold folders (a file).
The control shows that this set-up does make matplotlib warn.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
WARNING = "created a temporary"       # matplotlib: "Matplotlib created a temporary cache directory at ..."
PLOT = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt; plt.plot([1, 2]); "
        "plt.gcf().canvas.draw(); print(matplotlib.get_cachedir())")


def env_with_home(home: Path, tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), TMPDIR=str(tmp), PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1")
    return env


def run(code: str, env: dict):
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO)


@pytest.fixture
def readonly_home(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a folder\n")            # ~/.config and ~/.cache cannot be made under it
    (tmp_path / "tmp").mkdir()
    return env_with_home(home, tmp_path / "tmp"), tmp_path / "tmp"


def test_the_control_matplotlib_alone_warns(readonly_home):
    env, _ = readonly_home
    r = run(PLOT, env)
    assert r.returncode == 0, r.stderr
    assert WARNING in r.stderr


def test_import_aelib_first_gives_one_fixed_folder_and_no_warning(readonly_home):
    env, tmp = readonly_home
    r = run("import aelib; " + PLOT, env)
    assert r.returncode == 0, r.stderr
    assert WARNING not in r.stderr, r.stderr
    assert r.stdout.strip() == str(tmp / f"aelib-matplotlib-{os.getuid()}")


def test_a_kernel_started_by_make_lab_inherits_the_folder(readonly_home):
    """make lab: MPLCONFIGDIR="$(python -m aelib._env)" for the server; a notebook that imports
    matplotlib before aelib (as the lessons do) then plots without a warning."""
    env, tmp = readonly_home
    folder = subprocess.run([sys.executable, "-m", "aelib._env"], env=env, capture_output=True,
                            text=True, timeout=120, cwd=REPO).stdout.strip()
    assert folder == str(tmp / f"aelib-matplotlib-{os.getuid()}")
    r = run(PLOT + "; import aelib", dict(env, MPLCONFIGDIR=folder))
    assert r.returncode == 0 and WARNING not in r.stderr, r.stderr
    assert r.stdout.strip() == folder


def test_a_writable_home_is_left_alone(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "tmp").mkdir()
    env = env_with_home(tmp_path / "home", tmp_path / "tmp")
    r = run("import os, aelib; print(os.environ.get('MPLCONFIGDIR', 'unset'))", env)
    assert r.stdout.strip() == "unset", r.stderr
    assert not list((tmp_path / "tmp").iterdir())          # nothing created
    assert subprocess.run([sys.executable, "-m", "aelib._env"], env=env, capture_output=True, text=True,
                          cwd=REPO).stdout.strip() == ""    # make lab then passes MPLCONFIGDIR= (unset)

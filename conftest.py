"""pytest set-up that must hold wherever pytest starts (issue 19).

pyproject.toml's ``addopts`` pass ``--nbval-sanitize-with tests/nbval_sanitize.cfg``, a path that
nbval opens relative to the current folder. Run from ``notebooks/`` (``cd notebooks; pytest
02_autoencoder_basics.ipynb``) it was not found. This file sits in the repository root, which is an
ancestor of every test and notebook, so pytest loads it for any run inside the repository; it
resolves a relative sanitize path against the root when it does not exist from the current folder
(a path that does exist there, e.g. one given on the command line, is used as given).

It also gives matplotlib a writable folder when the home folder is read-only (aelib/_env.py), before
nbval starts any kernel, so that no cell's output gains matplotlib's cache warning.

The rest of the shared set-up (the offline guard) is in ``tests/conftest.py``.
"""
from __future__ import annotations

from pathlib import Path

from aelib._env import use_writable_matplotlib_dir

use_writable_matplotlib_dir()


def pytest_configure(config):
    path = getattr(config.option, "nbval_sanitize_with", None)
    if path and not Path(path).is_absolute() and not Path(path).exists():
        from_root = Path(config.rootpath) / path
        if from_root.exists():
            config.option.nbval_sanitize_with = str(from_root)

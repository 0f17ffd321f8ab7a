"""Shared pytest set-up for the course's tests.

Offline guard (issue 9): the course promises that nothing downloads at run time, so the tests
run with the network cut off. At import time this file

* installs ``tests/offline/offline_guard.py`` in the pytest process (a socket connection
  outside 127.0.0.0/8 and ::1, or resolving a non-local host name, raises ``NetworkBlocked``);
* prepends ``tests/offline`` to ``PYTHONPATH`` in ``os.environ``, so that every subprocess,
  including the Jupyter kernels nbval starts for the notebooks, runs ``tests/offline/
  sitecustomize.py`` and installs the same guard before any user code.

``make test`` / ``python -m pytest`` from the repository root load this file before the
notebooks are collected (``tests`` is the first of the ``testpaths``). ``tests/test_offline.py``
checks that the guard is active here and in a kernel.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

OFFLINE_DIR = Path(__file__).resolve().parent / "offline"

if str(OFFLINE_DIR) not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(OFFLINE_DIR)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
if str(OFFLINE_DIR) not in sys.path:
    sys.path.append(str(OFFLINE_DIR))

import offline_guard  # noqa: E402

offline_guard.install()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the counts gathered by tests/test_properties.py (bad inputs tried, clear errors)."""
    lines = getattr(config, "aelib_property_counts", None)
    if lines:
        terminalreporter.write_sep("-", "aelib property-based input checks")
        for line in lines:
            terminalreporter.write_line(line)

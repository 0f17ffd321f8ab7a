"""Started by Python itself in every process that has this directory on PYTHONPATH.

``tests/conftest.py`` puts ``tests/offline`` on ``PYTHONPATH``, so every subprocess of the
test suite (pytest runs of notebooks, Jupyter kernels started by nbval, ``python -c``) cuts
itself off the network before running any user code: see ``offline_guard.py``.
A ``sitecustomize`` that this file shadows (Debian ships one) is still run afterwards.
"""
import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.append(_HERE)

import offline_guard  # noqa: E402

offline_guard.install()

# Run the sitecustomize this one hides, if there is one.
_others = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _others)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)

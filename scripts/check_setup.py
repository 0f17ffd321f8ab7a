#!/usr/bin/env python3
"""Is this computer ready for the course? One line: OK, or what to fix (``make check``).

    python scripts/check_setup.py          # from the repository's folder, in the course's environment

Works the same with make (``make check`` sets up the learner install first), in a conda
environment (``conda activate autoencoders-course``), on Windows without make, and in a hub's
terminal. In a few seconds it checks, in this order, and stops at the first problem:

1. the Python version (the course needs 3.11 or newer);
2. that aelib and the packages the lessons use are installed (numpy and aelib imported), at
   versions within pyproject.toml's lower bounds;
3. the digits file's integrity, through the loader's own verification
   (``aelib.datasets.load_digits``: SHA-256, arrays, shapes);
4. notebook 00 runs top to bottom headless, in a kernel of *this* Python (whatever kernels
   Jupyter has registered), read from disk and never written back; one extra cell at its end
   imports the later lessons' packages (sympy, ipywidgets).

It prints exactly one line, ``OK: ...`` (exit status 0) or ``PROBLEM: ... Fix: ...`` (status 1).
``--verbose`` adds the details of a failure (e.g. the traceback of a failing cell) after that line.
A note is appended to the OK line when Jupyter's default ``python3`` kernel is another Python
than this one: notebooks opened with that kernel would not see this environment.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbtools
from nbtools import ROOT, THREAD_VARIABLES

NOTEBOOK = ROOT / "notebooks" / "00_start_here.ipynb"
MIN_PYTHON = (3, 11)
# import name -> distribution name, for the packages the lessons import
PACKAGES = {"numpy": "numpy", "matplotlib": "matplotlib", "ipywidgets": "ipywidgets", "sympy": "sympy",
            "jupyterlab": "jupyterlab", "ipykernel": "ipykernel", "nbclient": "nbclient", "nbformat": "nbformat"}
# Located, not loaded: importing them here costs 4-8 s on a busy machine, and step 4 imports
# them for real in the notebook's kernel (notebook 00 + one cell), where a broken one is named.
SERVER_ONLY = {"jupyterlab", "matplotlib", "sympy", "ipywidgets", "ipykernel"}
INSTALL = "reinstall the course's packages: `make check` (or `python -m pip install -e .` in the course's environment)"


class Problem(Exception):
    """One thing to fix: what is wrong, and how to fix it."""

    def __init__(self, what: str, fix: str, details: str = ""):
        super().__init__(what)
        self.what, self.fix, self.details = what, fix, details


# ---------------------------------------------------------------------------- the checks

def check_python(version: tuple[int, ...] = tuple(sys.version_info[:3])) -> str:
    if tuple(version[:2]) < MIN_PYTHON:
        have = ".".join(map(str, version))
        raise Problem(f"Python {have} is too old; the course needs {'.'.join(map(str, MIN_PYTHON))} or newer.",
                      "install Python 3.11 (python.org or your package manager), then `make check PYTHON=python3.11`, "
                      "or `conda env create -f environment.yml`.")
    return "Python " + ".".join(map(str, version))


def _lower_bounds() -> dict[str, str]:
    """pyproject.toml's lower bounds of the runtime dependencies, {name: '1.24'} (regex: no tomllib on 3.10)."""
    path = ROOT / "pyproject.toml"
    if not path.is_file():
        return {}
    block = re.search(r"^dependencies\s*=\s*\[(.*?)\]", path.read_text(encoding="utf-8"), re.M | re.S)
    found = re.findall(r'"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)', block.group(1)) if block else []
    return {name.lower(): bound for name, bound in found}


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def check_imports() -> str:
    from importlib import import_module, metadata

    from importlib.util import find_spec

    missing, old = [], []
    bounds = _lower_bounds()
    for module, dist in PACKAGES.items():
        try:
            if module in SERVER_ONLY:
                if find_spec(module) is None:
                    raise ImportError(f"No module named {module!r}", name=module)
            else:
                import_module(module)
        except ImportError as e:
            missing.append(f"{module} ({e})" if getattr(e, "name", module) != module else module)
            continue
        bound = bounds.get(dist)
        if bound:
            try:
                have = metadata.version(dist)
            except metadata.PackageNotFoundError:
                continue
            if _version_tuple(have) < _version_tuple(bound):
                old.append(f"{dist} {have} (the course needs >= {bound})")
    if missing:
        raise Problem(f"cannot import {', '.join(missing)} in {sys.executable}.",
                      f"{INSTALL}; if the packages are installed, you started another Python than the course's.")
    if old:
        raise Problem(f"too old: {', '.join(old)}.", f"{INSTALL} (pip upgrades them).")
    try:
        import aelib
    except ImportError as e:
        raise Problem(f"cannot import aelib in {sys.executable} ({e}).",
                      "install it from the repository's folder: `python -m pip install -e .` "
                      "(on a hub: `python -m pip install .`), or use `make check`.") from None
    return f"aelib and {len(PACKAGES)} packages found"


def check_data() -> str:
    from aelib import datasets

    verify = getattr(datasets, "load_digits")
    try:
        digits = verify("all")          # the loader verifies the file (SHA-256, arrays, shapes)
    except getattr(datasets, "DataFileError", OSError) as e:
        # the loader's message names the file and what is wrong, then how to restore it
        what, sep, restore = str(e).partition(" Restore it")
        raise Problem(what, ("restore it" + restore) if sep else
                      "restore it: `git checkout -- aelib/data/mnist_5k.npz` in the repository's folder.") from None
    except Exception as e:
        raise Problem(f"the digits file could not be read: {type(e).__name__}: {e}",
                      "restore it: `git checkout -- aelib/data/mnist_5k.npz` in the repository's folder.") from None
    return f"{len(digits):,} digits verified"


def _this_python_kernel():
    """A kernel manager that starts ipykernel in this very interpreter, whatever kernels are registered."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    spec = KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                      display_name="course check", language="python", resource_dir="")

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):  # noqa: ARG002 - every name maps to this Python
            return spec

    return KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())


def check_notebook(path: Path = NOTEBOOK, timeout: int = 120) -> str:
    if not path.is_file():
        raise Problem(f"{path} is missing.", "restore it: `git checkout -- notebooks/` in the repository's folder.")
    import nbformat
    from nbclient.exceptions import CellTimeoutError

    nb = nbformat.read(path, as_version=4)
    # notebook 00 imports numpy, matplotlib and aelib; the later lessons' packages too, for real
    nb.cells.append(nbformat.v4.new_code_cell("import sympy, ipywidgets  # added by the set-up check"))
    env_backend = os.environ.pop("MPLBACKEND", None)  # the kernel picks its inline backend itself
    kernel_log = tempfile.TemporaryFile(mode="w+")     # the kernel's own chatter stays off the one line
    try:
        # one BLAS thread: notebook 00's products are small, and two threads stall on a busy machine
        one_thread = {var: "1" for var in THREAD_VARIABLES}
        run = nbtools.execute(nb, path.parent, timeout, km=_this_python_kernel(), stderr=kernel_log,
                              env={**os.environ, **one_thread})
    except CellTimeoutError:
        raise Problem(f"{path.name} did not finish within {timeout} s.",
                      "close other programs (or other kernels) and try again; on a shared hub, try later.") from None
    except Exception as e:  # the kernel could not start: ipykernel broken, a port or a firewall
        kernel_log.seek(0)
        raise Problem(f"could not run {path.name}: {type(e).__name__}: {e}",
                      f"{INSTALL}; see INSTRUCTORS.md, 'Troubleshooting'.",
                      details=f"{e!r}\nkernel output:\n{kernel_log.read()[-3000:]}") from None
    finally:
        kernel_log.close()
        if env_backend is not None:
            os.environ["MPLBACKEND"] = env_backend
    if run.error is not None:
        e = run.error
        error = f"{e.ename}: {e.evalue}" if getattr(e, "ename", None) else "a cell raised an error"
        raise Problem(f"{path.name} failed: {error}.",
                      "run the notebook in JupyterLab to see the cell; `--verbose` prints the traceback here.",
                      details=re.sub(r"\x1b\[[0-9;]*m", "", str(e)))
    cpu = f" (kernel CPU {run.cpu_seconds:.1f} s)" if run.cpu_seconds is not None else ""
    return f"{path.name} ran in {run.seconds:.0f} s" + cpu


def kernel_note() -> str:
    """'' or a note when Jupyter's default 'python3' kernel starts another Python than this one."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        argv = KernelSpecManager().get_kernel_spec("python3").argv
    except Exception:
        return ""
    exe = argv[0] if argv else ""
    if exe in ("python", "python3", "{python}") or not exe:
        return ""  # ipykernel's own spec: this Python
    try:
        same = Path(exe).resolve() == Path(sys.executable).resolve()
    except OSError:
        same = False
    return "" if same else (f" (note: Jupyter's 'python3' kernel runs {exe}, not this Python; "
                            "pick this environment's kernel in JupyterLab, see INSTRUCTORS.md 'Troubleshooting')")


def run_checks(verbose: bool = False) -> tuple[bool, str]:
    """(ok, the one line to print[, details when verbose])."""
    t0 = time.perf_counter()
    done = []
    try:
        for check in (check_python, check_imports, check_data, check_notebook):
            done.append(check())
    except Problem as p:
        line = f"PROBLEM: {p.what} Fix: {p.fix}"
        return False, line + (f"\n{p.details}" if verbose and p.details else "")
    return True, (f"OK: the course is ready ({'; '.join(done)}; {time.perf_counter() - t0:.0f} s in all)."
                  + kernel_note())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print the details of a failure after the line")
    args = parser.parse_args(argv)
    ok, line = run_checks(args.verbose)
    print(line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

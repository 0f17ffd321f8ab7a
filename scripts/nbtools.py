"""What the course's scripts share: where things are, the solution markers, and how a notebook runs.

Every script in ``scripts/`` imports it by name (``import nbtools``: Python puts a script's own
folder first on the import path), and ``benchmarks/bench.py``, run as ``python -m
benchmarks.bench`` from the repository's root, as ``from scripts import nbtools``. The tests
import it the same way as the scripts (pyproject.toml's ``pythonpath = ["scripts"]``).

* **Paths**: ``ROOT`` (the repository), the three notebook folders (``FOLDERS``: lessons,
  learner copies, worked solutions) and the instructors' guide.
* **Solution markers**: the lines ``### BEGIN SOLUTION`` / ``### END SOLUTION`` around an answer
  in ``solutions/`` (nbgrader's convention) and the stubs that replace it in ``exercises/``;
  :func:`solution_regions` finds them, :func:`solution_paths` picks solution notebooks by name.
* **Notebook arguments**: :func:`expand` turns the folders and files named on a command line
  into notebook paths, and stops with a message naming an argument that is neither.
* **Running a notebook**: :func:`execute`, the one runner: a fresh kernel, the notebook's folder
  as working directory (as JupyterLab's "Restart kernel and run all"), the wall time and the
  kernel's own CPU time. :func:`record` runs a notebook and saves it with its outputs, after
  :func:`normalise` has dropped what changes from run to run (so re-recording gives no diff).
* **The machine**: the CPU's model name, the load average and the BLAS thread variables.

Only the standard library is imported here; nbformat and nbclient are imported by the functions
that need them, so that ``check_setup.py`` can still say in one line that one of them is missing.
"""
from __future__ import annotations

import os
import platform
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "exercises", "solutions")   # lessons, learner copies, worked solutions
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
GUIDE = ROOT / "INSTRUCTORS.md"

# ------------------------------------------------------------------------------ solution markers

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CODE_STUB = "# YOUR CODE HERE"          # what replaces an answer in a code cell (nbgrader's default)
MARKDOWN_STUB = "YOUR ANSWER HERE"      # ... and in a markdown cell


def solution_regions(lines: list[str], where: str = "cell"):
    """Yield ``(begin, end)``, the line indices of each BEGIN/END marker pair in ``lines``.

    Markers are whole lines (leading and trailing spaces ignored). Raises ValueError, naming
    ``where`` and the line, for a BEGIN inside a region, an END without a BEGIN, or a region
    never closed.
    """
    start = None
    for i, line in enumerate(lines):
        s = line.strip()
        if s == BEGIN:
            if start is not None:
                raise ValueError(f"{where}: '{BEGIN}' on line {i + 1} inside another solution region "
                                 f"(opened on line {start + 1}).")
            start = i
        elif s == END:
            if start is None:
                raise ValueError(f"{where}: '{END}' on line {i + 1} without a matching '{BEGIN}'.")
            yield start, i
            start = None
    if start is not None:
        raise ValueError(f"{where}: '{BEGIN}' on line {start + 1} is never closed by '{END}'.")


def has_solution(source: str) -> bool:
    """Whether a cell's source has a ``### BEGIN SOLUTION`` line."""
    return any(line.strip() == BEGIN for line in source.split("\n"))


def solution_paths(names=()) -> list[Path]:
    """The notebooks of ``solutions/``, sorted; with ``names`` (file names, a folder part is
    ignored) only those, and a stop naming any that is not there."""
    paths = sorted(SOLUTIONS.glob("*.ipynb"))
    if names:
        wanted = {Path(n).name for n in names}
        unknown = wanted - {p.name for p in paths}
        if unknown:
            raise SystemExit(f"not in solutions/: {', '.join(sorted(unknown))}")
        paths = [p for p in paths if p.name in wanted]
    return paths


# ------------------------------------------------------------------------------ notebook arguments

def expand(args) -> list[Path]:
    """The notebooks named by ``args``, in order: a folder gives its ``*.ipynb`` files (sorted; not
    those of its subfolders, nor JupyterLab's ``.ipynb_checkpoints``), a notebook file itself.

    Anything else (a missing path, a file that is not a notebook) stops the script with a message
    naming it, before any notebook runs.
    """
    paths = []
    for a in args:
        p = Path(a)
        if p.is_dir():
            paths += sorted(q for q in p.glob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        elif p.suffix == ".ipynb" and p.is_file():
            paths.append(p)
        else:
            raise SystemExit(f"{Path(sys.argv[0]).name}: {str(a)!r} is neither a folder nor a notebook file "
                             "(expected a folder or a path ending in .ipynb)")
    return paths


def all_notebooks() -> list[Path]:
    """Every notebook of the course: notebooks/, exercises/, solutions/ (in that order)."""
    return expand(ROOT / f for f in FOLDERS if (ROOT / f).is_dir())


# ------------------------------------------------------------------------------ running a notebook

# The notebook metadata every saved notebook gets (whatever kernel ran it).
METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}

# The cell appended for a run (and removed after it): the kernel's own CPU time, its process and
# its children, which depends much less than the wall time on what else the machine is doing.
CPU_PROBE = """\
try:
    import resource as _resource
    _self, _kids = _resource.getrusage(_resource.RUSAGE_SELF), _resource.getrusage(_resource.RUSAGE_CHILDREN)
    print("CPU_SECONDS", _self.ru_utime + _self.ru_stime + _kids.ru_utime + _kids.ru_stime)
except ImportError:  # Windows: this process only
    import time as _time
    print("CPU_SECONDS", _time.process_time())
"""


@dataclass
class Run:
    """How a run of a notebook went."""
    seconds: float                  # wall time, starting the kernel included
    cpu_seconds: float | None       # the kernel's CPU time; None when a cell failed before the end
    error: Exception | None = None  # nbclient's CellExecutionError when a cell failed


def execute(nb, folder: Path, timeout: int = 900, km=None, **kernel_options) -> Run:
    """Run every cell of notebook ``nb`` in a fresh kernel whose working directory is ``folder``.

    ``nb`` (an nbformat notebook) gets the outputs; nothing is written to disk. The run stops at
    the first cell that raises (unless the cell is tagged ``raises-exception``): that error is
    returned in ``Run.error``, not raised; a timeout or a kernel that cannot start raises.
    ``km``: a kernel manager of the caller's (default: the registered ``python3`` kernel);
    ``kernel_options`` (``env``, ``stderr``...) go to the kernel's start.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    client = NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    error = None
    nb.cells.append(nbformat.v4.new_code_cell(CPU_PROBE))
    t0 = time.perf_counter()
    try:
        client.execute(**kernel_options)
    except CellExecutionError as e:
        error = e
    finally:
        wall = time.perf_counter() - t0
        probe = nb.cells.pop()
    text = "".join(o.get("text", "") for o in probe.outputs if o.get("output_type") == "stream")
    m = re.search(r"CPU_SECONDS ([\d.eE+-]+)", text)
    return Run(wall, float(m.group(1)) if m and error is None else None, error)


def normalise(nb) -> None:
    """Drop volatile metadata so that re-running an unchanged notebook changes nothing: the
    notebook metadata becomes ``METADATA``, and execution timings and view states go."""
    import nbformat

    nb.metadata = nbformat.from_dict(METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            for out in cell.outputs:
                out.get("metadata", {}).pop("execution", None)


def record(path: Path, timeout: int = 600) -> float:
    """Run the notebook at ``path`` and save it with its outputs, normalised (``make record``);
    return the wall seconds. A failing cell's error is raised after the notebook is saved."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    try:
        run = execute(nb, path.parent, timeout)
    finally:
        normalise(nb)
        nbformat.write(nb, path)
    if run.error is not None:
        raise run.error
    return run.seconds


# ------------------------------------------------------------------------------ the machine

# One BLAS thread in a measured kernel: on a shared machine, idle BLAS threads spin and inflate
# both wall and CPU time.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux; elsewhere what ``platform`` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average(digits: int = 2) -> float | None:
    """The 1-minute load average, rounded (None where the system has none, e.g. Windows)."""
    return round(os.getloadavg()[0], digits) if hasattr(os, "getloadavg") else None

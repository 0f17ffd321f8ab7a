#!/usr/bin/env python3
"""Execute notebooks in a fresh kernel and save them with their outputs (``make record``).

    python scripts/run_notebooks.py notebooks/02_autoencoder_basics.ipynb   # one notebook
    python scripts/run_notebooks.py notebooks solutions                      # whole folders

Each notebook runs with its own folder as working directory, as in JupyterLab. The saved file
is normalised so that re-recording an unchanged notebook gives no diff: execution-timing
metadata is dropped and the notebook metadata is reduced to a fixed kernelspec and language.
Prints each notebook's run time. Exit status 1 if any notebook raised an error in a cell
that is not tagged ``raises-exception``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def normalise(nb) -> None:
    """Drop volatile metadata so that re-running an unchanged notebook changes nothing."""
    nb.metadata = nbformat.from_dict(METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            for out in cell.outputs:
                out.get("metadata", {}).pop("execution", None)


def run(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    try:
        client.execute()
    finally:
        seconds = time.perf_counter() - t0
        normalise(nb)
        nbformat.write(nb, path)
    return seconds


def expand(args):
    for a in args:
        p = Path(a)
        if p.is_dir():
            yield from sorted(q for q in p.glob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        else:
            yield p


def main(argv) -> int:
    paths = list(expand(argv or ["notebooks", "solutions"]))
    failed, total = [], 0.0
    for p in paths:
        try:
            s = run(p)
            print(f"{s:6.1f} s  {p}", flush=True)
        except CellExecutionError as e:
            failed.append(p)
            print(f"FAILED  {p}\n{str(e)[:2000]}", flush=True)
            continue
        total += s
    print(f"{total:6.1f} s  total ({len(paths)} notebooks)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Execute notebooks in a fresh kernel and save them with their outputs (``make record``).

    python scripts/run_notebooks.py notebooks/02_autoencoder_basics.ipynb   # one notebook
    python scripts/run_notebooks.py notebooks solutions                      # whole folders

Each notebook runs with its own folder as working directory, as in JupyterLab (``nbtools.record``).
An argument that is neither a folder nor a notebook file stops the script before anything runs.
The saved file is normalised so that re-recording an unchanged notebook gives no diff: execution
timing metadata is dropped and the notebook metadata is reduced to a fixed kernelspec and
language. Prints each notebook's run time. Exit status 1 if any notebook raised an error in a cell
that is not tagged ``raises-exception``.
"""
from __future__ import annotations

import sys

from nbclient.exceptions import CellExecutionError

import nbtools


def main(argv) -> int:
    paths = nbtools.expand(argv or ["notebooks", "solutions"])
    failed, total = [], 0.0
    for p in paths:
        try:
            s = nbtools.record(p)
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

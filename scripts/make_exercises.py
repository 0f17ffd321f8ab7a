#!/usr/bin/env python3
"""Generate the learner copies ``exercises/NN_....ipynb`` from ``solutions/NN_....ipynb`` (``make exercises``).

    python scripts/make_exercises.py            # regenerate every exercise notebook and record its outputs
    python scripts/make_exercises.py 02_autoencoder_basics.ipynb   # only these (names in solutions/)
    python scripts/make_exercises.py --no-run   # write the learner copies without executing them
    python scripts/make_exercises.py --check    # exit 1 if exercises/ is out of date with solutions/

``solutions/`` is the single source. In a solution notebook, each answer sits between two marker
lines (the nbgrader convention, so nbgrader can take the notebooks as they are)::

    def layer(X, W, b):
        ### BEGIN SOLUTION
        return sigmoid(X @ W.T + b)
        ### END SOLUTION

The generator replaces each marked region:

* inside a block (indented, e.g. a function body): by ``# YOUR CODE HERE`` and
  ``raise NotImplementedError()``, indented like the markers. The check that calls the function
  catches the error and prints "not answered yet";
* at the top level of a cell (an answer such as ``prediction = "down"``): by ``# YOUR CODE HERE``
  and ``name = ...`` for every name the region assigns. A top-level ``raise`` would stop the
  notebook with a traceback; the checks treat ``...`` as "not answered yet" instead;
* in a markdown cell (a written explanation): by ``YOUR ANSWER HERE``.

Cells that change lose their outputs and execution counts; every other cell keeps its source,
type, id and metadata. The notebook metadata is normalised as ``make record`` does
(``nbtools.normalise``), and files are written by nbformat with sorted keys, so regenerating
gives the same bytes. Unless ``--no-run`` is given, each learner copy is then executed in a fresh
kernel and saved with its outputs (``nbtools.record``: the "not answered yet" lines), so that
nbval can check it as committed.
"""
from __future__ import annotations

import ast
import copy
import sys
import textwrap
from pathlib import Path

import nbformat

import nbtools
from nbtools import BEGIN, CODE_STUB, EXERCISES, MARKDOWN_STUB, ROOT, SOLUTIONS, solution_regions


def _assigned_names(code: str, where: str):
    """Names assigned at the top level of ``code``, in order of first appearance."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError as e:
        raise ValueError(f"{where}: the solution region does not parse: {e}") from None
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id not in names:
                    names.append(n.id)
    if not names:
        raise ValueError(f"{where}: a top-level solution region must assign at least one name (e.g. "
                         f"prediction = ...), so that the learner copy can leave it as `name = ...`.")
    return names


def strip_code(source: str, where: str = "cell") -> str:
    """The learner version of a code cell's source (unchanged when it has no markers)."""
    lines = source.split("\n")
    out, pos = [], 0
    for start, end in list(solution_regions(lines, where)):
        out.extend(lines[pos:start])
        marker = lines[start]
        indent = marker[: len(marker) - len(marker.lstrip())]
        if indent:
            out += [indent + CODE_STUB, indent + "raise NotImplementedError()"]
        else:
            body = "\n".join(lines[start + 1:end])
            out += [CODE_STUB] + [f"{name} = ..." for name in _assigned_names(body, where)]
        pos = end + 1
    out.extend(lines[pos:])
    return "\n".join(out)


def strip_markdown(source: str, where: str = "cell") -> str:
    lines = source.split("\n")
    out, pos = [], 0
    for start, end in list(solution_regions(lines, where)):
        out.extend(lines[pos:start])
        out.append(MARKDOWN_STUB)
        pos = end + 1
    out.extend(lines[pos:])
    return "\n".join(out)


def make_exercise(nb, name: str = "notebook"):
    """Return the learner copy of solution notebook ``nb`` (``nb`` itself is not changed)."""
    ex = copy.deepcopy(nb)
    n_regions = 0
    for i, cell in enumerate(ex.cells):
        where = f"{name}, cell {i} (id {cell.get('id', '?')})"
        if cell.cell_type == "code":
            new = strip_code(cell.source, where)
        elif cell.cell_type == "markdown":
            new = strip_markdown(cell.source, where)
        else:
            continue
        if new != cell.source:
            n_regions += 1
            cell.source = new
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
    if n_regions == 0:
        raise ValueError(f"{name}: no '{BEGIN}' region found; a solution notebook needs at least one answer.")
    nbtools.normalise(ex)
    return ex


def expected(path: Path):
    """The learner copy the generator makes from ``solutions/<path.name>``."""
    return make_exercise(nbformat.read(path, as_version=4), path.name)


def stale(paths):
    """Exercise notebooks whose sources, cell types or ids differ from what the generator makes."""
    bad = []
    for p in paths:
        target = EXERCISES / p.name
        if not target.exists():
            bad.append(f"{target.relative_to(ROOT)}: missing")
            continue
        have = nbformat.read(target, as_version=4)
        want = expected(p)
        key = lambda nb: [(c.cell_type, c.get("id"), c.source) for c in nb.cells]  # noqa: E731
        if key(have) != key(want):
            bad.append(f"{target.relative_to(ROOT)}: out of date with solutions/{p.name}")
    orphans = sorted(set(q.name for q in EXERCISES.glob("*.ipynb")) - set(q.name for q in SOLUTIONS.glob("*.ipynb")))
    bad += [f"exercises/{o}: has no solution notebook" for o in orphans]
    return bad


def main(argv) -> int:
    check = "--check" in argv
    no_run = "--no-run" in argv
    names = [a for a in argv if not a.startswith("--")]
    paths = nbtools.solution_paths(names)
    if check:
        bad = stale(paths)
        for line in bad:
            print(line)
        if bad:
            print("Run `make exercises` to regenerate them.")
        return 1 if bad else 0
    EXERCISES.mkdir(exist_ok=True)
    failed = 0
    for p in paths:
        target = EXERCISES / p.name
        nbformat.write(expected(p), target)
        if no_run:
            print(f"wrote {target.relative_to(ROOT)}")
            continue
        try:
            seconds = nbtools.record(target)
            print(f"{seconds:6.1f} s  {target.relative_to(ROOT)}", flush=True)
        except Exception as e:  # a learner copy must run top to bottom
            failed += 1
            print(f"FAILED  {target.relative_to(ROOT)}\n{str(e)[:2000]}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

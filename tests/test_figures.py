"""Every figure of every notebook is legible (issue 21): no overlapping text, no legend hiding the
points it explains, no image without a colour bar or a stated scale.

Each notebook is executed in a fresh kernel (as nbval does) with one extra cell in front that
checks every figure the moment it is rendered for display (``tests/figure_lint.py``: matplotlib
gives the bounding box of every title, label, tick label and legend). The committed files are
not modified.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(p for folder in ("notebooks", "solutions", "exercises") for p in (REPO / folder).glob("*.ipynb"))

HOOK = f"""
import sys
sys.path.insert(0, {str(Path(__file__).parent)!r})
import figure_lint as _figure_lint
import matplotlib.backend_bases as _bb
_FIGURE_PROBLEMS, _CELL = [], [-1]
get_ipython().events.register("pre_run_cell", lambda *a: _CELL.__setitem__(0, _CELL[0] + 1))
_print_figure = _bb.FigureCanvasBase.print_figure
def _checked_print_figure(self, *args, **kwargs):
    fig = self.figure
    if not getattr(fig, "_figure_lint_done", False):
        fig._figure_lint_done = True
        _FIGURE_PROBLEMS.extend([_CELL[0], p] for p in _figure_lint.problems(fig))
    return _print_figure(self, *args, **kwargs)
_bb.FigureCanvasBase.print_figure = _checked_print_figure
"""
REPORT = "import json; print(json.dumps(_FIGURE_PROBLEMS))"


def run_and_lint(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(HOOK))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    code_cells = [i - 1 for i, c in enumerate(nb.cells) if c.cell_type == "code"][1:]   # original indices
    return [f"cell {code_cells[k]}: {p}" for k, p in json.loads(out.strip().splitlines()[-1])]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.name}" for p in NOTEBOOKS])
def test_every_figure_is_legible(path):
    found = run_and_lint(path)
    assert not found, f"{path.relative_to(REPO)}: illegible figures (cells numbered from 0, markdown included):\n" + "\n".join(found)

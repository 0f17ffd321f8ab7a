"""The course as learners see it: JupyterLab in a real (headless) browser.

nbval runs the notebooks in a kernel and compares outputs, but never looks at the page. This
test starts `jupyter lab` on 127.0.0.1 (free port, token, throw-away settings), drives it with
Playwright in the system's Chromium, and for notebook 00 and each widget lesson (05, 06, 07,
as they exist): opens it in a fresh workspace, runs all cells, waits for the kernel to be
idle, and checks that no cell shows an error, that every widget renders (no "Error displaying
widget", no raw `Output()`/`VBox(...)` text), that LaTeX is typeset by MathJax, and, in the
denoising lesson, that moving the `level` slider changes the figure within 1 s (and, in each
explorer, that its controls redraw the figure at all). A screenshot of each notebook goes to
screenshots/browser/ (ignored by git).

The notebooks are opened from a temporary copy of notebooks/, so running them never touches
the committed files. Two scratch notebooks, one correct and one broken on purpose, show on
every run that the checks pass on what works and catch what does not.

Without Chromium (or the playwright package) the test is skipped with a message saying how to
enable it; with CI=true a missing browser is a failure.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import browser_helpers as bh

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "screenshots" / "browser"

FIRST = "00_start_here.ipynb"
# The lessons that display a widget explorer (aelib.widgets), what each must render, and the
# controls that must redraw its figure: (kind, label, seconds allowed for the new figure). The
# issue asks for 1 s on the denoising level; the others get a lenient limit (they must respond).
WIDGET_LESSONS = {
    "05_activations.ipynb": "activation explorer",
    "06_denoising.ipynb": "denoising explorer",
    "07_weight_reuse.ipynb": "hidden-unit explorer",
}
CONTROLS = {
    "05_activations.ipynb": [("dropdown", "activation", 3.0)],
    "06_denoising.ipynb": [("slider", "level", bh.FIGURE_UPDATE_LIMIT), ("dropdown", "noise type", 3.0)],
    "07_weight_reuse.ipynb": [("slider", "unit", 3.0)],
}


def course_notebooks() -> list[str]:
    """Notebook 00 (or, until it exists, the first other lesson) and the widget lessons that exist."""
    present = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    others = [n for n in present if n not in WIDGET_LESSONS]
    chosen = [FIRST] if FIRST in present else others[:1]
    return chosen + [n for n in WIDGET_LESSONS if n in present]


def require_browser(reason: str | None, ci: bool) -> None:
    """Skip (locally) or fail (under CI) when the browser test cannot run."""
    if reason is None:
        return
    if ci:
        pytest.fail(f"CI=true but the browser test cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------------- scratch notebooks

_SLIDER_CODE = '''\
import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

level = widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.1, description="level",
                            continuous_update=False)
curve = widgets.Dropdown(options=["square", "cube"], value="square", description="curve")
out = widgets.Output()

def update(change=None):
    with out:
        out.clear_output(wait=True)
        x = np.linspace(0, 1, 50)
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot(x, x ** ({"square": 2, "cube": 3}[curve.value] + 4 * level.value))
        ax.set(title=f"{curve.value}, level {level.value:.1f}", xlabel="x", ylabel="y")
        plt.show()

{observe}
box = widgets.VBox([level, curve, out])
box.update = update
update()
display(box)
'''


def _scratch_notebook(path: Path, broken: bool) -> None:
    import nbformat

    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# Scratch notebook for the browser test\n\nThe loss is $L = \\|x - z\\|^2$ and\n\n"
                             "$$h = \\sigma(Wx + b).$$"),
        v4.new_code_cell(_SLIDER_CODE.replace(
            "{observe}",
            # broken: the callback is never attached, so the figure never changes
            "pass" if broken else 'level.observe(update, names="value")\ncurve.observe(update, names="value")')),
        v4.new_code_cell("print('a plain cell')"),
    ]
    if broken:
        cells += [
            # a widget view whose model does not exist: JupyterLab shows "Error displaying widget"
            v4.new_code_cell(
                "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'no-such-model', "
                "'version_major': 2, 'version_minor': 0}, 'text/plain': 'VBox()'}, raw=True)"),
            # what a learner sees when the widget front end is missing: the repr as text
            v4.new_code_cell("display({'text/plain': 'VBox(children=(Output(),))'}, raw=True)"),
            # TeX that MathJax leaves alone (inside <pre>): counts as LaTeX not rendered
            v4.new_markdown_cell("<pre>$x + 1$</pre>"),
            v4.new_code_cell("1 / 0"),
            v4.new_code_cell("print('never runs')"),
        ]
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


# ---------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a temporary copy of notebooks/ (+ the scratch notebooks)."""
    require_browser(bh.browser_missing_reason(), bh.ci_mode())
    base = tmp_path_factory.mktemp("browser")
    root = base / "root"
    root.mkdir()
    if NOTEBOOKS.is_dir():
        bh.copy_notebooks(NOTEBOOKS, root)
    _scratch_notebook(root / "scratch" / "good.ipynb", broken=False)
    _scratch_notebook(root / "scratch" / "broken.ipynb", broken=True)
    server = bh.start_lab(root, base / "state")
    yield server
    server.stop()
    assert server.process.returncode is not None


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=bh.chromium_path(), headless=True,
                                     args=bh.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    try:  # shut the notebook's kernel down, so kernels do not pile up on a 2-core machine
        page.evaluate("async () => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                      " if (w && w.sessionContext) await w.sessionContext.shutdown(); }")
    except Exception:
        pass
    context.close()


def run_notebook(page, lab, relpath: str, screenshot_name: str,
                 controls=()) -> bh.NotebookReport:
    """Open, Run All, check; the screenshot is taken even when something fails on the way."""
    report = bh.NotebookReport(relpath)
    t0 = time.monotonic()
    try:
        bh.open_notebook(page, lab, relpath)
        result = bh.run_all(page)
        expect_math = bh.latex_cells(lab.root / relpath)
        cells = bh.wait_for_rendering(page, expect_math)
        bh.check_cells(cells, result, expect_math, report)
        for kind, label, limit in controls:
            bh.check_control_changes_figure(page, label, report, kind=kind, limit=limit)
    finally:
        report.seconds = time.monotonic() - t0
        try:
            bh.screenshot(page, SCREENSHOTS / screenshot_name)
        except Exception as exc:  # a screenshot must not hide the real failure
            report.notes.append(f"no screenshot: {exc}")
    print(report.summary())
    return report


# ---------------------------------------------------------------------------- the course

@pytest.mark.parametrize("name", course_notebooks())
def test_notebook_in_jupyterlab(name, lab, page):
    before = _hashes(NOTEBOOKS)
    report = run_notebook(page, lab, f"notebooks/{name}", name.replace(".ipynb", ".png"),
                          controls=CONTROLS.get(name, ()))
    if name in WIDGET_LESSONS and report.n_widgets == 0:
        report.problems.append(f"the {WIDGET_LESSONS[name]} was expected but no widget rendered")
    assert not report.problems, (
        f"{name} in JupyterLab ({lab.url}):\n  - " + "\n  - ".join(report.problems)
        + f"\n(screenshot: {SCREENSHOTS / name.replace('.ipynb', '.png')})"
    )
    assert _hashes(NOTEBOOKS) == before, "running the copy changed files in the repository's notebooks/"


def test_the_course_notebooks_are_covered():
    names = course_notebooks()
    if not NOTEBOOKS.is_dir() or not names:
        pytest.skip("no lesson notebooks yet")
    assert names[0] == FIRST or FIRST not in {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    for lesson in WIDGET_LESSONS:
        assert ((NOTEBOOKS / lesson).exists()) == (lesson in names)


# ---------------------------------------------------------------------------- the checks can fail

def test_checks_pass_on_a_working_widget_notebook(lab, page):
    report = run_notebook(page, lab, "scratch/good.ipynb", "scratch_good.png",
                          controls=[("slider", "level", 1.0), ("dropdown", "curve", 1.0)])
    assert not report.problems, "\n".join(report.problems)
    assert report.n_widgets == 1 and report.n_mathjax_cells == 1 and report.n_code_cells == 2
    # the same widget, held to an impossible deadline: the timing check does fail
    strict = bh.NotebookReport("scratch/good.ipynb, 1 ms limit")
    bh.check_control_changes_figure(page, "level", strict, limit=0.001)
    assert any("changed the figure only after" in p for p in strict.problems), strict.problems


def test_checks_catch_a_broken_notebook(lab, page):
    report = run_notebook(page, lab, "scratch/broken.ipynb", "scratch_broken.png",
                          controls=[("slider", "level", 0.3), ("dropdown", "curve", 0.3)])
    text = "\n".join(report.problems)
    expected = [
        "Run All reported failure",
        "shows an error: ZeroDivisionError",
        "did not run (an earlier cell failed",
        "'Error displaying widget'",
        "raw text instead of rendering it",
        "no rendered maths",
        "'level' slider (0.30 -> 0.40) did not change the figure",
        "'curve' dropdown (square -> cube) did not change the figure",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, f"the checks missed {missing}; they reported:\n{text}"


# ---------------------------------------------------------------------------- no nbgrader for learners

# What nbgrader's JupyterLab extension adds: a "Nbgrader" menu, a "Nbgrader Create Assignment"
# side panel, nbgrader:* commands (seen with nbgrader 0.9.6). The learner's install has none.
_JS_LAB_UI = """async () => {
  await window.jupyterapp.restored;
  const menus = Array.from(document.querySelectorAll('.lm-MenuBar-itemLabel')).map(e => e.textContent.trim());
  const tabs = Array.from(document.querySelectorAll('.lm-TabBar-tab')).map(e => e.getAttribute('title') || e.textContent || '');
  const commands = window.jupyterapp.commands.listCommands();
  return {menus, nbgrader: [...menus, ...tabs, ...commands].filter(t => /nbgrader|formgrader/i.test(t))};
}"""
LEARNER_PYTHON = os.environ.get("AE_LEARNER_PYTHON")


def _has_nbgrader(python: str) -> bool:
    code = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('nbgrader') else 1)"
    return subprocess.run([python, "-c", code], capture_output=True, timeout=120).returncode == 0


def lab_ui(page, server) -> dict:
    """The menu bar's labels and every menu, panel or command of the open JupyterLab naming nbgrader."""
    page.goto(f"{server.url}/lab/workspaces/ui-{uuid.uuid4().hex[:8]}?reset&token={server.token}")
    page.wait_for_function("() => !!window.jupyterapp", timeout=bh.KERNEL_READY_TIMEOUT * 1000, polling=250)
    page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=bh.KERNEL_READY_TIMEOUT * 1000)
    return page.evaluate(_JS_LAB_UI)


def test_the_instructors_lab_shows_nbgrader_so_the_check_can_see_it(lab, page):
    if not _has_nbgrader(sys.executable):
        pytest.skip("nbgrader is not installed here (a learner's install): the learner test covers this lab")
    ui = lab_ui(page, lab)
    assert "Nbgrader" in ui["menus"], ui["menus"]
    assert any(c.startswith("nbgrader:") for c in ui["nbgrader"]), ui["nbgrader"]


def test_the_learners_lab_shows_no_nbgrader_menus(lab, browser, tmp_path_factory):
    """In a learner's install (`make check`, `pip install .`), JupyterLab has no nbgrader menu,
    panel or command. Here the tests' own environment has nbgrader (the instructor extra), so the
    learner's JupyterLab comes from AE_LEARNER_PYTHON, the Python of a learner install, e.g. a fresh
    clone after `make check`: AE_LEARNER_PYTHON=/path/to/clone/.venv/bin/python."""
    if not _has_nbgrader(sys.executable):
        python, server = sys.executable, lab
    elif LEARNER_PYTHON:
        python = LEARNER_PYTHON
        base = tmp_path_factory.mktemp("learner-lab")
        (base / "root").mkdir()
        server = bh.start_lab(base / "root", base / "state", python=python)
    else:
        pytest.skip("this environment has the instructor extra; set AE_LEARNER_PYTHON to the Python of a "
                    "learner install (a fresh clone after `make check`: <clone>/.venv/bin/python)")
    try:
        assert not _has_nbgrader(python), f"{python} has nbgrader installed: not a learner's install"
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            ui = lab_ui(page, server)
            bh.screenshot(page, SCREENSHOTS / "learner_lab.png")
        finally:
            context.close()
    finally:
        if server is not lab:
            server.stop()
    assert {"File", "Kernel", "Help"} <= set(ui["menus"]), ui["menus"]  # the page did load
    assert not ui["nbgrader"], f"the learner's JupyterLab shows nbgrader: {ui['nbgrader']}"


# ---------------------------------------------------------------------------- no browser needed

def test_missing_browser_skips_locally_and_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium-here"))
    reason = bh.browser_missing_reason()
    assert reason is not None and "apt-get install chromium" in reason
    with pytest.raises(pytest.skip.Exception, match="how|install"):
        require_browser(reason, ci=False)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_browser(reason, ci=True)
    require_browser(None, ci=True)  # nothing missing: no skip, no failure
    for value, expected in [("true", True), ("1", True), ("", False), ("false", False)]:
        monkeypatch.setenv("CI", value)
        assert bh.ci_mode() is expected


def test_latex_detection():
    assert bh.has_latex("the map $h = f(Wx + b)$ and")
    assert bh.has_latex("$$\\frac{a}{b}$$")
    assert bh.has_latex("\\begin{align} a &= b \\end{align}")
    assert not bh.has_latex("it costs 5 $ and `$x$` in code")
    assert not bh.has_latex("```bash\necho $HOME $PATH\n```")


def test_playwright_is_a_test_dependency_and_not_the_learners():
    from test_environment import environment_requirements, pyproject_requirements

    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    conda_reqs = environment_requirements((REPO / "environment.yml").read_text(encoding="utf-8"))
    assert "playwright" in pyproject_requirements(pyproject, ("test",))
    assert "playwright" not in pyproject_requirements(pyproject) and "playwright" not in conda_reqs

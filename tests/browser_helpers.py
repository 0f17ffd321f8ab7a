"""Plumbing for tests/test_browser.py: a JupyterLab server, headless Chromium, and the checks.

The checks return lists of problems (plain sentences) instead of asserting, so that the test
file can both assert that a course notebook has none and show, on a notebook broken on
purpose, that each check does find what it is meant to find.

Nothing here downloads: the browser is the system's Chromium (Debian package `chromium`),
driven by Playwright for Python with ``executable_path``; `playwright install` is never run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# Where the browser is looked for; CHROMIUM=/path/to/chrome overrides (e.g. on macOS).
DEFAULT_CHROMIUM = "/usr/bin/chromium"

ENABLE_HINT = (
    "To enable the browser test: install Chromium (Debian/Ubuntu: `sudo apt-get install chromium`; "
    "elsewhere point CHROMIUM=/path/to/chrome-or-chromium at a Chrome/Chromium binary) and "
    "`make setup` (installs the Python package playwright; never run `playwright install`)."
)

# Flags for a headless Chromium on a machine without a network beyond localhost: without the
# background-networking ones it keeps trying (and failing) to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root; harmless otherwise
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# How long things may take on a loaded 2-core machine, in seconds.
SERVER_START_TIMEOUT = 90
KERNEL_READY_TIMEOUT = 60
RUN_ALL_TIMEOUT = 600  # a lesson takes ~10-60 s alone; far more when the machine is shared
RENDER_TIMEOUT = 20
FIGURE_UPDATE_LIMIT = 1.0  # the "changes the displayed figure within 1 s"


def ci_mode() -> bool:
    """True under CI (CI=true/1/yes), where a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", DEFAULT_CHROMIUM)


def browser_missing_reason() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"the Python package playwright is not installed. {ENABLE_HINT}"
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return f"no Chromium at {path}. {ENABLE_HINT}"
    return None


# ---------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    process: subprocess.Popen
    port: int
    token: str
    root: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n:])

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (the server then shuts its kernels down); SIGKILL the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)


def write_lab_settings(settings_dir: Path) -> None:
    """User settings for the test's JupyterLab: no news pop-up, every cell attached to the page."""
    files = {
        # The "get notified about Jupyter news?" toast covers the page; and no requests outside.
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        # Attach every cell, so that the checks (and the screenshot) see the whole notebook.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none"},
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")


def start_lab(root: Path, state_dir: Path, python: str = sys.executable) -> LabServer:
    """Start `jupyter lab` serving ``root`` on 127.0.0.1 and wait (bounded) until it answers.

    JupyterLab's config, user settings, workspaces and runtime files go to ``state_dir`` so that
    nothing of the user's own set-up (or of a previous run) leaks in, and nothing is left behind.
    ``python`` is the interpreter whose JupyterLab runs (another environment's, e.g. a learner install).
    """
    port = free_port()
    token = uuid.uuid4().hex
    for sub in ["config", "settings", "workspaces", "runtime", "ipython"]:
        (state_dir / sub).mkdir(parents=True, exist_ok=True)
    write_lab_settings(state_dir / "settings")
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(state_dir / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(state_dir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        IPYTHONDIR=str(state_dir / "ipython"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    # One BLAS thread per kernel (unless the caller chose otherwise): on a busy 2-core machine
    # OpenBLAS's worker threads wait for each other, and a small training loop measured here ran
    # 60-130x slower with the default two threads (19-47 s) than with one (0.3 s). The test looks
    # at the page, not at speed, and one thread gives the same products.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    cmd = [
        python, "-m", "jupyter", "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run all cells
        "--LabApp.news_url=",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = state_dir / "jupyter-lab.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so a hung server can be killed whole
    )
    log.close()
    server = LabServer(process, port, token, root, log_path)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    status_url = f"{server.url}/api/status?token={token}"
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with code {process.returncode} before answering; its log:\n"
                + server.log_tail()
            )
        try:
            with urllib.request.urlopen(status_url, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(
                f"jupyter lab did not answer {server.url}/api/status within {SERVER_START_TIMEOUT} s; "
                f"its log:\n{server.log_tail()}"
            )
        time.sleep(0.3)


def copy_notebooks(src: Path, dst_root: Path) -> Path:
    """Copy the notebooks folder (without checkpoints) to dst_root/<name>; returns the copy."""
    dst = dst_root / src.name
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dst


# ---------------------------------------------------------------------------- the notebook file

_FENCED = re.compile(r"```.*?```|~~~.*?~~~", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$|\\begin\{[a-z*]+\}|\\\(.+?\\\)|\\\[.+?\\\]", re.S)


def has_latex(markdown: str) -> bool:
    """Does this markdown contain TeX maths ($...$, $$...$$, \\(...\\), \\begin{...})? Code is ignored."""
    text = _INLINE_CODE.sub("", _FENCED.sub("", markdown))
    return bool(_MATH.search(text))


def latex_cells(notebook_path: Path) -> list[int]:
    """Indices of the markdown cells that contain LaTeX."""
    nb = json.loads(notebook_path.read_text(encoding="utf-8"))
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if has_latex(source):
                found.append(i)
    return found


# ---------------------------------------------------------------------------- the page

# JavaScript run in the page; `window.jupyterapp` exists thanks to expose_app_in_browser.
_JS_NOTEBOOK_READY = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell && app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.context || !w.context.isReady) return false;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}
"""

_JS_RUN_ALL = """
async (limitMs) => {
  const app = window.jupyterapp;
  const w = app.shell.currentWidget;
  await w.sessionContext.ready;
  await w.sessionContext.session.kernel.info;
  await app.commands.execute('notebook:clear-all-cell-outputs');
  const timeout = new Promise(resolve => setTimeout(() => resolve('timeout'), limitMs));
  const result = await Promise.race([app.commands.execute('notebook:run-all-cells'), timeout]);
  return String(result);
}
"""

_JS_KERNEL_STATUS = """
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  return k ? k.status : 'no kernel';
}
"""

# One entry per cell of the open notebook: what the model holds and what the page shows.
_JS_CELLS = """
() => {
  const w = window.jupyterapp.shell.currentWidget;
  const nb = w.content;
  return nb.widgets.map((cell, index) => {
    const model = cell.model;
    const node = cell.node;
    const info = {
      index, type: model.type,
      source: model.sharedModel.getSource(),
      executionCount: model.type === 'code' ? model.executionCount : null,
      outputTypes: [], errors: [], widgetViews: 0,
      mathjax: node.querySelectorAll('mjx-container').length,
      prompt: (node.querySelector('.jp-InputPrompt') || {}).textContent || '',
    };
    info.widgetOutputs = [];
    if (model.type === 'code') {
      // The output area's children follow the model's outputs one to one.
      const children = cell.outputArea ? cell.outputArea.widgets : [];
      model.outputs.toJSON().forEach((out, k) => {
        info.outputTypes.push(out.output_type);
        if (out.output_type === 'error') info.errors.push(out.ename + ': ' + out.evalue);
        if (out.data && out.data['application/vnd.jupyter.widget-view+json']) {
          info.widgetViews += 1;
          const child = children[k] && children[k].node;
          const o = child && child.querySelector('.jp-OutputArea-output');
          if (o) info.widgetOutputs.push({
            text: o.innerText.slice(0, 300),
            rendered: !!o.querySelector('[class*="widget-"]'),
            outputWidgets: o.querySelectorAll('.widget-output').length,
            images: o.querySelectorAll('.widget-output img').length,
            filledOutputs: [...o.querySelectorAll('.widget-output')]
              .filter(x => x.querySelector('.jp-OutputArea-child')).length,
          });
        }
      });
    }
    const outs = [...node.querySelectorAll('.jp-OutputArea-output')];
    info.plainTexts = outs
      .filter(o => o.getAttribute('data-mime-type') === 'text/plain')
      .map(o => o.innerText.slice(0, 500));
    info.stderrTexts = outs
      .filter(o => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr')
      .map(o => o.innerText.slice(0, 2000));
    info.errorDisplaying = node.innerText.includes('Error displaying widget');
    return info;
  });
}
"""

# A widget shown as text: the fallback repr when the widget front end did not render it.
_RAW_WIDGET = re.compile(
    r"\b(Output|VBox|HBox|Box|GridBox|Tab|Accordion|Stack|interactive|IntSlider|FloatSlider|Dropdown)\("
)
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception)\b.*", re.M)


@dataclass
class NotebookReport:
    name: str
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    n_code_cells: int = 0
    n_widgets: int = 0
    n_mathjax_cells: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.name}: {self.n_code_cells} code cells, {self.n_widgets} widgets rendered, "
                f"LaTeX in {self.n_mathjax_cells} markdown cells, [{self.seconds:.1f} s]"
                + "".join(f"\n  note: {n}" for n in self.notes))


def open_notebook(page, server: LabServer, relpath: str) -> None:
    """Open ``relpath`` (relative to the server root) in a fresh workspace; wait for an idle kernel."""
    workspace = "test-" + uuid.uuid4().hex[:12]
    page.goto(f"{server.url}/lab/workspaces/{workspace}/tree/{relpath}?reset&token={server.token}")
    page.wait_for_function(_JS_NOTEBOOK_READY, timeout=KERNEL_READY_TIMEOUT * 1000, polling=250)
    # What a learner sees: the status bar says the kernel is idle (it is wrong only before the
    # kernel has started, which the check above rules out).
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\|\s*Idle\s*$")).first.wait_for(
        timeout=KERNEL_READY_TIMEOUT * 1000
    )


def run_all(page) -> str:
    """Clear outputs, Run All, wait until the kernel is idle; returns Run All's result ('true'/'false')."""
    result = page.evaluate(_JS_RUN_ALL, RUN_ALL_TIMEOUT * 1000)
    if result != "timeout":
        page.wait_for_function(f"() => ({_JS_KERNEL_STATUS})() === 'idle'",
                               timeout=KERNEL_READY_TIMEOUT * 1000, polling=200)
    return result


def collect_cells(page) -> list[dict]:
    return page.evaluate(_JS_CELLS)


def wait_for_rendering(page, expect_math: list[int], settle: float = 4.0) -> list[dict]:
    """Widgets and MathJax render after the outputs arrive: wait until they are all there.

    Gives up (and lets the checks report what is missing) once nothing on the page has changed
    for ``settle`` seconds, or after RENDER_TIMEOUT seconds in all.
    """
    start = time.monotonic()
    last_change, last = start, None
    while True:
        cells = collect_cells(page)
        widgets_done = all(
            w["rendered"] or "Error displaying widget" in w["text"]
            for c in cells for w in c["widgetOutputs"]
        ) and all(len(c["widgetOutputs"]) >= c["widgetViews"] for c in cells)
        math_done = all(cells[i]["mathjax"] > 0 for i in expect_math if i < len(cells))
        now = time.monotonic()
        if widgets_done and math_done:
            return cells
        if cells != last:
            last, last_change = cells, now
        if now - last_change > settle or now - start > RENDER_TIMEOUT:
            return cells
        time.sleep(0.25)


def check_cells(cells: list[dict], run_result: str, expect_math: list[int], report: NotebookReport) -> None:
    """Append to report.problems every error, unrendered widget, raw widget text, missing maths."""
    p = report.problems
    if run_result == "timeout":
        p.append(f"Run All did not finish within {RUN_ALL_TIMEOUT} s")
    elif run_result != "true":
        p.append(f"Run All reported failure ({run_result}): a cell raised an error")
    busy = [c["index"] for c in cells if c["type"] == "code" and "*" in c["prompt"]]
    not_run = [c["index"] for c in cells if c["type"] == "code" and c["source"].strip()
               and c["executionCount"] is None and c["index"] not in busy]
    if busy:
        p.append(f"cells {busy} still running or queued ([*]) after Run All")
    if not_run:
        p.append(f"cells {not_run} did not run (an earlier cell failed or Run All stopped)")
    for c in cells:
        where = f"cell {c['index']}"
        if c["type"] == "code":
            report.n_code_cells += 1
        for err in c["errors"]:
            p.append(f"{where} shows an error: {err}")
        for text in c["stderrTexts"]:
            if _TRACEBACK.search(text):
                p.append(f"{where} shows a traceback: {text.strip().splitlines()[-1][:200]}")
            else:
                report.notes.append(f"{where} writes to stderr: {text.strip()[:120]!r}")
        if c["errorDisplaying"]:
            p.append(f"{where} shows 'Error displaying widget'")
        for text in c["plainTexts"]:
            m = _RAW_WIDGET.search(text)
            if m:
                p.append(f"{where} shows a widget as raw text instead of rendering it: {text.strip()[:80]!r}")
        if len(c["widgetOutputs"]) < c["widgetViews"]:
            p.append(f"{where}: {c['widgetViews']} widget outputs in the model, "
                     f"{len(c['widgetOutputs'])} widget views on the page")
        for w in c["widgetOutputs"]:
            if not w["rendered"]:
                p.append(f"{where}: a widget did not render (shows {w['text'][:80]!r})")
            else:
                report.n_widgets += 1
                if w["outputWidgets"] and not w["filledOutputs"]:
                    p.append(f"{where}: the widget's Output area shows nothing (no figure, no text)")
    for i in expect_math:
        if i >= len(cells) or cells[i]["mathjax"] == 0:
            p.append(f"cell {i} has LaTeX in its source but no rendered maths (mjx-container) on the page")
        else:
            report.n_mathjax_cells += 1


# ---------------------------------------------------------------------------- sliders

_JS_MARK_CONTROL = """
([selector, label]) => {
  // The control (slider or dropdown) whose description starts with `label`, and the figure of
  // the explorer it belongs to: the nearest enclosing element holding an Output widget's image.
  document.querySelectorAll('[data-test-control],[data-test-figure-root]').forEach(e => {
    e.removeAttribute('data-test-control'); e.removeAttribute('data-test-figure-root'); });
  const controls = [...document.querySelectorAll(selector)].filter(c => {
    const l = c.querySelector('.widget-label');
    return l && l.textContent.trim().toLowerCase().startsWith(label.toLowerCase());
  });
  for (const c of controls) {
    let root = c.parentElement;
    while (root && !root.querySelector('.widget-output img')) root = root.parentElement;
    if (root && root.closest('.jp-OutputArea-output')) {
      c.setAttribute('data-test-control', '1');
      root.setAttribute('data-test-figure-root', '1');
      return true;
    }
  }
  return false;
}
"""

_JS_FIGURE = """
() => {
  const root = document.querySelector('[data-test-figure-root]');
  const img = root && root.querySelector('.widget-output img');
  const c = document.querySelector('[data-test-control]');
  const readout = c && c.querySelector('.widget-readout');
  const select = c && c.querySelector('select');
  return {src: img ? img.getAttribute('src') : null,
          value: readout ? readout.textContent.trim() : select ? select.value : null};
}
"""

_CONTROLS = {"slider": ".widget-slider", "dropdown": ".widget-dropdown"}


def _change_and_time(page, change, timeout: float) -> tuple[dict, dict, float | None]:
    """Call ``change()`` (which moves the control); seconds until the figure changed (None: never)."""
    before = page.evaluate(_JS_FIGURE)
    t0 = time.monotonic()
    change()
    try:
        page.wait_for_function(
            "(old) => { const r = document.querySelector('[data-test-figure-root]');"
            " const img = r && r.querySelector('.widget-output img');"
            " return !!img && img.getAttribute('src') !== old; }",
            arg=before["src"], timeout=timeout * 1000, polling=20,
        )
        delay = time.monotonic() - t0
    except Exception:  # playwright's TimeoutError: the caller reports it
        delay = None
    return before, page.evaluate(_JS_FIGURE), delay


def check_control_changes_figure(page, label: str, report: NotebookReport, kind: str = "slider",
                                 limit: float = FIGURE_UPDATE_LIMIT, attempts: int = 3) -> float | None:
    """Change the control labelled ``label`` ``attempts`` times, one step (slider, arrow key) or
    one option (dropdown) at a time; the explorer's figure must change every time, within
    ``limit`` seconds at least once (a slow redraw on a busy machine is forgiven, a widget that is
    always slow is not).

    Returns the best measured delay in seconds (None when the check failed before timing).
    """
    if not page.evaluate(_JS_MARK_CONTROL, [_CONTROLS[kind], label]):
        report.problems.append(f"no {kind} labelled {label!r} next to an Output widget with a figure")
        return None
    timeout = max(1.5, min(5 * limit, 5.0))  # how long to wait before calling it "never"
    delays = []
    if kind == "slider":
        handle = page.locator("[data-test-control] .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        keys = ["ArrowRight"]

        def change():
            page.keyboard.press(keys[0])
    else:
        select = page.locator("[data-test-control] select").first
        select.scroll_into_view_if_needed()
        options = select.evaluate("s => [...s.options].map(o => o.value)")

        def change():
            current = select.evaluate("s => s.value")
            select.select_option(options[(options.index(current) + 1) % len(options)])
    for _ in range(attempts):
        before, after, delay = _change_and_time(page, change, timeout)
        if kind == "slider" and after["value"] == before["value"] and keys[0] == "ArrowRight":
            keys[0] = "ArrowLeft"  # at the top of its range: go down instead
            before, after, delay = _change_and_time(page, change, timeout)
        if after["value"] == before["value"]:
            report.problems.append(f"the {label!r} {kind} did not change (value stays {before['value']})")
            return None
        if delay is None:
            report.problems.append(
                f"changing the {label!r} {kind} ({before['value']} -> {after['value']}) did not change "
                f"the figure within {timeout:.1f} s"
            )
            return None
        delays.append(delay)
        report.notes.append(f"{kind} {label!r} {before['value']} -> {after['value']}: new figure after {delay:.2f} s")
    if min(delays) > limit:
        report.problems.append(
            f"changing the {label!r} {kind} changed the figure only after "
            f"{', '.join(f'{d:.2f}' for d in delays)} s (limit {limit:.1f} s)"
        )
    return min(delays)


def screenshot(page, path: Path) -> None:
    """Screenshot of the notebook, scrolled to its first widget, or to its top when it has none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first_widget = page.locator(".jp-OutputArea-output .widget-container, .jp-OutputArea-output .widget-inline-hbox").first
    target = first_widget if first_widget.count() else page.locator(".jp-Notebook .jp-Cell").first
    try:
        target.scroll_into_view_if_needed(timeout=2000)
    except Exception:  # a screenshot of wherever the page is will do
        pass
    page.screenshot(path=str(path))

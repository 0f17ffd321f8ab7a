#!/usr/bin/env python3
"""Measure each notebook's run time and regenerate the timing tables of INSTRUCTORS.md (``make times``).

    python scripts/measure_times.py                      # notebooks/, exercises/, solutions/
    python scripts/measure_times.py notebooks/03_gradients_with_sympy.ipynb   # one; the others are kept
    python scripts/measure_times.py --render-only        # only rewrite INSTRUCTORS.md from the JSON file

Each notebook is executed in a fresh kernel with its own folder as working directory (as
"Restart kernel and run all" in JupyterLab does), from a copy in memory: the file is never
written. The wall time includes starting the kernel. The results go to INSTRUCTORS-times.json
with the learner time each notebook states in its opening cells ("Time: about 40 minutes"),
and the parts of INSTRUCTORS.md between ``<!-- BEGIN GENERATED name -->`` and
``<!-- END GENERATED name -->`` markers (and each ``<!-- runtime:PATH -->…<!-- /runtime -->``)
are rewritten from that file alone. tests/test_instructors.py checks that the guide and the
file agree, so the times in the guide are always measured ones.

The workshop plans are built here (PLANS below) from those numbers: a lesson block lasts
the time the lesson states, an exercise block the time its solution notebook states.
"""
from __future__ import annotations

import json
import os
import platform
import re
import sys
from datetime import date
from pathlib import Path

import nbtools
from nbtools import FOLDERS, GUIDE, ROOT, THREAD_VARIABLES, all_notebooks

TIMES = ROOT / "INSTRUCTORS-times.json"

LESSONS = {  # number: (file name stem, title in the guide's tables)
    "00": ("start_here", "Start here: notation, data, aelib"),
    "01": ("hidden_layers", "What hidden layers compute"),
    "02": ("autoencoder_basics", "Autoencoder basics"),
    "03": ("gradients_with_sympy", "Deriving the gradients with SymPy"),
    "04": ("tied_weights", "Tied weights and the inverse decoder"),
    "05": ("activations", "Choosing activations"),
    "06": ("denoising", "Denoising autoencoders"),
    "07": ("weight_reuse", "Reusing trained weights"),
    "08": ("using_codes", "What the codes are good for"),
    "09": ("variational_autoencoder", "The variational autoencoder"),
}
DEFAULT_LESSON_MINUTES = 40     # for a lesson not written yet (marked as an estimate)
DEFAULT_EXERCISE_MINUTES = 30

# A plan is a list of blocks: "lesson NN" and "exercises NN" take their minutes from the notebooks
# (the lesson's, the solution notebook's); a (label, minutes) pair is a fixed block.
WELCOME = ("Welcome; set-up check: everyone runs `make check` (or `python scripts/check_setup.py`; on the hub, "
           "in a terminal) and reads its one line; then `make lab`", 10)
PLANS = {
    "plan-3h": [WELCOME, "lesson 00", "lesson 01", ("Break", 10), "lesson 02", "exercises 02",
                ("Wrap-up: the claim checks so far; where to go next (03-07 as homework)", 10)],
    "plan-day": [WELCOME, "lesson 00", "lesson 01", ("Break", 15), "lesson 02", "exercises 02", ("Lunch", 60),
                 "lesson 03", "lesson 04", ("Break", 15), "lesson 05", "lesson 06", "exercises 06", "lesson 08",
                 ("Wrap-up: which folklore held on our data, which did not; lesson 07 and the other exercises "
                  "as homework", 10)],
}
PLAN_LIMITS = {"plan-3h": 180, "plan-day": 8 * 60}  # minutes from start to end, breaks included


# ------------------------------------------------------------------------------------ measuring

def stated_minutes(nb) -> int | None:
    """The learner time a notebook states in its first markdown cells ('Time: about 40 minutes')."""
    text = "\n".join(c.source for c in nb.cells[:4] if c.cell_type == "markdown")
    m = re.search(r"time\W{0,6}(?:about|around|roughly|~)?\s*(\d+)\s*(?:-|–|to)?\s*(\d+)?\s*min", text, re.I)
    if not m:
        return None
    low, high = int(m.group(1)), m.group(2)
    return int(high) if high else low


def measure(path: Path, timeout: int = 900) -> tuple[float, float | None]:
    """(wall seconds, kernel CPU seconds) to start a fresh kernel and run every cell of ``path``
    (``nbtools.execute``). The file is not modified: it is executed from a copy in memory. A cell
    that fails raises its error."""
    import nbformat

    run = nbtools.execute(nbformat.read(path, as_version=4), path.parent, timeout)
    if run.error is not None:
        raise run.error
    return run.seconds, run.cpu_seconds


def machine() -> dict:
    return {"python": platform.python_version(), "system": f"{platform.system()} {platform.machine()}",
            "cpus": os.cpu_count(), "load_average_at_start": nbtools.load_average(digits=1)}


def run_measurements(paths: list[Path], data: dict) -> int:
    import nbformat

    failed = 0
    for name in THREAD_VARIABLES:  # one BLAS thread: steadier numbers; a laptop with more cores is as fast
        os.environ[name] = "1"     # inherited by every kernel started below
    data.setdefault("notebooks", {})
    data["measured"] = {"date": date.today().isoformat(), "command": "make times", "blas_threads": 1, **machine()}
    for p in paths:
        rel = p.resolve().relative_to(ROOT).as_posix()
        try:
            seconds, cpu = measure(p)
        except Exception as e:  # a failing notebook is reported, and its old time dropped
            print(f"FAILED  {rel}: {type(e).__name__}: {str(e)[:500]}", flush=True)
            data["notebooks"].pop(rel, None)
            failed += 1
            continue
        minutes = stated_minutes(nbformat.read(p, as_version=4))
        data["notebooks"][rel] = {"seconds": round(seconds, 1), "cpu_seconds": None if cpu is None else round(cpu, 1),
                                  "stated_minutes": minutes}
        print(f"{seconds:6.1f} s  (CPU {cpu or float('nan'):.1f} s)  {rel}" + (f"  (states {minutes} min)" if minutes else ""),
              flush=True)
    # forget notebooks that no longer exist
    data["notebooks"] = {k: v for k, v in sorted(data["notebooks"].items()) if (ROOT / k).exists()}
    return failed


# ------------------------------------------------------------------------------------ rendering

def _lesson_path(folder: str, number: str) -> str:
    return f"{folder}/{number}_{LESSONS[number][0]}.ipynb"


def _seconds(data: dict, path: str) -> str:
    entry = data["notebooks"].get(path)
    if not entry:
        return "–"
    cpu = entry.get("cpu_seconds")
    return f"{entry['seconds']:.1f} s" + (f" (CPU {cpu:.1f} s)" if cpu is not None else "")


def render_times_table(data: dict) -> str:
    rows = ["| # | lesson | learner time (stated) | lesson run time | exercises run time | solutions run time |",
            "|---|---|---|---|---|---|"]
    for n, (stem, title) in LESSONS.items():
        lesson = data["notebooks"].get(f"notebooks/{n}_{stem}.ipynb")
        stated = f"{lesson['stated_minutes']} min" if lesson and lesson.get("stated_minutes") else "–"
        cells = [_seconds(data, f"{f}/{n}_{stem}.ipynb") for f in FOLDERS]
        rows.append(f"| {n} | {title} | {stated} | " + " | ".join(cells) + " |")
    total = sum(v["seconds"] for v in data["notebooks"].values())
    m = data.get("measured", {})
    load, cpus = m.get("load_average_at_start"), m.get("cpus")
    busy = load is not None and cpus and load > 0.5 * cpus
    state = ("the machine was busy, so these wall times are pessimistic" if busy else
             "a quiet machine" if load is not None else "load unknown")
    rows.append("")
    rows.append(f"{len(data['notebooks'])} notebook(s), {total:.0f} s in total. Measured with `make times` on "
                f"{m.get('date', '?')}, Python {m.get('python', '?')}, {m.get('system', '?')}, {m.get('cpus', '?')} CPUs, "
                f"{m.get('blas_threads', 'default')} BLAS thread(s) "
                f"(load average {load if load is not None else '?'} at the start: {state}). "
                f"Each time includes starting a fresh kernel. The CPU time in brackets is "
                f"the kernel's own, which depends much less on other load: on an idle laptop, expect a wall time "
                f"close to it. A dash: no such notebook, or not measured yet.")
    return "\n".join(rows)


def plan_blocks(data: dict, plan: str) -> list[tuple[str, int, str, str | None]]:
    """(label, minutes, run time text, why the minutes are an estimate or None) for each block of a plan."""
    blocks = []
    for block in PLANS[plan]:
        if isinstance(block, tuple):
            label, minutes = block
            blocks.append((label, minutes, "", None))
            continue
        kind, what = block.split()
        folder = "notebooks" if kind == "lesson" else "solutions"
        path = _lesson_path(folder, what)
        entry = data["notebooks"].get(path)
        minutes = entry.get("stated_minutes") if entry else None
        estimate = None
        if minutes is None:
            estimate = "estimate: not measured yet"
        if estimate:
            minutes = DEFAULT_LESSON_MINUTES if kind == "lesson" else DEFAULT_EXERCISE_MINUTES
        if kind == "lesson":
            label = f"Lesson {what}: {LESSONS[what][1]} (`{path}`)"
            run = _seconds(data, path)
        else:
            ex = _lesson_path("exercises", what)
            label = f"Exercises {what} (`{ex}`)"
            run = _seconds(data, ex)
        blocks.append((label, minutes, run, estimate))
    return blocks


def plan_minutes(data: dict, plan: str) -> int:
    return sum(m for _, m, _, _ in plan_blocks(data, plan))


def render_plan(data: dict, plan: str) -> str:
    rows = ["| start | block | minutes | \"Run all\" takes (measured) |", "|---|---|---|---|"]
    t = 0
    for label, minutes, run, estimate in plan_blocks(data, plan):
        rows.append(f"| {t // 60}:{t % 60:02d} | {label} | {minutes}{f' ({estimate})' if estimate else ''} | {run} |")
        t += minutes
    rows.append(f"| {t // 60}:{t % 60:02d} | end | | |")
    limit = PLAN_LIMITS[plan]
    rows.append("")
    rows.append(f"Total {t // 60} h {t % 60:02d} min of the {limit // 60} h {limit % 60:02d} min available "
                f"({'fits' if t <= limit else f'over by {t - limit} min: shorten it'}). Minutes are the times the "
                "notebooks state for learners; the last column is the measured time for a fresh kernel to run "
                "the notebook top to bottom (allow two to three times longer on a busy shared hub).")
    return "\n".join(rows)


def render_sections(data: dict) -> dict[str, str]:
    return {"times-table": render_times_table(data), **{p: render_plan(data, p) for p in PLANS}}


_BLOCK = re.compile(r"(<!-- BEGIN GENERATED (?P<name>[\w-]+)[^>]*-->\n)(?P<body>.*?)(<!-- END GENERATED (?P=name) -->)", re.S)
_INLINE = re.compile(r"(<!-- runtime:(?P<path>[^ >]+) -->)(?P<body>.*?)(<!-- /runtime -->)")


def render_guide(text: str, data: dict) -> str:
    """The guide with every generated part recomputed from ``data`` (and nothing else: not from which
    notebooks exist, so that adding a notebook does not change the guide until it is measured)."""
    sections = render_sections(data)

    def block(m: re.Match) -> str:
        name = m.group("name")
        if name not in sections:
            raise ValueError(f"INSTRUCTORS.md has a generated block {name!r} that measure_times.py does not know")
        return m.group(1) + sections[name] + "\n" + m.group(4)

    text = _BLOCK.sub(block, text)
    return _INLINE.sub(lambda m: m.group(1) + _seconds(data, m.group("path")) + m.group(4), text)


def load() -> dict:
    return json.loads(TIMES.read_text(encoding="utf-8")) if TIMES.exists() else {"notebooks": {}}


def main(argv: list[str]) -> int:
    data = load()
    failed = 0
    if "--render-only" not in argv:
        args = [a for a in argv if not a.startswith("--")]
        paths = nbtools.expand(args) if args else all_notebooks()
        failed = run_measurements(paths, data)
        TIMES.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {TIMES.relative_to(ROOT)}")
    if GUIDE.exists():
        GUIDE.write_text(render_guide(GUIDE.read_text(encoding="utf-8"), data), encoding="utf-8")
        print(f"updated the generated tables in {GUIDE.relative_to(ROOT)}")
    for plan in PLANS:
        if plan_minutes(data, plan) > PLAN_LIMITS[plan]:
            print(f"warning: {plan} takes {plan_minutes(data, plan)} min, more than {PLAN_LIMITS[plan]}: edit PLANS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

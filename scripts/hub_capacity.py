"""Write the hub capacity table into INSTRUCTORS.md from a measured hub run (hub/capacity.json).

    python scripts/hub_capacity.py            # re-render INSTRUCTORS.md's block from hub/capacity.json
    python scripts/hub_capacity.py --check    # exit 1 if the block is not what the file gives

`make hub-capacity` runs tests/test_hub.py (N learners at once on a real JupyterHub), which writes
hub/capacity.json, and then this script. The block sits between ``<!-- BEGIN hub-capacity -->``
and ``<!-- END hub-capacity -->`` (not ``BEGIN GENERATED``: those belong to measure_times.py).
tests/test_hub_capacity.py re-renders it and fails when the guide and the file disagree.

Everything in the block is computed here from the measured numbers, with the rule stated beside
it:

* memory per learner: the largest peak RSS of a learner's server with its kernel (an upper bound:
  shared pages count in full for each process; use it for container limits); learners per
  GiB = floor(1024 MiB / that); the same from the largest peak PSS (shared pages split between
  the processes that map them: closer to what many learners on one machine take together);
* CPU per run-through: the largest CPU seconds (kernel + server) of one learner's run of the
  notebook top to bottom;
* learners per core, steady: each learner runs the notebook top to bottom RUNS_PER_LESSON times
  within the lesson's stated time, so a core serves floor(stated seconds / (RUNS x CPU)) of them;
* learners per core, burst: everyone presses "Run all" at the same moment and all must be done
  within BURST_SECONDS: floor(BURST_SECONDS / CPU) per core;
* the recommended limits: memory guarantee = the largest peak, rounded up to 128 MiB; memory
  limit = twice that (room for a learner's own experiments); CPU limit 1 (one BLAS thread per
  kernel, so a kernel cannot use more); CPU guarantee = 1 / (steady learners per core) of the
  slowest lesson, rounded up to 0.05.
"""
from __future__ import annotations

import json
import math
import re
import statistics
import sys

from nbtools import GUIDE, ROOT

RESULTS = ROOT / "hub" / "capacity.json"

RUNS_PER_LESSON = 3
BURST_SECONDS = 60
PLAN_LEARNERS = (20, 50, 100)

BLOCK = re.compile(r"(<!-- BEGIN hub-capacity[^>]*-->\n)(?P<body>.*?)(<!-- END hub-capacity -->)", re.S)


def _stated_minutes(data: dict, path: str) -> int | None:
    """The learner time the notebook states, as recorded with the run (so later edits of
    INSTRUCTORS-times.json do not change an old measurement's table)."""
    return data["measured"]["stated_minutes"].get(path)


def rows(data: dict) -> list[dict]:
    """One row per notebook measured: who ran it, its cost per learner, and the capacity that gives."""
    out = []
    learners = data["learners"]
    paths = data["measured"]["notebooks"]
    for path in paths:
        runs = [lr["notebooks"][path] for lr in learners]
        cpu = [r["kernel_cpu_seconds"] + r["server_cpu_seconds"] for r in runs]
        out.append({"path": path, "at_once": len(learners), "cpu_median": statistics.median(cpu),
                    "cpu_max": max(cpu), "wall_median": statistics.median(r["seconds"] for r in runs),
                    "wall_max": max(r["seconds"] for r in runs),
                    "mem_median": statistics.median(r["peak_mib"] for r in runs),
                    "mem_max": max(r["peak_mib"] for r in runs),
                    "pss_median": statistics.median(r["peak_pss_mib"] for r in runs),
                    "pss_max": max(r["peak_pss_mib"] for r in runs),
                    "stated_minutes": _stated_minutes(data, path)})
    slow = data["slowest_lesson"]
    cpu = slow["kernel_cpu_seconds"] + slow["server_cpu_seconds"]
    out.append({"path": slow["path"], "at_once": slow["learners_at_once"], "cpu_median": cpu, "cpu_max": cpu,
                "wall_median": slow["seconds"], "wall_max": slow["seconds"], "mem_median": slow["peak_mib"],
                "mem_max": slow["peak_mib"], "pss_median": slow["peak_pss_mib"], "pss_max": slow["peak_pss_mib"],
                "stated_minutes": slow["stated_minutes"], "slowest": True})
    for r in out:
        r["per_gib"] = math.floor(1024 / r["mem_max"])
        r["per_gib_pss"] = math.floor(1024 / r["pss_max"])
        r["steady_per_core"] = (math.floor(r["stated_minutes"] * 60 / (RUNS_PER_LESSON * r["cpu_max"]))
                                if r["stated_minutes"] else None)
        r["burst_per_core"] = math.floor(BURST_SECONDS / r["cpu_max"])
    return out


def limits(data: dict) -> dict:
    table = rows(data)
    peak = max(r["mem_max"] for r in table)
    guarantee = 128 * math.ceil(peak / 128)
    slow = table[-1]
    cpu_guarantee = math.ceil(20 / slow["steady_per_core"]) / 20 if slow["steady_per_core"] else 1.0
    return {"mem_guarantee_mib": guarantee, "mem_limit_mib": 2 * guarantee,
            "cpu_guarantee": cpu_guarantee, "cpu_limit": 1.0}


def _mib(v: float) -> str:
    return f"{v:.0f}"


def _s(v: float) -> str:
    return f"{v:.1f}"


def _size(mib: int) -> str:
    return f"{mib // 1024}G" if mib % 1024 == 0 else f"{mib}M"


def render(data: dict) -> str:
    m = data["measured"]
    mach, load, ver = m["machine"], m["load_average"], m["versions"]
    learners = data["learners"]
    n = m["learners"]
    table = rows(data)
    lim = limits(data)
    first = [lr["login_to_first_cell_seconds"] for lr in learners]
    ready = [lr["steps_seconds"]["server ready"] for lr in learners]
    start_cpu = [lr["server_cpu_seconds"]["ready"] for lr in learners]
    pull_s = [lr["steps_seconds"]["course pulled"] - lr["steps_seconds"]["server ready"] for lr in learners]
    hub = data["hub"]
    iso = data["isolation"]
    slow = table[-1]
    lines = [
        f"Measured by `{m['command']}` on {m['date']}: {n} learners at once on one machine "
        f"({mach['cpu_model']}, {mach['cpus']} cores, {mach['memory_gib']} GiB), JupyterHub "
        f"{ver.get('jupyterhub')}, configurable-http-proxy {ver.get('configurable-http-proxy')}, "
        f"JupyterLab {ver.get('jupyterlab')}, Python {ver.get('python')}, {m['blas_threads']} BLAS thread per kernel. "
        f"Load average {load['start']} at the start, {load['mean']} on average and {load['max']} at most while it ran "
        "(the machine was shared with other work, so the wall times are pessimistic; the CPU seconds depend "
        "much less on that).",
        "",
        "| notebook | learners at once | CPU s per learner (median / max) | wall s (median / max) "
        "| peak RSS per learner, MiB (median / max) | peak PSS per learner, MiB (median / max) |",
        "|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(f"| `{r['path']}`{' (slowest lesson)' if r.get('slowest') else ''} | {r['at_once']} "
                     f"| {_s(r['cpu_median'])} / {_s(r['cpu_max'])} | {_s(r['wall_median'])} / {_s(r['wall_max'])} "
                     f"| {_mib(r['mem_median'])} / {_mib(r['mem_max'])} | {_mib(r['pss_median'])} / {_mib(r['pss_max'])} |")
    lines += [
        "",
        f"Login to the first executed cell of notebook 00 (login, server start, nbgitpuller pull, kernel "
        f"start): median {_s(statistics.median(first))} s, at most {_s(max(first))} s; the server alone "
        f"was ready {_s(statistics.median(ready))} s (median) after the login, having used "
        f"{_s(statistics.median(start_cpu))} CPU s to start (median), and the nbgitpuller pull took "
        f"{_s(statistics.median(pull_s))} s more (median). All {n} learners were "
        f"through both notebooks {_s(m['concurrent_phase_seconds'])} s after they logged in together. "
        f"The hub and its proxy peaked at {_mib(hub['peak_mib_hub_and_proxy'])} MiB and used "
        f"{_s(hub['cpu_seconds_hub_and_proxy'])} CPU s; everything together peaked at "
        f"{_mib(hub['peak_mib_everything'])} MiB. {iso['refused']} of "
        f"{iso['requests'] - iso['controls_allowed']} requests by one learner for another's files, kernels "
        "or server were refused.",
        "",
        "Capacity, from those numbers (memory: the largest peak; CPU: the largest run-through; "
        f"steady: every learner runs the notebook top to bottom {RUNS_PER_LESSON} times within the lesson's "
        f"stated time; burst: all press Run all at once and must be done within {BURST_SECONDS} s):",
        "",
        "| notebook | stated time | learners per GiB (RSS) | learners per GiB (PSS) "
        "| learners per core, steady | learners per core, burst |",
        "|---|---|---|---|---|---|",
    ]
    for r in table:
        stated = f"{r['stated_minutes']} min" if r["stated_minutes"] else "–"
        steady = str(r["steady_per_core"]) if r["steady_per_core"] is not None else "–"
        lines.append(f"| `{r['path']}` | {stated} | {r['per_gib']} | {r['per_gib_pss']} | {steady} "
                     f"| {r['burst_per_core']} |")
    lines += [
        "",
        f"Sizing a hub for the slowest lesson (`{slow['path']}`, {_mib(slow['mem_max'])} MiB RSS, "
        f"{_mib(slow['pss_max'])} MiB PSS and {_s(slow['cpu_max'])} CPU s per learner), plus the hub itself "
        "(every learner at their peak at once):",
        "",
        "| learners | memory by RSS (GiB) | memory by PSS (GiB) | cores, steady | cores, burst |",
        "|---|---|---|---|---|",
    ]
    for k in PLAN_LEARNERS:
        mem = (k * slow["mem_max"] + hub["peak_mib_hub_and_proxy"]) / 1024
        mem_pss = (k * slow["pss_max"] + hub["peak_mib_hub_and_proxy"]) / 1024
        steady = math.ceil(k / slow["steady_per_core"]) if slow["steady_per_core"] else "–"
        burst = math.ceil(k / slow["burst_per_core"]) if slow["burst_per_core"] else "–"
        lines.append(f"| {k} | {mem:.1f} | {mem_pss:.1f} | {steady} | {burst} |")
    lines += [
        "",
        f"Per-learner limits that follow: memory guarantee {_size(lim['mem_guarantee_mib'])} (the largest "
        f"peak, rounded up to 128 MiB), memory limit {_size(lim['mem_limit_mib'])} (twice that, room for a "
        f"learner's own experiments), CPU limit {lim['cpu_limit']:g} (one BLAS thread: a kernel cannot use more), "
        f"CPU guarantee {lim['cpu_guarantee']:g} (one steady learner's share of a core in the slowest lesson).",
    ]
    return "\n".join(lines)


def render_guide(text: str, data: dict) -> str:
    if not BLOCK.search(text):
        raise ValueError("INSTRUCTORS.md has no <!-- BEGIN hub-capacity --> ... <!-- END hub-capacity --> block")
    return BLOCK.sub(lambda mt: mt.group(1) + render(data) + "\n" + mt.group(3), text, count=1)


def main(argv: list[str]) -> int:
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    text = GUIDE.read_text(encoding="utf-8")
    new = render_guide(text, data)
    if "--check" in argv:
        if new != text:
            print("INSTRUCTORS.md's hub capacity block differs from hub/capacity.json: run scripts/hub_capacity.py")
            return 1
        return 0
    if new != text:
        GUIDE.write_text(new, encoding="utf-8")
        print(f"wrote the hub capacity table into {GUIDE.relative_to(ROOT)}")
    else:
        print("INSTRUCTORS.md's hub capacity table is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

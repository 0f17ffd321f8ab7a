#!/usr/bin/env python3
"""The thorough run of every Claim check (``make evidence``): more seeds, the full learning-rate
grid, longer training. Writes one ``evidence/results/<claim id>.json`` per claim and the table
``evidence/RESULTS.md`` (rendered from all of them), which the notebooks link to and
``tests/test_evidence.py`` holds the notebooks' quick verdicts equal to.

    python scripts/evidence.py                 # every claim, thorough (up to ~30 min on 2 cores)
    python scripts/evidence.py --only 04.tied  # claims whose id starts with 04.tied
    python scripts/evidence.py --render-only   # rewrite RESULTS.md from evidence/results/
    python scripts/evidence.py --mode quick    # the notebooks' settings, to try the script quickly
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from nbtools import ROOT, cpu_model

OUT = ROOT / "evidence"


def machine() -> dict:
    return dict(cpu=cpu_model(), cpus=os.cpu_count(), python=platform.python_version(), numpy=np.__version__,
                blas_threads=os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                date=datetime.date.today().isoformat())


def load_results(out: Path = OUT) -> dict:
    """Every claim's stored result, by id."""
    return {p.stem: json.loads(p.read_text()) for p in sorted((out / "results").glob("*.json"))}


def render(results: dict) -> str:
    lines = ["# Evidence: the thorough run of every Claim check", "",
             "Written by `make evidence` (`scripts/evidence.py`) from `evidence/results/`; do not edit by hand.",
             "Each notebook runs a quick version of the same experiment (`aelib/claims/lessonNN.py`,",
             "`mode=\"quick\"`) and `tests/test_evidence.py` checks that its printed verdict agrees with the one below.", "",
             "The protocol (`aelib/claims/protocol.py`): every arm trains under the same budget; each arm's",
             "learning rate is chosen from the grid by its mean score on a validation split of the training",
             "digits (never the test digits); scores are test-set means ± standard deviation over seeds; a",
             "verdict *holds* when the mean per-seed difference exceeds the margin (the half-width of its",
             "95% t interval), *does not hold* when it is beyond the margin the other way, and is",
             "*inconclusive* otherwise.", ""]
    for cid, rep in sorted(results.items()):
        m = rep["machine"]
        lines += [f"## {cid}", "", f"*{rep['curriculum']}*", "",
                  f"Score: {rep['score']}. Budget per arm: {rep['budget']}.", "",
                  f"Run `{rep['mode']}` on {m['date']}: {rep['seconds']:.0f} s on {m['cpu']} ({m['cpus']} CPUs), "
                  f"Python {m['python']}, numpy {m['numpy']}, BLAS threads {m['blas_threads']}.", "",
                  "| arm | mean ± sd | seeds | lr chosen | lr grid |", "|---|---|---|---|---|"]
        for name, a in rep["arms"].items():
            lines.append(f"| {name} | {a['mean']:.3g} ± {a['sd']:.2g} | {len(a['scores'])} | {a['lr']:g} | "
                         + ", ".join(f"{x:g}" for x in a["lr_grid"]) + " |")
        for name, value in rep["baselines"].items():
            lines.append(f"| {name} (baseline) | {value:.3g} | | | |")
        lines += ["", "| part | verdict | difference | margin |", "|---|---|---|---|"]
        for vd in rep["verdicts"]:
            diff = "" if vd["kind"] == "summary" else f"{vd['diff']:+.3g}"
            margin = "" if vd["kind"] == "summary" else f"{vd['margin']:.3g}"
            lines.append(f"| {vd['claim']}: {vd['what']} | **{vd['outcome']}** | {diff} | {margin} |")
        lines += [""] + [f"- {n}" for n in rep["notes"]] + ([""] if rep["notes"] else [])
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", default="thorough", choices=["quick", "thorough"])
    ap.add_argument("--only", nargs="*", default=None, help="claim id prefixes to (re)run")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--render-only", action="store_true", help="only rewrite RESULTS.md")
    args = ap.parse_args(argv)
    (args.out / "results").mkdir(parents=True, exist_ok=True)
    if args.render_only:
        (args.out / "RESULTS.md").write_text(render(load_results(args.out)))
        return 0
    from aelib.claims import registry
    claims = registry.load_all()
    chosen = [c for c in claims.values() if not args.only or any(c.id.startswith(p) for p in args.only)]
    if not chosen:
        print(f"no claim matches {args.only}; known: {', '.join(sorted(claims))}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    for i, c in enumerate(sorted(chosen, key=lambda c: c.id), 1):
        t0 = time.perf_counter()
        print(f"[{i}/{len(chosen)}] {c.id} ({args.mode}) ...", flush=True)
        report = c.run(args.mode)
        entry = report.as_dict()
        entry.update(curriculum=c.curriculum, lesson=c.lesson, seconds=time.perf_counter() - t0,
                     mode=args.mode, machine=machine())
        (args.out / "results" / f"{c.id}.json").write_text(json.dumps(entry, indent=1, sort_keys=True) + "\n")
        print(report, flush=True)
        print(f"    [{entry['seconds']:.0f} s]", flush=True)
    (args.out / "RESULTS.md").write_text(render(load_results(args.out)))
    print(f"done in {time.perf_counter() - start:.0f} s: evidence/results/, evidence/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

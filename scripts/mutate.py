#!/usr/bin/env python3
"""Mutation testing of aelib's core (``make mutate``): plant one small bug at a time, run the
fast unit tests that cover it, and count the bugs they catch.

    python scripts/mutate.py                 # every mutant; prints a table and the score
    python scripts/mutate.py --list          # the mutants, without running anything
    python scripts/mutate.py --only optim    # mutants whose id starts with "optim"
    python scripts/mutate.py --worktree      # mutate the working tree's files instead of HEAD's
    python scripts/mutate.py --all-failures  # run each mutant's tests to the end; name every failing test
    python scripts/mutate.py --issue         # only the bugs listed in issue 23

Each mutant is an exact piece of source text and its replacement (the kind of slip a refactor
introduces: a flipped sign, a dropped factor, a swapped argument, an off-by-one), listed in
``scripts/mutants.toml``, a table per module; TESTS below names the unit-test files that should
catch a module's mutants. The ``issue`` mutants are the bugs of issue 23 that the unit tests once
let through.

Nothing in the repository is touched: the committed tree (``git archive HEAD``; or the working
tree with ``--worktree``) is copied into a temporary folder, one file is mutated there, and
``python -m pytest -x`` runs in that folder (so ``import aelib`` finds the mutated copy, not the
editable install), niced, with one BLAS thread and without nbval. A mutant is *killed* when a
test fails, *survives* when all pass; one whose text is no longer in the file is reported as
*stale* (the source changed: update the list) and left out of the score. The unmutated copy is
run first and must pass, so a failure always means the mutant was caught.
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from nbtools import ROOT

MUTANTS_FILE = Path(__file__).resolve().parent / "mutants.toml"
COPY = ["aelib", "tests", "pyproject.toml"]

# The unit tests each module's mutants run (fast ones only: no notebooks, no subprocess-heavy files).
T_CORE = ["tests/test_oracles.py", "tests/test_core.py"]
TESTS = {
    "activations": T_CORE,
    "losses": T_CORE + ["tests/test_fast.py"],
    "fast": T_CORE + ["tests/test_fast.py"],
    "layers": T_CORE,
    "model": T_CORE + ["tests/test_errors.py"],
    "optim": T_CORE,
    "train": T_CORE + ["tests/test_errors.py"],
    "noise": T_CORE,
    "pca": ["tests/test_pca.py", "tests/test_oracles.py"],
    "datasets": ["tests/test_data_oracles.py", "tests/test_datasets.py"],
    "gradcheck": T_CORE,
    "widgets": ["tests/test_widgets.py"],
    "viz": ["tests/test_viz.py"],
}
CORE = ("activations", "losses", "fast", "layers", "model", "optim", "train", "noise", "pca", "datasets")


@dataclass
class Mutant:
    id: str                     # "<module>.<what>"
    old: str                    # exact text in aelib/<module>.py (must occur once)
    new: str
    issue: str = ""             # the issue-23 bug this mutant is, if any

    @property
    def module(self) -> str:
        return self.id.split(".")[0]

    @property
    def path(self) -> str:
        return f"aelib/{self.module}.py"


def load_mutants(path: Path = MUTANTS_FILE) -> list[Mutant]:
    """The mutants listed in ``path`` (a table per module, one line per mutant), in file order."""
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Mutant(f"{module}.{what}", **fields) for module, table in tables.items() for what, fields in table.items()]


MUTANTS = load_mutants()


def make_copy(dest: Path, worktree: bool) -> None:
    """The repository's aelib/, tests/ and pyproject.toml, from HEAD (default) or the working tree."""
    if worktree:
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(src, dest / name)
        return
    tar = subprocess.run(["git", "archive", "--format=tar", "HEAD", *COPY], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
        t.extractall(dest, filter="data")


def run_tests(where: Path, tests: list[str], timeout: float, stop: bool = True) -> tuple[int, str]:
    # No plugin autoloading (nbval, xdist, hypothesis...): these unit tests need none, and loading
    # them took most of each run (about 3 s instead of 10-30 s per mutant on a busy machine).
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONDONTWRITEBYTECODE="1", PYTHONPATH="", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    cmd = ["nice", "-n", "10", sys.executable, "-m", "pytest", *(["-x"] if stop else []), "-q", "-p",
           "no:cacheprovider", "-o", "addopts=", "-W", "ignore::RuntimeWarning", *tests]
    try:
        run = subprocess.run(cmd, cwd=where, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return -1, "timeout"
    lines = [ln.split(" - ")[0] for ln in run.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
    if not stop and lines:
        return run.returncode, f"{len(lines)} failed: " + ", ".join(ln.split("::", 1)[-1] for ln in lines)
    return run.returncode, (lines[0] if lines else run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--only", default="", help="run only mutants whose id starts with this")
    ap.add_argument("--worktree", action="store_true", help="mutate the working tree's files, not HEAD's")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per mutant before it counts as killed")
    ap.add_argument("--issue", action="store_true", help="only the mutants that are issue 23's bugs")
    ap.add_argument("--all-failures", action="store_true",
                    help="run every test of a mutant (no -x) and name all that fail (slower)")
    args = ap.parse_args(argv)
    mutants = [m for m in MUTANTS if m.id.startswith(args.only) and (m.issue or not args.issue)]
    if args.list:
        for m in mutants:
            print(f"{m.id:<36} {' '.join(TESTS[m.module])}" + (f"   [issue: {m.issue}]" if m.issue else ""))
        return 0
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="aelib-mutate-") as tmp:
        where = Path(tmp)
        make_copy(where, args.worktree)
        needed = sorted({t for m in mutants for t in TESTS[m.module]})
        rc, last = run_tests(where, needed, args.timeout)
        if rc != 0:
            print(f"The unmutated copy fails its tests ({last}); fix that first.", file=sys.stderr)
            return 2
        print(f"unmutated copy ({'working tree' if args.worktree else 'HEAD'}): tests pass; "
              f"{len(mutants)} mutants\n")
        results = []
        for m in mutants:
            f = where / m.path
            source = f.read_text()
            if source.count(m.old) != 1:
                results.append((m, "stale", f"text found {source.count(m.old)} times in {m.path}", 0.0))
                print(f"{'stale':<9}{m.id}")
                continue
            f.write_text(source.replace(m.old, m.new))
            t0 = time.perf_counter()
            try:
                rc, what = run_tests(where, TESTS[m.module], args.timeout, stop=not args.all_failures)
            finally:
                f.write_text(source)
            status = "survived" if rc == 0 else "killed"
            results.append((m, status, what, time.perf_counter() - t0))
            print(f"{status:<9}{m.id:<36}{time.perf_counter() - t0:6.1f} s  "
                  f"{what if args.all_failures else what[:110]}", flush=True)
    print()
    for title, group in (("core (" + ", ".join(CORE) + ")", [r for r in results if r[0].module in CORE]),
                         ("all", results)):
        counted = [r for r in group if r[1] != "stale"]
        killed = sum(r[1] == "killed" for r in counted)
        if counted:
            print(f"score, {title}: {killed}/{len(counted)} killed = {100 * killed / len(counted):.0f}%")
    survivors = [r[0].id for r in results if r[1] == "survived"]
    stale = [r[0].id for r in results if r[1] == "stale"]
    print("survivors:", ", ".join(survivors) or "none")
    if stale:
        print("stale (source changed; update scripts/mutants.toml):", ", ".join(stale))
    issue = [r for r in results if r[0].issue]
    if issue:
        print("\nissue 23's bugs:")
        for m, status, what, _ in issue:
            print(f"  {status:<9}{m.issue}: {what if args.all_failures else what[:120]}")
    print(f"\n{len(results)} mutants in {time.perf_counter() - t_start:.0f} s")
    # exit status: 0 when at least 90% of the core mutants run (or of all, if no core one ran) were killed
    scored = [r for r in results if r[0].module in CORE and r[1] != "stale"] or [r for r in results if r[1] != "stale"]
    return 0 if scored and sum(r[1] == "killed" for r in scored) >= 0.9 * len(scored) else 1


if __name__ == "__main__":
    sys.exit(main())

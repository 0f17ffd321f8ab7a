#!/usr/bin/env python3
"""One text file per failing notebook, from pytest's JUnit XML report (CI's failure download).

    python scripts/ci_failures.py ci-artifacts/junit.xml --out ci-artifacts/notebook-diffs

nbval reports each notebook cell as a test (``notebooks/02_x.ipynb::Cell 7``); when a cell's
output differs from the saved one, the failure text is nbval's diff of the two. This script
gathers those failures by notebook, so a fork's maintainer downloads
``notebook-diffs/notebooks__02_x.ipynb.txt`` instead of searching a 10,000-line log. Other failing
tests are listed in ``other-failures.txt``. Exit status 0 even when there are failures (CI has
already failed by then); 1 only when the report is missing or unreadable.
"""
from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def failures(report: Path) -> list[tuple[str, str, str]]:
    """(where, test name, failure text) for every failed or errored test case in the report."""
    found = []
    for case in ET.parse(report).getroot().iter("testcase"):
        for kind in ("failure", "error"):
            for node in case.findall(kind):
                text = (node.get("message") or "") + "\n" + (node.text or "")
                text = re.sub(r"(\x1b|#x1B)\[[0-9;]*m", "", text)  # nbval's colours (escaped by the XML writer)
                found.append((case.get("file") or case.get("classname") or "?", case.get("name") or "?", text.strip()))
    return found


def notebook_of(where: str, name: str) -> str | None:
    """The notebook a test case belongs to ('notebooks/02_x.ipynb'), or None for an ordinary test.

    pytest's JUnit report names a notebook item by its classname, the path with dots for slashes
    ('notebooks.02_x.ipynb'); a report with file attributes gives the path itself."""
    if "/" in where and where.endswith(".ipynb"):
        return where
    m = re.fullmatch(r"([\w.-]+)\.ipynb", where)
    if m:
        return m.group(1).replace(".", "/") + ".ipynb"
    m = re.search(r"[\w/.-]+\.ipynb", name)
    return m.group(0) if m else None


def write(found: list[tuple[str, str, str]], out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    by_notebook, other = defaultdict(list), []
    for where, name, text in found:
        nb = notebook_of(where, name)
        (by_notebook[nb] if nb else other).append(f"=== {name} ({where})\n{text}\n")
    files = []
    for nb, parts in sorted(by_notebook.items()):
        path = out / (re.sub(r"[/\\]", "__", nb) + ".txt")
        path.write_text("\n".join(parts), encoding="utf-8")
        files.append(path)
    if other:
        path = out / "other-failures.txt"
        path.write_text("\n".join(other), encoding="utf-8")
        files.append(path)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="pytest --junitxml file")
    parser.add_argument("--out", type=Path, default=Path("ci-artifacts/notebook-diffs"))
    args = parser.parse_args(argv)
    try:
        found = failures(args.report)
    except (OSError, ET.ParseError) as e:
        print(f"ci_failures.py: cannot read the report {args.report}: {e}", file=sys.stderr)
        return 1
    files = write(found, args.out)
    print(f"{len(found)} failing test(s); wrote {len(files)} file(s) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What the tests of INSTRUCTORS.md's generated parts share (tests/test_instructors.py, tests/test_hub_capacity.py)."""
from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest


def json_fixture(path: Path):
    """A module-scoped fixture ``data``: the measurement file at ``path``, read once."""
    @pytest.fixture(scope="module")
    def data():
        return json.loads(path.read_text(encoding="utf-8"))
    return data


def fail_unless_the_same(text: str, rendered: str, what: str, source: str, fix: str) -> None:
    """Fail, showing the lines that differ, when the guide's ``text`` is not ``rendered``: the same
    guide with ``what`` (its generated parts) recomputed from ``source``; ``fix`` says what to run."""
    if rendered != text:
        diff = "\n".join(difflib.unified_diff(text.splitlines(), rendered.splitlines(), "INSTRUCTORS.md",
                                              f"rendered from {source}", lineterm="", n=0))
        pytest.fail(f"{what} differ(s) from {source}; {fix}:\n{diff[:3000]}", pytrace=False)

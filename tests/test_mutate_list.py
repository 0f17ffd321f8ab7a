"""scripts/mutate.py's list of mutants stays in step with the source (issue 23): each mutant's text
occurs exactly once in its module, the replacement differs, and every module has its unit tests."""
from pathlib import Path

import mutate
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("m", mutate.MUTANTS, ids=[m.id for m in mutate.MUTANTS])
def test_each_mutant_applies_once(m):
    source = (REPO / m.path).read_text(encoding="utf-8")
    assert source.count(m.old) == 1, f"{m.id}: its text occurs {source.count(m.old)} times in {m.path}; update MUTANTS"
    assert m.new != m.old
    for test_file in mutate.TESTS[m.module]:
        assert (REPO / test_file).is_file(), test_file


def test_the_list_covers_every_core_module_and_the_issues_bugs():
    modules = {m.module for m in mutate.MUTANTS}
    assert set(mutate.CORE) <= modules
    assert len({m.id for m in mutate.MUTANTS}) == len(mutate.MUTANTS)      # ids are unique
    assert sum(bool(m.issue) for m in mutate.MUTANTS) >= 15

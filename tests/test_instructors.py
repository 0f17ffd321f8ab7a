"""INSTRUCTORS.md: its run times and workshop plans come from `make times`, not from a keyboard.

`scripts/measure_times.py` measures the notebooks into INSTRUCTORS-times.json and rewrites the
generated parts of the guide from that file. Here the guide is re-rendered from the file, without
measuring anything, and must come out unchanged: a number typed into a generated table, or a
table left behind after a new measurement, fails. The other tests check that every notebook has
a measured time, that the plans fit their slots, and that the guide is linked and names commands
that exist.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import measure_times
import pytest
from guide_helpers import fail_unless_the_same, json_fixture

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "INSTRUCTORS.md"
TIMES = REPO / "INSTRUCTORS-times.json"


data = json_fixture(TIMES)


def test_the_guide_tables_are_exactly_what_the_measurements_give(data):
    text = GUIDE.read_text(encoding="utf-8")
    fail_unless_the_same(text, measure_times.render_guide(text, data), "INSTRUCTORS.md's generated parts",
                         "INSTRUCTORS-times.json", "run `make times` (or scripts/measure_times.py --render-only)")
    for name in ["times-table", "plan-3h", "plan-day"]:
        assert f"<!-- BEGIN GENERATED {name}" in text and f"<!-- END GENERATED {name} -->" in text


def test_every_measured_notebook_exists_and_has_a_time(data):
    for path, entry in data["notebooks"].items():
        assert (REPO / path).is_file(), f"INSTRUCTORS-times.json times {path}, which no longer exists: run `make times`"
        assert entry["seconds"] > 0 and (entry.get("cpu_seconds") is None or entry["cpu_seconds"] > 0), path


def test_every_notebook_has_a_measured_time(data):
    """A notebook added since the last `make times` is reported (skipped with the list), not failed:
    the guide then says "not measured" for it, which is true, and nothing in it is typed in."""
    missing = [p.relative_to(REPO).as_posix() for p in measure_times.all_notebooks()
               if p.relative_to(REPO).as_posix() not in data["notebooks"]]
    if missing:
        pytest.skip(f"not measured yet: {', '.join(missing)}; run `make times NB=<path>` and commit "
                    "INSTRUCTORS-times.json and INSTRUCTORS.md")


def test_every_lesson_in_the_repository_has_its_section_and_run_time_in_the_guide():
    text = GUIDE.read_text(encoding="utf-8")
    for p in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        number = p.name[:2]
        assert re.search(rf"^### {number} · ", text, re.M), f"INSTRUCTORS.md has no section for {p.name}"
        assert f"<!-- runtime:notebooks/{p.name} -->" in text, f"INSTRUCTORS.md shows no run time for {p.name}"


def test_the_workshop_plans_fit_their_slots(data):
    for plan, limit in measure_times.PLAN_LIMITS.items():
        minutes = measure_times.plan_minutes(data, plan)
        assert minutes <= limit, f"{plan} now takes {minutes} min, more than {limit}: edit PLANS in scripts/measure_times.py"


def test_the_guide_is_linked_from_the_readme_and_its_make_targets_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "INSTRUCTORS.md" in readme
    targets = set(re.findall(r"^([A-Za-z][\w-]*):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))
    used = set(re.findall(r"`make ([a-z][\w-]*)", GUIDE.read_text(encoding="utf-8")))
    assert used and used <= targets, f"the guide names make targets that do not exist: {sorted(used - targets)}"


# ----------------------------------------------------------------------------- the checks can fail

FAKE = {
    "measured": {"date": "2000-01-01", "python": "3.11", "system": "Linux", "cpus": 2, "load_average_at_start": 0.1},
    "notebooks": {"notebooks/00_start_here.ipynb": {"seconds": 5.0, "cpu_seconds": 3.0, "stated_minutes": 15}},
}


def test_a_hand_edited_time_is_overwritten_by_the_rendering():
    guide = ("x\n<!-- BEGIN GENERATED times-table -->\nold\n<!-- END GENERATED times-table -->\n"
             "run: <!-- runtime:notebooks/00_start_here.ipynb -->1.0 s<!-- /runtime -->\n")
    rendered = measure_times.render_guide(guide, FAKE)
    assert "5.0 s (CPU 3.0 s)" in rendered and "old" not in rendered and "1.0 s<" not in rendered
    assert measure_times.render_guide(rendered, FAKE) == rendered  # rendering twice changes nothing
    with pytest.raises(ValueError, match="'nonsense'"):
        measure_times.render_guide("<!-- BEGIN GENERATED nonsense -->\n<!-- END GENERATED nonsense -->", FAKE)


def test_a_plan_that_overruns_is_reported():
    data = json.loads(json.dumps(FAKE))
    data["notebooks"]["notebooks/00_start_here.ipynb"]["stated_minutes"] = 600
    assert measure_times.plan_minutes(data, "plan-3h") > measure_times.PLAN_LIMITS["plan-3h"]
    assert "over by" in measure_times.render_plan(data, "plan-3h")


@pytest.mark.parametrize("text, minutes", [
    ("**Time:** about 40 minutes to read and run", 40),
    ("Expected time: about 25 minutes.", 25),
    ("Time: 20-30 min", 30),
    ("Nothing about duration here.", None),
])
def test_stated_minutes_are_read_from_the_opening_cells(text, minutes):
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title\n\n" + text)])
    assert measure_times.stated_minutes(nb) == minutes


# ------------------------------------------------------- hubs: no notebook depends on its working directory

FILE_ACCESS = re.compile(
    r"""(\bopen\(|\bPath\(|np\.(load|save|loadtxt|savetxt)\(|read_csv\(|os\.chdir|%cd\b|getcwd|__file__|sys\.path"""
    r"""|["'][\w./-]*\.(npz|npy|csv|png|json|txt|pkl|ipynb)["'])""")


def file_accesses(source: str) -> list[str]:
    """Lines of a code cell that read or write files by path, or depend on the working directory."""
    return [line.strip() for line in source.split("\n") if FILE_ACCESS.search(line)]


def test_no_notebook_depends_on_its_working_directory():
    """A hub may start a notebook in the repository root, its own folder or a home folder: the data
    come through aelib (package data), so no code cell should open files by path or change folder."""
    nbformat = pytest.importorskip("nbformat")
    found = []
    for path in measure_times.all_notebooks():
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                found += [f"{path.relative_to(REPO)} cell {i}: {line}" for line in file_accesses(cell.source)]
    assert not found, "notebooks that depend on their working directory:\n" + "\n".join(found)


def test_the_file_access_scan_finds_paths_and_folder_changes():
    assert file_accesses("X = np.load('../aelib/data/mnist_5k.npz')\nprint(X)") == ["X = np.load('../aelib/data/mnist_5k.npz')"]
    assert file_accesses("import os; os.chdir('..')")
    assert file_accesses("fig.savefig('filters.png')")
    assert file_accesses("train = aelib.load_digits('train')\nviz.show_images(train.X[:8])") == []


def test_each_notebook_states_its_measured_run_time():
    """The run time a lesson states in its header ("runs in about 9 s") is the one `make times` measured."""
    import re
    import nbformat
    data = json.loads(TIMES.read_text())["notebooks"]
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        header = "\n".join(c.source for c in nb.cells[:3] if c.cell_type == "markdown")
        m = re.search(r"runs in about (\d+(?:\.\d+)?) s\b", header)
        assert m, f"{path.name}: its header does not state 'runs in about N s'"
        measured = data[f"notebooks/{path.name}"]["seconds"]
        stated = float(m.group(1))
        assert abs(stated - measured) <= max(1.5, 0.25 * measured), \
            f"{path.name} states {stated:g} s, `make times` measured {measured:g} s: update the header"

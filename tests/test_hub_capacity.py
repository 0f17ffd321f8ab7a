"""INSTRUCTORS.md's hub capacity table comes from hub/capacity.json, a committed hub run (issue 18).

`make hub-capacity` runs tests/test_hub.py with N learners at once on a real JupyterHub, which
writes hub/capacity.json, and scripts/hub_capacity.py renders the table into INSTRUCTORS.md. Here
the block is re-rendered from the file, without starting a hub, and must come out unchanged: a
number typed into the table, or a table left behind after a new measurement, fails. The file
itself must be a passing run of the default size (10 learners or more, no failure, no cell error,
every cross-access request refused), and hub/jupyterhub_config.py must set the limits the table
recommends.
"""
from __future__ import annotations

import copy
import math
import re
from pathlib import Path

import hub_capacity
from guide_helpers import fail_unless_the_same, json_fixture

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "INSTRUCTORS.md"
RESULTS = REPO / "hub" / "capacity.json"
CONFIG = REPO / "hub" / "jupyterhub_config.py"


data = json_fixture(RESULTS)


def test_the_capacity_table_is_exactly_what_the_measurement_gives(data):
    text = GUIDE.read_text(encoding="utf-8")
    fail_unless_the_same(text, hub_capacity.render_guide(text, data), "INSTRUCTORS.md's hub capacity block",
                         "hub/capacity.json",
                         "run `python scripts/hub_capacity.py` (or `make hub-capacity` to measure again)")
    assert text.count("<!-- BEGIN hub-capacity") == 1 and text.count("<!-- END hub-capacity -->") == 1


def test_a_changed_measurement_changes_the_table(data):
    """The check above can fail: one learner's memory, or the slowest lesson's CPU, shows in the block."""
    base = hub_capacity.render(data)
    bigger = copy.deepcopy(data)
    for nb in bigger["learners"][0]["notebooks"].values():
        nb["peak_mib"] *= 3
    assert hub_capacity.render(bigger) != base
    slower = copy.deepcopy(data)
    slower["slowest_lesson"]["kernel_cpu_seconds"] += 100
    assert hub_capacity.render(slower) != base


def test_the_committed_run_is_a_passing_run_of_ten_learners_or_more(data):
    m = data["measured"]
    assert m["learners"] >= 10 and len(data["learners"]) == m["learners"]
    for lr in data["learners"]:
        assert lr["failure"] is None, lr
        assert lr["distributed_by"] == "nbgitpuller link", lr["distributed_by"]
        assert set(lr["notebooks"]) == set(m["notebooks"])
        cpu = lr["server_cpu_seconds"]
        assert 0 < cpu["ready"] <= cpu["pulled"] <= cpu["end"], (lr["name"], cpu)
        for path, nb in lr["notebooks"].items():
            assert nb["errors"] == 0 and nb["executed"] == nb["cells"] > 0, (lr["name"], path, nb)
    slow = data["slowest_lesson"]
    assert slow["errors"] == 0 and slow["executed"] == slow["cells"] > 0
    iso = data["isolation"]
    assert iso["controls_allowed"] == m["learners"]
    assert iso["refused"] == iso["requests"] - iso["controls_allowed"] >= 12 * m["learners"]
    for key in ("cpu_model", "cpus", "memory_gib"):
        assert m["machine"][key], key
    assert m["load_average"]["start"] is not None and m["load_average"]["max"] is not None


def test_capacity_numbers_follow_their_stated_rules(data):
    """Worked from the file by hand, independently of the script's helper functions."""
    rows = hub_capacity.rows(data)
    worst_mem = max(nb["peak_mib"] for lr in data["learners"] for nb in lr["notebooks"].values())
    worst_mem = max(worst_mem, data["slowest_lesson"]["peak_mib"])
    assert max(r["mem_max"] for r in rows) == worst_mem
    slow = data["slowest_lesson"]
    slow_cpu = slow["kernel_cpu_seconds"] + slow["server_cpu_seconds"]
    last = rows[-1]
    assert last["path"] == slow["path"]
    assert last["per_gib"] == int(1024 // slow["peak_mib"])
    assert last["per_gib_pss"] == int(1024 // slow["peak_pss_mib"]) >= last["per_gib"]
    assert last["burst_per_core"] == int(hub_capacity.BURST_SECONDS // slow_cpu)
    assert last["steady_per_core"] == int(slow["stated_minutes"] * 60 // (hub_capacity.RUNS_PER_LESSON * slow_cpu))
    lim = hub_capacity.limits(data)
    assert lim["mem_guarantee_mib"] % 128 == 0 and worst_mem <= lim["mem_guarantee_mib"] < worst_mem + 128
    assert lim["mem_limit_mib"] == 2 * lim["mem_guarantee_mib"]
    assert math.isclose(lim["cpu_limit"], 1.0)


def _config_value(name: str) -> str:
    m = re.search(rf"^c\.Spawner\.{name}\s*=\s*(.+)$", CONFIG.read_text(encoding="utf-8"), re.M)
    assert m, f"hub/jupyterhub_config.py does not set c.Spawner.{name}"
    return m.group(1).strip()


def test_the_hub_config_sets_the_limits_the_table_recommends(data):
    lim = hub_capacity.limits(data)
    assert _config_value("mem_limit") == repr(hub_capacity._size(lim["mem_limit_mib"])).replace("'", '"')
    assert float(_config_value("cpu_limit")) == lim["cpu_limit"]
    text = GUIDE.read_text(encoding="utf-8")
    assert f"tljh-config set limits.memory {hub_capacity._size(lim['mem_limit_mib'])}" in text
    assert f"tljh-config set limits.cpu {lim['cpu_limit']:g}" in text


def test_the_hub_config_listens_on_loopback_only():
    text = CONFIG.read_text(encoding="utf-8")
    for key in ("c.JupyterHub.ip", "c.JupyterHub.hub_ip", "c.Spawner.ip"):
        assert re.search(rf'^{re.escape(key)} = "127\.0\.0\.1"\s*(#.*)?$', text, re.M), key
    assert "http://127.0.0.1:" in text  # the proxy's API

"""benchmarks/bench.py's bookkeeping (issue 20): one RESULTS.md section per kind of CPU, and targets
and sentences computed from the numbers. The timings themselves are measured by `make bench`, never
in a test."""
from pathlib import Path

import pytest

from benchmarks import bench

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("cpu, kind", [
    ("Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz", "Intel Xeon"),
    ("AMD EPYC 7B13 64-Core Processor", "AMD EPYC"),
    ("AMD EPYC", "AMD EPYC"),
    ("", "unknown CPU"),
])
def test_cpu_kind_is_vendor_and_family(cpu, kind):
    assert bench.cpu_kind(cpu) == kind


def test_a_run_replaces_its_own_section_and_keeps_the_others():
    one = bench.merge_results("", "AMD EPYC", "## AMD EPYC, measured 2026-01-01\n\nold\n")
    two = bench.merge_results(one, "Intel Xeon", "## Intel Xeon, measured 2026-02-01\n\nintel\n")
    three = bench.merge_results(two, "AMD EPYC", "## AMD EPYC, measured 2026-03-01\n\nnew\n")
    sections = {m["key"]: m["body"] for m in bench.SECTION.finditer(three)}
    assert sections == {"AMD EPYC": "## AMD EPYC, measured 2026-03-01\n\nnew\n",
                        "Intel Xeon": "## Intel Xeon, measured 2026-02-01\n\nintel\n"}
    assert three.startswith(bench.RESULTS_HEAD) and "old" not in three


def test_the_committed_results_have_a_section_per_cpu_kind_each_with_its_date():
    text = (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    sections = {m["key"]: m["body"] for m in bench.SECTION.finditer(text)}
    assert {"AMD EPYC", "Intel Xeon"} <= set(sections)
    for key, body in sections.items():
        assert body.startswith(f"## {key}"), key
    assert bench.merge_results(text, "AMD EPYC", sections["AMD EPYC"]) == text     # a round trip changes nothing


def fake_results(epoch, matmuls, torch_epoch, uncut):
    model = {"aelib": {"best": epoch}, "torch": {"best": torch_epoch}, "uncut": {"best": uncut},
             "matmul_only": {"seconds": matmuls, "gflops": 100.0}, "gflops": 100.0}
    deep = {"aelib": {"best": 0.060}, "torch": {"best": 0.070}, "matmul_only": {"seconds": 0.03, "gflops": 100.0},
            "gflops": 70.0}
    return {"models": {"shallow": model, "deep": deep}, "peak_gflops": 200.0, "anatomy": {"head": 0.005},
            "heads": {"fast head": 0.005, "threaded head": 0.006, "reference head": 0.010}}


def test_the_matmul_ratio_target_worked_by_hand():
    met = {r["target"]: r for r in bench.targets(fake_results(0.036, 0.025, 0.045, 0.034))}
    row = met["784-128-784: an epoch <= 1.5x its matmuls alone"]
    assert (row["measured"], row["met"]) == ("1.44x", "yes")                     # 36 / 25
    assert met["784-128-784: PyTorch's epoch >= 1.2x aelib's"]["met"] == "yes"    # 45 / 36 = 1.25
    missed = {r["target"]: r for r in bench.targets(fake_results(0.040, 0.025, 0.045, 0.038))}
    assert missed["784-128-784: an epoch <= 1.5x its matmuls alone"]["measured"] == "1.60x"
    assert missed["784-128-784: an epoch <= 1.5x its matmuls alone"]["met"] == "no"
    text = " ".join(bench.limits(fake_results(0.040, 0.025, 0.045, 0.038)))
    assert "needs an epoch of at most 37.5 ms here (1.5 x 25.0 ms); it is missed by 2.5 ms" in text
    assert "the cuts that keep the bits thread-independent take 2.0 ms" in text    # 40 - 38
    assert "took 6.0 ms against 5.0 ms on one thread (1.20x the time): no gain." in text
    assert "missed by 2.5 ms: everything but the products would have to fit in 12.5 ms instead of 15.0 ms" in text
    out_of_reach = " ".join(bench.limits(fake_results(0.040, 0.025, 0.028, 0.038)))     # 28 / 1.2 < 25
    assert "out of reach with these products: they alone take 25.0 ms" in out_of_reach
    met_text = " ".join(bench.limits(fake_results(0.036, 0.025, 0.045, 0.034)))
    assert "it is met." in met_text and "One likely reason for the gap" not in met_text
    faster = fake_results(0.040, 0.025, 0.045, 0.038)
    faster["heads"]["threaded head"] = 0.004
    assert "(a saving of 1.0 ms per epoch, 20% of the head)" in " ".join(bench.limits(faster))

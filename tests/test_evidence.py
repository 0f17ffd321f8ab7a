"""The notebooks' Claim checks agree with the thorough run (evidence/results/, `make evidence`).

Every verdict a notebook prints has the form ``Verdict [<claim id>]: <outcome>. ...`` (made by
``aelib.claims.Verdict``). For each such line in the committed outputs of notebooks/, the same
id must be in the thorough run with the same outcome; every claim of CURRICULUM.md must have a
row there with at least 3 seeds, a learning rate chosen per arm and a stated budget.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "evidence" / "results"
VERDICT = re.compile(r"Verdict \[([^\]]+)\]: (holds|does not hold|inconclusive)\.")

# The (claim) items of CURRICULUM.md (lessons 01-07) and of later lessons, each with the claim ids that answer it.
CURRICULUM_CLAIMS = {
    "Rectified linear units often work better than the sigmoid": "01.",
    "It is like PCA, but can be nonlinear": "02.pca",
    "SGD converges faster and to a better value than full-batch descent": "02.sgd",
    "Tying W' = W^T regularises training and can help the AE generalise": "04.tied",
    "Which activation the decoder uses matters little": "04.decoder",
    "784-128-64-2-64-128-784 grid: ReLU output worse, linear bottleneck better, ...": "05.grid",
    "If the outputs have known bounds, use an output activation that maps onto them": "05.bounds",
    "Warm start of a sigmoid AE from trained W learns faster and ends better": "07.warm",
    "ReLU AE from sigmoid-trained W: features do not collapse but drift": "07.relu",
    "Sigmoid AEs learn local, sparse, high-contrast filters; ReLU AEs distributed ones": "07.filters",
    "Transplanted weights can make training diverge; shrinking them avoids it": "07.transplant",
    "Autoencoder features help a classifier more than PCA's (lesson 08, issue 15)": "08.probe",
}


def notebook_verdicts():
    found = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                text = out.get("text", "") if out.get("output_type") == "stream" else \
                    out.get("data", {}).get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                for m in VERDICT.finditer(text):
                    found.append((path.name, i, m.group(1), m.group(2)))
    return found


@pytest.fixture(scope="module")
def results():
    data = {p.stem: json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))}
    if not data:
        pytest.fail("evidence/results/ is empty: run `make evidence` and commit evidence/", pytrace=False)
    not_thorough = [cid for cid, rep in data.items() if rep["mode"] != "thorough"]
    assert not not_thorough, f"evidence/results/ must come from the thorough run (make evidence): {not_thorough}"
    return data


def all_parts(results):
    """Every verdict id in the thorough run -> its outcome."""
    return {vd["claim"]: vd["outcome"] for rep in results.values() for vd in rep["verdicts"]}


def test_every_printed_verdict_agrees_with_the_thorough_run(results):
    parts = all_parts(results)
    found = notebook_verdicts()
    assert found, "no 'Verdict [id]: outcome.' line in any notebook output"
    wrong = [f"{nb} cell {i}: [{cid}] prints '{outcome}', the thorough run says '{parts.get(cid, 'no such claim')}'"
             for nb, i, cid, outcome in found if parts.get(cid) != outcome]
    assert not wrong, "notebook verdicts that disagree with evidence/results/:\n" + "\n".join(wrong)


def test_every_thorough_verdict_is_printed_by_a_notebook(results):
    printed = {cid for _, _, cid, _ in notebook_verdicts()}
    missing = sorted(set(all_parts(results)) - printed)
    assert not missing, f"claims in evidence/results/ that no notebook prints: {missing}"


@pytest.mark.parametrize("claim, prefix", CURRICULUM_CLAIMS.items(), ids=list(CURRICULUM_CLAIMS.values()))
def test_every_curriculum_claim_has_a_fair_thorough_row(results, claim, prefix):
    rows = {cid: rep for cid, rep in results.items() if cid.startswith(prefix)}
    assert rows, f"no claim id starting with {prefix!r} in evidence/results/ for: {claim}"
    for cid, rep in rows.items():
        assert rep["budget"], f"{cid}: no budget stated"
        assert rep["verdicts"], f"{cid}: no verdict"
        assert rep["arms"], f"{cid}: no arms"
        for name, arm in rep["arms"].items():
            assert len(arm["scores"]) >= 3, f"{cid} / {name}: {len(arm['scores'])} seeds, at least 3 needed"
            assert arm["lr"] in arm["lr_grid"], f"{cid} / {name}: lr {arm['lr']} not from its grid"
            assert arm["val_by_lr"], f"{cid} / {name}: no validation scores for its learning rates"


def test_every_result_says_where_it_was_measured(results):
    for cid, rep in results.items():
        assert rep["machine"]["cpu"] and rep["machine"]["date"], cid


def test_stored_verdicts_read_back_what_the_thorough_run_wrote(results):
    from aelib.claims import registry
    for cid, rep in results.items():
        back = registry.stored_verdicts(cid)
        assert [(v.claim, v.outcome) for v in back] == [(d["claim"], d["outcome"]) for d in rep["verdicts"]], cid
        assert all(str(v).startswith(f"Verdict [{v.claim}]: {v.outcome}.") for v in back)

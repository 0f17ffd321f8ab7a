"""The nbval sanitizer masks only what changes from run to run: training times and memory
addresses, never a result (issue 23: the old address rule ``0x[0-9a-f]+`` matched no address in
any recorded output, only figure sizes such as ``1000x280``, and hid every figure's height)."""
from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CFG = REPO / "tests" / "nbval_sanitize.cfg"


def rules():
    parser = configparser.ConfigParser()
    parser.read(CFG)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def sanitize(text: str) -> str:
    for regex, replace in rules():
        text = regex.sub(replace, text)
    return text


@pytest.mark.parametrize("volatile, masked", [
    ("epoch 3/3  train 98.1  [12.3 s]", "epoch 3/3  train 98.1  [TIME]"),
    ("<aelib.model.Foo object at 0x7f3a12bc4d90>", "<aelib.model.Foo object at 0xADDR>"),
    ("<function <lambda> at 0x7f3a12bc>", "<function <lambda> at 0xADDR>"),
])
def test_volatile_text_is_masked(volatile, masked):
    assert sanitize(volatile) == masked


@pytest.mark.parametrize("result", [
    "<Figure size 1000x280 with 2 Axes>", "<Figure size 960x273 with 24 Axes>", "shape (10x0x3)",
    "784 -> 64 -> 784, 51,024 params", "lr 0x hex 0x1f", "took 12.3 s in all", "held-out 0.0123",
])
def test_results_are_not_masked(result):
    assert sanitize(result) == result


def _text_outputs():
    for folder in ("notebooks", "solutions", "exercises"):
        for path in sorted((REPO / folder).glob("*.ipynb")):
            for cell in json.loads(path.read_text())["cells"]:
                for out in cell.get("outputs", []):
                    texts = ["".join(out.get("text", ""))]
                    texts += ["".join(v) if isinstance(v, list) else v
                              for k, v in out.get("data", {}).items() if k.startswith("text/")]
                    yield path.relative_to(REPO), "\n".join(texts)


def test_the_recorded_outputs_lose_only_times_and_addresses():
    """Whatever the sanitizer changes in a recorded output is a training time or an address."""
    changed = []
    for path, text in _text_outputs():
        for regex, _ in rules():
            for m in regex.finditer(text):
                changed.append((str(path), m.group(0)))
    assert all(re.fullmatch(r"\[\d+(\.\d+)? s\]|at 0x[0-9a-f]+", what) for _, what in changed), changed
    figures = [t for _, t in _text_outputs() if "<Figure size" in t]
    assert figures and all(sanitize(t) == t for t in figures)    # every figure's size is compared

"""aelib's modules import only from the layers below them (issue 20): no import circle, no upward reach.

Every ``import`` and ``from ... import`` of an aelib module is read from the source with ``ast``,
wherever it stands (module level, inside a function: a lazy import counts the same), and must go to
a strictly lower layer of :data:`LAYERS`. Modules of one layer do not import each other (no
sideways import), so a layer can be read, tested and changed without the ones beside it.
A new module must be given a layer here before the test passes.

Not read: imports by a computed name. There is one, ``aelib.claims.registry.load_all``, which
imports the claim modules of the lessons by name (``importlib.import_module``) so that they
register themselves; they import the registry, not the other way round.
"""
from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "aelib"

# Lowest first. What each layer needs decides its place: the loop (train) and gradcheck use only a
# model's protocol (prepare, objective, objective_and_grads, params), so they sit below the models,
# which call them from their fit methods; the optional tools (matplotlib, sympy, ipywidgets) sit above
# the package, so `import aelib` cannot load them.
LAYERS = [
    ("checks of input, process settings", ["aelib._validate", "aelib._env"]),
    ("fast paths of formulas (numpy only; aelib/fast.py)", ["aelib.fast"]),
    ("formulas and data", ["aelib.activations", "aelib.noise", "aelib.optim", "aelib.penalties",
                           "aelib.datasets", "aelib.metrics", "aelib.pca"]),
    ("dense layers, losses, and what else uses formulas or data", ["aelib.layers", "aelib.losses", "aelib.maximize",
                                                                    "aelib.anomaly"]),
    ("the training loop and the gradient check (the model protocol only)", ["aelib.train", "aelib.gradcheck"]),
    ("the models", ["aelib.model"]),
    ("models built on Model", ["aelib.vae", "aelib.probe", "aelib.stacked"]),
    ("the package", ["aelib"]),
    ("optional tools", ["aelib.viz", "aelib.widgets", "aelib.symbolic"]),
    ("claims: the protocol", ["aelib.claims.protocol"]),
    ("claims: the registry", ["aelib.claims.registry"]),
    ("claims: the lessons", ["aelib.claims", "aelib.claims.lesson*"]),
    ("checks: the framework", ["aelib.checks.framework"]),
    ("checks: the lessons", ["aelib.checks.lesson*"]),
    ("checks: the package", ["aelib.checks"]),
]


def module_name(path: Path) -> str:
    """``aelib/claims/lesson08.py -> aelib.claims.lesson08``, ``aelib/checks/__init__.py -> aelib.checks``."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def layer_of(module: str, layers=LAYERS):
    """``(index, name)`` of the layer holding ``module``, or None."""
    found = [(i, name) for i, (name, patterns) in enumerate(layers)
             if any(fnmatch.fnmatchcase(module, pat) for pat in patterns)]
    assert len(found) <= 1, f"{module} is in more than one layer: {found}"
    return found[0] if found else None


def aelib_imports(source: str, module: str, is_package: bool, known=frozenset(SOURCES)):
    """``[(line, imported module)]`` for every import of an aelib module anywhere in ``source``.

    ``from . import x`` counts as an import of the module ``x`` when there is one, else of the
    package itself (``from .. import Autoencoder`` imports ``aelib``)."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "aelib"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "aelib":
                continue
            for a in node.names:
                found.append((node.lineno, f"{target}.{a.name}" if f"{target}.{a.name}" in known else target))
    return sorted(set(found))


def layering_errors(module: str, source: str, is_package: bool = False, path: str = "", layers=LAYERS):
    """One sentence per import of ``module`` that does not go to a lower layer (or to a module without one)."""
    where = path or module
    mine = layer_of(module, layers)
    if mine is None:
        return [f"{where}: {module} has no layer; add it to LAYERS in tests/test_layering.py"]
    errors = []
    for line, target in aelib_imports(source, module, is_package):
        theirs = layer_of(target, layers)
        if theirs is None:
            errors.append(f"{where}:{line}: {module} imports {target}, which has no layer in LAYERS")
        elif theirs[0] >= mine[0]:
            way = "upward" if theirs[0] > mine[0] else "sideways"
            errors.append(f"{where}:{line}: {module} (layer {mine[0]}, {mine[1]}) imports {target} "
                          f"(layer {theirs[0]}, {theirs[1]}): an import {way}; imports must go to a lower layer")
    return errors


def test_every_module_of_aelib_has_a_layer():
    missing = [m for m in SOURCES if layer_of(m) is None]
    assert not missing, f"modules without a layer (add them to LAYERS): {missing}"
    assert {"aelib.model", "aelib.train", "aelib._validate", "aelib.claims.lesson08", "aelib.checks"} <= set(SOURCES)


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_imports_go_only_to_lower_layers(module):
    path = SOURCES[module]
    errors = layering_errors(module, path.read_text(encoding="utf-8"), path.name == "__init__.py",
                             str(path.relative_to(ROOT)))
    assert not errors, "\n".join(errors)


def test_the_check_reports_an_upward_import_naming_module_line_and_layers():
    """The bug this test is for: _validate importing Model (the circle issue 20 removed), found."""
    source = '"""Checks."""\nimport numpy as np\n\n\ndef check_model(m):\n    from .model import Model\n    return m\n'
    errors = layering_errors("aelib._validate", source)
    assert len(errors) == 1
    e = errors[0]
    assert e.startswith("aelib._validate:6: aelib._validate (layer 0, checks of input")
    assert f"imports aelib.model (layer {layer_of('aelib.model')[0]}, the models): an import upward" in e


@pytest.mark.parametrize("module, source, line, target, way", [
    ("aelib.layers", "from . import train\n", 1, "aelib.train", "upward"),              # a module by `from . import`
    ("aelib.train", "import numpy\nimport aelib.model as m\n", 2, "aelib.model", "upward"),   # absolute import
    ("aelib.model", "def fit():\n    from .probe import SoftmaxRegression\n", 2, "aelib.probe", "upward"),
    ("aelib.activations", "from .noise import masking\n", 1, "aelib.noise", "sideways"),
    ("aelib.fast", "from .losses import get_loss\n", 1, "aelib.losses", "upward"),       # a fast path needs no formula module
    ("aelib.checks.framework", "from ..checks import lesson08\n", 1, "aelib.checks.lesson08", "upward"),
    ("aelib.model", "import aelib.viz\n", 1, "aelib.viz", "upward"),                  # plotting below the package
])
def test_the_check_reports_each_form_of_a_bad_import(module, source, line, target, way):
    errors = layering_errors(module, source)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{module}:{line}: {module} (layer ")
    assert f"imports {target} (layer " in errors[0] and f"an import {way}" in errors[0]


def test_downward_imports_and_other_packages_pass():
    source = ("import numpy as np\nfrom . import _validate as v\nfrom .layers import linear\n"
              "def f():\n    from .train import fit\n    import aelib.losses\n")
    assert layering_errors("aelib.model", source) == []
    assert layering_errors("aelib.checks.lesson06", "def f():\n    from .. import Autoencoder, masking\n",
                           is_package=False) == []                                  # the package, below checks
    assert layering_errors("aelib.checks", "from .lesson01 import *\n", is_package=True) == []   # a package's own modules
    assert layering_errors("aelib.newmodule", "") == [
        "aelib.newmodule: aelib.newmodule has no layer; add it to LAYERS in tests/test_layering.py"]

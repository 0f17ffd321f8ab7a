"""The model protocol (issue 20): ``prepare`` is the one place a batch is checked, ``objective`` and
``objective_and_grads`` compute on what it returns, and ``fit``, ``gradcheck``, ``loss`` and
``loss_and_grads`` all go through it. The dtype check is written once and every model takes the
same spellings. Nothing outside a model's own classes calls a model's underscore methods."""
import ast
import inspect
from pathlib import Path

import numpy as np
import pytest

import aelib
from aelib import Autoencoder, DeepAutoencoder, Network, gradcheck
from aelib import _validate as v
from aelib.model import Model
from aelib.penalties import kl_sparsity
from aelib.probe import SoftmaxRegression, one_hot
from aelib.stacked import StackedDAE
from aelib.vae import VAE

ROOT = Path(__file__).resolve().parent.parent
RNG = np.random.default_rng(7)
X6 = RNG.random((10, 6))                                   # (batch, 6) in [0, 1]
LABELS = one_hot(RNG.integers(0, 3, 10), 3)                # (batch, 3) for the probe

# name -> (make(dtype), batch, target): one of each model kind
MODELS = {
    "Autoencoder": (lambda dt: Autoencoder(6, 3, dtype=dt), X6, None),
    "Autoencoder, sparse, untied": (lambda dt: Autoencoder(6, 3, tied=False, sparsity=kl_sparsity(0.1, 2.0),
                                                           dtype=dt), X6, None),
    "Network": (lambda dt: Network([6, 4, 2], ["relu", "sigmoid"], dtype=dt), X6, X6[:, :2]),
    "DeepAutoencoder": (lambda dt: DeepAutoencoder([6, 4, 2, 4, 6], dtype=dt), X6, None),
    "VAE": (lambda dt: VAE(6, 4, 2, dtype=dt), X6, None),
    "SoftmaxRegression": (lambda dt: SoftmaxRegression(6, 3, dtype=dt), X6, LABELS),
}
OWNERS = {"Autoencoder": Autoencoder, "Network": Network, "DeepAutoencoder": DeepAutoencoder, "VAE": VAE,
          "SoftmaxRegression": SoftmaxRegression}
MAKE = {"Autoencoder": lambda dt: Autoencoder(6, 3, dtype=dt),
        "Network": lambda dt: Network([6, 4, 6], "sigmoid", dtype=dt),
        "DeepAutoencoder": lambda dt: DeepAutoencoder([6, 2, 6], dtype=dt),
        "VAE": lambda dt: VAE(6, 4, 2, dtype=dt),
        "SoftmaxRegression": lambda dt: SoftmaxRegression(6, 3, dtype=dt),
        "Autoencoder.astype": lambda dt: Autoencoder(6, 3).astype(dt)}

SPELLINGS = [("float32", np.float32), ("f4", np.float32), ("single", np.float32), (np.float32, np.float32),
             (np.dtype("float32"), np.float32), ("float64", np.float64), ("f8", np.float64), ("<f8", np.float64),
             (np.float64, np.float64), (np.dtype("f8"), np.float64), (float, np.float64)]
EXPECTED = "must be float32 or float64 (e.g. 'float32', 'f4', np.float32, 'float64', 'f8', np.float64)."
BAD = [("float16", ValueError, "Got 'float16' instead."), ("f2", ValueError, "Got 'f2' instead."),
       ("flaot32", ValueError, "Got 'flaot32' instead."), ("int8", ValueError, "Got 'int8' instead."),
       (np.int32, ValueError, "Got int32 instead."), (np.dtype("complex128"), ValueError, "Got complex128 instead."),
       (np.longdouble, ValueError, f"Got {np.dtype(np.longdouble).name} instead."),
       (None, TypeError, "Got None (type NoneType) instead."), (True, TypeError, "Got True (type bool) instead."),
       (3.5, TypeError, "Got 3.5 (type float) instead.")]


# ---- the dtype check, once --------------------------------------------------------------------
@pytest.mark.parametrize("owner", sorted(MAKE))
@pytest.mark.parametrize("spelling, want", SPELLINGS, ids=[repr(s) for s, _ in SPELLINGS])
def test_every_model_takes_every_spelling_of_float32_and_float64(owner, spelling, want):
    m = MAKE[owner](spelling)
    assert m.dtype is want
    assert all(p.dtype == want for p in m.params.values()), {k: p.dtype for k, p in m.params.items()}
    target = LABELS if owner == "SoftmaxRegression" else None
    value, grads = m.loss_and_grads(X6, target)
    assert all(g.dtype == want for g in grads.values())
    assert type(value) in (float, np.dtype(want).type)


@pytest.mark.parametrize("owner", sorted(MAKE))
@pytest.mark.parametrize("bad, error, given", BAD, ids=[repr(b) for b, _, _ in BAD])
def test_every_model_refuses_the_same_bad_dtypes_with_the_same_message(owner, bad, error, given):
    with pytest.raises(error) as info:
        MAKE[owner](bad)
    assert str(info.value) == f"The 'dtype' parameter of {owner} {EXPECTED} {given}"


def test_network_and_autoencoder_agree_on_f4_the_bug_of_issue_20():
    """Before: Network(dtype="f4") was float32 and Autoencoder(dtype="f4") an error."""
    assert Autoencoder(6, 3, dtype="f4").dtype is Network([6, 3], "sigmoid", dtype="f4").dtype is np.float32


# ---- prepare: the one check of a batch ---------------------------------------------------------
@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_prepare_returns_arrays_of_the_models_dtype_and_the_loss(name, dtype):
    make, X, target = MODELS[name]
    m = make(dtype)
    Xc, T, L = m.prepare(X.tolist(), None if target is None else target.tolist())   # lists are converted
    assert Xc.dtype == dtype and T.dtype == dtype and Xc.shape == X.shape
    np.testing.assert_array_equal(Xc, X.astype(dtype))
    if target is None:
        assert T is Xc                                        # the target is the input itself
    else:
        np.testing.assert_array_equal(T, target.astype(dtype))
    assert isinstance(L.name, str) and L.x_range is not None


@pytest.mark.parametrize("name", sorted(MODELS))
def test_loss_and_loss_and_grads_are_the_objective_of_the_prepared_batch(name):
    make, X, target = MODELS[name]
    m = make("float32")
    prepared = m.prepare(X, target)
    assert m.loss(X, target) == m.objective(*prepared)                          # bit for bit
    value, grads = m.loss_and_grads(X, target)
    value2, grads2 = m.objective_and_grads(*prepared)
    assert value == value2 and grads.keys() == grads2.keys() == m.params.keys()
    assert all(np.array_equal(grads[k], grads2[k]) for k in grads)
    assert all(grads[k].shape == p.shape for k, p in m.params.items())


def test_prepare_names_the_arguments_it_was_told():
    m = Autoencoder(6, 3)
    with pytest.raises(ValueError, match="The 'X_val' parameter of Autoencoder must have 6 columns"):
        m.prepare(X6[:, :5], names=("X_val", "target_val"))
    with pytest.raises(ValueError, match=r"The 'target_val' parameter of Autoencoder must lie in \[0, 1\]"):
        m.prepare(X6, X6 * 3, names=("X_val", "target_val"))
    with pytest.raises(ValueError, match="'loss'.*'relu'.*sigmoid output"):
        Autoencoder(6, 3, decoder="relu").prepare(X6)          # the loss checked against the output
    with pytest.raises(ValueError, match="'target' parameter of Network must be an array with 2 columns"):
        Network([6, 2], "sigmoid").prepare(X6)                   # no default target when sizes differ


def spy_on_prepare(m):
    calls = []
    real = m.prepare

    def prepare(X, target=None, loss="cross_entropy", names=("X", "target")):
        calls.append((np.asarray(X).shape, names))
        return real(X, target, loss, names)

    m.prepare = prepare
    return calls


def test_fit_checks_the_training_and_validation_sets_through_prepare():
    m = Autoencoder(6, 3)
    calls = spy_on_prepare(m)
    hist = m.fit(X6, epochs=2, batch_size=5, X_val=X6[:4])
    assert calls == [((10, 6), ("X", "target")), ((4, 6), ("X_val", "target_val"))]
    assert hist.val_loss[-1] == m.loss(X6[:4])          # the held-out score is the objective of prepare's batch


def test_gradcheck_checks_its_batch_through_prepare():
    m = Autoencoder(6, 3, dtype="float64")
    report = gradcheck(m, X6)                           # the float64 copy's prepare is the one called
    assert report.passed()
    copy = m.astype(np.float64)
    calls = spy_on_prepare(copy)
    m.astype = lambda dtype: copy
    gradcheck(m, X6)
    assert calls == [((10, 6), ("X", "target"))]


# ---- fit and gradcheck need the protocol only ----------------------------------------------
class Line:
    """``z = X wᵀ`` with squared error, written from the protocol alone (no aelib model class)."""
    dtype = np.float64
    stochastic = False

    def __init__(self):
        self.params = {"w": np.zeros((1, 2))}             # (1, n_in)

    weight_names = property(lambda self: ["w"])

    def astype(self, dtype):
        return self

    def prepare(self, X, target=None, loss="squared_error", names=("X", "target")):
        return np.asarray(X, np.float64), np.asarray(target, np.float64), aelib.get_loss(loss)

    def objective(self, X, T, L):
        return L.value(X @ self.params["w"].T, T)

    def objective_and_grads(self, X, T, L, rng=None):
        Z = X @ self.params["w"].T                        # (batch, 1)
        return L.value(Z, T), {"w": L.grad(Z, T).T @ X}    # dL/dw = dZᵀ X: (1, 2)


def test_fit_and_gradcheck_work_on_any_object_with_the_protocol():
    X = RNG.standard_normal((40, 2))
    T = X @ np.array([[2.0], [-1.0]])                     # (40, 1): w = (2, -1) fits exactly
    line = Line()
    aelib.fit(line, X, target=T, loss="squared_error", epochs=200, batch_size=40, lr=0.1)
    np.testing.assert_allclose(line.params["w"], [[2.0, -1.0]], atol=1e-6)
    line.params["w"][...] = [[0.3, 0.7]]
    assert gradcheck(line, X, T, loss="squared_error").max_error < 1e-8


@pytest.mark.parametrize("bad, given", [(object(), "Got object instead."),
                                        (Autoencoder, "Got the class Autoencoder itself (make a model first"),
                                        (StackedDAE(6, 4, 2), "Got StackedDAE instead.")])
def test_fit_and_gradcheck_refuse_what_lacks_the_protocol(bad, given):
    for call, owner in ((lambda: aelib.fit(bad, X6), "fit"), (lambda: gradcheck(bad, X6), "gradcheck")):
        with pytest.raises(TypeError) as info:
            call()
        msg = str(info.value)
        assert msg.startswith(f"The 'model' parameter of {owner} must be an aelib model") and given in msg
        assert "prepare, objective, objective_and_grads" in msg


def test_the_protocol_names_are_what_check_model_asks_for():
    for cls in (Autoencoder, Network, DeepAutoencoder, VAE, SoftmaxRegression):
        m = MAKE[cls.__name__]("float32")
        assert all(hasattr(m, a) for a in v.MODEL_PROTOCOL)
        assert "rng" in inspect.signature(m.objective_and_grads).parameters


# ---- nobody reaches into a model's private methods ---------------------------------------
MODEL_CLASSES = (Model, Autoencoder, Network, DeepAutoencoder, VAE, SoftmaxRegression)
PRIVATE = {name for cls in MODEL_CLASSES for name, obj in vars(cls).items()
           if name.startswith("_") and not name.startswith("__") and callable(obj)}
OWN_FILES = {"aelib/model.py", "aelib/vae.py", "aelib/probe.py"}


def private_model_calls(source: str):
    """``[(line, attribute)]``: ``something._method`` with ``_method`` a model class's private method."""
    return sorted((node.lineno, node.attr) for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Attribute) and node.attr in PRIVATE)


def python_sources():
    for folder in ("aelib", "tests", "scripts", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "__pycache__" not in rel and rel not in OWN_FILES:
                yield rel, path.read_text(encoding="utf-8")
    import nbformat
    for folder in ("notebooks", "solutions", "exercises"):
        for path in sorted((ROOT / folder).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    code = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
                    yield f"{path.relative_to(ROOT).as_posix()} cell {i}", code


def test_no_code_outside_the_model_classes_calls_a_private_model_method():
    assert {"_input", "_target", "_check_loss", "_output", "_head"} <= PRIVATE
    found = []
    for where, source in python_sources():
        try:
            calls = private_model_calls(source)
        except SyntaxError:                     # an exercise cell left for the learner
            continue
        found += [f"{where}:{line}: .{attr}" for line, attr in calls]
    assert not found, "use the public protocol (prepare, objective, objective_and_grads):\n" + "\n".join(found)


def test_the_private_call_finder_finds_one():
    assert private_model_calls("def f(m, X):\n    return m._input(X)\n") == [(2, "_input")]
    assert private_model_calls("X, T, L = m.prepare(X)\nm.objective(X, T, L)\n") == []

"""aelib.widgets: every explorer built on a small trained model, driven through its controls.

Each test changes a control programmatically (as a learner would in JupyterLab), and checks that
the Output received a new PNG and that the picture changed; the tests at the end check *what* the
picture shows (the explorers' ``.shown`` arrays) against an independent computation.
"""
import base64
import subprocess
import sys

import numpy as np
import pytest

import aelib

widgets_mod = pytest.importorskip("aelib.widgets")


@pytest.fixture(scope="module")
def digits():
    d = aelib.load_digits("test")
    idx = np.arange(0, 1000, 25)                      # 40 digits, every class (the split is sorted)
    return d.X[idx], d.y[idx]


@pytest.fixture(scope="module")
def model(digits):
    X, _ = digits
    ae = aelib.Autoencoder(784, 12, encoder="sigmoid", decoder="sigmoid", tied=True, seed=0)
    ae.fit(X, epochs=5, batch_size=20, lr=0.01, optimizer="adam")
    return ae


def png(w):
    """The PNG bytes the Output shows now (exactly one display_data output)."""
    outs = w.output.outputs
    assert len(outs) == 1, f"expected one picture in the Output, got {len(outs)} outputs"
    data = base64.b64decode(outs[0]["data"]["image/png"])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return data


def text(w):
    return w.output.outputs[0]["data"]["text/plain"]


def test_activation_explorer_redraws_for_every_activation_and_range():
    w = widgets_mod.activation_explorer()
    seen = {png(w)}
    for name in sorted(aelib.ACTIVATIONS):
        if name == w.dropdown.value:
            continue
        w.dropdown.value = name                       # the observer redraws
        assert name in text(w)
        seen.add(png(w))
    assert len(seen) == len(aelib.ACTIVATIONS)       # one different picture per activation
    before = png(w)
    w.slider.value = 2.0
    w.update()
    assert png(w) != before and "[-2, 2]" in text(w)
    assert w.slider.continuous_update is False


def test_activation_explorer_rejects_unknown_activation():
    with pytest.raises(ValueError, match="'name' parameter of activation_explorer"):
        widgets_mod.activation_explorer("relu6")


def test_denoising_explorer_follows_noise_type_and_level(model, digits):
    X, _ = digits
    w = widgets_mod.denoising_explorer(model, X, n_show=4, seed=0)
    assert [c.description for c in w.children[0].children] == ["noise type", "level"]
    assert w.slider.continuous_update is False
    pictures = {}
    for kind in ["gaussian", "masking", "salt_and_pepper"]:
        w.dropdown.value = kind
        w.update()
        assert kind in text(w)
        pictures[kind] = png(w)
    assert len(set(pictures.values())) == 3
    w.slider.value = 0.8
    w.update()
    assert "0.8" in text(w) and png(w) != pictures["salt_and_pepper"]


def test_denoising_explorer_is_reproducible_and_fast(model, digits):
    import time
    X, _ = digits
    a = widgets_mod.denoising_explorer(model, X, n_show=6, seed=3)
    b = widgets_mod.denoising_explorer(model, X, n_show=6, seed=3)
    assert png(a) == png(b)                           # same seed, same corruption, same picture
    t0 = time.perf_counter()
    a.slider.value = 0.5
    assert time.perf_counter() - t0 < 3.0             # "well under a second" on a quiet machine


def test_denoising_explorer_checks_its_input(model, digits):
    X, _ = digits
    with pytest.raises(ValueError, match="'n_show' parameter of denoising_explorer"):
        widgets_mod.denoising_explorer(model, X[:3], n_show=6)
    with pytest.raises(ValueError, match="'X' parameter of denoising_explorer"):
        widgets_mod.denoising_explorer(model, X[:, :100])
    with pytest.raises(TypeError, match="'model' parameter"):
        widgets_mod.denoising_explorer("not a model", X)


def test_hidden_unit_explorer_shows_each_unit(model, digits):
    X, y = digits
    w = widgets_mod.hidden_unit_explorer(model, X, labels=y)
    assert w.slider.max == model.n_hidden - 1 and w.slider.continuous_update is False
    first = png(w)
    w.slider.value = 5
    w.update()
    assert "unit 5" in text(w) and png(w) != first


def test_hidden_unit_explorer_checks_labels(model, digits):
    X, y = digits
    with pytest.raises(ValueError, match="'labels' parameter of hidden_unit_explorer"):
        widgets_mod.hidden_unit_explorer(model, X, labels=y[:-1])


def test_explorer_text_form_is_short_and_stable(model, digits):
    X, _ = digits
    w = widgets_mod.denoising_explorer(model, X, n_show=3)
    assert repr(w) == "denoising_explorer(noise type='masking', level=0.3)"


def test_import_aelib_does_not_import_ipywidgets_or_matplotlib():
    code = "import sys, aelib; print('ipywidgets' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


# ---- what the pictures show (the arrays behind them, against an independent computation) ----

def test_denoising_explorer_reconstructs_the_corrupted_digits_and_scores_them_against_the_clean(model, digits):
    X, _ = digits
    w = widgets_mod.denoising_explorer(model, X, n_show=5, seed=4, kind="masking", level=0.5)
    s = w.shown
    np.testing.assert_array_equal(s["clean"], X[:5])
    expected_noisy = aelib.make_noise("masking", 0.5, seed=4)(X[:5])          # the same seeded corruption
    np.testing.assert_array_equal(s["corrupted"], expected_noisy)
    ink = s["clean"] > 0
    assert 0.4 < np.mean(s["corrupted"][ink] == 0) < 0.6                        # the middle row is corrupted
    np.testing.assert_allclose(s["reconstruction"], model.reconstruct(expected_noisy), rtol=0, atol=1e-6)
    assert np.abs(s["reconstruction"] - model.reconstruct(X[:5])).max() > 1e-3  # not the clean digits' picture
    err = ((model.reconstruct(expected_noisy) - X[:5]) ** 2).sum(axis=1)        # against the clean digits
    np.testing.assert_allclose(s["error"], err, rtol=1e-5)


def test_denoising_explorer_title_prints_the_mean_error_shown():
    """The caption's number is computed from the tiles: a model whose output is always 0.5 has a
    known error, sum over pixels of (0.5 - x)^2, whatever the corruption."""
    class Half:
        n_in = 4

        def reconstruct(self, X):
            return np.full_like(X, 0.5)

    X = np.array([[0, 1, 0, 1], [1, 1, 1, 1]], dtype=np.float32)
    w = widgets_mod.denoising_explorer(Half(), X, n_show=2, seed=0, kind="gaussian", level=0.2)
    np.testing.assert_allclose(w.shown["error"], [1.0, 1.0])                   # 4 pixels x 0.25
    np.testing.assert_allclose(w.shown["reconstruction"], 0.5)


def test_hidden_unit_explorer_shows_the_most_exciting_digits(model, digits):
    X, y = digits
    w = widgets_mod.hidden_unit_explorer(model, X, labels=y, n_top=6)
    H = model.encode(X)                                                          # (40, n_hidden)
    for unit in (0, 3, model.n_hidden - 1):
        w.slider.value = unit
        w.update()
        s = w.shown
        assert s["unit"] == unit
        np.testing.assert_array_equal(s["weights"], model.params["W"][unit])
        top = np.asarray(s["top"])
        assert len(top) == 6 and len(set(top.tolist())) == 6
        others = np.setdiff1d(np.arange(len(X)), top)
        assert H[top, unit].min() >= H[others, unit].max()                      # none left out excites more
        assert np.all(np.diff(H[top, unit]) <= 0)                                # most exciting first
        np.testing.assert_allclose(s["h"], H[top, unit])
        assert H[top, unit].min() > np.median(H[:, unit])                        # not the least exciting

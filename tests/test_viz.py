"""aelib.viz checked by what each plot shows (the arrays behind the picture), not by "it drew":
nbval compares no image, so a plotted result is only guarded here (issue 23)."""
import numpy as np
import pytest

import aelib

viz = pytest.importorskip("aelib.viz")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def tiles(fig):
    """(image array, title, colour limits) of every drawn tile, in grid order."""
    out = []
    for ax in fig.axes:
        if ax.images:
            im = ax.images[0]
            out.append((np.asarray(im.get_array()), ax.get_title(), im.get_clim()))
    return out


def test_show_images_draws_each_row_upright_in_order_with_its_caption():
    X = np.random.default_rng(0).random((5, 16))
    X[2, 1] = 1.0                                           # row 0, column 1 of tile 2
    fig = viz.show_images(X, titles=list("abcde"), ncols=3, title="five")
    drawn = tiles(fig)
    assert [t for _, t, _ in drawn] == list("abcde")
    for (img, _, clim), row in zip(drawn, X):
        np.testing.assert_array_equal(img, row.reshape(4, 4))  # row-major: pixel 4 r + c at (r, c)
        assert clim == (0.0, 1.0)
    assert drawn[2][0][0, 1] == 1.0
    assert fig._suptitle.get_text() == "five"
    assert any("black = 0, white = 1" in t.get_text() for t in fig.texts)


def test_show_filters_centres_each_tile_on_zero():
    W = np.random.default_rng(1).normal(size=(6, 9))
    fig = viz.show_filters(W, n=4, ncols=2)
    drawn = tiles(fig)
    assert [t for _, t, _ in drawn] == [f"unit {i}" for i in range(4)]
    for (img, _, (lo, hi)), w in zip(drawn, W):
        np.testing.assert_array_equal(img, w.reshape(3, 3))
        assert lo == -hi == -np.abs(w).max()                # white = 0, scaled to the tile's largest |w|


def test_show_reconstructions_puts_inputs_above_their_outputs():
    X = np.random.default_rng(2).random((3, 4))
    Z = X * 0.5
    fig = viz.show_reconstructions(X, Z, labels=[7, 8, 9])
    drawn = tiles(fig)
    assert [t for _, t, _ in drawn] == ["in: 7", "in: 8", "in: 9", "output", "output", "output"]
    for k in range(3):
        np.testing.assert_array_equal(drawn[k][0], X[k].reshape(2, 2))
        np.testing.assert_array_equal(drawn[3 + k][0], Z[k].reshape(2, 2))


def test_plot_history_draws_the_recorded_losses():
    h = aelib.History(train_loss=[3.0, 2.0, 1.5], val_loss=[3.5, 2.5, 2.0], time=[0.1, 0.2, 0.3],
                      loss_name="cross_entropy")
    g = aelib.History(train_loss=[4.0, 1.0], loss_name="cross_entropy")
    ax = viz.plot_history({"a": h, "b": g})
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    assert set(lines) == {"a (train)", "a (held-out)", "b (train)"}
    np.testing.assert_array_equal(lines["a (train)"].get_xydata(), [[1, 3.0], [2, 2.0], [3, 1.5]])
    np.testing.assert_array_equal(lines["a (held-out)"].get_ydata(), [3.5, 2.5, 2.0])
    assert lines["a (train)"].get_linestyle() == "-" and lines["a (held-out)"].get_linestyle() == "--"
    assert lines["a (train)"].get_color() == lines["a (held-out)"].get_color() != lines["b (train)"].get_color()
    assert ax.get_ylabel() == "cross-entropy per example (nats)" and ax.get_xlim() == (0.5, 3.5)
    by_time = viz.plot_history(h, x="time")
    np.testing.assert_array_equal(by_time.get_lines()[0].get_xdata(), [0.1, 0.2, 0.3])
    assert by_time.get_xlabel() == "training time (s)"


def test_plot_decision_regions_shades_the_model_output():
    """predict = x1 (a ramp): the shading is x1 on the grid, and the 0.5 contour is the line x1 = 0.5."""
    ax = viz.plot_decision_regions(lambda G: G[:, 0], X=aelib.xor()[0], y=aelib.xor()[1], resolution=21,
                                   lines=([[1.0, 0.0]], [-0.25]))
    mesh = ax.collections[0]
    shade = np.asarray(mesh.get_array()).reshape(21, 21)
    np.testing.assert_allclose(shade, np.tile(np.linspace(-0.5, 1.5, 21), (21, 1)))
    contour_x = np.concatenate([p.vertices[:, 0] for p in ax.collections[1].get_paths()])
    np.testing.assert_allclose(contour_x, 0.5, atol=1e-9)
    unit_line = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"][0]
    np.testing.assert_allclose(unit_line.get_xdata(), 0.25)          # w = (1, 0), b = -0.25: x1 = 0.25
    circles, crosses = ax.collections[2], ax.collections[3]
    np.testing.assert_array_equal(circles.get_offsets(), [[0, 0], [1, 1]])   # XOR 0
    np.testing.assert_array_equal(crosses.get_offsets(), [[0, 1], [1, 0]])   # XOR 1

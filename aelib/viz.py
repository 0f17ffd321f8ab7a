"""Plotting helpers shared by the notebooks (imports matplotlib; ``import aelib`` does not).

Every function labels what it draws: titles, axis labels with units, legends, and tile
captions on image grids. Each returns the matplotlib ``Figure`` (or ``Axes``) it drew on.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np

from . import _validate as v


def _side(n_pixels: int) -> int:
    side = int(round(np.sqrt(n_pixels)))
    if side * side != n_pixels:
        raise ValueError(f"The images must be square (n_pixels a perfect square). Got {n_pixels} pixels instead.")
    return side


def show_images(X, titles=None, ncols=10, title=None, cmap="gray", vmin=0.0, vmax=1.0, tile_size=1.0,
                symmetric=False, scale=True):
    """Show the rows of ``X: (n, side*side)`` as a grid of images, captioned by ``titles``.

    ``symmetric=True`` centres the colour map on 0 with a diverging palette (for weights).
    ``scale``: a line under the grid stating the colour scale (True: the default wording; a
    string: that text; False: none).
    """
    X = v.check_array(X, "X", "show_images", ndim=None, finite=False)
    X = X.reshape(len(X), -1) if X.ndim > 1 else X[None]
    side = _side(X.shape[1])
    n = len(X)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    note_h = 0.25 if scale else 0.0                                  # inches for the scale line
    height = 1.3 * tile_size * nrows + (0.4 if title else 0) + note_h
    fig, axes = plt.subplots(nrows, ncols, figsize=(tile_size * ncols, height), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if i >= n:
            continue
        img = X[i].reshape(side, side)
        if symmetric:
            m = float(np.abs(img).max()) or 1.0
            ax.imshow(img, cmap="RdBu_r", vmin=-m, vmax=m)
        else:
            ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    if scale:
        note = scale if isinstance(scale, str) else (
            "colour scale: red > 0 > blue, white = 0, each tile scaled to its own largest |value|" if symmetric
            else f"grey scale: black = {vmin:g}, white = {vmax:g}" if cmap == "gray"
            else f"colour scale {cmap} from {vmin:g} to {vmax:g}")
        fig.text(0.5, 0.02 / height, note, fontsize=7, color="0.3", ha="center", va="bottom")
    fig.tight_layout(rect=(0, note_h / height, 1, 1))
    return fig


def show_filters(W, n=32, ncols=8, title="Rows of W (one filter per hidden unit)", tile_size=1.0):
    """Show the first ``n`` rows of a weight matrix ``W: (n_hidden, n_pixels)`` as images, blue < 0 < red."""
    W = v.check_array(W, "W", "show_filters", ndim=2)
    return show_images(W[:n], titles=[f"unit {i}" for i in range(min(n, len(W)))], ncols=ncols, title=title,
                       symmetric=True, tile_size=tile_size)


def show_reconstructions(X, Z, n=10, title="Top: input, bottom: reconstruction", labels=None):
    """Inputs above their reconstructions, ``n`` columns."""
    X, Z = np.asarray(X)[:n], np.asarray(Z)[:n]
    titles = [f"in: {l}" for l in labels[:n]] if labels is not None else ["input"] * len(X)
    titles += ["output"] * len(Z)
    return show_images(np.vstack([X, Z]), titles=titles, ncols=len(X), title=title)


def plot_history(histories, x="epoch", title="Training curves", ax=None, loss_units=None, which="both"):
    """Plot train (solid) and validation (dashed) loss of one or several ``History``.

    ``histories``: a History or a dict ``{label: History}``. ``x``: "epoch" or "time" (seconds).
    """
    v.check_choice(x, "x", ("epoch", "time"), "plot_history")
    if not isinstance(histories, dict):
        histories = {"model": histories}
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for i, (label, h) in enumerate(histories.items()):
        xs = h.epochs if x == "epoch" else np.asarray(h.time)
        color = f"C{i}"
        if which in ("both", "train"):
            ax.plot(xs, h.train_loss, "-", color=color, label=f"{label} (train)")
        if h.val_loss and which in ("both", "val"):
            ax.plot(xs, h.val_loss, "--", color=color, label=f"{label} (held-out)")
        if h.diverged:
            ax.annotate("diverged", (xs[-1] if len(xs) else 0, h.train_loss[-1] if h.train_loss else 0),
                        color="red")
    name = next(iter(histories.values())).loss_name
    default_units = {"cross_entropy": "cross-entropy per example (nats)",
                     "squared_error": "squared error per example"}.get(name, name)
    ax.set_xlabel("epoch" if x == "epoch" else "training time (s)")
    if x == "epoch":
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        last = max((len(h.train_loss) for h in histories.values()), default=1)
        ax.set_xlim(0.5, last + 0.5)               # epochs start at 1: no tick at 0 in the corner
    ax.set_ylabel(loss_units or default_units)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    if own:
        ax.figure.tight_layout()
    return ax


def plot_decision_regions(predict, X=None, y=None, lines=None, ax=None, xlim=(-0.5, 1.5), ylim=(-0.5, 1.5),
                          resolution=200, title="Decision regions", xlabel="$x_1$", ylabel="$x_2$",
                          line_labels=None, legend_kw=None):
    r"""Shade the output of a 2-input model over a grid, draw its 0.5 contour, the data and unit lines.

    ``predict: (k, 2) -> (k,)`` or ``(k, 1)``, the probability of class 1. ``X: (n, 2)``, ``y: (n,)``
    in {0, 1}: the points, drawn as circles (0) and crosses (1). ``lines = (W, b)`` with
    ``W: (n_units, 2)``: draws each first-layer unit's line :math:`w_1 x_1 + w_2 x_2 + b = 0`
    (where the unit is half on). ``legend_kw`` overrides the legend's keywords (default: upper right,
    inside the axes), e.g. ``dict(loc="upper center", bbox_to_anchor=(0.5, -0.15))`` to put it below.
    Returns the Axes.
    """
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(4.6, 4))
    g1 = np.linspace(*xlim, resolution)
    g2 = np.linspace(*ylim, resolution)
    G1, G2 = np.meshgrid(g1, g2)                                   # (res, res)
    grid = np.column_stack([G1.ravel(), G2.ravel()])               # (res*res, 2)
    P = np.asarray(predict(grid), dtype=float).reshape(G1.shape)   # (res, res)
    im = ax.pcolormesh(G1, G2, P, cmap="RdBu_r", vmin=0, vmax=1, shading="auto", alpha=0.6)
    ax.figure.colorbar(im, ax=ax, label="output (probability of class 1)")
    ax.contour(G1, G2, P, levels=[0.5], colors="k", linewidths=1.5)
    handles = [plt.Line2D([], [], color="k", lw=1.5, label="output = 0.5")]
    if lines is not None:
        W, b = np.asarray(lines[0], dtype=float), np.asarray(lines[1], dtype=float)
        xs = np.linspace(*xlim, 2)
        for i, (w, bi) in enumerate(zip(W, b)):
            label = line_labels[i] if line_labels is not None else f"hidden unit {i}: $w \\cdot x + b = 0$"
            style = dict(ls="--", color=f"C{(i + 2) % 10}", lw=1.5)
            if abs(w[1]) > 1e-12:
                ax.plot(xs, -(w[0] * xs + bi) / w[1], **style)
            else:
                ax.axvline(-bi / w[0], **style)
            handles.append(plt.Line2D([], [], **style, label=label))
    if X is not None:
        X = np.asarray(X, dtype=float)
        yy = np.zeros(len(X)) if y is None else np.asarray(y).ravel()
        ax.scatter(*X[yy == 0].T, marker="o", s=30, facecolors="white", edgecolors="k")
        ax.scatter(*X[yy == 1].T, marker="x", s=40, color="k")
        handles += [plt.Line2D([], [], marker="o", ls="", mfc="white", mec="k", label="class 0"),
                    plt.Line2D([], [], marker="x", ls="", color="k", label="class 1")]
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(handles=handles, **{"fontsize": 7, "loc": "upper right", "framealpha": 0.8, **(legend_kw or {})})
    ax.set_aspect("equal")
    return ax

r"""Interactive explorers for JupyterLab (ipywidgets 8). Imports ipywidgets and matplotlib;
``import aelib`` does not import this module.

* :func:`activation_explorer` (notebook 05): pick an activation, see ``f``, ``f'`` and ``f⁻¹``.
* :func:`denoising_explorer` (notebook 06): pick a noise type and level, see clean digits, their
  corrupted versions and a trained model's reconstructions.
* :func:`hidden_unit_explorer` (notebook 07): pick a hidden unit, see its weights ``W_i``, the
  input of norm 1 that excites it most (``W_i / ||W_i||``) and the real digits that excite it most.

Each returns an ``ipywidgets.VBox`` whose controls redraw one matplotlib figure, rendered to a PNG
and placed in an ``ipywidgets.Output`` (``.output``). Sliders use ``continuous_update=False``,
so a redraw happens when the slider is released. The redraw function is reachable as
``.update`` on the returned container (tests and notebooks call ``w.update()``); the controls
are also attributes (``.dropdown``, ``.slider``). The denoising and hidden-unit explorers keep the
arrays behind the current picture in ``.shown`` (a dict: what each row of tiles shows, the
errors in the captions, the indices of the digits shown), so a test can check what is drawn.

Why a PNG in ``Output.outputs`` rather than ``plt.show()`` inside ``with out:``: it works the same
in a kernel and in a plain Python process (tests), replaces the previous picture instead of
piling figures up, and closes each figure as soon as it is rendered.
"""
from __future__ import annotations

import base64
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from . import _validate as v
from .activations import ACTIVATIONS, get_activation
from .noise import NOISES, make_noise

__all__ = ["activation_explorer", "denoising_explorer", "hidden_unit_explorer", "show_figure", "Explorer"]


def show_figure(out, fig, caption: str = "figure", close: bool = True) -> None:
    """Render ``fig`` to PNG and make it the only content of the Output ``out``; close ``fig``
    unless ``close=False`` (a figure that is kept and redrawn).

    ``caption`` becomes the ``text/plain`` alternative (what a terminal or nbval sees).
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    if close:
        plt.close(fig)
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    out.outputs = ({"output_type": "display_data", "metadata": {},
                    "data": {"image/png": png, "text/plain": f"<{caption}>"}},)


class Explorer(widgets.VBox):
    """A VBox whose text form is one short line (the controls' values), not the whole widget tree.

    The text form is what a notebook stores as ``text/plain`` next to the widget view (and what
    nbval compares); the default repr would include the PNG of the figure.
    """

    title = "explorer"

    def __repr__(self):
        values = ", ".join(f"{w.description}={w.value!r}" for w in self.children[0].children)
        return f"{self.title}({values})"


def _container(title, controls, out, update, **attrs):
    box = Explorer([widgets.HBox(controls), out])
    box.title = title
    box.output = out
    box.update = update
    for k, w in attrs.items():
        setattr(box, k, w)
    for w in controls:
        w.observe(lambda change: update(), names="value")
    update()
    return box


# ---- activation explorer ----------------------------------------------------------------------

def activation_explorer(name: str = "sigmoid", half_range: float = 5.0):
    r"""Pick an activation: plot ``f(a)``, ``f'(a)`` for ``a`` in ``[-r, r]`` and ``f⁻¹(h)`` on its domain.

    Returns a VBox with ``.dropdown`` (activation name), ``.slider`` (the half-width ``r``),
    ``.output`` and ``.update``.
    """
    get_activation(name, "activation_explorer", "name")
    half_range = v.check_float(half_range, "half_range", "activation_explorer", low=0.5, high=20.0)
    dropdown = widgets.Dropdown(options=sorted(ACTIVATIONS), value=name, description="activation")
    slider = widgets.FloatSlider(value=half_range, min=1.0, max=10.0, step=0.5, description="range ±",
                                 continuous_update=False)
    out = widgets.Output()

    def update():
        act = ACTIVATIONS[dropdown.value]
        r = slider.value
        a = np.linspace(-r, r, 401)                               # (401,) pre-activations
        h = act.f(a)
        fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
        axes[0].plot(a, h, color="C0", label=f"{act.name}(a)")
        lo, hi = act.output_range
        for bound in (lo, hi):
            if np.isfinite(bound):
                axes[0].axhline(bound, color="gray", ls=":", lw=1)
        axes[0].set(title=f"f(a), output range {_iv(act.output_range)}",
                    xlabel="pre-activation a", ylabel="f(a)")
        axes[1].plot(a, act.derivative(a), color="C1", label=f"{act.name}'(a)")
        axes[1].set(title="derivative f'(a)", xlabel="pre-activation a", ylabel="f'(a)")
        if act.inverse is None:
            axes[2].text(0.5, 0.5, f"{act.name} has no inverse:\nmany a give the same f(a)",
                         ha="center", va="center", transform=axes[2].transAxes)
            axes[2].set(title="inverse: none", xlabel="activation h", ylabel="f⁻¹(h)")
        else:
            dlo, dhi = act.inverse_domain
            dlo, dhi = max(dlo, float(h.min())), min(dhi, float(h.max()))
            eps = 1e-3 * (dhi - dlo)
            hs = np.linspace(dlo + eps, dhi - eps, 401)           # (401,) inside the open domain
            with np.errstate(all="ignore"):
                axes[2].plot(hs, act.inverse(hs), color="C2", label=f"{act.name}⁻¹(h)")
            axes[2].set(title=f"inverse on {_iv(act.inverse_domain)}", xlabel="activation h",
                        ylabel="f⁻¹(h)")
        for ax in axes:
            ax.grid(alpha=0.3)
            if ax.lines:
                ax.legend(fontsize=8)
        fig.suptitle(f"{act.name}: {act.formula}")
        fig.tight_layout()
        show_figure(out, fig, f"activation explorer: {act.name} on [-{r:g}, {r:g}]")

    return _container("activation_explorer", [dropdown, slider], out, update, dropdown=dropdown, slider=slider)


def _iv(iv):
    lo, hi = iv
    f = lambda x: "inf" if x == np.inf else "-inf" if x == -np.inf else f"{x:g}"  # noqa: E731
    return f"({f(lo)}, {f(hi)})"


# ---- denoising explorer -----------------------------------------------------------------------

def denoising_explorer(model, X, n_show: int = 6, seed: int = 0, kind: str = "masking", level: float = 0.3):
    r"""Corrupt ``n_show`` digits of ``X`` with the chosen noise and show ``model``'s reconstructions.

    One figure, three rows: clean digits, corrupted inputs, reconstructions (each tile captioned
    with its squared error against the *clean* digit). The corruption is drawn with ``seed``, so
    the same settings always give the same picture. ``model`` is any trained model with
    ``reconstruct`` (e.g. an :class:`aelib.Autoencoder`); ``X: (n, n_visible)``.

    Returns a VBox with ``.dropdown`` (noise type), ``.slider`` (level: sigma for gaussian,
    fraction for masking and salt_and_pepper), ``.output``, ``.update`` and ``.shown``
    (``clean``, ``corrupted``, ``reconstruction``: ``(n_show, n_visible)``, the three rows of tiles;
    ``error``: ``(n_show,)``, each reconstruction's squared error against its clean digit).
    """
    owner = "denoising_explorer"
    if not hasattr(model, "reconstruct"):
        raise TypeError(f"The 'model' parameter of {owner} must be a trained model with a reconstruct method "
                        f"(e.g. aelib.Autoencoder). Got {type(model).__name__} instead.")
    X = v.check_array(X, "X", owner, ndim=2, n_cols=model.n_in, dtype=np.float32)
    n_show = v.check_int(n_show, "n_show", owner)
    if n_show > len(X):
        raise ValueError(f"The 'n_show' parameter of {owner} must be at most the number of rows of X "
                         f"({len(X)}). Got {n_show} instead.")
    v.check_choice(kind, "kind", NOISES, owner)
    level = v.check_float(level, "level", owner, low=0.0, high=1.0)
    v.check_rng(seed, "seed", owner)
    clean = X[:n_show]                                            # (n_show, n_visible)
    dropdown = widgets.Dropdown(options=list(NOISES), value=kind, description="noise type")
    slider = widgets.FloatSlider(value=level, min=0.0, max=1.0, step=0.05, description="level",
                                 continuous_update=False)
    out = widgets.Output()
    side = int(round(np.sqrt(clean.shape[1])))
    # The figure is built once; a change of the controls only swaps the pictures and the captions
    # (rebuilding 3 x n_show axes and their layout took most of each redraw).
    fig, axes = plt.subplots(3, n_show, figsize=(1.3 * n_show, 4.4), squeeze=False)
    plt.close(fig)                                                # kept out of pyplot's list of open figures
    images = np.empty((3, n_show), dtype=object)
    for r, name in enumerate(["clean", "corrupted", "reconstruction"]):
        for c in range(n_show):
            ax = axes[r, c]
            images[r, c] = ax.imshow(clean[c].reshape(side, side), cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(name, fontsize=9)
    for c in range(n_show):
        axes[2, c].set_xlabel("err 0.000", fontsize=8)
    title = fig.suptitle("\n", fontsize=9)
    fig.tight_layout()

    shown = {}                                                    # the arrays behind the picture

    def update():
        noise = make_noise(dropdown.value, slider.value, seed=seed)
        noisy = noise(clean)                                      # (n_show, n_visible)
        recon = model.reconstruct(noisy)                          # (n_show, n_visible)
        err = ((recon - clean) ** 2).sum(axis=1)                  # (n_show,) against the clean digit
        shown.update(clean=clean, corrupted=noisy, reconstruction=recon, error=err)
        for c in range(n_show):
            images[1, c].set_data(noisy[c].reshape(side, side))
            images[2, c].set_data(recon[c].reshape(side, side))
            axes[2, c].set_xlabel(f"err {err[c]:.3g}", fontsize=8)
        title.set_text(f"{noise!r}: mean squared error vs clean {err.mean():.3g} per digit\n"
                       "(rows: clean input, corrupted input, reconstruction of the corrupted input)")
        show_figure(out, fig, f"denoising explorer: {noise!r}", close=False)

    return _container("denoising_explorer", [dropdown, slider], out, update, dropdown=dropdown, slider=slider,
                      shown=shown)


# ---- hidden unit explorer ---------------------------------------------------------------------

def hidden_unit_explorer(model, X, labels=None, n_top: int = 8):
    r"""Pick a hidden unit ``i``: its weights ``W_i``, its maximising input and its top real digits.

    For one layer, the input ``x`` of norm 1 that maximises the pre-activation ``W_i · x + b_i`` is
    ``W_i / ||W_i||`` (Cauchy-Schwarz); since ``f`` is increasing it also maximises ``h_i``.
    The top digits are the rows of ``X: (n, n_visible)`` with the largest ``h_i``, captioned with
    ``h_i`` (and their label when ``labels`` is given). ``model`` needs ``params["W"]`` and
    ``encode`` (an :class:`aelib.Autoencoder`).

    Returns a VBox with ``.slider`` (unit index), ``.output``, ``.update`` and ``.shown``
    (``unit``; ``weights``: ``W_i``; ``top``: the row indices of ``X`` shown, most exciting first;
    ``h``: their activations ``h_i``).
    """
    owner = "hidden_unit_explorer"
    if not (hasattr(model, "encode") and "W" in getattr(model, "params", {})):
        raise TypeError(f"The 'model' parameter of {owner} must be a one-layer autoencoder with params['W'] "
                        f"and encode (e.g. aelib.Autoencoder). Got {type(model).__name__} instead.")
    W = model.params["W"]                                         # (n_hidden, n_visible)
    X = v.check_array(X, "X", owner, ndim=2, n_cols=W.shape[1], dtype=np.float32)
    n_top = v.check_int(n_top, "n_top", owner)
    if labels is not None:
        labels = np.asarray(labels)
        if labels.shape != (len(X),):
            raise ValueError(f"The 'labels' parameter of {owner} must have shape ({len(X)},), one label per row "
                             f"of X. Got shape {labels.shape} instead.")
    H = model.encode(X)                                           # (n, n_hidden), computed once
    side = int(round(np.sqrt(W.shape[1])))
    n_top = min(n_top, len(X))
    slider = widgets.IntSlider(value=0, min=0, max=W.shape[0] - 1, step=1, description="unit",
                               continuous_update=False)
    out = widgets.Output()

    shown = {}                                                    # the arrays behind the picture

    def update():
        i = slider.value
        w = W[i]                                                  # (n_visible,)
        top = np.argsort(-H[:, i], kind="stable")[:n_top]         # (n_top,) most exciting digits
        shown.update(unit=i, weights=w, top=top, h=H[top, i])
        fig = plt.figure(figsize=(2.2 * 2 + 1.1 * n_top / 2, 2.8), layout="constrained")
        grid = fig.add_gridspec(2, 4 + (n_top + 1) // 2)
        ax_w = fig.add_subplot(grid[:, 0:2])
        m = float(np.abs(w).max()) or 1.0
        im = ax_w.imshow(w.reshape(side, side), cmap="RdBu_r", vmin=-m, vmax=m)
        fig.colorbar(im, ax=ax_w, fraction=0.046, label="weight")
        ax_w.set_title(f"W[{i}] (red > 0 > blue)", fontsize=9)
        ax_m = fig.add_subplot(grid[:, 2:4])
        x_star = w / (np.linalg.norm(w) or 1.0)                   # (n_visible,) unit-norm maximiser
        ax_m.imshow(x_star.reshape(side, side), cmap="gray")
        ax_m.set_title("maximising input\nW_i/||W_i|| (grey scale)", fontsize=9)
        for k, j in enumerate(top):
            ax = fig.add_subplot(grid[k % 2, 4 + k // 2])
            ax.imshow(X[j].reshape(side, side), cmap="gray", vmin=0, vmax=1)
            cap = f"h={H[j, i]:.3g}" + (f", '{labels[j]}'" if labels is not None else "")
            ax.set_title(cap, fontsize=7)
        for ax in fig.axes:
            if ax is not im.colorbar.ax:
                ax.set_xticks([])
                ax.set_yticks([])
        fig.suptitle(f"hidden unit {i}: weights, maximising input, and the {n_top} digits with the largest "
                     f"activation h_{i}", fontsize=9)
        show_figure(out, fig, f"hidden unit explorer: unit {i}")

    return _container("hidden_unit_explorer", [slider], out, update, slider=slider, shown=shown)

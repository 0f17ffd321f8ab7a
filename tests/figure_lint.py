"""Legibility checks of a rendered matplotlib figure (used by tests/test_figures.py).

``problems(fig)`` draws the figure and returns a list of sentences, one per problem:

* **overlapping text**: two pieces of text (suptitle, axes titles, axis labels, tick labels,
  legend entries, colour-bar labels, text annotations) whose bounding boxes intersect, or a
  title/label that runs into the plotting area of another axes;
* **a legend that hides data points**: a marker of the same axes inside the legend's box;
* **an image without a scale**: an axes showing an image (``imshow``) in a figure with no colour
  bar and no text stating the scale (e.g. "grey: pixel value in [0, 1]", "red > 0 > blue").
"""
from __future__ import annotations

import re

import numpy as np

SCALE_WORDS = re.compile(r"\[\s*-?\d[\d.]*\s*,\s*-?\d[\d.]*\s*\]|red|blue|grey|gray|black|white|scale|"
                         r"colou?r ?bar|dark|bright|ink", re.I)
MIN_OVERLAP_PX = 1.0          # boxes must share more than this (in pixels, both ways) to count


def _visible_text(t) -> bool:
    return t.get_visible() and t.get_text().strip() != "" and t.get_alpha() != 0


def _texts(fig):
    """(owner, kind, text artist) for every visible piece of text of the figure."""
    out = []
    if fig._suptitle is not None and _visible_text(fig._suptitle):
        out.append((None, "suptitle", fig._suptitle))
    for t in fig.texts:
        if t is not fig._suptitle and _visible_text(t):
            out.append((None, "figure text", t))
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for t in (ax.title, ax._left_title, ax._right_title):
            if _visible_text(t):
                out.append((ax, "title", t))
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if not ax.axison or not axis.get_visible():
                continue
            if _visible_text(axis.label):
                out.append((ax, f"{name} label", axis.label))
            lo, hi = sorted(axis.get_view_interval())
            span = (hi - lo) * 1e-6
            for tick in axis.get_ticklabels():      # ticks outside the view limits are not drawn
                pos = tick.get_position()[0 if name == "x" else 1]
                if _visible_text(tick) and lo - span <= pos <= hi + span:
                    out.append((ax, f"{name} tick label", tick))
            off = axis.get_offset_text()
            if _visible_text(off):
                out.append((ax, f"{name} offset", off))
        leg = ax.get_legend()
        if leg is not None and leg.get_visible():
            for t in leg.get_texts():
                if _visible_text(t):
                    out.append((ax, "legend", t))
            if leg.get_title() is not None and _visible_text(leg.get_title()):
                out.append((ax, "legend title", leg.get_title()))
        for t in ax.texts:
            if _visible_text(t):
                out.append((ax, "annotation", t))
    return out


def _overlap(a, b) -> bool:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w > MIN_OVERLAP_PX and h > MIN_OVERLAP_PX


def _name(ax, fig) -> str:
    if ax is None:
        return "figure"
    i = fig.axes.index(ax)
    label = ax.get_title() or ax.get_label() or ""
    return f"axes {i}" + (f" ('{label[:30]}')" if label and not label.startswith("<") else "")


def _is_colorbar(ax) -> bool:
    return ax.get_label() == "<colorbar>" or hasattr(ax, "_colorbar")


def problems(fig) -> list[str]:
    """Every legibility problem of ``fig`` (drawn first), as sentences."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    texts = [(ax, kind, t, t.get_window_extent(renderer)) for ax, kind, t in _texts(fig)]
    # 1. text against text
    for i in range(len(texts)):
        ax_i, kind_i, t_i, box_i = texts[i]
        for j in range(i + 1, len(texts)):
            ax_j, kind_j, t_j, box_j = texts[j]
            if _overlap(box_i, box_j):
                found.append(f"overlapping text: {kind_i} '{t_i.get_text()[:40]}' of {_name(ax_i, fig)} and "
                             f"{kind_j} '{t_j.get_text()[:40]}' of {_name(ax_j, fig)}")
    # 2. titles and labels running into another axes' plotting area
    for ax_t, kind, t, box in texts:
        if kind not in ("title", "suptitle", "x label", "y label", "figure text"):
            continue
        for ax in fig.axes:
            if ax is ax_t or not ax.get_visible() or (ax_t is not None and _is_colorbar(ax)
                                                      and kind in ("x label", "y label")):
                continue
            if _overlap(box, ax.get_window_extent(renderer)):
                found.append(f"{kind} '{t.get_text()[:40]}' of {_name(ax_t, fig)} runs into the plotting area "
                             f"of {_name(ax, fig)}")
    # 3. legends hiding markers
    for ax in fig.axes:
        leg = ax.get_legend()
        if leg is None or not leg.get_visible():
            continue
        lbox = leg.get_window_extent(renderer)
        for artist in list(ax.lines) + list(ax.collections):
            pts = _marker_points(artist)
            if pts is None or not len(pts):
                continue
            disp = ax.transData.transform(pts) if artist.get_transform() is not None else pts
            inside = ((disp[:, 0] > lbox.x0) & (disp[:, 0] < lbox.x1) & (disp[:, 1] > lbox.y0) & (disp[:, 1] < lbox.y1))
            if inside.any() and len(pts) <= 50:       # a few highlighted points: each one matters
                found.append(f"the legend of {_name(ax, fig)} hides {int(inside.sum())} of {len(pts)} marked points "
                             f"of '{artist.get_label()[:30]}'")
    # 4. images without a scale
    has_colorbar = any(_is_colorbar(ax) for ax in fig.axes)
    all_text = " ".join(t.get_text() for _, _, t, _ in texts)
    image_axes = [ax for ax in fig.axes if ax.images and not _is_colorbar(ax)]
    if image_axes and not has_colorbar and not SCALE_WORDS.search(all_text):
        found.append(f"{len(image_axes)} image(s) without a colour bar or a stated scale "
                     f"(suptitle: '{fig._suptitle.get_text()[:50] if fig._suptitle else ''}')")
    return found


def _marker_points(artist):
    """Data coordinates of the markers an artist draws (None if it draws no markers)."""
    from matplotlib.collections import PathCollection
    from matplotlib.lines import Line2D
    if isinstance(artist, Line2D):
        if artist.get_marker() in (None, "", "None", " ") or not artist.get_visible():
            return None
        return np.column_stack([artist.get_xdata(orig=False), artist.get_ydata(orig=False)]).astype(float)
    if isinstance(artist, PathCollection) and artist.get_visible():
        return np.asarray(artist.get_offsets(), float)
    return None

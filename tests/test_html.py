"""`make html` (scripts/build_html.py): handouts that open with no network, maths and figures included.

Builds the first lessons into a temporary folder and looks at the pages as a browser would
see them: no <script>/<link> that points anywhere remote, the maths already turned into
MathML (<math> elements, which browsers render natively), the figures embedded as data: URIs.
The converter's pieces are also fed inputs that must be rejected or left alone, so that each
check can fail.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("latex2mathml", reason="latex2mathml is in the 'instructor' extra: pip install -e '.[instructor]'")

REPO = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("build_html", REPO / "scripts" / "build_html.py")
build_html = importlib.util.module_from_spec(spec)
sys.modules["build_html"] = build_html  # dataclasses look their module up there
spec.loader.exec_module(build_html)

LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))[:2]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not LESSONS:
        pytest.skip("no lesson notebooks in notebooks/ yet")
    out = tmp_path_factory.mktemp("html")
    status = build_html.main([*map(str, LESSONS), "--out", str(out)])
    return out, status


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def test_the_build_succeeds_and_writes_one_page_per_lesson_and_an_index(site):
    out, status = site
    assert status == 0
    names = set(_pages(out))
    assert names == {f"{p.stem}.html" for p in LESSONS} | {"index.html"}


def test_no_script_or_stylesheet_comes_from_the_network(site):
    out, _ = site
    for name, page in _pages(out).items():
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", page, re.I):
            assert not re.search(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", tag, re.I), f"{name}: {tag}"
            assert "http://" not in tag and "https://" not in tag, f"{name}: {tag}"
        for body in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.I | re.S):
            assert not re.search(r"https?://", body), f"{name}: a script mentions a remote URL: {body[:200]}"
        assert not re.search(r"@import\s+(url\()?[\"']?(https?:)?//", page), f"{name}: a stylesheet imports a remote file"
        assert "mathjax" not in page.lower(), f"{name}: still refers to MathJax"
        assert "require.js" not in page and "require.min.js" not in page, f"{name}: still loads require.js"


def test_maths_is_rendered_as_mathml_and_no_raw_latex_is_left(site):
    out, _ = site
    for lesson in LESSONS:
        page = _pages(out)[f"{lesson.stem}.html"]
        assert page.count("<math") >= 5, f"{lesson.name}: expected the notation as MathML"
        assert "MATHPH" not in page, f"{lesson.name}: a maths placeholder was not put back"
        assert 'class="tex-unconverted"' not in page, f"{lesson.name}: a formula was not converted"
        prose = re.sub(r"<(pre|code|script|style)\b.*?</\1>", "", page, flags=re.S)
        leftover = re.findall(r"\$[^$<>\n]{1,40}\\[A-Za-z]+[^$<>\n]{0,40}\$", prose)
        assert not leftover, f"{lesson.name}: LaTeX left for a renderer that is not there: {leftover[:3]}"


def test_figures_are_embedded(site):
    out, _ = site
    pages = _pages(out)
    images = [src for name, page in pages.items() if name != "index.html"
              for src in re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", page)]
    assert images, "the lessons have figures: expected <img> elements"
    assert all(src.startswith("data:image/") for src in images), [s[:60] for s in images if not s.startswith("data:")]


# ------------------------------------------------------------------ the pieces, on inputs made to fail

def test_inline_and_display_maths_become_mathml_and_code_is_left_alone():
    store = build_html.MathStore()
    text = "Loss $L = \\sum_k x_k$ and\n\n$$z = g(W'h + b')$$\n\nbut `$HOME` and\n```\nprice = '$5 and $6'\n```\n"
    md = build_html.replace_maths(text, store, "t")
    assert "`$HOME`" in md and "price = '$5 and $6'" in md
    assert len(store.mathml) == 2 and not store.failed
    page = store.put_back("<p>" + md.replace("\n\n", "</p><p>") + "</p>")
    assert page.count("<math") == 2 and 'display="block"' in page
    assert "<msub>" in page and "&#x02211;" in page  # the sum and its subscripts survived


def test_a_formula_latex2mathml_cannot_read_is_reported_not_hidden():
    store = build_html.MathStore()
    md = build_html.replace_maths("broken $\\frac{1}{$ and unknown $\\notacommand x$", store, "cell 3")
    page = store.put_back(md)
    assert len(store.failed) == 2 and all(f.startswith("cell 3:") for f in store.failed)
    assert "notacommand" in store.failed[1]
    assert page.count('class="tex-unconverted"') == 2


def test_the_remote_reference_scan_finds_cdn_scripts_and_stylesheets():
    page = ('<script src="https://cdn.example.org/require.js"></script>'
            '<link rel="stylesheet" href="//fonts.example.org/a.css">'
            '<script type="module">await import("https://cdn.example.org/mermaid.mjs")</script>'
            '<script src="local.js"></script><img src="data:image/png;base64,AAAA">')
    found = build_html.remote_references(page)
    assert len(found) == 3
    assert build_html.remote_references('<script>var x = 1;</script><link rel="icon" href="data:,">') == []


def test_sympy_latex_outputs_become_mathml():
    store = build_html.MathStore()
    out = build_html.latex_output_to_html(r"$\displaystyle \left[\begin{matrix}x - z\end{matrix}\right]$", store, "t")
    page = store.put_back(out)
    assert page.startswith("<math") and "<mtable" in page and not store.failed


def test_widget_outputs_become_a_note_and_the_notebook_on_disk_is_untouched():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Loss $L(x, z)$"),
        nbformat.v4.new_code_cell("explorer()", outputs=[nbformat.v4.new_output(
            "display_data", data={"application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2},
                                  "text/plain": "VBox(children=(Dropdown(...),))"})]),
    ])
    store = build_html.MathStore()
    build_html.prepare(nb, store, "demo")
    assert nb.cells[1].outputs[0]["data"] == {"text/html": build_html.WIDGET_NOTE}
    assert "MATHPH" in nb.cells[0].source and len(store.mathml) == 1


def test_a_formula_wrapped_inside_a_blockquote_loses_the_quote_marker():
    store = build_html.MathStore()
    md = build_html.replace_maths("> **Claim.** it says $a = b *\n> (1 - y)$ and more", store, "t")
    assert md.startswith("> **Claim.** it says MATHPH")
    (markup,) = store.mathml.values()
    assert "&#x0003E;" not in markup and "&gt;" not in markup and ">" not in re.sub(r"<[^>]*>", "", markup)

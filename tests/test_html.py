"""`make html` (scripts/build_html.py): handouts that open with no network, maths and figures included.

Builds the first lessons, lesson 03 (a heading with maths) and exercise and solution 01 into a
temporary folder and looks at the pages as a browser would see them: no <script>/<link> that
points anywhere remote, the maths already turned into MathML (<math> elements, which browsers
render natively), the figures embedded as data: URIs with alt text from their titles, heading
anchors without markup, and every link between pages landing on a page and an anchor that exist.
The converter's pieces are also fed inputs that must be rejected or left alone, so that each
check can fail.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("latex2mathml", reason="latex2mathml is in the 'instructor' extra: pip install -e '.[instructor]'")
import build_html  # noqa: E402  (after the skip: it needs latex2mathml)

REPO = Path(__file__).resolve().parent.parent

LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))[:2]
# lesson 03 has a heading with maths ("## 2. One output pixel: where $z - x$ comes from")
MATHS_HEADING = REPO / "notebooks" / "03_gradients_with_sympy.ipynb"
EXERCISE = REPO / "exercises" / "01_hidden_layers.ipynb"
SOLUTION = REPO / "solutions" / "01_hidden_layers.ipynb"
BUILT = [*LESSONS, *[p for p in (MATHS_HEADING, EXERCISE, SOLUTION) if p.is_file()]]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not LESSONS:
        pytest.skip("no lesson notebooks in notebooks/ yet")
    out = tmp_path_factory.mktemp("html")
    status = build_html.main([*map(str, BUILT), "--out", str(out)])
    return out, status


def _pages(out: Path) -> dict[str, str]:
    """{'00_start_here.html': text, 'exercises/01_hidden_layers.html': text, ...}"""
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def test_the_build_succeeds_and_writes_one_page_per_notebook_and_an_index(site):
    out, status = site
    assert status == 0
    names = set(_pages(out))
    expected = {build_html.page_path(p, out).relative_to(out).as_posix() for p in BUILT} | {"index.html"}
    assert expected <= names and names - expected <= {"evidence/RESULTS.html"}, names  # + files the lessons link to
    assert "exercises/01_hidden_layers.html" in names and "solutions/01_hidden_layers.html" in names
    index = _pages(out)["index.html"]
    for name in expected - {"index.html"}:
        assert f'href="{name}"' in index, f"index.html does not list {name}"


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


# ------------------------------------------------------------------ anchors, links, alt text

def _ids(page: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]*)"', page))


def test_heading_anchors_hold_no_markup_and_a_formula_as_jupyterlab_writes_it(site):
    out, _ = site
    from test_references import slug
    for name, page in _pages(out).items():
        for value in re.findall(r'\b(?:id|href)="([^"]*)"', page):
            assert "<" not in value and ">" not in value and "MATHPH" not in value, f"{name}: markup in {value[:80]!r}"
    if MATHS_HEADING.is_file():
        page = _pages(out)[f"{MATHS_HEADING.stem}.html"]
        heading = "2. One output pixel: where $z - x$ comes from"
        anchor = build_html.quote(slug(heading), safe=build_html.ANCHOR_SAFE)
        assert anchor == "2.-One-output-pixel:-where-$z---x$-comes-from"
        assert anchor in _ids(page) and f'href="#{anchor}"' in page
        # the heading itself still shows the formula as MathML
        h2 = re.search(r'<h2 id="2\.-One-output-pixel[^"]*">(.*?)</h2>', page, re.S).group(1)
        assert "<math" in h2


def test_links_between_notebooks_point_at_handout_pages_that_exist(site):
    out, _ = site
    pages = _pages(out)
    built = {p.resolve() for p in BUILT}
    checked = 0
    for name, page in pages.items():
        here = (out / name).parent
        for href in re.findall(r'\bhref="([^"]+)"', page):
            if re.match(r"[a-z][a-z0-9+.-]*:|#|/", href, re.I):
                continue  # external, in-page or absolute
            target, _, fragment = href.partition("#")
            if target.endswith(".ipynb"):
                source = {"": REPO / "notebooks", "exercises": REPO / "exercises",
                          "solutions": REPO / "solutions"}[str(Path(name).parent).strip(".")]
                assert (source / target).resolve() not in built, f"{name}: {href} has a page but was not rewritten"
                continue
            if not target.endswith(".html"):
                continue
            dest = (here / target).resolve()
            assert dest.is_file(), f"{name}: link {href} to a page that does not exist"
            if fragment:
                assert fragment in _ids(dest.read_text(encoding="utf-8")), f"{name}: no anchor #{fragment} in {target}"
            checked += 1
    assert checked >= 5
    lesson01 = pages.get("01_hidden_layers.html", "")
    assert 'href="00_start_here.html#Glossary"' in lesson01  # lessons link the glossary as ...ipynb#Glossary


def test_every_figure_has_alt_text_from_its_title_or_caption(site):
    out, _ = site
    alts = []
    for name, page in _pages(out).items():
        for img in re.findall(r"<img\b[^>]*>", page):
            alt = re.search(r'\balt="([^"]*)"', img)
            assert alt and alt.group(1).strip(), f"{name}: an image without alt text"
            assert "No description has been provided" not in alt.group(1), f"{name}: nbconvert's placeholder alt"
            alts.append(alt.group(1))
    assert alts and all(a.startswith(("Figure: ", "Figure for: ", "Figure in ")) for a in alts), alts[:5]


def test_figure_alt_reads_titles_and_falls_back_to_the_caption():
    code = ('fig, axes = plt.subplots(1, 2)\naxes[0].set_title("Squared error $(x - z)^2$")\n'
            'fig.suptitle(f"seed {seed}: validation loss")\nax.set(title=\'Codes\', xlabel="x")\n')
    assert build_html.figure_alt(code, "", "t") == "Figure: Squared error (x - z)^2; seed …: validation loss; Codes"
    caption = "## 3. The codes\n\nEach point is one **test** digit, coloured by its [label](x.md). More text."
    assert build_html.figure_alt("plt.imshow(x)", caption, "t") == "Figure for: Each point is one test digit, coloured by its label."
    assert build_html.figure_alt("plt.imshow(x)", "## 3. The codes", "t") == "Figure for: 3. The codes"
    assert build_html.figure_alt("plt.imshow(x)", "", "demo cell 4") == "Figure in demo cell 4"


def test_a_formula_in_a_heading_anchor_becomes_its_source_not_mathml():
    store = build_html.MathStore()
    md = build_html.replace_maths("## Where $z - x$ comes from", store, "t")
    (key,) = store.mathml
    page = f'<h2 id="Where-{key}-comes-from">{md[3:]}<a class="anchor-link" href="#Where-{key}-comes-from">¶</a></h2>'
    out = store.put_back(page)
    assert 'id="Where-$z---x$-comes-from"' in out and 'href="#Where-$z---x$-comes-from"' in out
    assert out.count("<math") == 1  # the heading's text keeps its MathML


def test_links_to_notebooks_are_rewritten_only_when_their_page_is_built(tmp_path):
    lesson, other = tmp_path / "notebooks" / "01_a.ipynb", tmp_path / "notebooks" / "02_b.ipynb"
    exercise = tmp_path / "exercises" / "01_a.ipynb"
    pages_of = {lesson.resolve(): tmp_path / "out" / "01_a.html", exercise.resolve(): tmp_path / "out" / "exercises" / "01_a.html"}
    body = ('<a href="../notebooks/01_a.ipynb#Part-1">l</a> <a href="02_b.ipynb">o</a> '
            '<a href="https://example.org/x.ipynb">w</a>')
    unresolved = []
    out = build_html.rewrite_links(body, exercise, pages_of[exercise.resolve()], pages_of, unresolved)
    assert 'href="../01_a.html#Part-1"' in out and 'href="02_b.ipynb"' in out and "https://example.org/x.ipynb" in out
    assert unresolved == ["01_a.ipynb: 02_b.ipynb"] and other.name not in out.replace("02_b.ipynb", "", 1)


def test_a_link_to_a_markdown_file_of_the_repository_gets_a_page(tmp_path):
    notebook = REPO / "notebooks" / "02_autoencoder_basics.ipynb"
    out = tmp_path / "out"
    page = out / "02_autoencoder_basics.html"
    docs, unresolved = {}, []
    body = '<a href="../evidence/RESULTS.md#Lesson-02">r</a> <a href="../no/such.md">x</a>'
    new = build_html.rewrite_links(body, notebook, page, {}, unresolved, docs, out)
    assert 'href="evidence/RESULTS.html#Lesson-02"' in new and 'href="../no/such.md"' in new
    assert docs == {(REPO / "evidence" / "RESULTS.md").resolve(): out / "evidence" / "RESULTS.html"}
    assert unresolved == ["02_autoencoder_basics.ipynb: ../no/such.md"]
    build_html.write_doc(REPO / "evidence" / "RESULTS.md", out / "evidence" / "RESULTS.html", out)
    text = (out / "evidence" / "RESULTS.html").read_text(encoding="utf-8")
    assert "<h1" in text and 'href="../index.html"' in text and not build_html.remote_references(text)

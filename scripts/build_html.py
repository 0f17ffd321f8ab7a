#!/usr/bin/env python3
"""Build static HTML handouts of the lessons (``make html``): open offline, maths and figures included.

    python scripts/build_html.py                         # lessons, exercises, solutions -> _build/html/
    python scripts/build_html.py --out /tmp/h notebooks/00_start_here.ipynb

The lessons (notebooks/) become ``_build/html/<name>.html``, the exercise and solution notebooks
``_build/html/exercises/<name>.html`` and ``_build/html/solutions/<name>.html``; ``index.html``
lists all three.

The pages need no network at all:

* **Maths** written as ``$...$``, ``$$...$$``, ``\\(...\\)`` or ``\\[...\\]`` in markdown cells (and in
  ``text/markdown`` / ``text/latex`` outputs, e.g. SymPy's) is converted at build time to MathML
  with latex2mathml, which every current browser renders natively. Each formula is swapped for
  a placeholder before the markdown is rendered and put back afterwards, so markdown never
  touches the maths (no ``*`` or ``_`` turned into emphasis). Code spans and fenced code are left
  alone. A formula latex2mathml cannot read stays visible as its LaTeX source and is reported;
  the build exits with status 1 (``--allow-unconverted`` downgrades that to a warning).
* **Scripts and styles**: nbconvert's ``lab`` template is used with the blocks that load
  require.js, MathJax, mermaid and the widget manager from a CDN emptied; its CSS is inlined.
  After writing, every page is scanned for a ``<script>``/``<link>`` that still points at a
  remote URL, and the build fails if one does.
* **Figures**: images in outputs are embedded as ``data:`` URIs (nbconvert's default); images
  that markdown cells reference by path are embedded too.
* **Widgets** cannot run in a static page: their outputs are replaced by a note saying so.
* **Heading anchors** are those JupyterLab gives (the heading's text, spaces to ``-``), with a
  formula written as its LaTeX source, never as MathML markup inside ``id``/``href``.
* **Links between notebooks** (``02_x.ipynb``, ``../exercises/02_x.ipynb#Exercise-2.1``) point at
  the handout pages when those are built in the same run; links to notebooks that are not stay as
  they are and are reported. A markdown file of the repository that a lesson links to
  (``../evidence/RESULTS.md``) gets a page of its own (``_build/html/evidence/RESULTS.html``).
* **Alt text** of each figure: its titles, read from the code that drew it (``set_title``,
  ``suptitle``, ``title=``), else the first sentence of the text cell above it.

The notebooks are read, never modified. An ``index.html`` lists the lessons.
"""
from __future__ import annotations

import argparse
import copy
import html
import os
import re
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
import nbformat
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert.exporters import HTMLExporter

from nbtools import ROOT, expand

DEFAULT_OUT = ROOT / "_build" / "html"

# The lab template minus everything it would fetch from a CDN.
TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block data_png scoped %}
{{ super() | replace('<img src=', '<img alt="' ~ (output.metadata.get('alt', '') | escape_html) ~ '" src=', 1) }}
{%- endblock data_png %}
{% block data_jpg scoped %}
{{ super() | replace('<img src=', '<img alt="' ~ (output.metadata.get('alt', '') | escape_html) ~ '" src=', 1) }}
{%- endblock data_jpg %}
{%- block extra_css -%}
<style type="text/css">
  math[display="block"] { display: block math; margin: 0.6em 0; }
  .tex-unconverted { color: #a00; }
  .handout-nav { font-family: sans-serif; font-size: 0.9em; padding: 0.5em 1em; border-bottom: 1px solid #ccc; }
  .handout-nav a { margin-right: 1.5em; }
  .widget-note { font-style: italic; color: #555; }
</style>
{%- endblock extra_css -%}
"""

WIDGET_NOTE = ("<p class=\"widget-note\">[An interactive widget is shown here when the notebook runs "
               "in Jupyter; a static page cannot run it.]</p>")

# Maths delimiters, tried in this order at each position: display forms first.
_MATH = re.compile(
    r"(?P<dd>\$\$(?P<dd_body>.+?)\$\$)"
    r"|(?P<bb>\\\[(?P<bb_body>.+?)\\\])"
    r"|(?P<env>\\begin\{(?P<env_name>equation|align|gather|multline)\*?\}(?P<env_body>.+?)\\end\{(?P=env_name)\*?\})"
    r"|(?P<pp>\\\((?P<pp_body>.+?)\\\))"
    r"|(?P<d>(?<![\\$])\$(?P<d_body>(?:[^$\\\n]|\\.|\n(?!\s*\n))+?)\$)",
    re.S,
)
# Fenced code blocks and inline code spans: never maths.
_CODE = re.compile(r"(^|\n)(?P<fence>```|~~~).*?(\n(?P=fence)[^\n]*(?=\n|$)|$)|(?P<ticks>`+).+?(?P=ticks)", re.S)
_UNKNOWN_COMMAND = re.compile(r"<m[io][^>]*>\\[A-Za-z]+</m[io]>")
ANCHOR_SAFE = "?/:@!$&'()*+,;="  # what nbconvert leaves unquoted in a heading's id
# The titles a plotting call gives a figure: ax.set_title("..."), fig.suptitle(f"..."), ax.set(title="...")
_TITLE = re.compile(r"""(?:suptitle|set_title|\btitle)\s*[(=]\s*[rf]{0,2}(["'])(.+?)(?<!\\)\1""")
GROUPS = {"notebooks": "", "exercises": "exercises", "solutions": "solutions"}  # folder -> subfolder of out


@dataclass
class MathStore:
    """Formulas taken out of the markdown, keyed by placeholder, and the ones that failed."""
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))
    mathml: dict = field(default_factory=dict)
    source: dict = field(default_factory=dict)  # key -> the formula as written, delimiters included
    failed: list = field(default_factory=list)

    def add(self, latex: str, display: bool, where: str) -> str:
        key = f"MATHPH{self.nonce}X{len(self.mathml)}X"
        # a formula that wraps inside a blockquote carries the quote marker of its next line: drop it
        latex = re.sub(r"\n[ \t]*>[ \t]?", "\n", latex)
        self.mathml[key] = to_mathml(latex, display, where, self.failed)
        self.source[key] = f"$${latex}$$" if display else f"${latex}$"
        return f"\n\n{key}\n\n" if display else key

    def put_back(self, page: str) -> str:
        # in heading anchors (id="..." and href="#..."), a formula becomes its LaTeX source, URL-quoted
        # as nbconvert quotes the rest of the anchor; MathML markup in an attribute shows as text
        def anchor(m: re.Match) -> str:
            value = m.group(2)
            for key, latex in self.source.items():
                value = value.replace(key, quote(latex.replace(" ", "-"), safe=ANCHOR_SAFE))
            return f'{m.group(1)}"{value}"'
        if self.source:
            page = re.sub(r'(\bid=|\bhref=)"([^"]*MATHPH{}X[^"]*)"'.format(self.nonce), anchor, page)
        # a display placeholder sits alone in a paragraph: drop the <p> around it
        for key, markup in self.mathml.items():
            page = page.replace(f"<p>{key}</p>", markup).replace(key, markup)
        return page


def to_mathml(latex: str, display: bool, where: str, failed: list) -> str:
    """One formula as a <math> element; on failure its source in a marked <code> element."""
    source = latex.strip()
    tex = re.sub(r"\\_", "_", source) if r"\text" in source else source
    try:
        markup = latex_to_mathml(tex, display="block" if display else "inline")
        unknown = _UNKNOWN_COMMAND.findall(markup)
        if unknown:
            raise ValueError("unsupported command(s) " + ", ".join(sorted(set(re.sub("<[^>]+>", "", u) for u in unknown))))
    except Exception as exc:  # latex2mathml raises several of its own exception types
        failed.append(f"{where}: {source!r} ({type(exc).__name__}: {exc})")
        return f'<code class="tex-unconverted">{html.escape(source)}</code>'
    return markup


def replace_maths(text: str, store: MathStore, where: str) -> str:
    """Markdown with every formula outside code replaced by a placeholder."""
    out, last = [], 0
    for code in _CODE.finditer(text):
        out.append(_replace_maths_in_prose(text[last:code.start()], store, where))
        out.append(code.group(0))
        last = code.end()
    out.append(_replace_maths_in_prose(text[last:], store, where))
    return "".join(out)


def _replace_maths_in_prose(text: str, store: MathStore, where: str) -> str:
    def one(m: re.Match) -> str:
        if m.group("dd"):
            return store.add(m.group("dd_body"), True, where)
        if m.group("bb"):
            return store.add(m.group("bb_body"), True, where)
        if m.group("env"):
            body = m.group("env_body")
            return store.add(r"\begin{aligned}" + body + r"\end{aligned}" if "&" in body else body, True, where)
        if m.group("pp"):
            return store.add(m.group("pp_body"), False, where)
        return store.add(m.group("d_body"), False, where)
    return _MATH.sub(one, text)


def latex_output_to_html(latex: str, store: MathStore, where: str) -> str:
    """A text/latex output (e.g. SymPy's '$\\displaystyle ...$') as HTML with MathML."""
    text = latex.strip()
    if _MATH.fullmatch(text) or not text.startswith(("$", "\\")):
        return _replace_maths_in_prose(text, store, where)
    return store.add(text, True, where)


def embed_markdown_images(nb, folder: Path) -> None:
    """Inline images that markdown cells load by relative path (as cell attachments)."""
    import base64
    import mimetypes

    pattern = re.compile(r"!\[([^\]]*)\]\((?!https?:|data:|attachment:)([^)\s]+)\)")
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue

        def attach(m: re.Match, cell=cell) -> str:
            path = (folder / m.group(2)).resolve()
            if not path.is_file():
                return m.group(0)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return f'<img alt="{html.escape(m.group(1))}" src="data:{mime};base64,{data}"/>'

        cell.source = pattern.sub(attach, cell.source)


def _plain(text: str) -> str:
    """Markdown (or a matplotlib title) as plain text for an ``alt`` attribute."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)      # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)   # links: their text
    text = re.sub(r"^\s*(#+|>)\s*", "", text, flags=re.M)  # heading and quote markers
    text = re.sub(r"<[^>]+>|[*`$\\]", "", text)           # tags, emphasis, code and maths marks
    return " ".join(text.split())


def figure_alt(source: str, caption: str, where: str) -> str:
    """Alt text for the figures a code cell draws: the titles its plotting calls give them (an
    f-string's fields shown as '…'), else the first sentence of the text cell above (the caption;
    its heading only when it has nothing else)."""
    titles = []
    for _, title in _TITLE.findall(source):
        title = _plain(re.sub(r"\{[^{}]*\}", "…", title))
        if title and title not in titles:
            titles.append(title)
    if titles:
        text = "Figure: " + "; ".join(titles)
    elif _plain(caption):
        prose = _plain("\n".join(line for line in caption.splitlines() if not line.lstrip().startswith("#")))
        text = "Figure for: " + re.split(r"(?<=[a-z)\]][.!?])\s", prose or _plain(caption), maxsplit=1)[0]
    else:
        text = f"Figure in {where}"
    return text if len(text) <= 250 else text[:249] + "…"


def prepare(nb, store: MathStore, name: str) -> None:
    """Mutate a copy of the notebook: maths to placeholders, widget outputs to a note, alt text on figures."""
    caption = ""
    for i, cell in enumerate(nb.cells):
        where = f"{name} cell {i}"
        if cell.cell_type == "markdown":
            caption = cell.source
            cell.source = replace_maths(cell.source, store, where)
        elif cell.cell_type == "code":
            for out in cell.get("outputs", []):
                data = out.get("data")
                if not data:
                    continue
                if "application/vnd.jupyter.widget-view+json" in data:
                    out["data"] = {"text/html": WIDGET_NOTE}
                elif "text/markdown" in data:
                    data["text/markdown"] = replace_maths(data["text/markdown"], store, where)
                elif "text/latex" in data and "text/html" not in data:
                    data["text/html"] = latex_output_to_html(data.pop("text/latex"), store, where)
                if "image/png" in out.get("data", {}) or "image/jpeg" in out.get("data", {}):
                    out.setdefault("metadata", {})["alt"] = figure_alt(cell.source, caption, where)


def remote_references(page: str) -> list[str]:
    """Every <script>/<link> tag of the page that mentions a remote URL (should be none)."""
    tags = re.findall(r"<(?:script|link)\b[^>]*>", page, re.I)
    bad = [t for t in tags if re.search(r"(https?:)?//", t)]
    # script bodies too: a dynamic import() of a CDN URL is as remote as a src= attribute
    for body in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.I | re.S):
        bad += re.findall(r"[\"'](?:https?:)?//[^\"']+[\"']", body)
    return bad


def page_path(notebook: Path, out: Path) -> Path:
    """Where a notebook's handout goes: lessons at the top, exercises/ and solutions/ in subfolders."""
    sub = GROUPS.get(notebook.parent.name, "")
    return out / sub / f"{notebook.stem}.html" if sub else out / f"{notebook.stem}.html"


def nav(group: list[Path], i: int, page: Path, out: Path) -> str:
    def href(target: Path) -> str:
        return Path(os.path.relpath(target, page.parent)).as_posix()
    links = [f'<a href="{href(out / "index.html")}">all handouts</a>']
    if i > 0:
        links.append(f'<a href="{href(page_path(group[i - 1], out))}">&larr; {html.escape(group[i - 1].stem)}</a>')
    if i + 1 < len(group):
        links.append(f'<a href="{href(page_path(group[i + 1], out))}">{html.escape(group[i + 1].stem)} &rarr;</a>')
    return '<nav class="handout-nav">' + "".join(links) + "</nav>"


_NOTEBOOK_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+\.(?:ipynb|md))(#[^"]*)?"', re.I)


def rewrite_links(body: str, notebook: Path, page: Path, pages_of: dict[Path, Path], unresolved: list[str],
                  docs: dict[Path, Path] | None = None, out: Path | None = None) -> str:
    """Relative links to notebooks that have a handout in this build now point at that page
    (fragment kept); the others stay as they are and are added to ``unresolved``. A link to a
    markdown file of the repository (``../evidence/RESULTS.md``) points at its page too, and the
    file is added to ``docs`` (source -> page) to be rendered (:func:`write_doc`)."""
    def one(m: re.Match) -> str:
        target = (notebook.parent / m.group(1)).resolve()
        if target.suffix.lower() == ".md" and docs is not None and out is not None and target.is_file() \
                and target.is_relative_to(ROOT):
            docs.setdefault(target, out / target.relative_to(ROOT).with_suffix(".html"))
            dest = docs[target]
        elif target in pages_of:
            dest = pages_of[target]
        else:
            unresolved.append(f"{notebook.name}: {m.group(1)}")
            return m.group(0)
        return f'href="{Path(os.path.relpath(dest, page.parent)).as_posix()}{m.group(2) or ""}"'
    return _NOTEBOOK_LINK.sub(one, body)


def write_doc(source: Path, page: Path, out: Path) -> None:
    """A markdown file of the repository that a lesson links to, as a plain offline page."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    body = markdown2html_mistune(source.read_text(encoding="utf-8"))
    index = Path(os.path.relpath(out / "index.html", page.parent)).as_posix()
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(source.name)}</title>"
        "<style>body { font-family: sans-serif; max-width: 60em; margin: 2em auto; } "
        "table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; }</style>"
        f"</head>\n<body>\n<nav class=\"handout-nav\"><a href=\"{index}\">all handouts</a></nav>\n{body}\n</body></html>\n",
        encoding="utf-8")


def title_of(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return re.sub(r"[*_`$]", "", m.group(1)).strip()
    return fallback


def build(paths: list[Path], out: Path, unresolved: list[str] | None = None) -> tuple[list[Path], list[str]]:
    """Write one page per notebook and an index; return the pages and the formulas that failed.
    Links to notebooks without a page in this build are appended to ``unresolved``."""
    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[jinja2.DictLoader({"handout.html.j2": TEMPLATE})],
        template_file="handout.html.j2",
        embed_images=True,
    )
    unresolved = [] if unresolved is None else unresolved
    pages_of = {path.resolve(): page_path(path, out) for path in paths}
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(GROUPS.get(path.parent.name, ""), []).append(path)
    pages, failed, entries, docs = [], [], {}, {}
    for sub, group in groups.items():
        for i, path in enumerate(group):
            nb = copy.deepcopy(nbformat.read(path, as_version=4))
            store = MathStore()
            embed_markdown_images(nb, path.parent)
            prepare(nb, store, path.name)
            body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
            body = store.put_back(body)
            page = pages_of[path.resolve()]
            page.parent.mkdir(parents=True, exist_ok=True)
            body = rewrite_links(body, path, page, pages_of, unresolved, docs, out)
            body = body.replace("<main>", "<main>\n" + nav(group, i, page, out), 1)
            page.write_text(body, encoding="utf-8")
            pages.append(page)
            failed += store.failed
            entries.setdefault(sub, []).append((page.relative_to(out).as_posix(), path.stem, title_of(nb, path.stem)))
    for source, page in docs.items():
        write_doc(source, page, out)
        pages.append(page)
    headings = {"": "Lessons", "exercises": "Exercises (to do)", "solutions": "Exercises with worked solutions"}
    sections = []
    for sub, items in entries.items():
        rows = "\n".join(f'<li><a href="{href}">{html.escape(stem)}</a>: {html.escape(title)}</li>'
                         for href, stem, title in items)
        sections.append(f"<h2>{headings.get(sub, sub)}</h2>\n<ul>\n{rows}\n</ul>")
    index = out / "index.html"
    index.write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Autoencoders: folklore, tested</title>"
        "</head>\n<body style=\"font-family: sans-serif; max-width: 50em; margin: 2em auto;\">\n"
        "<h1>Autoencoders: folklore, tested</h1>\n<p>Static copies of the notebooks, with their saved outputs. "
        "To run the code, open the notebooks in Jupyter.</p>\n" + "\n".join(sections) + "\n</body></html>\n",
        encoding="utf-8")
    pages.append(index)
    return pages, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", default=[str(ROOT / folder) for folder in GROUPS],
                        help="notebook files or folders (default: notebooks/, exercises/, solutions/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: _build/html)")
    parser.add_argument("--allow-unconverted", action="store_true",
                        help="warn instead of failing when a formula cannot be converted to MathML")
    args = parser.parse_args(argv)
    paths = expand(args.notebooks)
    if not paths:
        print("build_html.py: no notebooks found", file=sys.stderr)
        return 1
    unresolved: list[str] = []
    pages, failed = build(paths, args.out, unresolved)
    for link in unresolved:
        print(f"link to a notebook without a handout page in this build (left as it is): {link}", file=sys.stderr)
    status = 0
    for page in pages:
        remote = remote_references(page.read_text(encoding="utf-8"))
        if remote:
            print(f"{page}: refers to remote resources: {remote[:3]}", file=sys.stderr)
            status = 1
    for line in failed:
        print(f"formula not converted to MathML: {line}", file=sys.stderr)
    if failed and not args.allow_unconverted:
        status = 1
    print(f"wrote {len(pages)} pages to {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())

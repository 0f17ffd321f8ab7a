"""Every reference in the notebooks' text resolves (issue 21): files and notebooks linked or named,
lessons ("notebook 06", "lesson 05"), exercises ("exercise 4.2"), sections of the same notebook
("section 3", "sections 2 and 5"), headings linked with ``#anchor``, and ``aelib.*`` names.

Checked in every markdown cell of notebooks/, solutions/ and exercises/, and in the Python
comments and strings of their code cells for the file and ``aelib`` names.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("notebooks", "solutions", "exercises")
NOTEBOOKS = sorted(p for f in FOLDERS for p in (REPO / f).glob("*.ipynb"))
LESSONS = {p.name[:2] for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")}

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
PATH = re.compile(r"`((?:\.\./)?(?:notebooks|exercises|solutions|aelib|tests|scripts|evidence|benchmarks)/[^`\s]*)`")
BARE_NB = re.compile(r"`(\d\d_[A-Za-z0-9_]+\.ipynb)`")
LESSON = re.compile(r"\b(?:[Nn]otebooks?|[Ll]essons?)\s+((?:\d\d)(?:\s*(?:-|–|,|and|or|to)\s*\d\d)*)")
EXERCISE = re.compile(r"\b[Ee]xercises?\s+(\d+\.\d+)")
SECTION = re.compile(r"\b[Ss]ections?\s+(\d+[a-z]?(?:\s*(?:-|–|,|and|or)\s*\d+[a-z]?)*)")
AELIB_NAME = re.compile(r"\baelib(?:\.[A-Za-z_][A-Za-z0-9_]*)+")


def slug(heading: str) -> str:
    """JupyterLab's anchor of a heading: spaces to '-', most punctuation kept."""
    return heading.strip().replace(" ", "-")


def headings(nb) -> list[str]:
    return [line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("#")]


def section_numbers(nb) -> set[str]:
    """'2', '2a', ... for headings such as '## 2. The data' or '### 2a. PCA in a few lines'."""
    out = set()
    for h in headings(nb):
        m = re.match(r"(\d+)([a-z]?)\.?\s", h + " ")
        if m:
            out.update({m.group(1), m.group(1) + m.group(2)})
    return out


def exercises_of(lesson: str) -> set[str]:
    found = set()
    for p in (REPO / "solutions").glob(f"{lesson}_*.ipynb"):
        for c in nbformat.read(p, as_version=4).cells:
            found.update(re.findall(r"[Ee]xercise (\d+\.\d+)", c.source))
    return found


def numbers(spec: str) -> list[str]:
    """'00-03' -> 00, 01, 02, 03; '2 and 5' -> 2, 5."""
    parts = re.split(r"\s*(?:,|and|or)\s*", spec)
    out = []
    for part in parts:
        m = re.fullmatch(r"(\d+)([a-z]?)\s*(?:-|–|to)\s*(\d+)([a-z]?)", part.strip())
        if m and not m.group(2) and not m.group(4):
            width = len(m.group(1))
            out += [str(i).zfill(width) for i in range(int(m.group(1)), int(m.group(3)) + 1)]
        elif m and m.group(1) == m.group(3) and m.group(2) and m.group(4):      # 2a-2c
            out += [m.group(1) + chr(c) for c in range(ord(m.group(2)), ord(m.group(4)) + 1)]
        elif part.strip():
            out.append(part.strip())
    return out


def resolve_aelib(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def problems(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    own_sections = section_numbers(nb)
    own_slugs = {slug(h) for h in headings(nb)}
    found = []
    for i, cell in enumerate(nb.cells):
        text = cell.source
        where = f"cell {i}"
        for m in PATH.finditer(text):
            target = m.group(1).rstrip(".,;:)")
            base = path.parent if target.startswith("../") else REPO
            if not (base / target.split("#")[0]).exists():
                found.append(f"{where}: `{target}` does not exist")
        for m in BARE_NB.finditer(text):
            if not (path.parent / m.group(1)).exists() and not (REPO / "notebooks" / m.group(1)).exists():
                found.append(f"{where}: `{m.group(1)}` does not exist")
        for m in AELIB_NAME.finditer(text):
            name = m.group(0).rstrip(".")
            if not resolve_aelib(name):
                found.append(f"{where}: {name} does not exist")
        if cell.cell_type != "markdown":
            continue
        for m in LINK.finditer(text):
            target = m.group(1)
            if re.match(r"[a-z]+://", target) or target.startswith("mailto:"):
                continue
            file, _, anchor = target.partition("#")
            dest = (path.parent / file) if file else path
            if not dest.exists():
                found.append(f"{where}: link to {target} goes nowhere")
            elif anchor and dest.suffix == ".ipynb":
                slugs = own_slugs if not file else {slug(h) for h in headings(nbformat.read(dest, as_version=4))}
                if anchor not in slugs:
                    found.append(f"{where}: link to {target}: no heading '{anchor}' in {dest.name}")
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            for m in LESSON.finditer(sentence):
                for nn in numbers(m.group(1)):
                    if nn not in LESSONS:
                        found.append(f"{where}: '{m.group(0)}' names lesson {nn}, which does not exist")
            for m in EXERCISE.finditer(sentence):
                lesson = m.group(1).split(".")[0].zfill(2)
                if m.group(1) not in exercises_of(lesson):
                    found.append(f"{where}: '{m.group(0)}' does not exist in solutions/{lesson}_*.ipynb")
            other = LESSON.search(sentence)
            for m in SECTION.finditer(sentence):
                if other and other.start() < m.start():
                    continue                      # "notebook 02, section 5": another notebook's section
                for s in numbers(m.group(1)):
                    if s not in own_sections:
                        found.append(f"{where}: '{m.group(0)}' but this notebook has no section {s}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[f"{p.parent.name}/{p.name}" for p in NOTEBOOKS])
def test_every_reference_resolves(path):
    found = problems(path)
    assert not found, f"{path.relative_to(REPO)}:\n" + "\n".join(found)


LESSON_NOTEBOOKS = sorted(p for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00"))


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=[p.name for p in LESSON_NOTEBOOKS])
def test_every_lesson_links_to_the_glossary(path):
    """Lesson 00 promises that every lesson links its terms to the glossary at first use."""
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "00_start_here.ipynb#Glossary" in text, f"{path.name} never links to the glossary of lesson 00"
    glossary = [c.source for c in nbformat.read(REPO / "notebooks" / "00_start_here.ipynb", as_version=4).cells
                if c.source.startswith("## Glossary")]
    assert glossary, "lesson 00 has no '## Glossary' section"

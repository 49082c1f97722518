"""Shared fixtures: make_site writes a small site from dedented strings."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A complete, valid record; tests change one thing at a time.
VALID_RECORD = """\
---
contract: paper-manifest-v1.1
id: SRCH:0000AAAA
title: A valid record
submitted: 2026-07-01
language: en
doi: 10.5281/zenodo.1
publisher: Assignee Research
abstract: An abstract with *emphasis*.
research_question: Does it validate?
review_score: 7.5
verification:
  level: L2
  source_grounded_claims: 3
  claim_record_source: parsed source sections
gate:
  gate: 2
  status: unverified
  reason: No formal proof or sandbox reproduction has been attempted.
  reason_code: not-attempted
tier:
  tier: watchlist
quality:
  evidence_strength: low
  citation_grounding: medium
  uncertainty_disclosure: medium
  reproducibility: medium
provenance:
  contract: source-provenance-v1
  public_provenance: L3
  report_artifact: available
  external_record: registered
  claim_lineage: 3
  review_method: Automated multi-reviewer assessment
  note: Machine-generated synthesis of existing literature.
corrections:
  contract: correction-record-v1
  status: current
  entries: []
claims:
  - text: The first claim.
    verified: true
    confidence: 0.5
  - text: The second claim.
    verified: false
    confidence: 0.2
references:
  - https://arxiv.org/abs/2004.12440
  - title: A titled reference
    url: https://example.org/paper
---
## Introduction

The body of the report.
"""


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks refuse dates in the future: measure them from a fixed day, so no test depends on the clock."""
    monkeypatch.setenv("SITEGEN_TODAY", "2026-12-01")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


SiteMaker = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """Write a site into tmp_path/site: files maps relative paths to text (dedented) or bytes.

    Layouts and assets come from the project, so builds render for real.
    """

    def make(files: dict[str, str | bytes] | None = None, *, with_layouts: bool = True) -> Path:
        site = tmp_path / "site"
        (site / "content" / "records").mkdir(parents=True, exist_ok=True)
        if with_layouts:
            for folder in ("layouts", "assets"):
                if (ROOT / folder).is_dir() and not (site / folder).exists():
                    shutil.copytree(ROOT / folder, site / folder)
        for rel, content in (files or {}).items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content) if not content.startswith("---") else content, encoding="utf-8")
        return site

    return make


def record_with(old: str, new: str, base: str = VALID_RECORD) -> str:
    """VALID_RECORD with one exact text replaced (the text must be present)."""
    assert old in base, f"{old!r} not in the base record"
    return base.replace(old, new, 1)


# ---- the readers' outputs (tests/site/test_cite.py, tests/site/test_readers.py) ----

@pytest.fixture(scope="session")
def basic_hosted(tmp_path_factory):
    """tests/sites/basic built with a base URL under a subpath."""
    import reader_outputs  # only the tests that use it need its parsers

    base = tmp_path_factory.mktemp("hosted")
    return reader_outputs.build_site(reader_outputs.copy_of_basic(base, "site"), base / "out", reader_outputs.BASE)


@pytest.fixture(scope="session")
def basic_local(tmp_path_factory):
    """tests/sites/basic built with no base URL, as for reading from disk."""
    import reader_outputs

    base = tmp_path_factory.mktemp("local")
    return reader_outputs.build_site(reader_outputs.copy_of_basic(base, "site"), base / "out")

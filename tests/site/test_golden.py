"""Golden files: tests/sites/basic is built and compared file by file with tests/golden/basic.

After an intended change to the output, regenerate the golden tree with

    .venv/bin/python -m pytest tests/site/test_golden.py --update-golden

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from sitegen.engine.pipeline import build
from sitegen.config import load_config

HERE = Path(__file__).parent.parent
SITE = HERE / "sites" / "basic"
GOLDEN = HERE / "golden" / "basic"
# assets/ holds copies of the project's assets/ (not generated), and the Pagefind
# bundle is not byte-for-byte reproducible, so neither is part of the golden tree.
NOT_GOLDEN = ("assets/", "pagefind/")
# A fixed build date, so the footer's "Built on" line is covered too.
EPOCH = "1783296000"  # 2026-07-06


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file under folder by relative path; golden output only."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not rel.startswith(NOT_GOLDEN):
            out[rel] = path.read_bytes()
    return out


def build_basic(make_site, tmp_path: Path) -> Path:
    """tests/sites/basic with the project's layouts and assets, built without the search index."""
    files = {p.relative_to(SITE).as_posix(): p.read_bytes() for p in SITE.rglob("*") if p.is_file()}
    site = make_site(files)
    out = tmp_path / "out"
    result = build(load_config(site, output_dir=out), search=False)
    assert result.ok
    return out


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """Missing, extra and changed files, the changes as unified diffs."""
    problems = [f"missing from the build: {rel}" for rel in sorted(expected.keys() - actual.keys())]
    problems += [f"not in the golden tree: {rel}" for rel in sorted(actual.keys() - expected.keys())]
    for rel in sorted(expected.keys() & actual.keys()):
        if expected[rel] != actual[rel]:
            diff = difflib.unified_diff(expected[rel].decode("utf-8", "replace").splitlines(),
                                        actual[rel].decode("utf-8", "replace").splitlines(),
                                        f"golden/basic/{rel}", f"build/{rel}", lineterm="", n=2)
            problems.append("\n".join(list(diff)[:60]))
    return problems


def test_basic_site_matches_the_golden_tree(make_site, tmp_path, update_golden, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    actual = site_files(build_basic(make_site, tmp_path))
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    expected = site_files(GOLDEN)
    assert expected, "tests/golden/basic is empty; run pytest tests/site/test_golden.py --update-golden"
    problems = differences(expected, actual)
    assert not problems, "the build differs from tests/golden/basic (regenerate with --update-golden if intended):\n\n" + \
        "\n\n".join(problems)


def test_golden_tree_holds_html_json_and_search_data():
    files = site_files(GOLDEN)
    assert {"index.html", "about.html", "guide.html", "search/manifest.js",
            "records/quokka-transfer-verified.html", "records/quokka-transfer-verified.json",
            "contracts/paper-manifest-v1.1.json", "artifacts/quokka-transfer-verified/repro.py"} <= files.keys()
    assert not any(rel.startswith(NOT_GOLDEN) for rel in files)

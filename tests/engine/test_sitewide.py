"""Site-wide files at the cost of the change: after one record is edited, added, removed or corrected in a
registry of a few hundred, only the few site-wide files that show it are made again, and the output is
byte for byte that of a clean build."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import assert_same_as_clean, build_cli as build, edit, generated_site, reused

RECORDS = 300
SITEWIDE = re.compile(r"^(\d+) of (\d+) site-wide files unchanged: taken from the previous build$", re.M)
CORRECTION = """status: corrected
  entries:
    - id: C1
      date: 2026-11-30
      kind: clarification
      summary: The research question was reworded for clarity.
      fields: [research_question]"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generated_site(tmp_path_factory.mktemp("generated"), RECORDS)


def _unchanged(log: str) -> tuple[int, int]:
    match = SITEWIDE.search(log)
    assert match, log
    return int(match.group(1)), int(match.group(2))


def _records(site: Path) -> list[Path]:
    return sorted((site / "content" / "records").glob("*.md"))


def _change(site: Path, change: str) -> None:
    records = _records(site)
    if change == "edit":
        edit(records[7], "abstract: >-\n  ", "abstract: >-\n  Edited once. ")
    elif change == "add":
        text = records[3].read_text(encoding="utf-8")
        text = re.sub(r"^id: SRCH:\w+$", "id: SRCH:FFEE0001", text, count=1, flags=re.M)
        text = re.sub(r"^submitted: .*$", "submitted: 2026-11-30", text, count=1, flags=re.M)
        (site / "content" / "records" / "a-newly-added-record.md").write_text(text, encoding="utf-8")
    elif change == "remove":
        records[11].unlink()
    else:  # a correction: the record is marked corrected, with an entry for the corrections feed
        record = next(r for r in records if "  status: current\n  entries: []" in r.read_text(encoding="utf-8"))
        edit(record, "status: current\n  entries: []", CORRECTION)


@pytest.mark.parametrize("change", ["edit", "add", "remove", "correct"])
def test_one_changed_record_remakes_only_the_site_wide_files_that_show_it(generated, tmp_path, change):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(generated, site)
    build(site, out, "--no-search")
    before = _inodes(out)
    _change(site, change)
    log = build(site, out, "--no-search")
    assert reused(log) >= RECORDS - 2
    unchanged, total = _unchanged(log)
    # A file taken from the previous build is a hard link to it: the same inode.
    # Of the site-wide files (the changed record's own files, the assets and content pages are written anyway).
    remade = sorted(path for path, inode in _inodes(out).items() if before.get(path) != inode
                    and re.match(r"(index\.html|page/|browse/|feeds/|records/dumps/|search/)", path))
    words = [p for p in remade if p.startswith("search/w/")]
    if change == "remove":
        # Records are numbered and listed from the oldest: removing one renumbers the records newer than
        # it and moves the archive pages after its place (a registry retracts by correction instead).
        assert total - unchanged <= 3 * total // 4, (change, unchanged, total)
    else:
        # An edit, a correction or a new (newest) record: the record's own files, the first listing
        # pages, its browse listings' first pages, the feeds, one dump, the offline index's files
        # that hold it (its words' chunks, its filter values, the orders, one result file).
        others = [p for p in remade if p not in words]
        assert len(others) <= 40, (change, len(others), "\n".join(others))
        # Of the archive pages, only the one of each listing (the index, four browse lists) that shows an
        # edited record's card, or where a new record opens a new one (and the newest before it links to it).
        # A correction also moves the record from one correction-status list to another: the archive pages
        # of the list it leaves, newer than its place, move up by one record, as after a removal.
        archives = [p for p in others if re.fullmatch(r"(page|browse/[^/]+)/\d+\.html", p)
                    and not (change == "correct" and p.startswith("browse/status-"))]
        assert len(archives) <= (10 if change == "add" else 5), (change, archives)
        assert len([p for p in others if p.startswith("search/r/")]) <= 1, (change, others)
        assert words or change != "add"
    assert_same_as_clean(site, out, tmp_path, "--no-search")


def _inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}


def test_a_site_wide_file_changed_by_hand_is_made_again(generated, tmp_path):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(generated, site)
    build(site, out, "--no-search")
    archive = out / "page" / "1.html"
    archive.write_text("edited by hand", encoding="utf-8")
    dump = next((out / "records" / "dumps").glob("*.jsonl"))
    dump.unlink()
    edit(_records(site)[7], "abstract: >-\n  ", "abstract: >-\n  Edited once. ")
    log = build(site, out, "--no-search")
    unchanged, total = _unchanged(log)
    assert unchanged < total
    assert "edited by hand" not in archive.read_text(encoding="utf-8")
    assert_same_as_clean(site, out, tmp_path, "--no-search")


def test_without_the_cache_every_site_wide_file_is_made(generated, tmp_path):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(generated, site)
    build(site, out, "--no-search")
    edit(_records(site)[7], "abstract: >-\n  ", "abstract: >-\n  Edited once. ")
    log = build(site, out, "--no-search", "--no-cache")
    assert not SITEWIDE.search(log)
    assert_same_as_clean(site, out, tmp_path, "--no-search")


def test_the_build_result_counts_the_site_wide_files_taken_unchanged(generated, tmp_path):
    from sitegen.config import load_config
    from sitegen.engine.pipeline import build as build_site

    site = tmp_path / "site"
    shutil.copytree(generated, site)
    config = load_config(site, output_dir=tmp_path / "out")
    first = build_site(config, search=False)
    assert first.ok and first.sitewide > RECORDS and first.sitewide_reused == 0
    edit(_records(site)[7], "abstract: >-\n  ", "abstract: >-\n  Edited once. ")
    second = build_site(config, search=False)
    assert second.ok and second.sitewide == first.sitewide
    assert second.sitewide - second.sitewide_reused <= 40

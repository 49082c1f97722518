"""The build cache: a cached build is always byte-identical to a clean one, and reuses exactly what it may."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from helpers import CACHE_LINE, assert_same_as_clean, basic_site, build_cli as build, edit, reused, tree

RECORD = "content/records/pending-lexicon-study.md"


@pytest.fixture
def site(tmp_path) -> Path:
    return basic_site(tmp_path / "site")


def test_an_edited_record_is_the_only_one_rendered_again(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    log = build(site, out)
    assert reused(log) == 3
    assert "indexing 4 record(s) with Pagefind" in log  # its words changed, so the search index too
    assert_same_as_clean(site, out, tmp_path)


@pytest.mark.parametrize("change", ["layout", "config", "page", "generator-setting"])
def test_a_change_every_page_shows_renders_every_record(site, tmp_path, change):
    out = tmp_path / "out"
    build(site, out)
    extra: tuple[str, ...] = ()
    if change == "layout":
        edit(site / "layouts" / "record.html", "<article", "<!-- changed -->\n<article")
    elif change == "config":
        with open(site / "site.yaml", "a", encoding="utf-8") as handle:
            handle.write("\nrepository_url: https://example.org/registry\n")
    elif change == "page":
        guide = next((site / "content" / "pages").glob("*.md"))
        edit(guide, "title: ", "title: Renamed ")
    else:
        extra = ("--base-url", "https://registry.example.org/")
    log = build(site, out, *extra)
    assert reused(log) == 0
    clean = tmp_path / "clean"
    build(site, clean, "--no-cache", *extra)
    assert tree(out) == tree(clean)


def test_a_changed_artifact_is_checked_again(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    artifact = next((site / "content" / "artifacts").rglob("*.py"))
    artifact.write_text(artifact.read_text() + "# changed\n")
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 1
    assert "[artifact-hash]" in done.stdout


def test_added_and_deleted_records_match_a_clean_build(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    (site / RECORD).rename(site / "content" / "records" / "renamed-lexicon-study.md")
    log = build(site, out)
    assert reused(log) == 3
    assert not (out / "records" / "pending-lexicon-study.html").exists()
    assert (out / "records" / "renamed-lexicon-study.html").is_file()
    assert_same_as_clean(site, out, tmp_path)


def test_a_damaged_row_is_found_by_its_checksum_and_the_cache_ignored(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    cache = tmp_path / ".out.cache"
    data = bytearray(cache.read_bytes())
    data[data.index(b'<li class="card"') + 40] ^= 0x01  # one bit of a card's HTML: another page, still text
    cache.write_bytes(bytes(data))
    log = build(site, out)
    (found,) = CACHE_LINE.finditer(log)
    # Found as the build reads that card back (the rows' JSON are sound): it starts again without the cache.
    assert re.fullmatch(r"the index card of content/records/[a-z-]+\.md is damaged \(it does not match its row\)",
                        found.group(2))
    assert reused(log[found.end():]) == 0
    assert_same_as_clean(site, out, tmp_path)
    log = build(site, out)  # the cache was written anew
    assert reused(log) == 4 and not CACHE_LINE.search(log)


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_a_flipped_byte_anywhere_costs_time_never_correctness(site, tmp_path, where):
    out = tmp_path / "out"
    build(site, out)
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    cache = tmp_path / ".out.cache"
    data = bytearray(cache.read_bytes())
    data[int(len(data) * where)] ^= 0xFF
    cache.write_bytes(bytes(data))
    log = build(site, out)
    assert len(CACHE_LINE.findall(log)) <= 1  # none when the byte was in unused space of a page
    assert_same_as_clean(site, out, tmp_path)


def test_a_touched_record_is_reused_by_its_content(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    for record in (site / "content" / "records").glob("*.md"):
        record.write_bytes(record.read_bytes())  # same bytes, a new modification time
        os.utime(record, ns=(1_000_000_000, 1_000_000_000))
    log = build(site, out)
    assert reused(log) == 4
    assert "search index unchanged: taken from the previous build" in log
    assert_same_as_clean(site, out, tmp_path)


def test_a_record_edited_just_after_its_build_is_hashed_not_trusted_by_its_stamp(site, tmp_path):
    """A stamp noted within two seconds of an edit may hide a second edit in the same clock tick."""
    out = tmp_path / "out"
    record = site / RECORD
    record.write_bytes(record.read_bytes())  # modified now: its stamp is too recent to be noted
    build(site, out)
    before = os.stat(record)
    with open(record, "r+b") as handle:  # the same size, the same inode, then the old modification time back
        text = handle.read()
        handle.seek(0)
        handle.write(text.replace(b"Bilingual Lexicons as Anchors", b"Bilingual Lexicons as Anchorz", 1))
    os.utime(record, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(record).st_ino == before.st_ino and os.stat(record).st_mtime_ns == before.st_mtime_ns
    log = build(site, out)
    assert reused(log) == 3
    assert_same_as_clean(site, out, tmp_path)


def test_a_hand_edited_output_is_never_reused(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    page = out / "records" / "pending-lexicon-study.html"
    page.write_text("edited by hand")
    log = build(site, out)
    assert "nothing changed" not in log
    assert reused(log) == 3
    assert_same_as_clean(site, out, tmp_path)


def test_nothing_changed_is_reported_and_the_output_left_alone(site, tmp_path):
    out = tmp_path / "out"
    first = build(site, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    log = build(site, out)
    assert "nothing changed since the last build: 4 record(s)" in log
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    # The warnings of the last build are still shown.
    assert [l for l in log.splitlines() if ": warning: " in l] == [l for l in first.splitlines() if ": warning: " in l]
    assert_same_as_clean(site, out, tmp_path)

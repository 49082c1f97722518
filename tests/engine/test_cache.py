"""The build cache: a cached build is always byte-identical to a clean one, and reuses exactly what it may."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BASIC = Path(__file__).parent.parent / "sites" / "basic"
RECORD = "content/records/pending-lexicon-study.md"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    return site


def build(site: Path, out: Path, *extra: str) -> str:
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out), *extra],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stderr


def assert_same_as_clean(site: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build(site, clean, "--no-cache")
    assert tree(out) == tree(clean)


def reused(log: str) -> int:
    for line in log.splitlines():
        if line.endswith("unchanged record(s) taken from the previous build"):
            return int(line.split()[0])
    return 0


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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


def test_a_corrupt_cache_is_ignored_and_rebuilt(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    cache = tmp_path / ".out.cache"
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    cache.write_bytes(bytes(data))
    log = build(site, out)
    assert reused(log) == 0
    assert_same_as_clean(site, out, tmp_path)
    cache.write_bytes(b"not a cache at all")
    build(site, out)
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

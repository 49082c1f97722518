"""The output before last, kept as the spare and assembled into the next output (engine/spare.py).

What must hold: every rebuild made from the spare is byte-identical to a
clean build; the output being replaced, which readers may still be reading,
is never written to (its files are shared with the spare); and nothing a
hostile hand puts into the spare leaks into the site or leads a write out of it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from helpers import assert_same_as_clean, basic_site, build_cli as build, build_killed_when, edit, tree

RECORD = "content/records/pending-lexicon-study.md"
ARTIFACT_RECORD = "content/records/quokka-transfer-verified.md"


@pytest.fixture
def site(tmp_path) -> Path:
    return basic_site(tmp_path / "site")


def _spare(out: Path) -> Path:
    return out.parent / f".{out.name}.spare"


def _built_twice(site: Path, tmp_path: Path) -> Path:
    """The site built, one record edited, and built again: its output, with the first output kept as the spare."""
    out = tmp_path / "out"
    build(site, out)
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    build(site, out)
    return out


def _rebuild(site: Path, out: Path, *extra: str) -> bool:
    """Rebuild; whether the replaced output was kept as the spare, and if so, assert it holds exactly what it held."""
    before = tree(out)
    build(site, out, *extra)
    if not _spare(out).exists():
        return False  # the new output shares too few files with it: it was deleted
    assert tree(_spare(out)) == before  # not one byte of the replaced output was written through
    return True


def test_rebuilds_from_the_spare_match_clean_builds_and_never_touch_the_replaced_output(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    assert not _spare(out).exists()  # a first build shares nothing with what it replaces
    folder = os.stat(out / "records").st_ino

    def rename_with_alias() -> None:  # the old page's path now holds a redirect, a site-wide page
        (site / ARTIFACT_RECORD).rename(site / "content/records/quokka-renamed.md")
        (site / "content/aliases.yaml").write_text("aliases:\n  quokka-transfer-verified: SRCH:5C0FFEE1\n")

    def change_the_artifact() -> None:  # a copied file, linked like the site-wide pages
        artifact, record = site / "content/artifacts/quokka-transfer/repro.py", site / "content/records/quokka-renamed.md"
        old = hashlib.sha256(artifact.read_bytes()).hexdigest()
        artifact.write_text("print('changed')\n")
        edit(record, old, hashlib.sha256(artifact.read_bytes()).hexdigest())

    steps = [
        lambda: edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors"),
        lambda: edit(site / RECORD, "Bilingual Lexicons as Firm Anchors", "Bilingual Lexicons as Anchors"),
        rename_with_alias,
        change_the_artifact,
        lambda: (site / "content/records/retracted-synthesis.md").unlink(),  # one in four: most listings change
    ]
    for number, step in enumerate(steps):
        step()
        assert _rebuild(site, out) == (number < 4)
        assert_same_as_clean(site, out, tmp_path)
        if number == 1:
            # The second rebuild was assembled in the first build's folders, not in new ones.
            assert os.stat(out / "records").st_ino == folder


def test_a_build_without_the_cache_keeps_no_spare(site, tmp_path):
    out = _built_twice(site, tmp_path)
    assert _spare(out).is_dir()
    build(site, out, "--no-cache")  # it links nothing: the replaced output would be a whole second copy
    assert not _spare(out).exists()
    assert_same_as_clean(site, out, tmp_path)


def test_what_a_hostile_hand_puts_in_the_spare_stays_out_of_the_site(site, tmp_path):
    out = _built_twice(site, tmp_path)
    spare = _spare(out)
    victim, elsewhere = tmp_path / "victim.txt", tmp_path / "elsewhere"
    victim.write_text("not the site's\n")
    elsewhere.mkdir()
    # A link to a file outside, at the page the next build writes anew.
    page = spare / "records" / "pending-lexicon-study.html"
    page.unlink()
    page.symlink_to(victim)
    # A hard link to a file outside, at an unchanged record's page.
    kept = spare / "records" / "arabic-ner-survey.html"
    kept.unlink()
    os.link(victim, kept)
    # A folder that is a link to a folder outside, and a file the site has no place for.
    os.rename(spare / "badges", tmp_path / "badges-moved")
    (spare / "badges").symlink_to(elsewhere, target_is_directory=True)
    (spare / "planted.html").write_text("<script>alert(1)</script>")
    edit(site / RECORD, "Bilingual Lexicons as Firm Anchors", "Bilingual Lexicons as Anchors")
    build(site, out)
    assert victim.read_text() == "not the site's\n" and list(elsewhere.iterdir()) == []
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert_same_as_clean(site, out, tmp_path)


def test_a_folder_at_the_spares_place_that_is_not_a_kept_output_is_left_alone(site, tmp_path):
    out = tmp_path / "out"
    build(site, out)
    spare = _spare(out)
    spare.mkdir()
    (spare / "notes.txt").write_text("someone's\n")
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    build(site, out)
    assert [p.name for p in spare.iterdir()] == ["notes.txt"]
    assert_same_as_clean(site, out, tmp_path)


def test_with_the_output_gone_the_spare_is_dropped(site, tmp_path):
    import shutil

    out = _built_twice(site, tmp_path)
    shutil.rmtree(out)
    build(site, out)
    assert not _spare(out).exists()
    assert_same_as_clean(site, out, tmp_path)


def test_a_build_killed_while_assembling_in_the_spare_leaves_the_output_intact(make_site, tmp_path):
    from conftest import record_with

    site = make_site({f"content/records/record-{n:04d}.md": record_with("id: SRCH:0000AAAA", f"id: SRCH:{n:08X}")
                      for n in range(400)})
    out = tmp_path / "out"
    build(site, out, "--no-search")
    first = site / "content/records/record-0000.md"
    edit(first, "title: A valid record", "title: A changed record")
    build(site, out, "--no-search")
    assert _spare(out).is_dir()
    before = tree(out)
    for path in (site / "content/records").glob("*.md"):  # every record: the build runs long enough to be caught
        edit(path, "An abstract with", "A longer abstract with")
    build_killed_when(site, out, lambda: not _spare(out).exists(), "--no-search")  # taken over: assembling in it
    assert tree(out) == before
    build(site, out, "--no-search")
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".out.tmp-", ".out.old-"))]
    assert_same_as_clean(site, out, tmp_path, "--no-search")

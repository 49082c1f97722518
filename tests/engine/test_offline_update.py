"""The offline search index remade from the previous build's (search/offline_update.py): after each change of a
run of them, the output is byte for byte a clean build's, and a change that keeps the records' numbers remakes
only the word files of the words it touched."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from helpers import CACHE_LINE, assert_same_as_clean, build_cli as build, edit, generated_site

from sitegen.engine.cachedb import checksum

RECORDS = 120


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return generated_site(tmp_path_factory.mktemp("generated"), RECORDS)


def _inodes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_ino for p in (out / "search").rglob("*") if p.is_file()}


def _remade_words(before: dict[str, int], out: Path) -> list[str]:
    """The word files written anew (not hard-linked from the previous output)."""
    return sorted(p for p, inode in _inodes(out).items() if p.startswith("search/w/") and before.get(p) != inode)


def _records(site: Path) -> list[Path]:
    return sorted((site / "content" / "records").glob("*.md"))


def _newest(site: Path, name: str, day: str, like: Path, record_id: str) -> Path:
    text = like.read_text(encoding="utf-8")
    text = re.sub(r"^id: SRCH:\w+.*$", f"id: SRCH:{record_id}", text, count=1, flags=re.M)
    text = re.sub(r"^submitted: .*$", f"submitted: {day}", text, count=1, flags=re.M)
    path = site / "content" / "records" / f"{name}.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_run_of_changes_leaves_what_a_clean_build_makes(generated, tmp_path):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(generated, site)
    build(site, out, "--no-search")
    middle = _records(site)[40]

    # Words no other record has: a new word group, and a few words in existing ones.
    before = _inodes(out)
    edit(middle, "abstract: >-\n  ", "abstract: >-\n  Zyzzyvas quuxify the xylophonists. ")
    build(site, out, "--no-search")
    remade = _remade_words(before, out)
    assert 1 <= len(remade) <= 6, remade  # the chunks of "zyzzyvas", "quuxify", "xylophonists", "the" unchanged
    assert_same_as_clean(site, out, tmp_path, "--no-search")

    # And taken out again: the group they made is gone.
    edit(middle, "Zyzzyvas quuxify the xylophonists. ", "")
    build(site, out, "--no-search")
    assert not any("7a-79" in p for p in _inodes(out)), "the word group 'zy' outlived its words"
    assert_same_as_clean(site, out, tmp_path, "--no-search")

    # Two new records, the newest of all; then the newest removed again.
    records = _records(site)
    _newest(site, "a-new-record", "2026-11-29", records[3], "FFEE0001")
    newest = _newest(site, "the-newest-record", "2026-11-30", records[5], "FFEE0002")
    build(site, out, "--no-search")
    assert_same_as_clean(site, out, tmp_path, "--no-search")
    newest.unlink()
    build(site, out, "--no-search")
    assert_same_as_clean(site, out, tmp_path, "--no-search")
    _newest(site, "another-newest-record", "2026-11-30", records[9], "FFEE0003")  # after the removal: lists end lower
    build(site, out, "--no-search")
    assert_same_as_clean(site, out, tmp_path, "--no-search")

    # A record's filter value (its language, a value no other record has) and its score change in the middle.
    text = re.sub(r"^language: .*\n", "", middle.read_text(encoding="utf-8"), flags=re.M)
    middle.write_text(text.replace("\nabstract:", "\nlanguage: fr\nabstract:", 1), encoding="utf-8")
    middle.write_text(re.sub(r"^review_score: .*$", "review_score: 1.5", middle.read_text(encoding="utf-8"), count=1,
                             flags=re.M), encoding="utf-8")
    build(site, out, "--no-search")
    assert (out / "search" / "f" / "language" / "fr.js").is_file()
    assert_same_as_clean(site, out, tmp_path, "--no-search")

    # Renumbering changes: a record back-dated, then one removed from the middle.
    moved = _records(site)[60]
    moved.write_text(re.sub(r"^submitted: .*$", "submitted: 2020-01-01", moved.read_text(encoding="utf-8"), count=1,
                            flags=re.M), encoding="utf-8")
    build(site, out, "--no-search")
    assert_same_as_clean(site, out, tmp_path, "--no-search")
    _records(site)[20].unlink()
    build(site, out, "--no-search")
    assert_same_as_clean(site, out, tmp_path, "--no-search")


def _damaged(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE offline SET postings = '{}'")  # the checksums left as they were


def _crafted(conn: sqlite3.Connection) -> None:
    # Well formed, with the checksums to match, but a word of another group in each.
    for group, text in list(conn.execute("SELECT word_group, postings FROM offline")):
        postings = {**json.loads(text), "~~" + group: [1, 0, "0"]}
        new = json.dumps(postings)
        conn.execute("UPDATE offline SET postings = ?, sha256 = ? WHERE word_group = ?",
                     (new, checksum((new,)), group))


@pytest.mark.parametrize("damage, reason", [(_damaged, "checksum does not match"), (_crafted, "are malformed")])
def test_a_bad_word_group_is_found_when_needed_and_the_build_starts_again(generated, tmp_path, damage, reason):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(generated, site)
    build(site, out, "--no-search")
    # A word file of the previous output changed by hand, so that it cannot be linked, and every kept word
    # group bad in the cache, so that it cannot be made from there either: found only as the build reads it.
    word_file = sorted((out / "search" / "w").glob("*.js"))[0]
    word_file.write_text("SITEGEN_SEARCH_CHUNK('w', {});\n", encoding="utf-8")
    with closing(sqlite3.connect(tmp_path / ".out.cache")) as conn:
        damage(conn)
        conn.commit()
    edit(_records(site)[40], "abstract: >-\n  ", "abstract: >-\n  Edited once. ")
    log = build(site, out, "--no-search")
    lines = CACHE_LINE.findall(log)
    assert len(lines) == 1 and reason in lines[0][1], log
    assert_same_as_clean(site, out, tmp_path, "--no-search")


def test_a_kept_state_that_names_a_word_file_its_lists_do_not_make_is_set_aside(generated, tmp_path):
    site, out = tmp_path / "site", tmp_path / "out"
    shutil.copytree(generated, site)
    build(site, out, "--no-search")
    with closing(sqlite3.connect(tmp_path / ".out.cache")) as conn:
        (text,) = conn.execute("SELECT value FROM meta WHERE key = 'offline'").fetchone()
        state = json.loads(text)
        group = sorted(state["groups"])[-1]  # a group the edit below does not touch
        state["groups"][group] = [["7a-7a-7a", state["groups"][group][0][1]]]
        new = json.dumps(state)
        conn.execute("UPDATE meta SET value = ?, sha256 = ? WHERE key = 'offline'", (new, checksum((new,))))
        conn.commit()
    edit(_records(site)[40], "abstract: >-\n  ", "abstract: >-\n  Edited once. ")
    log = build(site, out, "--no-search")
    lines = CACHE_LINE.findall(log)
    assert len(lines) == 1 and "which the words it keeps do not make" in lines[0][1], log
    assert_same_as_clean(site, out, tmp_path, "--no-search")


def test_a_record_list_gains_and_loses_numbers_as_if_encoded_anew():
    from sitegen.search.offline import NO_POSTING, decode, encode

    numbers: list[int] = []
    posting = NO_POSTING
    steps = [(5, True), (9, True), (70, True), (70, False), (40, True), (2, True), (9, False), (1000, True),
             (2, False), (1000, False), (5, False), (40, False), (3, True)]
    for number, added in steps:
        posting = posting.with_number(number) if added else posting.without_number(number)
        numbers = sorted({*numbers, number}) if added else [n for n in numbers if n != number]
        assert (posting.count, posting.numbers) == (len(numbers), encode(numbers))
        assert decode(posting.numbers) == numbers and (not numbers or posting.last == numbers[-1])
    assert posting.without_number(4) == posting and posting.with_number(3) == posting

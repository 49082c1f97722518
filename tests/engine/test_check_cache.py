"""`sitegen check` takes the results of unchanged records from the build cache, read only, and validates
every other record: the report is the one a check without the cache gives, and nothing is written."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from helpers import basic_site, edit

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.engine.cachedb import record_row
from sitegen.engine.pipeline import build, check
from sitegen.errors import format_text

RECORD = "content/records/pending-lexicon-study.md"
REUSED = re.compile(r"^(\d+) unchanged record\(s\): results taken from the build cache (\S+)$", re.M)
UNUSABLE = re.compile(r"^sitegen: the build cache (\S+) could not be used \((.+)\); checking every record$", re.M)


@pytest.fixture
def site(tmp_path) -> Path:
    """The basic site, built once without the search index: public/ and .public.cache beside it."""
    site = basic_site(tmp_path / "site")
    assert build(load_config(site), search=False).ok
    return site


def run_check(site: Path, capsys, *extra: str) -> tuple[int, list[str], str]:
    """`sitegen check` in this process: its exit status, its report (one line per problem) and its stderr."""
    status = main(["check", "--root", str(site), *extra])
    out, err = capsys.readouterr()
    return status, [line for line in out.splitlines() if not line.startswith("    hint: ")], err


def reused(err: str) -> int:
    found = REUSED.search(err)
    return int(found.group(1)) if found else 0


def fresh_report(site: Path, *, output: Path | None = None) -> list[str]:
    """What a check that reads no cache reports, layouts included."""
    result = check(load_config(site, output_dir=output), layouts=True)
    assert result.reused == 0
    return [format_text(d).split("\n")[0] for d in result.diagnostics]


def everything(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under folder: modification time and bytes, by relative path."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rewrite_row(cache: Path, rel: str, change) -> None:
    """Change one record's row as a build would write it, its checksum made anew (a row the cache trusts)."""
    with closing(sqlite3.connect(cache)) as conn:
        entry, search, index_card, browse_card, words = conn.execute(
            "SELECT entry, search, index_card, browse_card, words FROM records WHERE path = ?", (rel,)).fetchone()
        value = json.loads(entry)
        change(value)
        conn.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                     record_row(rel, value, (search, index_card, browse_card, words)))
        conn.commit()


def test_check_takes_every_unchanged_record_from_the_build_cache(site, capsys):
    status, report, err = run_check(site, capsys)
    assert status == 0 and reused(err) == 4
    assert REUSED.search(err).group(2) == ".public.cache"
    assert report == fresh_report(site)
    assert check(load_config(site), reuse=True).reused == 4


def test_the_results_check_takes_hold_no_search_entry_cards_or_words(site):
    """Check renders nothing: a registry's worth of the texts a cache row keeps would be gigabytes."""
    from sitegen.engine.checked import unchanged_checks
    from sitegen.engine.pipeline import _environments
    from sitegen.records.load import discover_records

    config = load_config(site)
    sources, _problems = discover_records(config)
    taken = unchanged_checks(config, _environments(config, check(config).pages), sources)
    assert len(taken) == len(sources) > 0
    assert all(o.search == "" and o.cards == ("", "") and o.words == "" and o.record is not None for o in taken.values())


def test_the_records_check_validates_keep_no_body_or_long_fields(site):
    """A registry's bodies and claims would be most of check's memory; the checks across records read ids."""
    from sitegen.engine.workers import PAGE_ONLY_FIELDS

    result = check(load_config(site), layouts=True, whole=False)  # as `sitegen check` asks
    assert len(result.records) == 4 and result.reused == 0
    assert all(r.body_md == "" and not PAGE_ONLY_FIELDS & r.fields.keys() for r in result.records)


def test_a_result_comes_from_the_cache_until_its_record_changes(site, capsys):
    # A warning that validation would never give this record, in a row the cache trusts: a check
    # that shows it took the record's result from the cache, one that does not validated it.
    def add_warning(value: dict) -> None:
        value["diagnostics"].append({"path": RECORD, "line": 1, "col": 1, "level": "warning",
                                     "message": "noted by the build", "rule": "noted", "hint": None})

    rewrite_row(site / ".public.cache", RECORD, add_warning)
    status, report, err = run_check(site, capsys)
    assert (status, reused(err)) == (0, 4)
    assert report == [f"{RECORD}:1:1: warning: noted by the build [noted]"]
    edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    status, report, err = run_check(site, capsys)
    assert (status, reused(err), report) == (0, 3, [])


def test_an_edited_record_is_validated_again(site, capsys):
    edit(site / RECORD, "level: L2", "level: L9")
    status, report, err = run_check(site, capsys)
    assert status == 1 and reused(err) == 3
    assert report == fresh_report(site)
    assert [line.rsplit("[", 1)[1] for line in report] == ["schema:paper-manifest-v1.1]"]


def test_a_record_whose_artifact_changed_is_validated_again(site, capsys):
    artifact = next((site / "content" / "artifacts").rglob("*.py"))
    artifact.write_text(artifact.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    status, report, err = run_check(site, capsys)
    assert status == 1 and reused(err) == 3
    assert [line.rsplit("[", 1)[1] for line in report] == ["artifact-hash]"]


def test_a_record_dated_after_the_day_checked_from_is_validated_again(site, capsys, monkeypatch):
    # The cache's key does not hold the day; a result noted on a later day says nothing about an earlier one.
    monkeypatch.setenv("SITEGEN_TODAY", "2026-07-06")  # before quokka-transfer-verified's submission and gate
    status, report, err = run_check(site, capsys)
    assert status == 1 and reused(err) == 3
    assert report == fresh_report(site)
    assert {line.rsplit("[", 1)[1] for line in report} == {"future-date]"}


def test_check_writes_nothing(site, tmp_path, capsys):
    before = everything(tmp_path)
    assert run_check(site, capsys)[0] == 0
    assert run_check(site, capsys, "--format", "json")[0] == 0
    edit(site / RECORD, "level: L2", "level: L9")
    after_edit = everything(tmp_path)
    assert run_check(site, capsys)[0] == 1
    assert everything(tmp_path) == after_edit  # no journal, no new stamps, no file beside the cache
    assert {k: v for k, v in after_edit.items() if k != f"site/{RECORD}"} == \
        {k: v for k, v in before.items() if k != f"site/{RECORD}"}


def test_a_damaged_cache_is_said_once_and_every_record_is_checked(site, tmp_path, capsys):
    cache = site / ".public.cache"
    data = bytearray(cache.read_bytes())
    data[data.index(b'"diagnostics"') + 3] ^= 0x01  # a record row's JSON (check reads no texts: a card is not read)
    cache.write_bytes(bytes(data))
    before = everything(tmp_path)
    status, report, err = run_check(site, capsys)
    assert (status, reused(err)) == (0, 0)
    (found,) = UNUSABLE.findall(err)
    assert found[0] == ".public.cache" and found[1].endswith("is damaged (its checksum does not match)")
    assert report == fresh_report(site)
    assert everything(tmp_path) == before  # left as it was, for the next build to replace


def test_a_cache_of_other_layouts_is_passed_over_silently(site, capsys):
    edit(site / "layouts" / "record.html", "<article", "<!-- changed -->\n<article")
    status, report, err = run_check(site, capsys)
    assert (status, reused(err), UNUSABLE.search(err)) == (0, 0, None)


def test_check_output_reads_the_cache_beside_that_folder(tmp_path, capsys):
    site = basic_site(tmp_path / "site")
    out = tmp_path / "www"
    assert build(load_config(site, output_dir=out), search=False).ok
    assert reused(run_check(site, capsys)[2]) == 0  # nothing beside site/public
    status, report, err = run_check(site, capsys, "--output", str(out))
    assert (status, reused(err)) == (0, 4)
    assert REUSED.search(err).group(2) == (tmp_path / ".www.cache").resolve().as_posix()
    assert report == fresh_report(site, output=out)


def test_a_cache_a_stopped_build_left_half_updated_is_left_for_the_next_build(site, tmp_path, capsys):
    # A build killed in the middle of its transaction leaves a journal that only a writer may roll back.
    stopped = ("import os, sqlite3, sys\n"
               "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
               "conn.execute('PRAGMA cache_size = 1')\n"  # so the changed pages reach the file before the commit
               "conn.execute('BEGIN IMMEDIATE')\n"
               "conn.execute(\"UPDATE records SET entry = entry || ''\")\n"
               "conn.execute('DELETE FROM records')\n"
               "os._exit(1)\n")
    assert subprocess.run([sys.executable, "-c", stopped, str(site / ".public.cache")]).returncode == 1
    assert (site / ".public.cache-journal").stat().st_size > 0
    before = everything(tmp_path)
    status, report, err = run_check(site, capsys)
    assert (status, reused(err)) == (0, 0)
    assert UNUSABLE.findall(err) == [(".public.cache", "a build was stopped while updating it; the next build repairs it")]
    assert report == fresh_report(site)
    assert everything(tmp_path) == before
    assert build(load_config(site), search=False).ok
    assert reused(run_check(site, capsys)[2]) == 4

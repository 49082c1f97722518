"""A build cache from anywhere: damaged, foreign, of another version or crafted, it runs nothing, reaches
nothing outside the output, is ignored with one line, and the build's output is that of a clean build."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Callable

import pytest
from conftest import ROOT
from helpers import CACHE_LINE, assert_same_as_clean, basic_site, build_cli as build, edit, reused, tree

from sitegen.engine.cachedb import SCHEMA_VERSION, checksum

EDITED = "content/records/pending-lexicon-study.md"  # edited before the second build, so rows are read
VICTIM = "content/records/arabic-ner-survey.md"  # its row is the one tampered with


@pytest.fixture
def site(tmp_path) -> Path:
    return basic_site(tmp_path / "site")


def _sql(cache: Path, *statements: str) -> None:
    with closing(sqlite3.connect(cache)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


def _rewrite(cache: Path, table: str, key: str, change: Callable[[object], object], *, raw: bool = False) -> None:
    """Change one row's JSON and store the matching checksum: a well-formed, hand-crafted cache."""
    column, key_column = ("entry", "path") if table == "records" else ("value", "key")
    with closing(sqlite3.connect(cache)) as conn:
        (text,) = conn.execute(f"SELECT {column} FROM {table} WHERE {key_column} = ?", (key,)).fetchone()
        new = change(text) if raw else json.dumps(change(json.loads(text)))
        conn.execute(f"UPDATE {table} SET {column} = ?, sha256 = ? WHERE {key_column} = ?",
                     (new, checksum((new,)), key))
        conn.commit()


def _entry(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(cache: Path) -> None:
        def edit_entry(entry: dict) -> dict:
            change(entry)
            return entry
        _rewrite(cache, "records", VICTIM, edit_entry)
    return apply


def _search(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(cache: Path) -> None:
        def edit_value(value: dict) -> dict:
            change(value)
            return value
        _rewrite(cache, "meta", "search", edit_value)
    return apply


def _output_path(path: str) -> Callable[[dict], None]:
    def change(entry: dict) -> None:
        entry["outputs"][0][0] = path
        if Path(path).is_absolute() and Path(path).is_file():  # the real bytes and stamp of that file
            st = os.stat(path)
            entry["outputs"][0][1] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            entry["outputs"][0][2] = [st.st_size, st.st_mtime_ns, st.st_ino]
    return change


def _sitewide(change: Callable[[list], None]) -> Callable[[Path], None]:
    def apply(cache: Path) -> None:
        def edit_value(value: list) -> list:
            change(value)
            return value
        _rewrite(cache, "meta", "sitewide", edit_value)
    return apply


def _search_file(path: str) -> Callable[[dict], None]:
    def change(value: dict) -> None:
        value["files"][0][0] = path
        value["files"].sort()
    return change


def _fields(change: Callable[[dict], None]) -> Callable[[dict], None]:
    return lambda entry: change(entry["record"]["fields"])


def _set(key: str, value: object) -> Callable[[dict], None]:
    return lambda data: data.__setitem__(key, value)


def _truncated(cache: Path) -> None:
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])


def _random_bytes(cache: Path) -> None:
    cache.write_bytes(random.Random(15).randbytes(cache.stat().st_size))


def _other_database(cache: Path) -> None:
    cache.unlink()
    _sql(cache, "CREATE TABLE records (path TEXT, entry TEXT)", "INSERT INTO records VALUES ('x', '{}')")


def _old_pickle_format(cache: Path) -> None:
    cache.write_bytes(b"sitegen-cache-4\n" + bytes(32) + b"\x80\x05\x95")


def _deep_json(cache: Path) -> None:
    _rewrite(cache, "records", VICTIM, lambda text: "[" * 100_000 + "]" * 100_000, raw=True)


def _nan(cache: Path) -> None:
    _rewrite(cache, "records", VICTIM, lambda text: text.replace('"level":"L', '"level":NaN,"x":"L', 1), raw=True)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncated, "damaged"),
    "random bytes": (_random_bytes, "not an SQLite database"),
    "empty file": (lambda cache: cache.write_bytes(b""), "it is not a sitegen build cache"),
    "another SQLite database": (_other_database, "it is not a sitegen build cache"),
    "the old pickle format": (_old_pickle_format, "not an SQLite database"),
    "another cache format": (lambda cache: _sql(cache, "PRAGMA user_version = 4"),
                             f"it was written in cache format 4; this sitegen reads format {SCHEMA_VERSION}"),
    "a trigger": (lambda cache: _sql(cache, "CREATE TRIGGER t AFTER INSERT ON records BEGIN DELETE FROM meta; END"),
                  "its tables are not the ones sitegen writes"),
    "a view": (lambda cache: _sql(cache, "CREATE VIEW v AS SELECT 1"), "its tables are not the ones sitegen writes"),
    "an unknown entry": (lambda cache: _sql(cache, "INSERT INTO meta VALUES ('x', '1', 'y')"), "an unknown entry 'x'"),
    "output path ../x": (_entry(_output_path("../x")), "names '../x', which is not a path inside the output folder"),
    "output path /etc/passwd": (_entry(_output_path("/etc/passwd")),
                                "names '/etc/passwd', which is not a path inside the output folder"),
    "output path a/../../x": (_entry(_output_path("records/../../x")), "which is not a path inside the output folder"),
    "another record's output": (_entry(_output_path("records/quokka-transfer-verified.html")), "which is not its own"),
    "a site-wide page as output": (_entry(_output_path("index.html")), "which is not its own"),
    "search file ../x": (_search(_search_file("../x")), "names '../x', which is not a path inside the output folder"),
    "search file /etc/passwd": (_search(_search_file("/etc/passwd")), "which is not a path inside the output folder"),
    "search file outside the bundle": (_search(_search_file("records/arabic-ner-survey.html")),
                                       "outside the search index's folders"),
    "site-wide file ../x": (_sitewide(lambda files: files[0].__setitem__(1, "../x")),
                            "names '../x', which is not a path inside the output folder"),
    "site-wide file /etc/passwd": (_sitewide(lambda files: files[0].__setitem__(1, "/etc/passwd")),
                                   "which is not a path inside the output folder"),
    "a site-wide file twice": (_sitewide(lambda files: files.append(list(files[0]))), "names a file twice"),
    "a site-wide key that is no sha256": (_sitewide(lambda files: files[0].__setitem__(0, "x")), "is not a sha256"),
    "an artifact out of the content": (_entry(_set("artifact", {"path": "../../etc/passwd", "sha256": "0" * 64,
                                                                "stamp": None})),
                                       "names another artifact than its record"),
    "fields that disagree": (_entry(_fields(_set("title", "Another title"))), "does not agree with its own fields"),
    "fields that are no mapping": (_entry(lambda entry: entry["record"].__setitem__("fields", [])), "no record fields"),
    "an unknown field": (_entry(_set("extra", 1)), "has the wrong fields"),
    "a missing field": (_entry(lambda entry: entry.pop("outputs")), "has the wrong fields"),
    "a card that is no text": (lambda cache: _sql(cache, f"UPDATE records SET index_card = x'00' WHERE path = '{VICTIM}'"),
                               "is damaged (it does not match its row)"),
    "a search entry of another record": (
        lambda cache: _sql(cache, f"UPDATE records SET search = (SELECT search FROM records WHERE path = '{EDITED}') "
                                  f"WHERE path = '{VICTIM}'"),
        "is damaged (it does not match its row)"),
    "text digests that are no sha256": (_entry(lambda entry: entry.__setitem__("texts", ["x"] * 4)), "is not a sha256"),
    "a number as text": (_entry(lambda entry: entry["record"].__setitem__("body_line", "7")), "is not a whole number"),
    "a stored error": (_entry(lambda entry: entry["diagnostics"].append(
        {"path": VICTIM, "line": 1, "col": 1, "level": "error", "message": "m", "rule": "r", "hint": None})),
                       "holds an error"),
    "NaN": (_nan, "is not valid JSON"),
    "JSON nested 100,000 deep": (_deep_json, "is not valid JSON"),
    "a state that is no state": (lambda cache: _rewrite(cache, "meta", "state", lambda value: [1, 2]),
                                 "the build state has the wrong fields"),
    "an offline index of more titles than records": (
        lambda cache: _rewrite(cache, "meta", "offline", lambda value: {**value, "titles": value["titles"] + ["x"]}),
        "does not count its records alike"),
    "an offline word file ../x": (
        lambda cache: _rewrite(cache, "meta", "offline", lambda value: {
            **value, "groups": {**value["groups"], "zz": [["../x", "0" * 64]]}}),
        "names a malformed word file"),
    "an offline record list that is no list": (
        lambda cache: _rewrite(cache, "meta", "offline", lambda value: {
            **value, "filters": {"level": {"L1": "0.1"}}}),
        "has a malformed record list"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A site built once with its cache, and the tree a clean build gives once EDITED is edited."""
    base = tmp_path_factory.mktemp("built")
    site = basic_site(base / "site")
    build(site, base / "public")
    edited = base / "edited"
    shutil.copytree(site, edited)
    edit(edited / EDITED, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    build(edited, base / "clean", "--no-cache")
    return base, tree(base / "clean")


@pytest.mark.parametrize("case", CASES)
def test_a_bad_cache_is_ignored_with_one_line_and_the_output_is_a_clean_builds(built, tmp_path, case):
    base, clean = built
    damage, reason = CASES[case]
    site, out, cache = tmp_path / "site", tmp_path / "public", tmp_path / ".public.cache"
    shutil.copytree(base / "site", site)
    shutil.copytree(base / "public", out)  # new inodes: every file is checked by its content
    shutil.copyfile(base / ".public.cache", cache)
    damage(cache)
    edit(site / EDITED, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    log = build(site, out)
    lines = list(CACHE_LINE.finditer(log))
    assert len(lines) == 1, log
    assert lines[0].group(1) == str(cache) and reason in lines[0].group(2), lines
    # After the line (a record's texts are read, and found bad, only once the build needs them): nothing reused.
    assert reused(log[lines[0].end():]) == 0
    assert not (tmp_path / "x").exists() and not (tmp_path.parent / "x").exists()
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert tree(out) == clean


def test_a_bad_cache_is_replaced_by_a_good_one(site, tmp_path):
    out = tmp_path / "public"
    build(site, out)
    _entry(_output_path("../x"))(tmp_path / ".public.cache")
    edit(site / EDITED, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    assert len(CACHE_LINE.findall(build(site, out))) == 1
    edit(site / EDITED, "Firm Anchors", "Anchors")
    log = build(site, out)
    assert not CACHE_LINE.search(log) and reused(log) == 3
    assert_same_as_clean(site, out, tmp_path)


def test_a_missing_cache_says_nothing(site, tmp_path):
    out = tmp_path / "public"
    build(site, out)
    (tmp_path / ".public.cache").unlink()
    log = build(site, out)
    assert not CACHE_LINE.search(log) and reused(log) == 0
    assert_same_as_clean(site, out, tmp_path)


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_nothing_is_linked_through_a_symbolic_link_in_the_previous_output(site, tmp_path, kind):
    """A previous output whose file (or folder) was replaced by a link to identical bytes elsewhere: rendered afresh."""
    out = tmp_path / "public"
    build(site, out)
    if kind == "file":
        outside = tmp_path / "outside.html"
        page = out / "records" / "arabic-ner-survey.html"
        shutil.copyfile(page, outside)
        page.unlink()
        page.symlink_to(outside)
        expected = 2  # the victim and the edited record are rendered
    else:
        outside = tmp_path / "outside-badges"
        shutil.copytree(out / "badges", outside, copy_function=shutil.copyfile)
        shutil.rmtree(out / "badges")
        (out / "badges").symlink_to(outside, target_is_directory=True)
        expected = 0  # every record has a badge in that folder
    edit(site / EDITED, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    log = build(site, out)
    assert not CACHE_LINE.search(log)  # the cache is sound; the output changed
    assert reused(log) == expected
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert all(p.stat().st_nlink == 1 for p in ([outside] if outside.is_file() else outside.rglob("*")))
    assert_same_as_clean(site, out, tmp_path)


def test_the_package_never_imports_pickle_marshal_or_shelve():
    """Nothing in sitegen deserialises with a format that can run code."""
    banned = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}
    found = []
    for path in sorted((ROOT / "sitegen").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source, str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                    "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                names = [str(node.args[0].value)]
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names
                      if name.split(".")[0] in banned]
    assert found == []

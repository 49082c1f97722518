"""The build cache's file: one SQLite database of checksummed JSON rows, checked before anything in it is read.

SQLite reads the file; json.loads reads every value (stored.py checks it).
Nothing else of it is trusted: the application id and schema version in its
header must be ours, its schema exactly the tables below (a view or
trigger would run SQL of someone else's choosing), and each row's text must
match the sha256 stored beside it, since SQLite keeps no checksums of its
own and a flipped byte inside a text would otherwise go unseen. A record's
texts (its search entry, cards and words: most of the file) are checked
against the sha256 its row's JSON gives each, when they are read.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing, suppress
from functools import cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from .stored import TEXT_COLUMNS, Unusable, dumps, loads

# The cache format: PRAGMA user_version. 1 to 4 were pickle files, which nothing reads any more;
# 6 added the meta entry "sitewide" (the site-wide files and what they were made from) and each record's words;
# 7 the offline index's state (meta "offline") and its words' record lists, a word group a row, and a record
# row's checksum covers its JSON only, which names the sha256 of each of its texts (read only when needed).
SCHEMA_VERSION = 7
APPLICATION_ID = 0x73676331  # PRAGMA application_id, "sgc1": this file is a sitegen build cache
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE records (path TEXT PRIMARY KEY, entry TEXT NOT NULL, search TEXT NOT NULL, index_card TEXT NOT NULL,"
    " browse_card TEXT NOT NULL, words TEXT NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE offline (word_group TEXT PRIMARY KEY, postings TEXT NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID",
)
META_KEYS = ("env", "search", "state", "sitewide", "offline")
# No row is near this (a record file is at most 1 MiB); a larger one is refused by SQLite while reading.
_MAX_ROW = 64 << 20


def connect(path: Path, *, create: bool = False, read_only: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode; mode=rw never creates a file that is not there, and mode=ro
    (`sitegen check`) never writes to the file or beside it."""
    mode = "ro" if read_only else "rwc" if create else "rw"
    conn = sqlite3.connect(f"{path.as_uri()}?mode={mode}", uri=True, timeout=30, isolation_level=None)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _MAX_ROW)
    conn.execute("PRAGMA trusted_schema = OFF")  # no SQL functions from a schema we did not write
    return conn


@cache
def _expected_schema() -> tuple[tuple, ...]:
    with closing(sqlite3.connect(":memory:")) as conn:
        for statement in _SCHEMA:
            conn.execute(statement)
        return tuple(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"))


def check_header(conn: sqlite3.Connection) -> None:
    """Ours, this version, and exactly our tables: no view, trigger or index of anyone else's."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise Unusable("it is not a sitegen build cache")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != SCHEMA_VERSION:
        raise Unusable(f"it was written in cache format {version}; this sitegen reads format {SCHEMA_VERSION}")
    if tuple(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")) != _expected_schema():
        raise Unusable("its tables are not the ones sitegen writes")


def checksum(texts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        data = text.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)  # lengths first: no two rows' texts hash alike
    return digest.hexdigest()


def checked(sha256: object, what: str, text: object) -> object:
    """A row's JSON, parsed, once it matches the sha256 stored beside it."""
    if not isinstance(text, str) or checksum((text,)) != sha256:
        raise Unusable(f"{what} is damaged (its checksum does not match)")
    return loads(text, what)


def row(key: str, value: object) -> tuple[str, ...]:
    """A row as stored: its key, its JSON, and the sha256 of the JSON."""
    text = dumps(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which SQLite's UTF-8 text cannot hold: escape it
        text = dumps(value, ascii_only=True)
    return (key, text, checksum((text,)))


def read_meta(conn: sqlite3.Connection) -> dict[str, object]:
    """The meta rows, each checked against its checksum and parsed; every one of META_KEYS, and no other."""
    meta: dict[str, object] = {}
    for key, text, sha256 in conn.execute("SELECT key, value, sha256 FROM meta"):
        if key not in META_KEYS:
            raise Unusable(f"it holds an unknown entry {key!r}")
        meta[key] = checked(sha256, f"the entry {key!r}", text)
    if set(meta) != set(META_KEYS):
        raise Unusable("entries are missing")
    return meta


def read_records(conn: sqlite3.Connection) -> Iterator[tuple[object, object]]:
    """Every record row as (path, its JSON parsed), each checked against its checksum; not its texts (read_texts)."""
    for rel, text, sha256 in conn.execute("SELECT path, entry, sha256 FROM records"):
        yield rel, checked(sha256, f"the entry for {rel}", text)


def read_texts(conn: sqlite3.Connection, column: str, rels: Sequence[str]) -> dict[object, object]:
    """One text column (stored.TEXT_COLUMNS) of the rows of rels, by path, as stored: the caller checks each
    against the digest its row's JSON names."""
    assert column in TEXT_COLUMNS
    return dict(conn.execute(f"SELECT path, {column} FROM records WHERE path IN ({','.join('?' * len(rels))})", rels))


def record_row(rel: str, value: object, texts: Sequence[str]) -> tuple[str, ...]:
    """A record's row as stored: its path, its JSON, its texts (TEXT_COLUMNS), and the sha256 of its JSON."""
    key, text, sha256 = row(rel, value)
    return (key, text, *texts, sha256)


def read_group(conn: sqlite3.Connection, group: str) -> object:
    """One word group's row of the offline index, checked against its checksum and parsed; None when there is none."""
    found = conn.execute("SELECT postings, sha256 FROM offline WHERE word_group = ?", (group,)).fetchone()
    if found is None:
        return None
    text, sha256 = found
    return checked(sha256, f"the offline index's words {group!r}", text)


class Rows(NamedTuple):
    """What a build writes into the cache: meta entries, record rows, and the offline index's word groups."""

    meta: dict[str, object]
    records: Iterable[tuple[str, ...]]  # whole rows (record_row)
    groups: Iterable[tuple[str, ...]]  # rows for the groups made this build
    gone: Iterable[str] = ()  # groups no longer there
    whole: bool = True  # groups holds every group: drop any other
    entries: Iterable[tuple[str, str, str]] = ()  # (JSON, sha256, path): rows whose JSON alone changed (new stamps)


def write_new(path: Path, rows: Rows) -> None:
    """A whole new cache file, swapped in at once: a reader never sees half of one."""
    temp = path.with_name(path.name + ".tmp")
    for leftover in (temp, temp.with_name(temp.name + "-journal")):
        leftover.unlink(missing_ok=True)
    with closing(connect(temp, create=True)) as conn:
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO meta VALUES (?, ?, ?)", [row(k, v) for k, v in rows.meta.items()])
        conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)", rows.records)
        conn.executemany("INSERT INTO offline VALUES (?, ?, ?)", rows.groups)
        conn.execute("COMMIT")
    # A journal left by a build killed while updating the old file must not be replayed into the new one.
    for suffix in ("-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    os.replace(temp, path)


def update(path: Path, rows: Rows, keep: set[str]) -> None:
    """Change only the rows that changed, in one transaction: the work of a one-record build stays one record's.

    keep: the record rows this build still uses, unchanged or among rows.records.
    """
    with closing(connect(path)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        try:
            stale = [(rel,) for (rel,) in conn.execute("SELECT path FROM records") if rel not in keep]
            conn.executemany("DELETE FROM records WHERE path = ?", stale)
            conn.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?)", rows.records)
            conn.executemany("UPDATE records SET entry = ?, sha256 = ? WHERE path = ?", rows.entries)
            if rows.whole:
                conn.execute("DELETE FROM offline")
            conn.executemany("DELETE FROM offline WHERE word_group = ?", ((group,) for group in rows.gone))
            conn.executemany("INSERT OR REPLACE INTO offline VALUES (?, ?, ?)", rows.groups)
            conn.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", [row(k, v) for k, v in rows.meta.items()])
            conn.execute("COMMIT")
        except BaseException:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

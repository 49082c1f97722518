"""Every record's search entry, cards and words, kept on disk while a build runs, not in the main process.

Those texts are most of what a record's outcome weighs (about 40 KB a record
as Python strings), and the site-wide files need each one only when they make
the one file that shows it. So the outcomes the main process keeps are light:
each rendered outcome's texts go into an SQLite file as it arrives from a
worker, a reused one's stay in the build cache's row (checked against the
sha256 the row names when read: cache.read_texts), and the site-wide files
read them back, a few at a time, when they are made. What the keys of those
files need is kept in memory: the sha256 of each card (what a listing shows is
named by them).

The file lives in a temporary folder beside the output, under the build lock
(engine/write.py sweeps such folders left by a killed build), and is deleted
when the build ends. It is written and read by this build only: nothing in it
outlives the build or is trusted by another.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence, overload

from ..errors import BuildError
from ..model import RecordOutcome
from ..search.offline import Posting
from .cachedb import row
from .stored import TEXT_COLUMNS, TextDigests, group_json, text_sha256

_BATCH = 500  # rows per query or insert: few round trips, and never a long list in memory
_SCHEMA = ("CREATE TABLE texts (url TEXT PRIMARY KEY, search TEXT NOT NULL, index_card TEXT NOT NULL,"
           " browse_card TEXT NOT NULL, words TEXT NOT NULL) WITHOUT ROWID",
           # The offline index's word groups as made whole, waiting as the build cache's rows (cachedb.row).
           "CREATE TABLE offline (word_group TEXT PRIMARY KEY, postings TEXT NOT NULL, sha256 TEXT NOT NULL) WITHOUT ROWID")
_NO_WORDS = text_sha256("")


class Spill:
    """The texts of one build's records, by record url (records/<slug>.html)."""

    def __init__(self, beside: Path, prefix: str):
        """A new, empty store in a temporary folder in `beside`, named from prefix (see write.staging's sweep)."""
        self.folder = Path(tempfile.mkdtemp(prefix=prefix, dir=beside))
        try:
            self.conn = sqlite3.connect(self.folder / "texts.sqlite", isolation_level=None)
            # A scratch file: a crash loses nothing that matters, so no journal and no syncs.
            self.conn.execute("PRAGMA journal_mode = OFF")
            self.conn.execute("PRAGMA synchronous = OFF")
            for statement in _SCHEMA:
                self.conn.execute(statement)
        except sqlite3.Error as error:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise self._failure(error) from None
        self.digests: dict[str, tuple[str, str]] = {}  # url -> sha256 of its index card and its browse card
        self.words_present: dict[str, bool] = {}  # url -> whether its words were cut (an outcome made elsewhere has none)
        self._pending: list[tuple[str, str, str, str, str]] = []
        # url -> (rel path, digests of its texts) of each record whose texts stay in the build cache
        self._cached: dict[str, tuple[str, TextDigests]] = {}
        self._read_cached: Callable[[str, Sequence[tuple[str, str]]], list[str]] | None = None

    def close(self) -> None:
        self.conn.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --

    def keep(self, outcome: RecordOutcome) -> RecordOutcome:
        """Store a good record's texts and return its outcome without them (marked spilled)."""
        if outcome.record is None or outcome.spilled:
            return outcome
        url = outcome.record.url
        self.digests[url] = (text_sha256(outcome.cards[0]), text_sha256(outcome.cards[1]))
        self.words_present[url] = bool(outcome.words)
        self._pending.append((url, outcome.search, outcome.cards[0], outcome.cards[1], outcome.words))
        if len(self._pending) >= _BATCH:
            self._flush()
        return replace(outcome, search="", cards=("", ""), words="", spilled=True)

    def keep_cached(self, outcome: RecordOutcome, texts: TextDigests) -> RecordOutcome:
        """Note a record whose texts stay in the build cache's row, with their digests; its outcome marked spilled."""
        assert outcome.record is not None and not outcome.search
        url = outcome.record.url
        self.digests[url] = (texts[1], texts[2])
        self.words_present[url] = texts[3] != _NO_WORDS
        self._cached[url] = (outcome.rel_path, texts)
        return replace(outcome, spilled=True)

    def read_cached_with(self, read: Callable[[str, Sequence[tuple[str, str]]], list[str]]) -> None:
        """How to read the texts that stay in the build cache: cache.BuildCache.read_texts."""
        self._read_cached = read

    def keep_group(self, group: str, members: Mapping[str, Posting]) -> None:
        """Store one word group of the offline index, as the row the build cache will hold (offline_rows)."""
        try:
            self.conn.execute("INSERT INTO offline VALUES (?, ?, ?)", row(group, group_json(members)))
        except sqlite3.Error as error:
            raise self._failure(error) from None

    def offline_rows(self) -> Iterator[tuple[str, str, str]]:
        """The word groups keep_group stored, as build-cache rows."""
        return iter(self.conn.execute("SELECT word_group, postings, sha256 FROM offline"))

    def _failure(self, error: sqlite3.Error) -> BuildError:
        return BuildError(f"cannot write the build's scratch file in {self.folder.parent} ({error}); "
                          "is the disk full?")

    def _flush(self) -> None:
        if self._pending:
            try:
                self.conn.execute("BEGIN")
                self.conn.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?, ?, ?)", self._pending)
                self.conn.execute("COMMIT")
            except sqlite3.Error as error:
                raise self._failure(error) from None
            self._pending.clear()

    # -- reading --

    def _rows(self, column: str, urls: Sequence[str]) -> Iterator[str]:
        """column's text for each url, in the order given, read in batches: from this file, or from the cache."""
        self._flush()
        index = TEXT_COLUMNS.index(column)
        for start in range(0, len(urls), _BATCH):
            batch = urls[start:start + _BATCH]
            mine = [url for url in batch if url not in self._cached]
            found = dict(self.conn.execute(
                f"SELECT url, {column} FROM texts WHERE url IN ({','.join('?' * len(mine))})", mine)) if mine else {}
            if len(mine) < len(batch):
                assert self._read_cached is not None
                cached = [url for url in batch if url in self._cached]
                rows = [(self._cached[url][0], self._cached[url][1][index]) for url in cached]
                found.update(zip(cached, self._read_cached(column, rows)))
            yield from (found[url] for url in batch)

    def search(self, urls: Sequence[str]) -> Iterator[str]:
        return self._rows("search", urls)

    def words(self, urls: Sequence[str]) -> Iterator[str]:
        return self._rows("words", urls)

    def cards(self, urls: Sequence[str], which: int) -> list[str]:
        """The index (0) or browse (1) cards of these records, in order."""
        return list(self._rows(("index_card", "browse_card")[which], urls))

    def card_key(self, url: str, which: int) -> str:
        """What a listing's key holds for a card: the sha256 of its HTML."""
        return self.digests[url][which]

    def texts(self, outcome: RecordOutcome) -> tuple[str, tuple[str, str], str]:
        """An outcome's search entry, cards and words: its own, or the stored ones when it was spilled."""
        if not outcome.spilled or outcome.record is None:
            return outcome.search, outcome.cards, outcome.words
        url = [outcome.record.url]
        if url[0] in self._cached:
            search, index_card, browse_card, words = (next(self._rows(column, url)) for column in TEXT_COLUMNS)
        else:  # one query, not four: a cold build's cache is written from here, a record at a time
            self._flush()
            search, index_card, browse_card, words = self.conn.execute(
                "SELECT search, index_card, browse_card, words FROM texts WHERE url = ?", url).fetchone()
        return search, (index_card, browse_card), words


class SpilledEntries(Sequence[Mapping[str, Any]]):
    """The search entries of records in a given order, parsed as they are read: a list's reads, from the spill."""

    def __init__(self, spill: Spill, urls: Sequence[str]):
        self.spill, self.urls = spill, urls

    def __len__(self) -> int:
        return len(self.urls)

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[Mapping[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [json.loads(text) for text in self.spill.search(self.urls[index])]
        return json.loads(next(self.spill.search([self.urls[index]])))

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return (json.loads(text) for text in self.spill.search(self.urls))


def open_spill(output_dir: Path) -> Spill:
    """A spill beside the output, swept like a staging folder if the build is killed."""
    return Spill(output_dir.parent, f".{output_dir.name}.tmp-spill-")


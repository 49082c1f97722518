"""The build cache: what each record produced last time, so an unchanged record is not read, checked or rendered again.

It is one SQLite database beside the output folder (`.<output>.cache`), never
in the content, and safe to delete. It holds data only, read with SQLite and
json.loads, so opening a cache someone else wrote runs nothing of theirs:
the schema version (PRAGMA user_version) and application id must be ours, the
tables exactly sitegen's, every row must match the sha256 stored beside it
(cachedb.py), and every value is checked on reading (stored.py). A cache that
fails any of this is ignored with one line on stderr, every record is
rendered afresh and the file is replaced: a bad cache costs time, never
correctness. Whoever can write it can still change what a reused record's
cards and search entry say, as whoever can write the previous output can
change its bytes; in CI only main's own runs write the cache main restores.

A record is taken from it when all of these hold, and rendered afresh otherwise:

- the environment key matches: the generator's own code, the contracts,
  site.yaml and command-line settings, the layouts and the site-wide facts
  every page shows (navigation, build date);
- the record file's bytes have the sha256 noted, and so has the local
  artifact it names (which must still lie inside the content folder);
- every file the record wrote last time is in the previous output as a
  regular file, reached through real folders of that output (never a
  symbolic link), with the sha256 noted, so a hand-edited, replaced or
  linked-out output is never linked into the new one.

Files are compared by content, so a fresh clone (new modification times, as
in CI) with the previous output and this cache beside it reuses every
unchanged record. A file whose (size, mtime_ns, inode) are as noted skips
the hashing (digest.py); the cache and the output travel together, since
the output holds the unchanged records' files and the cache says which.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import os
import sqlite3
import stat
import sys
import time
from contextlib import closing, contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from ..config import SiteConfig
from ..model import NO_STAMP, ArtifactRead, Diagnostic, RecordOutcome, Stamp
from ..records.load import SourceFile
from ..search.index import BUNDLE_FOLDERS
from ..search.offline import OfflineIndex, OfflineState, Posting
from ..search.offline_update import Before
from .digest import file_sha256, same_bytes, settled, stamp_of
from .cachedb import (SCHEMA_VERSION, Rows, check_header, connect, read_group, read_meta, read_records, read_texts,
                      record_row, row, update, write_new)
from .stored import (TEXT_COLUMNS, BuildState, CacheEntry, CacheFailed, SearchFiles, SitewideFile, TextDigests,
                     Unusable, entry_from_json, entry_json, text_digests, text_sha256,
                     env_from_json, group_from_json, group_json, loads, offline_from_json, offline_json,
                     search_from_json, search_json, sitewide_from_json, sitewide_json, state_from_json, state_json)
from .write import plain_relative

# The rows not reused whose words and filters are kept for the offline index (search/offline_update.py):
# beyond this many the index is made whole anyway, and their texts are not held.
_PREVIOUS_ROWS = 4096
_BATCH = 500  # rows a query reads texts of


def cache_path(config: SiteConfig) -> Path:
    """Beside the output folder, so that it travels with it and never with the content."""
    return config.output_dir.parent / f".{config.output_dir.name}.cache"


def _hash_tree(digest: "hashlib._Hash", folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())


def environment_key(config: SiteConfig, site: object, search: bool) -> str:
    """A hash of everything besides the record itself that a record's outputs depend on."""
    return environment_keys(config, [(site, search)])[0]


def environment_keys(config: SiteConfig, settings: Iterable[tuple[object, bool]]) -> list[str]:
    """environment_key for each (site, search) given, the files hashed once: `sitegen check` cannot tell
    whether the build it reads made a search index, so it accepts either."""
    digest = hashlib.sha256(f"sitegen-cache-{SCHEMA_VERSION}\n".encode())
    package = Path(str(resources.files("sitegen")))
    _hash_tree(digest, package)  # the generator's code, contracts and defaults: its real version
    # Every folder templates are looked up in, the default look's too (in a checkout it lies beside
    # the package): an override added, changed or removed changes the key, as an edited default does.
    for index, folder in enumerate(config.layout_folders):
        digest.update(f"layouts {index}\0".encode())
        _hash_tree(digest, folder)
    keys = []
    for site, search in settings:
        key = digest.copy()
        # The content folder as the site names it, not where this checkout happens to be: a clone
        # elsewhere (a CI runner) renders the same bytes.
        key.update(repr((config.source_text, config.base_url, config.rel(config.content_dir), search, site)).encode())
        keys.append(key.hexdigest())
    return keys


# -- the cache of one build --------------------------------------------------------------------

class BuildCache:
    """The cache of one output folder: read when a build starts, brought up to date when it has published."""

    def __init__(self, config: SiteConfig, env: str, *, read: bool = True):
        """Read the cache beside config's output folder (unless read is False, as with --no-cache)."""
        self.config, self.env, self.path = config, env, cache_path(config)
        self.records_usable = False  # whether rows may be reused: the file is sound and env matches
        self.rewrite = True  # whether save writes a new file instead of updating this one
        self.search = SearchFiles("", ())
        self.state: BuildState | None = None
        self.sitewide: dict[str, SitewideFile] = {}  # the previous build's site-wide files, by key
        self._sitewide_now: list[SitewideFile] = []  # this build's, noted by remember_sitewide
        self._unchanged: set[str] = set()  # rows reused exactly as they are: left alone by save
        self._restamped: dict[str, CacheEntry] = {}  # rows reused by content whose stamps are new
        self._folders: dict[str, bool] = {}  # folders of the previous output found to be real folders
        self._said = False  # whether the one line about an unusable cache has been printed
        self.offline: OfflineState | None = None  # the previous build's offline index
        self.reused_urls: set[str] = set()  # the records whose rows reusable gave back
        # url -> (words, filter values) of the previous build's records whose rows were not reused; None: too many
        self._previous: dict[str, tuple[str, Mapping[str, str]]] | None = {}
        self._offline_now: OfflineIndex | None = None  # this build's, noted by remember_offline
        self._offline_kept: Callable[[], Iterable[tuple[str, ...]]] | None = None
        if read and os.path.lexists(self.path):
            self._read()

    def _read(self) -> None:
        if self.path.is_symlink():
            self._give_up("it is a symbolic link")  # SQLite would write wherever it points
            return
        try:
            with closing(connect(self.path)) as conn:
                check_header(conn)
                meta = read_meta(conn)
            env = env_from_json(meta["env"])
            search, state = search_from_json(meta["search"]), state_from_json(meta["state"])
            sitewide = sitewide_from_json(meta["sitewide"])
            offline = offline_from_json(meta["offline"])
        except Unusable as why:
            self._give_up(str(why))
            return
        except sqlite3.Error as error:
            self._give_up(f"it is damaged or not an SQLite database: {error}")
            return
        # The search bundle depends on the search entries only, so it survives a change of environment.
        self.search = search
        if env == self.env:
            self.records_usable, self.rewrite, self.state = True, False, state
            self.sitewide = sitewide  # their keys hold the environment key too; a change of it matches none
            self.offline = offline  # its words were cut by this generator: the environment key says so

    def _give_up(self, reason: str) -> None:
        """Say once why the cache is ignored, and use none of it."""
        if not self._said:
            print(f"sitegen: the build cache {self.config.rel(self.path)} could not be used ({reason}); "
                  "rebuilding every record", file=sys.stderr)
            self._said = True
        self.records_usable, self.rewrite, self.state = False, True, None
        self.search = SearchFiles("", ())
        self.sitewide = {}
        self.offline = None
        self._unchanged.clear()
        self._restamped.clear()
        self.reused_urls.clear()
        self._previous = {}

    # -- a build with nothing to do --

    def up_to_date(self, inputs: str) -> tuple[tuple[Diagnostic, ...], tuple[int, int, int, bool]] | None:
        """The previous build's diagnostics and result when its inputs and its published output are exactly as they were."""
        state = self.state
        if state is None or not inputs or state.inputs != inputs or _output_digest(self.config.output_dir) != state.output:
            return None
        return state.diagnostics, state.result

    # -- records --

    def reusable(self, sources: Sequence[SourceFile],
                 keep: Callable[[RecordOutcome, TextDigests], RecordOutcome] | None = None) -> dict[str, RecordOutcome]:
        """Last build's outcome of every source whose file, artifact and published files are unchanged, by rel path.

        Every row consulted is checked in full first; one bad row and no row is used.
        keep: given each outcome found, without its texts, and the digests of its texts, as it is read: the
        spill (engine/spill.py) reads them from here only when a file being made needs them (read_texts).
        Without it, the outcomes come with their texts.
        """
        if not self.records_usable:
            return {}
        wanted = {source.rel: source for source in sources}
        found: dict[str, RecordOutcome] = {}
        previous: list[CacheEntry] = []  # rows not reused: what the offline index held of them
        try:
            content: Path | None = self.config.content_dir.resolve()  # once, not once per record with an artifact
        except (OSError, RuntimeError):
            content = None  # unchanged_inputs tries again, and gives up on the record
        try:
            with closing(connect(self.path)) as conn:
                for rel, value in read_records(conn):
                    source = wanted.get(rel)  # type: ignore[arg-type]
                    if source is None:  # a deleted record: save drops its row
                        if self.offline is not None:
                            previous.append(entry_from_json(value, rel))  # type: ignore[arg-type]
                        continue
                    entry = entry_from_json(value, source.rel)
                    outcome = self._still_valid(entry, source, content)
                    if outcome is not None:
                        found[source.rel] = keep(outcome, entry.texts) if keep is not None else outcome
                        self.reused_urls.add(entry.outcome.record.url)  # type: ignore[union-attr]
                        if keep is None:
                            previous.append(entry)  # its texts are read below, with the rows not reused
                    elif self.offline is not None:
                        previous.append(entry)
                if keep is None:
                    found.update(self._with_texts(conn, [e for e in previous if e.outcome.rel_path in found], found))
                self._note_previous(conn, [e for e in previous if e.outcome.rel_path not in found])
        except Unusable as why:
            self._give_up(str(why))
            return {}
        except sqlite3.Error as error:
            self._give_up(f"it is damaged: {error}")
            return {}
        return found

    def _with_texts(self, conn: sqlite3.Connection, entries: Sequence[CacheEntry],
                    found: Mapping[str, RecordOutcome]) -> dict[str, RecordOutcome]:
        """The outcomes of entries with their texts read back, for a caller that keeps outcomes whole."""
        out: dict[str, RecordOutcome] = {}
        for start in range(0, len(entries), _BATCH):
            batch = entries[start:start + _BATCH]
            search, index_cards, browse_cards, words = (_entry_texts(conn, column, batch) for column in TEXT_COLUMNS)
            for n, entry in enumerate(batch):
                rel = entry.outcome.rel_path
                out[rel] = dataclasses.replace(found[rel], search=search[n], cards=(index_cards[n], browse_cards[n]),
                                               words=words[n])
        return out

    def _note_previous(self, conn: sqlite3.Connection, entries: Sequence[CacheEntry]) -> None:
        """Keep what the offline index held of the records whose rows are not reused: their words and filter values."""
        if self.offline is None or not entries:
            return
        if len(entries) > _PREVIOUS_ROWS:
            self._previous = None  # so many changed that the offline index is made whole
            return
        assert self._previous is not None
        for start in range(0, len(entries), _BATCH):
            batch = entries[start:start + _BATCH]
            for entry, search, words in zip(batch, _entry_texts(conn, "search", batch),
                                            _entry_texts(conn, "words", batch)):
                what = f"the search entry for {entry.outcome.rel_path}"
                value = loads(search, what)
                filters = value.get("filters") if isinstance(value, dict) else None
                if not isinstance(filters, dict) or not all(isinstance(v, str) for v in filters.values()):
                    raise Unusable(f"{what} has malformed filters")
                self._previous[entry.outcome.record.url] = (words, filters)  # type: ignore[union-attr]

    def read_texts(self, column: str, rows: Sequence[tuple[str, str]]) -> list[str]:
        """column's text (stored.TEXT_COLUMNS) of each (rel path, sha256) row, in order, each checked against its
        sha256; CacheFailed when the file or any of them is not as its row's JSON says."""
        out: list[str] = []
        with self._late_read() as conn:
            for start in range(0, len(rows), _BATCH):
                out += _checked_texts(conn, column, rows[start:start + _BATCH])
        return out

    @contextmanager
    def _late_read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection for what the build reads of the cache once it has begun to use it, when a fault
        can no longer make it set the cache aside: it is CacheFailed, and the build starts again without it."""
        try:
            with closing(connect(self.path, read_only=True)) as conn:
                yield conn
        except Unusable as why:
            raise CacheFailed(f"the build cache {self.config.rel(self.path)} could not be used ({why})") from None
        except sqlite3.Error as error:
            raise CacheFailed(f"the build cache {self.config.rel(self.path)} could not be used "
                              f"(it is damaged: {error})") from None

    def _still_valid(self, entry: CacheEntry, source: SourceFile, content: Path | None) -> RecordOutcome | None:
        outcome = entry.outcome
        inputs = unchanged_inputs(self.config, outcome, source, content)
        if inputs is None:
            return None
        source_stamp, artifact = inputs
        stamps = []
        for rel, digest, stamp in zip(outcome.outputs, outcome.output_digests, entry.output_stamps):
            same, now = self._previous_file(rel, digest, stamp)
            if not same:
                return None
            stamps.append(now)
        if source_stamp == outcome.fingerprint and tuple(stamps) == entry.output_stamps \
                and (artifact is None or artifact == outcome.artifact):
            self._unchanged.add(outcome.rel_path)
            return outcome
        outcome = dataclasses.replace(outcome, fingerprint=source_stamp, artifact=artifact)
        self._restamped[outcome.rel_path] = CacheEntry(outcome, tuple(stamps), entry.texts)
        return outcome

    def _previous_file(self, rel: str, sha256: str, stamp: Stamp) -> tuple[bool, Stamp]:
        """Whether rel is a regular file of the previous output, through real folders only, with these bytes."""
        # Plain strings, not Path objects: this runs for every output of every record.
        output = str(self.config.output_dir)
        end = rel.find("/")
        while end != -1:
            folder = rel[:end]
            real = self._folders.get(folder)
            if real is None:
                try:
                    real = stat.S_ISDIR(os.lstat(f"{output}/{folder}").st_mode)  # lstat: a link to a folder is no folder
                except OSError:
                    real = False
                self._folders[folder] = real
            if not real:
                return False, stamp
            end = rel.find("/", end + 1)
        return same_bytes(f"{output}/{rel}", sha256, stamp, regular_only=True)

    # -- the search bundle --

    def reusable_search(self, key: str) -> list[str] | None:
        """The published search bundle's files, if they were built from the same entries and are untouched."""
        if key != self.search.key or not self.search.files:
            return None
        files = []
        for rel, digest, stamp in self.search.files:
            same, now = self._previous_file(rel, digest, stamp)
            if not same:
                return None
            files.append((rel, digest, now))
        self.search = SearchFiles(key, tuple(files))
        return [rel for rel, _digest, _stamp in files]

    def remember_search(self, key: str, stage: Path) -> None:
        """Note the bundle files just built in the staging folder, by content; their stamps are taken once published."""
        files = [p for folder in BUNDLE_FOLDERS if (stage / folder).is_dir()
                 for p in (stage / folder).rglob("*") if p.is_file()]
        self.search = SearchFiles(key, tuple(sorted((p.relative_to(stage).as_posix(), file_sha256(p), NO_STAMP)
                                                    for p in files)))

    # -- the site-wide files --

    def reusable_sitewide(self, key: str, path: str) -> SitewideFile | None:
        """The previous output's file at path, when it was made from the same inputs (key) and is untouched."""
        found = self.sitewide.get(key) if self.records_usable else None
        if found is None or found.path != path:
            return None
        same, now = self._previous_file(path, found.sha256, found.stamp)
        return SitewideFile(key, path, found.sha256, now) if same else None

    def remember_sitewide(self, files: Iterable[SitewideFile]) -> None:
        """Note this build's site-wide files (made or linked); their stamps are taken once published."""
        self._sitewide_now = list(files)

    # -- the offline index --

    def offline_before(self) -> Before | None:
        """What the previous build left of its offline index, once reusable has run; None when it cannot be used."""
        if not self.records_usable or self.offline is None or self._previous is None:
            return None
        return Before(self.offline, self._load_group, self._previous)

    def _load_group(self, group: str) -> dict[str, Posting]:
        with self._late_read() as conn:
            value = read_group(conn, group)
            if value is None:
                raise Unusable(f"the offline index's words {group!r} are missing")
            return group_from_json(value, group)

    def remember_offline(self, index: OfflineIndex,
                         kept: Callable[[], Iterable[tuple[str, ...]]] | None = None) -> None:
        """Note this build's offline index, for save; kept: the rows of the word groups made whole and stored
        elsewhere as they were made (engine/spill.py, keep_group)."""
        self._offline_now, self._offline_kept = index, kept

    def _offline_rows(self) -> tuple[object, Iterable[tuple[str, ...]], list[str], bool]:
        """The offline index's meta entry, its word groups' rows, the groups gone, and whether the rows are all."""
        index = self._offline_now
        if index is None or (self.rewrite and not index.whole):
            return None, (), [], True  # nothing to go on next time: that build makes it whole
        rows: Iterable[tuple[str, ...]] = (row(group, group_json(members)) for group, members in index.groups.items()
                                           if members is not None)
        if self._offline_kept is not None:
            rows = itertools.chain(rows, self._offline_kept())
        return offline_json(index.state), rows, [g for g, members in index.groups.items() if members is None], index.whole

    # -- the end of a build --

    def save(self, outcomes: Iterable[RecordOutcome], inputs: str, diagnostics: tuple[Diagnostic, ...],
             result: tuple[int, int, int, bool],
             texts: Callable[[RecordOutcome], tuple[str, tuple[str, str], str]] | None = None) -> None:
        """Note what every good record wrote, with the stamps of the published files, and what this build read.

        texts: an outcome's search entry, cards and words, when they are not in the outcome (engine/spill.py).

        Called once the output is published, under the build lock. A cache that cannot be
        written is said so and left as it was: its rows still match the files they name.
        """
        now = time.time_ns()
        output = self.config.output_dir
        made: list[CacheEntry] = []  # rendered by this build: whole rows
        restamped: list[CacheEntry] = []  # reused by content, with new stamps: their JSON only
        keep: set[str] = set()
        for outcome in outcomes:
            if outcome.rel_path in self._unchanged:
                keep.add(outcome.rel_path)
            elif outcome.rel_path in self._restamped:
                restamped.append(_settled(self._restamped[outcome.rel_path], now))
            else:
                entry = _published_entry(outcome, output, now)
                if entry is not None:
                    made.append(entry)

        # Made one at a time as SQLite takes them: all rows' JSON at once would double the build's memory.
        def whole_row(entry: CacheEntry) -> tuple[str, ...]:
            outcome = entry.outcome
            search, cards, words = texts(outcome) if texts is not None else (outcome.search, outcome.cards, outcome.words)
            entry = dataclasses.replace(entry, texts=text_digests(search, cards, words))
            return record_row(outcome.rel_path, entry_json(entry), (search, *cards, words))

        def json_row(entry: CacheEntry) -> tuple[str, str, str]:
            rel, text, sha256 = row(entry.outcome.rel_path, entry_json(entry))
            return text, sha256, rel

        rows = (whole_row(entry) for entry in made)
        written = {entry.outcome.rel_path for entry in (*made, *restamped)}
        search = SearchFiles(self.search.key, tuple((rel, digest, _lstamp(output / rel))
                                                   for rel, digest, _stamp in self.search.files))
        sitewide = [SitewideFile(f.key, f.path, f.sha256, _lstamp(output / f.path)) for f in self._sitewide_now]
        offline, groups, gone, whole = self._offline_rows()
        meta = {"env": self.env, "search": search_json(search), "sitewide": sitewide_json(sitewide),
                "state": state_json(BuildState(inputs, _output_digest(output), diagnostics, result)),
                "offline": offline}
        # The pickle file that sitegen wrote beside the cache before it was SQLite: nothing reads it.
        with suppress(OSError):
            self.path.with_name(f".{output.name}.state").unlink(missing_ok=True)
        try:
            if self.rewrite:  # nothing was reused, so nothing was restamped
                write_new(self.path, Rows(meta, rows, groups))
            else:
                update(self.path, Rows(meta, rows, groups, gone, whole, map(json_row, restamped)), keep | written)
        except (OSError, sqlite3.Error, UnicodeError) as error:
            print(f"sitegen: the build cache {self.config.rel(self.path)} could not be written ({error}); "
                  "the next build renders more records again", file=sys.stderr)


def unchanged_inputs(config: SiteConfig, outcome: RecordOutcome, source: SourceFile, content: Path | None = None
                     ) -> tuple[Stamp, ArtifactRead | None] | None:
    """The stamps of the record file and of its local artifact now, when both still hold the bytes
    the noted outcome was made from; None when either changed (or the artifact now lies outside).

    content: the content folder resolved, when the caller asks for many records.
    """
    assert outcome.record is not None
    if outcome.record.slug != source.slug:
        return None
    same, source_stamp = same_bytes(source.path, outcome.record.digest, outcome.fingerprint)
    if not same:
        return None
    artifact = outcome.artifact
    if artifact is not None:
        # Validation refused an artifact outside the content folder; a link made since is refused here.
        if not plain_relative(artifact.path):
            return None
        try:
            content = content or config.content_dir.resolve()
            target = content.joinpath(*artifact.path.split("/")).resolve()
        except (OSError, RuntimeError):  # RuntimeError: a loop of symbolic links
            return None
        if not target.is_relative_to(content):
            return None
        same, artifact_stamp = same_bytes(target, artifact.sha256, artifact.stamp)
        if not same:
            return None
        artifact = dataclasses.replace(artifact, stamp=artifact_stamp)
    return source_stamp, artifact


def _lstamp(path: Path) -> Stamp:
    try:
        st = os.lstat(path)
    except OSError:
        return NO_STAMP
    return stamp_of(st) if stat.S_ISREG(st.st_mode) else NO_STAMP


def _settled(entry: CacheEntry, now_ns: int) -> CacheEntry:
    """The entry with the stamps of its inputs dropped where they are too recent to be trusted next time."""
    outcome, artifact = entry.outcome, entry.outcome.artifact
    if artifact is not None:
        artifact = dataclasses.replace(artifact, stamp=settled(artifact.stamp, now_ns))
    return CacheEntry(dataclasses.replace(outcome, fingerprint=settled(outcome.fingerprint, now_ns), artifact=artifact),
                      entry.output_stamps, entry.texts)


def _published_entry(outcome: RecordOutcome, output: Path, now_ns: int) -> CacheEntry | None:
    """A freshly rendered record's row, or None when it must not be kept (errors, a missing file, no artifact digest)."""
    record = outcome.record
    if record is None or any(d.level == "error" for d in outcome.diagnostics) or not outcome.outputs \
            or len(outcome.output_digests) != len(outcome.outputs):
        return None
    named = record.fields["gate"].get("artifact") or {}
    if ("path" in named) != (outcome.artifact is not None):
        return None  # the artifact changed or vanished while the record was rendered
    stamps = tuple(_lstamp(output / rel) for rel in outcome.outputs)
    if NO_STAMP in stamps:
        return None
    return _settled(CacheEntry(outcome, stamps, _NO_TEXTS), now_ns)  # the texts' digests are taken as it is saved


# -- the whole site at once: a build with nothing to do ----------------------------------------

def _stamps(folder: Path) -> dict[str, Stamp]:
    """(size, mtime_ns, inode) of every file under folder, by relative path."""
    out: dict[str, Stamp] = {}
    if not folder.is_dir():
        return out
    base = len(str(folder)) + 1
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            out[path[base:]] = stamp_of(os.lstat(path))
    return out


def _output_digest(folder: Path) -> str:
    """One digest of every published file's path and stamp: equal digests, untouched output."""
    digest = hashlib.sha256()
    for path, (size, mtime, inode) in sorted(_stamps(folder).items()):
        digest.update(f"{path}\0{size} {mtime} {inode}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def inputs_fingerprint(config: SiteConfig, env: str) -> str:
    """Everything a build reads: the environment key and the stamps of every content and asset file.

    "" when a file changed too recently for its stamp to be trusted (digest.RACY_NS): then
    the next build cannot be one with nothing to do, and checks each record by content.
    """
    now = time.time_ns()
    digest = hashlib.sha256(env.encode())
    for folder in (config.content_dir, *config.asset_folders):
        stamps = _stamps(folder)
        if any(settled(stamp, now) == NO_STAMP for stamp in stamps.values()):
            return ""
        digest.update(repr(sorted(stamps.items())).encode())
    return digest.hexdigest()


_NO_TEXTS = ("",) * len(TEXT_COLUMNS)


def _text(value: object, sha256: str, rel: str, column: str) -> str:
    """A text read back from a record's row, once it has the sha256 the row's JSON gives it."""
    if not isinstance(value, str) or text_sha256(value) != sha256:
        raise Unusable(f"the {column.replace('_', ' ')} of {rel} is damaged (it does not match its row)")
    return value


def _checked_texts(conn: sqlite3.Connection, column: str, rows: Sequence[tuple[str, str]]) -> list[str]:
    """column's text of each (rel path, sha256) row, in order, each checked against its sha256."""
    stored = read_texts(conn, column, [rel for rel, _digest in rows])
    return [_text(stored.get(rel), digest, rel, column) for rel, digest in rows]


def _entry_texts(conn: sqlite3.Connection, column: str, entries: Sequence[CacheEntry]) -> list[str]:
    """column's text of each entry's row, in order, checked against the digests its JSON names."""
    index = TEXT_COLUMNS.index(column)
    return _checked_texts(conn, column, [(e.outcome.rel_path, e.texts[index]) for e in entries])

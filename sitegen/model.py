"""Typed records passed between the stages. Frozen dataclasses only, no I/O.

Data flows one way: load produces RawRecord, validate turns it into Record
(or Diagnostics), render turns Records into Pages, write puts Pages on disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Literal, Mapping, NamedTuple

Level = Literal["error", "warning"]

# A path into a YAML document: mapping keys and sequence indexes, e.g.
# ("gate", "artifact", "sha256") or ("claims", 3, "text").
YamlPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class SourcePos:
    """A place in a source file, for messages."""

    path: str  # as shown to the maintainer: relative to the site root, forward slashes
    line: int  # 1-based
    col: int = 1  # 1-based


class NodePos(NamedTuple):
    """Where a YAML value was written: its key (for mapping entries) and its value.

    A NamedTuple rather than a frozen dataclass: the loader makes one per value,
    and tuple construction is several times cheaper.
    """

    key_line: int
    key_col: int
    value_line: int
    value_col: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in an input file."""

    pos: SourcePos
    level: Level
    message: str
    rule: str  # short rule name, shown in brackets: [duplicate-key]
    hint: str | None = None  # the likely fix, when there is one worth saying

    def sort_key(self) -> tuple[str, int, int, int, str]:
        """Order by file, then line and column; errors before warnings at one place."""
        return (self.pos.path, self.pos.line, self.pos.col, 0 if self.level == "error" else 1, self.message)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A record file split into front matter and body, parsed but not yet validated."""

    slug: str  # file name without .md
    rel_path: str  # shown in messages, e.g. content/records/x.md
    data: Mapping[str, Any]  # the front matter as plain JSON-shaped values
    positions: Mapping[YamlPath, NodePos]  # where each value was written (file lines)
    body_md: str  # the Markdown body, LF line endings
    body_line: int  # file line where the body starts
    digest: str  # sha256 of the file's bytes, for caches and change detection


@dataclass(frozen=True, slots=True)
class Record:
    """A validated record: the front matter follows its contracts."""

    slug: str
    rel_path: str
    id: str
    title: str
    submitted: dt.date
    language: str
    fields: Mapping[str, Any]  # the validated front matter, contract-shaped
    body_md: str
    body_line: int
    digest: str

    @property
    def url(self) -> str:
        """The page's path relative to the site root."""
        return f"records/{self.slug}.html"

    @property
    def correction_status(self) -> str:
        return self.fields["corrections"]["status"]

    @property
    def updated(self) -> dt.date:
        """The day the record last changed for a reader: its latest correction entry, or its submission."""
        entries = self.fields["corrections"]["entries"]
        return max([self.submitted, *(dt.date.fromisoformat(e["date"]) for e in entries)])


@dataclass(frozen=True, slots=True)
class Alias:
    """A retired page address (content/aliases.yaml): records/<slug>.html redirects to the record with this id."""

    slug: str  # the old slug; its address stays a redirect and never carries another record
    id: str  # the record it leads to, by registry id, so that a later rename leaves this line as it is
    pos: SourcePos  # where the alias is written, for messages

    @property
    def url(self) -> str:
        """The redirect page's path relative to the site root."""
        return f"records/{self.slug}.html"


@dataclass(frozen=True, slots=True)
class ContentPage:
    """A validated page from content/pages/ (About, the guide): Markdown with a title."""

    slug: str  # file name without .md; the page is written to <slug>.html
    rel_path: str  # shown in messages, e.g. content/pages/guide.md
    title: str
    description: str  # one or two sentences for the meta description; may be ""
    nav: str  # the short label in the site navigation
    body_md: str
    body_line: int  # file line where the body starts

    @property
    def url(self) -> str:
        """The page's path relative to the site root."""
        return f"{self.slug}.html"


@dataclass(frozen=True, slots=True)
class Page:
    """One output file: where it goes and its bytes."""

    out_path: PurePosixPath  # relative to the output folder
    content: bytes
    source: str = ""  # what it was made from, for messages (a record path, "index", "assets/")


@dataclass(frozen=True, slots=True)
class PagePlan:
    """A site-wide file before it is made: where it goes, a key of exactly what its bytes depend on, and how to make it.

    Two plans with one key and one path make the same bytes (given the same environment key:
    the generator, layouts, configuration and site-wide facts), so the build may hard-link the
    previous output's file instead of calling make (engine/sitewide.py).
    """

    out_path: PurePosixPath  # relative to the output folder
    key: str  # plan_key of its inputs: the items it shows, in order, and the page's own parameters
    make: Callable[[], bytes]
    source: str = ""  # what it is made from, for messages

    def page(self) -> Page:
        """The file, made."""
        return Page(self.out_path, self.make(), self.source)


def plan_key(*parts: object) -> str:
    """A PagePlan's key: the sha256 of the parts' reprs (plain data: strings, numbers, tuples, frozen dataclasses)."""
    digest = hashlib.sha256()
    for part in parts:
        data = (part if isinstance(part, str) else repr(part)).encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)  # lengths first: no two lists of parts hash alike
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file copied into the output as it is (an asset, an artifact, a contract)."""

    out_path: PurePosixPath  # relative to the output folder
    source: Path  # absolute path of the file to copy


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did; ok is False when nothing was published."""

    ok: bool
    records: int = 0  # record pages written
    pages: int = 0  # HTML pages written, records included
    files: int = 0  # every file written or copied, the search bundle excluded
    errors: int = 0
    warnings: int = 0
    elapsed: float = 0.0  # seconds
    indexed: bool = False  # whether the Pagefind index was built
    sitewide: int = 0  # site-wide files (index, browse, statistics, feeds, dumps, offline search): how many there are
    sitewide_reused: int = 0  # how many of them were linked unchanged from the previous output, not made again
    diagnostics: tuple[Diagnostic, ...] = field(default=(), repr=False)  # every problem found
    outcomes: tuple["RecordOutcome", ...] = field(default=(), repr=False)  # per record, for the live preview


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What load and validate found: the good records and every problem."""

    records: tuple[Record, ...]
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    files_checked: int = 0  # record files; pages are counted apart
    pages: tuple[ContentPage, ...] = field(default=())  # content/pages/*.md, sorted by slug
    aliases: tuple[Alias, ...] = field(default=())  # the retired addresses that lead to a record, sorted by slug
    reused: int = 0  # records whose results came from the build cache, unchanged since the build validated them

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.level == "warning")


# (size, mtime_ns, inode) of a file. When all three are unchanged its bytes are taken as
# unchanged without reading them, as git's index does; (-1, -1, -1) matches no file.
Stamp = tuple[int, int, int]
NO_STAMP: Stamp = (-1, -1, -1)


@dataclass(frozen=True, slots=True)
class ArtifactRead:
    """The local artifact a record names, as its validation read it: different bytes must be validated again."""

    path: str  # gate.artifact.path as written: relative to the content folder, forward slashes
    sha256: str  # of the file's bytes, as 64 hex digits
    stamp: Stamp  # taken just before the bytes were read


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What happened to one record file: its problems and, for a good record, what it produced.

    Worker processes return these to the main process; the rendered bytes
    themselves never travel back, they are written where they belong. The
    sha256 of the record file's bytes is record.digest.
    """

    rel_path: str
    fingerprint: Stamp  # of the record file, taken just before it was read
    diagnostics: tuple[Diagnostic, ...]
    record: Record | None  # None when the record has errors
    id_pos: tuple[int, int] | None = None  # where the id is written, for cross-record messages
    outputs: tuple[str, ...] = ()  # output paths written for this record, relative to the output folder
    search: str = ""  # the record's entry in the offline search data, as script-safe JSON
    cards: tuple[str, str] = ("", "")  # its card on the index and on the browse pages, as HTML
    artifact: ArtifactRead | None = None  # the local artifact validation read, if the record names one
    output_digests: tuple[str, ...] = ()  # sha256 of each output's bytes, in the order of outputs
    # The words the offline index finds it by (search/offline.py, entry_words), sorted, one space apart: cut
    # once, in the worker that renders the record, and kept in the build cache like its cards.
    words: str = ""
    # True when the build keeps search, cards and words on disk instead (engine/spill.py): they read "" here.
    spilled: bool = False

"""Atom feeds: new records (feeds/records.xml) and corrections and retractions (feeds/corrections.xml).

Both feeds are always written. Feed readers subscribe to a URL, and Atom
(RFC 4287) resolves relative links against the feed's own address, so a site
without a base URL still has working feeds once it is hosted anywhere. With a
base URL the feed also carries xml:base and an absolute rel="self" link, which
some readers want.

Each feed holds its newest FEED_ENTRIES entries; older ones are in archived
feed documents (RFC 5005, section 4), cut from the oldest entry on in chunks of
FEED_ENTRIES, so an archive never changes once written (but for a corrected
record's entry): feeds/archive/records-1.xml holds the oldest hundred records.
The current feed links the newest archive (rel="prev-archive"), each archive
its neighbours and the current feed. Only full chunks are archived; the
newest entries are always in the current feed.

Ids must never change (a changed id is a new entry to every reader), so they
are not built from URLs, which change when a site moves: each id is a
name-based UUID (RFC 4122 version 5) of the registry id, plus the correction
entry's id for corrections. Timestamps come from the records (submission and
correction dates), never from the clock, so rebuilds are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Callable, Iterable, Sequence, TypeVar
from xml.sax.saxutils import escape, quoteattr

from ..config import SiteConfig
from ..model import Page, PagePlan, Record, plan_key
from .markdown import inline_text
from .render import index_order

ATOM_NS = "http://www.w3.org/2005/Atom"
RECORDS_FEED = PurePosixPath("feeds/records.xml")
CORRECTIONS_FEED = PurePosixPath("feeds/corrections.xml")
FEED_ENTRIES = 100  # the newest this many in each feed, and this many in each archived feed document
HISTORY_NS = "http://purl.org/syndication/history/1.0"  # RFC 5005
# A fixed namespace for the name-based ids; changing it would re-announce every entry.
_ID_NAMESPACE = uuid.UUID("0f3c2a5e-9d4b-5e8a-b1c7-3a6f2d8e4b10")
# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Entry:
    """One feed entry, before it is written as XML."""

    id: str  # urn:uuid:...
    title: str
    link: str  # relative to the site root
    updated: str  # RFC 3339
    published: str | None
    author: str
    summary: str
    categories: tuple[tuple[str, str], ...] = ()  # (scheme, term)
    related: str | None = None  # an absolute http(s) URL, e.g. a published notice


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("\ufffd", value))


def _stamp(day: str | dt.date) -> str:
    """A date as an RFC 3339 timestamp at midnight UTC: records are dated by the day."""
    return f"{day if isinstance(day, str) else day.isoformat()}T00:00:00Z"


def entry_id(*parts: str) -> str:
    """A permanent id for a record or a correction entry, independent of where the site is hosted."""
    return "urn:uuid:" + str(uuid.uuid5(_ID_NAMESPACE, "/".join(parts)))


def _record_entries(ordered: Iterable[Record], config: SiteConfig) -> list[Entry]:
    entries = []
    for record in ordered:
        fields = record.fields
        status = record.correction_status
        title = record.title if status == "current" else f"[{config.correction_statuses[status]['label']}] {record.title}"
        entries.append(Entry(
            id=entry_id(record.id), title=title, link=record.url, updated=_stamp(record.updated),
            published=_stamp(record.submitted), author=fields["publisher"],
            summary=inline_text(fields["abstract"], max_nesting=config.limits.max_markdown_nesting),
            categories=(("level", fields["verification"]["level"]), ("gate", fields["gate"]["status"]),
                        ("tier", fields["tier"]["tier"]), ("status", status)),
        ))
    return entries


def correction_entries(records: Iterable[Record], config: SiteConfig) -> list[Entry]:
    """Every correction entry of every record, newest first."""
    found = [(entry, record) for record in records for entry in record.fields["corrections"]["entries"]]
    found.sort(key=lambda pair: (pair[0]["date"], pair[1].id, int(pair[0]["id"][1:])), reverse=True)
    entries = []
    for entry, record in found:
        kind = entry["kind"].replace("-", " ").capitalize()
        entries.append(Entry(
            id=entry_id(record.id, entry["id"]), title=f"{kind}: {record.title}",
            link=f"{record.url}#correction-{entry['id'].lower()}", updated=_stamp(entry["date"]), published=None,
            author=record.fields["publisher"], summary=entry["summary"],
            categories=(("kind", entry["kind"]), ("status", record.correction_status)), related=entry.get("notice"),
        ))
    return entries


def _entry_xml(entry: Entry, base: str) -> str:
    lines = [
        "  <entry>",
        f"    <id>{_text(entry.id)}</id>",
        f"    <title type=\"text\">{_text(entry.title)}</title>",
        f"    <link rel=\"alternate\" type=\"text/html\" href={_attr(base + entry.link)}/>",
    ]
    if entry.related:
        lines.append(f"    <link rel=\"related\" href={_attr(entry.related)}/>")
    if entry.published:
        lines.append(f"    <published>{entry.published}</published>")
    lines += [
        f"    <updated>{entry.updated}</updated>",
        f"    <author><name>{_text(entry.author)}</name></author>",
        *(f"    <category scheme={_attr(scheme)} term={_attr(term)}/>" for scheme, term in entry.categories),
        f"    <summary type=\"text\">{_text(entry.summary)}</summary>",
        "  </entry>",
    ]
    return "\n".join(lines)


def archive_path(current: PurePosixPath, number: int) -> PurePosixPath:
    """Where archived document `number` (1 = the oldest entries) of a feed lives: feeds/archive/records-1.xml."""
    return current.parent / "archive" / f"{current.stem}-{number}.xml"


def feed_xml(path: PurePosixPath, title: str, entries: Sequence[Entry], config: SiteConfig,
             fallback_updated: str, history: Sequence[tuple[str, PurePosixPath]] = (), archive: bool = False) -> str:
    """One Atom feed document; its own updated is its newest entry's, or fallback_updated when it has none.

    history: RFC 5005 links (rel, path from the site root) to the current and archived documents;
    archive marks an archived document (fh:archive).
    """
    base = config.base_url
    updated = max((e.updated for e in entries), default=fallback_updated)
    # Entry links are written from the site root; a feed at feeds/x.xml reaches the root with "../".
    root = base or "../" * (len(path.parts) - 1)
    history_ns = f" xmlns:fh=\"{HISTORY_NS}\"" if archive else ""
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<feed xmlns=\"{ATOM_NS}\"{history_ns}" + (f" xml:base={_attr(base)}" if base else "")
        + f" xml:lang={_attr(config.language)}>",
        f"  <id>{entry_id('feed', path.as_posix())}</id>",
        f"  <title type=\"text\">{_text(title)}</title>",
    ]
    if config.description:
        head.append(f"  <subtitle type=\"text\">{_text(config.description)}</subtitle>")
    head += [
        f"  <updated>{updated}</updated>",
        f"  <link rel=\"alternate\" type=\"text/html\" href={_attr(root + 'index.html')}/>",
    ]
    if base:
        head.append(f"  <link rel=\"self\" type=\"application/atom+xml\" href={_attr(base + path.as_posix())}/>")
    head += [f"  <link rel=\"{rel}\" type=\"application/atom+xml\" href={_attr(root + target.as_posix())}/>"
             for rel, target in history]
    if archive:
        head.append("  <fh:archive/>")
    head.append("  <generator>sitegen</generator>")
    return "\n".join(head + [_entry_xml(e, root) for e in entries] + ["</feed>"]) + "\n"


Item = TypeVar("Item")


def _feed_documents(path: PurePosixPath, title: str, items: Sequence[Item], identity: Callable[[Item], object],
                    entries_of: Callable[[Sequence[Item]], list[Entry]], config: SiteConfig,
                    fallback: str, what: str) -> list[PagePlan]:
    """The current feed (the newest FEED_ENTRIES) and its archived documents (full chunks from the oldest).

    items are newest first and become entries only for a document that is made; each document's key
    is its place, its links and identity(item) of each item it holds (what its entries are made from).
    """
    archived = len(items) // FEED_ENTRIES
    oldest_first = list(reversed(items))

    def plan(here: PurePosixPath, doc_title: str, chunk: Sequence[Item], links: list[tuple[str, PurePosixPath]],
             archive: bool) -> PagePlan:
        def make() -> bytes:
            return feed_xml(here, doc_title, entries_of(chunk), config, fallback, links, archive=archive).encode("utf-8")
        # Site, layouts and configuration are in the build's environment key, which every key joins.
        return PagePlan(here, plan_key("feed", here, doc_title, links, archive, fallback, *map(identity, chunk)), make,
                        what)

    current_links = [("prev-archive", archive_path(path, archived))] if archived else []
    plans = [plan(path, title, items[:FEED_ENTRIES], current_links, False)]
    for number in range(1, archived + 1):
        chunk = list(reversed(oldest_first[(number - 1) * FEED_ENTRIES:number * FEED_ENTRIES]))  # newest first
        here = archive_path(path, number)
        links = [("current", path)]
        if number > 1:
            links.append(("prev-archive", archive_path(path, number - 1)))
        if number < archived:
            links.append(("next-archive", archive_path(path, number + 1)))
        plans.append(plan(here, f"{title} (archive {number})", chunk, links, True))
    return plans


def feed_files(records: Sequence[Record], config: SiteConfig, build_date: dt.date | None) -> list[Page]:
    """feeds/records.xml and feeds/corrections.xml, and their archived documents under feeds/archive/."""
    return [plan.page() for plan in feed_plans(records, config, build_date)]


def _record_identity(record: Record) -> tuple[str, str]:
    # A record's entry is made from its validated fields alone, which are made from its file's bytes.
    return (record.rel_path, record.digest)


def feed_plans(records: Sequence[Record], config: SiteConfig, build_date: dt.date | None) -> list[PagePlan]:
    """feed_files' documents, each not yet written; a records feed document is keyed by its records' file digests."""
    fallback = _stamp(build_date or dt.date(1970, 1, 1))  # only for a feed with no entries: still no clock
    return [
        *_feed_documents(RECORDS_FEED, f"{config.title}: new records", index_order(records), _record_identity,
                         lambda chunk: _record_entries(chunk, config), config, fallback, "the records feed"),
        *_feed_documents(CORRECTIONS_FEED, f"{config.title}: corrections and retractions",
                         correction_entries(records, config), lambda entry: entry, list, config, fallback,
                         "the corrections feed"),
    ]

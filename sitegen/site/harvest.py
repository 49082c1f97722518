"""For harvesters: records.json and its dumps with every manifest, and sitemap.xml and robots.txt.

records.json follows the records-index-v2 contract (sitegen/contracts/, published
under contracts/ like the others): a small manifest listing the dumps under
records/dumps/, JSON Lines files that hold every record's validated manifest
with the contract (schema version) it follows. A record goes to the dump of
the first two hexadecimal digits of its registry id (SRCH:3F...), ordered by
id within it, so no file grows with the registry beyond 1/256 of it and a new
or corrected record changes one dump and the manifest; each dump's size and
SHA-256 are listed, so a harvester fetches only what changed. The paths are
relative to records.json, and absolute URLs are added when the site has a base
URL.

A sitemap must list absolute URLs and robots.txt must name the sitemap's
absolute URL, so both are written only when a base URL is configured. Past
the protocol's limits (50,000 URLs or 50 MB a file) sitemap.xml becomes a
sitemap index of sitemaps/<n>.xml. robots.txt only has an effect at the root
of a host; under a subpath it is written anyway and crawlers ignore it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable, Sequence
from xml.sax.saxutils import escape

from ..config import SiteConfig
from ..model import Page, PagePlan, Record, plan_key
from .render import contract_href

RECORDS_JSON = PurePosixPath("records.json")
SITEMAP = PurePosixPath("sitemap.xml")
ROBOTS = PurePosixPath("robots.txt")
INDEX_CONTRACT = "records-index-v2"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITEMAP_URLS = 50_000  # the sitemap protocol's limits for one file
SITEMAP_BYTES = 50_000_000
# Pages that are not content a search engine should list.
_NOT_IN_SITEMAP = frozenset({"404.html"})


def record_item(record: Record, config: SiteConfig) -> dict[str, Any]:
    """One record for harvesters: its manifest, the contract it follows and where its files are."""
    fields = record.fields
    item: dict[str, Any] = {
        "id": record.id,
        "contract": fields["contract"],
        "contract_schema": contract_href(fields["contract"]) or f"contracts/{fields['contract']}.json",
        "correction_contract": fields["corrections"]["contract"],
        "page": record.url,
        "manifest_file": f"records/{record.slug}.json",
        "updated": record.updated.isoformat(),
        "manifest": dict(fields),
    }
    if config.base_url:
        item["url"] = config.base_url + record.url
    return item


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def record_line(record: Record, config: SiteConfig, manifest: str | None = None) -> str:
    """record_item as one compact JSON line. manifest: the record's manifest file as written (render.manifest_page,
    without its newline), spliced in as it is, so the build need not keep every record's fields to make the dumps."""
    if manifest is None:
        return _compact(record_item(record, config))
    item = record_item(record, config)
    url = item.pop("url", None)
    del item["manifest"]  # the last two keys: the manifest, then the url
    return _compact(item)[:-1] + ',"manifest":' + manifest + ("" if url is None else ',"url":' + _compact(url)) + "}"


def dump_plans(records: Iterable[Record], config: SiteConfig,
               manifests: Callable[[Record], str] | None = None) -> list[tuple[PagePlan, int]]:
    """The dumps (records/dumps/<id prefix>.jsonl, one record per line, by id), not yet written, with their counts.

    manifests: each record's manifest file as written (see record_line), when its fields were not kept whole.

    A dump is keyed by the file digests of its records, in order: each line is made from a
    record's validated fields, which are made from its file's bytes.
    """
    dumps: dict[str, list[Record]] = {}
    for record in sorted(records, key=lambda r: r.id):
        dumps.setdefault(record.id[5:7], []).append(record)

    def make(chunk: Sequence[Record]) -> bytes:
        lines = (record_line(record, config, manifests(record) if manifests else None) for record in chunk)
        return ("\n".join(lines) + "\n").encode("utf-8")

    return [(PagePlan(PurePosixPath(f"records/dumps/{prefix}.jsonl"),
                      plan_key("dump", prefix, *((r.rel_path, r.digest) for r in chunk)),
                      lambda chunk=chunk: make(chunk), "the records dumps"), len(chunk))
            for prefix, chunk in sorted(dumps.items())]


def records_index(dumps: Sequence[tuple[PurePosixPath, int, int, str]], config: SiteConfig,
                  build_date: dt.date | None) -> Page:
    """records.json, listing each dump as (path, records, bytes, sha256), in the order of dump_plans."""
    listed = [{"file": path.as_posix(), "ids": f"SRCH:{path.stem}", "count": count, "bytes": size, "sha256": sha256}
              for path, count, size, sha256 in dumps]
    index: dict[str, Any] = {
        "contract": INDEX_CONTRACT,
        "site": {"title": config.title, "description": config.description, "language": config.language,
                 "base_url": config.base_url},
    }
    if build_date:
        index["built"] = build_date.isoformat()
    index["count"] = sum(d["count"] for d in listed)
    index["dumps"] = listed
    # One dump per line, so a new or corrected record is a one-line diff here too.
    head = _compact({key: value for key, value in index.items() if key != "dumps"})[:-1]
    text = head + ',"dumps":[\n' + ",\n".join(map(_compact, listed)) + ("\n" if listed else "") + "]}\n"
    return Page(RECORDS_JSON, text.encode("utf-8"), "the records index")


def _urlset(lines: list[str]) -> str:
    return "\n".join(['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">', *lines,
                      "</urlset>"]) + "\n"


def sitemap_files(paths: Iterable[str], records: Iterable[Record], base_url: str) -> list[Page]:
    """Every HTML page (given by its output path, as a relative POSIX path string) as an absolute URL, record
    pages with the day they last changed.

    One sitemap.xml while it fits the protocol's limits; past them, sitemaps/<n>.xml of at
    most SITEMAP_URLS URLs and SITEMAP_BYTES each, and sitemap.xml as their sitemap index.
    """
    changed = {record.url: record.updated.isoformat() for record in records}
    urls = sorted(p for p in paths if p.endswith(".html") and p not in _NOT_IN_SITEMAP)
    lines = []
    for url in urls:
        lastmod = f"<lastmod>{changed[url]}</lastmod>" if url in changed else ""
        lines.append(f"  <url><loc>{escape(base_url + url)}</loc>{lastmod}</url>")
    groups: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if len(groups[-1]) >= SITEMAP_URLS or size + len(line) + 200 > SITEMAP_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(line)
        size += len(line.encode("utf-8")) + 1
    if len(groups) == 1:
        return [Page(SITEMAP, _urlset(groups[0]).encode("utf-8"), "the sitemap")]
    pages = [Page(PurePosixPath(f"sitemaps/{n}.xml"), _urlset(group).encode("utf-8"), "the sitemap")
             for n, group in enumerate(groups, start=1)]
    index = ['<?xml version="1.0" encoding="utf-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">',
             *(f"  <sitemap><loc>{escape(base_url + p.out_path.as_posix())}</loc></sitemap>" for p in pages),
             "</sitemapindex>"]
    return [Page(SITEMAP, ("\n".join(index) + "\n").encode("utf-8"), "the sitemap index"), *pages]


def robots_txt(base_url: str) -> str:
    """Everything may be crawled; the sitemap is named."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}{SITEMAP.as_posix()}\n"


def crawler_files(records: Sequence[Record], paths: Iterable[str], config: SiteConfig) -> list[Page]:
    """With a base URL, the sitemap (over the given output paths) and robots.txt; nothing without one."""
    if not config.base_url:
        return []
    return [*sitemap_files(paths, records, config.base_url),
            Page(ROBOTS, robots_txt(config.base_url).encode("utf-8"), "robots.txt")]

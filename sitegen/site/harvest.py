"""For harvesters: records.json with every manifest, and sitemap.xml and robots.txt.

records.json follows the records-index-v1 contract (sitegen/contracts/, published
under contracts/ like the others): every record's validated manifest with the
contract (schema version) it follows, ordered by registry id so that a new
record is a small diff. It is always written; its paths are relative to it, and
absolute URLs are added when the site has a base URL.

A sitemap must list absolute URLs and robots.txt must name the sitemap's
absolute URL, so both are written only when a base URL is configured.
robots.txt only has an effect at the root of a host; under a subpath it is
written anyway and crawlers ignore it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import PurePosixPath
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import escape

from ..config import SiteConfig
from ..model import Page, Record
from .render import contract_href

RECORDS_JSON = PurePosixPath("records.json")
SITEMAP = PurePosixPath("sitemap.xml")
ROBOTS = PurePosixPath("robots.txt")
INDEX_CONTRACT = "records-index-v1"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Pages that are not content a search engine should list.
_NOT_IN_SITEMAP = frozenset({"404.html"})


def records_index(records: Iterable[Record], config: SiteConfig, build_date: dt.date | None) -> dict[str, Any]:
    """records.json as data: the site, then every record's manifest with its contract."""
    items = []
    for record in sorted(records, key=lambda r: r.id):
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
        items.append(item)
    data: dict[str, Any] = {
        "contract": INDEX_CONTRACT,
        "site": {"title": config.title, "description": config.description, "language": config.language,
                 "base_url": config.base_url},
    }
    if build_date:
        data["built"] = build_date.isoformat()
    data["count"] = len(items)
    data["records"] = items
    return data


def records_json(data: dict[str, Any]) -> str:
    """records.json as text: compact, one record per line, so a new or corrected record is a one-line diff."""
    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    head = compact({key: value for key, value in data.items() if key != "records"})[:-1]
    lines = [compact(item) for item in data["records"]]
    return head + ',"records":[\n' + ",\n".join(lines) + ("\n" if lines else "") + "]}\n"


def sitemap_xml(paths: Iterable[PurePosixPath], records: Iterable[Record], base_url: str) -> str:
    """Every HTML page (given by its output path) as an absolute URL, record pages with the day they last changed."""
    changed = {record.url: record.updated.isoformat() for record in records}
    urls = sorted(p.as_posix() for p in paths if p.suffix == ".html" and p.as_posix() not in _NOT_IN_SITEMAP)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for url in urls:
        lastmod = f"<lastmod>{changed[url]}</lastmod>" if url in changed else ""
        lines.append(f"  <url><loc>{escape(base_url + url)}</loc>{lastmod}</url>")
    return "\n".join(lines + ["</urlset>"]) + "\n"


def robots_txt(base_url: str) -> str:
    """Everything may be crawled; the sitemap is named."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url}{SITEMAP.as_posix()}\n"


def harvest_files(records: Sequence[Record], paths: Iterable[PurePosixPath], config: SiteConfig,
                  build_date: dt.date | None) -> list[Page]:
    """records.json, and with a base URL sitemap.xml (over the given output paths) and robots.txt."""
    out = [Page(RECORDS_JSON, records_json(records_index(records, config, build_date)).encode("utf-8"),
                "the records index")]
    if config.base_url:
        out.append(Page(SITEMAP, sitemap_xml(paths, records, config.base_url).encode("utf-8"), "the sitemap"))
        out.append(Page(ROBOTS, robots_txt(config.base_url).encode("utf-8"), "robots.txt"))
    return out

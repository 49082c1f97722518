"""Finding records without search: static browse pages, and the not-found page.

browse/index.html lists every verification level, gate status, quality tier and
correction status with its count; browse/<key>-<value>.html lists the records
with that value, newest first, in pages of page_size (site/listing.py), the
older ones under browse/<key>-<value>/<n>.html. Every value the site configuration knows gets a
page, even with no record yet, so a badge's link never breaks. They are plain
HTML: they work with JavaScript off and straight from disk.

404.html is what a host shows for a missing path. It may be served at any
depth, so with a base URL its links start from the base URL's path; without one
they are relative to the site root and only work for a missing page there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from ..config import SiteConfig
from ..model import Page, PagePlan, Record, plan_key
from .badges import GUIDE_ANCHORS, browse_path, filter_values
from .listing import ListingPage, paginate, placed
from .render import (Cards, SiteInfo, at_root, cards_of, index_order, listing_context, page_head, render_template,
                     template_env)

BROWSE_INDEX = "browse/index.html"


@dataclass(frozen=True, slots=True)
class Facet:
    """One way to browse: a filter key, its heading, and where its values are described."""

    key: str  # the filter code name: level | gate | tier | status
    title: str
    anchor: str  # the guide section that explains the values

    def labels(self, config: SiteConfig) -> Mapping[str, Mapping[str, Any]]:
        """Every value of this facet in the configuration, in the configured order, with label and description."""
        return {"level": config.levels, "gate": config.gate_statuses, "tier": config.tiers,
                "status": config.correction_statuses}[self.key]


FACETS = (
    Facet("level", "Verification level", GUIDE_ANCHORS["level"]),
    Facet("gate", "Gate status", GUIDE_ANCHORS["gate"]),
    Facet("tier", "Quality tier", GUIDE_ANCHORS["tier"]),
    Facet("status", "Correction status", GUIDE_ANCHORS["correction"]),
)


def value_label(facet: Facet, value: str, config: SiteConfig) -> str:
    """A value as readers see it: its configured label, a level with its code (L2 · Source-grounded claims)."""
    label = str(facet.labels(config)[value]["label"])
    return f"{value} · {label}" if facet.key == "level" else label


def _values(facet: Facet, codes: Sequence[Mapping[str, str]], config: SiteConfig) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for record_codes in codes:
        code = record_codes[facet.key]
        counts[code] = counts.get(code, 0) + 1
    return [{"value": code, "label": value_label(facet, code, config), "description": str(meta["description"]),
             "count": counts.get(code, 0), "href": browse_path(facet.key, code)}
            for code, meta in facet.labels(config).items()]


def _entry(record: Record) -> dict[str, Any]:
    return {"url": record.url, "codes": filter_values(record)}


def context_for_browse_index(records: Sequence[Record], config: SiteConfig, site: SiteInfo) -> dict[str, Any]:
    """browse/index.html: every facet with each value and its count."""
    codes = [filter_values(r) for r in records]
    return {
        "site": site,
        "page": page_head("Browse records", "Every record by verification level, gate status, quality tier and "
                          "correction status.", BROWSE_INDEX, site, "../"),
        "facets": [{"key": f.key, "title": f.title, "anchor": f.anchor, "values": _values(f, codes, config)}
                   for f in FACETS],
        "total": len(records),
    }


def context_for_browse(facet: Facet, value: Mapping[str, Any], entries: Sequence[Mapping[str, Any]],
                       listing: ListingPage, site: SiteInfo, cards: Cards) -> dict[str, Any]:
    """One page of a browse listing: entries are the records with this value, newest first (their urls)."""
    root = "../" * listing.path.count("/")
    title = f"{facet.title}: {value['label']}"
    if listing.number:
        title += f", records {listing.first_position} to {listing.last_position}"
    return {
        "site": site,
        "page": page_head(title, value["description"], listing.path, site, root),
        "facet": {"key": facet.key, "title": facet.title, "anchor": facet.anchor},
        "value": value if listing.number == 0 else dict(value, count=None),  # as the total (listing_context)
        "entries": [{"html": at_root(card, root)} for card in cards.cards([entries[i]["url"] for i in listing.items], 1)],
        "listing": listing_context(listing, len(entries)),
    }


def browse_pages(records: Sequence[Record], config: SiteConfig, site: SiteInfo,
                 cards_html: Cards | Mapping[str, tuple[str, str]] | None = None) -> list[Page]:
    """browse/index.html and the pages of each value of each facet; cards_html as for the index (render.record_cards)."""
    return [plan.page() for plan in browse_plans(records, config, site, cards_html)]


def browse_plans(records: Sequence[Record], config: SiteConfig, site: SiteInfo,
                 cards_html: Cards | Mapping[str, tuple[str, str]] | None = None) -> list[PagePlan]:
    """browse_pages' pages, each not yet rendered, keyed by what it shows (counts, cards in order) and its place.

    As on the index, a page's cards are read when the page is made."""
    env = template_env(*config.layout_folders)
    index = context_for_browse_index(records, config, site)
    ordered = index_order(records)
    cards = cards_of(ordered, config, site, cards_html)
    entries = [_entry(r) for r in ordered]  # once each, though every record is on four pages

    def make_index() -> bytes:
        return render_template(env, "browse-index.html", index).encode("utf-8")

    def make(facet: Facet, value: Mapping[str, Any], matching: list[dict[str, Any]], listing: ListingPage) -> bytes:
        return render_template(env, "browse.html", context_for_browse(facet, value, matching, listing, site, cards)).encode("utf-8")

    # The site-wide facts (site, layouts, configuration) are in the build's environment key, which every key joins.
    plans = [PagePlan(PurePosixPath(BROWSE_INDEX), plan_key("browse-index", index["facets"], index["total"]), make_index,
                      "the browse pages")]
    for facet, facet_context in zip(FACETS, index["facets"]):
        for value in facet_context["values"]:
            matching = [e for e in entries if e["codes"][facet.key] == value["value"]]
            for listing in paginate(len(matching), config.page_size, value["href"]):
                # An archive page shows neither the count nor the total (context_for_browse): its key holds neither.
                shown = (value, len(matching)) if listing.number == 0 else (dict(value, count=None),)
                key = plan_key("browse", facet, *shown, placed(listing), *(cards.card_key(matching[i]["url"], 1) for i in listing.items))
                plans.append(PagePlan(PurePosixPath(listing.path), key,
                                      lambda f=facet, v=value, m=matching, l=listing: make(f, v, m, l), "the browse pages"))
    return plans


def not_found_page(config: SiteConfig, site: SiteInfo) -> Page:
    """404.html: where to go instead, with links that work at any depth when the site has a base URL."""
    root = urlsplit(config.base_url).path if config.base_url else ""
    context = {"site": site, "page": dict(page_head("Page not found", "", "404.html", site, root), canonical=None)}
    html = render_template(template_env(*config.layout_folders), "404.html", context)
    return Page(PurePosixPath("404.html"), html.encode("utf-8"), "the not-found page")

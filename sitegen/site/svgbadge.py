"""An SVG badge per record, for a README or a slide: id, level, gate, tier and correction status.

badges/<slug>.svg is a self-contained image: no script, no external font or
link, and every text escaped. Each segment pairs a light tint with dark text
(the site's badge palette, every pair at least 7:1), so it stays readable on a
white README or a dark slide. Text widths are estimated and then pinned with
textLength, so the text fits its segment in whatever font the viewer has.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import PurePosixPath
from typing import Any, Iterable
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from ..config import SiteConfig
from ..model import Page, Record

SVG_NS = "http://www.w3.org/2000/svg"
HEIGHT = 20
_PAD = 6  # px of space either side of a segment's text
# (background, text) pairs from assets/site.css (light scheme); tests/site/test_readers.py checks their contrast.
PALETTE = {
    "id": ("#333b47", "#ffffff"),
    "level": ("#e6eefc", "#173a73"),
    "ok": ("#daf1e1", "#11492a"),
    "neutral": ("#e9edf2", "#333b47"),
    "bad": ("#fde1df", "#7d1a12"),
    "warn": ("#fcefd2", "#5e3f00"),
    "top": ("#eee3fb", "#44197a"),
    "info": ("#dff0f7", "#0a4460"),
    "alarm": ("#9b1c13", "#ffffff"),
}
# The same colour for the same value as the HTML badges (assets/site.css).
TONES = {
    "gate": {"verified": "ok", "unverified": "neutral", "failed": "bad", "pending": "warn"},
    "tier": {"doi-grade": "top", "flagship-candidate": "info", "watchlist": "warn"},
    "status": {"current": "neutral", "corrected": "info", "expression-of-concern": "warn", "retracted": "alarm",
               "withdrawn": "alarm"},
}
_NARROW = frozenset("iljtfI.,:;|!'()[] ")
_WIDE = frozenset("mwMW@%")


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured part of a badge."""

    text: str  # what the segment shows
    tone: str  # a PALETTE key


def text_width(text: str) -> int:
    """Roughly how wide text is in 11 px Verdana, in px; textLength makes it exact."""
    width = 0.0
    for char in text:
        width += 4.0 if char in _NARROW else 9.5 if char in _WIDE else 7.6 if char.isupper() or char.isdigit() else 6.6
    return round(width)


def badge_segments(record: Record, config: SiteConfig) -> list[Segment]:
    """The badge's parts: registry id, level, gate verdict, tier and correction status."""
    fields = record.fields
    gate, tier, status = fields["gate"], fields["tier"]["tier"], record.correction_status
    return [
        Segment(record.id, "id"),
        Segment(fields["verification"]["level"], "level"),
        Segment(f"Gate {gate['gate']}: {config.gate_statuses[gate['status']]['label']}", TONES["gate"][gate["status"]]),
        Segment(config.tiers[tier]["label"], TONES["tier"][tier]),
        Segment(config.correction_statuses[status]["label"], TONES["status"][status]),
    ]


def badge_label(record: Record, config: SiteConfig) -> str:
    """What the badge says, in words: its accessible name and alt text."""
    fields = record.fields
    level, gate, tier = fields["verification"]["level"], fields["gate"], fields["tier"]["tier"]
    return (f"{record.id}: verification level {level}, {config.levels[level]['label']}; "
            f"gate {gate['gate']} {config.gate_statuses[gate['status']]['label']}; "
            f"quality tier {config.tiers[tier]['label']}; "
            f"correction status {config.correction_statuses[record.correction_status]['label']}")


def badge_svg(record: Record, config: SiteConfig) -> str:
    """The badge as an SVG document."""
    label = badge_label(record, config)
    rects, texts, x = [], [], 0
    for segment in badge_segments(record, config):
        inner = text_width(segment.text)
        width = inner + 2 * _PAD
        background, foreground = PALETTE[segment.tone]
        rects.append(f'<rect x="{x}" width="{width}" height="{HEIGHT}" fill="{background}"/>')
        texts.append(f'<text x="{x + width / 2:g}" y="14" fill="{foreground}" textLength="{inner}" '
                     f'lengthAdjust="spacingAndGlyphs">{xml_escape(segment.text)}</text>')
        x += width
    return (
        f'<svg xmlns="{SVG_NS}" width="{x}" height="{HEIGHT}" viewBox="0 0 {x} {HEIGHT}" role="img" '
        f'aria-label={quoteattr(label)}>\n'
        f"<title>{xml_escape(label)}</title>\n"
        f'<clipPath id="round"><rect width="{x}" height="{HEIGHT}" rx="3"/></clipPath>\n'
        f'<g clip-path="url(#round)">\n' + "\n".join(rects) + "\n</g>\n"
        '<g font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">\n'
        + "\n".join(texts) + "\n</g>\n</svg>\n"
    )


def badge_path(record: Record) -> PurePosixPath:
    """Where a record's badge is written: badges/<slug>.svg."""
    return PurePosixPath("badges", record.slug + ".svg")


def badge_files(records: Iterable[Record], config: SiteConfig) -> list[Page]:
    """badges/<slug>.svg for every record."""
    return [Page(badge_path(r), badge_svg(r, config).encode("utf-8"), r.rel_path) for r in records]


def _markdown_text(text: str) -> str:
    return "".join("\\" + c if c in "\\[]" else c for c in text)


def embed_context(record: Record, config: SiteConfig) -> dict[str, Any]:
    """The record page's share box: the badge, and Markdown and HTML snippets that embed it.

    The snippets need the site's address: with a base URL they are absolute and
    ready to paste; without one they hold paths from the site root to prefix.
    """
    label = badge_label(record, config)
    image, page = badge_path(record).as_posix(), record.url
    if config.base_url:
        image, page = config.base_url + image, config.base_url + page
    return {
        "src": "../" + badge_path(record).as_posix(),
        "alt": label,
        "absolute": bool(config.base_url),
        "markdown": f"[![{_markdown_text(label)}]({image})]({page})",
        "html": f'<a href="{escape(page)}"><img src="{escape(image)}" alt="{escape(label)}"></a>',
    }

"""The "Suggest a correction" link: a prefilled issue (or edit form) in the registry's repository.

The link is built from the URL template suggest_correction_url in site.yaml. Its
placeholders are filled percent-encoded, so record text can only ever become
part of a query value, never change where the link points; the template itself
is checked by the site-config schema to start with https:// or {repository_url}.
"""

from __future__ import annotations

import string
from urllib.parse import quote

from ..config import SiteConfig
from ..model import Record

_TITLE_CHARS = 120  # an issue title a reader can take in at a glance


def suggestion_body(record: Record, page: str) -> str:
    """The issue text a reader starts from: which record, and what to fill in."""
    return (f"Record: {record.id}, {record.title}\n"
            f"Page: {page}\n"
            f"File: {record.rel_path}\n\n"
            "What is wrong (the field, claim number or section):\n\n\n"
            "What it should say, and a source that shows it:\n\n")


def suggestion_url(record: Record, config: SiteConfig) -> str | None:
    """The record's "Suggest a correction" URL; None when the template needs a repository the site has not set."""
    template = config.suggest_correction_url
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    if not template or ("repository_url" in names and not config.repository_url):
        return None
    page = config.base_url + record.url if config.base_url else record.url
    title = f"Correction: {record.id} {record.title}"
    if len(title) > _TITLE_CHARS:
        title = title[:_TITLE_CHARS - 1].rstrip() + "…"
    values = {"id": record.id, "slug": record.slug, "path": record.rel_path, "title": title, "url": page,
              "body": suggestion_body(record, page)}
    filled = {name: quote(value, safe="/" if name == "path" else "") for name, value in values.items()}
    filled["repository_url"] = config.repository_url  # validated https, placed as written
    return template.format_map(filled)

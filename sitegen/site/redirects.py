"""Redirect pages: each alias (content/aliases.yaml) keeps its old address, records/<old-slug>.html, leading
to the record's current page.

A static host cannot send an HTTP redirect, and a page opened from disk has no
server at all, so the redirect is a page: a meta refresh to the new page,
relative (both live in records/), and a visible link for when refreshes are
off. A one-line script goes first, so that a link to a claim or a correction
(#claim-3) lands on the same anchor of the new page; a meta refresh drops the
fragment. The policy allows that one script by its hash and nothing else.

The page is `noindex` with a canonical link to the new page (absolute with a
base URL, as every canonical link of the site), and is listed nowhere: not in
the sitemap, the feeds, the listings, the search or records.json. It is made
here rather than from layouts/, so a site's own templates can never turn an
old address into anything but a way to the record.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import PurePosixPath
from typing import Iterable, Sequence

from markupsafe import escape

from .. import __version__
from ..model import Alias, Page, Record
from .render import SiteInfo

_SCRIPT = 'location.replace(document.getElementById("moved").href + location.hash);'
_SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
POLICY = (f"default-src 'none'; script-src '{_SCRIPT_HASH}'; style-src 'self'; img-src 'self'; "
          "base-uri 'none'; form-action 'none'")


def redirect_page(alias: Alias, record: Record, site: SiteInfo) -> Page:
    """records/<alias>.html: to the record's page, with JavaScript, with a refresh, or by following the link."""
    target = PurePosixPath(record.url).name  # both pages are in records/: a relative link works from disk and hosted
    canonical = site.base_url + record.url if site.base_url else target
    title = escape(record.title)
    html = f"""<!doctype html>
<html lang="{escape(site.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sitegen {__version__}">
<title>Moved: {title} · {escape(site.title)}</title>
<link rel="canonical" href="{escape(canonical)}">
<link rel="stylesheet" href="../assets/site.css">
</head>
<body class="page page-moved">
<main id="main" class="wrap">
<h1>This record has moved</h1>
<p><span dir="auto">{title}</span> ({escape(record.id)}) is now at <a id="moved" href="{target}">records/{target}</a>.
Please update your links and bookmarks.</p>
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return Page(PurePosixPath(alias.url), html.encode("utf-8"), f"the alias '{alias.slug}' in {alias.pos.path}")


def redirect_pages(aliases: Iterable[Alias], records: Sequence[Record], site: SiteInfo) -> list[Page]:
    """A redirect page for each alias that leads to a record, in slug order."""
    by_id = {record.id: record for record in records}
    return [redirect_page(alias, by_id[alias.id], site) for alias in sorted(aliases, key=lambda a: a.slug)
            if alias.id in by_id]

"""Everything one record produces, in one place: the per-record half of the render stage.

Each record gives its page, its manifest, its citation files and its badge,
plus its entry in the search data. The site-wide pages (index, browse pages,
feeds, records.json) are made afterwards from all records together.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from ..config import SiteConfig
from ..model import Page, Record
from ..search.index import script_json, search_entry
from ..search.offline import entry_words
from ..site.cite import cite_files
from ..site.render import SiteInfo, context_for_record, manifest_page, record_cards, render_template, template_env
from ..site.svgbadge import badge_files


def record_outputs(record: Record, config: SiteConfig,
                   site: SiteInfo) -> tuple[tuple[Page, ...], str, tuple[str, str], str]:
    """The record's output files, its search entry (script-safe JSON), its cards for the site-wide pages and
    the words the offline index finds it by (search/offline.py, entry_words)."""
    context = context_for_record(record, config, site)
    html = render_template(template_env(*config.layout_folders), "record.html", context)
    pages = (
        Page(PurePosixPath(record.url), html.encode("utf-8"), record.rel_path),
        manifest_page(record),
        *cite_files([record], config),
        *badge_files([record], config),
    )
    entry = search_entry(record, context["body_text"], config)
    return pages, script_json(entry), record_cards(record, config, site), entry_words(entry)

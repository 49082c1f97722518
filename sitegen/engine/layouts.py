"""`sitegen check` looks at the layouts too: a mistake in a template fails the check, at its file and line,
instead of only the deployment's build.

Every template is compiled (syntax errors, unknown filters: all of them, in milliseconds), then each
kind of page is rendered once with real data: the record page and its cards for a sample of the
records, the index, every content page, the browse pages, the statistics page and the not-found page. A value a template
uses and the page does not have (StrictUndefined) shows up there. Nothing is written.
"""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from ..config import SiteConfig
from ..errors import BuildError
from ..model import ContentPage, Diagnostic, Record
from ..site.browse import browse_pages, not_found_page
from ..site.render import compile_layouts, index_order, render_index, render_page, site_info
from ..site.statspage import statistics_pages
from .outputs import record_outputs


def sample_records(records: Iterable[Record]) -> list[Record]:
    """The newest record of each (correction status, gate status) pair: the templates' branches
    (a retraction notice, a verified gate's artifact) are taken by some record of the sample, and the
    sample stays a handful of records however large the registry grows."""
    seen: dict[tuple[str, str], Record] = {}
    for record in index_order(records):
        seen.setdefault((record.correction_status, record.fields["gate"]["status"]), record)
    return list(seen.values())


def check_layouts(config: SiteConfig, records: Sequence[Record], pages: Sequence[ContentPage]) -> list[Diagnostic]:
    """The layouts' mistakes as diagnostics (rule 'template'): the site's own templates, and the default
    look's that they extend, include or leave in place (a site without layouts/ renders with those alone)."""
    problems = compile_layouts(*config.layout_folders)
    if problems:
        return problems  # rendering would only meet the same errors again
    site = site_info(config, pages)
    sample = sample_records(records)
    renders: list[Callable[[], object]] = [
        *(lambda r=record: record_outputs(r, config, site) for record in sample),
        lambda: render_index(sample, config, site),
        *(lambda p=page: render_page(p, config, site) for page in pages),
        lambda: browse_pages(sample, config, site),
        lambda: statistics_pages(sample, config, site),
        lambda: not_found_page(config, site),
    ]
    found: dict[Diagnostic, None] = {}  # one template mistake breaks many pages; report it once
    for render in renders:
        try:
            render()
        except BuildError as exc:
            if not exc.diagnostics:
                raise
            found.update(dict.fromkeys(exc.diagnostics))
    return list(found)

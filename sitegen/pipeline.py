"""The stages in order, on one screen: load, validate, check across records,
then (for a build) render, write and index."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from typing import TextIO

from .config import SiteConfig
from .errors import BuildError, format_text
from .load import discover_pages, discover_records, load_record
from .model import BuildResult, CheckResult, ContentPage, Diagnostic, Page, RawRecord, Record
from .browse import browse_pages, not_found_page
from .cite import cite_files
from .feeds import feed_files
from .harvest import harvest_files
from .render import artifact_files, contract_pages, render_index, render_page, render_record, site_info
from .search import build_search_index, search_data_page
from .svgbadge import badge_files
from .validate import check_across, validate_page, validate_record
from .write import check_collisions, check_output_dir, collect_assets, publish, staging, write_files


def check(config: SiteConfig) -> CheckResult:
    """Load and validate every record and content page; writes nothing."""
    sources, diagnostics = discover_records(config)
    records: list[Record] = []
    raws: dict[str, RawRecord] = {}
    for source in sources:
        raw = load_record(source, config.limits)
        if isinstance(raw, Diagnostic):
            diagnostics.append(raw)
            continue
        raws[raw.rel_path] = raw
        record, problems = validate_record(raw, config)
        diagnostics.extend(problems)
        if record is not None:
            records.append(record)
    # Cross-record checks run only once every record has been read (ids across files).
    diagnostics.extend(check_across(records, raws))
    page_sources, page_problems = discover_pages(config)
    diagnostics.extend(page_problems)
    pages: list[ContentPage] = []
    for source in page_sources:
        raw = load_record(source, config.limits)  # pages share the record file format: front matter + Markdown
        page, problems = (None, [raw]) if isinstance(raw, Diagnostic) else validate_page(raw)
        diagnostics.extend(problems)
        if page is not None:
            pages.append(page)
    return CheckResult(
        records=tuple(sorted(records, key=lambda r: r.slug)),
        diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        files_checked=len(sources),
        pages=tuple(sorted(pages, key=lambda p: p.slug)),
    )


def build(config: SiteConfig, *, search: bool = True, strict: bool = False, jobs: int = 0,
          use_cache: bool = True) -> BuildResult:
    """Check everything, then render, write and index into a staging folder, and publish it only when complete."""
    del jobs, use_cache  # accepted for the command line; rendering is serial and uncached for now
    started, progress = time.perf_counter(), Progress(sys.stderr)
    result = check(config)
    for diagnostic in result.diagnostics:
        print(format_text(diagnostic), file=sys.stderr)
    errors, warnings = len(result.errors), len(result.warnings)
    if errors or (strict and warnings):
        print(f"sitegen: {errors} error(s), {warnings} warning(s)" + (" (warnings are fatal with --strict)" if not errors else "")
              + "; nothing was published", file=sys.stderr)
        return BuildResult(ok=False, errors=errors, warnings=warnings, elapsed=time.perf_counter() - started)
    check_output_dir(config)  # before any work: never render a site we would refuse to publish
    site = site_info(config, result.pages, source_date(), search_index=search)
    pages: list[Page] = [render_index(result.records, config, site), *(render_page(page, config, site) for page in result.pages),
                         *contract_pages()]
    for done, record in enumerate(result.records, start=1):
        pages.extend(render_record(record, config, site))
        progress.count("rendering records", done, len(result.records))
    # Readers' outputs (docs/readers.md): citation files, SVG badges, browse pages, the 404 page and feeds.
    pages.extend(cite_files(result.records, config))
    pages.extend(badge_files(result.records, config))
    pages.extend(browse_pages(result.records, config, site))
    pages.append(not_found_page(config, site))
    pages.extend(feed_files(result.records, config, site.build_date))
    pages.extend(harvest_files(result.records, pages, config, site.build_date))  # last: the sitemap lists every page
    pages.append(search_data_page(result.records, pages, config))  # read from the rendered record pages
    files = collect_assets(config) + artifact_files(result.records, config)
    check_collisions(pages, files)
    with staging(config.output_dir) as stage:  # a failure or a kill from here on leaves the old output as it was
        written = write_files(stage, pages, files)
        progress.say(f"wrote {written} files")
        if search:
            progress.say("indexing with Pagefind")
            build_search_index(stage, config)
        publish(stage, config.output_dir)
    elapsed = time.perf_counter() - started
    html_pages = sum(1 for page in pages if page.out_path.suffix == ".html")
    print(f"built {len(result.records)} record(s), {html_pages} page(s), {warnings} warning(s) into "
          f"{config.rel(config.output_dir)} in {elapsed:.2f} s" + ("" if search else " (no search index)"), file=sys.stderr)
    return BuildResult(ok=True, records=len(result.records), pages=html_pages, files=written, warnings=warnings,
                       elapsed=elapsed, indexed=search)


def source_date() -> dt.date | None:
    """The build date to show, from SOURCE_DATE_EPOCH only: without it no date is shown, so builds repeat exactly."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970 (found {value!r})") from None


class Progress:
    """Progress on stderr: one updating line on a terminal, plain lines in logs."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.tty = stream.isatty()

    def count(self, what: str, done: int, total: int) -> None:
        """A counter; on a terminal it rewrites its line, in a log only the last value is written."""
        if self.tty:
            self.stream.write(f"\r\x1b[K{what} {done}/{total}" + ("\n" if done == total else ""))
            self.stream.flush()
        elif done == total:
            print(f"{what}: {done}/{total}", file=self.stream)

    def say(self, message: str) -> None:
        """One step of the build, on its own line."""
        print(message, file=self.stream)

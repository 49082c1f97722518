"""The stages in order, on one screen: load and validate every record, check
across records, then (for a build) render, write, index and publish."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sys
import time
from contextlib import nullcontext
from itertools import chain
from pathlib import Path
from typing import NamedTuple, Sequence, TextIO

from ..config import SiteConfig
from ..errors import BuildError, format_text
from ..model import Alias, BuildResult, CheckResult, ContentPage, Diagnostic, Page, PagePlan, RecordOutcome
from ..records.addresses import check_aliases, load_aliases, record_slugs
from ..records.load import SourceFile, discover_pages, discover_records, load_record
from ..records.validate import NewSinceBase, check_across, validate_page
from ..search.index import build_search_index, search_key, shard_count, shard_paths
from ..search.offline import OfflineIndex, StaleIndex, offline_build
from ..search.offline_update import offline_update
from ..site.browse import browse_plans, not_found_page
from ..site.feeds import feed_plans
from ..site.harvest import crawler_files, dump_plans, records_index
from ..site.redirects import redirect_pages
from ..site.render import Cards, CardsInMemory, SiteInfo, artifact_files, contract_pages, index_order, index_plans, render_page, site_info
from ..site.statspage import statistics_plans
from .cache import BuildCache, CacheFailed, cache_path, environment_key, environment_keys, inputs_fingerprint
from .checked import unchanged_checks
from .sitewide import Sitewide
from .spill import Spill, SpilledEntries, open_spill
from .workers import RenderJob, default_jobs, process_one, process_records
from .write import MARKER, Stage, check_collisions, check_output_dir, collect_assets, link_previous, publish, staging, write_files


def check(config: SiteConfig, *, jobs: int = 0, layouts: bool = False, new_since: NewSinceBase | None = None,
          reuse: bool = False, whole: bool = True) -> CheckResult:
    """Load and validate every record and content page; with layouts, also compile every template and render
    each kind of page once (engine/layouts.py). Writes nothing.

    new_since: the files new since `check --base`, so a duplicate id is reported on the new file.
    reuse: take the result of every record unchanged since the last build from the build cache beside the
    output folder, read only (engine/checked.py); those records carry no body. The checks across records
    still see every record.
    whole: the records come back whole; without it (what `sitegen check` reports from), without their
    bodies and long fields, which a registry's worth of would be most of check's memory.
    """
    sources, diagnostics = discover_records(config)
    pages, page_problems = load_pages(config)
    reused = unchanged_checks(config, _environments(config, pages), sources) if reuse and sources else {}
    done = dict(reused)
    done.update((o.rel_path, o) for o in process_records([s for s in sources if s.rel not in reused], config, None, jobs,
                                                         whole))
    outcomes = [done[s.rel] for s in sources]
    aliases, alias_problems = load_aliases(config)
    result = collect(outcomes, diagnostics + page_problems + alias_problems, pages, len(sources), aliases, new_since)
    result = dataclasses.replace(result, reused=len(reused))
    if not layouts:
        return result
    from .layouts import check_layouts, sample_records  # rendering is only imported where it is used

    records = result.records
    if reused or not whole:  # records without their bodies: the few the layouts render with are read again whole
        sample = {r.rel_path for r in sample_records(records)}
        if whole:
            sample &= reused.keys()  # those validated here are whole already
        again = {o.rel_path: o.record for o in (process_one(s, config, None) for s in sources if s.rel in sample)}
        records = tuple(again.get(r.rel_path) or r for r in records)
    problems = check_layouts(config, records, result.pages)
    return dataclasses.replace(result, diagnostics=tuple(sorted(result.diagnostics + tuple(problems), key=Diagnostic.sort_key)))


def _environments(config: SiteConfig, pages: Sequence[ContentPage]) -> list[str]:
    """The environment keys a build of this site may have noted: with and without the search index."""
    try:
        date = source_date()
    except BuildError:
        return []  # a build refuses to run with it, so no cache was made under it
    return environment_keys(config, [(site_info(config, pages, date, search_index=search), search) for search in (False, True)])


def load_pages(config: SiteConfig) -> tuple[list[ContentPage], list[Diagnostic]]:
    """content/pages/*.md, validated: About, the guide."""
    sources, diagnostics = discover_pages(config)
    pages: list[ContentPage] = []
    for source in sources:
        raw = load_record(source, config.limits)  # pages share the record file format: front matter + Markdown
        page, problems = (None, [raw]) if isinstance(raw, Diagnostic) else validate_page(raw)
        diagnostics.extend(problems)
        if page is not None:
            pages.append(page)
    return sorted(pages, key=lambda p: p.slug), diagnostics


def collect(outcomes: Sequence[RecordOutcome], diagnostics: list[Diagnostic], pages: Sequence[ContentPage],
            files: int, aliases: Sequence[Alias] = (), new_since: NewSinceBase | None = None) -> CheckResult:
    """Every record's outcome in one result, with the checks across records run once all are read.

    aliases: content/aliases.yaml as load_aliases read it; they are checked against every record file here.
    new_since: the files new since `check --base`, so a duplicate id is reported on the new file.
    """
    records = [o.record for o in outcomes if o.record is not None]
    diagnostics = diagnostics + [d for o in outcomes for d in o.diagnostics]
    diagnostics += check_across(records, {o.rel_path: o.id_pos for o in outcomes if o.id_pos}, new_since)
    leading, alias_problems = check_aliases(aliases, records, record_slugs([o.rel_path for o in outcomes]),
                                            every_record_valid=len(records) == len(outcomes))
    diagnostics += alias_problems
    return CheckResult(records=tuple(sorted(records, key=lambda r: r.slug)),
                       diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)), files_checked=files,
                       pages=tuple(pages), aliases=tuple(leading))


def build(config: SiteConfig, *, search: bool = True, strict: bool = False, jobs: int = 0,
          use_cache: bool = True, need_outcomes: bool = False) -> BuildResult:
    """Check, render and write everything into a staging folder, index it, and publish it only when complete.

    need_outcomes: the caller (the live preview) needs every record's outcome, so a build
    with nothing to do must still load them.
    """
    try:
        return _build(config, search=search, strict=strict, jobs=jobs, use_cache=use_cache, need_outcomes=need_outcomes)
    except (CacheFailed, StaleIndex) as failed:
        # Found only once the build read a part of the cache it reads late (a record's texts, a word group
        # of the offline index): nothing was published, so start again without the cache.
        said = str(failed) if isinstance(failed, CacheFailed) else \
            f"the build cache {config.rel(cache_path(config))} could not be used ({failed})"
        print(f"sitegen: {said}; rebuilding every record", file=sys.stderr)
        return _build(config, search=search, strict=strict, jobs=jobs, use_cache=False, need_outcomes=need_outcomes)


def _build(config: SiteConfig, *, search: bool, strict: bool, jobs: int, use_cache: bool,
           need_outcomes: bool) -> BuildResult:
    started, progress = time.perf_counter(), Progress(sys.stderr)
    check_output_dir(config)  # before any work: never render a site we would refuse to publish
    pages, page_problems = load_pages(config)
    aliases, alias_problems = load_aliases(config)
    sources, diagnostics = discover_records(config)
    search = search and bool(sources)  # Pagefind cannot index nothing; an empty registry has nothing to search
    site = site_info(config, pages, source_date(), search_index=search)
    env = environment_key(config, site, search)
    inputs = inputs_fingerprint(config, env)
    # Without the cache every record renders afresh; the cache is written anew either way.
    cache = BuildCache(config, env, read=use_cache)
    previous = cache.up_to_date(inputs) if use_cache and not need_outcomes else None
    if previous is not None:
        return _nothing_to_do(config, previous, strict, started)
    # The output before last is worth starting from only if this build can link the files they share.
    with staging(config.output_dir, reuse=cache.records_usable) as stage, \
            (nullcontext() if need_outcomes else open_spill(config.output_dir)) as spill:
        # A failure or a kill from here on leaves the old output as it was. The records' texts wait in the spill
        # (engine/spill.py), unless the caller wants whole outcomes back.
        outcomes = render_records(sources, config, site, stage, cache, jobs, progress, spill)
        result = collect(outcomes, diagnostics + page_problems + alias_problems, pages, len(sources), aliases)
        report(result.diagnostics)
        errors, warnings = len(result.errors), len(result.warnings)
        if errors or (strict and warnings):
            print(f"sitegen: {errors} error(s), {warnings} warning(s)" + (" (warnings are fatal with --strict)" if not errors
                  else "") + "; nothing was published", file=sys.stderr)
            return BuildResult(ok=False, errors=errors, warnings=warnings, elapsed=time.perf_counter() - started,
                               diagnostics=result.diagnostics)
        written, html_pages, sitewide, sitewide_reused = write_site_pages(stage, result, outcomes, config, site,
                                                                          cache, env, spill)
        if sitewide_reused:
            progress.say(f"{sitewide_reused} of {sitewide} site-wide files unchanged: taken from the previous build")
        progress.say(f"wrote {written} files")
        if search:
            index_search(stage, outcomes, config, cache, jobs, progress, spill)
        publish(stage, config.output_dir, written)
        # Still under the build lock: no second build reads the cache while it is brought up to date.
        cache.save(outcomes, inputs, result.diagnostics, (len(result.records), html_pages, written, search),
                   spill.texts if spill is not None else None)
    elapsed = time.perf_counter() - started
    print(f"built {len(result.records)} record(s), {html_pages} page(s), {warnings} warning(s) into "
          f"{config.rel(config.output_dir)} in {elapsed:.2f} s" + ("" if search else " (no search index)"), file=sys.stderr)
    return BuildResult(ok=True, records=len(result.records), pages=html_pages, files=written,
                       warnings=warnings, elapsed=elapsed, indexed=search, diagnostics=result.diagnostics,
                       outcomes=tuple(outcomes), sitewide=sitewide, sitewide_reused=sitewide_reused)


def _nothing_to_do(config: SiteConfig, previous: tuple[tuple[Diagnostic, ...], tuple[int, int, int, bool]],
                   strict: bool, started: float) -> BuildResult:
    """The inputs and the published output are as the last build left them: say so, and what it found."""
    diagnostics, (records, html_pages, written, search) = previous
    report(diagnostics)
    warnings = sum(1 for d in diagnostics if d.level == "warning")
    if strict and warnings:
        print(f"sitegen: 0 error(s), {warnings} warning(s) (warnings are fatal with --strict); nothing was published",
              file=sys.stderr)
        return BuildResult(ok=False, warnings=warnings, elapsed=time.perf_counter() - started, diagnostics=diagnostics)
    elapsed = time.perf_counter() - started
    print(f"nothing changed since the last build: {records} record(s), {html_pages} page(s), {warnings} warning(s) in "
          f"{config.rel(config.output_dir)} are up to date ({elapsed:.2f} s)", file=sys.stderr)
    return BuildResult(ok=True, records=records, pages=html_pages, files=written, warnings=warnings, elapsed=elapsed,
                       indexed=search, diagnostics=diagnostics)


def render_records(sources: Sequence[SourceFile], config: SiteConfig, site: SiteInfo, stage: Stage, cache: BuildCache,
                   jobs: int, progress: "Progress", spill: Spill | None = None) -> list[RecordOutcome]:
    """Every record's outcome: unchanged ones linked from the previous output, the rest rendered by workers.

    With a spill, each outcome's texts go there as it arrives, and the outcomes returned are without them.
    """
    keep = spill.keep if spill is not None else (lambda outcome: outcome)
    # A reused record's texts stay in the cache's row until a file being made needs them.
    reused = cache.reusable(sources, spill.keep_cached if spill is not None else None)
    if spill is not None:
        spill.read_cached_with(cache.read_texts)
    if stage.leftovers is not None:
        # Of the output before last, only the files this build may link stay: a record's unchanged ones now,
        # the site-wide ones once they are made or found unchanged (engine/spare.py).
        stage.leftovers.keep_only(chain((path for o in reused.values() for path in o.outputs),
                                        (f.path for f in cache.sitewide.values())))
    link_previous(stage, config.output_dir, (path for o in reused.values() for path in o.outputs))
    fresh = [s for s in sources if s.rel not in reused]
    outcomes = dict(reused)
    job = RenderJob(site, stage.path, stage.replace)
    for done, outcome in enumerate(process_records(fresh, config, job, jobs), start=1):
        outcomes[outcome.rel_path] = keep(outcome)
        progress.count("rendering records", done, len(fresh))
    if reused:
        progress.say(f"{len(reused)} unchanged record(s) taken from the previous build")
    return [outcomes[s.rel] for s in sources]


class SiteWritten(NamedTuple):
    """What write_site_pages put into the staging folder."""

    files: int  # every file of the output, linked ones included, the search bundle excluded
    html_pages: int
    sitewide: int  # site-wide files (index, browse, statistics, feeds, dumps, offline search) made or linked; artifacts not counted
    sitewide_reused: int  # how many of those were linked unchanged from the previous output, not made


def write_site_pages(stage: Stage, result: CheckResult, outcomes: Sequence[RecordOutcome], config: SiteConfig,
                     site: SiteInfo, cache: BuildCache | None = None, env: str = "", spill: Spill | None = None,
                     manifests: Path | None = None) -> SiteWritten:
    """The site-wide pages, made from all records together, and the copied files.

    With a cache (and the environment key env), a site-wide file made from the same inputs as
    the previous build's is hard-linked from the previous output instead (engine/sitewide.py).
    spill: where the outcomes' texts are, when they were spilled (engine/spill.py).
    manifests: the folder holding each record's manifest file (records/<slug>.json), which the dumps
    are made from; by default the staging folder.
    """
    records = result.records
    shards = shard_paths(shard_count(len(records), config))[1:] if site.search_index else []
    good = [o for o in outcomes if o.record is not None]
    cards: Cards = spill if spill is not None else CardsInMemory({o.record.url: o.cards for o in good})
    folder = manifests or stage.path
    index, browse = index_plans(records, config, site, shards, cards), browse_plans(records, config, site, cards)
    feeds, offline = feed_plans(records, config, site.build_date), _offline_index(good, config, spill, cache)
    statistics = statistics_plans(records, config, site)
    dumps = dump_plans(records, config,
                       lambda r: (folder / "records" / f"{r.slug}.json").read_text("utf-8").removesuffix("\n"))
    pages, contracts, not_found = [render_page(p, config, site) for p in result.pages], contract_pages(), \
        not_found_page(config, site)
    per_record = [(path, o.rel_path) for o in good for path in o.outputs]
    artifacts, assets = artifact_files(records, config), collect_assets(config)
    # Each site-wide file is written as soon as it is made, so that no registry's worth of them is ever held:
    # first make sure that no two outputs claim one path (the files made last, below, are checked against these).
    planned = [Page(plan.out_path, b"", plan.source) for plan in (*index, *browse, *statistics, *feeds, *offline.plans)]
    claimed = check_collisions([*planned, *(Page(plan.out_path, b"", plan.source) for plan, _count in dumps), *pages,
                                *contracts, not_found], assets + artifacts, per_record)
    sitewide = Sitewide(cache, env, stage.path, stage.replace)
    shared: list[Page] = [*sitewide.pages(index), *pages, *contracts, *sitewide.pages(browse),
                          *sitewide.pages(statistics), not_found, *sitewide.pages(feeds),
                          *sitewide.pages(offline.plans)]
    made = sitewide.resolve(plan for plan, _count in dumps)
    listed = [(plan.out_path, count, size, sha256) for (plan, count), (_page, size, sha256) in zip(dumps, made)]
    harvest = records_index(listed, config, site.build_date)
    shared += [harvest, *(page for page, _size, _sha256 in made)]
    # Strings, not path objects: a registry has a few per record.
    paths = [p.out_path.as_posix() for p in shared] + [path for path, _ in per_record]
    last = [harvest, *crawler_files(records, paths, config)]  # last: the sitemap lists every page
    # After the sitemap, which must not list them: a redirect is an old address, not a page of its own.
    last += redirect_pages(result.aliases, records, site)
    shared += last[1:]
    # A record's artifact, as its validation read it: an unchanged one is linked, like the site-wide files.
    digests = {config.content_dir.joinpath(*o.artifact.path.split("/")): o.artifact.sha256
               for o in good if o.artifact is not None}
    copies = sitewide.copies(artifacts, digests)
    check_collisions(last, [], claimed=claimed)  # the files made since the first check, against all the others
    html_pages = sum(1 for path in paths if path.endswith(".html"))
    linked = link_previous(stage, config.output_dir, sitewide.linked)
    to_write = sitewide.to_write(shared)
    written = write_files(stage.path, to_write, assets + copies, stage.replace) + linked \
        + len(per_record) + sitewide.pages_made
    if stage.leftovers is not None:  # what was written over the output before last's files stays
        stage.leftovers.claim(chain((path for path, _source in per_record), sitewide.written, [MARKER.as_posix()],
                                    (p.out_path.as_posix() for p in to_write),
                                    (f.out_path.as_posix() for f in assets + copies)))
    sitewide.note_copies(stage.path)
    if cache is not None:
        cache.remember_sitewide(sitewide.files)
        cache.remember_offline(offline, spill.offline_rows if spill is not None else None)
    return SiteWritten(written, html_pages, sitewide.made_or_linked, sitewide.pages_linked)


def _offline_index(good: Sequence[RecordOutcome], config: SiteConfig, spill: Spill | None,
                   cache: BuildCache | None) -> OfflineIndex:
    """The offline index's files, from the search entries in index order, read from the spill a few at a time:
    remade from the previous build's where the change allows (search/offline_update.py), else whole."""
    urls = [r.url for r in index_order(o.record for o in good)]
    if spill is not None:
        # The words were cut by the workers (or kept in the cache); an outcome without them (made elsewhere) cuts its own.
        words = all(spill.words_present[url] for url in urls)
        entries = SpilledEntries(spill, urls)
        before = cache.offline_before() if cache is not None and words else None
        if before is not None:
            index = offline_update(before, entries, urls, cache.reused_urls, spill.words, config)  # type: ignore[union-attr]
            if index is not None:
                return index
        return offline_build(entries, config, spill.words(urls) if words else None, spill.keep_group)
    by_url = {o.record.url: o for o in good}
    cut = (by_url[url].words for url in urls) if all(o.words for o in good) else None
    return offline_build([json.loads(by_url[url].search) for url in urls], config, cut)


def index_search(stage: Stage, outcomes: Sequence[RecordOutcome], config: SiteConfig, cache: BuildCache, jobs: int,
                 progress: "Progress", spill: Spill | None = None) -> None:
    """The Pagefind bundles, built from the search entries; linked from the previous output when those are unchanged."""
    entries = search_entries(outcomes, spill)
    key = search_key(entries, config)
    previous = cache.reusable_search(key)
    if previous is not None:
        link_previous(stage, config.output_dir, previous)
        progress.say("search index unchanged: taken from the previous build")
    else:
        progress.say(f"indexing {len(entries)} record(s) with Pagefind")
        build_search_index(stage.path, entries, config, jobs=jobs or default_jobs())
        cache.remember_search(key, stage.path)  # a reused bundle is remembered as it was


def search_entries(outcomes: Sequence[RecordOutcome], spill: Spill | None = None) -> list[str]:
    """Every record's search entry in index order (newest first): the order Pagefind's shards and the
    offline index number records by (search/index.py, shard_of)."""
    urls = [r.url for r in index_order(o.record for o in outcomes if o.record is not None)]
    if spill is not None:
        return list(spill.search(urls))
    by_url = {o.record.url: o.search for o in outcomes if o.record is not None}
    return [by_url[url] for url in urls]


def report(diagnostics: Sequence[Diagnostic]) -> None:
    """The diagnostics are the report, on stdout (`sitegen build | less` shows them); progress and the
    summary go to stderr. Flushed first, so a log that joins the two keeps them in order."""
    for diagnostic in diagnostics:
        print(format_text(diagnostic), file=sys.stdout)
    sys.stdout.flush()


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

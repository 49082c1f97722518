"""The live preview's site: the last good build kept in memory and updated record by record.

A change to one record re-validates and re-renders that record, then remakes
the site-wide pages that list it (index, browse pages, feeds, search data);
the record's page is replaced first, so the browser can reload it while the
rest follows. Layouts, configuration and content pages change every page, so
they rebuild everything (through the build cache, which keeps that quick).
Each update leaves the output exactly as a clean build of the same input
would, except for the search bundle, which is rebuilt in the background and
swapped in when it is ready.

An update with errors changes nothing on disk: the last good site stays
served and the errors are handed to the page overlay.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable, Sequence

from ..engine.pipeline import build, collect, load_pages, report, search_entries, source_date, write_site_pages
from ..engine.write import Stage
from ..engine.workers import RenderJob, process_one
from ..config import SiteConfig
from ..model import BuildResult, CheckResult, Diagnostic, RecordOutcome
from ..records.addresses import load_aliases
from ..records.load import SourceFile
from ..search.index import BUNDLE_FOLDERS, build_search_index
from ..site.render import site_info
from .watch import Change, ChangeKind


class Preview:
    """Owns the output folder while `sitegen serve` runs."""

    def __init__(self, config: SiteConfig, *, search: bool = True,
                 on_partial: Callable[[], None] | None = None) -> None:
        self.config = config
        self.search = search
        self.on_partial = on_partial or (lambda: None)  # called when the changed record's own page is in place
        self.outcomes: dict[str, RecordOutcome] = {}
        self.lock = threading.Lock()
        self.search_generation = 0

    # -- whole site ---------------------------------------------------------------------

    def rebuild_all(self) -> list[Diagnostic] | None:
        """A full build (cached); None when it published, else its diagnostics."""
        with self.lock:
            result: BuildResult = build(self.config, search=self.search, need_outcomes=True)
            if not result.ok:
                return list(result.diagnostics)
            self.outcomes = {o.rel_path: o for o in result.outcomes}
            return None

    # -- one change at a time -------------------------------------------------------------

    def update(self, changes: Sequence[Change]) -> list[Diagnostic] | None:
        """Apply a batch of changes; None when the site was updated, else the diagnostics to show."""
        kinds = {change.kind for change in changes}
        if kinds & {ChangeKind.LAYOUT, ChangeKind.CONFIG, ChangeKind.PAGE, ChangeKind.CONTENT} or not self.outcomes:
            return self.rebuild_all()
        if kinds == {ChangeKind.ASSET}:
            return self._copy_assets([c.path for c in changes])
        with self.lock:
            return self._update_records([c.path for c in changes if c.kind is ChangeKind.RECORD])

    def _copy_assets(self, paths: Sequence[Path]) -> None:
        with self.lock:
            folders = self.config.asset_folders
            for path in paths:
                rel = path.relative_to(next(folder for folder in folders if path.is_relative_to(folder)))
                target = self.config.output_dir / "assets" / rel
                # The site's file wins over the default look's; a removed override lets the default show again.
                source = next((folder / rel for folder in folders if (folder / rel).is_file()), None)
                if source is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    _replace_bytes(target, source.read_bytes())
                elif target.exists():
                    target.unlink()
        return None

    def _update_records(self, paths: Sequence[Path]) -> list[Diagnostic] | None:
        config = self.config
        output = config.output_dir
        pages, page_problems = load_pages(config)
        aliases, alias_problems = load_aliases(config)  # the redirects are site-wide pages too
        site = site_info(config, pages, source_date(), search_index=self.search)
        outcomes = dict(self.outcomes)
        scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}.preview-", dir=output.parent))
        try:
            fresh: list[RecordOutcome] = []
            for path in paths:
                rel = config.rel(path)
                if path.is_file():
                    source = SourceFile(path, rel, path.name[:-3])
                    fresh.append(process_one(source, config, RenderJob(site, scratch)))
                    outcomes[rel] = fresh[-1]
                else:
                    outcomes.pop(rel, None)
            ordered = [outcomes[rel] for rel in sorted(outcomes)]
            result: CheckResult = collect(ordered, page_problems + alias_problems, pages, len(ordered), aliases)
            if result.errors:
                return list(result.errors)
            # The changed records' own files first: the page being edited can reload now.
            for outcome in fresh:
                for rel in outcome.outputs:
                    _replace_file(scratch / rel, output / rel)
            for rel, old in self.outcomes.items():
                if rel not in outcomes:
                    for path in old.outputs:
                        (output / path).unlink(missing_ok=True)
            self.on_partial()
            shared = scratch / "site"
            shared.mkdir()
            write_site_pages(Stage(shared, None), result, ordered, config, site, manifests=output)  # the records' files are there now
            for path in sorted(shared.rglob("*")):
                if path.is_file():
                    _replace_if_changed(path, output / path.relative_to(shared))
            self.outcomes = outcomes
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        report(result.warnings)
        if self.search:
            self._index_in_background(ordered)
        return None

    # -- search, in the background ----------------------------------------------------------

    def _index_in_background(self, ordered: Sequence[RecordOutcome]) -> None:
        self.search_generation += 1
        generation = self.search_generation
        entries = search_entries(ordered)
        thread = threading.Thread(target=self._index, args=(generation, entries), daemon=True)
        thread.start()

    def _index(self, generation: int, entries: list[str]) -> None:
        output = self.config.output_dir
        scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}.search-", dir=output.parent))
        try:
            build_search_index(scratch, entries, self.config)
            with self.lock:
                if generation != self.search_generation:
                    return  # a newer change is being indexed already
                for name in BUNDLE_FOLDERS:
                    old = output / name
                    if old.exists():
                        shutil.rmtree(old)
                    if (scratch / name).exists():
                        os.rename(scratch / name, old)
        except Exception as exc:  # noqa: BLE001 - the preview keeps running; the old index stays
            print(f"sitegen: the search index was not updated: {exc}", file=sys.stderr)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def _replace_bytes(target: Path, data: bytes) -> None:
    temp = target.with_name(f".{target.name}.tmp")
    temp.write_bytes(data)
    os.replace(temp, target)  # a reader never gets half a file


def _replace_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _replace_if_changed(source: Path, target: Path) -> None:
    if target.is_file() and target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes():
        return
    _replace_file(source, target)

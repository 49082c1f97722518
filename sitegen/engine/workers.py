"""Per-record work, run in worker processes: read, validate, render, write.

A record is a pure function of its file, the configuration and the
templates, so records are handed out in chunks to a process pool and each
worker writes its records' pages straight into the staging folder. Only
small results travel back: diagnostics, the validated record, the paths
written and the record's search entry. One record never waits for another;
the checks across records run afterwards in the main process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from ..config import SiteConfig
from ..formats.schema import position_of
from ..model import ArtifactRead, Diagnostic, Record, RecordOutcome
from ..records.load import SourceFile, load_record
from ..records.validate import validate_record
from .digest import file_stamp, stamped_digest

# Fields only a record's own pages show: a registry's worth of them would be most of the build's memory. A rendered
# record's fields lack them, so whatever counts its claims does so here, in the worker (as its cards do).
PAGE_ONLY_FIELDS = frozenset({"claims", "references", "provenance", "research_question"})

# Below this many records a pool costs more than it saves.
_PARALLEL_FROM = 64
_CHUNK = 48


@dataclass(frozen=True, slots=True)
class RenderJob:
    """What a worker needs to render and write records; None fields mean check only."""

    site: object  # render.SiteInfo
    stage: Path
    replace: bool = False  # whether stage may hold leftovers of the output before last (write.Stage.replace)


def _artifact_read(record_fields: dict, config: SiteConfig) -> ArtifactRead | None:
    """The artifact validation has just read (and found inside the content folder), with its sha256."""
    artifact = record_fields.get("gate", {}).get("artifact") or {}
    if "path" not in artifact:
        return None
    try:
        stamp, sha256 = stamped_digest(config.content_dir.joinpath(*artifact["path"].split("/")))
    except OSError:
        return None  # gone since validation read it: the cache will not keep this record
    if artifact.get("sha256") and artifact["sha256"] != sha256:
        return None  # changed since validation compared it: the same
    return ArtifactRead(artifact["path"], sha256, stamp)


def without_page_fields(record: Record) -> Record:
    """The record without its body and the fields only its own pages show (PAGE_ONLY_FIELDS)."""
    return dataclasses.replace(record, body_md="", fields={k: v for k, v in record.fields.items()
                                                           if k not in PAGE_ONLY_FIELDS})


def process_one(source: SourceFile, config: SiteConfig, job: RenderJob | None, whole: bool = True) -> RecordOutcome:
    """Load and validate one record; with a job, also render it and write its pages.

    Checked only and not whole, the record comes back without its body and long fields: `sitegen check`
    reports, and the checks across records read only ids and slugs."""
    stamp = file_stamp(source.path)  # before reading, so that an edit while reading shows as a change next time
    raw = load_record(source, config.limits)
    if isinstance(raw, Diagnostic):
        return RecordOutcome(source.rel, stamp, (raw,), None)
    record, problems = validate_record(raw, config)
    id_pos = position_of(raw.positions, ("id",)) if ("id",) in raw.positions else None
    if record is None or job is None:
        kept = record if record is None or whole else without_page_fields(record)
        return RecordOutcome(source.rel, stamp, tuple(problems), kept, id_pos)
    from .outputs import record_outputs  # rendering is only imported where it is used
    from .write import write_pages

    artifact = _artifact_read(record.fields, config)  # for the cache; a check keeps none
    pages, search, cards, words = record_outputs(record, config, job.site)
    write_pages(job.stage, pages, job.replace)
    # The body and the long fields are rendered and written; the site-wide pages never read them (the dumps read
    # the manifest file just written), so they do not travel back, stay in memory or go into the cache.
    record = without_page_fields(record)
    # The digests let the next build check the published files by content, wherever they came from.
    return RecordOutcome(source.rel, stamp, tuple(problems), record, id_pos,
                         tuple(p.out_path.as_posix() for p in pages), search, cards, artifact,
                         tuple(hashlib.sha256(p.content).hexdigest() for p in pages), words)


# Worker processes receive the configuration once, when they start, not with every chunk.
_worker_state: tuple[SiteConfig, RenderJob | None, bool] | None = None


def _init_worker(config: SiteConfig, job: RenderJob | None, whole: bool) -> None:
    global _worker_state  # noqa: PLW0603 - per-process state of a pool worker, set once at its start
    _worker_state = (config, job, whole)
    _die_with_parent()


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the build process dies (even by kill -9).

    Otherwise a killed build's workers would go on writing into its staging
    folder and hold its lock, and the next build would have to wait for them.
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before the request took effect
            os._exit(1)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _process_chunk(chunk: Sequence[SourceFile]) -> list[RecordOutcome]:
    assert _worker_state is not None
    config, job, whole = _worker_state
    return [process_one(source, config, job, whole) for source in chunk]


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def process_records(sources: Sequence[SourceFile], config: SiteConfig, job: RenderJob | None,
                    jobs: int = 0, whole: bool = True) -> Iterator[RecordOutcome]:
    """Every source processed, in the order given; in a process pool when there are many. whole: as for process_one."""
    workers = jobs or default_jobs()
    if workers <= 1 or len(sources) < _PARALLEL_FROM:
        for source in sources:
            yield process_one(source, config, job, whole)
        return
    chunks = [sources[i:i + _CHUNK] for i in range(0, len(sources), _CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(config, job, whole)) as pool:
        for outcomes in pool.map(_process_chunk, chunks):
            yield from outcomes


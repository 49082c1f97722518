"""The stages in order, on one screen: load, validate, check across records,
then (for a build) render, write and index."""

from __future__ import annotations

from .config import SiteConfig
from .load import discover_records, load_record
from .model import CheckResult, Diagnostic, RawRecord, Record
from .validate import check_across, validate_record


def check(config: SiteConfig) -> CheckResult:
    """Load and validate every record; writes nothing."""
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
    return CheckResult(
        records=tuple(sorted(records, key=lambda r: r.slug)),
        diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        files_checked=len(sources),
    )

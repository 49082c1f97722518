"""RawRecord -> Record or diagnostics: the contracts, then the rules across fields,
then the checks across records."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping

from ..config import SiteConfig
from ..formats.fields import field_hint, is_field
from ..formats.schema import (describe, dotted, known_versions, parse_date, parse_datetime, position_of, schema_problems,
                              validate_against)
from ..model import ContentPage, Diagnostic, RawRecord, Record, SourcePos, YamlPath

PLACEHOLDER = "TODO:"
# Correction kinds that set the status, most severe first; any other kind means 'corrected'.
_STATUS_BY_KIND = (
    ("withdrawal", "withdrawn"),
    ("removal", "withdrawn"),
    ("retraction", "retracted"),
    ("expression-of-concern", "expression-of-concern"),
)
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class _Report:
    """Collects diagnostics for one record file, positioned by YAML path."""

    def __init__(self, raw: RawRecord):
        self.raw = raw
        self.items: list[Diagnostic] = []

    def at(self, path: YamlPath, level: str, message: str, rule: str, hint: str | None = None, *, key: bool = False) -> None:
        line, col = position_of(self.raw.positions, path, key=key)
        self.items.append(Diagnostic(SourcePos(self.raw.rel_path, line, col), level, message, rule, hint))  # type: ignore[arg-type]


class _Valid:
    """Which values passed the contracts: a rule across fields runs when every value it reads did."""

    def __init__(self, bad: Iterable[YamlPath]):
        self.bad = tuple(bad)

    def __call__(self, *reads: tuple[str | int, ...]) -> bool:
        """Whether none of the paths read (a "*" stands for every item of a list) is, holds or lies in a bad value."""
        return not any(_overlaps(path, bad) for path in reads for bad in self.bad)


def _overlaps(path: tuple[str | int, ...], bad: YamlPath) -> bool:
    for mine, theirs in zip(path, bad):
        if mine != theirs and not (mine == "*" and isinstance(theirs, int)):
            return False
    return True


def derived_correction_status(entries: Iterable[Mapping[str, Any]]) -> str:
    """The status the entries imply: the most severe kind wins."""
    kinds = {e.get("kind") for e in entries}
    if not kinds:
        return "current"
    for kind, status in _STATUS_BY_KIND:
        if kind in kinds:
            return status
    return "corrected"


def verified_claim_count(fields: Mapping[str, Any]) -> int:
    """Verified claims: counted from the claims list where there is one."""
    claims = fields.get("claims")
    if claims:
        return sum(1 for c in claims if c.get("verified"))
    return fields["verification"]["source_grounded_claims"]


def expected_tier(fields: Mapping[str, Any], config: SiteConfig) -> str:
    """The highest tier whose configured thresholds the record meets."""
    score = fields.get("review_score")
    claims = verified_claim_count(fields)
    for tier in ("doi-grade", "flagship-candidate"):
        rule = config.tiers[tier]
        if "min_score" in rule and (score is None or score < rule["min_score"]):
            continue
        if claims < rule.get("min_verified_claims", 0):
            continue
        if rule.get("requires_verified_gate") and fields["gate"]["status"] != "verified":
            continue
        return tier
    return "watchlist"


def _check_contracts(raw: RawRecord, report: _Report) -> tuple[bool, bool]:
    """Whether the record and its correction block name contracts we ship, reporting those that do not."""
    ok = [True, True]
    for which, (path, family) in enumerate(((("contract",), "paper-manifest"), (("corrections", "contract"), "correction-record"))):
        holder: Any = raw.data
        for part in path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if not isinstance(holder, dict):
            continue  # the schema reports the missing block
        name = holder.get(path[-1])
        known = known_versions(family)
        if name is None:
            report.at(path[:-1], "error", f"missing '{dotted(path)}': say which contract this record follows",
                      "unknown-contract", f"add '{path[-1]}: {known[-1]}'", key=True)
            ok[which] = False
        elif name not in known:
            report.at(path, "error", f"unknown contract {name!r} in '{dotted(path)}'; known versions: {', '.join(known)}",
                      "unknown-contract")
            ok[which] = False
    return ok[0], ok[1]


def _walk_strings(value: Any, path: YamlPath = ()) -> Iterable[tuple[YamlPath, str]]:
    stack = [(path, value)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, str):
            yield here, node
        elif isinstance(node, dict):
            stack.extend((here + (k,), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((here + (i,), v) for i, v in enumerate(node))


def _check_artifact(fields: Mapping[str, Any], config: SiteConfig, valid: _Valid, report: _Report) -> None:
    """A local artifact stays inside the content folder, exists, and has the sha256 given."""
    artifact = fields["gate"].get("artifact")
    if not isinstance(artifact, dict) or "path" not in artifact or not valid(("gate", "artifact", "path")):
        return
    where = ("gate", "artifact", "path")
    raw_path: str = artifact["path"]
    if "\\" in raw_path:
        report.at(where, "error", "the artifact path uses backslashes", "artifact-path", "write paths with forward slashes")
        return
    pure = PurePosixPath(raw_path)
    if pure.is_absolute() or (len(raw_path) > 1 and raw_path[1] == ":"):
        report.at(where, "error", "the artifact path is absolute; it must be relative to the content folder", "artifact-path")
        return
    if ".." in pure.parts:
        report.at(where, "error", "the artifact path leaves the content folder ('..')", "artifact-path")
        return
    content = config.content_dir.resolve()
    target = (content / Path(*pure.parts)).resolve()
    if not target.is_relative_to(content):
        report.at(where, "error", "the artifact path resolves, through a symbolic link, outside the content folder", "artifact-path")
        return
    if not target.is_file():
        folder = config.content_dir.name
        if pure.parts[0] == folder and len(pure.parts) > 1:
            hint = (f"artifact paths are relative to the {folder} folder, so '{folder}/' is written twice: "
                    f"write path: {PurePosixPath(*pure.parts[1:]).as_posix()}")
        else:
            hint = f"commit the artifact file, or fix the path (it is relative to the {folder} folder)"
        report.at(where, "error", f"the artifact file {config.rel(config.content_dir / Path(*pure.parts))} does not exist",
                  "artifact-missing", hint)
        return
    expected = artifact.get("sha256")
    if expected and valid(("gate", "artifact", "sha256")):
        digest = hashlib.sha256()
        with open(target, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != expected:
            report.at(("gate", "artifact", "sha256"), "error",
                      f"the artifact's sha256 does not match the file (the file's is {digest.hexdigest()})", "artifact-hash",
                      "on a record not yet published, write the file's sha256 here; on a published one the artifact "
                      "changed: restore the file, or record a correction with the new hash "
                      "(sitegen correct --field gate.artifact.sha256)")


def _check_future(fields: Mapping[str, Any], config: SiteConfig, valid: _Valid, report: _Report) -> None:
    """No date after tomorrow: submitted, the correction entries, the gate evaluation."""
    latest, today = config.latest_date, config.today.isoformat()
    if valid(("submitted",)) and parse_date(fields["submitted"]) > latest:
        report.at(("submitted",), "error", f"'submitted' is {fields['submitted']}, a date in the future (today is {today})",
                  "future-date", "write the day the record was submitted; a date may be at most one day after today, for time zones")
    corrections = fields.get("corrections")
    entries = corrections.get("entries") if isinstance(corrections, dict) else None
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        here = ("corrections", "entries", index)
        if valid(here + ("date",), here + ("id",)) and parse_date(entry["date"]) > latest:
            report.at(("corrections", "entries", index, "date"), "error",
                      f"correction {entry['id']} is dated {entry['date']}, in the future (today is {today})", "future-date",
                      "write the day the correction was made; a date may be at most one day after today, for time zones")
    if valid(("gate", "evaluated")) and isinstance(fields["gate"].get("evaluated"), str):
        evaluated = parse_datetime(fields["gate"]["evaluated"])
        if evaluated.date() > latest:
            report.at(("gate", "evaluated"), "error",
                      f"'gate.evaluated' is {fields['gate']['evaluated']}, a time in the future (today is {today})", "future-date",
                      "write when the gate evaluated the record; a date may be at most one day after today, for time zones")


def latest_date_of(record: Record) -> dt.date:
    """The latest date a valid record carries (submitted, its correction entries, the gate's evaluation): what
    _check_future compares with the latest date allowed, so a result kept from an earlier day can be judged."""
    fields = record.fields
    dates = [record.submitted, *(parse_date(entry["date"]) for entry in fields["corrections"]["entries"])]
    evaluated = fields["gate"].get("evaluated")
    if isinstance(evaluated, str):
        dates.append(parse_datetime(evaluated).date())
    return max(dates)


def _check_rules(fields: Mapping[str, Any], config: SiteConfig, valid: _Valid, report: _Report) -> None:
    """The rules across fields that JSON Schema cannot express, each run when the values it reads are valid."""
    gate = fields.get("gate")
    if valid(("gate", "status"), ("gate", "artifact")) and gate["status"] == "verified" and "artifact" not in gate:
        report.at(("gate", "status"), "error", "gate status 'verified' requires an artifact", "gate-artifact",
                  "attach the Lean4 proof or the repro script under gate.artifact (kind, path or url, sha256)")
    if valid(("gate", "status"), ("gate", "evaluated")) and gate["status"] != "unverified" and "evaluated" not in gate:
        report.at(("gate",), "error", f"gate status '{gate['status']}' requires 'gate.evaluated', the time of evaluation",
                  "gate-evaluated", "add e.g. evaluated: 2026-06-17T15:03:36+00:00", key=True)
    if valid(("gate", "gate")) and gate["gate"] not in config.gates:
        report.at(("gate", "gate"), "error",
                  f"gate {gate['gate']} is not configured; known gates: {', '.join(map(str, sorted(config.gates)))}", "gate-unknown")
    if isinstance(gate, dict):
        _check_artifact(fields, config, valid, report)
    if valid(("submitted",), ("gate", "reason_code"), ("gate", "gate")) and gate.get("reason_code") == "pre-pipeline":
        submitted = parse_date(fields["submitted"])
        activated = config.gates.get(gate["gate"], {}).get("activated")
        if activated and submitted > parse_date(activated):
            report.at(("gate", "reason_code"), "warning",
                      f"the reason says the record predates the gate {gate['gate']} pipeline, but it was submitted "
                      f"on {submitted.isoformat()}, after the pipeline was activated on {activated}",
                      "gate-predates-pipeline", "re-evaluate the record through the gate, or correct the reason")
    _check_future(fields, config, valid, report)
    _check_corrections(fields, valid, report)

    verification = fields.get("verification")
    provenance = fields.get("provenance")
    if valid(("provenance", "claim_lineage"), ("verification", "source_grounded_claims")) \
            and provenance["claim_lineage"] != verification["source_grounded_claims"]:
        report.at(("provenance", "claim_lineage"), "error",
                  f"provenance.claim_lineage is {provenance['claim_lineage']} but verification.source_grounded_claims is "
                  f"{verification['source_grounded_claims']}; they count the same claims", "claim-lineage")
    if valid(("claims", "*", "verified"), ("verification", "source_grounded_claims")):
        claims = fields.get("claims") or []
        verified = sum(1 for c in claims if c["verified"])
        if claims and verification["source_grounded_claims"] < verified:
            report.at(("verification", "source_grounded_claims"), "warning",
                      f"{verified} listed claims are verified, more than the {verification['source_grounded_claims']} "
                      "source-grounded claims stated", "claims-count")
    if valid(("provenance", "external_record"), ("doi",)) and provenance["external_record"] == "registered" and not fields.get("doi"):
        report.at(("provenance", "external_record"), "warning",
                  "the external record is 'registered' but the record has no doi", "doi-missing",
                  "add the DOI, or set external_record: not-registered")
    if valid(("tier", "tier"), ("review_score",), ("claims", "*", "verified"), ("verification", "source_grounded_claims"),
             ("gate", "status")):
        tier = fields["tier"]["tier"]
        want = expected_tier(fields, config)
        if tier != want:
            report.at(("tier", "tier"), "warning",
                      f"the tier is '{tier}' but the configured thresholds give '{want}' "
                      f"(review score {fields.get('review_score', 'not given')}, {verified_claim_count(fields)} verified claims, "
                      f"gate {gate['status']})", "tier-threshold")

    for path, text in _walk_strings(fields):
        if _BIDI.intersection(text) and not text.startswith(PLACEHOLDER):
            report.at(path, "warning", f"'{dotted(path)}' contains bidirectional override characters, which can make "
                      "text display in a misleading order", "bidi-control", "remove them; pages set the direction themselves")


def _check_corrections(fields: Mapping[str, Any], valid: _Valid, report: _Report) -> None:
    """The correction status agrees with the entries; entries are numbered and dated in order."""
    corrections = fields.get("corrections")
    if valid(("corrections", "status"), ("corrections", "entries", "*", "kind")):
        expected = derived_correction_status(corrections["entries"])
        if corrections["status"] != expected:
            report.at(("corrections", "status"), "error",
                      f"the correction status is '{corrections['status']}' but the entries make it '{expected}'",
                      "correction-status", f"set corrections.status to {expected}")
    if not valid(("corrections", "entries", "*", "id"), ("corrections", "entries", "*", "date")):
        return
    submitted = parse_date(fields["submitted"]) if valid(("submitted",)) else None
    previous = None
    for index, entry in enumerate(corrections["entries"]):
        if entry["id"] != f"C{index + 1}":
            report.at(("corrections", "entries", index, "id"), "error",
                      f"correction entry {index + 1} has id '{entry['id']}'; entries are numbered C1, C2, ... in order",
                      "correction-order", f"use C{index + 1}")
        date = parse_date(entry["date"])
        if previous and date < previous:
            report.at(("corrections", "entries", index, "date"), "error",
                      f"correction {entry['id']} is dated {date.isoformat()}, before the entry above it ({previous.isoformat()})",
                      "correction-order", "entries are appended in date order; dates never go backwards")
        if submitted and date < submitted:
            report.at(("corrections", "entries", index, "date"), "error",
                      f"correction {entry['id']} is dated {date.isoformat()}, before the record was submitted "
                      f"({submitted.isoformat()})", "correction-date")
        previous = max(previous, date) if previous else date
        for k, name in enumerate(entry.get("fields") or []):
            # The same rule as `sitegen correct --field`: a name that is no field covers nothing.
            if not is_field(name, fields["contract"]):
                report.at(("corrections", "entries", index, "fields", k), "error",
                          f"correction {entry['id']} names '{name}' in its fields, which is not a field of "
                          f"{fields['contract']}", "correction-field", field_hint(name, fields["contract"]))


def placeholder_paths(data: Mapping[str, Any]) -> set[YamlPath]:
    """Where the values still holding a "TODO: ..." placeholder stand."""
    return {path for path, text in _walk_strings(data) if text.startswith(PLACEHOLDER)}


def _find_placeholders(data: Mapping[str, Any], report: _Report) -> set[YamlPath]:
    """Report every value still holding a "TODO: ..." placeholder; return their paths."""
    found: set[YamlPath] = set()
    for path, text in _walk_strings(data):
        if text.startswith(PLACEHOLDER):
            found.add(path)
            report.at(path, "error", f"'{dotted(path)}' still holds a placeholder: {text}", "placeholder",
                      describe(data["contract"], path) if path[:1] != ("corrections",) else None)
    return found


def validate_record(raw: RawRecord, config: SiteConfig) -> tuple[Record | None, list[Diagnostic]]:
    """One record against its contracts and the rules across its fields."""
    report = _Report(raw)
    manifest_known, corrections_known = _check_contracts(raw, report)
    if not manifest_known:
        return None, report.items
    data = raw.data
    # Placeholders are reported before the schema runs, and the schema skips them, so a
    # fresh `sitegen new` record lists every value left to fill in one run, each once,
    # even where a "TODO: ..." stands in for a number or a choice.
    placeholders = _find_placeholders(data, report)
    found = schema_problems(data["contract"], data, raw.positions, raw.rel_path, skip=placeholders)
    bad: list[YamlPath] = list(placeholders)
    corrections = data.get("corrections")
    if corrections_known and isinstance(corrections, dict):
        found += schema_problems(corrections["contract"], corrections, raw.positions, raw.rel_path, ("corrections",),
                                 skip=placeholders)
    elif isinstance(corrections, dict):
        # Reported as unknown-contract above: the block cannot be read, and its contract key is not a second problem.
        found = [(path, d) for path, d in found if path[:2] != ("corrections", "contract")]
        bad.append(("corrections",))
    report.items.extend(d for _, d in found)
    bad.extend(path for path, _ in found)
    # Every rule runs where the values it reads passed the schema, so one run lists
    # every problem, not the schema's first and the rules' after those are fixed.
    _check_rules(data, config, _Valid(bad), report)
    if any(d.level == "error" for d in report.items):
        return None, report.items
    record = Record(
        slug=raw.slug,
        rel_path=raw.rel_path,
        id=data["id"],
        title=data["title"],
        submitted=parse_date(data["submitted"]),
        language=data.get("language", "en"),
        fields=data,
        body_md=raw.body_md,
        body_line=raw.body_line,
        digest=raw.digest,
    )
    return record, report.items


def validate_page(raw: RawRecord) -> tuple[ContentPage | None, list[Diagnostic]]:
    """A page from content/pages/ against the content-page contract."""
    problems = validate_against("content-page", raw.data, raw.positions, raw.rel_path)
    if problems:
        return None, problems
    data = raw.data
    page = ContentPage(
        slug=raw.slug,
        rel_path=raw.rel_path,
        title=data["title"],
        description=data.get("description", ""),
        nav=data.get("nav") or raw.slug.replace("-", " ").capitalize(),
        body_md=raw.body_md,
        body_line=raw.body_line,
    )
    return page, []


@dataclass(frozen=True, slots=True)
class NewSinceBase:
    """Which record files are new since the --base revision: of two records with one id, the new one changes."""

    label: str  # the revision as the maintainer named it, e.g. origin/main
    files: frozenset[str]  # working-tree record files that no published record matches


def check_across(records: Iterable[Record], id_positions: Mapping[str, tuple[int, int]],
                 new_since: NewSinceBase | None = None) -> list[Diagnostic]:
    """Problems only visible across records: the same id twice. id_positions: file -> (line, col) of its id.

    The first file of each id keeps it and every other is reported. With new_since,
    published files come first, so the error and its hint land on the file to change;
    without it, the files are taken in name order.
    """
    new = new_since.files if new_since else frozenset()
    first: dict[str, Record] = {}
    out: list[Diagnostic] = []
    for record in sorted(records, key=lambda r: (r.rel_path in new, r.rel_path)):
        if record.id not in first:
            first[record.id] = record
            continue
        keeper = first[record.id].rel_path
        line, col = id_positions.get(record.rel_path, (1, 1))
        if new_since and record.rel_path in new:
            owner = keeper if keeper in new else f"the published record {keeper}"
            hint = (f"this record is new since {new_since.label}: give it an id of its own (sitegen new mints one); "
                    "a published id never changes")
        else:
            owner = keeper
            hint = ("ids are unique and never change: give the record that is not published yet an id of its own "
                    "(sitegen new mints one); sitegen check --base origin/main tells which one is new")
        out.append(Diagnostic(SourcePos(record.rel_path, line, col), "error",
                              f"the id {record.id} is already used by {owner}", "duplicate-id", hint))
    return out

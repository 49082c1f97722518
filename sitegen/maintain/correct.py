"""`sitegen correct`: append a correction entry to a record and update its
correction status, rewriting only the bytes that must change.

The edit is made on the text, not by dumping data: the new entry is inserted
after the last line of the entries list (or replaces an empty `[]`), and the
status scalar is replaced in place. Everything else, comments, key order,
quoting and CRLF line endings included, stays byte-identical. Before writing,
the edited text is parsed again and must hold exactly the old data plus the
new entry and status; otherwise nothing is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from ..config import SiteConfig
from ..errors import ContentError, SitegenError, UsageError
from ..formats.fields import NAMING_HINT, is_field, not_a_field
from ..formats.safeyaml import YamlLimits, YamlProblem, load_yaml
from ..formats.schema import known_versions, load_schema, parse_date, validate_against
from ..formats.yamltext import block_scalar, flow_list, scalar
from ..model import Diagnostic, RawRecord, SourcePos
from ..records.addresses import load_aliases
from ..records.load import SLUG, SourceFile, load_record, split_front_matter
from ..records.validate import derived_correction_status, validate_record

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Correction:
    """What the maintainer asked to append."""

    kind: str  # a Crossref update type from the correction contract, e.g. erratum
    summary: str
    fields: tuple[str, ...] = ()  # dotted names of the fields the correction changed
    notice: str | None = None  # URL of the published notice
    date: dt.date | None = None  # default: today


@dataclass(frozen=True, slots=True)
class Corrected:
    """What `sitegen correct` did."""

    rel_path: str
    entry_id: str
    kind: str
    date: dt.date
    old_status: str
    new_status: str
    remaining: tuple[Diagnostic, ...]  # the record's problems after the edit (other fields), for the maintainer


@dataclass(frozen=True, slots=True)
class _Span:
    """Where a value stands in the front matter text: 0-based lines of the YAML text, columns in characters."""

    start: tuple[int, int]
    end: tuple[int, int]


def _kinds(contract: str) -> list[str]:
    return load_schema(contract)["properties"]["entries"]["items"]["properties"]["kind"]["enum"]


def normalise_kind(kind: str, contract: str) -> str:
    """'Expression of concern' -> expression-of-concern; refuse kinds the contract does not know."""
    name = re.sub(r"[\s_]+", "-", kind.strip().lower())
    kinds = _kinds(contract)
    if name not in kinds:
        close = difflib.get_close_matches(name, kinds, n=1)
        raise UsageError(f"unknown correction kind '{kind}'" + (f"; did you mean '{close[0]}'?" if close else "")
                         + f"\n  kinds: {', '.join(kinds)}")
    return name


def check_fields(fields: tuple[str, ...], manifest: str) -> None:
    """Every --field names a field of the record contract (dotted: gate.status), by the rule `check` applies to entries."""
    for name in fields:
        if not is_field(name, manifest):
            raise UsageError(f"--field {not_a_field(name, manifest)}\n  {NAMING_HINT}")


def _spans(yaml_text: str, status_at: tuple[int, int], entries_at: tuple[int, int]) -> tuple[_Span, _Span, bool, int]:
    """The status value's span; the entries list's span up to the end of its last value; whether it is
    in flow style; and the column of its first dash (block style).

    safeyaml keeps where each value starts; the ends come from libyaml's event marks. A block
    collection's end mark is the next token, possibly after comments that belong to the next key,
    so a block list ends where its last scalar (or flow collection) ends.
    """
    status = entries = None
    flow = False
    depth = 0
    entries_start = (0, 0)
    flows: list[bool] = []
    last_end: tuple[int, int] | None = None
    for event in yaml.parse(yaml_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        start = (event.start_mark.line, event.start_mark.column)
        end = (event.end_mark.line, event.end_mark.column)
        kind = type(event)
        if depth:
            if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                depth += 1
                flows.append(bool(event.flow_style))
            elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                depth -= 1
                was_flow = flows.pop()
                if was_flow:
                    last_end = end
                if depth == 0:
                    entries = _Span(entries_start, last_end or end)
            else:
                last_end = end
            continue
        if kind is yaml.ScalarEvent and start == status_at:
            status = _Span(start, end)
        elif kind is yaml.SequenceStartEvent and start == entries_at:
            depth, flow, entries_start = 1, bool(event.flow_style), start
            flows = [flow]
            last_end = None
    if status is None or entries is None:
        raise UsageError("cannot find corrections.status and corrections.entries in the text; add the entry by hand")
    return status, entries, flow, entries_at[1]


def _entry_lines(entry: Mapping[str, Any], indent: int) -> list[str]:
    """The entry as block-list lines, `- ` at indent, keys two further in."""
    pad = " " * (indent + 2)
    lines = [f"{' ' * indent}- id: {entry['id']}", f"{pad}date: {entry['date']}", f"{pad}kind: {entry['kind']}"]
    summary = block_scalar(entry["summary"], indent + 4)
    lines.append(f"{pad}summary: {summary[0]}")
    lines.extend(summary[1:])
    if entry.get("fields"):
        lines.append(f"{pad}fields: {flow_list(list(entry['fields']))}")
    if entry.get("notice"):
        lines.append(f"{pad}notice: {scalar(entry['notice'])}")
    return lines


def front_matter_yaml(text: str) -> str:
    """The front matter's YAML with LF line endings, as the loader reads it (text without a BOM)."""
    split = split_front_matter(text.replace("\r\n", "\n"), "")
    if isinstance(split, Diagnostic):
        raise UsageError(split.message)
    return split[0]


def edit_text(text: str, entry: Mapping[str, Any], status: str, limits: YamlLimits = YamlLimits()) -> str:
    """text with entry appended to corrections.entries and the status replaced; nothing else changes.

    text is the whole record file as written (any line endings, no BOM). The front
    matter's YAML starts on the file's second line, after the opening fence.
    """
    first = 1  # file line (0-based) where the YAML starts
    yaml_text = front_matter_yaml(text)
    try:
        data, positions = load_yaml(yaml_text, limits)
    except YamlProblem as p:
        raise UsageError(f"line {p.line + first}: {p.message}") from None
    status_pos = positions[("corrections", "status")]
    entries_pos = positions[("corrections", "entries")]
    status_span, entries_span, flow, dash_col = _spans(
        yaml_text,
        (status_pos.value_line - 1, status_pos.value_col - 1),
        (entries_pos.value_line - 1, entries_pos.value_col - 1),
    )
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(point: tuple[int, int]) -> int:
        return starts[point[0] + first] + point[1]

    def line_break(line0: int) -> str:
        stop = text.find("\n", starts[line0 + first])
        return "\r\n" if stop > 0 and text[stop - 1] == "\r" else "\n"

    edits: list[tuple[int, int, str]] = [(offset(status_span.start), offset(status_span.end), status)]
    if flow:
        if data["corrections"]["entries"]:
            raise UsageError("corrections.entries is written in flow style [...] with entries in it; "
                             "rewrite it as a block list (one '- id: ...' per entry) and run sitegen correct again")
        nl = line_break(entries_span.end[0])
        start, end = offset(entries_span.start), offset(entries_span.end)
        while start > 0 and text[start - 1] == " ":
            start -= 1  # 'entries: []  # note' becomes 'entries:  # note'
        insert_at = starts[entries_span.end[0] + first + 1]
        body = nl.join(_entry_lines(entry, entries_pos.key_col - 1 + 2)) + nl
        edits += [(start, end, ""), (insert_at, insert_at, body)]
    else:
        line0, col = entries_span.end
        # A block scalar's end mark is at the start of the line after it; anything else ends mid-line.
        insert_line = line0 if col == 0 else line0 + 1
        nl = line_break(insert_line - 1)
        insert_at = starts[insert_line + first]
        edits.append((insert_at, insert_at, nl.join(_entry_lines(entry, dash_col)) + nl))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out


def _corrections_problems(raw: RawRecord, config: SiteConfig) -> list[Diagnostic]:
    """Problems in the correction block that make appending unsafe."""
    block = raw.data.get("corrections")
    if not isinstance(block, dict):
        return [Diagnostic(SourcePos(raw.rel_path, 2, 1), "error", "the record has no corrections block", "schema",
                           "add corrections: with contract, status and entries (see docs/records.md)")]
    contract = block.get("contract")
    if contract not in known_versions("correction-record"):
        return [Diagnostic(SourcePos(raw.rel_path, 2, 1), "error", f"unknown correction contract {contract!r}", "unknown-contract")]
    problems = validate_against(contract, block, raw.positions, raw.rel_path, ("corrections",))
    if problems:
        return problems
    previous = None
    for index, entry in enumerate(block["entries"]):
        pos = raw.positions.get(("corrections", "entries", index))
        where = SourcePos(raw.rel_path, pos.value_line if pos else 1, pos.value_col if pos else 1)
        if entry["id"] != f"C{index + 1}":
            problems.append(Diagnostic(where, "error", f"entry {index + 1} has id '{entry['id']}', not C{index + 1}", "correction-order"))
        date = parse_date(entry["date"])
        if previous and date < previous:
            problems.append(Diagnostic(where, "error", f"entry {entry['id']} is dated before the entry above it", "correction-order"))
        if date > config.latest_date:
            # Appending after it would need a date as far in the future: the entry's date must be fixed first.
            date_pos = raw.positions.get(("corrections", "entries", index, "date"))
            problems.append(Diagnostic(
                SourcePos(raw.rel_path, date_pos.value_line, date_pos.value_col) if date_pos else where, "error",
                f"correction {entry['id']} is dated {entry['date']}, in the future (today is {config.today.isoformat()})",
                "future-date", "fix its date by hand to the day the entry was made, then run sitegen correct again"))
        previous = max(previous, date) if previous else date
    return problems


def record_file(config: SiteConfig, given: str, cwd: Path | None = None) -> Path:
    """The record file that a slug, a file name (slug.md) or a path to the file names; refuses anything else."""
    records = config.records_dir.resolve()
    if "/" not in given and os.sep not in given:
        slug = given[:-3] if given.endswith(".md") else given
        if not SLUG.fullmatch(slug):
            raise UsageError(f"'{given}' is not a record: give its slug (my-record), its file name (my-record.md) "
                             f"or the path to its file ({config.rel(config.records_dir)}/my-record.md)")
        return records / f"{slug}.md"
    typed = Path(given)
    candidates = [typed] if typed.is_absolute() else [(cwd or Path.cwd()) / typed, config.root / typed]
    resolved = [c.resolve() for c in candidates]
    target = next((c for c in resolved if c.is_file()), None) or next((c for c in resolved if c.parent == records), resolved[0])
    if target.parent != records:
        raise UsageError(f"{given} is not in the records folder {config.rel(config.records_dir)}/: "
                         "sitegen correct works on the record files there")
    if target.suffix != ".md" or not SLUG.fullmatch(target.stem):
        raise UsageError(f"{given} is not a record file: records are named <slug>.md, with a slug of a-z, 0-9 and hyphens")
    return target


def _refuse_retired(config: SiteConfig, slug: str) -> None:
    """A renamed record's old slug (content/aliases.yaml): say where the record is now."""
    alias = next((a for a in load_aliases(config)[0] if a.slug == slug), None)
    if alias is None:
        return
    pattern = re.compile(rf"^id:\s*['\"]?{re.escape(alias.id)}['\"]?\s*$", re.M)
    now = next((p for p in sorted(config.records_dir.glob("*.md"))
                if pattern.search(p.read_text(encoding="utf-8", errors="replace"))), None)
    where = f"; the record is now {config.rel(now)}: sitegen correct {now.stem} ..." if now else ""
    raise UsageError(f"{slug} is the old address of {alias.id} ({alias.pos.path}:{alias.pos.line}), kept as a redirect"
                     f"{where}")


def correct_record(config: SiteConfig, record: str, correction: Correction, cwd: Path | None = None) -> Corrected:
    """Append one correction entry to a record (given by slug, file name or path) and update its status."""
    path = record_file(config, record, cwd)
    slug = path.stem
    rel = config.rel(config.records_dir / path.name)
    if not path.is_file():
        _refuse_retired(config, slug)
        known = sorted(p.stem for p in config.records_dir.glob("*.md")) if config.records_dir.is_dir() else []
        close = difflib.get_close_matches(slug, known, n=1)
        raise UsageError(f"there is no record {rel}" + (f"; did you mean '{close[0]}'?" if close else ""))
    if correction.date and correction.date > config.latest_date:
        raise UsageError(f"--date {correction.date.isoformat()} is in the future (today is {config.today.isoformat()}); "
                         "a correction is dated the day it is made")
    raw = load_record(SourceFile(path, rel, slug), config.limits)
    if isinstance(raw, Diagnostic):
        raise ContentError([raw])
    problems = _corrections_problems(raw, config)
    if problems:
        raise ContentError(problems)
    block = raw.data["corrections"]
    contract = block["contract"]
    kind = normalise_kind(correction.kind, contract)
    check_fields(correction.fields, raw.data.get("contract") or known_versions("paper-manifest")[-1])
    summary = correction.summary.strip()
    if not summary:
        raise UsageError("--summary must say what was corrected and why")
    entries = block["entries"]
    # By default today; or the last entry's date, when a time zone ahead of this machine made that tomorrow.
    date = correction.date or max([config.today] + [parse_date(e["date"]) for e in entries[-1:]])
    if entries and date < parse_date(entries[-1]["date"]):
        raise UsageError(f"the last entry {entries[-1]['id']} is dated {entries[-1]['date']}; a new entry cannot be dated "
                         f"{date.isoformat()}, earlier: entries are appended in date order")
    submitted = raw.data.get("submitted")
    if isinstance(submitted, str) and _DATE.match(submitted) and date.isoformat() < submitted:
        raise UsageError(f"the record was submitted on {submitted}; a correction cannot be dated {date.isoformat()}, before it")
    entry: dict[str, Any] = {"id": f"C{len(entries) + 1}", "date": date.isoformat(), "kind": kind, "summary": summary}
    if correction.fields:
        entry["fields"] = list(dict.fromkeys(correction.fields))
    if correction.notice:
        entry["notice"] = correction.notice
    status = derived_correction_status(entries + [entry])
    expected = copy.deepcopy(dict(raw.data))
    expected["corrections"]["entries"].append(entry)
    expected["corrections"]["status"] = status
    problems = validate_against(contract, expected["corrections"], {}, rel, ("corrections",))
    if problems:
        raise UsageError("the new entry is not valid:\n" + "\n".join(f"  {d.message}" + (f" ({d.hint})" if d.hint else "") for d in problems))

    data = path.read_bytes()
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    text = data.decode("utf-8")[len(bom):]
    new_text = edit_text(text, entry, status, config.limits.yaml)

    # The safety net: the edited file must read back as the old data plus exactly this change.
    check_source = new_text.replace("\r\n", "\n")
    split = split_front_matter(check_source, rel)
    try:
        reread = None if isinstance(split, Diagnostic) else load_yaml(split[0], config.limits.yaml)[0]
    except YamlProblem:
        reread = None
    if reread != expected or isinstance(split, Diagnostic) or split[1] != raw.body_md:
        raise SitegenError(f"could not append to {rel} without changing other values (an unusual layout of the "
                           "corrections block?); nothing was written. Add the entry by hand as docs/maintainers.md shows")
    _write_atomically(path, (bom + new_text).encode("utf-8"))
    after = load_record(SourceFile(path, rel, slug), config.limits)
    remaining: tuple[Diagnostic, ...] = ()
    if isinstance(after, RawRecord):
        remaining = tuple(sorted(validate_record(after, config)[1], key=Diagnostic.sort_key))
    return Corrected(rel, entry["id"], kind, date, block["status"], status, remaining)


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace path's bytes in one step, so an interrupted run leaves the old file, not half a new one."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise

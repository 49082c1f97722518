"""Append-only, enforced: compare the working tree's records with the records
at a git revision (its merge base with HEAD), and report every rewrite of
published history.

Records are matched by id, so a renamed file is still the same record. The rules:

- correction-edited     a published correction entry changed
- correction-removed    a published correction entry is gone
- correction-reordered  published entries changed order, or a new entry was put among them
- correction-backdated  a new entry is dated before the last published one
- record-deleted        a published record's file is gone (retract it instead)
- id-changed            a published record's file now carries another id
- uncorrected-edit      a published record's value changed and no new correction entry names it (edits.py)

The git side (which commit, and what to fetch when the clone lacks it) is revision.py; which records
are read on each side (those the change touches, and those sharing an id or an address with them) is
snapshot.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from ..config import SiteConfig
from ..model import Diagnostic, RawRecord, SourcePos
from .edits import Updatable, change_text, check_edits, short
from .addresses import check_addresses
from .snapshot import Snapshot, record_id, snapshots
from .validate import NewSinceBase


@dataclass(frozen=True, slots=True)
class Pair:
    """One record on both sides; base or work is None when it exists on one side only."""

    base: RawRecord | None
    work: RawRecord | None


def match_records(base: Snapshot, work: Snapshot) -> list[Pair]:
    """Pair each base record with its working-tree version: by id (so renames match), else by file."""
    work_sorted = sorted(work.records, key=lambda r: r.rel_path)
    by_path = {raw.rel_path: raw for raw in work_sorted}
    base_ids = {record_id(raw) for raw in base.records}
    used: set[str] = set()

    def free(raw: RawRecord | None) -> bool:
        return raw is not None and raw.rel_path not in used

    pairs: list[Pair] = []
    for old in sorted(base.records, key=lambda r: r.rel_path):
        rid = record_id(old)
        same_file = by_path.get(old.rel_path)
        new = same_file if free(same_file) and rid is not None and record_id(same_file) == rid else None  # type: ignore[arg-type]
        if new is None and rid is not None:
            new = next((raw for raw in work_sorted if free(raw) and record_id(raw) == rid), None)
        if new is None and free(same_file) and record_id(same_file) not in base_ids:  # type: ignore[arg-type]
            new = same_file  # the same file now carries an id never published: id-changed
        if new is not None:
            used.add(new.rel_path)
        pairs.append(Pair(old, new))
    pairs.extend(Pair(None, raw) for raw in work_sorted if raw.rel_path not in used)
    return pairs


def entries_of(raw: RawRecord) -> list[Any]:
    """The record's correction entries, or [] when the block is missing or malformed."""
    block = raw.data.get("corrections")
    entries = block.get("entries") if isinstance(block, dict) else None
    return entries if isinstance(entries, list) else []


def _id(entry: Any) -> str | None:
    return entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else None


def _date(entry: Any) -> dt.date | None:
    value = entry.get("date") if isinstance(entry, dict) else None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _without_id(entry: Any) -> Any:
    return {k: v for k, v in entry.items() if k != "id"} if isinstance(entry, dict) else entry


def compare_entries(old: RawRecord, new: RawRecord, label: str) -> list[Diagnostic]:
    """Every way new's correction entries rewrite old's, positioned in new's file."""
    before, after = entries_of(old), entries_of(new)
    rel = new.rel_path
    out: list[Diagnostic] = []

    def at(path: tuple, rule: str, message: str, hint: str, *, key: bool = False) -> None:
        probe = path
        while probe and probe not in new.positions:
            probe = probe[:-1]
        node = new.positions.get(probe)
        line, col = ((node.key_line, node.key_col) if key or probe != path else (node.value_line, node.value_col)) if node else (1, 1)
        out.append(Diagnostic(SourcePos(rel, line, col), "error", message, rule, hint))

    index_of = {}
    for j, entry in enumerate(after):
        if _id(entry) is not None:
            index_of.setdefault(_id(entry), j)
    matched: dict[int, int] = {}  # base index -> working index
    renumbered: set[int] = set()  # already reported as moved
    restore = f"restore it exactly as it is in {label}; to change what it says, append a new entry (sitegen correct)"
    for i, entry in enumerate(before):
        name = _id(entry) or f"entry {i + 1}"
        j = index_of.get(_id(entry)) if _id(entry) else (i if i < len(after) else None)
        if j is not None and after[j] == entry:
            matched[i] = j
            continue
        moved = next((k for k, e in enumerate(after) if k not in matched.values() and k != j
                      and _without_id(e) == _without_id(entry)), None)
        if moved is not None:
            matched[i] = moved
            renumbered.add(i)
            at(("corrections", "entries", moved), "correction-reordered",
               f"published correction {name} now stands at position {moved + 1} as {_id(after[moved]) or 'an entry without id'}",
               "published entries keep their place and id; append new entries at the end")
            continue
        if j is None:
            what = f" ({entry.get('kind')}, dated {entry.get('date')})" if isinstance(entry, dict) else ""
            at(("corrections", "entries"), "correction-removed", f"published correction {name}{what} was removed",
               f"{restore}; to take a record back, append a retraction or withdrawal", key=True)
            continue
        matched[i] = j
        new_entry = after[j]
        if not (isinstance(entry, dict) and isinstance(new_entry, dict)):
            at(("corrections", "entries", j), "correction-edited", f"published correction {name} was changed", restore)
            continue
        for field in list(entry) + [k for k in new_entry if k not in entry]:
            if field not in new_entry:
                at(("corrections", "entries", j), "correction-edited",
                   f"published correction {name} was edited: its '{field}' was removed (was {short(entry[field])})", restore)
            elif field not in entry:
                at(("corrections", "entries", j, field), "correction-edited",
                   f"published correction {name} was edited: '{field}' was added", restore, key=True)
            elif entry[field] != new_entry[field]:
                at(("corrections", "entries", j, field), "correction-edited",
                   f"published correction {name} was edited: its '{field}' changed {change_text(entry[field], new_entry[field])}",
                   restore, key=True)
    highest = -1
    for i in sorted(matched):
        j = matched[i]
        if j < highest and i not in renumbered:
            at(("corrections", "entries", j), "correction-reordered",
               f"published correction {_id(before[i]) or i + 1} now stands before an entry published before it",
               "keep published entries in their order; append new entries at the end")
        highest = max(highest, j)
    published_dates = [d for d in (_date(e) for e in before) if d]
    last = max(published_dates) if published_dates else None
    last_name = next((_id(e) for e in reversed(before) if _date(e) == last), None) if last else None
    for j, entry in enumerate(after):
        if j in matched.values():
            continue
        name = _id(entry) or f"entry {j + 1}"
        if j < highest:
            at(("corrections", "entries", j), "correction-reordered",
               f"new correction {name} is inserted before published entries", "append new entries at the end of the list")
        date = _date(entry)
        if last and date and date < last:
            at(("corrections", "entries", j, "date"), "correction-backdated",
               f"new correction {name} is dated {date.isoformat()}, before the last published correction "
               f"{last_name} ({last.isoformat()})", f"date it {last.isoformat()} or later, normally today: dates never go backwards")
    return out


def new_entries(old: RawRecord, new: RawRecord) -> list[Any]:
    """new's correction entries that old did not publish (by id), in order."""
    published = {_id(e) for e in entries_of(old)}
    return [e for e in entries_of(new) if _id(e) is None or _id(e) not in published]


def check_pairs(pairs: Iterable[Pair], base: Snapshot, work: Snapshot) -> list[Diagnostic]:
    """The append-only rules over matched records."""
    # A change cannot give itself leave to rewrite: a field is updatable only where
    # site.yaml says so both at the base and in the working tree.
    updatable = Updatable(base.updatable, work.updatable)
    out: list[Diagnostic] = []
    for pair in pairs:
        old, new = pair.base, pair.work
        if old is None:
            continue
        if new is None:
            if old.rel_path in work.unreadable:
                continue  # the file is there but broken; check reports why, and we cannot compare it
            title = old.data.get("title")
            slug = old.slug
            out.append(Diagnostic(
                SourcePos(old.rel_path, 1, 1), "error",
                f"the published record {record_id(old) or '(no id)'}{f' ({short(title)})' if title else ''} was deleted; "
                "records stay published so that links and citations keep working", "record-deleted",
                f"restore the file from {base.label}; to take the record back, retract or withdraw it: "
                f"sitegen correct {slug} --kind retraction --summary '...'"))
            continue
        if record_id(old) != record_id(new):
            node = new.positions.get(("id",))
            out.append(Diagnostic(
                SourcePos(new.rel_path, node.value_line if node else 1, node.value_col if node else 1), "error",
                f"the id changed from {record_id(old)} to {record_id(new)}; a published id never changes", "id-changed",
                f"restore id: {record_id(old)}; a new record goes in a new file made by sitegen new"))
            continue  # another record now: comparing its fields with the published one's would only repeat this
        out.extend(compare_entries(old, new, base.label))
        out.extend(check_edits(old, new, new_entries(old, new), updatable))
    return out


@dataclass(frozen=True, slots=True)
class HistoryCheck:
    """What `check --base` learnt from the comparison."""

    diagnostics: tuple[Diagnostic, ...]  # every append-only violation, sorted
    new_since: NewSinceBase  # the record files no published record matches, for the checks across records
    compared: int = 0  # record files read on either side: those the change touches and those related to them


def compare_snapshots(config: SiteConfig, base: Snapshot, work: Snapshot) -> HistoryCheck:
    """The append-only and address rules over two snapshots (snapshot.snapshots)."""
    pairs = match_records(base, work)
    found = check_pairs(pairs, base, work) + check_addresses(config, base, work, pairs)  # addresses: renames, reused slugs
    diagnostics = sorted(found, key=Diagnostic.sort_key)
    new_files = frozenset(p.work.rel_path for p in pairs if p.base is None and p.work is not None)
    read = {raw.rel_path for raw in (*base.records, *work.records)} | base.unreadable | work.unreadable
    return HistoryCheck(tuple(diagnostics), NewSinceBase(base.label, new_files), len(read))


def compare_with_base(config: SiteConfig, base_ref: str) -> HistoryCheck:
    """The working tree compared with git revision base_ref (its merge base with HEAD)."""
    return compare_snapshots(config, *snapshots(config, base_ref))


def check_history(config: SiteConfig, base_ref: str) -> list[Diagnostic]:
    """Every append-only violation in the working tree compared with git revision base_ref."""
    return list(compare_with_base(config, base_ref).diagnostics)

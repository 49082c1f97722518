"""`sitegen diff`: what a pull request changes in the registry, for reviewers.

Records added, corrected, retracted or withdrawn, every badge transition
(verification level, gate, tier, correction status), renames, deletions, and
fields edited without a correction entry that names them. Text for a terminal,
Markdown for a pull-request comment or the job summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from ..config import SiteConfig
from ..records.history import Snapshot, base_snapshot, entries_of, match_records, record_id, work_snapshot

# The badges a page shows, by the YAML path of the value behind each.
BADGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("level", ("verification", "level")),
    ("gate", ("gate", "status")),
    ("tier", ("tier", "tier")),
    ("provenance", ("provenance", "public_provenance")),
    ("corrections", ("corrections", "status")),
)
_NOTICE_STATUSES = {"retracted", "withdrawn", "expression-of-concern"}


@dataclass(frozen=True, slots=True)
class Transition:
    """One badge that changed: tier watchlist -> flagship-candidate."""

    badge: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class RecordChange:
    """What happened to one record."""

    kind: Literal["added", "changed", "deleted"]
    id: str
    title: str
    rel_path: str  # the working-tree file (the base file for a deleted record)
    old_rel_path: str | None = None  # set when the file was renamed
    badges: tuple[Transition, ...] = ()  # for an added record: its badges, before = ""
    new_entries: tuple[Mapping[str, Any], ...] = ()
    edited: tuple[str, ...] = ()  # dotted fields whose values changed (corrections aside)
    unannounced: tuple[str, ...] = ()  # edited fields that no new correction entry names


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """Every record change between a base revision and the working tree."""

    base_label: str
    base_commit: str
    changes: tuple[RecordChange, ...] = field(default=())

    def of_kind(self, kind: str) -> list[RecordChange]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def corrected(self) -> list[RecordChange]:
        return [c for c in self.changes if c.new_entries]

    @property
    def noticed(self) -> list[RecordChange]:
        """Records that newly carry a retraction, withdrawal or expression of concern."""
        return [c for c in self.changes if c.kind == "changed" and any(
            t.badge == "corrections" and t.after in _NOTICE_STATUSES for t in c.badges)]

    @property
    def transitions(self) -> list[tuple[RecordChange, Transition]]:
        return [(c, t) for c in self.changes if c.kind == "changed" for t in c.badges]


def _value(data: Mapping[str, Any], path: tuple[str, ...]) -> str:
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return "" if node is None else str(node)


def _edited_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Top-level keys that changed, one level deeper inside mappings (gate.status), corrections aside."""
    out: list[str] = []
    for key in list(old) + [k for k in new if k not in old]:
        if key == "corrections" or old.get(key) == new.get(key):
            continue
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(f"{key}.{sub}" for sub in list(a) + [s for s in b if s not in a] if a.get(sub) != b.get(sub))
        else:
            out.append(key)
    return out


def _named_by(entries: tuple[Mapping[str, Any], ...], name: str) -> bool:
    for entry in entries:
        for named in entry.get("fields") or []:
            if isinstance(named, str) and (name == named or name.startswith(named + ".") or named.startswith(name + ".")):
                return True
    return False


def summarise(base: Snapshot, work: Snapshot) -> ChangeSummary:
    """Compare two snapshots record by record."""
    changes: list[RecordChange] = []
    for pair in match_records(base, work):
        old, new = pair.base, pair.work
        if new is None:
            assert old is not None
            if old.rel_path not in work.unreadable:
                changes.append(RecordChange("deleted", record_id(old) or "", str(old.data.get("title", "")), old.rel_path))
            continue
        title = str(new.data.get("title", ""))
        if old is None:
            badges = tuple(Transition(name, "", _value(new.data, path)) for name, path in BADGES)
            changes.append(RecordChange("added", record_id(new) or "", title, new.rel_path, badges=badges))
            continue
        transitions = tuple(Transition(name, _value(old.data, path), _value(new.data, path)) for name, path in BADGES
                            if _value(old.data, path) != _value(new.data, path))
        published = {e.get("id") for e in entries_of(old) if isinstance(e, dict)}
        added = tuple(e for e in entries_of(new) if isinstance(e, dict) and e.get("id") not in published)
        edited = _edited_fields(old.data, new.data) + (["body"] if old.body_md != new.body_md else [])
        renamed = old.rel_path if old.rel_path != new.rel_path else None
        if transitions or added or edited or renamed:
            changes.append(RecordChange(
                "changed", record_id(new) or "", title, new.rel_path, renamed, transitions, added, tuple(edited),
                tuple(f for f in edited if not _named_by(added, f))))
    return ChangeSummary(base.label, base.commit or "", tuple(changes))


def summarise_changes(config: SiteConfig, base_ref: str) -> ChangeSummary:
    """The change from git revision base_ref to the working tree."""
    return summarise(base_snapshot(config, base_ref), work_snapshot(config))


def _entry_text(entry: Mapping[str, Any]) -> str:
    fields = entry.get("fields") or []
    return (f"{entry.get('id')} {entry.get('kind')} ({entry.get('date')}): {entry.get('summary')}"
            + (f" [fields: {', '.join(map(str, fields))}]" if fields else ""))


def _badges_text(change: RecordChange) -> str:
    return ", ".join(f"{t.badge} {t.after}" for t in change.badges if t.after)


def format_text(summary: ChangeSummary) -> str:
    """The summary for a terminal."""
    lines = [f"Record changes since {summary.base_label} ({summary.base_commit[:12]}):"]
    if not summary.changes:
        return lines[0] + " none\n"
    for c in summary.of_kind("added"):
        lines.append(f"  added      {c.id} {c.rel_path}: {c.title}\n             {_badges_text(c)}")
    for c in summary.corrected:
        for entry in c.new_entries:
            lines.append(f"  corrected  {c.id} {c.rel_path}: {_entry_text(entry)}")
    for c, t in summary.transitions:
        lines.append(f"  badge      {c.id} {t.badge} {t.before or '(none)'} -> {t.after or '(none)'}")
    for c in summary.of_kind("changed"):
        if c.old_rel_path:
            lines.append(f"  renamed    {c.id} {c.old_rel_path} -> {c.rel_path} (the page address changes)")
        if c.unannounced:
            lines.append(f"  edited     {c.id} {', '.join(c.unannounced)} (not named by a new correction entry)")
    for c in summary.of_kind("deleted"):
        lines.append(f"  DELETED    {c.id} {c.rel_path}: records stay published; retract instead")
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&@#!])")


def md(text: str, limit: int = 300) -> str:
    """Record text made inert in Markdown: no formatting, links, HTML, @mentions or #references."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code(text: str, limit: int = 120) -> str:
    """A short value as a Markdown code span (backslash escapes do not work inside one)."""
    text = " ".join(str(text).replace("`", "'").replace("|", "¦").split())[:limit]
    return f"`{text}`" if text else "-"


def _who(c: RecordChange) -> str:
    return f"{code(c.id)} {md(c.title, 120)}"


def format_markdown(summary: ChangeSummary) -> str:
    """The summary as Markdown, ready for a pull-request comment or $GITHUB_STEP_SUMMARY."""
    out = [f"## Registry changes since {code(summary.base_label)} ({summary.base_commit[:12]})", ""]
    if not summary.changes:
        return "\n".join(out + ["No record changed.", ""])
    counts = [f"{len(summary.of_kind('added'))} added", f"{len(summary.corrected)} corrected",
              f"{len(summary.noticed)} retracted, withdrawn or of concern", f"{len(summary.transitions)} badge change(s)"]
    if summary.of_kind("deleted"):
        counts.append(f"**{len(summary.of_kind('deleted'))} deleted**")
    out += [" · ".join(counts), ""]
    if summary.of_kind("deleted"):
        out += ["### :warning: Deleted records", "",
                *[f"- {_who(c)} ({code(c.rel_path)}): records stay published; restore the file and retract it instead"
                  for c in summary.of_kind("deleted")], ""]
    if summary.noticed:
        out += ["### Retracted, withdrawn or of concern", ""]
        for c in summary.noticed:
            t = next(t for t in c.badges if t.badge == "corrections")
            out.append(f"- {_who(c)}: **{md(t.after)}** (was {md(t.before)})")
        out.append("")
    if summary.of_kind("added"):
        out += ["### Added", ""]
        out += [f"- {_who(c)} ({code(c.rel_path)}): " + ", ".join(f"{t.badge} {code(t.after)}" for t in c.badges if t.after)
                for c in summary.of_kind("added")]
        out.append("")
    if summary.corrected:
        out += ["### Corrections appended", ""]
        for c in summary.corrected:
            for e in c.new_entries:
                fields = e.get("fields") or []
                out.append(f"- {_who(c)}: **{md(e.get('id', ''))}** {md(e.get('kind', ''))}, {md(e.get('date', ''))}: "
                           f"{md(e.get('summary', ''))}" + (f" (fields: {md(', '.join(map(str, fields)))})" if fields else ""))
        out.append("")
    if summary.transitions:
        out += ["### Badge changes", "", "| Record | Badge | Before | After |", "|---|---|---|---|"]
        out += [f"| {_who(c)} | {t.badge} | {code(t.before)} | {code(t.after)} |" for c, t in summary.transitions]
        out.append("")
    other = [c for c in summary.of_kind("changed") if c.old_rel_path or c.unannounced]
    if other:
        out += ["### Other edits", ""]
        for c in other:
            if c.old_rel_path:
                out.append(f"- {_who(c)}: renamed {code(c.old_rel_path)} → {code(c.rel_path)} (the page address changes)")
            if c.unannounced:
                out.append(f"- {_who(c)}: edited, not named by a new correction entry: "
                           f"{', '.join(code(f) for f in c.unannounced)}")
        out.append("")
    return "\n".join(out)

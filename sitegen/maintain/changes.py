"""`sitegen diff`: what a pull request changes in the registry, for reviewers.

Records added, corrected, retracted or withdrawn, every badge transition
(verification level, gate, tier, correction status), renames and whether the
old address is kept, deletions, files that no longer read as records,
rewritten correction entries, and fields edited without a correction entry
that names them. Then the problems: every diagnostic of the history check
and every error of validation (so the diff never looks clean while `check
--base` fails), with the warnings of the files the change touches. Text for
a terminal, Markdown for a pull-request comment or the job summary.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

from ..config import SiteConfig
from ..engine.pipeline import check
from ..errors import format_text as format_diagnostic
from ..model import Diagnostic
from ..records.addresses import load_aliases
from ..records.history import compare_snapshots, entries_of, match_records
from ..records.snapshot import Snapshot, record_id, snapshots

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

    kind: Literal["added", "changed", "deleted", "unreadable"]  # unreadable: the file no longer reads as a record
    id: str  # "" when unknown (a new file that cannot be read)
    title: str
    rel_path: str  # the working-tree file (the base file for a deleted record)
    old_rel_path: str | None = None  # set when the file was renamed
    redirect: bool = False  # for a rename: the old slug is kept as an alias, so the old address still leads here
    badges: tuple[Transition, ...] = ()  # for an added record: its badges, before = ""
    new_entries: tuple[Mapping[str, Any], ...] = ()
    edited: tuple[str, ...] = ()  # dotted fields whose values changed (corrections aside)
    unannounced: tuple[str, ...] = ()  # edited fields that no new correction entry names
    rewritten: tuple[str, ...] = ()  # published correction entries edited or removed, e.g. "C1 edited"


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """Every record change between a base revision and the working tree."""

    base_label: str
    base_commit: str
    changes: tuple[RecordChange, ...] = field(default=())
    problems: tuple[Diagnostic, ...] = field(default=())  # what `check --base` reports about the change, sorted

    @property
    def errors(self) -> int:
        return sum(1 for d in self.problems if d.level == "error")

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


def _rewritten(old: list[Any], new: list[Any]) -> tuple[str, ...]:
    """Published entries that are not as they were, by id: 'C1 edited', 'C2 removed'."""
    after = {e.get("id"): e for e in new if isinstance(e, dict)}
    out = []
    for n, entry in enumerate(old, start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        if name not in after:
            out.append(f"{name or f'entry {n}'} removed")
        elif after[name] != entry:
            out.append(f"{name} edited")
    return tuple(out)


def summarise(base: Snapshot, work: Snapshot, aliases: Mapping[str, str] | None = None) -> ChangeSummary:
    """Compare two snapshots record by record; aliases (old slug -> id) tell whether a rename kept its address."""
    aliases = aliases or {}
    changes: list[RecordChange] = []
    for pair in match_records(base, work):
        old, new = pair.base, pair.work
        if new is None:
            assert old is not None
            kind: Literal["deleted", "unreadable"] = "unreadable" if old.rel_path in work.unreadable else "deleted"
            changes.append(RecordChange(kind, record_id(old) or "", str(old.data.get("title", "")), old.rel_path))
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
        redirect = renamed is not None and aliases.get(old.slug) == record_id(new)
        rewritten = _rewritten(entries_of(old), entries_of(new))
        if transitions or added or edited or renamed or rewritten:
            changes.append(RecordChange(
                "changed", record_id(new) or "", title, new.rel_path, renamed, redirect, transitions, added, tuple(edited),
                tuple(f for f in edited if not _named_by(added, f)), rewritten))
    # Files that do not read as records now and did at the base (or are new) are changes too.
    seen = {c.rel_path for c in changes}
    changes += [RecordChange("unreadable", "", "", rel) for rel in sorted(work.unreadable - base.unreadable - seen)]
    return ChangeSummary(base.label, base.commit or "", tuple(changes))


def summarise_changes(config: SiteConfig, base_ref: str) -> ChangeSummary:
    """The change from git revision base_ref to the working tree, with what `check --base` reports about it.

    The problems are the history check's diagnostics and validation's errors wherever
    they are (an edited artifact fails an unchanged record), and validation's warnings
    in the files the change touches. The history check runs as `check --base` runs it,
    so that every rule it has shows here. Both sides are read as far as the change reaches (records/snapshot.py),
    and unchanged records' results come from the build cache when there is one, as for `sitegen check`.
    """
    aliases, _ = load_aliases(config)
    base, work = snapshots(config, base_ref)
    summary = summarise(base, work, {a.slug: a.id for a in aliases})
    history = compare_snapshots(config, base, work).diagnostics
    touched = {path for c in summary.changes for path in (c.rel_path, c.old_rel_path) if path}
    touched |= {d.pos.path for d in history}
    problems = set(history) | {d for d in check(config, reuse=True, whole=False).diagnostics if d.level == "error" or d.pos.path in touched}
    return dataclasses.replace(summary, problems=tuple(sorted(problems, key=Diagnostic.sort_key)))


def _entry_text(entry: Mapping[str, Any]) -> str:
    fields = entry.get("fields") or []
    return (f"{entry.get('id')} {entry.get('kind')} ({entry.get('date')}): {entry.get('summary')}"
            + (f" [fields: {', '.join(map(str, fields))}]" if fields else ""))


def _badges_text(change: RecordChange) -> str:
    return ", ".join(f"{t.badge} {t.after}" for t in change.badges if t.after)


def _redirect(c: RecordChange) -> str:
    return "redirect kept" if c.redirect else "redirect missing"


def _verdict(summary: ChangeSummary) -> str:
    """What `check --base` makes of the change, after the command's name."""
    warnings = len(summary.problems) - summary.errors
    verdict = "fails until the errors are fixed" if summary.errors else "passes; warnings do not fail it"
    return f"{verdict}: {summary.errors} error(s), {warnings} warning(s)"


def format_text(summary: ChangeSummary) -> str:
    """The summary for a terminal."""
    lines = [f"Record changes since {summary.base_label} ({summary.base_commit[:12]}):"]
    if not summary.changes and not summary.problems:
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
            lines.append(f"  renamed    {c.id} {c.old_rel_path} -> {c.rel_path} ({_redirect(c)})")
        if c.rewritten:
            lines.append(f"  REWRITTEN  {c.id} published correction {', '.join(c.rewritten)}: corrections are append-only")
        if c.unannounced:
            lines.append(f"  edited     {c.id} {', '.join(c.unannounced)} (not named by a new correction entry)")
    for c in summary.of_kind("deleted"):
        lines.append(f"  DELETED    {c.id} {c.rel_path}: records stay published; retract instead")
    for c in summary.of_kind("unreadable"):
        lines.append(f"  UNREADABLE {(c.id + ' ') if c.id else ''}{c.rel_path}: the file does not read as a record")
    if summary.problems:
        lines.append(f"Problems: sitegen check --base {summary.base_label} {_verdict(summary)}")
        lines += ["  " + line for d in summary.problems for line in format_diagnostic(d).split("\n")]
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
    if not summary.changes and not summary.problems:
        return "\n".join(out + ["No record changed.", ""])
    counts = [f"{len(summary.of_kind('added'))} added", f"{len(summary.corrected)} corrected",
              f"{len(summary.noticed)} retracted, withdrawn or of concern", f"{len(summary.transitions)} badge change(s)"]
    if summary.of_kind("deleted"):
        counts.append(f"**{len(summary.of_kind('deleted'))} deleted**")
    if summary.errors:
        counts.append(f"**{summary.errors} error(s)**")
    out += [" · ".join(counts), ""]
    if summary.problems:
        out += [f"### {':x:' if summary.errors else ':warning:'} Problems", "",
                f"{code('sitegen check --base ' + summary.base_label)} {_verdict(summary)}.", ""]
        for d in summary.problems:
            out.append(f"- **{d.level}** {code(f'{d.pos.path}:{d.pos.line}:{d.pos.col}', 300)} {md(d.message, 1000)} "
                       f"({code(d.rule)})")
            if d.hint:
                out.append(f"  - hint: {md(d.hint, 1000)}")
        out.append("")
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
    other = [c for c in summary.changes if c.kind == "unreadable" or c.kind == "changed" and (
        c.old_rel_path or c.unannounced or c.rewritten)]
    if other:
        out += ["### Other edits", ""]
        for c in other:
            if c.kind == "unreadable":
                out.append(f"- {_who(c) + ' (' + code(c.rel_path) + ')' if c.id else code(c.rel_path)}: "
                           "**does not read as a record**")
            if c.old_rel_path:
                redirect = "redirect kept" if c.redirect else "**redirect missing**"
                out.append(f"- {_who(c)}: renamed {code(c.old_rel_path)} → {code(c.rel_path)} ({redirect})")
            if c.rewritten:
                out.append(f"- {_who(c)}: **published correction {md(', '.join(c.rewritten))}**: corrections are "
                           "append-only")
            if c.unannounced:
                out.append(f"- {_who(c)}: edited, not named by a new correction entry: "
                           f"{', '.join(code(f) for f in c.unannounced)}")
        out.append("")
    return "\n".join(out)

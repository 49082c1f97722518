"""A published record is never silently rewritten: every value its page shows that
differs from the base revision must be named by a correction entry added in the
same change, or be declared updatable in site.yaml.

What the page shows is every front-matter value and the Markdown body. Left out:
`id` (the rule id-changed covers it) and `corrections.status` and
`corrections.entries` (the append-only rules and correction-status cover them).
Values are compared as data, so quoting, comments, key order and a folded block
that reads the same are not edits; in the body only trailing blank space is
ignored.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any, Collection, Iterable, Literal

from ..formats.fields import BODY, field_of
from ..formats.schema import dotted, known_versions
from ..model import Diagnostic, RawRecord, SourcePos, YamlPath

# Paths the other rules own; an edit under one is not this rule's to report.
_OWNED: tuple[YamlPath, ...] = (("id",), ("corrections", "status"), ("corrections", "entries"))


@dataclass(frozen=True, slots=True)
class Edit:
    """One value of a published record that reads differently in the working tree."""

    path: YamlPath  # where the value is, e.g. ("claims", 1, "text"); () for the body
    field: str  # the name a correction entry gives it: claims.text, or body
    kind: Literal["changed", "added", "removed"]
    old: Any
    new: Any
    line: int  # where to point in the working-tree file
    col: int


def short(value: Any, limit: int = 60) -> str:
    """A value for a message: text quoted, anything else as Python shows it, cut short when long."""
    text = repr(value if not isinstance(value, str) or len(value) <= limit else value[: limit - 3] + "...")
    return text if len(text) <= limit + 10 else text[: limit] + "..."


def change_text(old: Any, new: Any, limit: int = 60) -> str:
    """'from X to Y' for a message; for long text, the part around the first difference."""
    if not (isinstance(old, str) and isinstance(new, str)) or max(len(old), len(new)) <= limit:
        return f"from {short(old)} to {short(new)}"
    first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, first - 20)

    def window(text: str) -> str:
        part = text[start:start + 45]
        return repr(("..." if start else "") + part + ("..." if start + 45 < len(text) else ""))

    return f"from {window(old)} to {window(new)}"


def _canonical(value: Any) -> str:
    # JSON keeps 8 and 8.0, true and 1 apart, which == does not: the page shows them differently.
    return json.dumps(value, sort_keys=True, default=str)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and (a == b if not isinstance(a, (dict, list)) else _canonical(a) == _canonical(b))


class _Walk:
    """Collects the edits between two front matters, positioned in the new file."""

    def __init__(self, new: RawRecord, manifest: str):
        self.new = new
        self.manifest = manifest
        self.found: list[Edit] = []

    def where(self, path: YamlPath, *, key: bool) -> tuple[int, int]:
        node = self.new.positions.get(path)
        if node is None:
            return 1, 1
        return (node.key_line, node.key_col) if key else (node.value_line, node.value_col)

    def add(self, path: YamlPath, kind: Literal["changed", "added", "removed"], old: Any, new: Any,
            where: tuple[int, int]) -> None:
        name = field_of(path, self.manifest)
        if name is not None:  # a key that is no field at all is the schema's to report
            self.found.append(Edit(path, name, kind, old, new, *where))

    def compare(self, old: Any, new: Any, path: YamlPath) -> None:
        if path in _OWNED or _same(old, new):
            return
        if isinstance(old, dict) and isinstance(new, dict):
            self.mappings(old, new, path)
        elif isinstance(old, list) and isinstance(new, list):
            self.lists(old, new, path)
        else:
            self.add(path, "changed", old, new, self.where(path, key=False))

    def mappings(self, old: dict, new: dict, path: YamlPath) -> None:
        keys = list(old) + [k for k in new if k not in old]
        for index, key in enumerate(keys):
            here = path + (key,)
            if here in _OWNED:
                continue
            if key not in new:
                # Point where the key was: at the next key that is still there, else at the mapping itself.
                after = next((k for k in keys[index + 1:] if k in old and k in new), None)
                if after is not None:
                    where = self.where(path + (after,), key=True)
                elif path:
                    where = self.where(path, key=True)
                else:
                    where = (self.new.body_line - 1, 1)  # the closing '---'
                self.add(here, "removed", old[key], None, where)
            elif key not in old:
                self.added(new[key], here)
            else:
                self.compare(old[key], new[key], here)

    def added(self, value: Any, path: YamlPath) -> None:
        """A new key: each value of a new mapping on its own line, so naming any part covers that part."""
        if isinstance(value, dict) and value:
            for key, sub in value.items():
                self.added(sub, path + (key,))
        else:
            self.add(path, "added", None, value, self.where(path, key=True))

    def lists(self, old: list, new: list, path: YamlPath) -> None:
        # Match the items, so one claim inserted is one edit, not every claim after it.
        matcher = difflib.SequenceMatcher(None, [_canonical(v) for v in old], [_canonical(v) for v in new], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                self.compare(old[i1 + k], new[j1 + k], path + (j1 + k,))
            for j in range(j1 + pairs, j2):
                self.add(path + (j,), "added", None, new[j], self.where(path + (j,), key=False))
            for i in range(i1 + pairs, i2):
                j = j1 + pairs
                where = self.where(path + (j,), key=False) if j < len(new) else self.where(path, key=True)
                self.add(path + (i,), "removed", old[i], None, where)


def find_edits(old: RawRecord, new: RawRecord) -> list[Edit]:
    """Every value of old that reads differently in new, the body included, in the order of new's file."""
    contract = new.data.get("contract")
    manifest = contract if contract in known_versions("paper-manifest") else known_versions("paper-manifest")[-1]
    walk = _Walk(new, manifest)
    walk.compare(dict(old.data), dict(new.data), ())
    before, after = old.body_md.rstrip().split("\n"), new.body_md.rstrip().split("\n")
    if before != after:
        first = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b), min(len(before), len(after)))
        line = new.body_line + min(first, max(len(after) - 1, 0))
        walk.found.append(Edit((), BODY, "changed", old.body_md, new.body_md, line, 1))
    return sorted(walk.found, key=lambda e: (e.line, e.col))


def covers(named: str, field: str) -> bool:
    """Whether naming `named` covers an edit of `field`: the field itself or a field inside it."""
    return field == named or field.startswith(named + ".")


@dataclass(frozen=True, slots=True)
class Updatable:
    """The fields site.yaml lets change without a correction (updatable_without_correction)."""

    base: frozenset[str] = frozenset()  # as declared at the base revision
    work: frozenset[str] = frozenset()  # as declared in the working tree

    def allows(self, field: str) -> bool:
        # Both sides must declare it: adding a field to the list takes effect once that change is merged.
        return any(covers(n, field) for n in self.base) and any(covers(n, field) for n in self.work)


def _named(entries: Iterable[Any]) -> set[str]:
    return {name for entry in entries if isinstance(entry, dict)
            for name in (entry.get("fields") if isinstance(entry.get("fields"), list) else []) if isinstance(name, str)}


def _message(edit: Edit) -> str:
    where = dotted(edit.path)
    if edit.field == BODY and not edit.path:
        what = f"the report below the front matter ('{BODY}') changed"
    elif edit.kind == "added":
        what = f"'{where}' was added ({short(edit.new)})"
    elif edit.kind == "removed":
        what = f"'{where}' was removed (was {short(edit.old)})"
    else:
        what = f"'{where}' changed {change_text(edit.old, edit.new)}"
    return f"{what}, and no new correction entry names it"


def check_edits(old: RawRecord, new: RawRecord, new_entries: Collection[Any],
                updatable: Updatable = Updatable()) -> list[Diagnostic]:
    """An error at every edit of a published record that neither a new entry nor site.yaml allows.

    new_entries: the correction entries added since the base.
    """
    named = _named(new_entries)
    missing = [e for e in find_edits(old, new)
               if not updatable.allows(e.field) and not any(covers(name, e.field) for name in named)]
    if not missing:
        return []
    fields = list(dict.fromkeys(e.field for e in missing))
    command = (f'sitegen correct {new.slug} --kind correction --summary "..." '
               + " ".join(f"--field {name}" for name in fields))
    latest = next((e.get("id") for e in reversed(list(new_entries)) if isinstance(e, dict) and isinstance(e.get("id"), str)), None)
    hint = "a published record is never silently rewritten; " + (
        f"add {', '.join(fields)} to the fields of the new correction {latest}, or record why: {command}" if latest
        else f"record why: {command}")
    return [Diagnostic(SourcePos(new.rel_path, e.line, e.col), "error", _message(e), "uncorrected-edit", hint) for e in missing]

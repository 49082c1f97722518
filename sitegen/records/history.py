"""Append-only, enforced: compare the working tree's records with the records
at a git revision, and report every rewrite of published history.

Git is run as a subprocess (`git rev-parse`, `git ls-tree`, `git cat-file`);
nothing here needs a network. Records are matched by id, so a renamed file is
still the same record. The rules:

- correction-edited     a published correction entry changed
- correction-removed    a published correction entry is gone
- correction-reordered  published entries changed order, or a new entry was put among them
- correction-backdated  a new entry is dated before the last published one
- record-deleted        a published record's file is gone (retract it instead)
- id-changed            a published record's file now carries another id
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ..config import SiteConfig
from ..errors import UsageError
from ..formats.safeyaml import YamlProblem, load_yaml
from ..model import Diagnostic, RawRecord, SourcePos
from .addresses import check_addresses
from .load import SLUG, discover_records, load_record, split_front_matter


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The records of one side of the comparison, parsed but not validated."""

    label: str  # what to call this side in messages: "origin/main" or "the working tree"
    commit: str | None  # the commit compared with (None for the working tree)
    records: tuple[RawRecord, ...]
    unreadable: frozenset[str]  # files that exist but could not be parsed (check reports them)


@dataclass(frozen=True, slots=True)
class Pair:
    """One record on both sides; base or work is None when it exists on one side only."""

    base: RawRecord | None
    work: RawRecord | None


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("--base compares with a git revision, but git is not installed (or not on PATH)") from None


def _toplevel(config: SiteConfig) -> Path:
    done = _git(config.root, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise UsageError(f"{config.root} is not inside a git repository; --base compares the records with a git revision")
    return Path(done.stdout.decode().strip()).resolve()


def fetch_advice(repo: Path, ref: str) -> str:
    """The command that makes ref available in this clone, as precisely as we can tell."""
    remotes = set(_git(repo, "remote").stdout.decode().split())
    shallow = _git(repo, "rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"
    name = ref.removeprefix("refs/remotes/")
    remote, _, branch = name.partition("/")
    if remote in remotes and branch:
        return (f"    git fetch --no-tags --depth=1 {remote} {branch}:refs/remotes/{remote}/{branch}\n"
                "In GitHub Actions, alternatively check out with `fetch-depth: 0` (actions/checkout).")
    if re.fullmatch(r"[0-9a-f]{7,40}", ref):
        return f"    git fetch --no-tags --depth=1 {next(iter(sorted(remotes)), 'origin')} {ref}"
    if shallow:
        return ("    git fetch --unshallow\n"
                "(this clone is shallow, so earlier commits are missing; or compare with a fetched branch, "
                "e.g. --base origin/main after: git fetch --no-tags --depth=1 origin main:refs/remotes/origin/main)")
    remote = "origin" if "origin" in remotes else next(iter(sorted(remotes)), "origin")
    return (f"    git fetch --no-tags --depth=1 {remote} {ref}:refs/remotes/{remote}/{ref}\n"
            f"and pass --base {remote}/{ref}")


def resolve_base(repo: Path, ref: str) -> str:
    """The commit to compare with: the merge base of ref and HEAD where git can find one, else ref itself.

    Comparing with the merge base keeps a branch made before another change landed on
    main from looking as if it undid that change. In a shallow clone there may be no
    merge base; ref itself is then the base, which is what a pull request merges into.
    """
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"'{ref}' is not a git revision")
    done = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise UsageError(f"the base revision '{ref}' is not in this clone, so the correction history cannot be compared.\n"
                         f"Fetch it, then run the check again:\n{fetch_advice(repo, ref)}")
    commit = done.stdout.decode().strip()
    merge_base = _git(repo, "merge-base", commit, "HEAD")
    if merge_base.returncode == 0 and merge_base.stdout.strip():
        return merge_base.stdout.decode().strip()
    return commit


def _parse(data: bytes, rel: str, slug: str, config: SiteConfig) -> RawRecord | None:
    """A record from a revision's bytes, or None when it cannot be read there."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    split = split_front_matter(text, rel)
    if isinstance(split, Diagnostic):
        return None
    yaml_text, body, body_line = split
    try:
        values, positions = load_yaml(yaml_text, config.limits.yaml, line_offset=1)
    except YamlProblem:
        return None
    if not isinstance(values, dict):
        return None
    return RawRecord(slug, rel, values, positions, body, body_line, "")


def base_snapshot(config: SiteConfig, ref: str) -> Snapshot:
    """The records as they are at ref (or its merge base with HEAD)."""
    top = _toplevel(config)
    commit = resolve_base(top, ref)
    try:
        prefix = config.records_dir.resolve().relative_to(top).as_posix()
    except ValueError:
        raise UsageError(f"the records folder {config.records_dir} is outside the git repository {top}") from None
    listed = _git(top, "ls-tree", "-r", "-z", "--name-only", commit, "--", prefix + "/")
    if listed.returncode != 0:
        raise UsageError(f"git ls-tree failed: {listed.stderr.decode(errors='replace').strip()}")
    paths = [p for p in listed.stdout.decode("utf-8", "replace").split("\0")
             if p.startswith(prefix + "/") and p.endswith(".md") and "/" not in p[len(prefix) + 1:]
             and SLUG.match(p[len(prefix) + 1:-3]) and "\n" not in p]
    blobs = _cat_files(top, [f"{commit}:{p}" for p in paths])
    records: list[RawRecord] = []
    unreadable: set[str] = set()
    for path, data in zip(paths, blobs):
        rel = config.rel(top / path)
        raw = _parse(data, rel, Path(path).stem, config) if data is not None else None
        if raw is None:
            unreadable.add(rel)
        else:
            records.append(raw)
    return Snapshot(ref, commit, tuple(records), frozenset(unreadable))


def _cat_files(repo: Path, objects: list[str]) -> list[bytes | None]:
    """The contents of many blobs with one `git cat-file --batch` (one process, not one per record)."""
    if not objects:
        return []
    done = _git(repo, "cat-file", "--batch", stdin="".join(o + "\n" for o in objects).encode())
    out, pos, result = done.stdout, 0, []
    for _ in objects:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) != 3 or header[1] != b"blob":
            result.append(None)
            continue
        size = int(header[2])
        result.append(out[pos:pos + size])
        pos += size + 1  # the blob is followed by a newline
    return result


def work_snapshot(config: SiteConfig) -> Snapshot:
    """The records as they are in the working tree (uncommitted changes included)."""
    sources, _ = discover_records(config)
    records: list[RawRecord] = []
    unreadable: set[str] = set()
    for source in sources:
        raw = load_record(source, config.limits)
        if isinstance(raw, RawRecord):
            records.append(raw)
        else:
            unreadable.add(source.rel)
    return Snapshot("the working tree", None, tuple(records), frozenset(unreadable))


def record_id(raw: RawRecord) -> str | None:
    value = raw.data.get("id")
    return value if isinstance(value, str) else None


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


def _short(value: Any, limit: int = 60) -> str:
    """A value for a message: text quoted, anything else as Python shows it, cut short when long."""
    text = repr(value if not isinstance(value, str) or len(value) <= limit else value[: limit - 3] + "...")
    return text if len(text) <= limit + 10 else text[: limit] + "..."


def _change(old: Any, new: Any, limit: int = 60) -> str:
    """'from X to Y' for a message; for long text, the part around the first difference."""
    if not (isinstance(old, str) and isinstance(new, str)) or max(len(old), len(new)) <= limit:
        return f"from {_short(old)} to {_short(new)}"
    first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    start = max(0, first - 20)

    def window(text: str) -> str:
        part = text[start:start + 45]
        return repr(("..." if start else "") + part + ("..." if start + 45 < len(text) else ""))

    return f"from {window(old)} to {window(new)}"


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
                   f"published correction {name} was edited: its '{field}' was removed (was {_short(entry[field])})", restore)
            elif field not in entry:
                at(("corrections", "entries", j, field), "correction-edited",
                   f"published correction {name} was edited: '{field}' was added", restore, key=True)
            elif entry[field] != new_entry[field]:
                at(("corrections", "entries", j, field), "correction-edited",
                   f"published correction {name} was edited: its '{field}' changed {_change(entry[field], new_entry[field])}",
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


def check_pairs(pairs: Iterable[Pair], base: Snapshot, work: Snapshot) -> list[Diagnostic]:
    """The append-only rules over matched records."""
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
                f"the published record {record_id(old) or '(no id)'}{f' ({_short(title)})' if title else ''} was deleted; "
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
        out.extend(compare_entries(old, new, base.label))
    return out


def check_history(config: SiteConfig, base_ref: str) -> list[Diagnostic]:
    """Every append-only violation in the working tree compared with git revision base_ref."""
    base = base_snapshot(config, base_ref)
    work = work_snapshot(config)
    pairs = match_records(base, work)
    found = check_pairs(pairs, base, work) + check_addresses(config, base, work, pairs)  # addresses: renames, reused slugs
    return sorted(found, key=Diagnostic.sort_key)

"""The two sides of `check --base` and `sitegen diff`, read only as far as the change reaches.

A pull request touches a few records of many thousands, so neither side is read whole. Git says which
record files differ between the base commit and the working tree (`git diff`, by content), and the files
found on one side only (untracked ones included) are added; those are parsed on both sides. Every other
record file holds the same bytes on both sides, so it pairs with itself and breaks no rule, unless it
shares something with a changed file: an id (a duplicate, a record renamed onto it) or a published address
(an alias). So the id of each unchanged file is read from its first lines, without YAML (quick_id), and a
file is parsed on both sides too when its id is one a changed file or a changed alias carries, when its
slug is an alias at the base, or when its first lines do not tell its id for certain. The rules in
history.py and addresses.py then see every record that can make a difference, and the same
diagnostics as when both sides are read in full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from ..config import CONFIG_NAME, SiteConfig
from ..errors import UsageError
from ..formats.safeyaml import YamlProblem, load_yaml
from ..model import Diagnostic, RawRecord
from .addresses import aliases_at, load_aliases
from .load import SLUG, discover_records, load_record, split_front_matter
from .revision import cat_files, changed_files, resolve_base, toplevel, tree_files

_LINK_MODE = "120000"  # a symbolic link in a git tree: git compares where it points, not what it leads to
_HEAD = 4096  # bytes read of an unchanged file to find its id; written near the top, as `sitegen new` writes it
_FENCE = re.compile(rb"---[ \t]*")
_CLOSE = re.compile(rb"(?:---|\.\.\.)[ \t]*")
# The id as a YAML 1.2 core-schema string for certain: quoted without escapes, or plain with a colon after a
# letter (never a number, boolean or null), then perhaps a comment.
_ID_LINE = re.compile(rb"""id: +(?:"([\w:.-]*)"|'([\w:.-]*)'|([A-Za-z][\w.-]*:[\w.:-]*))(?: +#.*)? *""")
# A line the id may follow and still be read for certain: a top-level key with a plain one-line value or
# none, a comment, a blank line. No quote, bracket, block or anchor that could carry a line break or a key.
_PLAIN_LINE = re.compile(rb"""(?:[A-Za-z_][\w-]*:(?: +[^-?:,\[\]{}#&*!|>'"%@`\s][^'"\[\]{}\r]*)?)? *(?:#.*)?""")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The records of one side of the comparison that the change may concern, parsed but not validated."""

    label: str  # what to call this side in messages: "origin/main" or "the working tree"
    commit: str | None  # the commit compared with (None for the working tree)
    records: tuple[RawRecord, ...]
    unreadable: frozenset[str]  # files that exist but could not be parsed (check reports them)
    updatable: frozenset[str] = frozenset()  # site.yaml's updatable_without_correction on this side


def record_id(raw: RawRecord) -> str | None:
    """The record's id, when it is text."""
    value = raw.data.get("id")
    return value if isinstance(value, str) else None


def quick_id(path: Path | str) -> str | None:
    """The id a record file's front matter gives, read from its first lines without YAML; None when they do
    not tell it for certain (written after a quoted, folded or nested value, far down, or not at all)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return None
    lines = head.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    if not _FENCE.fullmatch(lines[0].removesuffix(b"\r")):
        return None
    for line in lines[1:-1]:  # the last line may be cut short
        line = line.removesuffix(b"\r")
        found = _ID_LINE.fullmatch(line)
        if found:
            return next(group for group in found.groups() if group is not None).decode("ascii")
        if line.startswith(b"id:") or _CLOSE.fullmatch(line) or not _PLAIN_LINE.fullmatch(line):
            return None
    return None


def parse_at_base(data: bytes, rel: str, slug: str, config: SiteConfig) -> RawRecord | None:
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


def updatable_at(config: SiteConfig, top: Path, commit: str) -> frozenset[str]:
    """updatable_without_correction as site.yaml declares it at commit; none when it cannot be read there."""
    try:
        folder = config.root.resolve().relative_to(top).as_posix()
    except ValueError:
        return frozenset()
    data = cat_files(top, [f"{commit}:{CONFIG_NAME if folder == '.' else f'{folder}/{CONFIG_NAME}'}"])[0]
    try:
        values = load_yaml(data.decode("utf-8-sig").replace("\r\n", "\n"))[0] if data is not None else None
    except (UnicodeDecodeError, YamlProblem):
        return frozenset()
    names = values.get("updatable_without_correction") if isinstance(values, dict) else None
    return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()


def _slug(path: str, prefix: str) -> str | None:
    """The slug of a record file directly in the records folder (a path from the top of the repository)."""
    name = path[len(prefix) + 1:] if path.startswith(prefix + "/") else ""
    slug = name[:-3] if name.endswith(".md") and "/" not in name else ""
    return slug if SLUG.fullmatch(slug) else None


def snapshots(config: SiteConfig, ref: str) -> tuple[Snapshot, Snapshot]:
    """The records at ref (its merge base with HEAD) and in the working tree (uncommitted changes included)
    that the change may concern: the files it touches and those sharing an id or an address with them."""
    top = toplevel(config)
    commit = resolve_base(top, ref)
    try:
        prefix = config.records_dir.resolve().relative_to(top).as_posix()
    except ValueError:
        raise UsageError(f"the records folder {config.records_dir} is outside the git repository {top}") from None
    published: dict[str, str] = {}  # slug -> path from the top, in git's order
    touched: set[str] = set()  # the slugs of the files the change touches, on either side
    for path, mode in tree_files(top, commit, prefix):
        slug = _slug(path, prefix)
        if slug is not None and "\n" not in path:
            published[slug] = path
            if mode == _LINK_MODE:
                touched.add(slug)
    sources = {source.slug: source for source in discover_records(config)[0]}
    touched.update(slug for slug in (_slug(path, prefix) for path in changed_files(top, commit, prefix)) if slug)
    touched.update(sources.keys() ^ published.keys())
    base = _read_base(config, top, commit, {s: published[s] for s in touched if s in published})
    work = {slug: load_record(sources[slug], config.limits) for slug in touched if slug in sources}
    # What the changed files share with the others: ids, and the aliases published at the base.
    base_aliases = aliases_at(config, commit)
    work_aliases, alias_problems = load_aliases(config)
    aliases_changed = bool(alias_problems) or {(a.slug, a.id) for a in base_aliases} != {(a.slug, a.id) for a in work_aliases}
    ids = {record_id(raw) for raw in [*base.values(), *work.values()] if isinstance(raw, RawRecord)}
    ids.update(a.id for a in base_aliases if aliases_changed or a.slug in touched)
    ids.add(None)  # a file whose first lines do not tell its id is read in full
    alias_slugs = {a.slug for a in base_aliases}
    related = [slug for slug, source in sources.items()
               if slug not in touched and (slug in alias_slugs or quick_id(source.path) in ids)]
    base.update(_read_base(config, top, commit, {s: published[s] for s in related}))
    work.update((slug, load_record(sources[slug], config.limits)) for slug in related)
    return (Snapshot(ref, commit, tuple(raw for s in published if isinstance(raw := base.get(s), RawRecord)),
                     frozenset(config.rel(top / published[s]) for s, raw in base.items() if raw is None),
                     updatable_at(config, top, commit)),
            Snapshot("the working tree", None, tuple(raw for s in sources if isinstance(raw := work.get(s), RawRecord)),
                     frozenset(sources[s].rel for s, raw in work.items() if not isinstance(raw, RawRecord)),
                     frozenset(config.updatable_without_correction)))


def _read_base(config: SiteConfig, top: Path, commit: str, paths: dict[str, str]) -> dict[str, RawRecord | None]:
    """The records at commit of these files (slug -> path from the top), None for one that does not read there."""
    slugs = list(paths)
    blobs = cat_files(top, [f"{commit}:{paths[slug]}" for slug in slugs])
    return {slug: parse_at_base(data, config.rel(top / paths[slug]), slug, config) if data is not None else None
            for slug, data in zip(slugs, blobs)}


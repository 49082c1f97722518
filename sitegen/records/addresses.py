"""Page addresses are permanent: once records/<slug>.html is published, it leads to that record for good.

A renamed record keeps its old slug as an alias in content/aliases.yaml, a
registry-level file of `old-slug: SRCH:XXXXXXXX` lines under `aliases:`; the
build writes a redirect page at each alias (site/redirects.py). Why a file of
its own, and not an `aliases:` key in each record's front matter as Hugo has:

- the front matter follows paper-manifest-v1.1, a versioned contract that
  allows no other keys and that harvesters read back from the manifests and
  records.json; where a page lives is the site's business, not the paper's,
  and a new key would need a new contract version for every renamed record;
- one file holds every retired address, so two aliases can never claim one
  slug (the YAML reader refuses a duplicate key) and a reviewer sees them all;
- an alias names the record's id, not its new slug, so a second rename leaves
  the earlier lines alone and every redirect goes straight to the current page.

The build needs no git: the old addresses are in the content. The rules,
checked by every `check` and `build`:

- aliases-file     content/aliases.yaml cannot be read, or is not `aliases:` over `slug: id` lines
- alias-slug       an alias is not a valid slug (which also keeps every redirect inside records/)
- alias-taken      an alias is the slug of a record file: one address cannot be two pages
- alias-target     an alias names an id that no record carries

and by `check --base`, against the addresses published at the base revision
(its records' slugs and its aliases), hooked into records/history.py:

- address-missing  a published address is gone: a record renamed without keeping its old slug, or an alias removed
- address-reused   a published address now leads to another record
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Collection, Iterable, Mapping, Sequence

from ..config import Limits, SiteConfig
from ..errors import UsageError
from ..formats.safeyaml import YamlProblem, load_yaml
from ..model import Alias, Diagnostic, RawRecord, Record, SourcePos
from .load import SLUG, read_text

if TYPE_CHECKING:  # history.py and snapshot.py import this module; the types only are needed here
    from .history import Pair
    from .snapshot import Snapshot

ALIASES_FILE = "aliases.yaml"  # in the content folder, beside records/
_STAY = "published addresses stay, so that links and citations keep working"
# The redirect is written to records/<slug>.html; file systems refuse names over 255 bytes, so stay well below.
MAX_ALIAS = 200


def aliases_path(config: SiteConfig) -> Path:
    """content/aliases.yaml."""
    return config.content_dir / ALIASES_FILE


def _error(rel: str, line: int, col: int, message: str, rule: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(SourcePos(rel, line, col), "error", message, rule, hint)


def parse_aliases(text: str, rel: str, limits: Limits) -> tuple[list[Alias], list[Diagnostic]]:
    """The aliases written in the file's text, and every problem with it."""
    try:
        values, positions = load_yaml(text, limits.yaml)
    except YamlProblem as p:
        return [], [_error(rel, p.line, p.col, p.message, p.rule, p.hint)]
    shape = f"{rel} holds one mapping, 'aliases:', with one 'old-slug: SRCH:XXXXXXXX' line below it per retired address"
    if values is None:
        return [], []
    if not isinstance(values, dict):
        return [], [_error(rel, 1, 1, "the file must be a mapping ('aliases:'), not a single value or a list", "aliases-file", shape)]
    problems = [_error(rel, positions[(key,)].key_line, positions[(key,)].key_col, f"unknown key '{key}'", "aliases-file",
                       shape) for key in values if key != "aliases"]
    block = values.get("aliases")
    if block is None:
        return [], problems
    if not isinstance(block, dict):
        where = positions[("aliases",)]
        return [], problems + [_error(rel, where.value_line, where.value_col,
                                      "'aliases' must be a mapping of old slugs to record ids", "aliases-file", shape)]
    aliases: list[Alias] = []
    for slug, target in block.items():
        where = positions[("aliases", slug)]
        # fullmatch, not match: the pattern's "$" would let a final newline through into the file name.
        if not SLUG.fullmatch(slug) or len(slug) > MAX_ALIAS:
            problems.append(_error(rel, where.key_line, where.key_col, f"the alias {slug!r} is not a valid slug", "alias-slug",
                                   "an alias is the old file name without .md: lower-case letters a-z, digits and single "
                                   f"hyphens, at most {MAX_ALIAS} characters"))
        elif not isinstance(target, str):
            problems.append(_error(rel, where.value_line, where.value_col,
                                   f"the alias '{slug}' must name the id of the record it leads to, e.g. SRCH:AB9A4379",
                                   "aliases-file"))
        else:
            aliases.append(Alias(slug, target, SourcePos(rel, where.key_line, where.key_col)))
    return sorted(aliases, key=lambda a: a.slug), problems


def load_aliases(config: SiteConfig) -> tuple[tuple[Alias, ...], list[Diagnostic]]:
    """content/aliases.yaml from disk; a site without the file has no aliases."""
    path = aliases_path(config)
    rel = config.rel(path)
    if not path.exists() and not path.is_symlink():
        return (), []
    if path.is_symlink() and not path.resolve().is_relative_to(config.content_dir.resolve()):
        return (), [_error(rel, 1, 1, f"{rel} is a symbolic link to a file outside the content folder", "aliases-file",
                           "replace the link with the file itself")]
    if not path.is_file():
        return (), [_error(rel, 1, 1, f"{rel} is not a regular file", "aliases-file")]
    read = read_text(path, rel, config.limits)  # the same bounds and encoding rules as a record file
    if isinstance(read, Diagnostic):
        return (), [Diagnostic(read.pos, read.level, read.message, "aliases-file", None)]
    aliases, problems = parse_aliases(read[0], rel, config.limits)
    return tuple(aliases), problems


def record_slugs(rel_paths: Collection[str]) -> dict[str, str]:
    """slug -> path, for record files given by path."""
    return {PurePosixPath(rel).stem: rel for rel in rel_paths}


def check_aliases(aliases: Sequence[Alias], records: Iterable[Record], record_files: Mapping[str, str],
                  every_record_valid: bool) -> tuple[list[Alias], list[Diagnostic]]:
    """The aliases that lead to a record, and the problems of the others.

    record_files maps the slug of every record file (valid or not) to its path: a record
    with errors still holds its address. An alias's target is only judged when every
    record is valid, as a record with errors may be the one it names.
    """
    ids = {record.id for record in records}
    good: list[Alias] = []
    problems: list[Diagnostic] = []
    for alias in aliases:
        where = alias.pos
        if alias.slug in record_files:
            problems.append(_error(where.path, where.line, where.col,
                                   f"the alias '{alias.slug}' is the slug of {record_files[alias.slug]}; "
                                   f"records/{alias.slug}.html cannot be both that record's page and a redirect",
                                   "alias-taken", "an alias is a retired address: remove the line, or move that record "
                                   "to a slug of its own"))
        elif alias.id not in ids:
            if every_record_valid:
                problems.append(_error(where.path, where.line, where.col,
                                       f"the alias '{alias.slug}' leads to {alias.id!r}, but no record has that id",
                                       "alias-target", f"name the id of the record that was published at "
                                       f"records/{alias.slug}.html (its 'id:' line)"))
        else:
            good.append(alias)
    return good, problems


# -- against a git revision: check --base -------------------------------------------------------

def _blob(folder: Path, commit: str, name: str) -> bytes | None:
    """The bytes of folder/name at commit, or None when the file is not there."""
    def git(*args: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, check=False)
        except FileNotFoundError:
            raise UsageError("--base compares with a git revision, but git is not installed (or not on PATH)") from None

    listed = git("ls-tree", "-z", commit, "--", name)  # a path relative to -C, like the records' own
    if listed.returncode != 0:
        raise UsageError(f"git ls-tree failed: {listed.stderr.decode(errors='replace').strip()}")
    fields = listed.stdout.split(b"\t", 1)[0].split()
    if len(fields) != 3 or fields[1] != b"blob":
        return None
    shown = git("cat-file", "blob", fields[2].decode())
    return shown.stdout if shown.returncode == 0 else None


def aliases_at(config: SiteConfig, commit: str) -> list[Alias]:
    """The aliases published at a revision; a file that did not parse there published none."""
    data = _blob(config.content_dir, commit, ALIASES_FILE)
    if data is None:
        return []
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return []
    return parse_aliases(text, config.rel(aliases_path(config)), config.limits)[0]


def _id(raw: RawRecord) -> str | None:
    value = raw.data.get("id")
    return value if isinstance(value, str) else None


def _quoted(value: Any, limit: int = 60) -> str:
    text = str(value)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _keep_hint(slug: str, rid: str, config: SiteConfig, has_file: bool) -> str:
    rel = config.rel(aliases_path(config))
    if has_file:
        return f"keep the old address as a redirect: add '{slug}: {rid}' as an indented line under 'aliases:' in {rel}"
    return (f"keep the old address as a redirect: create {rel} holding the line 'aliases:' and, indented below it, "
            f"'{slug}: {rid}'")


def check_addresses(config: SiteConfig, base: "Snapshot", work: "Snapshot", pairs: Iterable["Pair"]) -> list[Diagnostic]:
    """Every published address (a record's slug or an alias at the base) that is gone or leads to another record now."""
    work_aliases, alias_problems = load_aliases(config)  # its own problems are check's to report
    # A file that does not read at all hides which aliases it holds: none is judged missing then.
    aliases_known = bool(work_aliases) or not alias_problems
    has_file = aliases_path(config).exists()
    base_aliases = aliases_at(config, base.commit) if base.commit else []
    published: dict[str, tuple[str, str | None]] = {}  # slug -> (id, base file of the record; None for an alias)
    titles: dict[str, Any] = {}
    for raw in base.records:
        rid = _id(raw)
        if rid is not None:
            published[raw.slug] = (rid, raw.rel_path)
            titles.setdefault(rid, raw.data.get("title"))
    for alias in base_aliases:
        published.setdefault(alias.slug, (alias.id, None))
    holders = {raw.slug: raw for raw in work.records}
    unreadable = {PurePosixPath(rel).stem for rel in work.unreadable}
    alias_of = {alias.slug: alias for alias in work_aliases}
    by_id: dict[str, list[RawRecord]] = {}
    for raw in sorted(work.records, key=lambda r: r.rel_path):
        if _id(raw) is not None:
            by_id.setdefault(_id(raw), []).append(raw)  # type: ignore[arg-type]
    # A file that now carries another id is reported as id-changed; the address follows from that.
    id_changed = {p.work.rel_path for p in pairs if p.base is not None and p.work is not None and _id(p.base) != _id(p.work)}
    aliases_rel = config.rel(aliases_path(config))
    out: list[Diagnostic] = []
    for slug, (rid, base_file) in sorted(published.items()):
        if slug in unreadable:
            continue  # check reports why the file cannot be read; what it carries cannot be told
        was = f"records/{slug}.html was published for {rid}" + (f" ({_quoted(titles[rid])})" if titles.get(rid) else "")
        holder, alias = holders.get(slug), alias_of.get(slug)
        if holder is not None:
            if _id(holder) == rid:
                continue
            if holder.rel_path not in id_changed:
                node = holder.positions.get(("id",))
                moved = by_id.get(rid)
                then = (f", then keep '{slug}: {rid}' under 'aliases:' in {aliases_rel}: {rid} is now "
                        f"{moved[0].rel_path}" if moved else f"; records/{slug}.html keeps leading to {rid}")
                out.append(_error(holder.rel_path, node.value_line if node else 1, node.value_col if node else 1,
                                  f"{was} in {base.label}; it cannot show {_id(holder) or 'a record without an id'}: "
                                  "a published address never changes records", "address-reused",
                                  f"give this record a slug never published (rename the file){then}"))
            continue  # one problem at a time: until this record moves away, an alias here could not be kept
        elif alias is not None:
            if alias.id == rid:
                continue
            out.append(_error(alias.pos.path, alias.pos.line, alias.pos.col,
                              f"{was} in {base.label}; the alias '{slug}' cannot lead to {alias.id}: "
                              "a published address never changes records", "address-reused",
                              f"restore '{slug}: {rid}' under 'aliases:'"))
            continue
        moved = by_id.get(rid)
        if not moved or not aliases_known:
            continue  # the record itself is gone (record-deleted says so), or the aliases cannot be read
        if base_file is None:
            out.append(_error(aliases_rel, 1, 1, f"the alias '{slug}' of {rid} was removed, so the published address "
                              f"records/{slug}.html would stop working; {_STAY}",
                              "address-missing", _keep_hint(slug, rid, config, has_file)))
        else:
            out.append(_error(moved[0].rel_path, 1, 1,
                              f"{rid} was renamed from {PurePosixPath(base_file).name}, so its published address "
                              f"records/{slug}.html would stop working; {_STAY}",
                              "address-missing", _keep_hint(slug, rid, config, has_file)))
    return out


"""What the commands print, and where. The report (the diagnostics) goes to stdout in the format asked
for: text for people, json for tools (sitegen/contracts/check-report-v1.json), github for pull-request
annotations. Progress and the one-line summary go to stderr, as linters do, so `sitegen check | less`
shows the problems and `2>/dev/null` keeps nothing but them.

Also here: which diagnostics a report narrowed to some files shows (`sitegen check FILE...`), and
where GitHub annotation paths start (the repository's top folder, not the site's).

May import: config, errors, model.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .config import CONFIG_NAME, SiteConfig
from .errors import format_github, format_text, to_json
from .model import Diagnostic, Record

REPORT_CONTRACT = "check-report-v1"
# Rules whose diagnostic sits in one file but is about others too: shown when a report is narrowed to
# any file they involve (see narrow()).
ARTIFACT_RULES = frozenset({"artifact-missing", "artifact-hash", "artifact-path"})
SITE_RULES = frozenset({"records-folder"})  # about the site as a whole: always shown


# --- the report --------------------------------------------------------------------------------

def annotation_root(site_root: Path) -> Path:
    """The folder GitHub annotation paths are relative to: the repository's top folder.

    That is git's top level of the site folder; where git cannot say (no .git, as when
    actions/checkout falls back to downloading the files, or a repository git refuses as
    another user's), GITHUB_WORKSPACE when the site is inside it, else the current folder.
    """
    try:
        done = subprocess.run(["git", "-C", str(site_root), "rev-parse", "--show-toplevel"], capture_output=True,
                              text=True, check=False, timeout=30)
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace and site_root.resolve().is_relative_to(Path(workspace).resolve()):
        return Path(workspace).resolve()
    return Path.cwd().resolve()


def for_annotation(d: Diagnostic, site_root: Path, top: Path) -> Diagnostic:
    """The diagnostic with its path relative to the repository's top folder, where GitHub attaches it."""
    path = (site_root / d.pos.path).resolve() if not Path(d.pos.path).is_absolute() else Path(d.pos.path)
    if not path.is_relative_to(top):
        return d
    return dataclasses.replace(d, pos=dataclasses.replace(d.pos, path=path.relative_to(top).as_posix()))


def print_report(diagnostics: Sequence[Diagnostic], fmt: str, site_root: Path) -> None:
    """The diagnostics on stdout, as text (paths from the site folder) or GitHub annotations (paths from the
    repository's top folder); flushed, so a log that joins stdout and stderr keeps them before the summary."""
    if fmt == "github":
        top = annotation_root(site_root)
        lines = [format_github(for_annotation(d, site_root.resolve(), top)) for d in diagnostics]
    else:
        lines = [format_text(d) for d in diagnostics]
    for line in lines:
        print(line, file=sys.stdout)
    sys.stdout.flush()


def json_report(diagnostics: Sequence[Diagnostic], *, exit_status: int, files: int | None = None,
                records: int | None = None, paths: Sequence[str] | None = None, not_shown: int = 0,
                failure: tuple[str, str] | None = None) -> str:
    """The whole outcome of `sitegen check --format json` as one document (contracts/check-report-v1.json).

    failure is (kind, message) when the check could not run to its end: a wrong command line, an
    invalid site.yaml, a missing base revision; files and records are then null.
    """
    errors = sum(1 for d in diagnostics if d.level == "error")
    document = {
        "contract": REPORT_CONTRACT,
        "ok": exit_status == 0,
        "exit_status": exit_status,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "files": files,
        "records": records,
        "paths": list(paths) if paths is not None else None,
        "not_shown": not_shown,
        "failure": {"kind": failure[0], "message": failure[1]} if failure else None,
        "diagnostics": [to_json(d) for d in diagnostics],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def requested_format(argv: Sequence[str]) -> str:
    """The --format a command line asks for, read before argparse has parsed it (to report its own errors
    in that format); "text" when there is none. Accepts --format=X and argparse's abbreviations (--form X)."""
    fmt = "text"
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if len(name) > 2 and "--format".startswith(name):
            fmt = value if eq else (argv[i + 1] if i + 1 < len(argv) else fmt)
    return fmt


# --- sitegen check FILE... ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FileSelection:
    """The files a report is narrowed to, as the diagnostics name them (relative to the site folder)."""

    paths: tuple[str, ...]  # files
    folders: tuple[str, ...]  # folders, as prefixes ending in "/" ("" for the site folder itself)
    artifacts: bool  # an artifact is among them: every record's artifact diagnostics are shown
    unchecked: tuple[str, ...]  # given, but nothing the check reads: not a record, page, artifact, layout, site.yaml
    missing: tuple[str, ...]  # given, but not there

    @property
    def given(self) -> tuple[str, ...]:
        """Every path given, files and folders, in the order given."""
        return self.paths + tuple(f or "." for f in self.folders)


def select_files(files: Sequence[Path], config: SiteConfig) -> FileSelection:
    """The FILE arguments (relative to the current folder, as pre-commit passes them) sorted by what they are."""
    paths: list[str] = []
    folders: list[str] = []
    artifacts = False
    unchecked: list[str] = []
    missing: list[str] = []
    for given in files:
        path = Path(os.path.abspath(given))  # not resolve(): a linked record is named by its link
        rel = config.rel(path)
        if path.is_dir():
            folders.append("" if rel == "." else rel.rstrip("/") + "/")
            continue
        paths.append(rel)
        if not path.exists():
            missing.append(rel)
        elif path.parent in (config.records_dir, config.pages_dir):
            continue  # a record or a page; any other file there has its own not-a-record warning
        elif path.is_relative_to(config.layouts_dir) or path == config.root / CONFIG_NAME:
            continue
        elif path.is_relative_to(config.content_dir):
            artifacts = True
        else:
            unchecked.append(rel)
    return FileSelection(tuple(dict.fromkeys(paths)), tuple(dict.fromkeys(folders)), artifacts, tuple(unchecked),
                         tuple(missing))


def narrow(diagnostics: Iterable[Diagnostic], selection: FileSelection, records: Sequence[Record]) -> list[Diagnostic]:
    """The diagnostics a report on the selected files shows.

    Those in the files themselves (or under the folders); a duplicate id reported at another record when
    a selected record holds the same id (every record was read, so the rules across records still see
    them all); every record's artifact diagnostics when an artifact is selected (a changed artifact
    shows as its record's artifact-hash error); and the problems of the site as a whole.
    """

    def selected(path: str) -> bool:
        return path in wanted or any(path.startswith(folder) for folder in selection.folders)

    wanted = set(selection.paths)
    ids = {r.rel_path: r.id for r in records}
    selected_ids = {rid for path, rid in ids.items() if selected(path)}
    return [d for d in diagnostics
            if selected(d.pos.path) or d.rule in SITE_RULES
            or (d.rule == "duplicate-id" and ids.get(d.pos.path) in selected_ids)
            or (selection.artifacts and d.rule in ARTIFACT_RULES)]


def selection_notes(selection: FileSelection, shown: Sequence[Diagnostic]) -> list[str]:
    """A line for each given file that the report says nothing about because the check does not read it."""
    at = {d.pos.path for d in shown}
    notes = [f"sitegen: note: {rel} does not exist" for rel in selection.missing if rel not in at]
    notes += [f"sitegen: note: {rel} is not checked: sitegen check reads records, content pages, artifacts, "
              f"layouts and {CONFIG_NAME}" for rel in selection.unchecked]
    return notes

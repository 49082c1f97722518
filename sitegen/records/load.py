"""Discover record files and split each into parsed front matter and a body.

Every failure here is a Diagnostic for that file; one bad file never stops
the others from being read.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..config import Limits, SiteConfig
from ..errors import printable_path
from ..formats.safeyaml import YamlProblem, load_yaml
from ..model import Diagnostic, RawRecord, SourcePos

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
# C0 controls other than tab and newline, DEL, and C1 controls have no place in a record.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A record file found in the records folder."""

    path: Path  # absolute
    rel: str  # for messages
    slug: str


def discover_records(config: SiteConfig) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every content/records/*.md file, sorted by name, and problems with the folder itself."""
    folder = config.records_dir
    if not folder.is_dir():
        return [], [Diagnostic(SourcePos(config.rel(folder), 1, 1), "error",
                               "the records folder does not exist", "records-folder",
                               "create content/records/ and put one .md file per record in it")]
    return _scan_markdown(folder, config, "record")


def discover_pages(config: SiteConfig) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Every content/pages/*.md file, sorted by name; a site may have no pages folder."""
    if not config.pages_dir.is_dir():
        return [], []
    return _scan_markdown(config.pages_dir, config, "page")


def _scan_markdown(folder: Path, config: SiteConfig, noun: str) -> tuple[list[SourceFile], list[Diagnostic]]:
    """The .md files of one folder with valid, distinct slugs, and problems with the others."""
    problems: list[Diagnostic] = []
    found: list[SourceFile] = []
    where = config.rel(folder)  # once: a registry's folder holds many thousands of files
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        rel = f"{where}/{entry.name}"
        if not entry.name.endswith(".md"):
            if not entry.name.startswith("."):
                problems.append(Diagnostic(SourcePos(rel, 1, 1), "warning",
                                           f"this file is not a {noun} ({noun}s end in .md) and is ignored",
                                           "not-a-record" if noun == "record" else "not-a-page"))
            continue
        slug = entry.name[:-3]
        if entry.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(config.content_dir.resolve()):
                problems.append(Diagnostic(SourcePos(rel, 1, 1), "error",
                                           f"this {noun} is a symbolic link to a file outside the content folder",
                                           "symlink", f"replace the link with the {noun} file itself"))
                continue
        if not entry.is_file():
            problems.append(Diagnostic(SourcePos(rel, 1, 1), "error", "this is not a regular file",
                                       "not-a-record" if noun == "record" else "not-a-page"))
            continue
        if not SLUG.fullmatch(slug):
            problems.append(Diagnostic(
                SourcePos(rel, 1, 1), "error",
                f"the file name '{printable_path(entry.name)}' is not a valid slug", "slug",
                "use lower-case letters a-z, digits and single hyphens, e.g. cross-lingual-ner-transfer.md",
            ))
            continue
        # Slugs are lower-case only, so two of them can never collide on a case-insensitive file system.
        found.append(SourceFile(path, rel, slug))
    return found, problems


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", "replace")) + 1


def read_text(path: Path, rel: str, limits: Limits) -> tuple[str, bytes] | Diagnostic:
    """The file as text with LF line endings, or why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > limits.max_record_bytes:
            return Diagnostic(SourcePos(rel, 1, 1), "error",
                              f"the file is {size} bytes, over the limit of {limits.max_record_bytes}", "file-too-large",
                              "move long material into an artifact, or raise limits.max_record_bytes in site.yaml")
        with open(path, "rb") as handle:
            data = handle.read(limits.max_record_bytes + 1)
    except OSError as exc:
        return Diagnostic(SourcePos(rel, 1, 1), "error", f"the file cannot be read: {exc.strerror}", "read")
    if len(data) > limits.max_record_bytes:
        return Diagnostic(SourcePos(rel, 1, 1), "error", f"the file is over the limit of {limits.max_record_bytes} bytes", "file-too-large")
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        return Diagnostic(SourcePos(rel, line, col), "error", "the file contains a NUL byte; it is binary, not a Markdown record", "encoding")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        return Diagnostic(SourcePos(rel, line, col), "error",
                          f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x} cannot start or continue a character)",
                          "encoding", "save the file as UTF-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    bad = _CONTROL.search(text)
    if bad:
        before = text[: bad.start()]
        line = before.count("\n") + 1
        col = bad.start() - (before.rfind("\n") + 1) + 1
        return Diagnostic(SourcePos(rel, line, col), "error",
                          f"the file contains the control character U+{ord(bad.group()):04X}", "encoding",
                          "remove it; only tabs and line breaks are allowed")
    return text, data


def split_front_matter(text: str, rel: str) -> tuple[str, str, int] | Diagnostic:
    """(yaml text, body, body's first line) from a file that opens with a '---' fence."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        if not text.strip():
            return Diagnostic(SourcePos(rel, 1, 1), "error", "the file is empty", "front-matter",
                              "a record starts with a '---' line, its YAML fields, and another '---' line")
        return Diagnostic(SourcePos(rel, 1, 1), "error", "the file does not start with front matter", "front-matter",
                          "the first line must be '---', followed by the record's YAML fields and a closing '---' line")
    for index in range(1, len(lines)):
        if _CLOSE.match(lines[index]):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, body, index + 2
    return Diagnostic(SourcePos(rel, 1, 1), "error", "the front matter opened on line 1 is never closed", "front-matter",
                      "add a line '---' after the last YAML field")


def load_record(source: SourceFile, limits: Limits) -> RawRecord | Diagnostic:
    """Read, decode, split and parse one record file."""
    read = read_text(source.path, source.rel, limits)
    if isinstance(read, Diagnostic):
        return read
    text, data = read
    split = split_front_matter(text, source.rel)
    if isinstance(split, Diagnostic):
        return split
    yaml_text, body, body_line = split
    if not yaml_text.strip():
        return Diagnostic(SourcePos(source.rel, 2, 1), "error", "the front matter is empty", "front-matter",
                          "write the record's fields between the two '---' lines")
    try:
        values, positions = load_yaml(yaml_text, limits.yaml, line_offset=1)
    except YamlProblem as p:
        return Diagnostic(SourcePos(source.rel, p.line, p.col), "error", p.message, p.rule, p.hint)
    if values is None:
        return Diagnostic(SourcePos(source.rel, 2, 1), "error", "the front matter is empty", "front-matter",
                          "write the record's fields between the two '---' lines")
    if not isinstance(values, dict):
        return Diagnostic(SourcePos(source.rel, 2, 1), "error",
                          "the front matter must be a mapping of fields (key: value lines), not a single value or a list",
                          "front-matter")
    return RawRecord(
        slug=source.slug,
        rel_path=source.rel,
        data=values,
        positions=positions,
        body_md=body,
        body_line=body_line,
        digest=hashlib.sha256(data).hexdigest(),
    )

"""The exception tree and the one formatter for diagnostics."""

from __future__ import annotations

from typing import Iterable

from .model import Diagnostic


class SitegenError(Exception):
    """Any failure a maintainer can act on; never shown as a traceback."""

    exit_code = 1


class UsageError(SitegenError):
    """A wrong command line or a missing folder."""

    exit_code = 2


class ConfigError(SitegenError):
    """The site configuration is invalid; carries diagnostics."""

    exit_code = 2

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        super().__init__(f"{len(self.diagnostics)} problem(s) in the site configuration")


class ContentError(SitegenError):
    """Records have errors; nothing is published."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
        n = sum(1 for d in self.diagnostics if d.level == "error")
        super().__init__(f"{n} error(s) in the content")


class BuildError(SitegenError):
    """Rendering, writing or indexing failed; a layout's mistake also carries it as a diagnostic (file:line)."""

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()):
        super().__init__(message)
        self.diagnostics = tuple(diagnostics)

    def __reduce__(self) -> tuple:
        # Raised in a worker process, it travels back pickled: keep the diagnostics.
        return (type(self), (str(self), self.diagnostics))


def printable_path(path: str) -> str:
    """A path as one line of plain text: a file name may hold a line break or a terminal escape, which
    would split the report's one-problem-per-line form or reach the maintainer's terminal; those are
    written as Python writes them (\\n, \\x1b)."""
    if path.isprintable():
        return path
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in path)


def format_text(d: Diagnostic) -> str:
    """path:line:col: level: message [rule], then the hint indented on its own line."""
    line = f"{printable_path(d.pos.path)}:{d.pos.line}:{d.pos.col}: {d.level}: {d.message} [{d.rule}]"
    if d.hint:
        line += f"\n    hint: {d.hint}"
    return line


def _escape_github(value: str, *, prop: bool = False) -> str:
    # GitHub workflow commands need these escaped or the annotation is cut short.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(d: Diagnostic) -> str:
    """A workflow-command annotation, shown inline on a pull request's files."""
    message = f"{d.message} [{d.rule}]" + (f"\nhint: {d.hint}" if d.hint else "")
    return (
        f"::{d.level} file={_escape_github(d.pos.path, prop=True)},line={d.pos.line},"
        f"col={d.pos.col},title={_escape_github(d.rule, prop=True)}::{_escape_github(message)}"
    )


def to_json(d: Diagnostic) -> dict:
    """A diagnostic as a JSON object ($defs/diagnostic of contracts/check-report-v1.json; report.py writes the document)."""
    return {
        "path": d.pos.path,
        "line": d.pos.line,
        "column": d.pos.col,
        "level": d.level,
        "rule": d.rule,
        "message": d.message,
        "hint": d.hint,
    }

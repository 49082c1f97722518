"""The command line: sitegen build | check | new | correct | diff | serve | init | schemas."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import NoReturn, Sequence

from . import __version__
from .config import SiteConfig, load_config, today_from_environment
from .errors import BuildError, ConfigError, ContentError, SitegenError, UsageError
from .model import Diagnostic
from .report import json_report, narrow, print_report, requested_format, select_files, selection_notes

EPILOG = """\
exit status: 0 when there are no errors (warnings allowed), 1 when records
have errors, 2 for a wrong command line or an invalid site.yaml.
environment: SITEGEN_TODAY=YYYY-MM-DD sets the day that dates in the future are
measured from, and that new records and corrections are dated (default: today).
Documentation: README.md, docs/records.md (the record format).
Problems are reported on stdout, progress and the summary on stderr.
Documentation: README.md, docs/maintainers.md, docs/records.md (the record format).
"""


class CommandLineError(UsageError):
    """argparse found the command line wrong; raised instead of exiting, so it can be reported as JSON."""

    def __init__(self, usage: str, prog: str, message: str):
        super().__init__(message)
        self.usage, self.prog = usage, prog


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's hook for every wrong command line
        raise CommandLineError(self.format_usage(), self.prog, message)


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), metavar="DIR",
                        help="the site folder holding site.yaml, content/, layouts/ and assets/ (default: current folder)")
    parser.add_argument("--content", type=Path, metavar="DIR", help="the content folder (default: ROOT/content)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sitegen",
        description="Build and check the research-record registry: one Markdown file per record in content/records/.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser("build", help="check every record, then build the site into public/",
                           description="Check every record, render the site and its search index, and replace the output folder "
                                       "only when everything succeeded.")
    _site_options(build)
    build.add_argument("--output", "-o", type=Path, metavar="DIR", help="the output folder (default: ROOT/public)")
    build.add_argument("--base-url", metavar="URL", help="the address the site is published at, e.g. https://registry.example.org/")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index (faster; the offline search still works)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default: one per CPU)")
    build.add_argument("--no-cache", action="store_true", help="render every record afresh, ignoring the build cache (a new cache is written)")

    check = sub.add_parser("check", help="validate every record and the layouts, and report all problems; writes nothing",
                           description="Validate every record against its contracts and the rules across fields, "
                                       "compile every template in layouts/ and render each kind of page once. "
                                       "Reports every problem in every file as path:line:col: level: message [rule] "
                                       "on stdout; the summary goes to stderr.")
    _site_options(check)
    check.add_argument("files", nargs="*", type=Path, metavar="FILE",
                       help="report only the problems in these files (records, pages, artifacts, layouts, site.yaml; "
                            "relative to the current folder, as pre-commit passes them); every record is still read, "
                            "so a duplicate id of a given record is found")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text for people, json for tools (docs/maintainers.md#the-json-report), "
                            "github for pull-request annotations (default: text)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--base", metavar="REF",
                       help="also compare with git revision REF, e.g. origin/main (with where HEAD left it, the merge "
                            "base): published records change only with a new correction entry that names the change, "
                            "and corrections are only appended; only the record files the change touches are compared")
    check.add_argument("--output", "-o", type=Path, metavar="DIR",
                       help="the output folder of `sitegen build` (default: ROOT/public): the results of records "
                            "unchanged since that build are read from its cache beside it (read only; nothing is written)")
    serve = sub.add_parser("serve", help="preview the site: build, serve, rebuild on every save and reload the browser",
                           description="Build the site, serve it over HTTP, watch content, layouts, assets and site.yaml, "
                                       "rebuild on every change and reload the open pages. Errors are shown over the page "
                                       "while the last good site stays served.")
    _site_options(serve)
    serve.add_argument("--output", "-o", type=Path, metavar="DIR", help="the output folder (default: ROOT/public)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, only this computer)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on; 0 picks a free one (default: 8000)")
    serve.add_argument("--no-search", action="store_true", help="skip the Pagefind index (the offline search still works)")
    _workflow_parsers(sub)
    return parser


def _workflow_parsers(sub: argparse._SubParsersAction) -> None:
    """The maintainers' commands: new, correct, diff, schemas (docs/maintainers.md)."""
    new = sub.add_parser("new", help="start a new record: a file with a fresh id, today's date and TODO placeholders",
                         description="Write content/records/SLUG.md with a freshly minted id, today's date and every "
                                     "required field. Values a person must decide hold \"TODO: ...\" placeholders, which "
                                     "`sitegen check` reports until they are filled. Never overwrites a file.")
    _site_options(new)
    new.add_argument("slug", nargs="?", metavar="SLUG", help="the file name without .md: lower-case letters, digits, hyphens "
                                                             "(default: made from --title)")
    new.add_argument("--title", metavar="TITLE", help="the record's title (written into the file)")

    correct = sub.add_parser("correct", help="append a correction entry to a record and update its correction status",
                             description="Append a correction entry (next id, today's date) to a record in content/records/ and "
                                         "set corrections.status to what the entries imply. Only the entry and the status "
                                         "are written; the rest of the file stays byte-identical. Edit the corrected "
                                         "fields yourself.")
    _site_options(correct)
    correct.add_argument("slug", metavar="RECORD", help="the record: its slug (my-record), its file name (my-record.md) "
                                                        "or the path to its file (content/records/my-record.md)")
    correct.add_argument("--kind", required=True, metavar="KIND",
                         help="the Crossref update type: correction, erratum, clarification, addendum, "
                              "expression-of-concern, retraction, withdrawal, removal, partial-retraction, new-version")
    correct.add_argument("--summary", required=True, metavar="TEXT", help="what was corrected and why, in a sentence or two")
    correct.add_argument("--field", action="append", default=[], dest="fields", metavar="FIELD",
                         help="a field the correction changed, dotted (gate.status); repeat for several")
    correct.add_argument("--notice", metavar="URL", help="the URL of the published notice")
    correct.add_argument("--date", metavar="YYYY-MM-DD", help="the correction's date, at most tomorrow (default: today)")

    diff = sub.add_parser("diff", help="summarise what changed since a git revision: records added, corrected, "
                                       "retracted, renamed, badge transitions, and every problem check --base finds",
                          description="Compare the working tree's records with git revision REF and print what a reviewer "
                                      "needs to know: records added, corrected, retracted, withdrawn or renamed, every badge "
                                      "transition (level, gate, tier, corrections), and every problem `sitegen check "
                                      "--base REF` reports (it says \"none\" only when there is nothing to report).")
    _site_options(diff)
    diff.add_argument("--base", required=True, metavar="REF", help="the git revision to compare with, e.g. origin/main")
    diff.add_argument("--format", choices=("text", "markdown"), default="text",
                      help="text for a terminal, markdown for a pull-request comment or job summary (default: text)")

    init = sub.add_parser("init", help="make a new registry in DIR: settings, an example record, pages, workflows",
                          description="Write a new registry into DIR: site.yaml with every setting listed at its default, "
                                      "content/records/ with one example record that checks clean, content/pages/ "
                                      "(about, guide), the pull-request check and deployment workflows and "
                                      ".pre-commit-config.yaml pinned to this sitegen's version, the locked "
                                      "requirements.txt, a .gitignore and a README saying how to add a record. "
                                      "DIR must be new or empty. The site uses sitegen's default look (docs/themes.md).")
    init.add_argument("folder", type=Path, metavar="DIR", help="the folder to make the registry in (made if missing)")
    init.add_argument("--title", metavar="TITLE", help="the registry's name, for site.yaml (default: Research Registry)")
    init.add_argument("--force", action="store_true",
                      help="also make it in a git repository that holds nothing else (only .git)")
    init.add_argument("--sitegen-repository", metavar="URL",
                      help="the git repository the workflows and pre-commit install sitegen from "
                           "(default: the installed package's Source URL)")

    schemas = sub.add_parser("schemas", help="write the JSON Schemas of the contracts for editors",
                             description="Write one self-contained JSON Schema file per contract, for an editor's YAML "
                                         "support (docs/maintainers.md#editor-support).")
    schemas.add_argument("--output", "-o", type=Path, default=Path("schemas"), metavar="DIR",
                         help="the folder to write into (default: schemas)")


def _summary(result_errors: int, warnings: int, extra: str = "") -> str:
    return f"{result_errors} error(s), {warnings} warning(s){extra}"


def _load(args: argparse.Namespace, **overrides: object) -> SiteConfig:
    return load_config(args.root, content_dir=args.content, **overrides)  # type: ignore[arg-type]


def cmd_check(args: argparse.Namespace) -> int:
    from .engine.cache import cache_path
    from .engine.pipeline import check

    started = time.perf_counter()
    config = _load(args, output_dir=args.output)
    history = None
    if args.base:
        from .records.history import compare_with_base

        # Before the records are checked: the comparison knows which files are new, and a
        # duplicate id is reported on the new file, not on the published one.
        history = compare_with_base(config, args.base)
    result = check(config, layouts=True, new_since=history.new_since if history else None, reuse=True, whole=False)
    diagnostics = sorted(list(result.diagnostics) + list(history.diagnostics if history else ()), key=Diagnostic.sort_key)
    selection = select_files(args.files, config) if args.files else None
    shown = narrow(diagnostics, selection, result.records) if selection else diagnostics
    errors = sum(1 for d in shown if d.level == "error")
    warnings = len(shown) - errors
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "json":
        print(json_report(shown, exit_status=1 if failed else 0, files=result.files_checked, records=len(result.records),
                          paths=selection.given if selection else None, not_shown=len(diagnostics) - len(shown)))
        return 1 if failed else 0
    print_report(shown, args.format, config.root)
    for note in selection_notes(selection, shown) if selection else ():
        print(note, file=sys.stderr)
    if result.reused:
        print(f"{result.reused} unchanged record(s): results taken from the build cache "
              f"{config.rel(cache_path(config))}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    narrowed = (f" (problems in the {len(selection.given)} file(s) given; {len(diagnostics) - len(shown)} elsewhere not shown)"
                if selection else "")
    print(f"checked {result.files_checked} record file(s): {_summary(errors, warnings)} in {elapsed:.2f} s{narrowed}"
          + (" (warnings are fatal with --strict)" if args.strict and warnings and not errors else ""), file=sys.stderr)
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    from .engine.pipeline import build

    config = _load(args, output_dir=args.output, base_url=args.base_url)
    result = build(config, search=not args.no_search, strict=args.strict, jobs=args.jobs, use_cache=not args.no_cache)
    return 0 if result.ok else 1


def cmd_new(args: argparse.Namespace) -> int:
    from .maintain.scaffold import create_record

    made = create_record(_load(args), args.slug, args.title)
    print(f"created {made.rel_path}\n  id {made.id}, submitted {made.submitted.isoformat()}\n"
          + (f"  {made.slug_note}; to choose another, rename the file before the record is published\n" if made.slug_note else "")
          + "Next:\n"
          f"  1. Open the file and replace its {made.placeholders} \"TODO: ...\" values; delete the optional lines\n"
          "     you do not need. docs/records.md describes every field.\n"
          "  2. Write the report in Markdown below the closing '---' (it may stay empty).\n"
          "  3. Run `sitegen check` and fix what it reports until it says 0 error(s).\n"
          "  4. Commit the file on a branch and open a pull request; its check runs the same rules.")
    return 0


def cmd_correct(args: argparse.Namespace) -> int:
    import datetime as dt

    from .maintain.correct import Correction, correct_record

    try:
        date = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise UsageError(f"--date must be a date written YYYY-MM-DD, found {args.date!r}") from None
    try:
        done = correct_record(_load(args), args.slug, Correction(args.kind, args.summary, tuple(args.fields), args.notice, date))
    except ContentError as exc:
        # Appending to a history that does not parse or is out of order could make it worse.
        print_report(exc.diagnostics, "text", args.root)
        print("sitegen: the record cannot be corrected safely until the problems above are fixed; "
              "the file was not changed", file=sys.stderr)
        return 1
    print(f"appended {done.entry_id} ({done.kind}, {done.date.isoformat()}) to {done.rel_path}")
    print(f"corrections.status: {done.old_status} -> {done.new_status}" if done.old_status != done.new_status
          else f"corrections.status stays {done.new_status}")
    if done.new_status in ("retracted", "withdrawn"):
        print("The record stays published, with a notice; do not delete the file.")
    print_report(done.remaining, "text", args.root)
    errors = sum(1 for d in done.remaining if d.level == "error")
    print("Next: make the corrected edits to the record's fields (if any), review with `git diff`, run "
          "`sitegen check --base origin/main`, then commit and open a pull request."
          + (f"\nThe record still has {errors} error(s), listed above; they were there before this entry." if errors else ""))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from .maintain.changes import format_markdown, summarise_changes
    from .maintain.changes import format_text as changes_text

    summary = summarise_changes(_load(args), args.base)
    sys.stdout.write(format_markdown(summary) if args.format == "markdown" else changes_text(summary))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .maintain.starter import init_registry

    made = init_registry(args.folder, title=args.title, force=args.force, repository=args.sitegen_repository,
                         today=today_from_environment())
    where = os.path.relpath(made.root)
    print(f"created a registry in {where}/ with sitegen {__version__}:")
    for rel in made.files:
        print(f"  {rel}")
    if not made.repository_known:
        print(f"sitegen: note: the workflows, .pre-commit-config.yaml and README.md install sitegen from "
              f"{made.repository}, a placeholder: replace it with the git repository sitegen comes from "
              "(or run again with --sitegen-repository URL)", file=sys.stderr)
    print("Next:\n"
          f"  cd {where} && sitegen check && sitegen build   (the site lands in public/)\n"
          f"  Replace the example record {made.record} (or delete it), and the text of content/pages/about.md.\n"
          "  README.md says how to add a record; git init, commit and push to publish with GitHub Pages.")
    return 0


def cmd_schemas(args: argparse.Namespace) -> int:
    from .maintain.schemas import export_schemas

    for path in export_schemas(args.output):
        print(f"wrote {path.as_posix()}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .preview.live import Preview
    from .preview.serve import LiveState, make_server, print_ready, run_server, server_url
    from .preview.watch import watch

    if not 0 <= args.port <= 65535:
        raise UsageError(f"the port must be a number from 0 to 65535 (found {args.port})")
    config = _load(args, output_dir=args.output)
    state = LiveState()
    # Take the port before building, so a port in use is reported at once.
    server = make_server(config.output_dir, args.host, args.port, state)
    preview = Preview(config, search=not args.no_search, on_partial=lambda: state.publish(None))
    state.publish(preview.rebuild_all())

    def on_batch(changes: list) -> None:
        started = time.perf_counter()
        names = ", ".join(sorted({config.rel(c.path) for c in changes}))
        problems = preview.update(changes)
        if problems:
            print_report(problems, "text", config.root)
            print(f"sitegen: {names}: {sum(1 for d in problems if d.level == 'error')} error(s); "
                  "still serving the last good build", file=sys.stderr)
        else:
            print(f"rebuilt after a change to {names} in {(time.perf_counter() - started) * 1000:.0f} ms", file=sys.stderr)
        state.publish(problems)

    observer = watch(config, on_batch)
    try:
        print_ready(server_url(server, args.host), args.host)
        run_server(server, state)
    except KeyboardInterrupt:
        print("\nstopped", file=sys.stderr)
    finally:
        observer.stop()
    return 0


COMMANDS = {"check": cmd_check, "build": cmd_build, "serve": cmd_serve, "new": cmd_new, "correct": cmd_correct, "diff": cmd_diff,
            "init": cmd_init, "schemas": cmd_schemas}


_FAILURES = ((UsageError, "usage"), (ConfigError, "config"), (ContentError, "content"), (BuildError, "build"),
             (SitegenError, "error"))


def _failure(exc: BaseException) -> tuple[str, str, int]:
    """A failure's kind (check-report-v1's failure.kind), message and exit status."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", "interrupted", 130
    if isinstance(exc, RecursionError):
        return "content", "the input is nested too deeply to process", 1
    if isinstance(exc, SitegenError):
        return next(name for cls, name in _FAILURES if isinstance(exc, cls)), str(exc), exc.exit_code
    return "internal", f"{type(exc).__name__}: {exc}", 70


def _say_failure(exc: BaseException, fmt: str, root: Path) -> None:
    """A failure in words on stderr, after the diagnostics it carries (the report, on stdout)."""
    if isinstance(exc, (ContentError, ConfigError)):
        print_report(exc.diagnostics, fmt, root)
    if isinstance(exc, CommandLineError):
        print(f"{exc.usage}{exc.prog}: error: {exc}", file=sys.stderr)  # as argparse itself says it
    elif isinstance(exc, ContentError):
        print(f"sitegen: {exc}; nothing was published", file=sys.stderr)
    elif isinstance(exc, ConfigError):
        print(f"sitegen: {exc}", file=sys.stderr)
    elif isinstance(exc, KeyboardInterrupt):
        print("sitegen: interrupted", file=sys.stderr)
    elif isinstance(exc, (SitegenError, RecursionError)):
        print(f"sitegen: error: {_failure(exc)[1]}", file=sys.stderr)
    else:
        print(f"sitegen: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in sitegen, not in your content. Run again with SITEGEN_DEBUG=1 for details.", file=sys.stderr)


def _fail(exc: BaseException, fmt: str, root: Path) -> int:
    """Report a failure and return its exit status; with --format json, as a check-report-v1 document on stdout."""
    kind, message, status = _failure(exc)
    if fmt == "json":
        print(json_report(getattr(exc, "diagnostics", ()), exit_status=status, failure=(kind, message)))
        print(f"sitegen: error: {message}", file=sys.stderr)  # for the people reading the log
    else:
        _say_failure(exc, fmt, root)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; never lets a traceback out."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except CommandLineError as exc:  # --format is not parsed yet: read it from the command line itself
        return _fail(exc, requested_format(argv), Path("."))
    if args.command is None:
        parser.print_help()
        return 2
    fmt, root = getattr(args, "format", "text"), getattr(args, "root", Path("."))
    try:
        return COMMANDS[args.command](args)
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("SITEGEN_DEBUG") and not isinstance(exc, (SitegenError, KeyboardInterrupt, RecursionError)):
            raise
        return _fail(exc, fmt, root)

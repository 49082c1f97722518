"""The command line: sitegen build | check | new | correct | diff | serve."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from . import __version__
from .config import SiteConfig, load_config
from .errors import ConfigError, ContentError, SitegenError, format_github, format_json, format_text
from .model import Diagnostic

EPILOG = """\
exit status: 0 when there are no errors (warnings allowed), 1 when records
have errors, 2 for a wrong command line or an invalid site.yaml.
Documentation: README.md, docs/records.md (the record format).
"""


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=Path("."), metavar="DIR",
                        help="the site folder holding site.yaml, content/, layouts/ and assets/ (default: current folder)")
    parser.add_argument("--content", type=Path, metavar="DIR", help="the content folder (default: ROOT/content)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    build.add_argument("--no-cache", action="store_true", help="ignore and rebuild the render cache")

    check = sub.add_parser("check", help="validate every record and report all problems; writes nothing",
                           description="Validate every record against its contracts and the rules across fields. "
                                       "Reports every problem in every file as path:line:col: level: message [rule].")
    _site_options(check)
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text for people, json for tools, github for pull-request annotations (default: text)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--base", metavar="REF",
                       help="also check that the change since git revision REF only appends corrections (e.g. origin/main)")
    return parser


def _print_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    for d in diagnostics:
        print(format_github(d) if fmt == "github" else format_text(d), file=sys.stdout if fmt == "github" else sys.stderr)


def _summary(result_errors: int, warnings: int, extra: str = "") -> str:
    return f"{result_errors} error(s), {warnings} warning(s){extra}"


def _load(args: argparse.Namespace, **overrides: object) -> SiteConfig:
    return load_config(args.root, content_dir=args.content, **overrides)  # type: ignore[arg-type]


def cmd_check(args: argparse.Namespace) -> int:
    from .pipeline import check

    started = time.perf_counter()
    config = _load(args)
    result = check(config)
    diagnostics = list(result.diagnostics)
    if args.base:
        from .history import check_history

        diagnostics = sorted(diagnostics + list(check_history(config, args.base)), key=Diagnostic.sort_key)
    errors = sum(1 for d in diagnostics if d.level == "error")
    warnings = len(diagnostics) - errors
    failed = errors > 0 or (args.strict and warnings > 0)
    if args.format == "json":
        print(format_json(diagnostics, files=result.files_checked, records=len(result.records),
                          errors=errors, warnings=warnings, ok=not failed))
    else:
        _print_diagnostics(diagnostics, args.format)
        elapsed = time.perf_counter() - started
        print(f"checked {result.files_checked} record file(s): {_summary(errors, warnings)} in {elapsed:.2f} s"
              + (" (warnings are fatal with --strict)" if args.strict and warnings and not errors else ""), file=sys.stderr)
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    from .pipeline import build

    config = _load(args, output_dir=args.output, base_url=args.base_url)
    result = build(config, search=not args.no_search, strict=args.strict, jobs=args.jobs, use_cache=not args.no_cache)
    return 0 if result.ok else 1


COMMANDS = {"check": cmd_check, "build": cmd_build}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit status; never lets a traceback out."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except ContentError as exc:
        _print_diagnostics(exc.diagnostics, getattr(args, "format", "text"))
        print(f"sitegen: {exc}; nothing was published", file=sys.stderr)
        return exc.exit_code
    except ConfigError as exc:
        _print_diagnostics(exc.diagnostics, getattr(args, "format", "text"))
        print(f"sitegen: {exc}", file=sys.stderr)
        return exc.exit_code
    except SitegenError as exc:
        print(f"sitegen: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("sitegen: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print("sitegen: error: the input is nested too deeply to process", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a bug, reported without a traceback
        if os.environ.get("SITEGEN_DEBUG"):
            raise
        print(f"sitegen: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in sitegen, not in your content. Run again with SITEGEN_DEBUG=1 for details.", file=sys.stderr)
        return 70

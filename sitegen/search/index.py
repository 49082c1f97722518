"""Search: one text per record, served by two engines that cannot be told apart.

Over http(s) the index page uses Pagefind; opened from disk (file://) it
cannot (Pagefind needs fetch, ES modules and WebAssembly), so the page loads
the chunks of the offline index (search/offline.py) with plain script
elements instead. Both engines index the same text, made here from the
record's fields and report body, with the same filter codes and sort keys.

Pagefind does not read the record pages. It reads one small search document
per record, written to a temporary folder: the words to index and the
filters, sorts and metadata as data-pagefind-* attributes, all from
validated values. That is less to parse than the full pages, and it lets the
index be built in shards of at most limits.search_shard_size records, each a
bundle of its own that the page merges (Pagefind's mergeIndex). The shards
bound Pagefind's memory, which grows by about 0.35 MB a record; the default
keeps a registry of up to 25,000 records in one bundle, which is what a
reader's query fetches least of.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Mapping, Sequence

from ..config import SiteConfig
from ..errors import BuildError
from ..model import Page, Record
from ..site.badges import badges_for, filter_values
from ..site.markdown import inline_text
from .bundle import canonicalize_bundle, chunk_starts

BUNDLE_DIR = "pagefind"
SHARDS_DIR = "pagefind-shards"
BUNDLE_FOLDERS = (BUNDLE_DIR, SHARDS_DIR)  # every folder the search index writes into
# Beside the main bundle: the first word of every word chunk of every bundle, for site.js (bundle.chunk_starts).
CHUNKS_FILE = f"{BUNDLE_DIR}/sitegen-chunks.js"
_TIMEOUT = 3600  # seconds for one shard
_PARALLEL_SHARD = 5000  # shards of at most this many records are indexed two at a time; larger ones alone


def record_text(record: Record, body_text: str, config: SiteConfig) -> str:
    """Everything a reader can search a record by, as one line of plain text."""
    fields = record.fields
    parts = [record.title, record.id, fields.get("doi", ""), fields["publisher"],
             inline_text(fields["abstract"], max_nesting=config.limits.max_markdown_nesting),
             fields["research_question"], fields["gate"]["reason"], fields["tier"].get("basis", ""),
             fields["provenance"].get("note", "")]
    parts += [claim["text"] for claim in fields.get("claims") or ()]
    parts += [ref.get("title", "") for ref in fields.get("references") or () if isinstance(ref, dict)]
    parts += [entry["summary"] for entry in fields["corrections"]["entries"]]
    parts.append(body_text)
    return " ".join(" ".join(part for part in parts if part).split())


def search_entry(record: Record, body_text: str, config: SiteConfig) -> dict[str, Any]:
    """One record in the search data: what the result list shows and the text to match."""
    return {
        "url": record.url,
        "id": record.id,
        "title": record.title,
        "date": record.submitted.isoformat(),
        "score": record.fields.get("review_score"),
        "doi": record.fields.get("doi"),
        "language": record.language,
        "filters": filter_values(record),
        "badges": [badge.label for badge in badges_for(record, config)],
        "abstract": _shorten(inline_text(record.fields["abstract"], max_nesting=config.limits.max_markdown_nesting), 300),
        "text": record_text(record, body_text, config),
    }


def _shorten(text: str, limit: int) -> str:
    """At most limit characters, cut at a word, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def script_json(value: Any) -> str:
    """JSON that is also safe inside any HTML or JavaScript context.

    <, > and & are written as \\u003c, \\u003e and \\u0026, so the text can never
    close a script element (</script>) or open an HTML comment (<!--); U+2028
    and U+2029 are escaped because older JavaScript engines end lines at them.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def search_document(entry: Mapping[str, Any], language: str) -> str:
    """The page Pagefind indexes for one record: its text, and filters and metadata as attributes.

    No sorts: Pagefind ranks by relevance only here. Sorted results come from the
    offline index, which matches the same records, so the metadata every query
    loads stays small (sorts would add three lists of every record to it).
    """
    attr = html.escape
    tags = [f'<span data-pagefind-meta="id:{attr(entry["id"])}"></span>',
            f'<span data-pagefind-meta="date:{attr(entry["date"])}"></span>',
            f'<span data-pagefind-meta="score:{"" if entry["score"] is None else entry["score"]}"></span>',
            f'<span data-pagefind-meta="lang:{attr(entry["language"])}"></span>',
            # What a result card shows, so a page of results needs nothing but Pagefind's fragments.
            *(f'<span data-pagefind-meta="badge{n}:{attr(label)}"></span>' for n, label in enumerate(entry["badges"]))]
    tags += [f'<span data-pagefind-filter="{attr(key)}:{attr(value)}"></span>' for key, value in sorted(entry["filters"].items())]
    return (f'<!doctype html><html lang="{attr(language)}"><head><meta charset="utf-8"><title>{attr(entry["title"])}</title>'
            f'</head><body><main data-pagefind-body><h1 data-pagefind-meta="title">{attr(entry["title"])}</h1>'
            f'{"".join(tags)}<p>{attr(entry["text"])}</p></main></body></html>\n')


def pagefind_language(config: SiteConfig) -> str:
    """One index for the whole site, in a language Pagefind has no stemmer for: "und" (undetermined).

    One index: without a forced language Pagefind splits the index by each page's
    lang, and the index page would never find a record written in another.
    No stemmer: the offline index (search/offline.py) must match exactly the
    records Pagefind matches, and a query word already matches every word it
    starts ("transfer" finds "transfers", "transferred").
    """
    return "und"


def shard_paths(count: int) -> list[str]:
    """Where each shard's bundle goes, relative to the site root: the first is the main bundle."""
    return [BUNDLE_DIR] + [f"{SHARDS_DIR}/{n}" for n in range(1, count)]


def search_key(entries: Iterable[str], config: SiteConfig) -> str:
    """What the bundles are a function of: the entries, the language, the shard size and the Pagefind version."""
    digest = hashlib.sha256(f"search-1 {config.limits.search_shard_size} {pagefind_language(config)} "
                            f"{_pagefind_version()}\n".encode())
    for entry in entries:
        digest.update(entry.encode("utf-8") + b"\n")
    return digest.hexdigest()


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:  # noqa: BLE001 - any failure means 'unknown', which only costs a rebuild of the index
        return "unknown"


def shard_count(records: int, config: SiteConfig) -> int:
    """How many Pagefind bundles a site of this many records gets."""
    return max(1, -(-records // config.limits.search_shard_size))


def _executable() -> str:
    try:
        import pagefind_bin

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as exc:
        raise BuildError(f"the Pagefind executable is not installed ({exc}); install the 'pagefind[bin]' package, "
                         "or build with --no-search") from None


def _run_pagefind(executable: str, site: Path, bundle: Path, language: str) -> None:
    command = [executable, "--site", str(site), "--output-path", str(bundle), "--force-language", language, "--quiet"]
    # Pagefind's heavy part runs on one thread; extra threads only add memory. Shards give the parallelism.
    env = {**os.environ, "RAYON_NUM_THREADS": "1"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise BuildError(f"Pagefind did not finish indexing within {_TIMEOUT} s") from None
    except OSError as exc:
        raise BuildError(f"Pagefind could not be started: {exc}") from None
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BuildError("Pagefind failed to index the site (exit status "
                         f"{done.returncode}){': ' + ' / '.join(detail) if detail else ''}")
    if not canonicalize_bundle(bundle):
        # The index works either way; only byte-identical rebuilds are lost.
        print("sitegen: warning: this Pagefind version's bundle format is not recognised; "
              "the search index may differ from build to build", file=sys.stderr)


def shard_of(number: int, count: int, size: int) -> int:
    """The shard of the record at place `number` of `count` in index order (0 = the newest): shards are cut from the oldest record on,
    so a new record changes only the newest shard (search/offline.py reads the same rule)."""
    return (count - 1 - number) // size


def build_search_index(site_dir: Path, entries: Iterable[str], config: SiteConfig, jobs: int = 2) -> int:
    """Index every record's search entry (in index order, newest first) into Pagefind bundles under site_dir.

    Returns the number of shards. Pagefind holds about 0.35 MB a record while it
    indexes, so large shards run one at a time.
    """
    executable = _executable()
    language = pagefind_language(config)
    records = [json.loads(entry) for entry in entries]
    size = config.limits.search_shard_size
    count = shard_count(len(records), config)
    scratch = Path(tempfile.mkdtemp(prefix=".sitegen-search-", dir=site_dir.parent))
    try:
        for number, entry in enumerate(records):
            target = scratch / str(shard_of(number, len(records), size)) / entry["url"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(search_document(entry, language), encoding="utf-8")
        bundles = [site_dir.joinpath(*PurePosixPath(p).parts) for p in shard_paths(count)]
        workers = max(1, min(jobs, count)) if size <= _PARALLEL_SHARD else 1
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda n: _run_pagefind(executable, scratch / str(n), bundles[n], language), range(count)))
        starts = sorted({word for bundle in bundles for word in chunk_starts(bundle)})
        script = f"SITEGEN_SEARCH_CHUNK(\"pagefind-chunks\",{script_json(starts)});\n"
        site_dir.joinpath(*PurePosixPath(CHUNKS_FILE).parts).write_text(script, encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return count

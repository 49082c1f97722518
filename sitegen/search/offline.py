"""The offline search index: what the index page searches when it is opened from disk.

Opened from file://, a page cannot fetch, import modules or run WebAssembly,
so Pagefind cannot run; a plain <script> element can still load a file next
to the page. The index is cut into many small script files under search/, and
a query loads only the few it needs:

    search/manifest.js        counts, the word chunks that exist, badge texts
    search/w/<key>.js         words starting with two letters -> the records holding them
    search/f/<key>/<value>.js the records with one filter value
    search/s/<sort>.js        every record in score or title order
    search/r/<n>.js           what a result shows, for RECORDS_PER_CHUNK records

Records are numbered by their place in the index (0 is the newest), so newest
and oldest first need no file at all. Record lists are sorted numbers written
as base-36 gaps ("0.3.1a"), a few bytes a record. Every file is one call,
SITEGEN_SEARCH_CHUNK(name, data), with script-safe JSON (search/index.py).

Words are folded the way assets/site.js folds a query: Unicode NFKD, accents
dropped, lower case, split at anything that is not a letter or a digit. A
query word matches every indexed word it starts, as Pagefind's does.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any, Iterable, Mapping, Sequence

from ..config import SiteConfig
from ..model import Page
from .index import script_json

FOLDER = "search"
RECORDS_PER_CHUNK = 50
KEY_CHARS = 2  # word chunks are keyed by the first two letters of a word
MAX_WORD = 64  # longer "words" (hashes, run-on text) are not indexed
_COMBINING = re.compile("[\u0300-\u036f]")
_SEPARATORS = re.compile(r"[\W_]+")  # not a letter or a digit: the same classes as [^\p{L}\p{N}] in JavaScript
_BADGE_KINDS = (("level", "level"), ("gate", "gate"), ("tier", "tier"), ("correction", "status"))


def fold(text: str) -> str:
    """Case- and accent-insensitive text, as site.js folds the query."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def words(text: str) -> set[str]:
    """The distinct indexable words of a text."""
    return {w for w in _SEPARATORS.split(fold(text)) if w and len(w) <= MAX_WORD}


def chunk_key(word: str) -> str:
    """The file a word lives in: its first letters as hexadecimal code points (safe on every file system)."""
    return "-".join(f"{ord(c):x}" for c in word[:KEY_CHARS])


def encode(numbers: Iterable[int]) -> str:
    """Ascending record numbers as base-36 gaps: [0, 3, 4, 50] -> '0.3.1.1a'."""
    out, previous = [], 0
    for number in numbers:
        out.append(_base36(number - previous))
        previous = number
    return ".".join(out)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        n, r = divmod(n, 36)
        text = digits[r] + text
        if not n:
            return text


def _script(name: str, data: Any) -> Page:
    body = f"SITEGEN_SEARCH_CHUNK({script_json(name)},{script_json(data)});\n"
    return Page(PurePosixPath(f"{FOLDER}/{name}.js"), body.encode("utf-8"), "the offline search index")


def _shown(entry: Mapping[str, Any]) -> list[Any]:
    """What a result shows: url, id, title, date, score, language, badge labels, filter codes, abstract."""
    return [entry["url"], entry["id"], entry["title"], entry["date"], entry["score"], entry["language"],
            entry["badges"], entry["filters"], entry["abstract"]]


def offline_index(entries: Sequence[Mapping[str, Any]], config: SiteConfig) -> list[Page]:
    """Every file of the offline index, from the search entries in index order (newest first)."""
    pages: list[Page] = []
    postings: dict[str, list[int]] = {}
    filters: dict[str, dict[str, list[int]]] = {}
    for number, entry in enumerate(entries):
        for word in words(" ".join((entry["title"], entry["id"], entry.get("doi") or "", entry["text"]))):
            postings.setdefault(word, []).append(number)
        for key, value in entry["filters"].items():
            filters.setdefault(key, {}).setdefault(value, []).append(number)
    chunks: dict[str, dict[str, str]] = {}
    for word in sorted(postings):
        chunks.setdefault(chunk_key(word), {})[word] = encode(postings[word])
    pages += [_script(f"w/{key}", chunk) for key, chunk in sorted(chunks.items())]
    pages += [_script(f"f/{key}/{value}", encode(numbers))
              for key, values in sorted(filters.items()) for value, numbers in sorted(values.items())]
    by_score = sorted(range(len(entries)), key=lambda n: (-(entries[n]["score"] if entries[n]["score"] is not None else -1), n))
    by_title = sorted(range(len(entries)), key=lambda n: (entries[n]["title"].casefold(), n))
    pages += [_script("s/score", ".".join(_base36(n) for n in by_score)),
              _script("s/title", ".".join(_base36(n) for n in by_title))]
    for start in range(0, len(entries), RECORDS_PER_CHUNK):
        pages.append(_script(f"r/{start // RECORDS_PER_CHUNK}",
                             [_shown(e) for e in entries[start:start + RECORDS_PER_CHUNK]]))
    labels = {"level": config.levels, "gate": config.gate_statuses, "tier": config.tiers,
              "status": config.correction_statuses}
    manifest = {
        "version": 1,
        "count": len(entries),
        "recordsPerChunk": RECORDS_PER_CHUNK,
        "keyChars": KEY_CHARS,
        "words": sorted(chunks),
        "filters": {key: {value: len(numbers) for value, numbers in sorted(values.items())}
                    for key, values in sorted(filters.items())},
        # What a badge is about and what its value means, for the title the index's cards give it.
        "badges": {kind: {"filter": key, "descriptions": {code: str(meta["description"]) for code, meta in labels[key].items()}}
                   for kind, key in _BADGE_KINDS},
    }
    pages.append(_script("manifest", manifest))
    return pages

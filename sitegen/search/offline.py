"""The offline search index: what the index page searches when it is opened from disk.

Opened from file://, a page cannot fetch, import modules or run WebAssembly,
so Pagefind cannot run; a plain <script> element can still load a file next
to the page. The index is cut into many small script files under search/, and
a query loads only the few it needs:

    search/manifest.js        counts, the word chunks that exist, badge texts
    search/w/<key>.js         words starting with some letters -> the records holding them
    search/f/<key>/<value>.js the records with one filter value
    search/s/<sort>.js        every record in score or title order
    search/r/<n>.js           what a result shows, for RECORDS_PER_CHUNK records

Records are numbered by their place from the oldest (0 is the oldest), so
newest and oldest first need no file at all, and a new record, which comes
last, takes a new number without changing any other: only the files that
hold it change (its words' chunks, its filter values, the orders, the last
result file, the manifest), as Pagefind's shards are cut from the oldest
too (search/index.py, shard_of). A build remakes only those from what the
previous one kept (OfflineState, and the words' lists a word group at a
time: search/offline_update.py). Record lists are sorted numbers written
as base-36 gaps ("0.3.1a"), a few bytes a record. Every file is one call,
SITEGEN_SEARCH_CHUNK(name, data), with script-safe JSON (search/index.py).

Words are cut and matched as Pagefind cuts and matches them, so a query finds
the same records from disk as on the served site (a test compares the two
engines query by query). From Pagefind 1.x (pagefind/src/fossick/mod.rs and
splitting.rs, pagefind_web/src/search.rs):
- the text is split at white space; each piece is indexed as its letters and
  digits, lower-cased ("zero-shot," -> "zeroshot"), and as its parts of two
  or more characters: runs of letters cut where the case turns, and runs of
  digits ("zero", "shot"; "AfroXLMR" -> "afro", "xlmr"; "Llama3Chat" ->
  "llama", "chat"), without diacritics ("café" -> "cafe", but "æ" stays).
  These are Pagefind 1.5's rules, read off its behaviour; tests hold them
  against the real binary (tests/search/test_pagefind_words.py);
- no stemming: the index's language is one Pagefind has no stemmer for
  (search/index.py), because a second stemmer in JavaScript could never be
  kept equal to Pagefind's;
- a query word matches every indexed word it starts; a word that starts
  none matches the longest indexed word that starts it; a query word that
  matches nothing is left out, unless no word matches anything (site.js);
- all of this within each of Pagefind's shards, whose results the page
  merges: the manifest gives the shard size, and site.js applies the rules
  shard by shard.

Word chunks are keyed by the first two letters, and a chunk larger than
CHUNK_BYTES is split by one more letter, and so on, so that a common prefix
("re": results, research, retrieved, ...) does not make every query for it
load a large file. A chunk keeps the words no longer than its key. A query
word loads the chunks whose key starts it or that it starts.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from ..config import SiteConfig
from ..model import Page, PagePlan, plan_key
from .index import script_json

FOLDER = "search"
RECORDS_PER_CHUNK = 10  # a page of results for a rare word touches up to 25 of these: keep each small
KEY_CHARS = 2  # word chunks are keyed by at least the first two letters of a word
MAX_KEY_CHARS = 32  # deep enough for identifiers that share a long prefix (every Zenodo DOI: 105281zenodo...)
CHUNK_BYTES = 48_000  # a word chunk larger than this is split by one more letter
MAX_WORD = 256  # longer "words" (run-on junk) are not indexed
_COMBINING = re.compile("[\u0300-\u036f]")
_RUNS = re.compile(r"[^\W\d_]+|\d+")  # a run of letters, or a run of digits
_BADGE_KINDS = (("level", "level"), ("gate", "gate"), ("tier", "tier"), ("correction", "status"))


def fold(text: str) -> str:
    """Case- and accent-insensitive text (what site.js marks in a shown abstract)."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower()


def _lower(text: str) -> str:
    return "".join(c.lower() for c in text)


def _camel(run: str) -> list[str]:
    """A run of letters cut where the case turns: fooBar -> foo, Bar; WKWebView -> WK, Web, View."""
    cuts = [0]
    for i in range(1, len(run)):
        before, here = run[i - 1], run[i]
        if (before.islower() and here.isupper()) or (
                before.isupper() and here.isupper() and i + 1 < len(run) and run[i + 1].islower()):
            cuts.append(i)
    return [run[a:b] for a, b in zip(cuts, cuts[1:] + [len(run)])]


def _parts(piece: str) -> list[str]:
    """The parts Pagefind also indexes a piece under: runs of letters cut at case changes, and runs of digits."""
    parts: list[str] = []
    for run in _RUNS.findall(piece):
        parts += [run] if run[0].isdigit() else _camel(run)
    return [_lower(p) for p in parts]


def strip_marks(word: str) -> str:
    """A word without its diacritics (canonical decomposition, combining marks dropped): café -> cafe."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


@lru_cache(maxsize=1 << 18)
def _piece_words(piece: str) -> tuple[str, ...]:
    """The words one white-space-separated piece is indexed as. Pieces repeat a great deal across a
    registry (the same vocabulary in every report), so they are cut once each."""
    piece = piece.replace("\u200b", "")
    normalized = _lower("".join(c for c in piece if c.isalnum()))
    if not normalized:
        return ()
    found = [normalized] + [p for p in _parts(piece) if len(p.encode("utf-8")) > 1]
    return tuple(w for w in map(strip_marks, found) if w and len(w) <= MAX_WORD)


def words(text: str) -> set[str]:
    """The distinct words Pagefind indexes for a text (see the module's notes)."""
    return set().union(*map(_piece_words, set(text.split())))


def entry_words(entry: Mapping[str, Any]) -> str:
    """What the offline index holds a search entry under: the words of its title, then its text (what Pagefind
    reads), sorted and joined by spaces (no word holds white space), as the build cache keeps them."""
    return " ".join(sorted(words(entry["title"] + " " + entry["text"])))


_DROPPED = frozenset(("Pd", "Pe", "Pf", "Pi", "Po", "Ps"))


def query_terms(query: str) -> list[str]:
    """A query's words as Pagefind (and site.js) cut them: punctuation dropped, lower case, no diacritics."""
    kept = "".join(c.lower() for c in query if unicodedata.category(c) not in _DROPPED)
    return [w for w in (strip_marks(t) for t in re.sub(r"\s{2,}", " ", kept).strip().split(" ")) if w]


def chunk_key(prefix: str) -> str:
    """A chunk's file name: its letters as hexadecimal code points (safe on every file system)."""
    return "-".join(f"{ord(c):x}" for c in prefix)


def word_chunks(postings: Mapping[str, str], length: int = KEY_CHARS) -> dict[str, dict[str, str]]:
    """Words (with their encoded record lists) grouped by prefix, splitting groups larger than CHUNK_BYTES."""
    groups: dict[str, dict[str, str]] = {}
    for word in sorted(postings):
        groups.setdefault(word[:length], {})[word] = postings[word]
    chunks: dict[str, dict[str, str]] = {}
    for prefix, group in groups.items():
        size = sum(len(word) + len(numbers) + 6 for word, numbers in group.items())
        longer = {w: n for w, n in group.items() if len(w) > length}
        if size > CHUNK_BYTES and longer and length < MAX_KEY_CHARS:
            short = {w: n for w, n in group.items() if len(w) <= length}
            if short:
                chunks[prefix] = short
            chunks.update(word_chunks(longer, length + 1))
        else:
            chunks[prefix] = group
    return chunks


def encode(numbers: Iterable[int], digits: Sequence[str] | None = None) -> str:
    """Ascending record numbers as base-36 gaps: [0, 3, 4, 50] -> '0.3.1.1a'.

    digits: _base36 of 0, 1, 2, ... as far as the largest gap, when the caller has them made once.
    """
    out, previous = [], 0
    for number in numbers:
        gap = number - previous
        out.append(digits[gap] if digits is not None else _base36(gap))
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


def decode(text: str) -> list[int]:
    """encode's record numbers back: '0.3.1.1a' -> [0, 3, 4, 50]."""
    numbers, total = [], 0
    for gap in text.split(".") if text else ():
        total += int(gap, 36)
        numbers.append(total)
    return numbers


@dataclass(frozen=True, slots=True)
class Posting:
    """The records holding a word (or a filter value): how many, the highest number, and all of them encoded.

    The highest number lets a new record (always the highest) be added, and the newest removed,
    without decoding the list: a common word's list holds nearly every record of the registry."""

    count: int
    last: int
    numbers: str  # encode's text

    def with_number(self, number: int) -> "Posting":
        if not self.count:
            return Posting(1, number, _base36(number))
        if number > self.last:
            return Posting(self.count + 1, number, f"{self.numbers}.{_base36(number - self.last)}")
        found = decode(self.numbers)
        if number in found:
            return self
        return _posting(sorted([*found, number]))

    def without_number(self, number: int) -> "Posting":
        if self.count == 1:
            return NO_POSTING if number == self.last else self
        if number == self.last:
            rest, _dot, gap = self.numbers.rpartition(".")
            return Posting(self.count - 1, self.last - int(gap, 36), rest)
        found = decode(self.numbers)
        return _posting([n for n in found if n != number]) if number in found else self


NO_POSTING = Posting(0, 0, "")


def _posting(numbers: Sequence[int]) -> Posting:
    return Posting(len(numbers), numbers[-1], encode(numbers)) if numbers else NO_POSTING


@dataclass(frozen=True, slots=True)
class OfflineState:
    """What the next build needs to remake the offline index at the cost of what changed (the build cache keeps it).

    The words' record lists are not in it: they are kept a word group (the first KEY_CHARS letters)
    at a time, and read only for the groups a change touches (search/offline_update.py)."""

    urls: tuple[str, ...]  # record n's address is urls[n]: the numbering, from the oldest
    titles: tuple[str, ...]  # by number, case-folded: the title order
    scores: tuple[float, ...]  # by number, -1 for none: the score order
    filters: Mapping[str, Mapping[str, Posting]]  # filter key -> value -> the records with it
    results: tuple[str, ...]  # the plan key of each r/<n>.js, by n
    groups: Mapping[str, tuple[tuple[str, str], ...]]  # word group -> its chunks' (file key, plan key), in file-key order


class OfflineIndex(NamedTuple):
    """Every file of the offline index, not yet written, and what the next build remakes it from."""

    plans: list[PagePlan]
    state: OfflineState
    groups: dict[str, dict[str, Posting] | None]  # the word groups made this time (None: a group gone)
    whole: bool  # every group was made (given to keep_group, or in groups): any other kept one is gone


def word_group(word: str) -> str:
    """The group a word's record list is kept in, and whose chunks are cut together (word_chunks)."""
    return word[:KEY_CHARS]


def group_plans(group: Mapping[str, Posting]) -> list[PagePlan]:
    """The w/ files of one word group (its words, in order, with their record lists), cut as word_chunks cuts."""
    return [_script(f"w/{chunk_key(prefix)}", words)
            for prefix, words in word_chunks({word: posting.numbers for word, posting in group.items()}).items()]


def kept_group_plans(group: str, chunks: Sequence[tuple[str, str]],
                     load: Callable[[str], Mapping[str, Posting]]) -> list[PagePlan]:
    """The w/ files of a word group no record of this build changed: keyed as last time, and made (from the
    group's lists as kept) only if the previous output's file cannot be linked."""
    @lru_cache(maxsize=1)
    def made() -> dict[str, bytes]:
        return {plan.out_path.as_posix(): plan.make() for plan in group_plans(load(group))}

    def make(path: str) -> bytes:
        found = made().get(path)
        if found is None:
            raise StaleIndex(f"its offline index names {path}, which the words it keeps do not make")
        return found

    def plan(key: str, plan_key_: str) -> PagePlan:
        path = f"{FOLDER}/w/{key}.js"
        return PagePlan(PurePosixPath(path), plan_key_, lambda: make(path), "the offline search index")
    return [plan(key, plan_key_) for key, plan_key_ in chunks]


class StaleIndex(Exception):
    """What the previous build kept of the offline index does not agree with itself: it cannot be used."""


def _script(name: str, data: Any) -> PagePlan:
    """One file of the index, not yet written, keyed by its name and data (the environment key joins it)."""
    def make() -> bytes:
        return f"SITEGEN_SEARCH_CHUNK({script_json(name)},{script_json(data)});\n".encode("utf-8")
    return PagePlan(PurePosixPath(f"{FOLDER}/{name}.js"), plan_key("offline", name, data), make,
                    "the offline search index")


def shown(entry: Mapping[str, Any]) -> list[Any]:
    """What a result shows: url, id, title, date, score, language, badge labels, filter codes, abstract."""
    return [entry["url"], entry["id"], entry["title"], entry["date"], entry["score"], entry["language"],
            entry["badges"], entry["filters"], entry["abstract"]]


def results_plan(first: int, size: int, key: str, entries: Sequence[Mapping[str, Any]]) -> PagePlan:
    """r/<n>.js for the size records numbered from first, keyed by key (results_key of what it shows), made by
    reading those entries again. entries are newest first, numbers count from the oldest."""
    name, last = f"r/{first // RECORDS_PER_CHUNK}", len(entries) - 1

    def make() -> bytes:
        data = [shown(e) for e in reversed(entries[last - first - size + 1:last - first + 1])]
        return f"SITEGEN_SEARCH_CHUNK({script_json(name)},{script_json(data)});\n".encode("utf-8")
    return PagePlan(PurePosixPath(f"{FOLDER}/{name}.js"), key, make, "the offline search index")


def results_key(first: int, shown_: Sequence[list[Any]]) -> str:
    """The key of r/<n>.js for the records numbered from first, given what each shows, in number order."""
    return plan_key("offline", f"r/{first // RECORDS_PER_CHUNK}", shown_)


def score_of(entry: Mapping[str, Any]) -> float:
    return float(entry["score"]) if entry["score"] is not None else -1.0


def offline_index(entries: Sequence[Mapping[str, Any]], config: SiteConfig) -> list[Page]:
    """Every file of the offline index, from the search entries in index order (newest first)."""
    return [plan.page() for plan in offline_build(entries, config).plans]


def offline_build(entries: Sequence[Mapping[str, Any]], config: SiteConfig, entries_words: Iterable[str] | None = None,
                  keep_group: Callable[[str, Mapping[str, Posting]], None] | None = None) -> OfflineIndex:
    """The whole offline index, not yet written; each file is keyed by its own data, so only a changed one is written.

    entries: read once in order, then again only for the result files being made (r/), a slice at a
    time, so a sequence that reads them from disk (engine/spill.py) is never held whole.
    entries_words: entry_words of each entry in the same order, when they were cut already (by the
    workers, or kept in the cache).
    keep_group: given each word group's lists as they are made, for the next build (engine/spill.py keeps
    them on disk until the cache is written); without it they are in the index's groups.
    """
    results: list[PagePlan] = []  # r/<n>.js, made as their records are read
    # Record numbers as 4-byte arrays: a registry's postings are tens of millions of numbers. The
    # entries come newest first, so each list is made in descending order and read backwards.
    postings: dict[str, array[int]] = {}
    filters: dict[str, dict[str, array[int]]] = {}
    count = len(entries)
    scores = [0.0] * count  # by number, from the oldest
    titles: list[str] = [""] * count
    urls: list[str] = [""] * count
    gathered: list[list[Any]] = []  # the result file being gathered, its highest number first
    cut = iter(entries_words) if entries_words is not None else None
    for place, entry in enumerate(entries):
        number = count - 1 - place
        # What Pagefind reads: the title, then the text.
        found = next(cut).split() if cut is not None else words(entry["title"] + " " + entry["text"])
        for word in found:
            numbers = postings.get(word)
            if numbers is None:
                numbers = postings[word] = array("I")
            numbers.append(number)
        for key, value in entry["filters"].items():
            filters.setdefault(key, {}).setdefault(value, array("I")).append(number)
        scores[number], titles[number], urls[number] = score_of(entry), entry["title"].casefold(), entry["url"]
        gathered.append(shown(entry))
        if number % RECORDS_PER_CHUNK == 0:  # the lowest number of its result file
            results.append(results_plan(number, len(gathered), results_key(number, gathered[::-1]), entries))
            gathered = []
    results.reverse()  # r/0.js first
    digits = [_base36(n) for n in range(count + 1)]  # every gap is smaller than the count
    groups: dict[str, dict[str, Posting] | None] = {}
    words_plans: dict[str, list[PagePlan]] = {}
    members: dict[str, Posting] = {}
    group = ""
    for word in [*sorted(postings), None]:  # None: the end, which closes the last group
        if members and (word is None or word_group(word) != group):
            words_plans[group] = group_plans(members)
            if keep_group is not None:
                keep_group(group, members)  # a registry's lists are not held a second time
            else:
                groups[group] = members
            members = {}
        if word is not None:
            group, numbers = word_group(word), postings.pop(word)
            members[word] = Posting(len(numbers), numbers[0], encode(reversed(numbers), digits))
    state = OfflineState(
        urls=tuple(urls), titles=tuple(titles), scores=tuple(scores),
        filters={key: {value: Posting(len(numbers), numbers[0], encode(reversed(numbers), digits))
                       for value, numbers in sorted(values.items())} for key, values in sorted(filters.items())},
        results=tuple(plan.key for plan in results),
        groups={group: tuple(sorted((plan.out_path.stem, plan.key) for plan in plans))
                for group, plans in words_plans.items()})
    plans = [plan for group in words_plans.values() for plan in group]
    return OfflineIndex(assemble(plans, results, state, config), state, groups, True)


def assemble(word_plans: list[PagePlan], results: list[PagePlan], state: OfflineState,
             config: SiteConfig) -> list[PagePlan]:
    """The index's files, from its word files and result files and what the state says of the rest."""
    count = len(state.urls)
    pages = sorted(word_plans, key=lambda plan: plan.out_path.stem)
    pages += [_script(f"f/{key}/{value}", posting.numbers)
              for key, values in state.filters.items() for value, posting in values.items()]
    # Ties newest first, as the listings order them.
    scores, titles = state.scores, state.titles
    by_score = sorted(range(count), key=lambda n: (-scores[n], -n))
    by_title = sorted(range(count), key=lambda n: (titles[n], -n))
    digits = [_base36(n) for n in range(count + 1)]
    pages += [_script("s/score", ".".join(digits[n] for n in by_score)),
              _script("s/title", ".".join(digits[n] for n in by_title))]
    pages += results
    labels = {"level": config.levels, "gate": config.gate_statuses, "tier": config.tiers,
              "status": config.correction_statuses}
    manifest = {
        "version": 1,
        "count": count,
        # Pagefind's shards (search/index.py, shard_of): a word is matched shard by shard, as there.
        "shardSize": config.limits.search_shard_size,
        # A served search ranks with Pagefind only up to this many matches (its time grows with each).
        "rankLimit": config.limits.search_rank_limit,
        "recordsPerChunk": RECORDS_PER_CHUNK,
        "words": sorted(key for chunks in state.groups.values() for key, _plan_key in chunks),
        "filters": {key: {value: posting.count for value, posting in values.items()}
                    for key, values in state.filters.items()},
        # What a badge is about and what its value means, for the title the index's cards give it.
        "badges": {kind: {"filter": key, "descriptions": {code: str(meta["description"]) for code, meta in labels[key].items()}}
                   for kind, key in _BADGE_KINDS},
    }
    pages.append(_script("manifest", manifest))
    return pages

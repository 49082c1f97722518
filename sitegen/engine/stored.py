"""What the build cache holds, as plain JSON and text, and the checks that turn it back into typed records.

The cache may come from anywhere (a CI cache restore, a copied folder, a
hand-edited file), so nothing read from it is taken on trust: every value is
checked for its type and shape, every path for staying inside the output
folder, and anything unexpected raises Unusable, which makes the build
ignore the whole cache. json.loads is the only parser; nothing read can run
code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..model import NO_STAMP, ArtifactRead, Diagnostic, Record, RecordOutcome, SourcePos, Stamp
from ..search.index import BUNDLE_FOLDERS
from ..search.offline import RECORDS_PER_CHUNK, OfflineState, Posting, word_group
from .write import plain_relative

_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Unusable(Exception):
    """Why a build cache cannot be used, in a few words for the one line that says so."""


class CacheFailed(Exception):
    """The cache turned out bad in a part read only once the build began to use it: the build starts again without it."""


# The texts a record row holds beside its JSON, read only when a site-wide file being made needs them.
TEXT_COLUMNS = ("search", "index_card", "browse_card", "words")
TextDigests = tuple[str, str, str, str]  # the sha256 of each, in that order


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def text_digests(search: str, cards: tuple[str, str], words: str) -> TextDigests:
    return (text_sha256(search), text_sha256(cards[0]), text_sha256(cards[1]), text_sha256(words))


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One record's row: what it produced, the stamps of its published files, and the digests of its texts."""

    outcome: RecordOutcome  # without its texts when read back: they stay in the row until asked for
    output_stamps: tuple[Stamp, ...]  # in the order of outcome.outputs; NO_STAMP: check by hash
    texts: TextDigests


@dataclass(frozen=True, slots=True)
class SearchFiles:
    """The published search bundle: what it was built from, and its files."""

    key: str  # search.index.search_key of the entries; "" when there is none
    files: tuple[tuple[str, str, Stamp], ...]  # (output path, sha256, stamp), sorted by path


@dataclass(frozen=True, slots=True)
class SitewideFile:
    """A site-wide file of the published output: the key of what it was made from, and its bytes."""

    key: str  # sha256 of the environment key, the path and the plan's key (engine/sitewide.py)
    path: str  # in the output folder
    sha256: str
    stamp: Stamp  # NO_STAMP: check by hash


@dataclass(frozen=True, slots=True)
class BuildState:
    """What the last build read and published, for a build with nothing to do."""

    inputs: str  # cache.inputs_fingerprint; "" when some input was too recent to be noted
    output: str  # a digest of the stamps of every published file
    diagnostics: tuple[Diagnostic, ...]
    result: tuple[int, int, int, bool]  # records, HTML pages, files written, indexed


# -- writing -----------------------------------------------------------------------------------

def dumps(value: Any, *, ascii_only: bool = False) -> str:
    """JSON text, compact, without NaN; ascii_only escapes every other character (for text that is not valid UTF-8)."""
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=False, separators=(",", ":"))


def _stamp_json(stamp: Stamp) -> list[int] | None:
    return None if stamp == NO_STAMP else list(stamp)


def diagnostic_json(d: Diagnostic) -> dict:
    """A diagnostic as JSON."""
    return {"path": d.pos.path, "line": d.pos.line, "col": d.pos.col, "level": d.level, "message": d.message,
            "rule": d.rule, "hint": d.hint}


def entry_json(entry: CacheEntry) -> dict:
    """A record's row as JSON; the row's key is its rel_path, and its texts are columns of their own, named here by
    their sha256 (the row's checksum covers this JSON only, so the texts can be read one at a time)."""
    o, record = entry.outcome, entry.outcome.record
    assert record is not None
    return {
        "stamp": _stamp_json(o.fingerprint),
        "record": {"slug": record.slug, "id": record.id, "title": record.title,
                   "submitted": record.submitted.isoformat(), "language": record.language, "fields": record.fields,
                   "body_line": record.body_line, "digest": record.digest},
        "diagnostics": [diagnostic_json(d) for d in o.diagnostics],
        "id_pos": list(o.id_pos) if o.id_pos else None,
        "outputs": [[path, digest, _stamp_json(stamp)]
                    for path, digest, stamp in zip(o.outputs, o.output_digests, entry.output_stamps)],
        "artifact": None if o.artifact is None else {"path": o.artifact.path, "sha256": o.artifact.sha256,
                                                     "stamp": _stamp_json(o.artifact.stamp)},
        "texts": list(entry.texts),
    }


def search_json(search: SearchFiles) -> dict:
    """The search bundle's row as JSON."""
    return {"key": search.key, "files": [[path, digest, _stamp_json(stamp)] for path, digest, stamp in search.files]}


def sitewide_json(files: Sequence[SitewideFile]) -> list:
    """The site-wide files' row as JSON."""
    return [[f.key, f.path, f.sha256, _stamp_json(f.stamp)] for f in files]


def state_json(state: BuildState) -> dict:
    """The build state's row as JSON."""
    return {"inputs": state.inputs, "output": state.output,
            "diagnostics": [diagnostic_json(d) for d in state.diagnostics], "result": list(state.result)}


def _posting_json(posting: Posting) -> list:
    return [posting.count, posting.last, posting.numbers]


def offline_json(state: OfflineState | None) -> dict | None:
    """The offline index's state as JSON (its word groups are rows of their own: group_json)."""
    if state is None:
        return None
    return {"urls": list(state.urls), "titles": list(state.titles), "scores": list(state.scores),
            "filters": {key: {value: _posting_json(p) for value, p in values.items()}
                        for key, values in state.filters.items()},
            "results": list(state.results),
            "groups": {group: [list(chunk) for chunk in chunks] for group, chunks in state.groups.items()}}


def group_json(group: Mapping[str, Posting]) -> dict:
    """One word group of the offline index: each word's record list."""
    return {word: _posting_json(posting) for word, posting in group.items()}


# -- reading: every value checked ----------------------------------------------------------------

def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def loads(text: object, what: str) -> Any:
    """Parse JSON text; anything but well-formed, finite JSON is Unusable."""
    if not isinstance(text, str):
        raise Unusable(f"{what} is not text")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise Unusable(f"{what} is not valid JSON ({error})") from None


def _fields(value: object, keys: tuple[str, ...], what: str) -> dict:
    if not isinstance(value, dict) or set(value) != set(keys):
        found = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise Unusable(f"{what} has the wrong fields ({found})")
    return value


def _str(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise Unusable(f"{what} is not text")
    return value


def _int(value: object, what: str, low: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < low:
        raise Unusable(f"{what} is not a whole number from {low}")
    return value


def _sha256(value: object, what: str) -> str:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise Unusable(f"{what} is not a sha256")
    return value


def _stamp(value: object, what: str) -> Stamp:
    if value is None:
        return NO_STAMP
    if not isinstance(value, list) or len(value) != 3:
        raise Unusable(f"{what} is not a file stamp")
    return (_int(value[0], what), _int(value[1], what), _int(value[2], what))


def _list(value: object, what: str) -> list:
    if not isinstance(value, list):
        raise Unusable(f"{what} is not a list")
    return value


def _output_path(value: object, what: str) -> str:
    if not isinstance(value, str) or not plain_relative(value):
        raise Unusable(f"{what} names {value!r}, which is not a path inside the output folder")
    return value


def diagnostic_from_json(value: object, what: str) -> Diagnostic:
    """A diagnostic, checked field by field."""
    d = _fields(value, ("path", "line", "col", "level", "message", "rule", "hint"), what)
    if d["level"] not in ("error", "warning"):
        raise Unusable(f"{what} has an unknown level")
    hint = None if d["hint"] is None else _str(d["hint"], what)
    return Diagnostic(SourcePos(_str(d["path"], what), _int(d["line"], what), _int(d["col"], what)), d["level"],
                      _str(d["message"], what), _str(d["rule"], what), hint)


def _record_from_json(value: object, rel_path: str, what: str) -> Record:
    r = _fields(value, ("slug", "id", "title", "submitted", "language", "fields", "body_line", "digest"), what)
    slug = _str(r["slug"], what)
    if rel_path.rsplit("/", 1)[-1] != f"{slug}.md":
        raise Unusable(f"{what} is for another file")
    submitted_text = _str(r["submitted"], what)
    try:
        if not _DATE.fullmatch(submitted_text):
            raise ValueError(submitted_text)
        submitted = dt.date.fromisoformat(submitted_text)
    except ValueError:
        raise Unusable(f"{what} has no valid submission date") from None
    fields = r["fields"]
    if not isinstance(fields, dict) or not isinstance(fields.get("gate"), dict) \
            or not isinstance(fields.get("corrections"), dict):
        raise Unusable(f"{what} has no record fields")
    record = Record(slug=slug, rel_path=rel_path, id=_str(r["id"], what), title=_str(r["title"], what),
                    submitted=submitted, language=_str(r["language"], what), fields=fields, body_md="",
                    body_line=_int(r["body_line"], what, 1), digest=_sha256(r["digest"], what))
    # The typed attributes are copies of front-matter values: a mismatch means the row was made up.
    if (fields.get("id"), fields.get("title"), fields.get("submitted"), fields.get("language", "en")) != \
            (record.id, record.title, submitted_text, record.language):
        raise Unusable(f"{what} does not agree with its own fields")
    return record


def _artifact_from_json(value: object, record: Record, what: str) -> ArtifactRead | None:
    named = record.fields["gate"].get("artifact")
    path = named.get("path") if isinstance(named, dict) else None
    if value is None:
        if path is not None:
            raise Unusable(f"{what} leaves out the artifact its record names")
        return None
    a = _fields(value, ("path", "sha256", "stamp"), what)
    if a["path"] != path:
        raise Unusable(f"{what} names another artifact than its record")
    return ArtifactRead(_str(a["path"], what), _sha256(a["sha256"], what), _stamp(a["stamp"], what))


def entry_from_json(value: object, rel_path: str) -> CacheEntry:
    """A record's row, checked field by field; Unusable when anything is unexpected.

    The outcome comes without its search entry, cards and words: they are stored as plain text beside
    the JSON, the bulk of a row, and read (checked against the digests here) only when needed.
    """
    what = f"the entry for {rel_path}"
    e = _fields(value, ("stamp", "record", "diagnostics", "id_pos", "outputs", "artifact", "texts"), what)
    record = _record_from_json(e["record"], rel_path, what)
    diagnostics = tuple(diagnostic_from_json(d, what) for d in _list(e["diagnostics"], what))
    if any(d.level == "error" for d in diagnostics):
        raise Unusable(f"{what} holds an error; records with errors are never kept")
    id_pos = None
    if e["id_pos"] is not None:
        pair = _list(e["id_pos"], what)
        if len(pair) != 2:
            raise Unusable(f"{what} has a malformed id position")
        id_pos = (_int(pair[0], what, 1), _int(pair[1], what, 1))
    outputs: list[str] = []  # plain_relative already: split by "/" rather than by PurePosixPath, for speed
    digests: list[str] = []
    stamps: list[Stamp] = []
    for item in _list(e["outputs"], what):
        if not isinstance(item, list) or len(item) != 3:
            raise Unusable(f"{what} has a malformed output")
        path = _output_path(item[0], what)
        # Every file a record writes is named after it (records/<slug>.html, badges/<slug>.svg, ...):
        # a row claiming another file is refused before it can collide with one.
        if path.rsplit("/", 1)[-1].split(".", 1)[0] != record.slug or path in outputs:
            raise Unusable(f"{what} claims the output {path!r}, which is not its own")
        outputs.append(path)
        digests.append(_sha256(item[1], what))
        stamps.append(_stamp(item[2], what))
    if not outputs:
        raise Unusable(f"{what} has no outputs")
    texts = _list(e["texts"], what)
    if len(texts) != len(TEXT_COLUMNS):
        raise Unusable(f"{what} has malformed text digests")
    outcome = RecordOutcome(rel_path, _stamp(e["stamp"], what), diagnostics, record, id_pos, tuple(outputs),
                            artifact=_artifact_from_json(e["artifact"], record, what), output_digests=tuple(digests))
    return CacheEntry(outcome, tuple(stamps), tuple(_sha256(t, what) for t in texts))  # type: ignore[arg-type]


def search_from_json(value: object) -> SearchFiles:
    """The search bundle's row, checked; its files must lie in the bundle's own folders."""
    what = "the search index entry"
    s = _fields(value, ("key", "files"), what)
    key = _str(s["key"], what)
    if key and not _SHA256.fullmatch(key):
        raise Unusable(f"{what} has a malformed key")
    files: list[tuple[str, str, Stamp]] = []
    for item in _list(s["files"], what):
        if not isinstance(item, list) or len(item) != 3:
            raise Unusable(f"{what} has a malformed file")
        path = _output_path(item[0], what)
        if "/" not in path or path.split("/", 1)[0] not in BUNDLE_FOLDERS:
            raise Unusable(f"{what} names {path!r}, outside the search index's folders")
        files.append((path, _sha256(item[1], what), _stamp(item[2], what)))
    if [f[0] for f in files] != sorted({f[0] for f in files}):
        raise Unusable(f"{what} lists its files out of order or twice")
    return SearchFiles(key, tuple(files))


def sitewide_from_json(value: object) -> dict[str, SitewideFile]:
    """The site-wide files' row, checked, by key: every path inside the output, no key or path twice."""
    what = "the site-wide files entry"
    files: dict[str, SitewideFile] = {}
    paths: set[str] = set()
    for item in _list(value, what):
        if not isinstance(item, list) or len(item) != 4:
            raise Unusable(f"{what} has a malformed file")
        found = SitewideFile(_sha256(item[0], what), _output_path(item[1], what), _sha256(item[2], what),
                             _stamp(item[3], what))
        if found.key in files or found.path in paths:
            raise Unusable(f"{what} names a file twice")
        files[found.key] = found
        paths.add(found.path)
    return files


def state_from_json(value: object) -> BuildState:
    """The build state's row, checked."""
    what = "the build state"
    s = _fields(value, ("inputs", "output", "diagnostics", "result"), what)
    result = _list(s["result"], what)
    if len(result) != 4 or not isinstance(result[3], bool):
        raise Unusable(f"{what} has a malformed result")
    inputs = "" if s["inputs"] == "" else _sha256(s["inputs"], what)  # "": inputs too recent to be noted
    return BuildState(inputs, _sha256(s["output"], what),
                      tuple(diagnostic_from_json(d, what) for d in _list(s["diagnostics"], what)),
                      (_int(result[0], what), _int(result[1], what), _int(result[2], what), result[3]))


def env_from_json(value: object) -> str:
    """The environment key the records were rendered under."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        raise Unusable("the environment key is malformed")
    return value



_CHUNK_KEY = re.compile(r"[0-9a-f]+(-[0-9a-f]+)*")


def _posting(value: object, what: str) -> Posting:
    if not isinstance(value, list) or len(value) != 3 or not isinstance(value[2], str):
        raise Unusable(f"{what} has a malformed record list")
    count, last = _int(value[0], what, 1), _int(value[1], what)
    return Posting(count, last, value[2])


def _str_list(value: object, what: str) -> tuple[str, ...]:
    items = _list(value, what)
    if not all(isinstance(item, str) for item in items):
        raise Unusable(f"{what} holds something other than text")
    return tuple(items)


def offline_from_json(value: object) -> OfflineState | None:
    """The offline index's state, checked: one title and score per record, one key per result file."""
    if value is None:
        return None
    what = "the offline index's state"
    s = _fields(value, ("urls", "titles", "scores", "filters", "results", "groups"), what)
    urls, titles, results = _str_list(s["urls"], what), _str_list(s["titles"], what), _str_list(s["results"], what)
    scores = _list(s["scores"], what)
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in scores):
        raise Unusable(f"{what} has a malformed score")
    if not len(urls) == len(titles) == len(scores) or len(set(urls)) != len(urls) \
            or len(results) != -(-len(urls) // RECORDS_PER_CHUNK):
        raise Unusable(f"{what} does not count its records alike")
    for key in results:
        _sha256(key, what)
    filters_value = s["filters"]
    if not isinstance(filters_value, dict) or not all(isinstance(values, dict) for values in filters_value.values()):
        raise Unusable(f"{what} has malformed filters")
    filters = {_str(key, what): {_str(v, what): _posting(p, what) for v, p in values.items()}
               for key, values in filters_value.items()}
    groups_value = s["groups"]
    if not isinstance(groups_value, dict):
        raise Unusable(f"{what} has malformed word groups")
    groups: dict[str, tuple[tuple[str, str], ...]] = {}
    for group, chunks in groups_value.items():
        found = []
        for chunk in _list(chunks, what):
            if not isinstance(chunk, list) or len(chunk) != 2 or not isinstance(chunk[0], str) \
                    or not _CHUNK_KEY.fullmatch(chunk[0]):
                raise Unusable(f"{what} names a malformed word file")
            found.append((chunk[0], _sha256(chunk[1], what)))
        groups[_str(group, what)] = tuple(found)
    return OfflineState(urls, titles, tuple(float(x) for x in scores), filters, results, groups)


def group_from_json(value: object, group: str) -> dict[str, Posting]:
    """One word group's record lists, checked: every word in the group."""
    what = f"the offline index's words {group!r}"
    if not isinstance(value, dict) or not all(isinstance(word, str) and word_group(word) == group for word in value):
        raise Unusable(f"{what} are malformed")
    return {word: _posting(posting, what) for word, posting in value.items()}

"""Make Pagefind's bundle byte-identical from one build to the next.

Pagefind 1.x writes its filter index and the filter and sort lists of its
metadata in hash-map order, which changes from run to run
(https://github.com/Pagefind/pagefind/issues/638), so two builds of the same
site differ in a few files and in the names that point at them. This stage
puts those lists in sorted order, renames the files after their new content
and rewrites the references, leaving every other byte of the bundle alone.

The files are gzip-compressed CBOR behind the signature b"pagefind_dcd".
Only the CBOR subset Pagefind writes is handled; a file that does not survive
a decode/encode round trip unchanged is left as it is, so an unexpected format
costs determinism, never a broken index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import struct
from pathlib import Path
from typing import Any

SIGNATURE = b"pagefind_dcd"


class _Undecodable(Exception):
    pass


def _decode(data: bytes, at: int) -> tuple[Any, int]:
    head = data[at]
    major, info = head >> 5, head & 0x1F
    at += 1
    if major == 7:
        if info == 20:
            return False, at
        if info == 21:
            return True, at
        if info == 22:
            return None, at
        if info == 26:
            return ("f32", struct.unpack(">f", data[at:at + 4])[0]), at + 4
        if info == 27:
            return ("f64", struct.unpack(">d", data[at:at + 8])[0]), at + 8
        raise _Undecodable(f"simple value {info}")
    if info < 24:
        value = info
    elif info == 24:
        value, at = data[at], at + 1
    elif info == 25:
        value, at = int.from_bytes(data[at:at + 2], "big"), at + 2
    elif info == 26:
        value, at = int.from_bytes(data[at:at + 4], "big"), at + 4
    elif info == 27:
        value, at = int.from_bytes(data[at:at + 8], "big"), at + 8
    else:
        raise _Undecodable("indefinite length")
    if major == 0:
        return value, at
    if major == 1:
        return -1 - value, at
    if major == 2:
        return bytes(data[at:at + value]), at + value
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(value):
            key, at = _decode(data, at)
            item, at = _decode(data, at)
            pairs.append((key, item))
        return ("map", pairs), at
    raise _Undecodable(f"major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise _Undecodable("integer too large")


def _encode(value: Any) -> bytes:
    if value is False:
        return b"\xf4"
    if value is True:
        return b"\xf5"
    if value is None:
        return b"\xf6"
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(v) for v in value)
    if isinstance(value, tuple) and value[0] == "map":
        return _head(5, len(value[1])) + b"".join(_encode(k) + _encode(v) for k, v in value[1])
    if isinstance(value, tuple) and value[0] == "f32":
        return b"\xfa" + struct.pack(">f", value[1])
    if isinstance(value, tuple) and value[0] == "f64":
        return b"\xfb" + struct.pack(">d", value[1])
    raise _Undecodable(type(value).__name__)


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise _Undecodable("no signature")
    value, end = _decode(raw, len(SIGNATURE))
    if end != len(raw) or _encode(value) != raw[len(SIGNATURE):]:
        raise _Undecodable("does not round-trip")
    return value


def _payload(value: Any) -> bytes:
    return SIGNATURE + _encode(value)


def _write(path: Path, payload: bytes) -> None:
    # mtime=0 and no file name in the header: the same payload always gives the same bytes.
    path.write_bytes(gzip.compress(payload, compresslevel=6, mtime=0))


def _sort_key(item: Any) -> bytes:
    return _encode(item)


def canonicalize_bundle(bundle: Path) -> bool:
    """Sort the hash-map-ordered parts of a Pagefind bundle in place; False when the format was not understood."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        languages = entry["languages"]
        renamed: dict[str, str] = {}
        for filter_file in sorted((bundle / "filter").glob("*.pf_filter")):
            value = _read(filter_file)
            # [filter name, [[value, [page numbers]], ...]]: the values come in hash-map order.
            if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
                raise _Undecodable("unexpected filter layout")
            value = [value[0], sorted(value[1], key=_sort_key)]
            payload = _payload(value)
            old = filter_file.name[: -len(".pf_filter")]
            language = old.rsplit("_", 1)[0]
            new = f"{language}_{hashlib.sha256(payload).hexdigest()[:7]}"
            filter_file.unlink()
            _write(filter_file.with_name(f"{new}.pf_filter"), payload)
            renamed[old] = new
        for language, info in sorted(languages.items()):
            meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
            meta = _read(meta_path)
            meta = _canonical_meta(meta, renamed)
            payload = _payload(meta)
            new_hash = f"{language}_{hashlib.sha256(payload).hexdigest()[:10]}"
            meta_path.unlink()
            _write(bundle / f"pagefind.{new_hash}.pf_meta", payload)
            info["hash"] = new_hash
        entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        return True
    except (_Undecodable, OSError, KeyError, ValueError, IndexError, EOFError, gzip.BadGzipFile):
        return False


def chunk_starts(bundle: Path) -> list[str]:
    """The first word of each of the bundle's word chunks, in order; [] when the format is not understood.

    Pagefind's metadata lists its word chunks as [first word, last word, file]; a
    query loads only the one chunk whose range holds each query word, so a word's
    extensions in the next chunk ("transfers" after "transfer") would be missed.
    site.js asks Pagefind to load those chunks as well (see CHUNKS_FILE).
    """
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        starts: list[str] = []
        for _, info in sorted(entry["languages"].items()):
            meta = _read(bundle / f"pagefind.{info['hash']}.pf_meta")
            chunks = meta[2]
            if not all(isinstance(c, list) and len(c) == 3 and isinstance(c[0], str) for c in chunks):
                raise _Undecodable("unexpected chunk layout")
            starts += [c[0] for c in chunks]
        return starts
    except (_Undecodable, OSError, KeyError, ValueError, IndexError, TypeError, EOFError, gzip.BadGzipFile):
        return []


def _canonical_meta(meta: Any, renamed: dict[str, str]) -> Any:
    """Point the metadata at the renamed filter files and sort its filter and sort lists by name."""
    if not isinstance(meta, list):
        raise _Undecodable("unexpected meta layout")
    out = list(meta)
    for index, part in enumerate(out):
        # The filter list: [[name, file hash], ...]; the sort list: [[name, [page order]], ...].
        if isinstance(part, list) and part and all(isinstance(p, list) and len(p) == 2 and isinstance(p[0], str) for p in part):
            if all(isinstance(p[1], str) for p in part) and any(p[1] in renamed for p in part):
                out[index] = sorted(([name, renamed.get(h, h)] for name, h in part), key=lambda p: p[0])
            elif all(isinstance(p[1], list) for p in part):
                out[index] = sorted(part, key=lambda p: p[0])
    return out

"""The build cache: what each record produced last time, so an unchanged record is not read, checked or rendered again.

It lives beside the output folder (`.<output>.cache`), never in the content,
and is safe to delete. It is only ever a shortcut: a record is taken from it
when all of these hold, and rendered afresh otherwise:

- the environment key matches: the generator's own code, the contracts,
  site.yaml and command-line settings, the layouts and the site-wide facts
  every page shows (navigation, build date);
- the record file has the same size, modification time and inode, and a
  local artifact it names has the same size and modification time;
- every file the record wrote last time is still in the previous output with
  the size, modification time and inode the cache noted, so a hand-edited or
  replaced output is never linked into the new one.

A cache that cannot be read, or was written by another format, is ignored
and replaced at the end of the build: a corrupt cache costs time, never
correctness.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from ..config import SiteConfig
from ..model import RecordOutcome
from ..search.index import BUNDLE_FOLDERS

FORMAT = b"sitegen-cache-4\n"


def cache_path(config: SiteConfig) -> Path:
    """Beside the output folder, so that it travels with it and never with the content."""
    return config.output_dir.parent / f".{config.output_dir.name}.cache"


def _hash_tree(digest: "hashlib._Hash", folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())


def environment_key(config: SiteConfig, site: object, search: bool) -> str:
    """A hash of everything besides the record itself that a record's outputs depend on."""
    digest = hashlib.sha256(FORMAT)
    package = Path(str(resources.files("sitegen")))
    _hash_tree(digest, package)  # the generator's code, contracts and defaults: its real version
    _hash_tree(digest, config.layouts_dir)
    digest.update(repr((config.source_text, config.base_url, config.content_dir, search, site)).encode())
    return digest.hexdigest()


def output_stamp(path: Path) -> tuple[int, int, int] | None:
    """(size, mtime_ns, inode) of an output file, or None when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass
class CacheEntry:
    outcome: RecordOutcome
    outputs: dict[str, tuple[int, int, int]]  # output path -> its stamp in the published output


@dataclass
class BuildCache:
    """The cache of one output folder."""

    env: str
    entries: dict[str, CacheEntry] = field(default_factory=dict)
    search_key: str = ""  # what the published search bundles were built from
    search_files: dict[str, tuple[int, int, int] | None] = field(default_factory=dict)  # bundle file -> stamp

    @classmethod
    def load(cls, config: SiteConfig, env: str) -> "BuildCache":
        """The cache for this environment; an empty one when there is none, it is corrupt, or the environment changed."""
        try:
            data = cache_path(config).read_bytes()
            if not data.startswith(FORMAT):
                return cls(env)
            body = data[len(FORMAT) + 32:]
            if hashlib.sha256(body).digest() != data[len(FORMAT):len(FORMAT) + 32]:
                return cls(env)  # truncated or damaged: start afresh
            cache = pickle.loads(body)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError, ValueError):
            return cls(env)
        if not isinstance(cache, cls):
            return cls(env)
        if cache.env != env:
            # Records must render again, but the search bundle depends only on the search entries.
            return cls(env, search_key=cache.search_key, search_files=cache.search_files)
        return cache

    def reusable(self, rel_path: str, fingerprint: tuple[int, int, int], config: SiteConfig) -> RecordOutcome | None:
        """Last build's outcome for this file, if the file, its artifact and everything it wrote are unchanged."""
        entry = self.entries.get(rel_path)
        if entry is None or entry.outcome.fingerprint != fingerprint:
            return None
        outcome = entry.outcome
        if outcome.artifact_fingerprint:
            # Validation checked the artifact against its sha256; a changed artifact is checked again.
            path, size, mtime = outcome.artifact_fingerprint
            stamp = output_stamp(config.content_dir.joinpath(*path.split("/")))
            if stamp is None or stamp[:2] != (size, mtime):
                return None
        for rel, stamp in entry.outputs.items():
            if output_stamp(config.output_dir / rel) != stamp:
                return None
        return outcome

    def reusable_search(self, key: str, config: SiteConfig) -> list[str] | None:
        """The published search bundle's files, if they were built from the same entries and are untouched."""
        if key != self.search_key or not self.search_files:
            return None
        if any(output_stamp(config.output_dir / rel) != stamp for rel, stamp in self.search_files.items()):
            return None
        return sorted(self.search_files)

    def remember_search(self, key: str, stage: Path) -> None:
        """Note the bundle files now in the staging folder; their stamps are taken once they are published."""
        self.search_key = key
        self.search_files = {p.relative_to(stage).as_posix(): None for folder in BUNDLE_FOLDERS
                             if (stage / folder).is_dir() for p in sorted((stage / folder).rglob("*")) if p.is_file()}

    def save(self, config: SiteConfig, outcomes: Iterable[RecordOutcome]) -> None:
        """Remember what every good record wrote, with the stamps of the published files."""
        output = config.output_dir
        self.search_files = {rel: output_stamp(output / rel) for rel in self.search_files}
        self.entries = {}
        for outcome in outcomes:
            if outcome.record is None or outcome.diagnostics and any(d.level == "error" for d in outcome.diagnostics):
                continue
            stamps = {rel: output_stamp(output / rel) for rel in outcome.outputs}
            if all(stamps.values()):
                self.entries[outcome.rel_path] = CacheEntry(outcome, stamps)  # type: ignore[arg-type]
        body = pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)
        target = cache_path(config)
        temp = target.with_name(target.name + ".tmp")
        temp.write_bytes(FORMAT + hashlib.sha256(body).digest() + body)
        os.replace(temp, target)  # a reader never sees half a cache


# -- the whole site at once: a build with nothing to do ----------------------------------------

def _stamps(folder: Path) -> dict[str, tuple[int, int, int]]:
    """(size, mtime_ns, inode) of every file under folder, by relative path."""
    out: dict[str, tuple[int, int, int]] = {}
    if not folder.is_dir():
        return out
    base = len(str(folder)) + 1
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            out[path[base:]] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return out


def inputs_fingerprint(config: SiteConfig, env: str) -> str:
    """Everything a build reads: the environment key and the stamps of every content and asset file."""
    digest = hashlib.sha256(env.encode())
    for folder in (config.content_dir, config.assets_dir):
        digest.update(repr(sorted(_stamps(folder).items())).encode())
    return digest.hexdigest()


def state_path(config: SiteConfig) -> Path:
    return config.output_dir.parent / f".{config.output_dir.name}.state"


def up_to_date(config: SiteConfig, fingerprint: str) -> tuple | None:
    """The previous build's diagnostics when its inputs and its published output are exactly as they were."""
    try:
        data = pickle.loads(state_path(config).read_bytes())
        if data["format"] != FORMAT or data["inputs"] != fingerprint:
            return None
        if _stamps(config.output_dir) != data["output"]:
            return None  # the output was changed or replaced since
        return data["diagnostics"], data["result"]
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError, AttributeError, ImportError, ValueError):
        return None


def remember_state(config: SiteConfig, fingerprint: str, diagnostics: tuple, result: object) -> None:
    """Note what this build read and what it published, for the next build's up_to_date."""
    data = {"format": FORMAT, "inputs": fingerprint, "output": _stamps(config.output_dir),
            "diagnostics": diagnostics, "result": result}
    target = state_path(config)
    temp = target.with_name(target.name + ".tmp")
    temp.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(temp, target)

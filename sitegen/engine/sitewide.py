"""Site-wide files at the cost of what changed: one made from the same inputs as last time is linked, not made.

The index and archive pages, browse pages, the statistics page and its
charts, feeds, dumps and offline search files are made from all records
together, but each shows only some of them, or only their counts (listings
and feed archives are cut from the oldest record, dumps by id prefix). Each
comes as a PagePlan with a key of exactly its inputs; joined
with the environment key (the generator, layouts, configuration, site-wide
facts) and its path, that key names its bytes. When the build cache noted the
same key for the same path last time, and the previous output still holds
that file with the noted sha256 (a regular file, through real folders), it is
hard-linked into the staging folder like an unchanged record's files, and
neither rendered nor written. Anything else, or no cache, and it is made.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from ..model import NO_STAMP, Page, PagePlan, StaticFile, plan_key
from .cache import BuildCache
from .digest import file_sha256
from .stored import SitewideFile
from .write import write_pages


@dataclass(slots=True)
class Sitewide:
    """The site-wide files of one build: made ones written, unchanged ones to link, and what each holds."""

    cache: BuildCache | None  # None: make every file (the live preview, or no cache)
    env: str  # the environment key, joined to every plan's key
    stage: Path  # where a made file is written at once, so that no registry's worth of them is held
    replace: bool = False  # whether stage may hold leftovers of the output before last (write.Stage.replace)
    linked: list[str] = field(default_factory=list)  # output paths to link from the previous output
    written: list[str] = field(default_factory=list)  # output paths already written into stage
    files: list[SitewideFile] = field(default_factory=list)  # every file, for the cache
    copied: list[tuple[str, str]] = field(default_factory=list)  # (key, path) of files copied: hashed once written
    pages_made: int = 0  # plans rendered (and written into stage) by resolve
    pages_linked: int = 0  # plans linked by resolve

    def resolve(self, plans: Iterable[PagePlan]) -> list[tuple[Page, int, str]]:
        """Make and write, or link, each plan's file; returns for each an empty page claiming its path, its size
        and its sha256, in order."""
        out = []
        for plan in plans:
            path = plan.out_path.as_posix()
            key = plan_key(self.env, path, plan.key)
            previous = self.cache.reusable_sitewide(key, path) if self.cache is not None else None
            if previous is not None:
                self.linked.append(path)
                self.files.append(previous)
                # Empty: it only claims its path (check_collisions); the stamp is the file's as it is now.
                out.append((Page(plan.out_path, b"", plan.source), previous.stamp[0], previous.sha256))
                self.pages_linked += 1
                continue
            self.pages_made += 1
            page = plan.page()
            sha256 = hashlib.sha256(page.content).hexdigest()
            self.files.append(SitewideFile(key, path, sha256, NO_STAMP))
            write_pages(self.stage, [page], self.replace)
            self.written.append(path)
            # Empty, as for a linked file: it only claims its path.
            out.append((Page(plan.out_path, b"", plan.source), len(page.content), sha256))
        return out

    def pages(self, plans: Iterable[PagePlan]) -> list[Page]:
        """resolve's pages only: an empty one claiming each path, made (and written) or linked."""
        return [page for page, _size, _sha256 in self.resolve(plans)]

    def copies(self, files: Iterable[StaticFile], digests: Mapping[Path, str]) -> list[StaticFile]:
        """The files still to copy: one whose source has the sha256 noted for it last time (digests, by source
        path, as validation read it) and whose copy is in the previous output is linked instead."""
        out = []
        for file in files:
            path, digest = file.out_path.as_posix(), digests.get(file.source)
            key = plan_key(self.env, path, "copy", digest) if digest else ""
            previous = self.cache.reusable_sitewide(key, path) if self.cache is not None and key else None
            if previous is not None:
                self.linked.append(path)
                self.files.append(previous)
                continue
            out.append(file)
            if key:
                self.copied.append((key, path))
        return out

    def note_copies(self, stage: Path) -> None:
        """Note the files copied into stage, by the sha256 of the bytes they hold now."""
        for key, path in self.copied:
            self.files.append(SitewideFile(key, path, file_sha256(stage.joinpath(*path.split("/"))), NO_STAMP))

    def to_write(self, pages: Iterable[Page]) -> list[Page]:
        """pages without the linked and written ones' empty stand-ins."""
        linked = set(self.linked) | set(self.written)
        return [page for page in pages if page.out_path.as_posix() not in linked]

    @property
    def made_or_linked(self) -> int:
        """How many site-wide files resolve was given (copied files not counted)."""
        return self.pages_made + self.pages_linked

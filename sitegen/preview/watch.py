"""Watch the site's sources and call back once per burst of changes.

Editors save in bursts (write a temp file, rename, touch), so changes are
collected until the files have been quiet for a moment (the debounce), then
handed over as one batch, classified like Zola's ChangeKind.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Callable, Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..config import CONFIG_NAME, SiteConfig

DEBOUNCE_SECONDS = 0.15
_EDITOR_LITTER = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")


class ChangeKind(Enum):
    """What a changed path means for the rebuild."""

    RECORD = "record"  # one record: re-validate and re-render it and what lists it
    PAGE = "page"  # a content page
    CONTENT = "content"  # another file under content/ (an artifact)
    LAYOUT = "layout"  # templates: everything renders again
    ASSET = "asset"  # CSS/JS: copy the file
    CONFIG = "config"  # site.yaml: everything again


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    path: Path


def classify(path: Path, config: SiteConfig) -> ChangeKind | None:
    """What a changed path is, or None when it does not affect the site."""
    name = path.name
    if name.startswith(".") or name.endswith(_EDITOR_LITTER) or name == "4913":  # vim's write probe
        return None
    if path == config.root / CONFIG_NAME:
        return ChangeKind.CONFIG
    if path.is_relative_to(config.output_dir) or path.parent == config.output_dir.parent and name.startswith(".public"):
        return None
    if path.is_relative_to(config.records_dir):
        return ChangeKind.RECORD if name.endswith(".md") else None
    if path.is_relative_to(config.pages_dir):
        return ChangeKind.PAGE if name.endswith(".md") else None
    if path.is_relative_to(config.content_dir):
        return ChangeKind.CONTENT
    if any(path.is_relative_to(folder) for folder in config.layout_folders):
        return ChangeKind.LAYOUT
    if any(path.is_relative_to(folder) for folder in config.asset_folders):
        return ChangeKind.ASSET
    return None


class _Collector(FileSystemEventHandler):
    def __init__(self, config: SiteConfig, on_batch: Callable[[list[Change]], None], debounce: float):
        self.config = config
        self.on_batch = on_batch
        self.debounce = debounce
        self.pending: dict[Path, ChangeKind] = {}
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
        with self.lock:
            for raw in paths:
                path = Path(raw if isinstance(raw, str) else raw.decode()).absolute()
                kind = classify(path, self.config)
                if kind is not None:
                    self.pending[path] = kind
            if not self.pending:
                return
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(self.debounce, self._flush)
            self.timer.daemon = True
            self.timer.start()

    def _flush(self) -> None:
        with self.lock:
            batch = [Change(kind, path) for path, kind in sorted(self.pending.items())]
            self.pending.clear()
            self.timer = None
        if batch:
            self.on_batch(batch)


def watch(config: SiteConfig, on_batch: Callable[[list[Change]], None], debounce: float = DEBOUNCE_SECONDS) -> Observer:
    """Start watching content, layouts, assets and site.yaml; returns the running observer."""
    collector = _Collector(config, on_batch, debounce)
    observer = Observer()
    for folder in _folders(config):
        observer.schedule(collector, str(folder), recursive=True)
    # site.yaml sits in the root, beside the output folder: watch the root without recursion.
    observer.schedule(collector, str(config.root), recursive=False)
    observer.daemon = True
    observer.start()
    return observer


def _folders(config: SiteConfig) -> Iterable[Path]:
    # The default look's folders too: in a checkout, they are the files a developer of sitegen edits.
    for folder in dict.fromkeys((config.content_dir, *config.layout_folders, *config.asset_folders)):
        if folder.is_dir():
            yield folder

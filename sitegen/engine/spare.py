"""The output before last, kept beside the output to assemble the next build in.

An all-or-nothing publish needs a whole new folder every build. Made from
nothing, that costs a folder for every folder and a link for every unchanged
file of the registry, and the replaced output must then be deleted file by
file: at 10,000 records most of a one-record rebuild. So the replaced output
is kept as `.<output>.spare` (when it shares most of its files with the new
one, so it costs only the bytes of the files that changed), and the next
build starts from it instead of from an empty folder. Most of its files are
hard links to the published output's files already; only what differs from
the output being made is changed.

Those shared files belong to the published site too, so no file of the spare
is ever written through:
- a file is kept only where this build would link the published output's file
  at that path anyway, and it is that very file (the same inode);
- a file being written replaces the name, never the bytes (write_pages with
  replace);
- everything else is removed before anything is written, or, for the files of
  site-wide pages that may be linked, when the folder is complete, unless this
  build wrote that path since (Leftovers.claim).
The spare's symbolic links and other odd entries are removed on sight, so no
write can follow one out of the folder.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Iterable

from ..search.index import BUNDLE_FOLDERS

SPARE_SUFFIX = "spare"


def spare_path(output_dir: Path) -> Path:
    """Where the output before last is kept: beside the output, hidden."""
    return output_dir.parent / f".{output_dir.name}.{SPARE_SUFFIX}"


class Leftovers:
    """The files of the output before last in a staging folder made from it, not yet claimed by this build."""

    def __init__(self, root: Path):
        self.root = str(root)
        self.device = os.lstat(self.root).st_dev
        self.pending: dict[str, int] = {}  # path in the folder -> inode of the file there
        self._emptied: set[str] = set()  # folders that lost a file: removed at the end if empty
        self._walk()

    def _walk(self) -> None:
        # Strings and scandir, not pathlib: a registry's output has hundreds of thousands of files,
        # and scandir gives each one's inode without a stat.
        folders = [""]
        while folders:
            folder = folders.pop()
            with os.scandir(f"{self.root}/{folder}" if folder else self.root) as entries:
                for entry in entries:
                    rel = f"{folder}/{entry.name}" if folder else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(rel)
                    elif entry.is_file(follow_symlinks=False):
                        self.pending[rel] = entry.inode()
                    else:  # a symbolic link, a socket: nothing a build makes
                        self._remove(rel)

    def keep_only(self, wanted: Iterable[str]) -> None:
        """Remove every file this build will not link from the published output (wanted: the paths it may)."""
        wanted = {rel for rel in wanted if not rel.startswith(_BUNDLES)}  # Pagefind writes its folders in place
        for rel in [rel for rel in self.pending if rel not in wanted]:
            del self.pending[rel]
            self._remove(rel)
        self._prune()

    def in_place(self, rel: str, published: str) -> bool:
        """Whether rel already holds the published file `published` (the same file, not a copy); if it holds
        another, that one is removed, and the caller links the published one."""
        inode = self.pending.pop(rel, None)
        if inode is None:
            return False
        st = os.lstat(published)
        if st.st_ino == inode and st.st_dev == self.device:
            return True
        self._remove(rel)
        return False

    def claim(self, paths: Iterable[str]) -> None:
        """These paths now hold files this build wrote (each replacing the leftover's name): keep them."""
        for rel in paths:
            self.pending.pop(rel, None)

    def finish(self) -> None:
        """Remove what nothing claimed, and the folders left empty: the folder then holds this build's files only."""
        # By the claims, not by comparing inodes: a file written just after its leftover was unlinked often
        # gets the freed inode's number.
        for rel in self.pending:
            self._remove(rel)
        self.pending.clear()
        self._prune()

    def _remove(self, rel: str) -> None:
        path = f"{self.root}/{rel}"
        try:
            os.unlink(path)
        except IsADirectoryError:  # pragma: no cover - changed under us since the walk
            shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            pass
        self._emptied.add(rel.rpartition("/")[0])

    def _prune(self) -> None:
        # Deepest first, so a folder emptied by removing its emptied subfolders goes too.
        for folder in sorted(self._emptied, key=lambda f: f.count("/"), reverse=True):
            while folder:
                try:
                    os.rmdir(f"{self.root}/{folder}")
                except OSError as error:
                    if error.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                        raise
                    break
                folder = folder.rpartition("/")[0]
        self._emptied.clear()


_BUNDLES = tuple(f"{folder}/" for folder in BUNDLE_FOLDERS)

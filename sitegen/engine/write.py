"""Pages and files -> the output folder, all or nothing.

The new site is assembled in a temporary folder beside the output (same file
system, so renames are atomic), indexed there, and only then swapped in. A
build that fails or is killed at any point before the swap leaves the previous
output exactly as it was; the swap itself is one atomic exchange of the two
folders where the system offers it (Linux renameat2), and two renames
elsewhere. Leftovers of a killed build are removed by the next one.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Sequence

from ..config import SiteConfig
from ..errors import BuildError
from ..model import Page, StaticFile

# Written into every output folder, so that a later build knows the folder is
# its own to replace and never deletes a folder someone pointed --output at by mistake.
MARKER = PurePosixPath(".sitegen-output")
_LOCK_ATTEMPTS = 50  # tries 0.1 s apart
_MARKER_TEXT = b"This folder is written by 'sitegen build', which replaces all of it on every build.\n"


def check_output_dir(config: SiteConfig) -> None:
    """Refuse an output folder that holds, or sits inside, the site's own sources, or is not ours to replace."""
    output = config.output_dir.resolve()
    if config.root.resolve().is_relative_to(output):
        raise BuildError(f"the output folder {output} holds the site folder itself; choose another --output")
    for name, folder in (("content", config.content_dir), ("layouts", config.layouts_dir), ("assets", config.assets_dir)):
        folder = folder.resolve()
        if folder.is_relative_to(output) or output.is_relative_to(folder):
            raise BuildError(f"the output folder {output} overlaps the {name} folder {folder}; choose another --output")
    if output.is_symlink():
        raise BuildError(f"the output folder {output} is a symbolic link; give the folder it points to")
    if output.exists() and not output.is_dir():
        raise BuildError(f"the output path {output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file():
        raise BuildError(f"the output folder {output} is not empty and was not written by sitegen build; "
                         "refusing to replace it. Empty or remove it, or choose another --output")


def collect_assets(config: SiteConfig) -> list[StaticFile]:
    """Every asset (hidden files excluded), to be copied to assets/ in the output: the default look's, each
    replaced by the site's file at the same path under assets/, and the site's others besides."""
    chosen: dict[str, StaticFile] = {}
    # The default look first, so the site's file of the same path replaces it.
    for folder in reversed(config.asset_folders):
        for rel, path in _asset_files(folder, trusted=folder != config.assets_dir):
            chosen[rel] = StaticFile(PurePosixPath("assets", rel), path)
    return [chosen[rel] for rel in sorted(chosen)]


def _asset_files(folder: Path, *, trusted: bool) -> Iterator[tuple[str, Path]]:
    """(path under the folder, file) for every file in it, hidden ones excluded; a site's link that leads
    outside its assets folder is refused (the default look's folder is sitegen's own, trusted)."""
    folder = folder.resolve()
    if not folder.is_dir():
        return  # a site without assets/ uses the default look's
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath, name)
            rel = path.relative_to(folder).as_posix()
            if not trusted and not path.resolve().is_relative_to(folder):
                raise BuildError(f"assets/{rel} is a link to a file outside the assets folder")
            yield rel, path


def plain_relative(text: str) -> bool:
    """Whether text is a plain relative path, one that stays inside the folder it is joined to: written once
    (no '.', '..', empty or trailing parts), forward slashes only, no NUL."""
    # String tests rather than PurePosixPath: the build cache asks this of every output of every record.
    return (bool(text) and "\\" not in text and "\x00" not in text
            and all(part not in ("", ".", "..") for part in text.split("/")))


def _safe_relative(out_path: PurePosixPath, source: str) -> PurePosixPath:
    text = str(out_path)
    if not plain_relative(text):
        raise BuildError(f"{source} would be written to {text!r}, which is outside the output folder")
    return out_path


def check_collisions(pages: Sequence[Page], files: Sequence[StaticFile],
                     written: Iterable[tuple[str, str]] = (), claimed: dict[str, str] | None = None) -> dict[str, str]:
    """Two outputs on one path is an error, never a silent overwrite; so is a path that leaves the output.

    written: (output path, source) of files already written into the staging folder.
    claimed: what an earlier call returned, when these outputs come on top of those (a registry's
    hundreds of thousands of paths are then not checked a second time). Returns every path claimed.
    """
    if claimed is None:
        claimed = {MARKER.as_posix(): "sitegen's output marker"}
    # Plain strings, not PurePosixPath: a registry's build claims hundreds of thousands of paths.
    items = [(str(p.out_path), p.source or "a generated page") for p in pages]
    items += [(str(f.out_path), str(f.source)) for f in files]
    items += list(written)
    for path, source in items:
        if not plain_relative(path):
            raise BuildError(f"{source} would be written to {path!r}, which is outside the output folder")
        key = path.casefold()  # one file on case-insensitive disks
        if key in claimed:
            raise BuildError(f"two outputs claim {path}: {claimed[key]} and {source}; rename one of them")
        claimed[key] = source
    return claimed


@contextlib.contextmanager
def staging(output_dir: Path) -> Iterator[Path]:
    """A fresh temporary folder beside the output, locked against a second build; removed unless published."""
    parent = output_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    unwritable = BuildError(f"cannot write into {parent}, where the new site is assembled beside the output; "
                            "make that folder writable, or choose another --output")
    try:
        lock = open(parent / f".{output_dir.name}.lock", "a+b")
    except PermissionError:  # read-only or immutable folder: nothing was written, the old site stands
        raise unwritable from None
    with lock:
        # A build killed a moment ago may still be releasing the lock; wait a little before giving up.
        for attempt in range(_LOCK_ATTEMPTS):
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == _LOCK_ATTEMPTS - 1:
                    raise BuildError(f"another build is writing {output_dir} right now; try again when it is done") from None
                time.sleep(0.1)
        _recover(output_dir)
        try:
            stage = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=parent))
        except PermissionError:
            raise unwritable from None
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes 0700; the published folder must be readable like any other
        try:
            yield stage
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)


def _recover(output_dir: Path) -> None:
    """Undo what a killed build left beside the output: restore a moved-away output, drop temporary folders."""
    prefix = f".{output_dir.name}."
    for leftover in sorted(output_dir.parent.iterdir()):
        name = leftover.name
        if not name.startswith(prefix) or not leftover.is_dir() or leftover.is_symlink():
            continue
        if name.startswith(prefix + "old-") and not output_dir.exists():
            os.rename(leftover, output_dir)  # killed between the two renames of the fallback swap
        elif name.startswith((prefix + "old-", prefix + "tmp-")):
            shutil.rmtree(leftover, ignore_errors=True)


def _target(root: Path, out_path: PurePosixPath, source: str) -> Path:
    # _safe_relative refuses absolute paths and '..'; the staging folder is new and only this
    # module creates folders in it, so no symbolic link can lead a path out of it.
    dest = root.joinpath(*_safe_relative(out_path, source).parts)
    if not dest.parent.is_dir():
        dest.parent.mkdir(parents=True, exist_ok=True)
    return dest


def write_pages(stage: Path, pages: Iterable[Page]) -> int:
    """Write pages into the staging folder, never over an existing file; returns how many."""
    root = stage.resolve()
    count = 0
    for page in pages:
        with open(_target(root, page.out_path, page.source), "xb") as handle:  # "x": never overwrite a page
            handle.write(page.content)
        count += 1
    return count


def write_files(stage: Path, pages: Iterable[Page], files: Iterable[StaticFile]) -> int:
    """Write pages and copy files into the staging folder, then the marker; returns how many files were written."""
    count = write_pages(stage, pages)
    root = stage.resolve()
    for file in files:
        dest = _target(root, file.out_path, str(file.source))
        if dest.exists():
            raise BuildError(f"two outputs claim {file.out_path.as_posix()}")
        shutil.copyfile(file.source, dest)  # bytes only: no timestamps or modes, so rebuilds are identical
        count += 1
    (root / MARKER).write_bytes(_MARKER_TEXT)
    return count


def link_previous(stage: Path, previous: Path, paths: Iterable[str]) -> int:
    """Hard-link unchanged files from the previous output into the staging folder; returns how many.

    The previous output is never written to (every build writes new files in a
    new folder), so sharing its files is safe, and far cheaper than writing
    them again. A file that cannot be linked is reported, and the caller renders it.
    """
    # Plain strings, not Path objects: a registry's rebuild links every unchanged file.
    root, old = str(stage.resolve()), str(previous)
    count = 0
    made: set[str] = set()
    for rel in paths:
        if not plain_relative(rel):
            raise BuildError(f"{rel} would be written to {rel!r}, which is outside the output folder")
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(f"{root}/{folder}", exist_ok=True)
            made.add(folder)
        # Never through a symbolic link: the caller (the build cache) has checked that each path is a
        # regular file of the previous output, reached through its own folders only.
        os.link(f"{old}/{rel}", f"{root}/{rel}", follow_symlinks=False)
        count += 1
    return count


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def publish(stage: Path, output_dir: Path) -> None:
    """Swap the finished staging folder in as the output; the previous output is deleted after."""
    if not output_dir.exists():
        os.rename(stage, output_dir)
        return
    if _exchange(stage, output_dir):
        shutil.rmtree(stage)  # the staging path now holds the previous output
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.old-", dir=output_dir.parent))
    os.rmdir(old)
    os.rename(output_dir, old)
    os.rename(stage, output_dir)  # a kill between these two renames is undone by _recover
    shutil.rmtree(old)

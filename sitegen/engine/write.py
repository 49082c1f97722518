"""Pages and files -> the output folder, all or nothing.

The new site is assembled in a temporary folder beside the output (same file
system, so renames are atomic), indexed there, and only then swapped in. The
folder starts as the output before last where one was kept (engine/spare.py),
else empty. A
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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterable, Iterator, Sequence

from ..config import SiteConfig
from ..errors import BuildError
from ..model import Page, StaticFile
from .spare import Leftovers, spare_path

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


@dataclass(slots=True)
class Stage:
    """The folder a build assembles its output in."""

    path: Path
    leftovers: Leftovers | None  # the files of the output before last it was made from; None: it started empty
    linked: int = 0  # files hard-linked from the published output, or found there already

    @property
    def replace(self) -> bool:
        """Whether a file written may find one of the leftovers at its path (and replaces the name)."""
        return self.leftovers is not None


@contextlib.contextmanager
def staging(output_dir: Path, *, reuse: bool = True) -> Iterator[Stage]:
    """A temporary folder beside the output, locked against a second build; removed unless published.

    reuse: start from the output before last, when one was kept and the output is there to link from
    (engine/spare.py); else, and always with a build that reuses nothing, start empty.
    """
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
            path = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=parent))
        except PermissionError:
            raise unwritable from None
        try:
            spare, leftovers = spare_path(output_dir), None
            if _ours(spare):
                if reuse and output_dir.is_dir():
                    os.rename(spare, path)  # onto the empty folder just made: a kill from here on leaves a tmp- folder
                    leftovers = Leftovers(path)
                else:
                    shutil.rmtree(spare)  # it would share no file with what this build makes
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(path, 0o777 & ~umask)  # mkdtemp makes 0700; the published folder must be readable like any other
            yield Stage(path, leftovers)
        finally:
            if path.exists():
                shutil.rmtree(path, ignore_errors=True)


def _ours(folder: Path) -> bool:
    """Whether folder is a real folder holding sitegen's output marker (a kept output, not someone's files)."""
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file() \
        and not (folder / MARKER).is_symlink()


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


def write_pages(stage: Path, pages: Iterable[Page], replace: bool = False) -> int:
    """Write pages into the staging folder, never over an existing file; returns how many.

    replace: the folder may hold leftovers of the output before last (Stage.replace); one found at a
    page's path is unlinked first, never written through: it may be a published file too.
    """
    root = stage.resolve()
    count = 0
    for page in pages:
        with _create(_target(root, page.out_path, page.source), replace) as handle:
            handle.write(page.content)
        count += 1
    return count


def _create(dest: Path, replace: bool) -> BinaryIO:
    """dest opened for writing as a new file; with replace, a file already there is unlinked first."""
    try:
        return open(dest, "xb")  # "x": never overwrite a page, nor write through a link
    except FileExistsError:
        if not replace:
            raise
    os.unlink(dest)  # two outputs on one path are refused by check_collisions, whatever is written
    return open(dest, "xb")


def write_files(stage: Path, pages: Iterable[Page], files: Iterable[StaticFile], replace: bool = False) -> int:
    """Write pages and copy files into the staging folder, then the marker; returns how many files were written.

    replace: as for write_pages."""
    count = write_pages(stage, pages, replace)
    root = stage.resolve()
    for file in files:
        dest = _target(root, file.out_path, str(file.source))
        if os.path.lexists(dest):
            if not replace:
                raise BuildError(f"two outputs claim {file.out_path.as_posix()}")
            os.unlink(dest)
        shutil.copyfile(file.source, dest)  # bytes only: no timestamps or modes, so rebuilds are identical
        count += 1
    with _create(root / MARKER, replace) as handle:
        handle.write(_MARKER_TEXT)
    return count


def link_previous(stage: Stage, previous: Path, paths: Iterable[str]) -> int:
    """Hard-link unchanged files from the previous output into the staging folder; returns how many.

    The previous output is never written to (a build writes new files, never into
    one it links), so sharing its files is safe, and far cheaper than writing
    them again. One the staging folder already holds (engine/spare.py) is left as it is.
    """
    # Plain strings, not Path objects: a registry's rebuild links every unchanged file.
    root, old, leftovers = str(stage.path.resolve()), str(previous), stage.leftovers
    count = 0
    made: set[str] = set()
    for rel in paths:
        if not plain_relative(rel):
            raise BuildError(f"{rel} would be written to {rel!r}, which is outside the output folder")
        count += 1
        if leftovers is not None and leftovers.in_place(rel, f"{old}/{rel}"):
            continue
        folder = rel.rpartition("/")[0]
        if folder not in made:
            os.makedirs(f"{root}/{folder}", exist_ok=True)
            made.add(folder)
        # Never through a symbolic link: the caller (the build cache) has checked that each path is a
        # regular file of the previous output, reached through its own folders only.
        os.link(f"{old}/{rel}", f"{root}/{rel}", follow_symlinks=False)
    stage.linked += count
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


def publish(stage: Stage, output_dir: Path, files: int) -> None:
    """Swap the finished staging folder in as the output.

    The replaced output is kept as the spare (engine/spare.py) when at least half of the new output's
    files (files in all) are linked from it, so that keeping it costs little room; else it is deleted.
    """
    if stage.leftovers is not None:
        stage.leftovers.finish()
    keep = stage.linked * 2 >= files and not os.path.lexists(spare_path(output_dir))
    if not output_dir.exists():
        os.rename(stage.path, output_dir)
        return
    if _exchange(stage.path, output_dir):
        _retire(stage.path, output_dir, keep)  # the staging path now holds the previous output
        return
    old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.old-", dir=output_dir.parent))
    os.rmdir(old)
    os.rename(output_dir, old)
    os.rename(stage.path, output_dir)  # a kill between these two renames is undone by _recover
    _retire(old, output_dir, keep)


def _retire(previous: Path, output_dir: Path, keep: bool) -> None:
    """The replaced output, moved aside: kept as the spare, or deleted."""
    if keep:
        os.rename(previous, spare_path(output_dir))
    else:
        shutil.rmtree(previous)

"""Which bytes a file holds: the sha256 the build cache trusts, and the stamp that lets an untouched file skip it.

The cache decides by content: a fresh clone (new modification times and
inodes, as in CI) with the previous cache still reuses every unchanged
record. A file whose size, modification time and inode are all as noted
is taken as unchanged without reading it, as git's index does; any
difference sends it to the hash, which decides.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from ..model import NO_STAMP, Stamp

# A stamp this close to the moment it was noted may hide a later edit in the same clock
# tick (coarse file system timestamps), so it is not noted at all: that file is hashed next
# time ("racy git"). Two seconds covers every common file system's granularity.
RACY_NS = 2_000_000_000


def stamp_of(st: os.stat_result) -> Stamp:
    """(size, mtime_ns, inode) from a stat result."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def file_stamp(path: Path | str) -> Stamp:
    """The stamp of a regular file (symbolic links followed); NO_STAMP when it is missing."""
    try:
        return stamp_of(os.stat(path))
    except OSError:
        return NO_STAMP


def file_sha256(path: Path | str) -> str:
    """The sha256 of a file's bytes, as hex."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def stamped_digest(path: Path) -> tuple[Stamp, str]:
    """The stamp, then the sha256: in that order, so an edit made while hashing can only make the stamp older than the bytes."""
    stamp = file_stamp(path)
    return stamp, file_sha256(path)


def same_bytes(path: Path | str, sha256: str, stamp: Stamp, *, regular_only: bool = False) -> tuple[bool, Stamp]:
    """Whether the file still holds the bytes with this sha256, and its stamp now.

    regular_only: refuse a symbolic link or anything but a regular file (files
    linked from the previous output must be its own, never a link out of it).
    """
    try:
        st = os.lstat(path) if regular_only else os.stat(path)
    except OSError:
        return False, NO_STAMP
    if not stat.S_ISREG(st.st_mode):
        return False, NO_STAMP
    now = stamp_of(st)
    if now == stamp:
        return True, now
    if now[0] != stamp[0] and stamp != NO_STAMP:
        return False, now  # another size: other bytes, no need to read them
    try:
        return file_sha256(path) == sha256, now
    except OSError:
        return False, now


def settled(stamp: Stamp, now_ns: int) -> Stamp:
    """The stamp to note: NO_STAMP when the file changed too recently for its stamp to be trusted later."""
    return stamp if stamp[1] < now_ns - RACY_NS else NO_STAMP

"""Atomic file replacement: a reader sees the old bytes or the new, never a mix or nothing.

``write_atomic`` writes to a temp file in the target's folder, flushes it to the disk
(``full_fsync``: ``F_FULLFSYNC`` on macOS, where plain fsync leaves the data in the drive's
cache), replaces the target with ``os.replace`` (atomic on POSIX and Windows) and, on
POSIX, fsyncs the folder so that the rename itself survives power loss. A crash leaves at
worst a temp file (``TEMP_PREFIX``), which ``remove_stale_temp_files`` clears later.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

if os.name != "nt":
    import fcntl

TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 600  # younger temp files may belong to a write in progress elsewhere
_REPLACE_ATTEMPTS = 50 if os.name == "nt" else 1
_REPLACE_RETRY_SECONDS = 0.02


@contextlib.contextmanager
def open_atomic(path: Path) -> Iterator[BinaryIO]:
    """A file to stream into (an export too big to hold as bytes): ``path`` is replaced
    by it when the block ends, like ``write_atomic``; an exception leaves ``path`` as it
    was and removes the temp file."""
    fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w+b") as handle:
            yield handle
            handle.flush()
            full_fsync(handle.fileno())
        _replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new bytes."""
    with open_atomic(path) as handle:
        handle.write(data)


def full_fsync(fd: int) -> None:
    """Flush to the disk itself: on macOS fsync stops at the drive's cache, F_FULLFSYNC
    does not (where the file system supports it; else plain fsync)."""
    if sys.platform == "darwin" and hasattr(fcntl, "F_FULLFSYNC"):
        try:
            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except OSError:
            pass
    os.fsync(fd)


def fsync_dir(folder: Path) -> None:
    """Make renames into or out of ``folder`` durable (POSIX; a no-op on Windows)."""
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    fd = os.open(folder, os.O_RDONLY)
    try:
        full_fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path, older_than: float = STALE_TEMP_SECONDS) -> None:
    """Delete temp files that crashed writes left in ``folder`` at least ``older_than``
    seconds ago; younger ones are left to the write that may still own them."""
    cutoff = time.time() - older_than
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()


def _replace(source: str, target: Path) -> None:
    # On Windows a reader holding the target open makes the rename fail for a moment.
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == _REPLACE_ATTEMPTS - 1:
                raise
            time.sleep(_REPLACE_RETRY_SECONDS)

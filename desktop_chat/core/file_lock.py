"""An exclusive advisory lock on a file, between threads and processes alike.

The store holds one per conversation (``conversations/locks/<id>.lock``) while it reads,
merges and writes that conversation. ``flock`` on POSIX, ``msvcrt.locking`` on Windows:
each ``exclusive_lock`` opens its own handle, so two threads of one process exclude each
other as two processes do, and the OS drops the lock when its process dies, so a crash
never leaves a stale lock behind. Advisory: it binds only code that takes it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

if os.name == "nt":
    import msvcrt
else:
    import fcntl

_POLL_SECONDS = 0.005


class LockTimeoutError(TimeoutError):
    """Another holder kept the lock longer than the caller would wait."""


@contextlib.contextmanager
def exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock on ``path`` (created if needed) for the ``with`` block; wait at most
    ``timeout`` seconds for another holder, then raise LockTimeoutError."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise LockTimeoutError(f"{path} stayed locked")
            time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _try_lock(fd: int) -> bool:
    try:
        if os.name == "nt":
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)

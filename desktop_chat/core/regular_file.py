"""Reading a file of ours when something else may lie at its name: a FIFO, a device, a
folder.

``open()`` on a FIFO waits for a writer, for good, and ``/dev/zero`` never ends: at the
name of the settings, of the conversation index or of a conversation, either would hang
the start. ``read_regular`` opens without waiting and reads only a regular file;
anything else is an OSError, as an unreadable file is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# O_NONBLOCK: opening a FIFO returns at once (reading a regular file ignores it).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``. Raises FileNotFoundError, IsADirectoryError, or an OSError
    ("not a regular file") for a FIFO, a socket or a device."""
    return read_regular_with_stat(path)[0]


def read_regular_with_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of ``path`` and its stat, taken from the file that was read."""
    fd = os.open(path, _OPEN_FLAGS)
    with open(fd, "rb") as handle:  # closes fd, whatever happens below
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return handle.read(), info

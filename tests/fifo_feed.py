"""A FIFO with a writer that hands it some text, for tests of readers that must not read
one: a reader that does gets the text (instead of hanging the test), one that refuses
leaves the writer waiting until ``FeedingFifo.close``.

The writer never blocks: it tries a non-blocking open every 10 ms, which succeeds only
while someone has the FIFO open for reading (a blocking reader counts from the moment it
waits). A code under test that replaces the FIFO's name with a file (an index rewritten
in place) is not written to: only the FIFO this made is fed.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from pathlib import Path


class FeedingFifo:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        os.mkfifo(path)
        self._inode = os.stat(path).st_ino
        self._stop = threading.Event()
        self._writer = threading.Thread(target=self._feed, args=(text.encode(),), daemon=True)
        self._writer.start()

    def _feed(self, data: bytes) -> None:
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody is reading yet; ENOENT: the name is gone
                self._stop.wait(0.01)
                continue
            try:
                status = os.fstat(fd)
                if stat.S_ISFIFO(status.st_mode) and status.st_ino == self._inode:
                    os.set_blocking(fd, True)
                    with contextlib.suppress(OSError):  # the reader left: EPIPE
                        os.write(fd, data)
            finally:
                os.close(fd)
            return

    def close(self) -> None:
        """Stop waiting for a reader (nobody read it)."""
        self._stop.set()
        self._writer.join()

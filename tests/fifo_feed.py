"""A FIFO with a writer that hands it some text, for tests of readers that must not read
one: a reader that does gets the text (instead of hanging the test), one that refuses
leaves the writer waiting, which ``FeedingFifo.close`` then releases."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path


class FeedingFifo:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        os.mkfifo(path)
        self._writer = threading.Thread(target=self._feed, args=(text,), daemon=True)
        self._writer.start()

    def _feed(self, text: str) -> None:
        with contextlib.suppress(OSError), open(self.path, "w", encoding="utf-8") as fifo:
            fifo.write(text)

    def close(self) -> None:
        """Open the reading end until the writer has got through (nobody read it)."""
        while self._writer.is_alive():
            with contextlib.suppress(OSError):
                os.close(os.open(self.path, os.O_RDONLY | os.O_NONBLOCK))
            self._writer.join(0.05)

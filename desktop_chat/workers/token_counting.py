"""Counting the tokens of the message being typed, off the GUI thread.

The inference worker's thread is busy for as long as a reply streams, so counts run on a
thread of their own (a one-thread pool), with the open model's counter
(``core.token_count.TokenCounter``), which the worker hands over whenever the model
changes. Only the newest request is counted: requests that pile up while one is counted
are replaced, not queued, and an answer is sent only if no newer request came meanwhile.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThreadPool, Signal

from desktop_chat.core.conversation import Message
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.token_count import TokenCounter, TokenCountRequest

log = logging.getLogger(__name__)


class TokenCountWorker(QObject):
    counted = Signal(object)  # TokenCount, or None: this model cannot count (or failed)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._lock = threading.Lock()
        self._counter: TokenCounter | None = None
        self._waiting: TokenCountRequest | None = None
        self._newest = 0

    def set_counter(self, counter: TokenCounter | None) -> None:
        """The open model's counter, or None (thread-safe: the worker thread calls it)."""
        with self._lock:
            self._counter = counter

    def request(self, history: tuple[Message, ...], draft: str,
                settings: GenerationSettings) -> int:
        """Count in the background; ``counted`` brings the answer. Returns the request id."""
        with self._lock:
            self._newest += 1
            idle = self._waiting is None
            self._waiting = TokenCountRequest(history, draft, settings, self._newest)
        if idle:
            self._pool.start(self._run)
        return self._newest

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Let a count in progress end (at shutdown, before the model is freed)."""
        return self._pool.waitForDone(timeout_ms)

    def _run(self) -> None:
        while True:
            with self._lock:
                request, self._waiting = self._waiting, None
                counter = self._counter
            if request is None:
                return
            try:
                result = counter.count(request) if counter is not None else None
            except Exception:  # a template that raises, a model closed meanwhile
                log.debug("the prompt could not be counted", exc_info=True)
                result = None
            with self._lock:
                current = request.request_id == self._newest
            if current:
                self.counted.emit(result)

"""Counting the tokens of the message being typed, off the GUI thread.

The inference worker's thread is busy for as long as a reply streams, so counts run as
jobs (workers/jobs.py) on a runner of one thread, with the open model's counter
(``core.token_count.TokenCounter``), which the inference worker hands over whenever the
model changes. app.py creates the ``TokenCountWorker`` and gives it to the inference
worker. Only the newest request is counted: requests that pile up while one is counted
are replaced, not queued, and an answer is sent (``counted``, from the counting thread)
only if no newer request came meanwhile.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from desktop_chat.core.conversation import Message
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.token_count import TokenCounter, TokenCountRequest
from desktop_chat.workers.jobs import JobContext, JobRunner

log = logging.getLogger(__name__)


class TokenCountWorker(QObject):
    counted = Signal(object)  # TokenCount, or None: this model cannot count (or failed)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = JobRunner(self, max_threads=1, name="token-count")
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
            self._jobs.start(self._count_newest)
        return self._newest

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Let a count in progress end (at shutdown, before the model is freed)."""
        return self._jobs.wait(timeout_ms)

    def _count_newest(self, ctx: JobContext) -> None:
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

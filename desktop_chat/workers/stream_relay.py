"""Passes the events of a request for several alternatives on as the worker's signals.

Like the worker's relay for one reply: deltas are joined per alternative and kind and sent
at most every ``CHUNK_INTERVAL_S`` (all alternatives together); a cancelled request sends
no more text. Every alternative ends once (``alternative_finished``, its error set when it
failed); when all have, ``alternatives_finished`` carries the request id.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    Failed,
    Finished,
    PrefillProgress,
    ReasoningDelta,
    StreamEvent,
    empty_result,
)

CHUNK_INTERVAL_S = 0.030


class AlternativesRelay:
    def __init__(self, worker: Any, request_id: int, count: int,
                 cancel: threading.Event) -> None:
        self._worker = worker
        self._request_id = request_id
        self._cancel = cancel
        self._open = set(range(count))
        self._parts: dict[tuple[int, str], list[str]] = {}  # insertion order is kept
        self._last = 0.0

    def add(self, event: StreamEvent) -> None:
        if not self._open:
            return
        if isinstance(event, (ReasoningDelta, AnswerDelta)):
            kind = "reasoning" if isinstance(event, ReasoningDelta) else "answer"
            self._text(event.sequence, kind, event.text)
            return
        self.flush()
        if isinstance(event, AnswerWasReasoning):
            self._worker.alternative_was_reasoning.emit(event.sequence)
        elif isinstance(event, PrefillProgress):
            self._worker.prefill_progressed.emit(event.done, event.total)
        elif isinstance(event, (Finished, Failed)):
            self._end(event)

    def close(self) -> None:
        """After ``generate`` returned: alternatives that never ended failed."""
        for sequence in sorted(self._open):
            self.add(Failed("The engine ended the reply without a result.", "",
                            empty_result("error"), sequence))

    def flush(self) -> None:
        parts, self._parts = self._parts, {}
        if not self._cancel.is_set():
            for (sequence, kind), texts in parts.items():
                self._worker.alternative_chunk_received.emit(sequence, kind, "".join(texts))
        self._last = time.monotonic()

    def _text(self, sequence: int, kind: str, text: str) -> None:
        key = (sequence, kind)
        if self._parts and key not in self._parts and (sequence, _other(kind)) in self._parts:
            self.flush()  # keep the order of reasoning and answer within one alternative
        self._parts.setdefault(key, []).append(text)
        if time.monotonic() - self._last >= CHUNK_INTERVAL_S:
            self.flush()

    def _end(self, event: Finished | Failed) -> None:
        if event.sequence not in self._open:
            return
        self._open.discard(event.sequence)
        result = event.result
        result.request_id, result.sequence = self._request_id, event.sequence
        if isinstance(event, Failed):
            result.error = result.error or event.message
            result.error_details = result.error_details or event.details
        self._worker.alternative_finished.emit(result)
        if not self._open:
            self._worker.alternatives_finished.emit(self._request_id)


def _other(kind: str) -> str:
    return "answer" if kind == "reasoning" else "reasoning"

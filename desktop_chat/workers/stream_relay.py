"""Passes the events of 1..n streamed replies on to a sink, coalesced.

One relay for a plain reply (one stream) and for a request for alternatives (n streams,
told apart by their ``sequence``). Deltas are joined per stream and kind and sent at most
every ``CHUNK_INTERVAL_S`` (all streams together), so the GUI thread gets at most ~33
updates a second; within one stream, reasoning and answer keep their order. A cancelled
request sends no more text. Every stream ends once, as finished or failed (its result
carries the request id and its sequence); a stream the engine left without an end fails
with "The engine ended the reply without a result." When all have ended, the sink hears
``all_ended``.

The sink is the inference worker's signals (workers/inference.py has one sink for a plain
reply and one for alternatives); the relay runs on the worker thread.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    Failed,
    Finished,
    GenerationResult,
    PrefillProgress,
    ReasoningDelta,
    StreamEvent,
    empty_result,
)
from desktop_chat.core.user_message import tr

CHUNK_INTERVAL_S = 0.030  # at most ~33 chunk signals a second reach the GUI thread


class StreamSink(Protocol):
    def chunk(self, sequence: int, kind: str, text: str) -> None:
        """Text of one stream; ``kind`` is "reasoning" or "answer"."""

    def was_reasoning(self, sequence: int) -> None:
        """The answer that stream sent so far was reasoning after all."""

    def prefill(self, done: int, total: int) -> None:
        """Prompt tokens processed so far, of ``total``."""

    def finished(self, result: GenerationResult) -> None:
        """One stream ended (finished or cancelled)."""

    def failed(self, message: str, result: GenerationResult) -> None:
        """One stream failed; ``result`` holds its partial text, its error set."""

    def all_ended(self, request_id: int) -> None:
        """Every stream of the request has ended."""


class StreamRelay:
    def __init__(self, sink: StreamSink, request_id: int, streams: int,
                 cancel: threading.Event) -> None:
        self._sink = sink
        self._request_id = request_id
        self._cancel = cancel
        self._open = set(range(max(1, streams)))
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
            self._sink.was_reasoning(event.sequence)
        elif isinstance(event, PrefillProgress):
            self._sink.prefill(event.done, event.total)
        elif isinstance(event, (Finished, Failed)):
            self._end(event)

    def close(self) -> None:
        """After ``generate`` returned: a stream that never ended failed."""
        for sequence in sorted(self._open):
            self.add(Failed(tr("The engine ended the reply without a result."), "",
                            empty_result("error"), sequence))

    def flush(self) -> None:
        if not self._parts:
            return
        parts, self._parts = self._parts, {}
        if not self._cancel.is_set():
            for (sequence, kind), texts in parts.items():
                self._sink.chunk(sequence, kind, "".join(texts))
        self._last = time.monotonic()

    def _text(self, sequence: int, kind: str, text: str) -> None:
        key = (sequence, kind)
        if key not in self._parts and (sequence, _other(kind)) in self._parts:
            self.flush()  # keep the order of reasoning and answer within one stream
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
            self._sink.failed(event.message, result)
        else:
            self._sink.finished(result)
        if not self._open:
            self._sink.all_ended(self._request_id)


def _other(kind: str) -> str:
    return "answer" if kind == "reasoning" else "reasoning"

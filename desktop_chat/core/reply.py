"""One reply being generated, as every engine reports it: the shared part of the contract.

An engine hands ``ReplyStream`` what it gets from its model (raw text per token, or a
server's separate reasoning and content deltas). ReplyStream runs the reasoning splitter,
counts reasoning and answer tokens, times the first token and the end of the thinking,
emits the typed stream events, and builds the final ``GenerationResult``. Engines thus
differ only in how they produce text, never in what the worker and the window receive.
"""

from __future__ import annotations

import time

from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    EventSink,
    Failed,
    Finished,
    GenerationResult,
    GenerationStats,
    PrefillProgress,
    ReasoningDelta,
)
from desktop_chat.core.reasoning import ANSWER, REASONING, RECLASSIFIED, Kind, ReasoningSplitter
from desktop_chat.core.surrogates import without_lone_surrogates


class ReplyStream:
    def __init__(self, emit: EventSink, *, context_size: int = 0) -> None:
        self._emit = emit
        self.started = time.perf_counter()
        self.stats = GenerationStats(context_size=context_size)
        self.splitter = ReasoningSplitter()
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None
        self.reasoning_closed_at: float | None = None
        self.token_count = 0
        self._closed = False
        self.reclassified = False  # the text first taken for the answer was reasoning
        self.reverted = False  # the text presumed to be reasoning was the answer
        self._tentative = False
        self._separate_reasoning = False  # reasoning came apart from the content (a server)
        self._prefill_total = 0  # prompt tokens, once reading the prompt was reported
        self._reasoning_space = ""  # trailing whitespace of separate reasoning, held back

    def begin(self, *, opens_reasoning: bool, late_reasoning: bool = False,
              tentative: bool = False) -> None:
        """Before the first text: whether the prompt left a think block open (the output
        starts as reasoning), or, when it is not known (a server), whether a ``</think>``
        that nothing opened turns the text so far into reasoning. ``tentative``: the
        reasoning was only presumed open; a reply that ends by itself without closing it
        was an answer after all (``reverted``)."""
        self.splitter = ReasoningSplitter(in_reasoning=opens_reasoning,
                                          close_without_open=late_reasoning)
        self._tentative = tentative and opens_reasoning

    @property
    def in_reasoning(self) -> bool:
        return self.splitter.kind == REASONING

    # ----- what the engine reports ---------------------------------------------------------

    def prefill(self, done: int, total: int) -> None:
        self._prefill_total = total
        self._emit(PrefillProgress(done, total))

    def tokens(self, text: str, count: int = 1) -> None:
        """Raw output of ``count`` tokens (text may be "" while a character is incomplete,
        or for a special token); the splitter decides what is reasoning."""
        text = without_lone_surrogates(text)  # a server's half emoji: no file would take it
        was_reasoning, was_closed = self.in_reasoning, self.splitter.reasoning_closed
        pieces = self.splitter.feed(text) if text else []
        if self._separate_reasoning and self.reasoning_closed_at is None and pieces:
            self.reasoning_closed_at = time.perf_counter()  # the content has begun
        self._deliver(pieces)
        # A token (or a server's chunk) that closes the thinking counts as thinking, unless
        # answer text came out of it too.
        closes = self.splitter.reasoning_closed and not was_closed
        after = [kind for kind, _ in pieces]
        if RECLASSIFIED in after:
            after = after[len(after) - after[::-1].index(RECLASSIFIED):]
        gave_answer = ANSWER in after
        self._count(count, reasoning=(was_reasoning or self.in_reasoning or closes)
                    and not gave_answer)

    def reasoning_text(self, text: str, count: int = 1) -> None:
        """Reasoning the engine received as such (a server's ``reasoning_content``).
        Whitespace at its edges is dropped, as the splitter does for tagged reasoning."""
        self._count(count, reasoning=True)
        self._separate_reasoning = True
        text = self._reasoning_space + without_lone_surrogates(text)
        if not self.splitter.reasoning:
            text = text.lstrip()
        body = text.rstrip()
        self._reasoning_space = text[len(body):]
        if body:
            self.splitter.reasoning += body
            self._emit(ReasoningDelta(body))

    # ----- the end -------------------------------------------------------------------------

    def finish(self, finish_reason: str = "stop") -> GenerationResult:
        result = self._close(finish_reason)
        self._emit(Finished(result))
        return result

    def fail(self, message: str, details: str = "") -> GenerationResult:
        message, details = without_lone_surrogates([message, details])  # a server's words
        result = self._close("error")
        result.error, result.error_details = message, details
        self._emit(Failed(message, details, result))
        return result

    # ----- inside --------------------------------------------------------------------------

    def _count(self, count: int, *, reasoning: bool) -> None:
        if count <= 0:
            return
        now = time.perf_counter()
        if self.first_token_at is None and self._prefill_total:
            self._emit(PrefillProgress(self._prefill_total, self._prefill_total))  # all read
        self.first_token_at = self.first_token_at or now
        self.last_token_at = now
        self.token_count += count
        if reasoning:
            self.stats.reasoning_tokens += count
        else:
            self.stats.answer_tokens += count

    def _deliver(self, pieces: list[tuple[Kind, str]]) -> None:
        for kind, text in pieces:
            if kind == RECLASSIFIED:
                self.reclassified = True
                self.stats.reasoning_tokens += self.stats.answer_tokens
                self.stats.answer_tokens = 0
                self._emit(AnswerWasReasoning())
            elif kind == REASONING:
                self._emit(ReasoningDelta(text))
            elif kind == ANSWER:
                self._emit(AnswerDelta(text))
        if self.reasoning_closed_at is None and self.splitter.reasoning_closed:
            self.reasoning_closed_at = time.perf_counter()

    def _revert_unclosed_reasoning(self) -> None:
        splitter = self.splitter
        if splitter.reasoning_closed or splitter.answer or not splitter.reasoning:
            return
        splitter.answer, splitter.reasoning = splitter.reasoning, ""
        splitter.kind = ANSWER
        self.stats.answer_tokens += self.stats.reasoning_tokens
        self.stats.reasoning_tokens = 0
        self.reasoning_closed_at = None
        self.reverted = True

    def _close(self, finish_reason: str) -> GenerationResult:
        if not self._closed:
            self._closed = True
            self._deliver(self.splitter.finish())
            if self._tentative and finish_reason == "stop":
                self._revert_unclosed_reasoning()
        stats = self.stats
        stats.finish_reason = finish_reason
        stats.total_s = time.perf_counter() - self.started
        if self.first_token_at is not None:
            stats.time_to_first_token_s = self.first_token_at - self.started
            span = (self.last_token_at or self.first_token_at) - self.first_token_at
            if self.token_count > 1 and span > 0:
                stats.decode_tokens_per_s = (self.token_count - 1) / span
        if self.reasoning_closed_at is not None:
            stats.thinking_s = self.reasoning_closed_at - self.started
        elif stats.reasoning_tokens:
            stats.thinking_s = (self.last_token_at or self.started) - self.started
        splitter = self.splitter
        unfinished = splitter.unfinished or (self._separate_reasoning and not splitter.answer)
        return GenerationResult(
            reasoning=splitter.reasoning, answer=splitter.answer,
            reasoning_unfinished=unfinished and bool(splitter.reasoning),
            stats=stats)

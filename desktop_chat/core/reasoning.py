"""Streaming splitter of model output into reasoning (``<think>…</think>``) and answer.

Text arrives in arbitrary chunks, so a tag may be split across them: anything that could
still become a tag is held back until the next chunk decides. Whitespace at the edges of
each part (the newline after ``<think>``, the blank line after ``</think>``) is dropped:
whitespace is held back until text follows it in the same part.

Cases handled:
- the prompt pre-fills ``<think>`` (DeepSeek-R1 distills): start with ``in_reasoning=True``
  and the output carries only ``</think>``; a repeated ``<think>`` right at the start is
  ignored;
- a ``<think>`` at the very start of the output opens reasoning (models that open it
  themselves);
- no tags at all: everything is answer;
- output that ends inside the think block: everything is reasoning, ``unfinished`` is set;
- a server whose chat template we cannot see (``close_without_open=True``): when a
  ``</think>`` arrives that no ``<think>`` opened, the template had opened it in the prompt,
  so the answer so far was reasoning: ``RECLASSIFIED`` says so, then the rest follows.
A ``<think>`` after the answer has begun is ordinary text.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["reasoning", "answer", "reclassified"]
REASONING: Kind = "reasoning"
ANSWER: Kind = "answer"
RECLASSIFIED: Kind = "reclassified"  # everything emitted as answer so far was reasoning
OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"


def prompt_opens_reasoning(prompt_text: str) -> bool:
    """True when a rendered prompt ends inside a think block (pre-filled ``<think>``)."""
    return prompt_text.rfind(OPEN_TAG) > prompt_text.rfind(CLOSE_TAG)


class ReasoningSplitter:
    def __init__(self, in_reasoning: bool = False, close_without_open: bool = False) -> None:
        self.kind: Kind = REASONING if in_reasoning else ANSWER
        self.reasoning_closed = False
        self._late_close = close_without_open and not in_reasoning
        self._pending = ""  # undecided text: a possible tag prefix, or trailing whitespace
        self._started = False  # non-whitespace text emitted in the current part
        self._anything_emitted = False
        self.reasoning = ""
        self.answer = ""

    @property
    def unfinished(self) -> bool:
        """The output ended (so far) inside the think block."""
        return self.kind == REASONING

    def feed(self, text: str) -> list[tuple[Kind, str]]:
        out: list[tuple[Kind, str]] = []
        self._pending += text
        while self._pending:
            tag = CLOSE_TAG if self.kind == REASONING else OPEN_TAG
            at = self._pending.find(tag)
            opening_allowed = self.kind == REASONING or not self._anything_emitted
            stray_open = (self.kind == REASONING and not self._started
                          and self._pending.lstrip().startswith(OPEN_TAG))
            if stray_open:
                self._pending = self._pending.lstrip()[len(OPEN_TAG):]
                continue
            if self._late_close and self.kind == ANSWER and self._closes_unopened(
                    opening_allowed):
                self._reclassify(out)
                continue
            if at >= 0 and (self.kind == REASONING or
                            (opening_allowed and not self._pending[:at].strip())):
                self._emit(self._pending[:at], out, final=True)
                self._pending = self._pending[at + len(tag):]
                self._switch()
                continue
            # No tag here: keep back what could be the start of one, and trailing whitespace.
            keep = _partial_tag_suffix(self._pending, tag) if opening_allowed else 0
            if self._late_close and self.kind == ANSWER:
                keep = max(keep, _partial_tag_suffix(self._pending, CLOSE_TAG))
            if self.kind == REASONING and not self._started:
                keep = max(keep, _partial_tag_suffix(self._pending, OPEN_TAG))
            decided = self._pending[: len(self._pending) - keep]
            body = decided.rstrip()
            self._emit(body, out, final=False)
            self._pending = decided[len(body):] + self._pending[len(decided):]
            break
        return out

    def finish(self) -> list[tuple[Kind, str]]:
        """Flush what was held back; whitespace at the end is dropped."""
        out: list[tuple[Kind, str]] = []
        self._emit(self._pending, out, final=True)
        self._pending = ""
        return out

    def _emit(self, text: str, out: list[tuple[Kind, str]], *, final: bool) -> None:
        if not self._started:
            text = text.lstrip()
        if final:
            text = text.rstrip()
        if not text:
            return
        self._started = True
        self._anything_emitted = True
        if self.kind == REASONING:
            self.reasoning += text
        else:
            self.answer += text
        if out and out[-1][0] == self.kind:
            out[-1] = (self.kind, out[-1][1] + text)
        else:
            out.append((self.kind, text))

    def _switch(self) -> None:
        if self.kind == REASONING:
            self.reasoning_closed = True
        else:
            self._late_close = False  # a <think> opened: its </think> is an ordinary close
        self.kind = ANSWER if self.kind == REASONING else REASONING
        self._started = False

    def _closes_unopened(self, opening_allowed: bool) -> bool:
        """A ``</think>`` is pending that no ``<think>`` before it opens."""
        close_at = self._pending.find(CLOSE_TAG)
        open_at = self._pending.find(OPEN_TAG) if opening_allowed else -1
        # A <think> opens only before any text: after text it is text (see feed), and
        # the </think> then closes nothing, however the output was cut into chunks.
        opens = 0 <= open_at < close_at and not self._pending[:open_at].strip()
        return close_at >= 0 and not opens

    def _reclassify(self, out: list[tuple[Kind, str]]) -> None:
        """A ``</think>`` that nothing opened: the answer so far becomes the reasoning."""
        self._late_close = False
        self.reasoning, self.answer = self.reasoning + self.answer, ""
        self.kind = REASONING
        self._started = bool(self.reasoning)
        out.append((RECLASSIFIED, ""))


def _partial_tag_suffix(text: str, tag: str) -> int:
    """Length of the longest end of ``text`` that is a proper start of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if text.endswith(tag[:size]):
            return size
    return 0

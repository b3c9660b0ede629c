"""Ending the thinking early: "Answer now" and the thinking budget, for every engine that
samples tokens itself (transformers, llama.cpp).

The mechanism is the one llama.cpp's reasoning-budget sampler (common/reasoning-budget.cpp,
``--reasoning-budget``) and vLLM's ``ThinkingTokenBudgetLogitsProcessor``
(``thinking_token_budget``) use: while the model thinks, count its thinking tokens; once
the budget is spent (or the user asked to answer now), wait for the end of a UTF-8
character, then force the end-of-thinking text (``\\n</think>\\n\\n``) token by token and let
the model go on, now writing its answer. Forcing keeps the KV cache and the sampler's state
as they are: nothing is re-read.

Whether the model is thinking is the shared splitter's call (``ReplyStream``), never a
second tag detector here: so a template that pre-fills ``<think>`` (R1) and a model that
opens it itself count alike, and a ``<think>`` written in the answer never starts a budget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop_chat.core.reasoning import CLOSE_TAG
from desktop_chat.core.reply import ReplyStream

END_OF_THINKING = f"\n{CLOSE_TAG}\n\n"  # what R1's distills write when they stop thinking
CUT_BY_ANSWER_NOW = "answer_now"  # GenerationStats.thinking_cut: the user asked
CUT_BY_BUDGET = "budget"  # the thinking budget was spent


class ThinkingBudget:
    """One reply's thinking limit. Engines call ``forced_token`` before sampling each token
    (after the previous one reached the reply); a token id means "emit this one"."""

    def __init__(self, reply: ReplyStream, end_ids: list[int], budget: int = 0,
                 answer_now: threading.Event | None = None) -> None:
        self.reply = reply
        self.end_ids = list(end_ids)  # END_OF_THINKING as the model's token ids
        self.budget = budget  # thinking tokens allowed; 0: no limit
        self.answer_now = answer_now or threading.Event()
        self.cut: str | None = None  # CUT_BY_*, once the end was forced
        self._position = -1  # index into end_ids while forcing; -1: not forcing

    @classmethod
    def for_request(cls, reply: ReplyStream, encode: Callable[[str], list[int]],
                    budget: int, answer_now: threading.Event | None) -> ThinkingBudget:
        return cls(reply, encode(END_OF_THINKING), budget, answer_now)

    @property
    def forcing(self) -> bool:
        return self._position >= 0

    def due(self) -> str | None:
        """Why the thinking should end now (CUT_BY_*), or None: it goes on or is over."""
        reply = self.reply
        if self.cut is not None or not reply.in_reasoning or not self.end_ids:
            return None
        if self.answer_now.is_set():
            return CUT_BY_ANSWER_NOW
        if self.budget and reply.stats.reasoning_tokens >= self.budget:
            return CUT_BY_BUDGET
        return None

    def forced_token(self, mid_character: bool = False) -> int | None:
        """The token to emit next instead of sampling one, or None to sample freely.

        ``mid_character``: the reply so far ends inside a UTF-8 character (a Chinese
        character split over two tokens); the cut waits for it to complete."""
        if not self.forcing:
            reason = self.due()
            if reason is None or mid_character:
                return None
            self.cut, self._position = reason, 0
            self.reply.stats.thinking_cut = reason  # saved with the message
        token = self.end_ids[self._position]
        self._position += 1
        if self._position >= len(self.end_ids):
            self._position = -1
            self.end_ids = []  # forced once; the answer follows
        return token

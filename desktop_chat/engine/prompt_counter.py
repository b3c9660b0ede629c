"""Counting a prompt's tokens while the user types, with the open model's template.

The count runs on a thread of its own (the worker's is busy while a reply streams), so it
holds its own reference to the template and a lock: the engine closes it before freeing
the model (llama.cpp's tokenizer lives inside the model), and ``close`` waits for a count
in progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop_chat.core.conversation import Message
from desktop_chat.core.token_count import TokenCount, TokenCountRequest
from desktop_chat.engine.errors import PromptTooLongError
from desktop_chat.engine.prompt import (
    ChatTemplate,
    chat_messages,
    context_and_reserve,
    fit_prompt,
)


class PromptCounter:
    """``core.token_count.TokenCounter`` for the engines that render templates themselves."""

    def __init__(self, make_template: Callable[[], ChatTemplate], context_size: int,
                 model_max: int | None = None) -> None:
        # Made at the first count, on the counting thread (a tokenizer copy takes a while).
        self._make_template: Callable[[], ChatTemplate] | None = make_template
        self._template: ChatTemplate | None = None
        self.context_size = context_size
        self.model_max = model_max
        self._lock = threading.Lock()

    def count(self, request: TokenCountRequest) -> TokenCount:
        """Raises RuntimeError once closed; a template's own errors pass through."""
        with self._lock:
            if self._make_template is None:
                raise RuntimeError("the model was closed")
            if self._template is None:
                self._template = self._make_template()
            return self._count(self._template, request)

    def close(self) -> None:
        with self._lock:
            self._make_template = self._template = None

    def _count(self, template: ChatTemplate, request: TokenCountRequest) -> TokenCount:
        settings = request.settings
        limit, reserve = context_and_reserve(settings, self.context_size, self.model_max)
        history = [*request.history, Message(role="user", content=request.draft)]
        messages = chat_messages(history, settings.system_prompt)
        first = 1 if messages and messages[0]["role"] == "system" else 0
        try:
            prompt = fit_prompt(template, history, settings, self.context_size,
                                self.model_max)
        except PromptTooLongError:
            alone = template.encode([*messages[:first], messages[-1]])
            return TokenCount(request.request_id, len(alone) - self._base(template,
                                                                           messages[:first]),
                              len(alone), limit - reserve, limit,
                              len(messages) - first - 1, too_long=True)
        kept = messages[:first] + messages[first + prompt.dropped_messages:]
        added = len(prompt.input_ids) - self._base(template, kept[:-1])
        return TokenCount(request.request_id, added, len(prompt.input_ids), limit - reserve,
                          limit, prompt.dropped_messages)

    @staticmethod
    def _base(template: ChatTemplate, messages: list[dict[str, str]]) -> int:
        """The prompt without the draft: nothing when no exchange precedes it."""
        if not any(m["role"] != "system" for m in messages):
            return 0
        return len(template.encode(messages))

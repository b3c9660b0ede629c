"""How many tokens a message being written will add, and how much of the context the
conversation then takes: what the composer shows while the user types (no Qt).

Counted with the open model's own chat template and tokenizer (``engine/prompt_counter.py``),
fitted to the context exactly as a reply's prompt is (``engine.prompt.fit_prompt``): the
oldest exchanges are left out first, and the count says how many.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desktop_chat.core.conversation import Message
from desktop_chat.core.settings import GenerationSettings


@dataclass(frozen=True)
class TokenCountRequest:
    history: tuple[Message, ...]  # the conversation as shown (its path), before the draft
    draft: str  # the message being written
    settings: GenerationSettings  # the settings the reply would use
    request_id: int = 0  # echoed in the answer: only the newest is shown


@dataclass(frozen=True)
class TokenCount:
    request_id: int
    message_tokens: int  # what the draft adds to the prompt (its turn in the template)
    prompt_tokens: int  # the prompt as it would be sent, older messages left out as needed
    limit: int  # tokens the prompt may take: the context less the room kept for the reply
    context_size: int  # the context itself
    dropped_messages: int  # the oldest messages that would be left out to fit
    too_long: bool = False  # the message does not fit even with all history left out


class TokenCounter(Protocol):
    """An open model's prompt counter, usable from any thread (engines supply one)."""

    def count(self, request: TokenCountRequest) -> TokenCount: ...

    def close(self) -> None:
        """The model closes: wait for a count in progress, then count no more."""

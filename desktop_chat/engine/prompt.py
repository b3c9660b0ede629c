"""The prompt: history to chat-template messages, fitted to the context, and whether the
template's generation prompt opens a think block. Shared by the engines that render
templates themselves (transformers and llama.cpp), through the same Jinja renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from desktop_chat.core.conversation import Message
from desktop_chat.core.reasoning import CLOSE_TAG, prompt_opens_reasoning
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import PromptTooLongError

ChatMessages = list[dict[str, str]]

# Both engines use it when a model brings no chat template of its own; the user is told.
PLAIN_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] }}\n\n"
    "{% elif message['role'] == 'user' %}User: {{ message['content'] }}\n\n"
    "{% else %}Assistant: {{ message['content'] }}{{ eos_token }}\n\n{% endif %}"
    "{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}"
)


class ChatTemplate(Protocol):
    """A model's chat template and tokenizer, as an engine supplies them."""

    def render(self, messages: ChatMessages, add_generation_prompt: bool) -> str: ...

    def encode(self, messages: ChatMessages) -> list[int]:
        """Token ids of the prompt, generation prompt included."""


@dataclass
class PreparedPrompt:
    input_ids: list[int]
    opens_reasoning: bool  # the template pre-fills <think>: output starts as reasoning
    dropped_messages: int
    max_new_tokens: int


def chat_messages(history: Sequence[Message], system_prompt: str) -> ChatMessages:
    """Messages for the chat template: answers only, never the model's earlier reasoning."""
    messages = []
    if system_prompt.strip():
        messages.append({"role": "system", "content": system_prompt})
    for message in history:
        if message.role == "system":
            continue  # the settings' system prompt is the one in force
        content = message.content
        if message.role == "assistant" and CLOSE_TAG in content:
            content = content.rsplit(CLOSE_TAG, 1)[1].lstrip()
        messages.append({"role": message.role, "content": content})
    return messages


def generation_prompt_opens_reasoning(template: ChatTemplate, messages: ChatMessages) -> bool:
    """Does the generation prompt leave a think block open (R1's ``<｜Assistant｜><think>``)?

    Only what the generation prompt adds is looked at: the same messages rendered without
    it are the reference, so a ``<think>`` the user typed never counts.
    """
    with_prompt = template.render(messages, True)
    without = template.render(messages, False)
    shared = common_prefix_length(with_prompt, without)
    return prompt_opens_reasoning(with_prompt[shared:])


def context_and_reserve(settings: GenerationSettings, context_size: int,
                        model_max: int | None = None) -> tuple[int, int]:
    """The context a prompt is fitted to, and the part of it kept for the reply."""
    limit = context_size
    if settings.context_limit:
        limit = min(settings.context_limit, model_max or context_size)
    return limit, min(settings.max_new_tokens, limit // 2)


def fit_prompt(template: ChatTemplate, history: Sequence[Message],
               settings: GenerationSettings, context_size: int,
               model_max: int | None = None) -> PreparedPrompt:
    """The prompt's token ids, dropping the oldest exchanges if it exceeds the context:
    ``context_size`` (the automatic limit) unless the settings set one, which the model's
    maximum still bounds."""
    limit, reserve = context_and_reserve(settings, context_size, model_max)
    messages = chat_messages(history, settings.system_prompt)
    first = 1 if messages and messages[0]["role"] == "system" else 0
    # Where the kept part may start: dropping the oldest exchange (a user message and the
    # replies that follow it) at a time; the last user message always stays.
    starts = [first] + [i for i in range(first + 1, len(messages))
                        if messages[i]["role"] == "user"]
    kept = 0  # index into starts
    ids = template.encode(messages)
    if len(ids) > limit - reserve:
        # The fewest exchanges whose dropping makes it fit. A prompt only shrinks as more
        # is dropped, so a binary search finds them in a few renders, not one per exchange
        # (hundreds of renders of a long conversation took seconds).
        low, high, fitting = 1, len(starts) - 1, None
        while low <= high:
            middle = (low + high) // 2
            candidate = template.encode(messages[:first] + messages[starts[middle]:])
            if len(candidate) <= limit - reserve:
                fitting, high = (middle, candidate), middle - 1
            else:
                low = middle + 1
        if fitting is None:
            needed = len(template.encode(messages[:first] + messages[starts[-1]:]))
            raise PromptTooLongError(tr(
                "The message is too long for the model's context: the prompt needs {needed} "
                "tokens, and {available} of the {limit} are available with room for the "
                "reply. Shorten the message or the system prompt, or raise the context "
                "limit in the settings.", needed=needed, available=limit - reserve,
                limit=limit))
        kept, ids = fitting
        messages = messages[:first] + messages[starts[kept]:]
    dropped = starts[kept] - first
    return PreparedPrompt(
        input_ids=ids, opens_reasoning=generation_prompt_opens_reasoning(template, messages),
        dropped_messages=dropped, max_new_tokens=min(settings.max_new_tokens, limit - len(ids)),
    )


def common_prefix_length(a: Sequence[Any], b: Sequence[Any]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n

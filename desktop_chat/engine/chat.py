"""One chat with a loaded model: prompt building, streaming generation, KV-cache reuse.

Generation runs in the calling thread (the worker's): an exception in ``generate`` is
caught here and becomes a result with ``finish_reason="error"``, never a hang. Cancel is a
``threading.Event`` read by a StoppingCriteria between tokens.

Across turns the KV cache of the last generation is kept with the token ids it covers. The
next prompt is compared id by id; the cache is cropped to the longest common prefix
(leaving at least one new token to run) and reused. R1's template drops earlier reasoning,
so the shared prefix ends where the previous answer's reasoning began: only what is truly
identical is reused, and greedy output is the same with and without reuse.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from transformers import DynamicCache, StoppingCriteria, StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import GenerationResult, GenerationStats
from desktop_chat.core.reasoning import (
    CLOSE_TAG,
    REASONING,
    Kind,
    ReasoningSplitter,
    prompt_opens_reasoning,
)
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.engine.loader import LoadedModel

log = logging.getLogger(__name__)

ChunkCallback = Callable[[Kind, str], None]


class PromptTooLongError(ValueError):
    pass


@dataclass
class PreparedPrompt:
    input_ids: list[int]
    opens_reasoning: bool  # the template pre-fills <think>: output starts as reasoning
    dropped_messages: int
    max_new_tokens: int


def chat_messages(history: Sequence[Message], system_prompt: str) -> list[dict[str, str]]:
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


def common_prefix_length(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


class _CancelCriteria(StoppingCriteria):
    def __init__(self, cancel: threading.Event) -> None:
        self.cancel = cancel

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        return torch.full((input_ids.shape[0],), self.cancel.is_set(), dtype=torch.bool,
                          device=input_ids.device)


class _IncrementalDecoder:
    """Token ids to text as they come, never splitting a UTF-8 character."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None:
            from tokenizers.decoders import DecodeStream

            self._backend = backend
            self._stream = DecodeStream(skip_special_tokens=True)
        else:
            self._stream = None
            self._ids: list[int] = []
            self._emitted = ""

    def step(self, token_id: int) -> str:
        if self._stream is not None:
            return self._stream.step(self._backend, token_id) or ""
        # Slow tokenizers: decode the whole reply, emit once no character is left half-done.
        self._ids.append(token_id)
        text = self.tokenizer.decode(self._ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):
            return ""
        new, self._emitted = text[len(self._emitted):], text
        return new


class _Streamer(BaseStreamer):
    """Receives tokens from ``generate``; decodes, splits reasoning from answer, times."""

    def __init__(self, tokenizer: Any, splitter: ReasoningSplitter, on_chunk: ChunkCallback,
                 special_ids: set[int]) -> None:
        self.decoder = _IncrementalDecoder(tokenizer)
        self.splitter = splitter
        self.on_chunk = on_chunk
        self.special_ids = special_ids
        self.prompt_skipped = False
        self.first_token_at: float | None = None
        self.last_token_at: float | None = None
        self.reasoning_closed_at: float | None = None
        self.token_count = 0
        self.reasoning_tokens = 0
        self.answer_tokens = 0
        self.last_token: int | None = None

    def put(self, value: torch.Tensor) -> None:
        if not self.prompt_skipped:  # generate() first hands over the prompt itself
            self.prompt_skipped = True
            return
        for token_id in value.flatten().tolist():
            now = time.perf_counter()
            self.first_token_at = self.first_token_at or now
            self.last_token_at = now
            self.last_token = token_id
            self.token_count += 1
            if token_id in self.special_ids:
                continue
            if self.splitter.kind == REASONING:
                self.reasoning_tokens += 1
            else:
                self.answer_tokens += 1
            text = self.decoder.step(token_id)
            if text:
                self._deliver(self.splitter.feed(text))
                if self.reasoning_closed_at is None and self.splitter.reasoning_closed:
                    self.reasoning_closed_at = now

    def end(self) -> None:
        self._deliver(self.splitter.finish())

    def _deliver(self, events: list[tuple[Kind, str]]) -> None:
        for kind, text in events:
            self.on_chunk(kind, text)


class ChatSession:
    """Generates replies with one loaded model, reusing the KV cache between turns."""

    def __init__(self, loaded: LoadedModel, reuse_cache: bool = True) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.reuse_cache = reuse_cache
        self._cache: DynamicCache | None = None
        self._cache_ids: list[int] = []
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos) if isinstance(eos, list) else {eos} if eos is not None else set()
        if self.tokenizer.eos_token_id is not None:
            eos_ids.add(self.tokenizer.eos_token_id)
        self.eos_ids = sorted(eos_ids)
        self.special_ids = set(self.tokenizer.all_special_ids) | set(self.eos_ids)

    # ----- prompt ------------------------------------------------------------------------

    def render(self, messages: list[dict[str, str]]) -> list[int]:
        encoded = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_dict=True)
        return list(encoded["input_ids"])

    def prepare(self, history: Sequence[Message], settings: GenerationSettings) -> PreparedPrompt:
        """The prompt's token ids, dropping the oldest turns if it exceeds the context."""
        limit = self.loaded.context_size
        if settings.context_limit:
            limit = min(limit, settings.context_limit)
        reserve = min(settings.max_new_tokens, limit // 2)  # room left for the reply
        messages = chat_messages(history, settings.system_prompt)
        first = 1 if messages and messages[0]["role"] == "system" else 0
        dropped = 0
        while True:
            ids = self.render(messages)
            if len(ids) <= limit - reserve:
                break
            last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
            if first >= last_user:
                raise PromptTooLongError(
                    f"The message is too long for the model's context: the prompt needs "
                    f"{len(ids)} tokens, and {limit - reserve} of the {limit} are available "
                    f"with room for the reply. Shorten the message or the system prompt, or "
                    f"raise the context limit in the settings.")
            # Drop the oldest exchange: a user message and the replies that follow it.
            end = first + 1
            while end < last_user and messages[end]["role"] != "user":
                end += 1
            dropped += end - first
            del messages[first:end]
        tail = self.tokenizer.decode(ids[-8:], skip_special_tokens=False)
        return PreparedPrompt(
            input_ids=ids, opens_reasoning=prompt_opens_reasoning(tail),
            dropped_messages=dropped, max_new_tokens=min(settings.max_new_tokens,
                                                         limit - len(ids)),
        )

    # ----- generation --------------------------------------------------------------------

    def generate(self, history: Sequence[Message], settings: GenerationSettings,
                 on_chunk: ChunkCallback, cancel: threading.Event) -> GenerationResult:
        started = time.perf_counter()
        splitter = ReasoningSplitter()
        stats = GenerationStats(context_size=self.loaded.context_size)
        streamer: _Streamer | None = None
        try:
            prompt = self.prepare(history, settings)
            splitter = ReasoningSplitter(in_reasoning=prompt.opens_reasoning)
            stats.prompt_tokens = len(prompt.input_ids)
            stats.dropped_messages = prompt.dropped_messages
            cache, stats.reused_tokens = self._take_cache(prompt.input_ids)
            streamer = _Streamer(self.tokenizer, splitter, on_chunk, self.special_ids)
            output = self.model.generate(
                input_ids=torch.tensor([prompt.input_ids], device=self.model.device),
                attention_mask=torch.ones((1, len(prompt.input_ids)), dtype=torch.long,
                                          device=self.model.device),
                cache=cache,
                streamer=streamer,
                stopping_criteria=StoppingCriteriaList([_CancelCriteria(cancel)]),
                **self._sampling(settings, prompt.max_new_tokens),
            )
            all_ids = output[0].tolist()
            self._cache, self._cache_ids = cache, all_ids[: cache.get_seq_length()]
            generated = len(all_ids) - len(prompt.input_ids)
            if cancel.is_set():
                stats.finish_reason = "cancelled"
            elif generated >= prompt.max_new_tokens and streamer.last_token not in self.eos_ids:
                stats.finish_reason = "length"
            error = None
            details = ""
        except PromptTooLongError as too_long:
            stats.finish_reason = "error"
            error, details = str(too_long), ""
        except Exception as failure:  # anything from inside generate(): report, don't hang
            log.exception("generation failed")
            stats.finish_reason = "error"
            error = f"The model stopped with an error: {failure}"
            details = traceback.format_exc()
            self._drop_cache()
            if streamer is not None:
                streamer.end()
        self._fill_timing(stats, streamer, started)
        return GenerationResult(
            reasoning=splitter.reasoning, answer=splitter.answer,
            reasoning_unfinished=splitter.unfinished and bool(splitter.reasoning),
            stats=stats, error=error, error_details=details,
        )

    def _sampling(self, settings: GenerationSettings, max_new_tokens: int) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": max(1, max_new_tokens),
            "do_sample": settings.do_sample,
            "repetition_penalty": settings.repetition_penalty,
            "eos_token_id": self.eos_ids or None,
            "pad_token_id": self.tokenizer.pad_token_id if self.tokenizer.pad_token_id
            is not None else (self.eos_ids[0] if self.eos_ids else None),
        }
        if settings.do_sample:
            kwargs.update(temperature=max(settings.temperature, 1e-5), top_p=settings.top_p,
                          top_k=settings.top_k or None)
            if settings.seed is not None:
                torch.manual_seed(settings.seed)
        else:  # greedy: neutral values, so the model's own sampling defaults don't warn
            kwargs.update(temperature=None, top_p=None, top_k=None)
        return kwargs

    def _take_cache(self, input_ids: list[int]) -> tuple[DynamicCache, int]:
        """The previous turn's cache cropped to what this prompt shares with it, or a new one."""
        cache, self._cache = self._cache, None  # never left half-updated if generate fails
        if cache is not None and self.reuse_cache:
            shared = min(common_prefix_length(self._cache_ids, input_ids), len(input_ids) - 1)
            cached = cache.get_seq_length()
            if shared > 0:
                if cached > shared:
                    cache.crop(shared - cached)  # a negative count removes from the end
                return cache, shared
        return DynamicCache(config=self.model.config), 0

    def _drop_cache(self) -> None:
        self._cache, self._cache_ids = None, []

    @staticmethod
    def _fill_timing(stats: GenerationStats, streamer: _Streamer | None, started: float) -> None:
        stats.total_s = time.perf_counter() - started
        if streamer is None or streamer.first_token_at is None:
            return
        stats.reasoning_tokens = streamer.reasoning_tokens
        stats.answer_tokens = streamer.answer_tokens
        stats.time_to_first_token_s = streamer.first_token_at - started
        span = (streamer.last_token_at or started) - streamer.first_token_at
        if streamer.token_count > 1 and span > 0:
            stats.decode_tokens_per_s = (streamer.token_count - 1) / span
        if streamer.reasoning_closed_at is not None:
            stats.thinking_s = streamer.reasoning_closed_at - started
        elif streamer.reasoning_tokens:
            stats.thinking_s = (streamer.last_token_at or started) - started

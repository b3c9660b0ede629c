"""The transformers chat engine: prompt, chunked prefill, streaming generation, KV-cache reuse.

Generation runs in the calling thread (the worker's); every failure becomes a ``Failed``
event, never an exception or a hang. Cancel is a ``threading.Event`` read between prefill
chunks and, by a StoppingCriteria, between generated tokens.

A long prompt is prefilled here in chunks of PREFILL_CHUNK tokens before ``generate`` runs,
so cancel (and closing the window) take effect within one chunk, and progress is reported.
``generate`` then finds everything but the last prompt token in the cache.

Across turns the KV caches of the last few generations (every branch of the conversation
tree) are kept with the token ids they cover (prefix_cache.py). The next prompt is
compared id by id with each; a copy of the one sharing the longest prefix is cropped to it
(leaving at least one new token to run) when the cache can be cropped (sliding-window and
linear-attention caches cannot: they are used only when the prompt extends them). R1's
template drops earlier reasoning, so the shared prefix ends where that reasoning began.
"""

from __future__ import annotations

import copy
import logging
import threading
import traceback
from typing import Any

import torch
from transformers import (
    DynamicCache,
    LogitsProcessorList,
    StoppingCriteriaList,
)
from transformers.generation.streamers import BaseStreamer

from desktop_chat.core.context_budget import automatic_context
from desktop_chat.core.inference import (
    ENGINE_TRANSFORMERS,
    EventSink,
    GenerationRequest,
    ModelInfo,
)
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.reply import ReplyStream
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import PromptTooLongError
from desktop_chat.engine.prompt import ChatMessages, PreparedPrompt, fit_prompt
from desktop_chat.engine.prompt_counter import PromptCounter
from desktop_chat.engine.thinking_budget import ThinkingBudget
from desktop_chat.engine.transformers_engine.alternatives import generate_batch
from desktop_chat.engine.transformers_engine.loader import (
    LoadedModel,
    free_memory,
    kv_bytes_per_token,
    unload,
)
from desktop_chat.engine.transformers_engine.prefix_cache import PrefixCache
from desktop_chat.engine.transformers_engine.streaming import (
    CancelCriteria,
    IncrementalDecoder,
    ThreadsFollowLoad,
)
from desktop_chat.engine.transformers_engine.thinking_processor import ThinkingBudgetProcessor

log = logging.getLogger(__name__)

PREFILL_CHUNK = 256  # prompt tokens per forward pass when prefilling a long prompt


class HFChatTemplate:
    """A transformers tokenizer's chat template (the ``engine.prompt.ChatTemplate`` protocol)."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._sanitize = True

    def render(self, messages: ChatMessages, add_generation_prompt: bool) -> str:
        return self.tokenizer.apply_chat_template(
            messages, tokenize=False, add_generation_prompt=add_generation_prompt)

    def encode(self, messages: ChatMessages) -> list[int]:
        # sanitize_control_tokens: a control token the user typed ("<｜Assistant｜>",
        # "<think>") is encoded as the plain text it is, never as the token itself.
        if self._sanitize:
            try:
                return self._encode(messages, sanitize_control_tokens=True)
            except (TypeError, ValueError, AttributeError, NotImplementedError):
                log.info("this tokenizer cannot sanitize control tokens; encoding as is")
                self._sanitize = False
        return self._encode(messages)

    def _encode(self, messages: ChatMessages, **options: Any) -> list[int]:
        encoded = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_dict=True, **options)
        return list(encoded["input_ids"])


class _Streamer(BaseStreamer):
    """Receives tokens from ``generate`` and hands their text to the reply."""

    def __init__(self, tokenizer: Any, reply: ReplyStream, special_ids: set[int]) -> None:
        self.decoder = IncrementalDecoder(tokenizer)
        self.reply = reply
        self.special_ids = special_ids
        self.prompt_skipped = False
        self.last_token: int | None = None

    def put(self, value: torch.Tensor) -> None:
        if not self.prompt_skipped:  # generate() first hands over the prompt itself
            self.prompt_skipped = True
            return
        for token_id in value.flatten().tolist():
            self.last_token = token_id
            if token_id in self.special_ids:
                continue
            self.reply.tokens(self.decoder.step(token_id))

    def end(self) -> None:
        pass


class TransformersEngine:
    """Generates replies with one loaded model, reusing the KV cache between turns."""

    def __init__(self, loaded: LoadedModel, source: ModelSource | None = None,
                 reuse_cache: bool = True) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.tokenizer = loaded.tokenizer
        self.template = HFChatTemplate(self.tokenizer)
        self._counter: PromptCounter | None = None
        self.reuse_cache = reuse_cache
        eos = self.model.generation_config.eos_token_id
        eos_ids = set(eos) if isinstance(eos, list) else {eos} if eos is not None else set()
        if self.tokenizer.eos_token_id is not None:
            eos_ids.add(self.tokenizer.eos_token_id)
        self.eos_ids = sorted(eos_ids)
        self.special_ids = set(self.tokenizer.all_special_ids) | set(self.eos_ids)
        choice = loaded.choice
        self.context = automatic_context(kv_bytes_per_token(self.model.config, choice),
                                         free_memory(choice.device), loaded.context_size)
        self.info = ModelInfo(
            name=loaded.folder.name,
            source=source or ModelSource.local(loaded.folder.path),
            engine=ENGINE_TRANSFORMERS, device=choice.device, device_name=choice.device_name,
            precision=loaded.precision, context_size=self.context.tokens,
            memory_bytes=loaded.weights_bytes, reason=choice.reason,
            context_reason=self.context.reason,
            notices=tuple(loaded.notices), model_defaults=loaded.model_defaults,
            can_answer_now=True, batches_alternatives=True,
        )
        # Caches of earlier branches: within the memory the context budget leaves free.
        self.prefixes = PrefixCache(kv_bytes_per_token(self.model.config, choice)
                                    * self.context.tokens)

    # ----- prompt ------------------------------------------------------------------------

    def prepare(self, history: Any, settings: GenerationSettings) -> PreparedPrompt:
        return fit_prompt(self.template, history, settings, self.context.tokens,
                          self.loaded.context_size)

    # ----- generation --------------------------------------------------------------------

    def generate(self, request: GenerationRequest, cancel: threading.Event,
                 emit: EventSink) -> None:
        if request.alternatives > 1:  # several answers in one batch: alternatives.py
            generate_batch(self, request, cancel, emit)
            return
        limit = request.settings.context_limit
        reply = ReplyStream(emit, context_size=min(limit, self.loaded.context_size) if limit
                            else self.context.tokens)
        try:
            prompt = self.prepare(request.messages, request.settings)
        except PromptTooLongError as too_long:
            reply.fail(str(too_long))
            return
        except Exception as failure:  # a template that raises, a tokenizer error
            log.exception("the prompt could not be built")
            reply.fail(tr("The prompt could not be built: {error}", error=str(failure)),
                       traceback.format_exc())
            return
        reply.begin(opens_reasoning=prompt.opens_reasoning)
        stats = reply.stats
        stats.prompt_tokens = len(prompt.input_ids)
        stats.dropped_messages = prompt.dropped_messages
        threads = ThreadsFollowLoad(self.model.device)
        try:
            cache, stats.reused_tokens = self.take_cache(prompt.input_ids)
            if not self.prefill(prompt.input_ids, cache, stats.reused_tokens, cancel, reply):
                reply.finish("cancelled")  # the cache holds a partial prompt: not kept
                return
            streamer = _Streamer(self.tokenizer, reply, self.special_ids)
            output = self.model.generate(
                input_ids=torch.tensor([prompt.input_ids], device=self.model.device),
                attention_mask=torch.ones((1, len(prompt.input_ids)), dtype=torch.long,
                                          device=self.model.device),
                cache=cache,
                streamer=streamer,
                stopping_criteria=StoppingCriteriaList([CancelCriteria(cancel), threads]),
                logits_processor=LogitsProcessorList([self._thinking_budget(request, reply)]),
                **self.sampling(request.settings, prompt.max_new_tokens),
            )
        except Exception as failure:  # anything from inside generate(): report, don't hang
            log.exception("generation failed")
            self._drop_cache()
            reply.fail(tr("The model stopped with an error: {error}", error=str(failure)),
                       traceback.format_exc())
            return
        finally:
            threads.restore()
        all_ids = output[0].tolist()
        if self.reuse_cache:
            self.prefixes.put(cache, all_ids)
        generated = len(all_ids) - len(prompt.input_ids)
        if cancel.is_set():
            reply.finish("cancelled")
        elif generated >= prompt.max_new_tokens and streamer.last_token not in self.eos_ids:
            reply.finish("length")
        else:
            reply.finish("stop")

    def _thinking_budget(self, request: GenerationRequest,
                         reply: ReplyStream) -> ThinkingBudgetProcessor:
        """Answer now and the thinking budget (engine/thinking_budget.py)."""
        budget = ThinkingBudget.for_request(
            reply, lambda text: self.tokenizer.encode(text, add_special_tokens=False),
            request.settings.thinking_budget, request.answer_now)
        return ThinkingBudgetProcessor(budget, self.tokenizer)

    def prompt_counter(self) -> PromptCounter:
        """Counts prompts while the user types, on another thread: with a copy of the
        tokenizer, as a fast tokenizer used from two threads at once may refuse."""
        if self._counter is None:
            tokenizer = self.tokenizer
            self._counter = PromptCounter(lambda: HFChatTemplate(copy.deepcopy(tokenizer)),
                                          self.context.tokens, self.loaded.context_size)
        return self._counter

    def close(self) -> None:
        """Drop every reference to the model before freeing it: memory held by a reference
        left here would still count as used when the next model checks what is free."""
        if self._counter is not None:
            self._counter.close()
        self._drop_cache()
        self.model = self.tokenizer = self.template = None
        unload(self.loaded)

    def prefill(self, ids: list[int], cache: Any, start: int, cancel: threading.Event,
                reply: ReplyStream) -> bool:
        """Run the prompt but its last token through the model in chunks; False if cancelled.

        Short prompts are left to ``generate``: one forward pass, nothing to report."""
        end = len(ids) - 1
        if end - start <= PREFILL_CHUNK:
            return not cancel.is_set()
        reply.prefill(start, len(ids))
        with torch.inference_mode():
            for at in range(start, end, PREFILL_CHUNK):
                if cancel.is_set():
                    return False
                chunk = ids[at:min(at + PREFILL_CHUNK, end)]
                self.model(input_ids=torch.tensor([chunk], device=self.model.device),
                           cache=cache, use_cache=True, logits_to_keep=1)
                reply.prefill(at + len(chunk), len(ids))
        return not cancel.is_set()

    def sampling(self, settings: GenerationSettings, max_new_tokens: int) -> dict[str, Any]:
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

    def take_cache(self, input_ids: list[int]) -> tuple[Any, int]:
        """A copy of the kept cache sharing the longest prefix with this prompt, cropped to
        it (engine/transformers_engine/prefix_cache.py), or a new one."""
        hit = self.prefixes.take(input_ids) if self.reuse_cache else None
        if hit is None:
            return DynamicCache(config=self.model.config), 0
        return hit.cache, hit.reused

    def _drop_cache(self) -> None:
        self.prefixes.clear()

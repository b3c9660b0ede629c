"""Several answers to one prompt in one batched ``generate`` (transformers).

The prompt is read once: everything but its last token goes into the KV cache (reusing a
kept prefix, in chunks with progress and cancel like one reply), then the cache is
repeated ``n`` times along the batch and ``generate`` samples ``n`` rows at once, as
``num_return_sequences`` would (which does not repeat a cache handed in). Every row has
its own decoder and ``ReplyStream`` (the reasoning splitter runs per answer) and its own
terminal event; a row that reached end-of-sequence is padded by ``generate`` and ignored
here. Afterwards each row's cache is kept as a branch of its own (prefix_cache.py).
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any, Protocol

import torch
from transformers import StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

from desktop_chat.core.alternatives import alternative_settings, tagged
from desktop_chat.core.context_budget import ContextBudget
from desktop_chat.core.inference import EventSink, GenerationRequest
from desktop_chat.core.reply import ReplyStream
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import PromptTooLongError
from desktop_chat.engine.prompt import PreparedPrompt
from desktop_chat.engine.transformers_engine.loader import LoadedModel
from desktop_chat.engine.transformers_engine.prefix_cache import PrefixCache, fork
from desktop_chat.engine.transformers_engine.streaming import (
    CancelCriteria,
    IncrementalDecoder,
    ThreadsFollowLoad,
)

log = logging.getLogger(__name__)


class BatchEngine(Protocol):
    """What a batch uses of the engine that runs it (chat.TransformersEngine, which calls
    ``generate_batch`` with itself): its model, its prompt, and its kept caches."""

    loaded: LoadedModel
    model: Any  # a transformers PreTrainedModel
    tokenizer: Any
    context: ContextBudget
    prefixes: PrefixCache
    reuse_cache: bool
    eos_ids: list[int]
    special_ids: set[int]

    def prepare(self, history: Any, settings: GenerationSettings) -> PreparedPrompt: ...

    def take_cache(self, input_ids: list[int]) -> tuple[Any, int]: ...

    def prefill(self, ids: list[int], cache: Any, start: int, cancel: threading.Event,
                reply: ReplyStream) -> bool: ...

    def sampling(self, settings: GenerationSettings, max_new_tokens: int) -> dict[str, Any]: ...


class _BatchStreamer(BaseStreamer):
    """Hands each row's new token to that row's reply, until the row has ended."""

    def __init__(self, engine: BatchEngine, replies: list[ReplyStream]) -> None:
        self.replies = replies
        self.decoders = [IncrementalDecoder(engine.tokenizer) for _ in replies]
        self.special_ids = engine.special_ids
        self.eos_ids = set(engine.eos_ids)
        self.ended = [False] * len(replies)
        self.generated = [0] * len(replies)
        self.prompt_skipped = False

    def put(self, value: torch.Tensor) -> None:
        if not self.prompt_skipped:  # generate() first hands over the prompt itself
            self.prompt_skipped = True
            return
        for row, token_id in enumerate(value.reshape(len(self.replies), -1)[:, -1].tolist()):
            if self.ended[row]:
                continue
            self.generated[row] += 1
            if token_id in self.eos_ids:
                self.ended[row] = True
            elif token_id not in self.special_ids:
                self.replies[row].tokens(self.decoders[row].step(token_id))

    def end(self) -> None:
        pass


def generate_batch(engine: BatchEngine, request: GenerationRequest,
                   cancel: threading.Event, emit: EventSink) -> None:
    """``request.alternatives`` answers in one pass; each sequence ends on its own."""
    count = request.alternatives
    settings = alternative_settings(request.settings, 0)
    limit = settings.context_limit
    context = min(limit, engine.loaded.context_size) if limit else engine.context.tokens
    replies = [ReplyStream(tagged(emit, row), context_size=context) for row in range(count)]
    try:
        prompt = engine.prepare(request.messages, settings)
    except PromptTooLongError as too_long:
        for reply in replies:
            reply.fail(str(too_long))
        return
    except Exception as failure:  # a template that raises, a tokenizer error
        log.exception("the prompt could not be built")
        for reply in replies:
            reply.fail(tr("The prompt could not be built: {error}", error=str(failure)),
                       traceback.format_exc())
        return
    ids = prompt.input_ids
    for reply in replies:
        reply.begin(opens_reasoning=prompt.opens_reasoning)
        reply.stats.prompt_tokens = len(ids)
        reply.stats.dropped_messages = prompt.dropped_messages
    threads = ThreadsFollowLoad(engine.model.device)
    try:
        cache, reused = engine.take_cache(ids)
        for reply in replies:
            reply.stats.reused_tokens = reused
        if not _read_prompt(engine, ids, cache, reused, cancel, replies[0]):
            for reply in replies:
                reply.finish("cancelled")
            return
        cache.batch_repeat_interleave(count)
        streamer = _BatchStreamer(engine, replies)
        output = engine.model.generate(
            input_ids=torch.tensor([ids] * count, device=engine.model.device),
            attention_mask=torch.ones((count, len(ids)), dtype=torch.long,
                                      device=engine.model.device),
            cache=cache, streamer=streamer,
            stopping_criteria=StoppingCriteriaList([CancelCriteria(cancel), threads]),
            **engine.sampling(settings, prompt.max_new_tokens),
        )
    except Exception as failure:  # anything from inside generate(): report, don't hang
        log.exception("generating alternatives failed")
        engine.prefixes.clear()
        for reply in replies:
            reply.fail(tr("The model stopped with an error: {error}", error=str(failure)),
                       traceback.format_exc())
        return
    finally:
        threads.restore()
    if engine.reuse_cache:
        _keep_rows(engine, cache, output, len(ids), streamer.generated)
    for row, reply in enumerate(replies):
        if cancel.is_set():
            reply.finish("cancelled")
        elif not streamer.ended[row]:
            reply.finish("length")
        else:
            reply.finish("stop")


def _read_prompt(engine: BatchEngine, ids: list[int], cache: Any, start: int,
                 cancel: threading.Event, reply: ReplyStream) -> bool:
    """All of the prompt but its last token into the cache, once for every row."""
    if not engine.prefill(ids, cache, start, cancel, reply):
        return False
    rest = ids[cache.get_seq_length():len(ids) - 1]
    if rest:
        with torch.inference_mode():
            engine.model(input_ids=torch.tensor([rest], device=engine.model.device),
                         cache=cache, use_cache=True, logits_to_keep=1)
    return not cancel.is_set()


def _keep_rows(engine: BatchEngine, cache: Any, output: torch.Tensor, prompt: int,
               generated: list[int]) -> None:
    """Keep each row's cache, cut to its own tokens, as a branch; the first row last, so it
    is the most recent (the version shown first)."""
    length = cache.get_seq_length()
    for row in reversed(range(len(generated))):
        own = min(length, prompt + generated[row])
        try:
            kept = fork(cache)
            kept.batch_select_indices(torch.tensor([row], device=output.device))
            if own < length:
                kept.crop(own - length)
        except (RuntimeError, ValueError, NotImplementedError, AttributeError) as refused:
            log.debug("alternative %d's cache is not kept (%s)", row, refused)
            continue
        engine.prefixes.put(kept, output[row, :own].tolist())

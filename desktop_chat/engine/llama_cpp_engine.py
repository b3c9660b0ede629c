"""The llama.cpp engine (llama-cpp-python): GGUF files run as they are, quantized or not.

Metal on macOS and CUDA where the installed build has them, the CPU elsewhere. The prompt
is the model's own chat template from the GGUF metadata, rendered by the same Jinja path
as transformers (``engine.prompt``), so the pre-filled ``<think>`` and the reasoning
splitter behave the same in both engines. Token ids are compared with what the context
holds from the previous turn: the common prefix stays in the KV cache. A long prompt is
evaluated in chunks, so cancel and close take effect within one chunk.
"""

from __future__ import annotations

import codecs
import logging
import os
import threading
import traceback
from pathlib import Path
from typing import Any

from desktop_chat.core.context_budget import ContextBudget, automatic_context, chosen_context
from desktop_chat.core.inference import (
    ENGINE_LLAMA_CPP,
    EventSink,
    GenerationRequest,
    LoadRequest,
    ModelInfo,
    ProgressCallback,
)
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.reply import ReplyStream
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import (
    LoadCancelled,
    ModelLoadError,
    PromptTooLongError,
    failure_details,
)
from desktop_chat.engine.gguf_info import GGUFInfo, read_gguf_info
from desktop_chat.engine.llama_devices import device_names, gpu_offload
from desktop_chat.engine.prompt import (
    PLAIN_CHAT_TEMPLATE,
    ChatMessages,
    common_prefix_length,
    fit_prompt,
)
from desktop_chat.engine.prompt_counter import PromptCounter
from desktop_chat.engine.thinking_budget import ThinkingBudget
from desktop_chat.engine.thread_budget import ThreadBudget, physical_cores

log = logging.getLogger(__name__)

PREFILL_CHUNK = 256  # prompt tokens per decode call while reading a long prompt
DEFAULT_MAX_CONTEXT = 32_768  # unless the settings ask for more: the KV cache is allocated
MEMORY_SHARE = 0.9  # of the available memory a model may plan to use


class LlamaTemplate:
    """The GGUF's chat template, rendered by transformers' Jinja renderer."""

    def __init__(self, llm: Any, template: str, special: dict[str, str]) -> None:
        self.llm = llm
        self.template = template
        self.special = special  # bos_token, eos_token: the template refers to them

    def render(self, messages: ChatMessages, add_generation_prompt: bool) -> str:
        from transformers.utils.chat_template_utils import render_jinja_template

        rendered, _ = render_jinja_template(
            conversations=[messages], chat_template=self.template,
            add_generation_prompt=add_generation_prompt, **self.special)
        return rendered[0]

    def encode(self, messages: ChatMessages) -> list[int]:
        # The template writes BOS itself when the model wants one, as with transformers.
        text = self.render(messages, True)
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True)


class LlamaCppPlan:
    def __init__(self, request: LoadRequest, gguf: Path) -> None:
        self.request = request
        self.file = gguf
        self.gguf = read_gguf_info(gguf)
        self.name = gguf.stem
        self.gpu = gpu_offload(request.device)
        self.context = _context(self.gguf, request.context_limit, self._free_memory())

    def _free_memory(self) -> int:
        """Free memory on the device the weights and the KV cache go to (the GPU's own
        when offloading), which sizes the automatic context."""
        from desktop_chat.engine.memory_estimate import free_memory

        return free_memory(device_names(self.gpu, 1)[0])

    def check_fits(self) -> None:
        """The file as it is, the KV cache llama.cpp allocates for the context, its compute
        buffer and overhead, against the memory free on the device it will use
        (engine/memory_estimate.py); the error names the ways out."""
        from desktop_chat.engine.memory_estimate import estimate_gguf, refuse_if_too_big

        device = device_names(self.gpu, 1)[0]
        # the context load() will allocate, not one the estimate would choose afresh
        refuse_if_too_big(estimate_gguf(self.file, device=device,
                                        context_limit=self.context.tokens))

    def load(self, progress: ProgressCallback, cancel: threading.Event) -> LlamaCppEngine:
        from llama_cpp import Llama

        progress(0.05, tr("Loading weights"))
        threads = physical_cores()
        try:
            llm = Llama(model_path=str(self.file), n_ctx=self.context.tokens, n_batch=512,
                        n_gpu_layers=-1 if self.gpu else 0, n_threads=threads,
                        n_threads_batch=os.cpu_count() or threads, verbose=False)
        except (ValueError, RuntimeError, OSError) as error:
            raise ModelLoadError(tr("llama.cpp could not load this GGUF file (it may be "
                                    "damaged, or of an architecture this version does not "
                                    "know)."), failure_details(error)) from None
        if cancel.is_set():
            llm.close()
            raise LoadCancelled()
        progress(1.0, tr("Ready"))
        return LlamaCppEngine(llm, self, threads)


class LlamaCppEngine:
    def __init__(self, llm: Any, plan: LlamaCppPlan, threads: int) -> None:
        self.llm = llm
        # decoding on the CPU follows the cores other programs leave free (thread_budget.py)
        self._threads = None if plan.gpu else ThreadBudget(threads)
        self._counter: PromptCounter | None = None
        gguf = plan.gguf
        notices = []
        template = llm.metadata.get("tokenizer.chat_template") or gguf.chat_template
        if not template:
            template = PLAIN_CHAT_TEMPLATE
            notices.append(tr("This model has no chat template; a plain “User: / "
                              "Assistant:” format is used, and answers may be weaker."))
        self.template = LlamaTemplate(llm, template, {
            "bos_token": self._token_text(llm.token_bos()),
            "eos_token": self._token_text(llm.token_eos())})
        device, device_name = device_names(plan.gpu, threads)
        self.info = ModelInfo(
            name=plan.name, source=plan.request.source if plan.request.source.is_gguf
            else ModelSource.local(plan.file), engine=ENGINE_LLAMA_CPP, device=device,
            device_name=device_name, precision=gguf.file_type, context_size=llm.n_ctx(),
            memory_bytes=gguf.file_size + gguf.kv_bytes(llm.n_ctx()),
            reason=tr("llama.cpp runs GGUF files as they are ({type})", type=gguf.file_type),
            context_reason=plan.context.reason, notices=tuple(notices), model_defaults={},
            can_answer_now=True, architecture=gguf.architecture,
            parameter_count=gguf.parameter_count, chat_template=template)

    def generate(self, request: GenerationRequest, cancel: threading.Event,
                 emit: EventSink) -> None:
        reply = ReplyStream(emit, context_size=self.llm.n_ctx())
        try:
            prompt = fit_prompt(self.template, request.messages, request.settings,
                                self.llm.n_ctx(), self.llm.n_ctx())
        except PromptTooLongError as too_long:
            reply.fail(str(too_long))
            return
        except Exception as failure:  # a template that raises
            log.exception("the prompt could not be built")
            reply.fail(tr("The prompt could not be built: {error}", error=str(failure)),
                       traceback.format_exc())
            return
        reply.begin(opens_reasoning=prompt.opens_reasoning)
        reply.stats.prompt_tokens = len(prompt.input_ids)
        reply.stats.dropped_messages = prompt.dropped_messages
        try:
            reply.stats.reused_tokens = self._prefill(prompt.input_ids, cancel, reply)
            if cancel.is_set():
                reply.finish("cancelled")
                return
            budget = ThinkingBudget.for_request(
                reply, lambda text: self.llm.tokenize(text.encode(), add_bos=False,
                                                      special=True),
                request.settings.thinking_budget, request.answer_now)
            reason = self._decode(prompt.input_ids, prompt.max_new_tokens, request.settings,
                                  cancel, reply, budget)
        except Exception as failure:
            log.exception("generation failed")
            self.llm.reset()  # the context may hold a half-evaluated batch
            reply.fail(tr("The model stopped with an error: {error}", error=str(failure)),
                       traceback.format_exc())
            return
        reply.finish(reason)

    def prompt_counter(self) -> PromptCounter:
        """Counts prompts while the user types, on another thread (llama.cpp's tokenizer
        only reads the vocabulary); closed before the model is freed."""
        if self._counter is None:
            template = self.template
            self._counter = PromptCounter(lambda: template, self.llm.n_ctx(), self.llm.n_ctx())
        return self._counter

    def close(self) -> None:
        if self._counter is not None:
            self._counter.close()  # waits for a count in progress: it uses the model
        self.llm.close()

    # ----- inside --------------------------------------------------------------------------

    def _prefill(self, ids: list[int], cancel: threading.Event, reply: ReplyStream) -> int:
        """Keep the cached prefix, evaluate the rest but the last token in chunks; returns
        how many prompt tokens came from the cache."""
        llm = self.llm
        shared = min(common_prefix_length(llm.input_ids[:llm.n_tokens].tolist(), ids),
                     len(ids) - 1)
        if shared < llm.n_tokens:
            if shared == 0 or not llm._ctx.kv_cache_seq_rm(-1, shared, -1):
                llm.reset()  # a cache that cannot be cut (sliding window, recurrent)
                shared = 0
            llm.n_tokens = shared
        end = len(ids) - 1
        if end - shared > PREFILL_CHUNK:
            reply.prefill(shared, len(ids))
        for at in range(shared, end, PREFILL_CHUNK):
            if cancel.is_set():
                return shared
            chunk = ids[at:min(at + PREFILL_CHUNK, end)]
            llm.eval(chunk)
            if end - shared > PREFILL_CHUNK:
                reply.prefill(at + len(chunk), len(ids))
        return shared

    def _decode(self, ids: list[int], max_new_tokens: int, settings: GenerationSettings,
                cancel: threading.Event, reply: ReplyStream, budget: ThinkingBudget) -> str:
        """Sample until end of turn, cancel or the length limit; the finish reason.

        When the thinking is cut (engine/thinking_budget.py), the end-of-thinking tokens
        join the sequence and sampling starts again after them: llama.cpp keeps the
        context, so only those few tokens are evaluated."""
        import llama_cpp

        llm = self.llm
        if settings.seed is not None:
            llm.set_seed(settings.seed)
        sampling = dict(top_k=settings.top_k, top_p=settings.top_p, min_p=0.0,
                        temp=settings.temperature, repeat_penalty=settings.repetition_penalty)
        if not settings.do_sample:
            sampling.update(temp=0.0, top_k=1, top_p=1.0)
        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        generated: list[int] = []
        reason = "stop"
        forced = budget.forced_token()  # "Answer now" before the first token
        while reason == "stop":
            if forced is not None:
                forced_ids = [forced]
                while budget.forcing:
                    forced_ids.append(budget.forced_token())
                if len(ids) + len(generated) + len(forced_ids) >= llm.n_ctx():
                    reason = "length"
                    break
                for token in forced_ids:
                    reply.tokens(decoder.decode(llm.detokenize([token], special=False)))
                generated += forced_ids
            forced = None
            for token in llm.generate(ids + generated, **sampling):
                self._follow_load()
                if cancel.is_set():
                    reason = "cancelled"
                    break
                if llama_cpp.llama_vocab_is_eog(vocab, token):
                    break
                generated.append(token)
                reply.tokens(decoder.decode(llm.detokenize([token], special=False)))
                if len(generated) >= max_new_tokens or llm.n_tokens + 1 >= llm.n_ctx():
                    reason = "length"
                    break
                forced = budget.forced_token(mid_character=bool(decoder.getstate()[0]))
                if forced is not None:
                    break  # go on from the end of the thinking
            if forced is None:
                break
        reply.tokens(decoder.decode(b"", final=True), count=0)
        return reason

    def _follow_load(self) -> None:
        """Decode with the threads the machine has free now; prefill keeps them all (its
        large matrix products lose less to a descheduled thread)."""
        if self._threads is None:
            return
        import llama_cpp

        threads = self._threads.threads()
        ctx = self.llm.ctx
        if threads != llama_cpp.llama_n_threads(ctx):
            llama_cpp.llama_set_n_threads(ctx, threads, llama_cpp.llama_n_threads_batch(ctx))

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="replace")


def _context(gguf: GGUFInfo, limit: int, free_bytes: int) -> ContextBudget:
    """The context to allocate: the settings' limit, else what memory allows (llama.cpp
    reserves the whole KV cache when it opens the file)."""
    trained = gguf.context_length or DEFAULT_MAX_CONTEXT
    if limit:
        return chosen_context(limit, trained)
    free = max(0, free_bytes - gguf.file_size)
    return automatic_context(gguf.kv_bytes(1), free, trained, engine_cap=DEFAULT_MAX_CONTEXT)

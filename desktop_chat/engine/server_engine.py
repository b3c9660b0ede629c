"""The OpenAI-compatible server engine: vLLM, SGLang, TGI, Ollama, LM Studio, llama.cpp's
server, ``transformers serve``... anything that speaks ``/v1/chat/completions``.

The stream is read on a reader thread that hands chunks over a queue, so Stop takes effect
at once even while the server is still reading a long prompt (a blocked socket read
cannot be interrupted portably): the reply ends as cancelled and the reader closes the
stream behind it.

Reasoning arrives as ``reasoning_content`` (DeepSeek, llama.cpp) or ``reasoning`` (vLLM,
Ollama) deltas, or as ``<think>`` tags in the content, which go through the shared
splitter. A server whose template opens the think block in the prompt sends only its
``</think>``: the text before it turns out to be reasoning (``AnswerWasReasoning``), and
later replies from that server start as reasoning, until one ends without closing it.
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from dataclasses import dataclass
from typing import Any

from desktop_chat.core.inference import (
    ENGINE_SERVER,
    EventSink,
    GenerationRequest,
    LoadRequest,
    ModelInfo,
    ProgressCallback,
)
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.reply import ReplyStream
from desktop_chat.core.secrets import api_key_for
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import LoadCancelled
from desktop_chat.engine.prompt import chat_messages
from desktop_chat.engine.server_errors import ServerError, describe

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 600.0  # a slow server may read a long prompt for minutes before a token
LIST_TIMEOUT_S = 15.0
CANCEL_POLL_S = 0.05
CONTEXT_KEYS = ("max_model_len", "context_length", "context_window", "max_context_length",
                "n_ctx")
FINISH_REASONS = {"stop": "stop", "length": "length", "eos": "stop", "tool_calls": "stop"}


def make_client(base_url: str, api_key: str | None = None,
                read_timeout_s: float | None = None) -> Any:
    import openai

    timeout = openai.Timeout(read_timeout_s or READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    # Servers on this computer need no key, but the client insists on one.
    return openai.OpenAI(base_url=base_url, api_key=api_key or api_key_for(base_url) or "none",
                         max_retries=0, timeout=timeout)


@dataclass(frozen=True)
class ServerModel:
    id: str
    context_size: int = 0


def list_models(base_url: str, api_key: str | None = None) -> list[ServerModel]:
    """The models a server offers (``/v1/models``); raises ServerError. A short timeout: a
    server that does not list them at once is not going to."""
    client = make_client(base_url, api_key, read_timeout_s=LIST_TIMEOUT_S)
    try:
        page = client.models.list()
        return [ServerModel(m.id, _context_size(m)) for m in page.data]
    except Exception as error:
        raise describe(error, base_url) from None
    finally:
        client.close()


def _context_size(model: Any) -> int:
    extra = dict(getattr(model, "model_extra", None) or {})
    extra.update(extra.get("meta") or {})  # llama.cpp's server nests n_ctx_train here
    for key in (*CONTEXT_KEYS, "n_ctx_train"):
        value = extra.get(key)
        if isinstance(value, int) and value > 0:
            return value
    return 0


class ServerPlan:
    def __init__(self, request: LoadRequest) -> None:
        self.source = request.source
        self.name = self.source.display_name

    def check_fits(self) -> None:
        pass  # the server's memory is the server's business

    def load(self, progress: ProgressCallback, cancel: threading.Event) -> ServerEngine:
        base_url = self.source.location
        progress(0.2, tr("Connecting to the server"))
        try:
            offered = list_models(base_url)
        except ServerError as error:
            if not self.source.model or "(404)" not in str(error):
                raise
            offered = []  # no model list here; the model was named, so try it
        if cancel.is_set():
            raise LoadCancelled()
        model = self._choose(offered)
        context = next((m.context_size for m in offered if m.id == model), 0)
        source = ModelSource.server(base_url, model)
        progress(1.0, tr("Ready"))
        return ServerEngine(source, context)

    def _choose(self, offered: list[ServerModel]) -> str:
        wanted = self.source.model
        names = [m.id for m in offered]
        if wanted and (not names or wanted in names):
            return wanted
        if wanted:
            raise ServerError(
                tr("The server does not offer the model “{model}”.", model=wanted),
                tr("It offers: {models}", models=", ".join(names)))
        if not names:
            raise ServerError(tr("The server lists no models. Type the name of the model to "
                                 "use in Connect to Server…."))
        return names[0]


class ServerEngine:
    def __init__(self, source: ModelSource, context_size: int) -> None:
        self.source = source
        self.client = make_client(source.location)
        self._send_extras = True  # top_k and repetition_penalty, until the server refuses
        self._template_opens_think = False  # learned from a reply that only closed it
        self.info = ModelInfo(
            name=source.model, source=source, engine=ENGINE_SERVER, device="server",
            device_name=source.location, precision="", context_size=context_size,
            reason=tr("an OpenAI-compatible server at {url}", url=source.location))

    def generate(self, request: GenerationRequest, cancel: threading.Event,
                 emit: EventSink) -> None:
        reply = ReplyStream(emit, context_size=self.info.context_size)
        # The server's chat template is out of sight. Thinking it opened in the prompt is
        # told by a </think> that nothing opened; once seen, later replies start as
        # thinking, presumed only: one that ends without closing it was an answer.
        learned = self._template_opens_think
        reply.begin(opens_reasoning=learned, late_reasoning=not learned, tentative=learned)
        try:
            outcome = self._reply(request, reply, cancel)
        except Exception as error:  # a chunk of a shape nobody expected: report, keep text
            log.exception("reading the server's reply failed")
            reply.fail(tr("The server's reply could not be read: {error}", error=str(error)),
                       traceback.format_exc())
            return
        if isinstance(outcome, BaseException):
            error = describe(outcome, self.source.location, self.source.model,
                             midway=reply.token_count > 0)
            reply.fail(str(error), error.details)
        elif outcome == "cancelled":
            reply.finish("cancelled")
        elif outcome == "empty":
            reply.fail(tr("The server ended the reply without sending anything. The prompt "
                          "may be longer than the server's context."))
        elif outcome == "cut":  # the stream ended without saying why: cut off
            reply.fail(tr("The connection to {host} was lost in the middle of the reply. "
                          "What arrived is kept.", host=self.source.display_name))
        else:
            reply.finish(outcome)
        if reply.reclassified or reply.reverted:
            self._template_opens_think = reply.reclassified

    def _reply(self, request: GenerationRequest, reply: ReplyStream,
               cancel: threading.Event) -> str | BaseException:
        messages = chat_messages(request.messages, request.settings.system_prompt)
        params = self._parameters(messages, request.settings)
        outcome = self._stream(params, reply, cancel)
        if isinstance(outcome, BaseException) and "extra_body" in params \
                and _refuses_extras(outcome):
            # transformers serve refuses fields outside OpenAI's API (top_k,
            # repetition_penalty): ask again without them, and stop sending them.
            log.info("the server refuses top_k / repetition_penalty; sent without them")
            self._send_extras = False
            outcome = self._stream(self._parameters(messages, request.settings), reply, cancel)
        return outcome

    def _stream(self, params: dict[str, Any], reply: ReplyStream,
                cancel: threading.Event) -> str | BaseException:
        """Read one streamed completion into ``reply``: its finish reason, "cancelled",
        "empty" or "cut" (ended without a finish reason), or the error that ended it."""
        reader = _StreamReader(self.client, params)
        reader.start()
        usage: Any = None
        finish_reason: str | None = None
        chunks = 0
        try:
            while True:
                if cancel.is_set():
                    return "cancelled"
                try:
                    kind, item = reader.chunks.get(timeout=CANCEL_POLL_S)
                except queue.Empty:
                    continue
                if kind == "error":
                    return item
                if kind == "end":
                    break
                if reply.token_count >= params["max_tokens"] and _carries_text(item):
                    # A server that ignores max_tokens would stream on without end: the
                    # reply stops here, as one that reached the limit.
                    log.warning("the server sent more than max_tokens (%d); reply cut here",
                                params["max_tokens"])
                    finish_reason = "length"
                    break
                chunks += 1
                usage = getattr(item, "usage", None) or usage
                finish_reason = self._take(item, reply) or finish_reason
        finally:
            reader.abandon()  # ended, cancelled or failed here: the stream is closed
        _apply_usage(reply, usage)
        if finish_reason is None:
            return "empty" if not chunks else "cut"
        return finish_reason

    def prompt_counter(self) -> None:
        """The server's tokenizer is out of reach: no count while typing."""
        return None

    def close(self) -> None:
        self.client.close()

    def _parameters(self, messages: list[dict[str, str]],
                    settings: GenerationSettings) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.source.model, "messages": messages, "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": settings.max_new_tokens,
        }
        if settings.do_sample:
            params.update(temperature=settings.temperature, top_p=settings.top_p)
        else:
            params["temperature"] = 0.0
        if settings.seed is not None:
            params["seed"] = settings.seed
        extra = {}  # not in OpenAI's API: sent only when set, as vLLM and others read them
        if settings.do_sample and settings.top_k:
            extra["top_k"] = settings.top_k
        if settings.repetition_penalty != 1.0:
            extra["repetition_penalty"] = settings.repetition_penalty
        if extra and self._send_extras:
            params["extra_body"] = extra
        return params

    @staticmethod
    def _take(chunk: Any, reply: ReplyStream) -> str | None:
        """Hand one chunk's deltas to the reply; its finish reason, if it has one."""
        finish = None
        for choice in getattr(chunk, "choices", None) or []:
            delta = choice.delta
            if delta is None:  # some servers send a final chunk with no delta at all
                delta = _NO_DELTA
            extra = getattr(delta, "model_extra", None) or {}
            reasoning = extra.get("reasoning_content") or extra.get("reasoning")
            if reasoning:
                reply.reasoning_text(reasoning)
            if delta.content:
                reply.tokens(delta.content)
            if choice.finish_reason:
                finish = FINISH_REASONS.get(choice.finish_reason, "stop")
        return finish


class _NoDelta:
    content = None
    model_extra: dict[str, Any] = {}


_NO_DELTA = _NoDelta()


def _carries_text(chunk: Any) -> bool:
    """Whether a chunk holds answer or reasoning text (each such chunk counts a token)."""
    for choice in getattr(chunk, "choices", None) or []:
        delta = choice.delta or _NO_DELTA
        extra = getattr(delta, "model_extra", None) or {}
        if delta.content or extra.get("reasoning_content") or extra.get("reasoning"):
            return True
    return False


def _refuses_extras(error: BaseException) -> bool:
    status = getattr(error, "status_code", 0)
    text = str(getattr(error, "body", "") or error)
    return status in (400, 422) and any(
        word in text for word in ("top_k", "repetition_penalty", "Unexpected field", "extra"))


def _apply_usage(reply: ReplyStream, usage: Any) -> None:
    """The server's own token counts replace ours (we count chunks) when it sends them."""
    if usage is None:
        return
    stats = reply.stats
    stats.prompt_tokens = getattr(usage, "prompt_tokens", 0) or stats.prompt_tokens
    completion = getattr(usage, "completion_tokens", 0) or 0
    details = getattr(usage, "completion_tokens_details", None)
    reasoning = getattr(details, "reasoning_tokens", None) if details else None
    if completion:
        counted = stats.reasoning_tokens + stats.answer_tokens
        if reasoning is None and counted:  # split the server's total as we saw it split
            reasoning = round(completion * stats.reasoning_tokens / counted)
        stats.reasoning_tokens = min(reasoning or 0, completion)
        stats.answer_tokens = completion - stats.reasoning_tokens


class _StreamReader(threading.Thread):
    """Reads one streamed completion into ``chunks``: ("chunk", c)..., then ("end", None)
    or ("error", exception). ``abandon`` makes it close the stream and stop."""

    def __init__(self, client: Any, params: dict[str, Any]) -> None:
        super().__init__(name="ServerStreamReader", daemon=True)
        self.client = client
        self.params = params
        self.chunks: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._abandoned = threading.Event()
        self._stream: Any = None

    def abandon(self) -> None:
        self._abandoned.set()
        stream = self._stream
        if stream is not None:
            try:
                stream.close()
            except Exception:  # closing from this thread is best effort; the reader ends too
                log.debug("closing the stream from the worker thread failed", exc_info=True)

    def run(self) -> None:
        try:
            self._stream = self.client.chat.completions.create(**self.params)
            with self._stream as stream:
                for chunk in stream:
                    if self._abandoned.is_set():
                        return
                    self.chunks.put(("chunk", chunk))
            self.chunks.put(("end", None))
        except Exception as error:
            if not self._abandoned.is_set():
                self.chunks.put(("error", error))

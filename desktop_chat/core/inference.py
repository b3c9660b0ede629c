"""The engine contract: what the worker asks of a chat engine and what it reports (no Qt).

An engine is opened from a ``LoadRequest`` (by ``desktop_chat.engine.registry``), describes
itself with a ``ModelInfo``, and generates a reply from a ``GenerationRequest``, reporting
through typed stream events: reasoning and answer deltas, prefill progress, and exactly one
terminal event, ``Finished`` (with stats) or ``Failed`` (with message, details and the
partial text). The worker drives every engine the same way; the ui sees only these types.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from desktop_chat.core.conversation import Message
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.token_count import TokenCounter
from desktop_chat.core.user_message import join

ENGINE_TRANSFORMERS = "transformers"
ENGINE_LLAMA_CPP = "llama.cpp"
ENGINE_SERVER = "server"


class EngineError(Exception):
    """A model could not be opened or used. ``str()`` is for the user; ``details`` for the
    curious; ``remedy`` names what the user may allow to get past it (see LoadFailure)."""

    remedy: str | None = None

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details

    def __str__(self) -> str:  # the message itself: a UserMessage stays translatable
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


@dataclass(frozen=True)
class LoadRequest:
    source: ModelSource
    device: str = "auto"
    dtype: str = "auto"  # a torch dtype name, "int4" (CPU, transformers) or "auto"
    allow_remote_code: bool = False
    release_current: bool = False  # the user agreed to close the open model first
    # 0: the model's maximum; llama.cpp allocates its KV cache up front, so there it means
    # the model's maximum up to 32,768 tokens.
    context_limit: int = 0
    # A model folder opens through its fast copy (core/fast_copy.py) when one is made.
    fast_copy: bool = False

    @classmethod
    def for_path(cls, path: str, **options: Any) -> LoadRequest:
        return cls(ModelSource.local(path), **options)


@dataclass(frozen=True)
class ModelInfo:
    name: str
    source: ModelSource
    engine: str  # ENGINE_TRANSFORMERS, ENGINE_LLAMA_CPP or ENGINE_SERVER
    device: str  # "cuda", "mps", "xpu", "metal", "cpu", or "server"
    device_name: str  # for people: "CPU (2 threads)", "NVIDIA H200", "http://host:8000"
    precision: str  # "bfloat16", "int4 (torchao)", "Q4_K_M", ... or "" when unknown
    context_size: int  # the automatic limit (0 when unknown: a server that does not say)
    memory_bytes: int = 0  # what the loaded model takes, measured or from its files
    context_reason: str = ""  # why that context: memory, the model's maximum, the settings
    reason: str = ""  # why this engine, device and precision
    notices: tuple[str, ...] = ()  # things the user should know (e.g. no chat template)
    model_defaults: dict[str, Any] = field(default_factory=dict)  # from generation_config
    # Alternatives come from one batched pass (else one after another: core/alternatives.py).
    batches_alternatives: bool = False
    # The engine can end the thinking early (Answer now, the thinking budget): it samples
    # the tokens itself. A server cannot be made to.
    can_answer_now: bool = False
    # For the Model Info view: what the model is and what opening it took.
    architecture: str = ""  # "Qwen2ForCausalLM", or a GGUF's "qwen2"
    parameter_count: int = 0
    chat_template: str = ""  # the template in use ("" for a server)
    memory_measured_bytes: int = 0  # process memory (and CUDA's) after the load minus before

    @property
    def path(self) -> str:
        """What identifies the model in settings and Recent Models."""
        return self.source.to_string()

    @property
    def summary(self) -> str:
        """One line for the status bar: model, engine, device, precision."""
        parts = [self.name, self.engine, self.device_name]
        if self.precision:
            parts.append(self.precision)
        return join(*parts, separator=" · ")  # the device name may be a UserMessage


@dataclass(frozen=True)
class GenerationRequest:
    """Generate the assistant's reply to ``messages`` (the last one is the user's)."""

    messages: tuple[Message, ...]
    settings: GenerationSettings
    request_id: int = 0  # echoed in the result, so a late result is told apart
    # Set (from any thread: worker.answer_now) to make the model close its thinking and
    # answer; read between tokens by engines whose ModelInfo.can_answer_now is true.
    answer_now: threading.Event = field(default_factory=threading.Event, compare=False,
                                        repr=False)
    # More than 1: that many answers to the same prompt, each its own sequence of events.
    alternatives: int = 1


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    reused_tokens: int = 0  # of the prompt, served from a previous turn's KV cache
    reasoning_tokens: int = 0
    answer_tokens: int = 0
    time_to_first_token_s: float = 0.0
    decode_tokens_per_s: float = 0.0
    thinking_s: float | None = None  # request to end of reasoning, when there was reasoning
    total_s: float = 0.0
    dropped_messages: int = 0  # oldest messages left out to fit the context
    context_size: int = 0
    finish_reason: str = "stop"  # stop, length, cancelled or error
    # The thinking was ended early: "answer_now" (the user asked) or "budget" (the thinking
    # budget was spent); see engine/thinking_budget.py. Saved only when set.
    thinking_cut: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["finish_reason"]  # stored on the message itself
        if data["thinking_cut"] is None:
            del data["thinking_cut"]
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()}


@dataclass
class GenerationResult:
    reasoning: str
    answer: str
    reasoning_unfinished: bool  # the output ended inside the think block
    stats: GenerationStats
    error: str | None = None  # for the user, when finish_reason is "error"
    error_details: str = ""
    request_id: int = 0
    sequence: int = 0  # which alternative (GenerationRequest.alternatives)


def empty_result(finish_reason: str, request_id: int = 0) -> GenerationResult:
    return GenerationResult(reasoning="", answer="", reasoning_unfinished=False,
                            stats=GenerationStats(finish_reason=finish_reason),
                            request_id=request_id)


# ----- stream events ------------------------------------------------------------------------

# ``sequence``: which of a request's alternatives the event belongs to (0 for a plain reply).
# With alternatives, every sequence ends with its own Finished or Failed.

@dataclass(frozen=True)
class ReasoningDelta:
    text: str
    sequence: int = 0


@dataclass(frozen=True)
class AnswerDelta:
    text: str
    sequence: int = 0


@dataclass(frozen=True)
class AnswerWasReasoning:
    """The text streamed as answer so far was reasoning after all: a server's model closed a
    think block (``</think>``) its chat template had opened in the prompt, out of our sight."""

    sequence: int = 0


@dataclass(frozen=True)
class PrefillProgress:
    done: int  # prompt tokens processed
    total: int


@dataclass(frozen=True)
class Finished:
    result: GenerationResult
    sequence: int = 0


@dataclass(frozen=True)
class Failed:
    message: str  # for the user
    details: str
    result: GenerationResult  # the partial text, with finish_reason "error"
    sequence: int = 0


StreamEvent = (ReasoningDelta | AnswerDelta | AnswerWasReasoning | PrefillProgress
               | Finished | Failed)
EventSink = Callable[[StreamEvent], None]
ProgressCallback = Callable[[float, str], None]  # fraction 0..1, what is happening


class ChatEngine(Protocol):
    """One open model. Created on the worker thread, used only there."""

    info: ModelInfo

    def generate(self, request: GenerationRequest, cancel: threading.Event,
                 emit: EventSink) -> None:
        """Stream the reply through ``emit``: deltas and progress, then exactly one
        ``Finished`` or ``Failed``. Never raises. A set ``cancel`` ends it as ``Finished``
        with finish_reason "cancelled" and the text so far, within one token or one
        prefill chunk."""

    def prompt_counter(self) -> TokenCounter | None:
        """What counts prompts while the user types, from another thread (None: the
        engine cannot count, as a server's tokenizer is out of reach)."""

    def close(self) -> None:
        """Free the model's memory (or the connection). The engine is unusable after."""


# ----- the model lifecycle, as the worker reports it -----------------------------------------

PHASE_NO_MODEL = "no_model"
PHASE_LOADING = "loading"
PHASE_READY = "ready"
PHASE_FAILED = "failed"

REMEDY_REMOTE_CODE = "allow_remote_code"
REMEDY_RELEASE_CURRENT = "release_current"


@dataclass(frozen=True)
class LoadFailure:
    message: str
    details: str = ""
    remedy: str | None = None  # REMEDY_*: what the user may allow to try again
    cancelled: bool = False
    request: LoadRequest | None = None  # what failed to load
    load_id: int = 0


@dataclass(frozen=True)
class ModelState:
    """The worker's model lifecycle: what is open now and what is happening.

    ``current`` is the model that answers right now (it stays open while another loads);
    ``loading`` is the request being loaded. ``revision`` grows with every change, so a
    late state from the worker thread never overrides a newer one.
    """

    phase: str = PHASE_NO_MODEL
    current: ModelInfo | None = None
    loading: LoadRequest | None = None
    load_id: int = 0
    failure: LoadFailure | None = None
    revision: int = 0

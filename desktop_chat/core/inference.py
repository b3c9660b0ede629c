"""What the window asks of the inference worker and what it gets back (plain data, no Qt)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from desktop_chat.core.conversation import Message
from desktop_chat.core.settings import GenerationSettings


@dataclass(frozen=True)
class LoadRequest:
    path: str
    device: str = "auto"
    dtype: str = "auto"
    allow_remote_code: bool = False


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: str
    device: str  # "cuda", "mps", "xpu" or "cpu"
    device_name: str
    dtype: str  # "bfloat16", "float16" or "float32"
    context_size: int
    reason: str  # why this device and precision
    notices: tuple[str, ...] = ()  # things the user should know (e.g. no chat template)
    model_defaults: dict[str, Any] = field(default_factory=dict)  # from generation_config


@dataclass(frozen=True)
class GenerationRequest:
    """Generate the assistant's reply to ``messages`` (the last one is the user's)."""

    messages: tuple[Message, ...]
    settings: GenerationSettings
    request_id: int = 0  # echoed in the result, so a late result is told apart


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    reused_tokens: int = 0  # of the prompt, served from the previous turn's KV cache
    reasoning_tokens: int = 0
    answer_tokens: int = 0
    time_to_first_token_s: float = 0.0
    decode_tokens_per_s: float = 0.0
    thinking_s: float | None = None  # request to end of reasoning, when there was reasoning
    total_s: float = 0.0
    dropped_messages: int = 0  # oldest messages left out to fit the context
    context_size: int = 0
    finish_reason: str = "stop"  # stop, length, cancelled or error

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["finish_reason"]  # stored on the message itself
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

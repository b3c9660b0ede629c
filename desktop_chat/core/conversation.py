"""Conversations and messages, and their JSON form (one file per conversation).

The message shape follows the OpenAI/DeepSeek chat API (``role``, ``content``,
``reasoning_content``) plus our metadata. Keys this version does not know, written by a
newer version, are carried in ``extra`` and written back unchanged. A file with a newer
``schema_version`` than ours is refused (``FutureSchemaError``) so it is never rewritten
by code that does not understand it. A message whose ``role`` or ``finish_reason`` this
version does not know (a newer version's ``tool`` messages, say) loads, but makes the
conversation read-only (``Conversation.read_only_reason``): the store never rewrites it,
and the unknown values are kept exactly as they were.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SCHEMA_VERSION = 1

ROLES = ("system", "user", "assistant")
FINISH_REASONS = ("stop", "length", "cancelled", "error")


class ConversationFormatError(ValueError):
    """The JSON does not describe a valid conversation."""


class FutureSchemaError(ConversationFormatError):
    """Written by a newer Desktop Chat: readable by it, not by us."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"This conversation was saved by a newer version of Desktop Chat "
            f"(format {found}, this version reads format {SCHEMA_VERSION}). "
            f"It is left untouched."
        )
        self.found = found


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    return uuid.uuid4().hex


def _take(data: dict[str, Any], key: str, types: type | tuple[type, ...], where: str,
          *, required: bool = True, default: Any = None) -> Any:
    if key not in data:
        if required:
            raise ConversationFormatError(f"{where}: missing '{key}'")
        return default
    value = data[key]
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
        raise ConversationFormatError(
            f"{where}: '{key}' should be {_type_names(types)}, not {type(value).__name__}"
        )
    return value


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _type_names(types: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a number", float: "a number", dict: "an object",
             list: "a list", type(None): "null", bool: "true/false"}
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in _as_tuple(types)))


@dataclass
class Message:
    role: str
    content: str
    reasoning_content: str | None = None
    id: str = field(default_factory=new_id)
    created_at: str = field(default_factory=utc_now)
    finish_reason: str | None = None
    stats: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    _KEYS = ("id", "role", "content", "reasoning_content", "created_at", "finish_reason",
             "stats")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "role": self.role, "content": self.content}
        if self.reasoning_content is not None:
            data["reasoning_content"] = self.reasoning_content
        data["created_at"] = self.created_at
        if self.finish_reason is not None:
            data["finish_reason"] = self.finish_reason
        if self.stats is not None:
            data["stats"] = self.stats
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str = "message") -> Message:
        if not isinstance(data, dict):
            raise ConversationFormatError(f"{where} should be an object")
        # An unknown role or finish reason is kept as it is: it makes the conversation
        # read-only (see Conversation.read_only_reason) rather than unreadable.
        role = _take(data, "role", str, where)
        finish_reason = _take(data, "finish_reason", (str, type(None)), where, required=False)
        return cls(
            id=_take(data, "id", str, where),
            role=role,
            content=_take(data, "content", str, where),
            reasoning_content=_take(data, "reasoning_content", (str, type(None)), where,
                                    required=False),
            created_at=_take(data, "created_at", str, where),
            finish_reason=finish_reason,
            stats=_take(data, "stats", (dict, type(None)), where, required=False),
            extra={k: v for k, v in data.items() if k not in cls._KEYS},
        )

    def unknown_kinds(self) -> list[str]:
        """What this version does not know about the message, e.g. ``role "tool"``."""
        kinds = []
        if self.role not in ROLES:
            kinds.append(f'role "{self.role}"')
        if self.finish_reason is not None and self.finish_reason not in FINISH_REASONS:
            kinds.append(f'finish reason "{self.finish_reason}"')
        return kinds


@dataclass
class Conversation:
    title: str = ""
    messages: list[Message] = field(default_factory=list)
    model: str | None = None
    id: str = field(default_factory=new_id)
    created_at: str = field(default_factory=utc_now)
    updated_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    _KEYS = ("schema_version", "id", "title", "created_at", "updated_at", "model", "messages")

    def __post_init__(self) -> None:
        if not self.updated_at:
            self.updated_at = self.created_at

    def add(self, message: Message) -> Message:
        self.messages.append(message)
        self.updated_at = message.created_at
        return message

    def touch(self) -> None:
        self.updated_at = utc_now()

    def unknown_kinds(self) -> list[str]:
        """Message kinds this version does not know, each once, in order of appearance."""
        return list(dict.fromkeys(kind for m in self.messages for kind in m.unknown_kinds()))

    @property
    def read_only_reason(self) -> str | None:
        """Why this version must show the conversation read-only, or None when it need not.

        Such a conversation is never saved (the store refuses it), so what a newer version
        wrote is never rewritten by one that does not understand it."""
        kinds = self.unknown_kinds()
        if not kinds:
            return None
        hidden = (" Messages with a role it does not know are not shown."
                  if any(m.role not in ROLES for m in self.messages) else "")
        return (f"This conversation has messages of a kind this version of Desktop Chat does "
                f"not know ({', '.join(kinds)}); it is shown read-only and is never changed "
                f"by this version.{hidden}")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "model": self.model,
            "messages": [m.to_dict() for m in self.messages],
        }
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Conversation:
        if not isinstance(data, dict):
            raise ConversationFormatError("the file should hold a JSON object")
        version = _take(data, "schema_version", int, "conversation")
        if version > SCHEMA_VERSION:
            raise FutureSchemaError(version)
        if version < 1:
            raise ConversationFormatError(f"conversation: unknown schema_version {version}")
        messages = _take(data, "messages", list, "conversation")
        return cls(
            id=_take(data, "id", str, "conversation"),
            title=_take(data, "title", str, "conversation"),
            created_at=_take(data, "created_at", str, "conversation"),
            updated_at=_take(data, "updated_at", str, "conversation"),
            model=_take(data, "model", (str, type(None)), "conversation", required=False),
            messages=[Message.from_dict(m, f"message {i + 1}") for i, m in enumerate(messages)],
            extra={k: v for k, v in data.items() if k not in cls._KEYS},
        )


def title_from_text(text: str, limit: int = 60) -> str:
    """A conversation title made from its first user message."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut + "…"

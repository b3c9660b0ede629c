"""Conversations and messages, and their JSON form (one file per conversation).

The message shape follows the OpenAI/DeepSeek chat API (``role``, ``content``,
``reasoning_content``) plus our metadata. Keys this version does not know, written by a
newer version, are carried in ``extra`` and written back unchanged. A file with a newer
``schema_version`` than ours is refused (``FutureSchemaError``) so it is never rewritten
by code that does not understand it. A message whose ``role`` or ``finish_reason`` this
version does not know (a newer version's ``tool`` messages, say) loads, but makes the
conversation read-only (``Conversation.read_only_reason``): the store never rewrites it,
and the unknown values are kept exactly as they were.

Since format version 2 a conversation is a tree: every message names its ``parent_id``
(None for the first), editing or regenerating adds a sibling, and ``current_leaf`` is the
last message of the path shown. ``messages`` holds every message of every branch, parents
before children; ``path()`` is the thread shown and sent to the model. Older files are
upgraded on load by ``core.migrations``.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from desktop_chat.core.json_depth import MAX_DEPTH, too_deep
from desktop_chat.core.message_stats import valid_stats
from desktop_chat.core.migrations import MigrationError, migrate
from desktop_chat.core.user_message import tr

SCHEMA_VERSION = 2

ROLES = ("system", "user", "assistant")
FINISH_REASONS = ("stop", "length", "cancelled", "error")


class ConversationFormatError(ValueError):
    """The JSON does not describe a valid conversation."""

    def __str__(self) -> str:  # the message itself: a UserMessage stays translatable
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


class FutureSchemaError(ConversationFormatError):
    """Written by a newer Desktop Chat: readable by it, not by us."""

    def __init__(self, found: int) -> None:
        super().__init__(tr(
            "This conversation was saved by a newer version of Desktop Chat (format {found}, "
            "this version reads format {ours}). It is left untouched.",
            found=found, ours=SCHEMA_VERSION))
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
    parent_id: str | None = None  # None for the first message of a conversation
    model: str | None = None  # the model that wrote an assistant message

    _KEYS = ("id", "parent_id", "role", "content", "reasoning_content", "created_at",
             "finish_reason", "stats", "model")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "parent_id": self.parent_id,
                                "role": self.role, "content": self.content}
        if self.reasoning_content is not None:
            data["reasoning_content"] = self.reasoning_content
        data["created_at"] = self.created_at
        if self.finish_reason is not None:
            data["finish_reason"] = self.finish_reason
        if self.stats is not None:
            data["stats"] = self.stats
        if self.model is not None:
            data["model"] = self.model
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
            parent_id=_take(data, "parent_id", (str, type(None)), where),
            role=role,
            content=_take(data, "content", str, where),
            reasoning_content=_take(data, "reasoning_content", (str, type(None)), where,
                                    required=False),
            created_at=_take(data, "created_at", str, where),
            finish_reason=finish_reason,
            # What is wrong in stats is dropped (core/message_stats.py), never shown.
            stats=valid_stats(data.get("stats")),
            model=_take(data, "model", (str, type(None)), where, required=False),
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


_CURRENT_LEAF: Any = object()  # ``add``'s default parent: the end of the path shown


@dataclass
class Conversation:
    title: str = ""
    messages: list[Message] = field(default_factory=list)  # every branch, parents first
    model: str | None = None
    id: str = field(default_factory=new_id)
    created_at: str = field(default_factory=utc_now)
    updated_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    current_leaf: str | None = None  # the last message of the path shown
    settings: dict[str, Any] = field(default_factory=dict)  # overrides of the defaults
    # The format version the file had when read, when older than ours: the store keeps
    # a copy of such a file when it first rewrites it. Not part of the file.
    migrated_from: int | None = field(default=None, compare=False, repr=False)

    _KEYS = ("schema_version", "id", "title", "created_at", "updated_at", "model",
             "settings", "current_leaf", "messages")

    def __post_init__(self) -> None:
        if not self.updated_at:
            self.updated_at = self.created_at
        if self.messages and self.current_leaf is None:
            self._link_as_one_path()

    def _link_as_one_path(self) -> None:
        """Messages given without links (a plain list) are one path, in order."""
        if any(m.parent_id is not None for m in self.messages):
            raise ValueError("a conversation of linked messages needs its current_leaf")
        for parent, child in zip(self.messages, self.messages[1:], strict=False):
            child.parent_id = parent.id
        self.current_leaf = self.messages[-1].id

    # ----- the tree ----------------------------------------------------------------------

    def find(self, message_id: str | None) -> Message | None:
        return next((m for m in self.messages if m.id == message_id), None)

    def children(self, parent_id: str | None) -> list[Message]:
        """The messages answering or following ``parent_id``, oldest first."""
        return [m for m in self.messages if m.parent_id == parent_id]

    def siblings(self, message_id: str) -> list[Message]:
        """The versions of a message (itself included), oldest first."""
        message = self.find(message_id)
        return self.children(message.parent_id) if message else []

    def path(self, leaf_id: str | None = None) -> list[Message]:
        """The thread from the first message to ``leaf_id`` (default: the one shown)."""
        by_id = {m.id: m for m in self.messages}
        node = by_id.get(leaf_id or self.current_leaf or "")
        if node is None:
            return []
        path = [node]
        while node.parent_id is not None and len(path) <= len(by_id):
            node = by_id[node.parent_id]
            path.append(node)
        path.reverse()
        return path

    def add(self, message: Message, parent_id: Any = _CURRENT_LEAF) -> Message:
        """Add ``message`` below ``parent_id`` (default: the end of the path shown, so
        a message added to a linear conversation is appended); it becomes the end."""
        message.parent_id = self.current_leaf if parent_id is _CURRENT_LEAF else parent_id
        self.messages.append(message)
        self.current_leaf = message.id
        self.updated_at = message.created_at
        return message

    def select(self, message_id: str) -> None:
        """Show the branch through ``message_id``: the path goes on to its newest leaf."""
        node = self.find(message_id)
        if node is None:
            raise KeyError(message_id)
        # One pass, not a children() scan per level: a version switch near the top of a
        # long conversation walks its whole depth.
        newest_below = {m.parent_id: m for m in self.messages}  # the last child wins
        while (below := newest_below.get(node.id)) is not None:
            node = below
        self.current_leaf = node.id

    def remove(self, message_id: str) -> None:
        """Remove a message and every message below it."""
        doomed = {message_id}
        for message in self.messages:  # parents come first, so one pass finds them all
            if message.parent_id in doomed:
                doomed.add(message.id)
        parent = self.find(message_id)
        parent_id = parent.parent_id if parent else None
        self.messages = [m for m in self.messages if m.id not in doomed]
        if self.current_leaf in doomed:
            self.current_leaf = None
            if parent_id is not None:
                self.select(parent_id)
            elif self.messages:
                self.select(self.messages[-1].id)

    def fork(self, message_id: str) -> Conversation:
        """A new conversation holding the path up to ``message_id``."""
        path = [dataclasses.replace(m, extra=dict(m.extra)) for m in self.path(message_id)]
        if not path:
            raise KeyError(message_id)
        return Conversation(title=self.title, messages=path, model=self.model,
                            current_leaf=path[-1].id, settings=dict(self.settings))

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
        if any(m.role not in ROLES for m in self.messages):
            return tr("This conversation has messages of a kind this version of Desktop Chat "
                      "does not know ({kinds}); it is shown read-only and is never changed by "
                      "this version. Messages with a role it does not know are not shown.",
                      kinds=", ".join(kinds))
        return tr("This conversation has messages of a kind this version of Desktop Chat does "
                  "not know ({kinds}); it is shown read-only and is never changed by this "
                  "version.", kinds=", ".join(kinds))

    # ----- the file ----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "id": self.id,
            "title": self.title,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "model": self.model,
        }
        if self.settings:
            data["settings"] = self.settings
        data["current_leaf"] = self.current_leaf
        data["messages"] = [m.to_dict() for m in self.messages]
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Conversation:
        """Reads every version up to ours (older ones upgraded by ``core.migrations``).

        Raises ConversationFormatError (FutureSchemaError for a newer version's file) or
        ValueError, whatever ``data`` holds: a shape no check foresaw fails as a format
        error too, never as another exception."""
        try:
            return cls._from_dict(data)
        except (TypeError, LookupError, AttributeError, RecursionError,
                OverflowError) as error:
            raise ConversationFormatError(f"conversation: {type(error).__name__}: {error}"
                                          ) from None

    @classmethod
    def _from_dict(cls, data: Any) -> Conversation:
        data = upgraded(data)
        if too_deep(data, MAX_DEPTH):  # it would fail every save, or the next start
            raise ConversationFormatError(f"conversation: nested more than {MAX_DEPTH} "
                                          f"levels deep")
        messages = _take(data, "messages", list, "conversation")
        conversation = cls(
            id=_take(data, "id", str, "conversation"),
            title=_take(data, "title", str, "conversation"),
            created_at=_take(data, "created_at", str, "conversation"),
            updated_at=_take(data, "updated_at", str, "conversation"),
            model=_take(data, "model", (str, type(None)), "conversation", required=False),
            settings=_take(data, "settings", dict, "conversation", required=False,
                           default={}),
            extra={k: v for k, v in data.items() if k not in cls._KEYS},
        )
        # Set after construction: a file's links are checked as they are, never made up.
        conversation.messages = [Message.from_dict(m, f"message {i + 1}")
                                 for i, m in enumerate(messages)]
        conversation.current_leaf = _take(data, "current_leaf", (str, type(None)),
                                          "conversation")
        conversation.migrated_from = data.get("_migrated_from")
        conversation.extra.pop("_migrated_from", None)
        _check_tree(conversation)
        return conversation


def upgraded(data: Any) -> dict[str, Any]:
    """The file's dict in our format version; an older one is migrated, and then names
    the version it came from under ``_migrated_from`` (which ``from_dict`` takes out)."""
    if not isinstance(data, dict):
        raise ConversationFormatError("the file should hold a JSON object")
    version = _take(data, "schema_version", int, "conversation")
    if version > SCHEMA_VERSION:
        raise FutureSchemaError(version)
    if version < 1:
        raise ConversationFormatError(f"conversation: unknown schema_version {version}")
    if version == SCHEMA_VERSION:
        return data
    try:
        return {**migrate(data, SCHEMA_VERSION), "_migrated_from": version}
    except MigrationError as error:
        raise ConversationFormatError(str(error)) from None


def _check_tree(conversation: Conversation) -> None:
    """Ids are unique, every parent comes before its children (so there is no cycle),
    and ``current_leaf`` names a message (or the conversation is empty)."""
    seen: set[str] = set()
    for i, message in enumerate(conversation.messages):
        if message.id in seen:
            raise ConversationFormatError(f"message {i + 1}: id {message.id!r} is used twice")
        if message.parent_id is not None and message.parent_id not in seen:
            raise ConversationFormatError(
                f"message {i + 1}: its parent {message.parent_id!r} is not an earlier message")
        seen.add(message.id)
    leaf = conversation.current_leaf
    if (leaf is None) != (not conversation.messages) or (leaf is not None and leaf not in seen):
        raise ConversationFormatError(
            f"conversation: current_leaf {leaf!r} is not one of its messages")


def title_from_text(text: str, limit: int = 60) -> str:
    """A conversation title made from its first user message."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] or line[:limit]
    return cut + "…"

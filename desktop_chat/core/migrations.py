"""Upgrades of a conversation file's JSON, one function per format version step.

``MIGRATIONS[n]`` turns the dict of a version ``n`` file into the dict of a version
``n + 1`` file; ``migrate`` chains them up to the version this code writes. Version 3 is
one more function here. The functions work on the JSON form, before any validation, so
each step sees the file as that version wrote it; what they cannot make sense of is
left for ``Conversation.from_dict`` to report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Migration = Callable[[dict[str, Any]], dict[str, Any]]


class MigrationError(ValueError):
    """The file claims a version it cannot be upgraded from."""


def _linear_to_tree(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: the list of messages becomes one path of a tree."""
    messages = data.get("messages")
    if not isinstance(messages, list):
        raise MigrationError("conversation: 'messages' should be a list")
    parent: Any = None
    path = []
    for message in messages:
        if isinstance(message, dict):
            message = _with_parent(message, parent)
            parent = message.get("id")
        path.append(message)
    upgraded = {key: value for key, value in data.items() if key != "messages"}
    upgraded["schema_version"] = 2
    upgraded["current_leaf"] = parent
    upgraded["messages"] = path
    return upgraded


def _with_parent(message: dict[str, Any], parent: Any) -> dict[str, Any]:
    """``message`` with ``parent_id`` right after its id (the order a v2 file has)."""
    out: dict[str, Any] = {}
    for key, value in message.items():
        if key == "parent_id":
            continue
        out[key] = value
        if key == "id":
            out["parent_id"] = parent
    out.setdefault("parent_id", parent)
    return out


MIGRATIONS: dict[int, Migration] = {1: _linear_to_tree}


def migrate(data: dict[str, Any], target: int) -> dict[str, Any]:
    """``data`` upgraded to version ``target`` (itself when it is already there).

    The caller has checked that ``schema_version`` is an int not above ``target``."""
    version = data["schema_version"]
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError(f"conversation: unknown schema_version {version}")
        data = step(data)
        version += 1
    return data

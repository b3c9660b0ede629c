"""ChatGPT's data export (``conversations.json``) as our conversations, branches kept.

Each conversation of the export is a tree: ``mapping`` holds nodes ``{id, message,
parent, children}``, and ``current_node`` the end of the path ChatGPT shows. A node's
``message`` has ``author.role``, ``content`` (``content_type`` with ``parts``, ``text``,
``thoughts``...), ``create_time`` (epoch seconds) and ``metadata``.

What we keep: user and assistant messages with something to show, and system messages
with text that ChatGPT did not hide. What we skip: empty or hidden nodes, tool output,
assistant messages addressed to a tool (``recipient`` other than ``all``); the children of
a skipped node hang from its nearest kept ancestor. ChatGPT's thinking (``thoughts``,
``reasoning``, and ``reasoning_recap`` when there is nothing else) becomes the
``reasoning_content`` of the assistant message that follows it. Assistant text on both
sides of a skipped tool call becomes one answer (chat templates expect turns to alternate).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from desktop_chat.core.conversation import Conversation, Message, title_from_text

THINKING_TYPES = ("thoughts", "reasoning")
RECAP_TYPE = "reasoning_recap"
_FINISH_REASONS = {"stop": "stop", "max_tokens": "length", "interrupted": "cancelled"}
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ChatGptFormatError(ValueError):
    """A conversation of the export is not shaped as ChatGPT writes them (English detail)."""


def is_chatgpt_conversation(data: Any) -> bool:
    return isinstance(data, dict) and "mapping" in data


def chatgpt_conversation(data: Any) -> Conversation:
    """One conversation of the export; raises ChatGptFormatError."""
    if not isinstance(data, dict):
        raise ChatGptFormatError("a conversation should be an object")
    mapping = data.get("mapping")
    if not isinstance(mapping, dict):
        raise ChatGptFormatError("'mapping' is missing" if mapping is None
                                 else "'mapping' should be an object")
    nodes = {node_id: _node(node_id, node) for node_id, node in mapping.items()}
    order = _tree_order(nodes)
    created = epoch_to_iso(data.get("create_time"))
    messages, kept_as = _kept_messages(nodes, order, created)
    messages, kept_as = _joined_continuations(messages, kept_as)
    if not messages:
        raise ChatGptFormatError("it has no messages to show")
    title = data.get("title")
    first_user = next((m.content for m in messages if m.role == "user"), "")
    current = data.get("current_node")
    conversation = Conversation(
        title=title.strip() if isinstance(title, str) and title.strip()
        else title_from_text(first_user.replace("[image]", "")),
        messages=messages,
        model=_text_or_none(data.get("default_model_slug")),
        created_at=created or messages[0].created_at,
        updated_at=epoch_to_iso(data.get("update_time")) or messages[-1].created_at,
        # Without a usable current node: the last branch (tree order ends in a leaf).
        current_leaf=kept_as.get(current) if isinstance(current, str) and current in kept_as
        else messages[-1].id,
    )
    original_id = data.get("conversation_id") or data.get("id")
    if isinstance(original_id, str) and _SAFE_ID.match(original_id):
        conversation.id = original_id
    return conversation


# ----- the tree ------------------------------------------------------------------------------

@dataclass
class _Node:
    id: str
    parent: str | None
    children: list[str]
    message: dict[str, Any] | None
    below: list[str] = field(default_factory=list)  # children by parent links, in order


def _node(node_id: Any, node: Any) -> _Node:
    if not isinstance(node, dict):
        raise ChatGptFormatError(f"node {node_id!r} should be an object")
    parent = node.get("parent")
    children = node.get("children", [])
    message = node.get("message")
    if parent is not None and not isinstance(parent, str):
        raise ChatGptFormatError(f"node {node_id!r}: 'parent' should be text or null")
    if not isinstance(children, list) or not all(isinstance(c, str) for c in children):
        raise ChatGptFormatError(f"node {node_id!r}: 'children' should be a list of ids")
    if message is not None and not isinstance(message, dict):
        raise ChatGptFormatError(f"node {node_id!r}: 'message' should be an object or null")
    return _Node(str(node_id), parent, children, message)


def _tree_order(nodes: dict[str, _Node]) -> list[str]:
    """Every node id, parents before children, siblings in ChatGPT's order (its
    ``children`` lists, then creation time). The parent links are what count."""
    roots = []
    for node in nodes.values():
        if node.parent is None:
            roots.append(node.id)
        elif node.parent not in nodes:
            raise ChatGptFormatError(f"node {node.id!r}: its parent {node.parent!r} is missing")
        else:
            nodes[node.parent].below.append(node.id)
    for node in nodes.values():
        listed = {child: i for i, child in enumerate(node.children)}
        node.below.sort(key=lambda child: (listed.get(child, len(listed)),
                                           _created(nodes[child]) or 0.0))
    order: list[str] = []
    stack = list(reversed(roots))
    while stack:  # iterative: a long conversation is deeper than Python's recursion limit
        node_id = stack.pop()
        order.append(node_id)
        stack.extend(reversed(nodes[node_id].below))
    if len(order) != len(nodes):
        reached = set(order)
        stray = next(node_id for node_id in nodes if node_id not in reached)
        raise ChatGptFormatError(f"node {stray!r} is part of a cycle of parents")
    return order


def _kept_messages(nodes: dict[str, _Node], order: list[str],
                   created: str | None) -> tuple[list[Message], dict[str, str]]:
    """Our messages in tree order, and for every node the id of the nearest kept message
    at or above it (what its children and ``current_node`` hang from)."""
    kept_as: dict[str, str | None] = {}
    thinking_above: dict[str, str] = {}  # thinking not yet given to an assistant message
    time_above: dict[str, str | None] = {}
    messages: list[Message] = []
    for node_id in order:
        node = nodes[node_id]
        parent_kept = kept_as.get(node.parent) if node.parent else None
        thinking = thinking_above.get(node.parent, "") if node.parent else ""
        stamp = epoch_to_iso(_created(node)) or (
            time_above.get(node.parent) if node.parent else None) or created
        kind, text = _shown(node)
        if kind == "thinking":
            thinking = text if not thinking else thinking + "\n\n" + text
        elif kind == "recap" and not thinking:
            thinking = text
        elif kind == "message":
            message = _message(node, text, parent_kept, stamp, thinking)
            messages.append(message)
            parent_kept = message.id
            thinking = ""  # given to this answer, or thinking that no answer followed
        kept_as[node_id] = parent_kept
        thinking_above[node_id] = thinking
        time_above[node_id] = stamp
    return messages, {k: v for k, v in kept_as.items() if v is not None}


def _joined_continuations(messages: list[Message], kept_as: dict[str, str]
                          ) -> tuple[list[Message], dict[str, str]]:
    """One answer per turn: an assistant message that is the only one below another
    (the text after a tool call whose nodes were skipped) joins it, so that the thread
    alternates as chat templates expect. Regenerated answers (siblings) stay apart."""
    below = Counter(m.parent_id for m in messages)
    by_id = {m.id: m for m in messages}
    joined_into: dict[str, str] = {}
    kept: list[Message] = []
    for message in messages:  # parents first: a parent is settled before its children
        original_parent = message.parent_id
        message.parent_id = joined_into.get(original_parent or "", original_parent)
        parent = by_id.get(message.parent_id or "")
        if (message.role == _role_of(parent) == "assistant" and parent is not None
                and below[original_parent] == 1):
            _append(parent, message)
            joined_into[message.id] = parent.id
        else:
            kept.append(message)
    return kept, {node: joined_into.get(kept_id, kept_id) for node, kept_id in kept_as.items()}


def _role_of(parent: Message | None) -> str | None:
    return parent.role if parent is not None else None


def _append(answer: Message, more: Message) -> None:
    answer.content = f"{answer.content}\n\n{more.content}"
    if more.reasoning_content:
        answer.reasoning_content = "\n\n".join(
            t for t in (answer.reasoning_content, more.reasoning_content) if t)
    answer.finish_reason = more.finish_reason or answer.finish_reason
    answer.model = more.model or answer.model


def _message(node: _Node, text: str, parent_id: str | None, stamp: str | None,
             thinking: str) -> Message:
    assert node.message is not None
    role = _role(node)
    metadata = node.message.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    message = Message(role=role, content=text, id=node.id)
    message.parent_id = parent_id
    if stamp:
        message.created_at = stamp
    if role == "assistant":
        message.reasoning_content = thinking or None
        message.model = _text_or_none(metadata.get("model_slug"))
        details = metadata.get("finish_details")
        if isinstance(details, dict) and isinstance(details.get("type"), str):
            message.finish_reason = _FINISH_REASONS.get(details["type"])
    return message


# ----- one node --------------------------------------------------------------------------

def _shown(node: _Node) -> tuple[str, str]:
    """What a node holds for us: ("message", text), ("thinking", text), ("recap", text),
    or ("skip", "")."""
    message = node.message
    if message is None:
        return "skip", ""
    role = _role(node)
    content = message.get("content")
    if content is None:
        return "skip", ""
    if not isinstance(content, dict):
        raise ChatGptFormatError(f"node {node.id!r}: 'content' should be an object")
    content_type = content.get("content_type", "text")
    if not isinstance(content_type, str):
        raise ChatGptFormatError(f"node {node.id!r}: 'content_type' should be text")
    text = _content_text(node.id, content_type, content).strip()
    if content_type in THINKING_TYPES:
        return ("thinking", text) if text else ("skip", "")
    if content_type == RECAP_TYPE:
        return ("recap", text) if text else ("skip", "")
    metadata = message.get("metadata")
    hidden = isinstance(metadata, dict) and bool(
        metadata.get("is_visually_hidden_from_conversation"))
    to_tool = message.get("recipient", "all") not in ("all", None)
    if (not text or hidden or to_tool or role not in ("user", "assistant", "system")
            or content_type.endswith("_context")):  # custom instructions, memory
        return "skip", ""
    return "message", text


def _role(node: _Node) -> str:
    assert node.message is not None
    author = node.message.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    if not isinstance(role, str):
        raise ChatGptFormatError(f"node {node.id!r}: 'author.role' is missing")
    return role


def _content_text(node_id: str, content_type: str, content: dict[str, Any]) -> str:
    if content_type in THINKING_TYPES:
        return "\n\n".join(_thoughts(node_id, content))
    if content_type == RECAP_TYPE:
        return _text_or_none(content.get("content")) or ""
    if content_type == "code":
        code = _text_or_none(content.get("text")) or ""
        language = _text_or_none(content.get("language")) or ""
        language = "" if language == "unknown" else language
        return f"```{language}\n{code}\n```" if code.strip() else ""
    parts = content.get("parts")
    if parts is None:
        return _text_or_none(content.get("text")) or ""
    if not isinstance(parts, list):
        raise ChatGptFormatError(f"node {node_id!r}: 'parts' should be a list")
    return "\n\n".join(_parts(parts))


def _parts(parts: list[Any]) -> Iterator[str]:
    for part in parts:
        if isinstance(part, str):
            if part.strip():
                yield part
        elif isinstance(part, dict):
            if isinstance(part.get("text"), str) and part["text"].strip():
                yield part["text"]
            elif "image" in str(part.get("content_type", "")):
                yield "[image]"  # the picture itself is a file of the export, not the JSON


def _thoughts(node_id: str, content: dict[str, Any]) -> Iterator[str]:
    thoughts = content.get("thoughts")
    if thoughts is None:  # a "reasoning" content: plain parts or text
        yield from _parts(content.get("parts") or [content.get("text") or ""])
        return
    if not isinstance(thoughts, list):
        raise ChatGptFormatError(f"node {node_id!r}: 'thoughts' should be a list")
    for thought in thoughts:
        if isinstance(thought, str):
            yield thought
        elif isinstance(thought, dict):
            summary = _text_or_none(thought.get("summary")) or ""
            body = _text_or_none(thought.get("content")) or ""
            yield "\n\n".join(t for t in (f"**{summary}**" if summary else "", body) if t)


# ----- values ------------------------------------------------------------------------------

def _created(node: _Node) -> float | None:
    value = node.message.get("create_time") if node.message else None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:  # an int no float holds: no usable time
        return None


def epoch_to_iso(value: Any) -> str | None:
    """Epoch seconds (ChatGPT's times) in our format, ``2023-11-14T22:13:20.123Z``."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        moment = datetime.fromtimestamp(value, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None

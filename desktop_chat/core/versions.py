"""Where each message of the path shown stands among its versions (``‹ 2/3 ›``).

Computed in one pass over the tree, so redrawing a 200-message conversation after a
version switch costs one walk, not one ``Conversation.siblings`` call per message.
"""

from __future__ import annotations

from collections import defaultdict

from desktop_chat.core.conversation import Conversation, Message

Position = tuple[int, int]  # (index from 1, number of versions)


def version_positions(conversation: Conversation,
                      path: list[Message] | None = None) -> dict[str, Position]:
    """Message id -> (its number, how many versions), for the messages of ``path``
    (default: the path shown) that have more than one version."""
    path = conversation.path() if path is None else path
    versions: dict[str | None, list[str]] = defaultdict(list)
    for message in conversation.messages:  # creation order: the versions' order
        versions[message.parent_id].append(message.id)
    positions = {}
    for message in path:
        siblings = versions[message.parent_id]
        if len(siblings) > 1:
            positions[message.id] = (siblings.index(message.id) + 1, len(siblings))
    return positions


def version_at(conversation: Conversation, message_id: str, step: int) -> Message | None:
    """The version ``step`` places before (negative) or after ``message_id``; None past
    either end."""
    siblings = conversation.siblings(message_id)
    ids = [m.id for m in siblings]
    if message_id not in ids:
        return None
    index = ids.index(message_id) + step
    return siblings[index] if 0 <= index < len(siblings) else None

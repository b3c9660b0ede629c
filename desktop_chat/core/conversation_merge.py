"""Three-way merge of two versions of one conversation, by message id.

Pure: dicts in the file's JSON form (``Conversation.to_dict``) in, a dict out; no disk.
``ours`` is what a caller saves, ``theirs`` what another writer left in the file, and the
``MergeBase`` is what our caller had when its store last loaded or wrote the file, kept as
fingerprints (a hash of each top-level value and of each message).

- Top-level keys (title, model, unknown keys): ours where we changed it, else theirs;
  ``updated_at`` is the later of the two.
- Messages: their order first, then our new messages in our order, each after its
  parent. A message one side removed stays removed unless the other side changed it, or
  a message kept hangs below it (or it ends the path shown): the tree never breaks. A
  message both sides changed takes the version whose text extends the other's (a
  streaming draft that grew); when neither does, the versions cannot be merged and
  ``merge`` returns None.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

_MISSING = "-"  # the fingerprint of a key that is absent
_GROWING_KEYS = ("content", "reasoning_content")  # what a streaming draft appends to


@dataclass(frozen=True)
class MergeBase:
    """The version both sides started from, as fingerprints: enough to tell who changed
    what, without keeping the messages themselves."""

    fields: dict[str, str]  # top-level key -> fingerprint
    messages: dict[str, str]  # message id -> fingerprint

    @classmethod
    def of(cls, data: dict[str, Any]) -> MergeBase:
        messages = data.get("messages")
        return cls(
            fields={k: fingerprint(v) for k, v in data.items() if k != "messages"},
            messages={m["id"]: fingerprint(m) for m in messages if isinstance(m, dict)
                      and isinstance(m.get("id"), str)} if isinstance(messages, list) else {},
        )


def fingerprint(value: Any) -> str:
    """A hash of ``value``'s JSON that does not depend on key order."""
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def merge(ours: dict[str, Any], theirs: dict[str, Any],
          base: MergeBase) -> dict[str, Any] | None:
    """``ours`` and ``theirs`` combined, in ours' key order; None when one message was
    changed two different ways."""
    candidates = _merge_messages(ours["messages"], theirs["messages"], base.messages)
    if candidates is None:
        return None
    merged = _merge_fields(ours, theirs, base.fields)
    messages = _whole_tree(candidates, merged.get("current_leaf"))
    if messages is None:
        return None
    if messages and merged.get("current_leaf") not in {m["id"] for m in messages}:
        merged["current_leaf"] = messages[-1]["id"]  # ours had none: the newest message
    # Keep the key order ours has: the file stays diff-friendly.
    ordered = {k: merged[k] for k in ours if k in merged}
    ordered.update(merged)
    ordered["messages"] = messages
    return ordered


def _merge_fields(ours: dict[str, Any], theirs: dict[str, Any],
                  base: dict[str, str]) -> dict[str, Any]:
    """Every top-level key but ``messages``: ours where we changed it, else theirs."""
    merged: dict[str, Any] = {}
    for key in dict.fromkeys([*ours, *theirs]):
        if key == "messages":
            continue
        our_print = fingerprint(ours[key]) if key in ours else _MISSING
        source = ours if our_print != base.get(key, _MISSING) else theirs
        if key in source:
            merged[key] = source[key]
    merged["updated_at"] = max(str(ours.get("updated_at", "")),
                               str(theirs.get("updated_at", "")))
    return merged


def _merge_messages(ours: list[dict[str, Any]], theirs: list[dict[str, Any]],
                    base: dict[str, str]) -> list[tuple[dict[str, Any], bool]] | None:
    """Their order first, then our new messages in our order; each with whether one side
    removed it (``_whole_tree`` keeps it back when a kept message hangs from it)."""
    ours_by_id = {m["id"]: m for m in ours}
    theirs_ids = {m.get("id") for m in theirs}
    result = []
    for their in theirs:
        our = ours_by_id.get(their.get("id"))
        known = base.get(their.get("id"))
        if our is None:
            # Removed: we removed it (a draft) and they did not touch it. Else theirs
            # alone, or changed by them after we removed it.
            result.append((their, known is not None and fingerprint(their) == known))
            continue
        chosen = _pick(our, their, known)
        if chosen is None:
            return None
        result.append((chosen, False))
    for our in ours:
        if our["id"] in theirs_ids:
            continue
        known = base.get(our["id"])
        # Removed when they removed it and we did not touch it.
        result.append((our, known is not None and fingerprint(our) == known))
    return result


def _whole_tree(candidates: list[tuple[dict[str, Any], bool]],
                leaf: Any) -> list[dict[str, Any]] | None:
    """The messages kept, parents first. A removed message stays when a kept one hangs
    below it or it is the leaf shown: one window saving without a draft must not cut
    off what another window wrote below it (the file would no longer open). None when a
    message hangs from one that neither side has."""
    by_id = {m.get("id"): m for m, _ in candidates}
    kept = {m.get("id") for m, removed in candidates if not removed}
    wanted = [leaf, *(by_id[i].get("parent_id") for i in kept)]
    while wanted:
        message_id = wanted.pop()
        if message_id in by_id and message_id not in kept:
            kept.add(message_id)
            wanted.append(by_id[message_id].get("parent_id"))
    return _parents_first([m for m, _ in candidates if m.get("id") in kept])


def _parents_first(messages: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """``messages`` in their order, but each one after its parent (siblings keep their
    order: it is the order of the versions)."""
    ids = {m.get("id") for m in messages}
    placed: set[Any] = set()
    waiting: dict[Any, list[dict[str, Any]]] = {}
    result: list[dict[str, Any]] = []
    for message in messages:
        parent = message.get("parent_id")
        if parent is not None and parent not in placed:
            if parent not in ids:
                return None
            waiting.setdefault(parent, []).append(message)
            continue
        stack = [message]
        while stack:
            placing = stack.pop()
            result.append(placing)
            placed.add(placing.get("id"))
            stack.extend(reversed(waiting.pop(placing.get("id"), [])))
    return result if len(result) == len(messages) else None


def _pick(our: dict[str, Any], their: dict[str, Any], base: str | None) -> dict[str, Any] | None:
    """One message as both sides have it: the changed one, the grown one, or None."""
    our_print, their_print = fingerprint(our), fingerprint(their)
    if our_print == their_print or their_print == base:
        return our  # the same, or only we changed it
    if our_print == base:
        return their  # only they changed it
    if _extends(our, their):
        return our  # both changed it: the version that grew further (a streaming draft)
    if _extends(their, our):
        return their
    return None


def _extends(longer: dict[str, Any], shorter: dict[str, Any]) -> bool:
    return all(str(longer.get(key) or "").startswith(str(shorter.get(key) or ""))
               for key in _GROWING_KEYS)

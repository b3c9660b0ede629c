"""KV caches of earlier prompts, kept so a branch of the conversation is not read again.

A conversation is a tree: switching to another answer version, regenerating, or editing a
message sends a prompt that shares a prefix with some earlier generation, not necessarily
the last one. ``PrefixCache`` keeps a few caches (least recently used first out, within a
memory bound), each with the token ids it covers. ``take`` finds the entry sharing the
longest prefix with a new prompt and hands out a *copy* cropped to that prefix: generation
grows the copy, the entry stays as it was for the next branch.

Copies are cheap for plain ``DynamicLayer`` caches: their tensors are never changed in
place (an update concatenates into a new tensor, a crop takes a view), so a copy shares
them until it grows. Other layer types (sliding windows, linear attention, quantized) are
deep-copied. Caches that cannot be cropped are used only when the prompt extends them.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from transformers.cache_utils import DynamicLayer

from desktop_chat.engine.prompt import common_prefix_length

log = logging.getLogger(__name__)

MAX_ENTRIES = 4  # branches of one conversation (or a few conversations) kept at once


@dataclass
class _Entry:
    ids: list[int]
    cache: Any
    bytes: int


@dataclass(frozen=True)
class CacheHit:
    cache: Any  # a private copy, cropped to ``reused`` tokens
    reused: int  # prompt tokens it already holds


def cache_bytes(cache: Any) -> int:
    """Memory the cache's tensors take (a view counts as its own size)."""
    total = 0
    for layer in getattr(cache, "layers", ()):
        for value in vars(layer).values():
            tensors = value if isinstance(value, (tuple, list)) else (value,)
            total += sum(t.numel() * t.element_size() for t in tensors
                         if isinstance(t, torch.Tensor))
    return total


def fork(cache: Any) -> Any:
    """A copy generation may grow and crop without touching ``cache``."""
    layers = getattr(cache, "layers", None)
    if layers is not None and all(type(layer) is DynamicLayer for layer in layers):
        forked = copy.copy(cache)
        forked.layers = [copy.copy(layer) for layer in layers]
        return forked
    return copy.deepcopy(cache)


def _croppable(cache: Any) -> bool:
    return bool(getattr(cache, "is_croppable", False))


class PrefixCache:
    """The KV caches of a few earlier prompts, bounded by count and by bytes.

    Used on the worker thread only (no locking)."""

    def __init__(self, max_bytes: int, max_entries: int = MAX_ENTRIES) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._entries: list[_Entry] = []  # least recently used first

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return sum(entry.bytes for entry in self._entries)

    def ids(self) -> list[list[int]]:
        """The token ids of every entry, least recently used first (for tests)."""
        return [list(entry.ids) for entry in self._entries]

    def take(self, input_ids: Sequence[int]) -> CacheHit | None:
        """A copy of the entry sharing the longest prefix with ``input_ids``, cropped to it
        (at least one prompt token is left to run), or None when nothing is shared."""
        best, best_shared = None, 0
        for entry in self._entries:
            shared = self._usable(entry, input_ids)
            if shared > best_shared or (shared == best_shared and shared and best):
                best, best_shared = entry, shared  # ties go to the most recent
        if best is None:
            return None
        self._entries.remove(best)
        self._entries.append(best)
        cache = fork(best.cache)
        cached = cache.get_seq_length()
        if best_shared < cached:
            try:
                cache.crop(best_shared - cached)  # a negative count removes from the end
            except (RuntimeError, ValueError, NotImplementedError) as refused:
                log.debug("the cache cannot be cropped here (%s)", refused)
                return None
        return CacheHit(cache, best_shared)

    def put(self, cache: Any, ids: Sequence[int]) -> None:
        """Keep ``cache`` (now owned here) as covering ``ids``. Entries the new one extends
        are dropped: it serves every prompt they would."""
        ids = list(ids[: cache.get_seq_length()])
        if not ids:
            return
        self._entries = [entry for entry in self._entries
                         if common_prefix_length(entry.ids, ids) < len(entry.ids)]
        entry = _Entry(ids, cache, cache_bytes(cache))
        if entry.bytes > self.max_bytes:
            log.debug("a cache of %d bytes is over the bound of %d: not kept", entry.bytes,
                      self.max_bytes)
            return
        self._entries.append(entry)
        while (len(self._entries) > self.max_entries
               or self.bytes > self.max_bytes):
            self._entries.pop(0)

    def clear(self) -> None:
        self._entries = []

    @staticmethod
    def _usable(entry: _Entry, input_ids: Sequence[int]) -> int:
        shared = min(common_prefix_length(entry.ids, input_ids), len(input_ids) - 1)
        if shared <= 0:
            return 0
        if shared == len(entry.ids) or _croppable(entry.cache):
            return shared
        return 0

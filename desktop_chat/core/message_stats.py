"""A saved answer's ``stats``, as read from a file: what the window may safely show.

The stats of an answer (``GenerationStats.to_dict`` plus ``reasoning_unfinished``) are
written by this app, but a file may come from anywhere (an import, a hand edit). Each
known key is checked on its own: a value of the wrong type or out of bounds is dropped,
the others are kept; keys this version does not know are kept as they are (a newer
version's). Stats that are not an object at all are dropped whole.
"""

from __future__ import annotations

from typing import Any

MAX_COUNT = 2**53  # tokens and messages: far above any context, exact as a float too
MAX_SECONDS = 1e9  # durations and rates (tokens per second)

COUNTS = ("prompt_tokens", "reused_tokens", "reasoning_tokens", "answer_tokens",
          "dropped_messages", "context_size")
AMOUNTS = ("time_to_first_token_s", "decode_tokens_per_s", "total_s", "thinking_s")
FLAGS = ("reasoning_unfinished",)
TEXTS = ("thinking_cut",)  # "answer_now" or "budget"; a newer version's word is harmless
NULLABLE = ("thinking_s", "thinking_cut")
MAX_TEXT = 64


def valid_stats(value: Any) -> dict[str, Any] | None:
    """``value`` without the known keys whose values are unusable; None when it is not
    an object."""
    if not isinstance(value, dict):
        return None
    return {key: item for key, item in value.items() if usable(key, item)}


def usable(key: str, value: Any) -> bool:
    """Whether ``value`` is a value the window can show for stats ``key``."""
    if value is None:
        return key in NULLABLE or not _known(key)
    if key in COUNTS:
        return type(value) is int and 0 <= value <= MAX_COUNT
    if key in AMOUNTS:
        # the comparisons also refuse NaN and infinity, and never convert a huge int
        return type(value) in (int, float) and 0 <= value <= MAX_SECONDS
    if key in FLAGS:
        return isinstance(value, bool)
    if key in TEXTS:
        return isinstance(value, str) and len(value) <= MAX_TEXT
    return True  # a newer version's key: kept, not shown


def _known(key: str) -> bool:
    return key in COUNTS or key in AMOUNTS or key in FLAGS or key in TEXTS

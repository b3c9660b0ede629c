"""How deeply JSON read from a file may nest: a bound every decoder of our files keeps.

Python's json parser recurses once per level and its encoder (with ``indent``, the pure
Python one) several times: a file nested a few hundred levels deep parses, then fails every
later save with RecursionError, and one a thousand deep does not parse at all. Nothing we
write nests more than a handful of levels, and a newer version's unknown keys get
``MAX_DEPTH``: what goes deeper is refused where it is read (``TooDeepError``, a
ValueError, so callers treat it as any other damaged file).
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64  # a conversation file uses 5 levels (the file, messages, a message, stats)


class TooDeepError(ValueError):
    """JSON nested deeper than ``MAX_DEPTH`` (or too deep for the parser itself)."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"nested more than {limit} levels deep")


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` levels deep (a scalar
    is 0 deep, ``[]`` 1). Walks level by level, without recursion, so any depth is
    measured safely (a few ms for a conversation of thousands of messages)."""
    containers = (dict, list, tuple)
    level = [value] if isinstance(value, containers) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for node in level:
            below += [child for child in (node.values() if isinstance(node, dict) else node)
                      if isinstance(child, containers)]
        level = below
    return False

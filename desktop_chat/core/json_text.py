"""Text read from JSON that every place we keep it can write back: no lone surrogates.

JSON may spell half of a UTF-16 pair as an escape (``"\\ud83d"``: an emoji cut in two,
as some exports hold). ``json.loads`` accepts it, but no UTF-8 writer does: the file's
next save, the listing's index, the search index and the exports would each raise
UnicodeEncodeError, at every start. A decoder of outside JSON passes what it parsed
through ``text_safe``, which puts U+FFFD (the replacement character) in each half's place.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Text decoded from UTF-8 holds no surrogate: only such an escape can make one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def text_safe(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys included) replaced.
    Recurses once per level: call it on what a bounded-depth parser gave."""
    if isinstance(value, str):
        return _SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [text_safe(item) for item in value]
    if isinstance(value, dict):
        return {text_safe(key): text_safe(item) for key, item in value.items()}
    return value


def may_hold_surrogates(json_text: str) -> bool:
    """Whether JSON text can decode to a lone surrogate (cheap: most files cannot)."""
    return _SURROGATE_ESCAPE.search(json_text) is not None

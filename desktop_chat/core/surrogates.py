"""Text from outside that every place we keep it can write back: no lone surrogates.

JSON may spell half of a UTF-16 pair as an escape (``"\\ud83d"``: an emoji cut in two,
as some exports hold, or a server that lies). ``json.loads`` accepts it, but no UTF-8
writer does: the conversation's saves, the listing's index, the search index and the
exports would each raise UnicodeEncodeError, the listing at every start. A decoder of
outside JSON passes what it parsed through ``without_lone_surrogates``, which puts U+FFFD
(the replacement character) in each half's place.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Text decoded from UTF-8 holds no surrogate: only such an escape can make one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings (keys included) replaced.
    Recurses once per level: call it on what a bounded-depth parser gave."""
    if isinstance(value, str):
        return _SURROGATE.sub(REPLACEMENT, value)
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(key): without_lone_surrogates(item)
                for key, item in value.items()}
    return value


def json_may_hold_surrogates(json_text: str) -> bool:
    """Whether JSON text can decode to a lone surrogate (cheap: most files cannot)."""
    return _SURROGATE_ESCAPE.search(json_text) is not None

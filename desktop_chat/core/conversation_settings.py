"""One conversation's own generation settings: overrides of the global defaults.

``Conversation.settings`` holds only the values the user set for that conversation
(``{}``: the global defaults throughout). Each value is checked the way
``GenerationSettings`` checks its own fields; a value that fails (a hand-edited file) is
left out of generation and reported, but kept in the file until the user replaces it.
Keys this version does not know (a newer version's) are kept and ignored.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from desktop_chat.core.settings import GenerationSettings

# What a conversation may override, in the order the dialog shows them.
OVERRIDABLE = ("system_prompt", "temperature", "top_p", "top_k", "max_new_tokens",
               "repetition_penalty")


def override_problems(overrides: dict[str, Any]) -> dict[str, str]:
    """Field name -> reason, for every known override whose value is unusable."""
    base = GenerationSettings()
    problems = {}
    for key in OVERRIDABLE:
        if key in overrides:
            candidate = dataclasses.replace(base, **{key: overrides[key]})
            if reason := candidate.problems().get(key):
                problems[key] = reason
    return problems


def effective_settings(defaults: GenerationSettings,
                       overrides: dict[str, Any]) -> GenerationSettings:
    """``defaults`` with the conversation's usable overrides applied."""
    problems = override_problems(overrides)
    usable = {k: overrides[k] for k in OVERRIDABLE if k in overrides and k not in problems}
    return dataclasses.replace(defaults, **usable) if usable else defaults

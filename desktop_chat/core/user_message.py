"""Text for the user built below the ui (core, engine, worker), translatable by the ui.

Those layers have no Qt, so they cannot translate. They build a ``UserMessage``: an English
template with ``{placeholders}`` and the values to put in. It *is* the English sentence (a
``str``), so logs, exceptions and older code keep working; the ui looks the template up in
the translations and fills in the values, translating those that are messages themselves
(``ui/language.py``: ``translated``).

Build them with ``tr("template {name}", name=value)``: Qt's ``lupdate`` collects the
templates from these calls as it does the ui's ``self.tr`` (scripts/update_translations.py),
in the context CONTEXT (the empty one, which a bare ``tr`` call gets).
"""

from __future__ import annotations

from typing import Any

CONTEXT = ""  # the translation context of the templates built below the ui


def tr(template: str, **params: Any) -> UserMessage:
    """A message for the user; ``lupdate`` collects ``template`` (keep it a literal)."""
    return UserMessage(template, **params)


class UserMessage(str):
    """The English sentence, remembering the template and values it was made from."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> UserMessage:
        message = super().__new__(cls, template.format(**params) if params else template)
        message.template = template
        message.params = params
        return message

    def __reduce__(self) -> tuple[Any, ...]:  # pickling (multiprocessing) keeps the template
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> UserMessage:
    return UserMessage(template, **params)


def join(*messages: str, separator: str = " ") -> UserMessage:
    """Several messages as one, each translated on its own (sentences said one after another)."""
    parts = {f"p{i}": message for i, message in enumerate(messages) if message}
    return UserMessage(separator.join("{" + key + "}" for key in parts), **parts)

"""What goes wrong when opening a model or building a prompt, with the message for the user."""

from __future__ import annotations

import traceback

from desktop_chat.core.inference import REMEDY_RELEASE_CURRENT, REMEDY_REMOTE_CODE, EngineError
from desktop_chat.core.user_message import tr


class ModelLoadError(EngineError):
    """A model could not be opened."""


class RemoteCodeRequired(ModelLoadError):
    """The model runs Python code from its folder; allowed only with the user's consent."""

    remedy = REMEDY_REMOTE_CODE


class ReleaseRequired(ModelLoadError):
    """The model fits only once the open one is closed; done only with the user's consent."""

    remedy = REMEDY_RELEASE_CURRENT


class LoadCancelled(ModelLoadError):
    def __init__(self) -> None:
        super().__init__(tr("Loading was cancelled."))


class PromptTooLongError(EngineError):
    """The last message alone does not fit the model's context."""


def failure_details(error: BaseException) -> str:
    """What a bug report needs about ``error``: its type, its message and where it was
    raised (the traceback, causes included), as plain text for the log and a dialog."""
    return "".join(traceback.format_exception(error)).rstrip()

"""The window's branches: the view's Edit, version arrows and Fork go to the chat
session, and the arrows follow the conversation (opened, reloaded, answered, switched).

Switching versions and editing wait while a reply streams (the arrows and Edit are
disabled): the streaming branch stays on screen until its answer is saved.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from desktop_chat.core.conversation import Conversation
from desktop_chat.core.versions import version_positions
from desktop_chat.ui.controllers.chat_session import ChatSession
from desktop_chat.ui.conversation.view import ConversationView


class ConversationBranches(QObject):
    def __init__(self, view: ConversationView, chat: ChatSession,
                 can_generate: Callable[[], bool], problem: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.chat = chat
        self._can_generate = can_generate
        self._problem = problem
        view.edit_submitted.connect(self._on_edit_submitted)
        view.version_step_requested.connect(chat.switch_version)
        view.fork_requested.connect(chat.fork_from)
        # Connected after the window's own handlers: the view shows the messages first.
        chat.conversation_opened.connect(self._show_versions)
        chat.conversation_reloaded.connect(self._show_versions)
        chat.path_changed.connect(self._on_path_changed)
        chat.reply_finished.connect(lambda message, result: self._show_versions(chat.current))
        chat.generating_changed.connect(lambda on: view.set_branching_enabled(not on))

    def _on_edit_submitted(self, message_id: str, text: str) -> None:
        """Enter in an edit box: refused with the reason while nothing can answer (the
        edit box stays open with the text)."""
        current = self.chat.current
        if current is not None and current.read_only_reason:
            self._problem(current.read_only_reason)
        elif self.chat.generating:
            self._problem(self.tr("An answer is still being written: stop it or wait for "
                                  "it, then send the edited message."))
        elif not self._can_generate():
            self._problem(self.tr("Open a model first: the edited message needs an answer."))
        else:
            self.chat.edit_and_resend(message_id, text)

    def _on_path_changed(self, conversation: Conversation) -> None:
        path = conversation.path()
        self.view.show_path(path)
        self.view.set_versions(version_positions(conversation, path))

    def _show_versions(self, conversation: Conversation | None) -> None:
        if conversation is None or conversation is not self.chat.current:
            self.view.set_versions({})
            return
        self.view.set_versions(version_positions(conversation))
        # A read-only conversation (a newer version's) is never changed: no edits.
        self.view.set_branching_enabled(not self.chat.generating
                                        and not conversation.read_only_reason)

"""The strip above the conversation: its title, and its own settings (system prompt and
sampling, ui/dialogs/conversation_settings.py), marked when it has any."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop_chat.core.conversation import Conversation
from desktop_chat.core.conversation_settings import OVERRIDABLE
from desktop_chat.core.settings import SettingsFile
from desktop_chat.ui.controllers.chat_controller import ChatController
from desktop_chat.ui.dialogs.conversation_settings import ConversationSettingsDialog


class ConversationHeader(QWidget):
    def __init__(self, chat: ChatController, settings_file: SettingsFile,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationHeader")
        self.chat = chat
        self.settings_file = settings_file
        self.dialog: ConversationSettingsDialog | None = None
        self.title = QLabel()
        self.title.setObjectName("conversationTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("conversationSettingsButton")
        self.settings_button.setAccessibleName(self.tr("Conversation settings"))
        self.settings_button.setToolTip(self.tr(
            "System prompt and sampling for this conversation only"))
        self.settings_button.setAutoRaise(True)
        self.settings_button.clicked.connect(self.open_settings)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 4, 12, 4)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.settings_button)
        chat.conversation_opened.connect(self.show_conversation)
        chat.conversations_changed.connect(lambda: self.show_conversation(chat.current))
        self.show_conversation(None)

    def show_conversation(self, conversation: Conversation | None) -> None:
        self.title.setText(conversation.title if conversation else "")
        own = bool(conversation and any(k in conversation.settings for k in OVERRIDABLE))
        self.settings_button.setText(self.tr("Conversation Settings (custom)…") if own
                                     else self.tr("Conversation Settings…"))
        self.settings_button.setEnabled(conversation is not None
                                        and not conversation.read_only_reason)

    def open_settings(self) -> ConversationSettingsDialog | None:
        conversation = self.chat.current
        if conversation is None:
            return None
        dialog = ConversationSettingsDialog(conversation.title, conversation.settings,
                                            self.settings_file.settings.generation, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._apply(conversation, dialog.overrides()))
        dialog.destroyed.connect(lambda: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _apply(self, conversation: Conversation, overrides: dict) -> None:
        if self.chat.current is conversation:  # still the one open
            self.chat.set_conversation_settings(overrides)

"""The strip above the conversation: its title, and a button for its own settings (system
prompt and sampling, dialogs/conversation_settings.py), marked when it has any."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop_chat.core.conversation import Conversation
from desktop_chat.core.conversation_settings import OVERRIDABLE


class ConversationHeader(QWidget):
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationHeader")
        self.title = QLabel()
        self.title.setObjectName("conversationTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("conversationSettingsButton")
        self.settings_button.setAccessibleName(self.tr("Conversation settings"))
        self.settings_button.setToolTip(self.tr(
            "System prompt and sampling for this conversation only"))
        self.settings_button.setAutoRaise(True)
        self.settings_button.clicked.connect(self.settings_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 4, 12, 4)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.settings_button)
        self.show_conversation(None)

    def show_conversation(self, conversation: Conversation | None) -> None:
        self.title.setText(conversation.title if conversation else "")
        own = bool(conversation and any(k in conversation.settings for k in OVERRIDABLE))
        self.settings_button.setText(self.tr("Conversation Settings (custom)…") if own
                                     else self.tr("Conversation Settings…"))
        self.settings_button.setEnabled(conversation is not None
                                        and not conversation.read_only_reason)

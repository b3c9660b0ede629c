"""A message the user sent, as the conversation shows it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QEnterEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.conversation import Message
from desktop_chat.ui.conversation.message_actions import MessageActions
from desktop_chat.ui.conversation.message_editor import MessageEditor
from desktop_chat.ui.conversation.segmented_text import selectable_label


class UserMessageWidget(QWidget):
    """A message the user sent: a bubble, and a footer with Copy and its actions; Edit
    puts an edit box in the bubble's place."""

    edit_submitted = Signal(str)  # the edited text: send it as a new version

    def __init__(self, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.editor: MessageEditor | None = None
        self.actions = MessageActions(self, editable=True, full_text=lambda: self.message.content)
        self.actions.edit_requested.connect(self.start_editing)
        self.bubble = bubble = QFrame()
        bubble.setObjectName("userMessage")
        self.text = selectable_label("userText", rich=False)
        self.text.setText(message.content)
        inner = QVBoxLayout(bubble)
        inner.setContentsMargins(14, 10, 14, 10)
        inner.addWidget(self.text)
        bubble.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
        self.footer = QWidget()
        self.footer.setObjectName("messageFooter")
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyMessageButton")
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy message"))
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.message.content))
        footer = QHBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addStretch(1)
        footer.addWidget(self.copy_button)
        for button in self.actions.hover_buttons:
            footer.addWidget(button)
        footer.addWidget(self.actions.versions)
        policy = self.copy_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # appearing on hover must not move the text
        self.copy_button.setSizePolicy(policy)
        self.copy_button.hide()
        row = QHBoxLayout()
        row.setContentsMargins(80, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(bubble)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.footer)

    def text_labels(self) -> list[tuple[QLabel, bool]]:
        """The labels find searches, each with whether it is thinking (never, here)."""
        return [(self.text, False)]

    def start_editing(self) -> None:
        """The edit box takes the bubble's place (ui/conversation/message_editor.py)."""
        if self.editor is None:
            self.editor = MessageEditor(self.message.content)
            self.editor.submitted.connect(self.edit_submitted)
            self.editor.cancelled.connect(self.stop_editing)
            self.layout().insertWidget(0, self.editor)
        self.bubble.hide()
        self.footer.hide()
        self.editor.show()
        self.editor.begin()

    def stop_editing(self) -> None:
        if self.editor is not None:
            self.editor.hide()
            self.editor.deleteLater()
            self.editor = None
        self.bubble.show()
        self.footer.show()

    def enterEvent(self, event: QEnterEvent) -> None:  # noqa: N802
        self.copy_button.show()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self.copy_button.hide()
        super().leaveEvent(event)

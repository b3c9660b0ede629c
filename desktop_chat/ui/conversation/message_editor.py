"""Editing a sent message in place: Enter sends the new text as another version of the
message, Shift+Enter starts a new line, Escape (or Cancel) puts the message back."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_chat.ui.widgets.message_input import MessageInput


class MessageEditInput(MessageInput):
    """The composer's input (Enter sends, it grows with its text), plus Escape to cancel."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageEditInput")
        self.setAccessibleName(self.tr("Edit message"))
        self.setPlaceholderText("")

    def event(self, event: QEvent) -> bool:
        # Escape is also the window's Stop shortcut: while editing it belongs here.
        if (event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class MessageEditor(QFrame):
    """The edit box that takes the place of a user message's bubble."""

    submitted = Signal(str)  # the new text, never empty
    cancelled = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageEditor")
        self.input = MessageEditInput()
        self.input.setPlainText(text)
        self.input.submitted.connect(self.submit)
        self.input.cancelled.connect(self.cancelled)
        hint = QLabel(self.tr("Enter sends as a new version · Shift+Enter: new line · "
                              "Esc: cancel"))
        hint.setObjectName("messageEditHint")
        hint.setWordWrap(True)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.setObjectName("cancelEditButton")
        cancel.setAccessibleName(self.tr("Cancel editing"))
        cancel.clicked.connect(self.cancelled)
        send = QPushButton(self.tr("Send"))
        send.setObjectName("sendEditButton")
        send.setAccessibleName(self.tr("Send the edited message"))
        send.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(hint, 1)
        buttons.addWidget(cancel)
        buttons.addWidget(send)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.input)
        layout.addLayout(buttons)

    def begin(self) -> None:
        self.input.setFocus()
        self.input.selectAll()

    def submit(self) -> None:
        text = self.input.toPlainText()
        if text.strip():  # an empty message is never sent; the editor stays open
            self.submitted.emit(text)

"""Where the user writes: Enter sends, Shift+Enter starts a new line; Send turns into Stop."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QWidget

MAX_VISIBLE_LINES = 8


class MessageInput(QPlainTextEdit):
    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageInput")
        self.setAccessibleName(self.tr("Message"))
        self.setPlaceholderText(self.tr("Message the model… (Enter to send, Shift+Enter for "
                                        "a new line)"))
        self.setTabChangesFocus(True)
        self.document().contentsChanged.connect(self._fit_height)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if enter and modifiers == Qt.KeyboardModifier.NoModifier:
            # Input methods (Chinese, Japanese…) consume Enter while composing and never
            # deliver it here, so this only fires for a real "send".
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def _fit_height(self) -> None:
        lines = int(self.document().size().height())  # a plain-text document counts lines
        shown = max(1, min(MAX_VISIBLE_LINES, lines))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded
                                        if lines > MAX_VISIBLE_LINES
                                        else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFixedHeight(shown * self.fontMetrics().lineSpacing() + 28)


class Composer(QWidget):
    send_requested = Signal(str)
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.input = MessageInput()
        self.input.submitted.connect(self._submit)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.clicked.connect(self._submit)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAccessibleName(self.tr("Stop generating"))
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 14)
        layout.addWidget(self.input, 1)
        layout.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignBottom)
        self._can_send = False

    def set_generating(self, generating: bool) -> None:
        self.send_button.setVisible(not generating)
        self.stop_button.setVisible(generating)

    def set_can_send(self, can_send: bool, reason: str = "") -> None:
        self._can_send = can_send
        self.send_button.setEnabled(can_send)
        self.send_button.setToolTip(reason)

    def _submit(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or not self._can_send or self.stop_button.isVisible():
            return
        self.input.clear()
        self.send_requested.emit(text)

"""The box a message is written in: Enter sends, Shift+Enter starts a new line, and it
grows with its text up to MAX_VISIBLE_LINES. The composer (ui/window/composer.py) and
the in-place edit box (ui/conversation/message_editor.py) both use it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

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

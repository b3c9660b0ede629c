"""The find bar over the conversation: the query, "3 of 12", previous, next, close.

The bar only collects the query and shows where the search stands; ``find.py`` searches
the messages, and ``find_highlight.py`` marks the matches in their labels.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, SignalInstance
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget


class FindInput(QLineEdit):
    """The query: Enter finds the next match, Shift+Enter the previous, Esc closes."""

    next_requested = Signal()
    previous_requested = Signal()
    close_requested = Signal()

    def event(self, event: QEvent) -> bool:
        # Esc is also the window's Stop shortcut; while the find bar has focus it closes
        # the bar: taking the shortcut override makes Qt deliver the key here instead.
        if (event.type() == QEvent.Type.ShortcutOverride
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_requested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
        else:
            super().keyPressEvent(event)


class FindBar(QFrame):
    """The bar above the conversation while find is open (ConversationFind drives it)."""

    query_changed = Signal(str)
    next_requested = Signal()
    previous_requested = Signal()
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.setAutoFillBackground(True)
        self.input = FindInput()
        self.input.setObjectName("findInput")
        self.input.setAccessibleName(self.tr("Find in conversation"))
        self.input.setPlaceholderText(self.tr("Find in conversation"))
        self.input.setClearButtonEnabled(True)
        self.input.textChanged.connect(self.query_changed)
        self.input.next_requested.connect(self.next_requested)
        self.input.previous_requested.connect(self.previous_requested)
        self.input.close_requested.connect(self.close_requested)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        self.previous_button = self._button("findPreviousButton", "↑",
                                            self.tr("Previous match"), self.previous_requested)
        self.previous_button.setShortcut(QKeySequence(QKeySequence.StandardKey.FindPrevious))
        self.next_button = self._button("findNextButton", "↓", self.tr("Next match"),
                                        self.next_requested)
        self.next_button.setShortcut(QKeySequence(QKeySequence.StandardKey.FindNext))
        self.close_button = self._button("findCloseButton", "✕", self.tr("Close find bar"),
                                         self.close_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 6, 24, 6)
        layout.setSpacing(6)
        layout.addWidget(self.input, 1)
        layout.addWidget(self.count)
        for button in (self.previous_button, self.next_button, self.close_button):
            layout.addWidget(button)
        self.hide()

    def _button(self, name: str, text: str, accessible: str,
                signal: SignalInstance) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(accessible)
        button.setAccessibleName(accessible)
        button.setAutoRaise(True)
        button.clicked.connect(signal)
        return button

    def query(self) -> str:
        return self.input.text()

    def show_count(self, current: int | None, total: int) -> None:
        """``current`` counts from 0; None with a total of 0: nothing found."""
        if not self.query():
            self.count.setText("")
        elif total == 0 or current is None:
            self.count.setText(self.tr("No matches"))
        else:
            self.count.setText(self.tr("{current} of {total}").format(current=current + 1,
                                                                      total=total))
        self.previous_button.setEnabled(total > 0)
        self.next_button.setEnabled(total > 0)

"""Find in the conversation: the bar (query, "3 of 12", previous, next, close), the rule
a match follows, and the highlighting of matches in a message's labels.

``conversation_find`` searches the messages (the models, not widgets: most messages have
no widget); the bar only collects the query and shows where the search stands.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

MATCH_BACKGROUND = "#fde68a"
CURRENT_MATCH_BACKGROUND = "#f59e0b"
MATCH_TEXT = "#1f2328"  # dark on yellow, in either theme


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

    def _button(self, name: str, text: str, accessible: str, signal) -> QToolButton:
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


# ----- matching, and highlighting in a label ------------------------------------------------

ORIGINAL_TEXT = "findOriginalText"
ORIGINAL_FORMAT = "findOriginalFormat"


def find_pattern(query: str) -> re.Pattern[str] | None:
    """The one rule find matches by, counting and highlighting alike: the query's text,
    ignoring case, matches not overlapping. None for an empty query."""
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def count_matches(text: str, pattern: re.Pattern[str]) -> int:
    return sum(1 for _ in pattern.finditer(text))


def text_document(text: str, rich: bool, font: QFont | None = None) -> QTextDocument:
    """The document a label shows for ``text``: its plain text is what find searches."""
    document = QTextDocument()
    if font is not None:
        document.setDefaultFont(font)
    document.setDocumentMargin(0)
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document


def shown_text(text: str, rich: bool) -> str:
    """The plain text a label given ``text`` shows (rich text rendered: no markup, no link
    addresses, entities decoded)."""
    return text_document(text, rich).toPlainText()


def highlight_label(label: QLabel, query: str, current: int | None) -> tuple[int, int | None]:
    """Mark every match of ``query`` in the label; the ``current``-th one (from 0) stands out.

    Returns the number of matches and the y of the current one in the label (None when it
    is not in this label). The label's own text is kept, and put back by
    ``clear_highlight``.
    """
    original = label.property(ORIGINAL_TEXT)
    if original is None:
        original = label.text()
        label.setProperty(ORIGINAL_TEXT, original)
        label.setProperty(ORIGINAL_FORMAT, label.textFormat() == Qt.TextFormat.RichText)
    rich = bool(label.property(ORIGINAL_FORMAT))
    document = text_document(original, rich, label.font())
    pattern = find_pattern(query)
    text = document.toPlainText()  # one character per document position (UTF-16 units)
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    if not spans:
        clear_highlight(label)
        return 0, None
    if not text.isascii() and max(text) > "\uffff":  # Python counts code points, Qt UTF-16
        spans = [(_utf16_len(text[:start]), _utf16_len(text[:end])) for start, end in spans]
    cursors = []
    for index, (start, end) in enumerate(spans):
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        char_format = QTextCharFormat()
        char_format.setBackground(QColor(CURRENT_MATCH_BACKGROUND if index == current
                                         else MATCH_BACKGROUND))
        char_format.setForeground(QColor(MATCH_TEXT))
        cursor.mergeCharFormat(char_format)
        cursors.append(cursor)
    y = None
    if current is not None and 0 <= current < len(cursors):
        y = _y_of(document, cursors[current], label.contentsRect().width())
    html = document.toHtml()
    if not rich:
        # Plain text shown as rich text keeps its runs of spaces.
        html = html.replace('<body style="', '<body style=" white-space:pre-wrap;', 1)
        label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html)
    return len(cursors), y


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _y_of(document: QTextDocument, cursor: QTextCursor, width: int) -> int:
    document.setTextWidth(max(1, width))
    block = cursor.block()
    top = document.documentLayout().blockBoundingRect(block).top()
    line = block.layout().lineForTextPosition(cursor.selectionStart() - block.position())
    return int(top + (line.y() if line.isValid() else 0))


def clear_highlight(label: QLabel) -> None:
    original = label.property(ORIGINAL_TEXT)
    if original is None:
        return
    rich = bool(label.property(ORIGINAL_FORMAT))
    label.setProperty(ORIGINAL_TEXT, None)
    label.setProperty(ORIGINAL_FORMAT, None)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setText(original)

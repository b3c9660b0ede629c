"""Matching and highlighting for find: the one rule a match follows, and the marks it
leaves in a message's labels (put back as they were by ``clear_highlight``).

Counting (find.py, over ``shown_text.shown_texts``) and highlighting (here, over the
document a label shows) use the same rule, ``find_pattern``, on the same plain text.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel

from desktop_chat.ui.conversation.shown_text import text_document

MATCH_BACKGROUND = "#fde68a"
CURRENT_MATCH_BACKGROUND = "#f59e0b"
MATCH_TEXT = "#1f2328"  # dark on yellow, in either theme
ORIGINAL_TEXT = "findOriginalText"
ORIGINAL_FORMAT = "findOriginalFormat"


def find_pattern(query: str) -> re.Pattern[str] | None:
    """The one rule find matches by, counting and highlighting alike: the query's text,
    ignoring case, matches not overlapping. None for an empty query."""
    return re.compile(re.escape(query), re.IGNORECASE) if query else None


def count_matches(text: str, pattern: re.Pattern[str]) -> int:
    return sum(1 for _ in pattern.finditer(text))


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

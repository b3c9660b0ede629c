"""The text a message shows, as its labels show it: the pipeline from a message's Markdown
(or plain text) to the blocks its labels hold, and to the plain text a reader sees in them.

One pipeline serves two readers that must agree: ``SegmentedText`` (segmented_text.py)
shows ``label_texts`` in its labels, and find (find.py) searches ``shown_texts``, the
plain text of those same labels, so that the k-th match counted is the k-th highlighted.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QTextDocument

from desktop_chat.core.conversation import Message
from desktop_chat.ui.render.markdown import MarkdownRenderer, split_blocks


def split_paragraphs(text: str) -> list[str]:
    """Plain text in paragraphs (each with the blank line that ends it)."""
    parts = text.split("\n\n")
    return [part + "\n\n" for part in parts[:-1]] + [parts[-1]]


def text_blocks(text: str, markdown: bool) -> list[str]:
    """The blocks SegmentedText shows ``text`` in, one label each."""
    blocks = split_blocks(text) if markdown else split_paragraphs(text)
    return [b for b in blocks if b.strip()] or [""]


def label_texts(text: str, renderer: MarkdownRenderer | None) -> list[str]:
    """What SegmentedText gives each of its labels for ``text``: one block each, as HTML
    (Markdown) or as plain text (no renderer)."""
    blocks = text_blocks(text, markdown=renderer is not None)
    if renderer is None:
        return [block.rstrip("\n") for block in blocks]
    return [renderer.render(block).html for block in blocks]


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


def shown_texts(message: Message, renderer: MarkdownRenderer) -> tuple[list[str], list[str]]:
    """The plain text of each label the message's widget shows, in reading order, as find
    searches it: (the thinking's, if any; the rest's). Rendered: no Markdown syntax, no link
    addresses."""
    if message.role == "user":
        return [], [shown_text(message.content, rich=False)]
    thinking = []
    if message.reasoning_content:
        thinking = [shown_text(t, rich=False) for t in label_texts(message.reasoning_content,
                                                                     None)]
    return thinking, [shown_text(t, rich=True) for t in label_texts(message.content, renderer)]

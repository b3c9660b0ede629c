"""A conversation as a PDF: Qt's rich text (QTextDocument) printed by QPdfWriter.

No browser engine: the answers go through the same Markdown renderer as the window, in the
light theme's colours (paper is white). Qt embeds the fonts it used, and falls back per
character to a system font that has the glyph (Chinese needs one, e.g. Noto Sans CJK).
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop_chat import APP_NAME
from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.export_markdown import MarkdownLabels, readable_time
from desktop_chat.ui.render.markdown import COPY_CODE_SCHEME, MarkdownRenderer
from desktop_chat.ui.render.theme import LIGHT

# The renderer's "Copy" link above each code block means nothing on paper.
_COPY_LINK = re.compile(rf'\s*&nbsp;\s*<a href="{COPY_CODE_SCHEME}:\d+"[^>]*>[^<]*</a>')
_MARGIN_MM = 15.0
_BODY_POINTS = 10.5


def conversation_pdf(conversation: Conversation, *, include_thinking: bool = True,
                     labels: MarkdownLabels | None = None) -> bytes:
    """The PDF file's bytes (the path shown). Run on the GUI thread: Qt's fonts."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    font = document.defaultFont()
    font.setPointSizeF(_BODY_POINTS)
    document.setDefaultFont(font)
    document.setHtml(conversation_html(conversation, include_thinking=include_thinking,
                                       labels=labels or MarkdownLabels()))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(conversation.title)
    writer.setCreator(APP_NAME)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
                          QPageLayout.Unit.Millimeter)
    document.print_(writer)
    del writer  # finishes the file
    buffer.close()
    return bytes(data.data())


def conversation_html(conversation: Conversation, *, include_thinking: bool,
                      labels: MarkdownLabels) -> str:
    theme = LIGHT
    renderer = MarkdownRenderer(theme.markdown)
    meta = [f"{labels.model}: {conversation.model}"] if conversation.model else []
    meta += [f"{labels.created}: {readable_time(conversation.created_at)}",
             f"{labels.updated}: {readable_time(conversation.updated_at)}"]
    parts = [
        f'<html><body style="color:{theme.text};">',
        f"<h1>{html.escape(conversation.title or labels.untitled)}</h1>",
        f'<p style="color:{theme.muted};">{" · ".join(html.escape(m) for m in meta)}</p>',
    ]
    for message in conversation.path():
        parts.append(_message_html(message, renderer, include_thinking, labels))
    parts.append("</body></html>")
    return "".join(parts)


def _message_html(message: Message, renderer: MarkdownRenderer, include_thinking: bool,
                  labels: MarkdownLabels) -> str:
    theme = LIGHT
    heading = labels.role(message.role)
    if message.role == "assistant" and message.model:
        heading += f" ({message.model})"
    out = [f'<h3 style="margin-top:18px; color:{theme.accent};">{html.escape(heading)}</h3>']
    thinking = (message.reasoning_content or "").strip()
    if include_thinking and thinking:
        # A one-cell table: Qt's rich text draws backgrounds and padding on cells only.
        out.append(
            f'<table width="100%" cellspacing="0" cellpadding="8" '
            f'style="background-color:{theme.thinking_background}; margin-bottom:8px;">'
            f'<tr><td><p style="margin:0; color:{theme.muted}; font-size:small;">'
            f"{html.escape(labels.thinking)}</p>{_plain(thinking, theme.muted)}</td></tr></table>")
    if message.role == "assistant":
        out.append(_COPY_LINK.sub("", renderer.render(message.content).html))
    else:
        out.append(_plain(message.content, theme.text))
    return "".join(out)


def _plain(text: str, colour: str) -> str:
    """Text as typed: line breaks kept, nothing read as markup."""
    body = html.escape(text.strip()).replace("\n", "<br>")
    return f'<p style="margin:0; color:{colour};">{body}</p>'

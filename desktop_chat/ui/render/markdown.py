"""Model answers as HTML for Qt's rich text: CommonMark + tables, highlighted code.

Safety: HTML in model output is shown as text (markdown-it's ``html`` option is off),
images become plain links (Qt would otherwise load local files named by the model), and
links are only followed when the user clicks them (the view decides how).
Each code block gets a "Copy" link, ``copy-code:N``, N indexing ``RenderedMarkdown.code``.
Formulas (markdown_math) become images (formula_images); one that cannot be typeset, or a
display formula still being written, shows as its LaTeX source in code style.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound
from PySide6.QtCore import QCoreApplication

from desktop_chat.ui.render.formula_images import current_style, formula_image
from desktop_chat.ui.render.markdown_math import (
    BLOCK_TYPES,
    DELIMITERS,
    DISPLAY_IN_TEXT_TYPES,
    INLINE_TYPES,
    UNCLOSED_TYPE,
    math_plugin,
)

COPY_CODE_SCHEME = "copy-code"


@dataclass(frozen=True)
class Palette:
    """The colours rich text needs, from the current theme."""

    text: str
    muted: str
    code_background: str
    border: str
    link: str
    pygments_style: str


@dataclass
class RenderedMarkdown:
    html: str
    code: list[str] = field(default_factory=list)


class MarkdownRenderer:
    def __init__(self, palette: Palette) -> None:
        self.set_palette(palette)
        self._md = MarkdownIt("commonmark", {"html": False, "breaks": False})
        self._md.enable(["table", "strikethrough"])
        self._md.use(math_plugin)
        rules = [("fence", self._fence), ("code_block", self._fence), ("image", self._image),
                 ("code_inline", self._code_inline), ("table_open", self._table_open),
                 (UNCLOSED_TYPE, self._math_source_block)]
        rules += [(token_type, self._math) for token_type in DELIMITERS]
        for token_type, method in rules:
            # markdown-it binds a rule to its renderer: wrap our bound method in a function.
            self._md.add_render_rule(
                token_type,
                lambda renderer, tokens, idx, options, env, method=method:
                    method(tokens, idx, options, env))

    def set_palette(self, palette: Palette) -> None:
        self.palette = palette
        self._formatter = HtmlFormatter(nowrap=True, noclasses=True,
                                        style=palette.pygments_style)

    def render(self, text: str) -> RenderedMarkdown:
        env: dict = {"code": []}
        body = self._md.render(text, env)
        return RenderedMarkdown(html=body, code=env["code"])

    # markdown-it render rules

    def _fence(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        code = token.content
        language = (token.info or "").strip().split(" ")[0]
        index = len(env["code"])
        env["code"].append(code)
        p = self.palette
        label = html.escape(language or QCoreApplication.translate("MarkdownRenderer", "code"))
        copy = html.escape(QCoreApplication.translate("MarkdownRenderer", "Copy"))
        # A one-cell table: Qt's rich text draws backgrounds and padding on cells, not divs.
        return (
            f'<table width="100%" cellspacing="0" cellpadding="8" '
            f'style="background-color:{p.code_background}; margin-top:6px; '
            f'margin-bottom:6px;"><tr><td>'
            f'<p style="margin:0; color:{p.muted}; font-size:small;">{label} &nbsp; '
            f'<a href="{COPY_CODE_SCHEME}:{index}" style="color:{p.link};">{copy}</a></p>'
            f'<pre style="margin:0; font-family:monospace;">'
            f"{_highlighted(code, language, self._formatter)}</pre></td></tr></table>"
        )

    def _code_inline(self, tokens, idx, options, env) -> str:
        return self._code_span(tokens[idx].content)

    def _code_span(self, text: str) -> str:
        p = self.palette
        return (f'<code style="background-color:{p.code_background}; font-family:monospace;">'
                f"&nbsp;{html.escape(text)}&nbsp;</code>")

    def _math(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        display = token.type not in INLINE_TYPES
        image = formula_image(token.content.strip(), display, current_style(self.palette.text))
        if image is None:
            opening, closing = DELIMITERS[token.type]
            source = f"{opening}{token.content}{closing}"
            if token.type in BLOCK_TYPES:
                return self._math_source(source)
            return self._code_span(source)
        img = f'<img src="{image.url}" width="{image.width}"'
        if token.type in INLINE_TYPES:
            # Its exact height: the padding that aligns its baseline depends on it.
            return f'{img} height="{image.height}" style="vertical-align: middle">'
        # A display formula wider than the answer shrinks to fit (the height follows).
        img += ' style="max-width: 100%">'
        if token.type in DISPLAY_IN_TEXT_TYPES:
            # Within a paragraph, it still gets a centred line of its own.
            return f'</p><p align="center">{img}</p><p>'
        return f'<p align="center">{img}</p>\n'

    def _math_source_block(self, tokens, idx, options, env) -> str:
        return self._math_source(tokens[idx].content)

    def _math_source(self, source: str) -> str:
        p = self.palette
        return (f'<pre style="font-family:monospace; background-color:{p.code_background};">'
                f"{html.escape(source.rstrip())}</pre>\n")

    def _image(self, tokens, idx, options, env) -> str:
        token = tokens[idx]
        alt = self._md.renderer.renderInlineAsText(token.children or [], options, env) or \
            QCoreApplication.translate("MarkdownRenderer", "image")
        source = html.escape(token.attrGet("src") or "", quote=True)
        return f'<a href="{source}">[{html.escape(alt)}]</a>'

    def _table_open(self, tokens, idx, options, env) -> str:
        return (f'<table border="1" cellspacing="0" cellpadding="5" '
                f'style="border-color:{self.palette.border}; border-style:solid; '
                f'margin-top:6px; margin-bottom:6px;">')


def _highlighted(code: str, language: str, formatter: HtmlFormatter) -> str:
    lexer = _lexer(language)
    if lexer is None:
        return html.escape(code.rstrip("\n"))
    return highlight(code, lexer, formatter).rstrip("\n")


@lru_cache(maxsize=64)
def _lexer(language: str):
    try:
        if language:
            return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return None
    return None


def split_blocks(text: str) -> list[str]:
    """Split Markdown at blank lines that separate top-level blocks, outside code fences.

    A streaming answer is shown as one label per block, so that a new token re-renders only
    the last block, not the whole answer. A blank line followed by an indented line (a
    list item's continuation, an indented code block) does not split.
    """
    segments: list[str] = []
    current: list[str] = []
    fence = ""
    pending_break = False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if pending_break and stripped and not line[0].isspace():
            segments.append("".join(current))
            current = []
        pending_break = False
        if fence:
            if stripped.startswith(fence):
                fence = ""
        elif stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
        elif not stripped and any(part.strip() for part in current):
            pending_break = True
        current.append(line)
    if current:
        segments.append("".join(current))
    return segments

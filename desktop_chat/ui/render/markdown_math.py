"""Math in Markdown: the four ways R1 writes a formula, parsed into tokens of their own.

``$…$`` and ``\\(…\\)`` are inline formulas; ``$$…$$`` and ``\\[…\\]`` are display formulas,
as a block of their own lines or inside a paragraph. The LaTeX is taken verbatim, before
markdown-it's backslash escapes and emphasis can touch it.

Dollars follow Pandoc's rule, so that prices stay text: no space just inside the ``$``
and no digit just after the closing one ("$5 and $10" is not a formula).
A ``$$`` or ``\\[`` block that has not closed (yet: the answer is still streaming) is a
``math_unclosed`` token, shown as its source until the closing line arrives.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar
from mdit_py_plugins.texmath.index import make_inline_func

# token type: (opening, closing) delimiter, to show a formula's source as it was written
DELIMITERS = {
    "math_inline": ("$", "$"),
    "math_paren": ("\\(", "\\)"),
    "math_inline_double": ("$$", "$$"),
    "math_bracket_inline": ("\\[", "\\]"),
    "math_block": ("$$", "$$"),
    "math_bracket_block": ("\\[", "\\]"),
}
INLINE_TYPES = ("math_inline", "math_paren")  # typeset in text style, on the text's baseline
DISPLAY_IN_TEXT_TYPES = ("math_inline_double", "math_bracket_inline")
BLOCK_TYPES = ("math_block", "math_bracket_block")
UNCLOSED_TYPE = "math_unclosed"
# Blocks a formula block may interrupt without a blank line, as a code fence may.
INTERRUPTS = {"alt": ["paragraph", "reference", "blockquote", "list"]}
OPENERS = {"$$": "$$", "\\[": "\\]"}


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False,
                      allow_blank_lines=False, double_inline=True)
    # Its own digit check reads the character before a "$" at the start of a paragraph as
    # the paragraph's last one (src[-1]): "$x$ is 4" stayed text. Ours looks right.
    md.inline.ruler.at("math_inline", _no_digit_beside(math_inline_dollar(False, True, True)))
    # The same rule, allowed to end a paragraph ("so:\n$$x$$" is common).
    md.block.ruler.at("math_block", _checked_silently(math_block_dollar(False, None, False)),
                      INTERRUPTS)
    md.block.ruler.before("fence", "math_bracket_block", _bracket_block, INTERRUPTS)
    md.block.ruler.after("math_bracket_block", UNCLOSED_TYPE, _unclosed_block, INTERRUPTS)
    md.inline.ruler.before("escape", "math_paren", _bracket_inline(
        "math_paren", "\\(", re.compile(r"^\\\((.+?)\\\)", re.DOTALL)))
    md.inline.ruler.before("escape", "math_bracket_inline", _bracket_inline(
        "math_bracket_inline", "\\[", re.compile(r"^\\\[(.+?)\\\]", re.DOTALL)))


def _no_digit_beside(rule):
    """The inline ``$`` rule, refusing a ``$`` that follows a digit or a closing ``$``
    that a digit follows (Pandoc's rule: "$5 and $10" are prices)."""

    def checked(state: StateInline, silent: bool) -> bool:
        if state.pos > 0 and state.src[state.pos - 1].isdigit():
            return False
        start, tokens = state.pos, len(state.tokens)
        if not rule(state, silent):
            return False
        if state.pos < state.posMax and state.src[state.pos].isdigit():
            state.pos = start
            del state.tokens[tokens:]
            return False
        return True

    return checked


def _checked_silently(rule):
    """The rule, made to leave no token when markdown-it only asks whether it applies
    (dollarmath's block rule pushes its token even then)."""

    def checked(state: StateBlock, start: int, end_line: int, silent: bool) -> bool:
        if not silent:
            return rule(state, start, end_line, False)
        tokens, line = len(state.tokens), state.line
        applies = rule(state, start, end_line, False)
        del state.tokens[tokens:]
        state.line = line
        return applies

    return checked


def _bracket_inline(name: str, opening: str, pattern: re.Pattern):
    """texmath's inline rule for ``\\(…\\)`` or ``\\[…\\]``; an opening that never closes
    stays as written instead of losing its backslash to the escape rule."""
    formula = make_inline_func({"name": name, "rex": pattern, "tag": opening})

    def rule(state: StateInline, silent: bool) -> bool:
        if formula(state, silent):
            return True
        if not state.src.startswith(opening, state.pos):
            return False
        if not silent:
            state.push("text", "", 0).content = opening
        state.pos += len(opening)
        return True

    return rule


def _lines(state: StateBlock, start: int, end_line: int) -> list[str]:
    """The lines from ``start`` up to a blank line or the end (formulas have no blank
    lines, as in LaTeX)."""
    lines = []
    for line in range(start, end_line):
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
        if line > start and not text.strip():
            break
        lines.append(text)
    return lines


def _bracket_block(state: StateBlock, start: int, end_line: int, silent: bool) -> bool:
    """``\\[`` starting a line, ``\\]`` ending the same or a later one."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False  # an indented code block
    lines = _lines(state, start, end_line)
    if not lines[0].startswith("\\["):
        return False
    lines[0] = lines[0][2:]
    for count, text in enumerate(lines, start=1):
        closing = text.find("\\]")
        if closing < 0:
            continue
        if text[closing + 2:].strip():
            return False  # text follows on the line: an inline formula in a paragraph
        if not silent:
            token = state.push("math_bracket_block", "math", 0)
            token.block = True
            token.content = "\n".join([*lines[:count - 1], text[:closing]])
            token.markup = "\\["
            token.map = [start, start + count]
        state.line = start + count
        return True
    return False


def _unclosed_block(state: StateBlock, start: int, end_line: int, silent: bool) -> bool:
    """A ``$$`` or ``\\[`` line whose formula does not close before a blank line."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    lines = _lines(state, start, end_line)
    opening = next((o for o in OPENERS if lines[0].startswith(o)), None)
    if opening is None:
        return False
    if OPENERS[opening] in "\n".join(lines)[len(opening):]:
        return False  # it closes: an inline formula, which the paragraph's rules parse
    if not silent:
        token = state.push(UNCLOSED_TYPE, "math", 0)
        token.block = True
        token.content = "\n".join(lines)
        token.map = [start, start + len(lines)]
    state.line = start + len(lines)
    return True

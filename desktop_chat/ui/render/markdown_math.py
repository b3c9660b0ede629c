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
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar

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
_LAST_CLOSING_KEY = "math_last_closing"  # in markdown-it's env: per parse, per paragraph


def math_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False,
                      allow_blank_lines=False, double_inline=True)
    # Its own digit check reads the character before a "$" at the start of a paragraph as
    # the paragraph's last one (src[-1]): "$x$ is 4" stayed text. Ours looks right.
    md.inline.ruler.at("math_inline", _no_digit_beside(math_inline_dollar(False, True, True)))
    # Its block rule, made linear, and allowed to end a paragraph ("so:\n$$x$$" is common).
    md.block.ruler.at("math_block", _dollar_block, INTERRUPTS)
    md.block.ruler.before("fence", "math_bracket_block", _bracket_block, INTERRUPTS)
    md.block.ruler.after("math_bracket_block", UNCLOSED_TYPE, _unclosed_block, INTERRUPTS)
    md.inline.ruler.before("escape", "math_paren", _bracket_inline("math_paren", "\\(", "\\)"))
    md.inline.ruler.before("escape", "math_bracket_inline",
                           _bracket_inline("math_bracket_inline", "\\[", "\\]"))


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


def _bracket_inline(name: str, opening: str, closing: str):
    """``\\(…\\)`` or ``\\[…\\]`` in a paragraph (texmath's rule, without its copy of the
    rest of the paragraph at every opening); an opening that never closes stays as written
    instead of losing its backslash to the escape rule."""

    def rule(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if not src.startswith(opening, pos):
            return False
        start = pos + len(opening)
        # At least one character, then the first closing (as texmath's "(.+?)" does).
        end = src.find(closing, start + 1, state.posMax) \
            if start + 1 <= _last(state, closing) else -1
        if end >= 0:
            if not silent:
                token = state.push(name, "math", 0)
                token.content = src[start:end]
                token.markup = opening
            state.pos = end + len(closing)
            return True
        if not silent:
            state.push("text", "", 0).content = opening
        state.pos = start
        return True

    return rule


def _last(state: StateInline, closing: str) -> int:
    """Where ``closing`` last occurs in the paragraph (-1: nowhere), found once per
    paragraph: openings after it need not look again (a paragraph of unclosed openings
    stays linear)."""
    cache = state.env.setdefault(_LAST_CLOSING_KEY, {})
    key = (closing, state.src)  # a str caches its hash; the same object compares at once
    found = cache.get(key)
    if found is None:
        found = cache[key] = state.src.rfind(closing)
    return found


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _block_lines(state: StateBlock, start: int, end_line: int) -> Iterator[tuple[int, str]]:
    """(line, text) from ``start`` on, read one at a time (the caller stops at its
    closing), up to a blank line (formulas have none, as in LaTeX) or the end. A line
    indented less than the block that starts a block of its own (the next list item) is
    the last: it may close the formula, and nothing after it belongs to it. Other lines
    indented less belong to the formula, as a paragraph's lazy lines to the paragraph."""
    for line in range(start, end_line):
        text = _line(state, line)
        if line > start and not text.strip():
            return
        yield line, text
        if line > start and _ends_block(state, line, text):
            return


def _ends_block(state: StateBlock, line: int, text: str) -> bool:
    """Whether ``line`` (its ``text``) is indented less than the block and starts a block
    of its own: a list item, a quote, a heading or a fence."""
    return state.sCount[line] < state.blkIndent and _BLOCK_START.match(text) is not None


_BLOCK_START = re.compile(r"(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|>|#{1,6}(?:[ \t]|$)|```|~~~")


def _dollar_block(state: StateBlock, start: int, end_line: int, silent: bool) -> bool:
    """``$$`` starting a line, ``$$`` ending the same or a later one (dollarmath's rule).

    The first line is checked before any other is read, and a later line holding ``$$``
    elsewhere than at its end stops the search (TeX would close the formula there): a
    list or a paragraph of such lines stays linear."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False  # an indented code block
    first = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("$$", first):
        return False
    text = state.src[first:state.eMarks[start]]
    if len(text.strip()) > 3:
        if text.strip().endswith("$$"):
            return _push_dollar_block(state, start, first, start, text, silent)
        if "$$" in text[2:]:
            return False  # "$$x$$ and more": an inline formula in a paragraph
    for line, text in _block_lines(state, start, end_line):
        if line == start:
            continue
        if text.strip().endswith("$$"):
            return _push_dollar_block(state, start, first, line, text, silent)
        if "$$" in text:
            return False
    return False


def _push_dollar_block(state: StateBlock, start: int, first: int, last: int, last_text: str,
                       silent: bool) -> bool:
    """The formula from after the opening ``$$`` (line ``start``, at ``first``) to
    before the closing one ending line ``last``; later lines keep their indentation."""
    end = state.eMarks[last] - 2 - (len(last_text) - len(last_text.rstrip()))
    if not silent:
        if start == last:
            content = state.src[first + 2:end]
        else:
            parts = [state.src[first + 2:state.eMarks[start]]]
            parts += [state.src[state.bMarks[line]:state.eMarks[line]]
                      for line in range(start + 1, last)]
            parts.append(state.src[state.bMarks[last]:end])
            content = "\n".join(parts)
        token = state.push("math_block", "math", 0)
        token.block = True
        token.content = content
        token.markup = "$$"
        token.map = [start, last + 1]
    state.line = last + 1
    return True


def _bracket_block(state: StateBlock, start: int, end_line: int, silent: bool) -> bool:
    """``\\[`` starting a line, ``\\]`` ending the same or a later one."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False  # an indented code block
    if not state.src.startswith("\\[", state.bMarks[start] + state.tShift[start]):
        return False  # checked before any other line is read: a long list stays linear
    lines: list[str] = []
    for line, text in _block_lines(state, start, end_line):
        if line == start:
            text = text[2:]
        closing = text.find("\\]")
        if closing < 0:
            lines.append(text)
            continue
        if text[closing + 2:].strip():
            return False  # text follows on the line: an inline formula in a paragraph
        if not silent:
            token = state.push("math_bracket_block", "math", 0)
            token.block = True
            token.content = "\n".join([*lines, text[:closing]])
            token.markup = "\\["
            token.map = [start, line + 1]
        state.line = line + 1
        return True
    return False


def _unclosed_block(state: StateBlock, start: int, end_line: int, silent: bool) -> bool:
    """A ``$$`` or ``\\[`` line whose formula does not close before a blank line (or the
    end of its list item)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.bMarks[start] + state.tShift[start]
    opening = next((o for o in OPENERS if state.src.startswith(o, first)), None)
    if opening is None:
        return False
    lines: list[str] = []
    for line, text in _block_lines(state, start, end_line):
        if line > start and _ends_block(state, line, text):
            break
        if OPENERS[opening] in (text[len(opening):] if line == start else text):
            return False  # it closes: an inline formula, which the paragraph's rules parse
        lines.append(text)
    if not silent:
        token = state.push(UNCLOSED_TYPE, "math", 0)
        token.block = True
        token.content = "\n".join(lines)
        token.map = [start, start + len(lines)]
    state.line = start + len(lines)
    return True

"""Markdown with math takes any text: no exception escapes the renderer, and the work of
parsing grows in step with the answer (counted in Python lines run, not in seconds), for
the shapes a streamed answer takes and for those that made it quadratic."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import markdown_it
import mdit_py_plugins
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from desktop_chat.ui.render import markdown_math
from desktop_chat.ui.render import theme as themes
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.render.markdown_math import math_plugin

# Pieces that mean something to Markdown or to the math rules, and text around them.
PIECES = ["$$", "$", "\\[", "\\]", "\\(", "\\)", "\n", "\n\n", " ", "    ", "- ", "1. ",
          "> ", "```", "`", "*", "_", "x^2", "\\frac{1}{2}", "{", "}", "5", "a", "#", "|"]
markdown_text = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=30).map(
        "".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdown_text)
def test_any_text_renders_without_an_exception(qapp, text):
    rendered = MarkdownRenderer(themes.LIGHT.markdown).render(text)
    assert isinstance(rendered.html, str)


# ----- linear work --------------------------------------------------------------------------

WATCHED = (str(Path(markdown_it.__file__).parent), str(Path(mdit_py_plugins.__file__).parent),
           markdown_math.__file__)


def lines_run(text: str) -> int:
    """Python lines run by markdown-it and the math rules to parse ``text``."""
    md = MarkdownIt("commonmark").use(math_plugin)
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(WATCHED) else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        md.parse(text)
    finally:
        sys.settrace(previous)
    return count


SHAPES: dict[str, Callable[[int], str]] = {
    "a list with formulas": lambda n: "\n".join(
        f"{i}. with $x_{i}$, \\(y\\), $$z$$ and \\[w\\] and $5" for i in range(n)),
    "a paragraph with formulas": lambda n: "\n".join(
        f"line $x_{i}$ and \\(y^{i}\\) and $$z$$ costs $5" for i in range(n)),
    "a $$ formula still being written": lambda n: "$$\n" + "\n".join(
        f"x_{i} +" for i in range(n)),
    "a \\[ formula still being written": lambda n: "\\[\n" + "\n".join(
        f"x_{i} +" for i in range(n)),
    "lines opening $$": lambda n: "\n".join(f"$$a_{i}" for i in range(n)),
    "lines opening \\[": lambda n: "\n".join(f"\\[a_{i}" for i in range(n)),
    "lines opening \\(": lambda n: "\n".join(f"\\(a_{i}" for i in range(n)),
    "list items opening $$": lambda n: "\n".join(f"- $$a_{i}" for i in range(n)),
    "list items opening \\[": lambda n: "\n".join(f"- \\[a_{i}" for i in range(n)),
    "lines of $$…$$ and text": lambda n: "\n".join(f"$$a_{i}$$ b" for i in range(n)),
    "list items opening $$ with lines not indented": lambda n: "\n".join(
        f"- $$a_{i}\nb_{i}" for i in range(n)),
    "list items opening \\[ with lines not indented": lambda n: "\n".join(
        f"- \\[a_{i}\nb_{i}" for i in range(n)),
    "a list item, then lines opening \\[": lambda n: "- a\n" + "\n".join(
        f"\\[a_{i}" for i in range(n)),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_parsing_ten_times_the_lines_is_at_most_twelve_times_the_work(shape):
    make = SHAPES[shape]
    small, large = lines_run(make(100)), lines_run(make(1000))
    assert large <= 12 * small, f"{large / small:.1f}x the work for 10x the lines"

"""Math in answers: the four ways R1 writes formulas become typeset images; prices, broken
LaTeX and formulas still being written stay readable text; copy gives the source back."""

from __future__ import annotations

import base64
import dataclasses
import os
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, close, make_window
from markdown_it import MarkdownIt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QLabel

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.render import theme as themes
from desktop_chat.ui.render.formula_images import FormulaStyle, _spaced, formula_image
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.render.markdown_math import UNCLOSED_TYPE, math_plugin

ANSWER = (FIXTURES / "math_answer.md").read_text(encoding="utf-8")
IMAGE = re.compile(r'<img src="(data:image/png;base64,[^"]+)" width="(\d+)"')


def tokens(text: str) -> list[tuple[str, str]]:
    """(type, content) of every math token, inline ones included."""
    md = MarkdownIt("commonmark").use(math_plugin)
    found = []
    for token in md.parse(text):
        for t in [token, *(token.children or [])]:
            if t.type.startswith("math"):
                found.append((t.type, t.content))
    return found


def render(text: str, theme: themes.Theme = themes.LIGHT) -> str:
    return MarkdownRenderer(theme.markdown).render(text).html


def decoded(url: str) -> QImage:
    return QImage.fromData(base64.b64decode(url.split(",", 1)[1]), "PNG")


# ----- parsing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kind", "content"), [
    ("Area $\\pi r^2$ here", "math_inline", "\\pi r^2"),
    ("Area \\(\\pi r^2\\) here", "math_paren", "\\pi r^2"),
    ("$$\n\\sum_{k=1}^{n} k\n$$\n", "math_block", "\n\\sum_{k=1}^{n} k\n"),
    ("\\[\n\\frac{a}{b}\n\\]\n", "math_bracket_block", "\n\\frac{a}{b}\n"),
    ("so $$x^2$$ in text", "math_inline_double", "x^2"),
    ("so \\[x^2\\] in text", "math_bracket_inline", "x^2"),
    ("The answer is:\n$$\n\\boxed{144}\n$$", "math_block", "\n\\boxed{144}\n"),
    ("The answer is:\n\\[ \\boxed{144} \\]", "math_bracket_block", " \\boxed{144} "),
])
def test_each_of_the_four_forms_becomes_a_formula_with_its_latex_verbatim(text, kind, content):
    assert tokens(text) == [(kind, content)]


def test_backslashes_and_stars_inside_formulas_are_left_alone(qapp):
    text = r"$a*b*c$ and $x_1 * y_1$ and \(\{1, 2\}\) and \(\boxed{144}\)"
    assert [content for _, content in tokens(text)] == [
        "a*b*c", "x_1 * y_1", r"\{1, 2\}", r"\boxed{144}"]
    html = render(text)
    assert "<em>" not in html and html.count("<img") == 4


@pytest.mark.parametrize("text", [
    "A ticket costs $5 and a meal costs $10, so the total is $15.",
    "Between $5-$10 a day.",
    "It went from $3.50 to $ 4.",
])
def test_prices_stay_text(qapp, text):
    assert tokens(text) == []
    html = render(text)
    assert "<img" not in html and html.count("$") == text.count("$")


@pytest.mark.parametrize(("text", "content"), [
    ("$x^2$ equals 4", "x^2"),  # a line that starts with a formula and ends in a digit
    ("$\\boxed{144}$ is the answer from step 2", "\\boxed{144}"),
    ("- $x$ is 3", "x"),
    ("Here $n$ is 5.", "n"),
])
def test_a_formula_at_the_start_of_a_line_ending_in_a_digit_is_a_formula(qapp, text, content):
    assert tokens(text) == [("math_inline", content)]
    assert render(text).count("<img") == 1


@pytest.mark.parametrize("text", ["a 5$x$ b", "$x$5 y"])
def test_a_dollar_beside_a_digit_is_not_a_formula(qapp, text):
    assert tokens(text) == []


def test_dollars_in_code_and_escaped_dollars_stay_text(qapp):
    text = "Run `echo $HOME $PATH` and\n\n```sh\nx=$((1+2))$\n```\n\nit costs \\$3\\$."
    assert tokens(text) == []
    html = render(text)
    assert "<img" not in html and "$HOME $PATH" in html and "costs $3$." in html


def test_the_fixture_answer_has_every_form_and_keeps_its_prices(qapp):
    kinds = {kind for kind, _ in tokens(ANSWER)}
    assert {"math_inline", "math_paren", "math_block", "math_bracket_block",
            "math_inline_double"} <= kinds
    html = render(ANSWER)
    assert "costs $5 and a meal costs $10, so the total is $15." in html
    assert html.count("<img") == 13  # every formula but the two broken ones


# ----- what cannot be typeset shows as source --------------------------------------------

@pytest.mark.parametrize(("text", "source"), [
    ("half: $\\frac{1}{2$ ok", "$\\frac{1}{2$"),
    ("\\(\\notacommand{x}\\)", "\\(\\notacommand{x}\\)"),
    ("$\\text{面积} = 5$", "$\\text{面积} = 5$"),  # the math font has no CJK glyphs
    ("$a^$", "$a^$"),
])
def test_broken_latex_shows_as_its_source_in_code_style(qapp, text, source):
    html = render(text)
    assert "<img" not in html
    code = re.search(r"<code[^>]*>&nbsp;(.*?)&nbsp;</code>", html)
    assert code and code.group(1) == source.replace("&", "&amp;")


def test_a_broken_display_formula_shows_its_source_block(qapp):
    text = "$$\n\\begin{pmatrix} 1 & 2\n$$\n"
    html = render(text)
    assert "<img" not in html
    assert "<pre" in html and "$$\n\\begin{pmatrix} 1 &amp; 2\n$$" in html


def list_item_math(text: str) -> list[tuple[str, str]]:
    """The math tokens inside the first list item, and the token after that item."""
    parsed = MarkdownIt("commonmark").use(math_plugin).parse(text)
    end = next(i for i, t in enumerate(parsed) if t.type == "list_item_close")
    inside = [(t.type, t.content) for t in parsed[:end] if t.type.startswith("math")]
    return inside + [(parsed[end + 1].type, "")]


@pytest.mark.parametrize(("text", "formula"), [
    ("- $$\nx = 1\n$$", ("math_block", "\nx = 1\n")),
    ("1. $$\nx = 1\n   $$\n2. next", ("math_block", "\nx = 1\n   ")),
    ("- \\[\nx\n\\]", ("math_bracket_block", "\nx\n")),
    ("- $$\nx = 1", (UNCLOSED_TYPE, "$$\nx = 1")),  # still streaming
])
def test_a_formula_in_a_list_item_may_have_lines_that_are_not_indented(text, formula):
    """As a paragraph's lazy lines: the formula stays in its item, one formula, until a
    line that starts a block of its own (the next item)."""
    after = "list_item_open" if "2. next" in text else "bullet_list_close"
    assert list_item_math(text) == [formula, (after, "")]


def test_the_next_list_item_ends_a_formula_still_being_written():
    assert list_item_math("1. $$\n   x\n2. y") == [(UNCLOSED_TYPE, "$$\nx"),
                                                   ("list_item_open", "")]


def test_an_unclosed_opening_keeps_its_backslash(qapp):
    assert "\\(x + 1" in render("so \\(x + 1")


def test_a_display_formula_still_streaming_shows_as_source_until_it_closes(qtbot):
    widget = AssistantMessageWidget(MarkdownRenderer(themes.LIGHT.markdown), True, False)
    qtbot.addWidget(widget)
    widget.start_streaming()
    chunks = ["The sum is\n", "$$\n\\sum_{k=1}^{n}", " k^2 = \\frac{n(n+1)", "(2n+1)}{6}\n",
              "$$\n", "\nDone."]
    shown = []
    for chunk in chunks:
        widget.append("answer", chunk)
        widget._render()  # as the render timer does, without waiting for it
        shown.append("".join(label.text() for label in widget.body.labels()))
    for html in shown[1:4]:
        assert "<img" not in html and "<pre" in html and "\\sum_{k=1}^{n}" in html
    assert "<pre" not in shown[4] and shown[4].count("<img") == 1
    assert "Done." in shown[5]


def layout_nodes_made(monkeypatch, latex: str) -> tuple[object, int]:
    """The image of ``latex`` and the layout nodes ziamath made for it (its work: its
    time is in step with them, about 80 µs each)."""
    from ziamath.nodes.mnode import Mnode

    style = FormulaStyle(colour="#000000", font_px=14.0, x_height=7.0, dpr=1.0)
    formula_image("x", True, style)  # ziamath loaded (and set up) before counting
    made = 0
    original = Mnode.__init__

    def counted(self, *args, **kwargs):
        nonlocal made
        made += 1
        original(self, *args, **kwargs)

    monkeypatch.setattr(Mnode, "__init__", counted)
    return formula_image(latex, True, style), made


def test_a_formula_whose_layout_would_take_minutes_is_shown_as_source(qapp, monkeypatch):
    """ziamath's layout doubles at each level of nested stretchy brackets: six took 8 s,
    nine hours, on the GUI thread (under 100 characters, from any model or file)."""
    nested = "\\sqrt{\\left(" * 6 + "x" + "\\right)}" * 6
    image, made = layout_nodes_made(monkeypatch, nested)
    assert image is None  # its source is shown instead
    assert made <= 15_000  # 81,907 before


def test_a_large_ordinary_formula_is_still_typeset(qapp, monkeypatch):
    matrix = "\\begin{pmatrix}" + "\\\\".join(
        "&".join(f"\\frac{{1}}{{{j}}}" for j in range(12)) for _ in range(12)) + "\\end{pmatrix}"
    image, made = layout_nodes_made(monkeypatch, matrix)
    assert image is not None and made > 8_000  # near the 2,000-character cap


# ----- images: cached, theme colour, pixel ratio, baseline ------------------------------

@pytest.mark.parametrize(("latex", "typeset_as"), [
    (r"\det A = -2", r"\det\, A = {-}2"),  # TeX's spacing, which latex2mathml loses
    (r"(-1)^n, \le -x", r"({-}1)^n, \le {-}x"),
    (r"a - b", r"a - b"),
    (r"\sum_{n=1}^\infty \inf S", r"\sum_{n=1}^\infty \inf\, S"),
    (r"\text{(-5) det A}", r"\text{(-5) det A}"),
])
def test_signs_and_operator_names_are_spaced_as_tex_does(latex, typeset_as):
    assert _spaced(latex) == typeset_as


def test_formulas_are_rendered_once_and_cached_per_colour_size_and_ratio(qapp):
    style = FormulaStyle(colour="#1f2328", font_px=14.0, x_height=7.0, dpr=1.0)
    first = formula_image(r"\frac{1}{3} + \boxed{7}", False, style)
    assert formula_image(r"\frac{1}{3} + \boxed{7}", False, style) is first
    dark = formula_image(r"\frac{1}{3} + \boxed{7}", False,
                         dataclasses.replace(style, colour="#e6e7e9"))
    assert dark is not first and dark.url != first.url


@pytest.mark.parametrize("theme", [themes.LIGHT, themes.DARK])
def test_images_take_the_theme_text_colour(qapp, theme):
    [url, *_] = IMAGE.search(render(r"$\boxed{144}$", theme)).groups()
    image = decoded(url)
    inked = [QColor(image.pixel(x, y)) for x in range(image.width())
             for y in range(image.height()) if QColor.fromRgba(image.pixel(x, y)).alpha() == 255]
    assert inked and all(c.name() == theme.text for c in inked)


def test_images_are_drawn_for_the_device_pixel_ratio(qapp):
    style = FormulaStyle(colour="#000000", font_px=14.0, x_height=7.0, dpr=2.0)
    image = formula_image(r"\sum_{k=1}^{n} k^2", True, style)
    pixels = decoded(image.url)
    assert (pixels.width(), pixels.height()) == (image.width * 2, image.height * 2)


def test_inline_images_are_padded_so_the_formula_baseline_meets_the_text(qapp):
    """Qt centres an inline image (vertical-align: middle) half an x-height above the
    baseline: the ink below that line must be the formula's descent, here that of the
    fraction's denominator, not half of the image."""
    style = FormulaStyle(colour="#000000", font_px=20.0, x_height=10.0, dpr=1.0)
    # "x" sits on the baseline: its ink ends within a pixel or two of it.
    ink_bottom, baseline = ink_bottom_and_qt_baseline(formula_image("x", False, style), style)
    assert abs(ink_bottom - baseline) <= 2
    # a fraction hangs below it: the denominator goes well under the baseline.
    ink_bottom, baseline = ink_bottom_and_qt_baseline(
        formula_image(r"\frac{1}{2}", False, style), style)
    assert ink_bottom - baseline > 3


def ink_bottom_and_qt_baseline(image, style: FormulaStyle) -> tuple[int, float]:
    """The last row with ink, and the row Qt puts on the text's baseline."""
    pixels = decoded(image.url)
    descent = (image.height - style.x_height / 2) / 2
    rows = [y for y in range(pixels.height()) for x in range(pixels.width())
            if QColor.fromRgba(pixels.pixel(x, y)).alpha() > 128]
    return max(rows) + 1, pixels.height() - descent


# ----- the real window ---------------------------------------------------------------------

def test_the_fixture_answer_renders_in_the_window_and_copies_back_as_source(qtbot, data_dir,
                                                                             tmp_path):
    conversation = Conversation(title="Sum of squares")
    conversation.add(Message(role="user", content="What is 1² + 2² + … + 8²?"))
    conversation.add(Message(role="assistant", content=ANSWER, finish_reason="stop"))
    window = make_window(qtbot, data_dir)
    window.resize(900, 900)
    window.conversations.store.save(conversation)
    window.chat.open_conversation(conversation.id)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.chat_page)
    answer = window.view.assistant_widgets()[-1]
    html = "".join(label.text() for label in answer.findChildren(QLabel, "answerText"))
    assert html.count("<img") == 13 and "$\\frac{1}{2$" in html

    answer.copy_button.click()
    assert QGuiApplication.clipboard().text() == ANSWER

    shots = Path(os.environ.get("DESKTOP_CHAT_SHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        window.settings_dialogs.apply_settings(dataclasses.replace(window.settings, theme=theme))
        answer = window.view.assistant_widgets()[-1]
        colour = themes.DARK.text if theme == "dark" else themes.LIGHT.text
        html = "".join(label.text() for label in answer.findChildren(QLabel, "answerText"))
        url = IMAGE.search(html).group(1)
        assert formula_colour(decoded(url)) == colour
        window.view.grab().save(str(shots / f"{theme}.png"))
    close(qtbot, window)


def formula_colour(image: QImage) -> str:
    for y in range(image.height()):
        for x in range(image.width()):
            colour = QColor.fromRgba(image.pixel(x, y))
            if colour.alpha() == 255:
                return colour.name()
    return ""

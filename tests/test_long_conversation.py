"""Long conversations: widgets only near the viewport, find in the conversation, links."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextDocument
from PySide6.QtWidgets import QLabel, QWidget

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.find_highlight import CURRENT_MATCH_BACKGROUND
from desktop_chat.ui.conversation.slots import SPACING
from desktop_chat.ui.conversation.view import ConversationView
from desktop_chat.ui.render import theme as themes
from desktop_chat.ui.render.markdown import MarkdownRenderer

MAX_LIVE_WIDGETS = 60
CODE = "```python\ndef area(r):\n    return 3.14159 * r * r\n```\n"


def long_conversation(count: int = 2000, marker_at: int | None = None) -> list[Message]:
    messages = []
    for i in range(count // 2):
        messages.append(Message(role="user", content=f"Question {i}: how big is a circle?"))
        messages.append(Message(
            role="assistant", content=f"Answer {i}.\n\n{CODE}\nThat is all.",
            reasoning_content="Think about circles. " * 10, finish_reason="stop",
            stats={"thinking_s": 2.0, "answer_tokens": 40}))
    if marker_at is not None:
        messages[marker_at].content += " The okapi lives in a forest."
    return messages


@pytest.fixture
def view(qtbot):
    theme = themes.LIGHT
    themes.apply(QGuiApplication.instance(), theme)
    view = ConversationView(MarkdownRenderer(theme.markdown))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def built(view: ConversationView) -> list[int]:
    return sorted(i for i, slot in enumerate(view.slots) if slot.widget is not None)


def at_bottom(view: ConversationView) -> bool:
    bar = view.verticalScrollBar()
    return bar.value() == bar.maximum()


def visible_slots(view: ConversationView) -> list[int]:
    top = view.verticalScrollBar().value()
    bottom = top + view.viewport().height()
    return [i for i in built(view)
            if view.slots[i].widget.y() < bottom and view.slots[i].widget.geometry().bottom() > top]


def settle(qtbot, view: ConversationView) -> None:
    """Let the idle builds run out; then the built messages must sit one below the other."""
    qtbot.waitUntil(lambda: not view._preload_timer.isActive(), timeout=10_000)
    assert_stacked(view)


def assert_stacked(view: ConversationView) -> None:
    indexes = built(view)
    for above, below in zip(indexes, indexes[1:], strict=False):
        a, b = view.slots[above].widget.geometry(), view.slots[below].widget.geometry()
        assert a.bottom() < b.top(), (above, below)
        if below == above + 1:
            assert b.top() - a.bottom() - 1 == SPACING, (above, below)


def rendered(widget: AssistantMessageWidget) -> bool:
    """The throttled Markdown render has shown all of the streamed answer."""
    return (widget.body.text == widget.answer_markdown() and widget.body.isVisible()
            and not widget._render_timer.isActive())


def laid_out(view: ConversationView, widget: QWidget) -> bool:
    """The view has measured and placed the widget at its current size."""
    return widget.height() == widget.heightForWidth(widget.width()) == view.slot_layout.heights[-1]


def test_a_long_conversation_opens_at_its_end_with_few_widgets(qtbot, view):
    view.show_messages(long_conversation())
    assert len(view.slots) == 2000
    assert built(view)[-1] == 1999
    assert 0 < len(built(view)) < MAX_LIVE_WIDGETS
    assert at_bottom(view)
    settle(qtbot, view)
    assert len(built(view)) < MAX_LIVE_WIDGETS
    assert at_bottom(view)
    # The widgets are in message order, as findChildren (and screen readers) see them.
    answers = view.findChildren(QLabel, "answerText")
    assert view.slots[1999].widget.isAncestorOf(answers[-1])
    assert view.assistant_widgets()[-1].answer_markdown().startswith("Answer 999.")
    assert view.assistant_widgets()[-1].regenerate_button.isVisibleTo(view)
    # What is in view is built: no placeholder shows as a gap.
    assert visible_slots(view) and visible_slots(view)[-1] == 1999


def test_scrolling_builds_what_comes_into_view_and_drops_what_leaves(qtbot, view):
    view.show_messages(long_conversation())
    settle(qtbot, view)
    view.verticalScrollBar().setValue(0)
    settle(qtbot, view)
    assert built(view)[0] == 0 and 1999 not in built(view)
    assert len(built(view)) < MAX_LIVE_WIDGETS
    assert view.verticalScrollBar().value() == 0
    assert visible_slots(view)[0] == 0
    assert "Question 0:" in view.slots[0].widget.text.text()

    bar = view.verticalScrollBar()
    for value in range(0, bar.maximum() // 3, view.viewport().height() // 2):
        bar.setValue(value)  # reading down: each step's messages are built before paint
        first_in_view = visible_slots(view)
        assert first_in_view, value
        assert len(built(view)) < MAX_LIVE_WIDGETS
    view.scroll_to_bottom()
    settle(qtbot, view)
    assert built(view)[-1] == 1999 and 0 not in built(view)
    assert at_bottom(view)


def test_building_the_messages_above_does_not_move_what_is_in_view(qtbot, view):
    view.show_messages(long_conversation())
    settle(qtbot, view)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)  # lands among estimated heights
    first = visible_slots(view)[0]
    widget = view.slots[first].widget
    y = widget.mapTo(view.viewport(), QPoint(0, 0)).y()
    settle(qtbot, view)  # the screens above and below are built and measured meanwhile
    assert any(i < first for i in built(view))
    assert widget.mapTo(view.viewport(), QPoint(0, 0)).y() == y


def test_resizing_measures_again_and_keeps_the_end_in_view(qtbot, view):
    view.show_messages(long_conversation())
    settle(qtbot, view)
    view.resize(520, 600)
    settle(qtbot, view)
    assert at_bottom(view) and visible_slots(view)[-1] == 1999
    widget = view.slots[1999].widget
    assert widget.height() == widget.heightForWidth(widget.width())
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    settle(qtbot, view)
    view.resize(900, 700)
    settle(qtbot, view)
    assert visible_slots(view) and not at_bottom(view)


def test_a_folded_thinking_panel_stays_as_the_user_left_it(qtbot, view):
    view.show_messages(long_conversation(200))
    settle(qtbot, view)
    last = view.slots[199].widget
    last.thinking.set_expanded(True)
    view.verticalScrollBar().setValue(0)
    settle(qtbot, view)
    assert view.slots[199].widget is None
    view.scroll_to_bottom()
    settle(qtbot, view)
    assert view.slots[199].widget.thinking.expanded


def test_streaming_into_a_long_conversation_follows_the_end(qtbot, view):
    view.show_messages(long_conversation())
    settle(qtbot, view)
    view.add_user_message(Message(role="user", content="One more question"))
    live = view.start_assistant_message()
    assert view.live is live
    view.append_chunk("reasoning", "Let me think. " * 30)
    for i in range(60):
        view.append_chunk("answer", f"word{i} " + ("\n\n" if i % 10 == 9 else ""))
        qtbot.wait(2)
    qtbot.waitUntil(lambda: "word59" in live.answer_markdown() and at_bottom(view))
    qtbot.waitUntil(lambda: rendered(live) and laid_out(view, live))  # the throttled render
    assert at_bottom(view)
    assert len(built(view)) < MAX_LIVE_WIDGETS
    final = Message(role="assistant", content=live.answer_markdown(),
                    reasoning_content=live.thinking.reasoning(), finish_reason="stop")
    view.finish_live_message(final)
    assert view.live is None and view.slots[-1].message is final
    assert live.regenerate_button.isVisibleTo(view)

    # Regenerate: the answer goes, a new one streams in its place.
    view.remove_last_assistant_message()
    assert len(view.slots) == 2001 and view.slots[-1].message.content == "One more question"
    again = view.start_assistant_message()
    view.append_chunk("answer", "A new answer.")
    view.finish_live_message(Message(role="assistant", content="A new answer."))
    qtbot.waitUntil(lambda: at_bottom(view))
    assert view.assistant_widgets()[-1] is again
    assert again.regenerate_button.isVisibleTo(view)


def test_scrolling_up_while_streaming_keeps_the_live_answer(qtbot, view):
    view.show_messages(long_conversation(400))
    live = view.start_assistant_message()
    view.verticalScrollBar().setValue(0)
    settle(qtbot, view)
    before = view.slot_layout.heights[-1]
    view.append_chunk("answer", "still streaming " * 50)
    qtbot.waitUntil(lambda: rendered(live) and laid_out(view, live))
    assert view.slot_layout.heights[-1] > before + 40  # the answer grew below...
    assert view.verticalScrollBar().value() == 0  # ...and the user's place is kept
    assert view.live is live and view.slots[-1].widget is live


def test_find_searches_every_message_and_scrolls_to_the_match(qtbot, view):
    view.show_messages(long_conversation(marker_at=4))
    settle(qtbot, view)
    assert view.find("okapi") == 1
    assert view.find_bar.isVisible()
    assert view.find_bar.count.text() == "1 of 1"
    assert 4 in visible_slots(view)
    label = view.slots[4].widget.text
    assert "background-color" in label.text()  # highlighted
    y = label.mapTo(view.viewport(), QPoint(0, 0)).y()
    assert 0 <= y < view.viewport().height()

    assert view.find("Question 1") == 111  # Question 1, 10-19, 100-199
    first, total = view.find_position()
    view.find_next()
    assert view.find_position() == ((first + 1) % total, total)
    view.find_previous()
    view.find_previous()
    assert view.find_position() == ((first - 1) % total, total)
    index = view.finder.matches[view.find_position()[0]][0]
    assert index in visible_slots(view)

    view.find_bar.input.setText("no such words")
    assert view.find_bar.count.text() == "No matches"
    view.close_find()
    assert not view.find_bar.isVisible()
    assert "background-color" not in label.text() if view.slots[4].widget else True


def test_find_opens_a_folded_thinking_panel_with_the_match(qtbot, view):
    messages = long_conversation(40)
    messages[21].reasoning_content = "Consider the axolotl first."
    view.show_messages(messages)
    assert view.find("axolotl") == 1
    widget = view.slots[21].widget
    assert widget.thinking.expanded
    assert 21 in visible_slots(view)


def test_ctrl_f_opens_the_find_bar_and_esc_closes_it(qtbot, window):
    conversation = Conversation(title="Long")
    for message in long_conversation(marker_at=4):
        conversation.add(message)
    window.conversations.store.save(conversation)
    window.chat.open_conversation(conversation.id)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.chat_page)
    view = window.view
    assert len(built(view)) < MAX_LIVE_WIDGETS and at_bottom(view)

    window.activateWindow()
    window.composer.input.setFocus()
    qtbot.keyClick(window.composer.input, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.findChild(QWidget, "findBar")
    assert bar.isVisible()
    find_input = window.findChild(QWidget, "findInput")
    assert find_input.hasFocus()
    qtbot.keyClicks(find_input, "okapi")
    assert bar.count.text() == "1 of 1"
    assert 4 in visible_slots(view)
    qtbot.keyClick(find_input, Qt.Key.Key_Escape)  # Esc is Stop elsewhere: here it closes
    assert not bar.isVisible()

    qtbot.keyClick(window.composer.input, Qt.Key.Key_F,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.sidebar.search.hasFocus()


# ----- links ---------------------------------------------------------------------------------

def answer_with_links(view: ConversationView) -> AssistantMessageWidget:
    text = ("See [the docs](https://example.com/docs), [mail](mailto:a@example.com), "
            "[copy](copy-code:abc), [far](copy-code:99), [file](file:///etc/passwd), "
            "[js](javascript:x), [app](myapp://open).\n\n" + CODE)
    view.show_messages([Message(role="user", content="links?"),
                        Message(role="assistant", content=text, finish_reason="stop")])
    return view.assistant_widgets()[-1]


@pytest.fixture
def opened(monkeypatch):
    urls: list[str] = []

    def record(url: QUrl) -> bool:
        urls.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", record)
    return urls


def activate(widget: AssistantMessageWidget, url: str) -> None:
    """As a click on a link in the answer does."""
    for label in widget.body.labels():
        label.linkActivated.emit(url)
        return


def test_links_the_model_writes_open_only_on_the_web_or_by_mail(qtbot, view, opened):
    widget = answer_with_links(view)
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("unchanged")
    for url in ("copy-code:abc", "copy-code:99", "copy-code:-1", "copy-code:",
                "copy-code:1e3", "file:///etc/passwd", "javascript:x", "myapp://open",
                "", "::"):
        activate(widget, url)  # raises nothing (pytest-qt fails a test on slot errors)
    assert opened == []
    assert clipboard.text() == "unchanged"

    activate(widget, "https://example.com/docs")
    activate(widget, "mailto:a@example.com")
    assert opened == ["https://example.com/docs", "mailto:a@example.com"]


def test_a_code_blocks_copy_link_copies_its_code(qtbot, view, opened):
    widget = answer_with_links(view)
    code_label = next(label for label in widget.body.labels() if label.property("code"))
    code_label.linkActivated.emit("copy-code:0")
    assert QGuiApplication.clipboard().text() == "def area(r):\n    return 3.14159 * r * r\n"
    assert opened == []


def test_hovering_a_link_says_where_it_goes(qtbot, view):
    widget = answer_with_links(view)
    label = widget.body.labels()[0]
    label.linkHovered.emit("https://example.com/docs")
    assert label.toolTip() == "https://example.com/docs"
    label.linkHovered.emit("file:///etc/passwd")
    assert "not opened" in label.toolTip()
    label.linkHovered.emit("")  # the pointer left the link
    assert label.toolTip() == ""


# ----- find: what is shown is what is found --------------------------------------------------

def label_document(label: QLabel) -> QTextDocument:
    document = QTextDocument()
    if label.textFormat() == Qt.TextFormat.RichText:
        document.setHtml(label.text())
    else:
        document.setPlainText(label.text())
    return document


def current_match(widget: QWidget) -> tuple[str, int, str]:
    """The text the widget's labels show (joined by newlines), and where the current match
    is highlighted in it: its offset and its text."""
    shown, found = [], None
    for label, _ in widget.text_labels():
        document = label_document(label)
        text = document.toPlainText()
        block = document.begin()
        while block.isValid():
            iterator = block.begin()
            while not iterator.atEnd():
                fragment = iterator.fragment()
                colour = fragment.charFormat().background().color().name()
                if colour == CURRENT_MATCH_BACKGROUND:
                    assert found is None, "one current match"
                    units = text.encode("utf-16-le")[: 2 * fragment.position()]
                    at = sum(len(t) + 1 for t in shown) + len(units.decode("utf-16-le"))
                    found = (at, fragment.text())
                iterator += 1
            block = block.next()
        shown.append(text)
    assert found is not None, "a current match is highlighted"
    return "\n".join(shown), *found


def test_find_counts_and_highlights_the_text_as_shown_not_the_markdown(qtbot, view):
    answer = ("First **word**, then a [link](http://word.example/word) and `word` code.\n\n"
              "Entities: &amp;word and W&#79;RD, and 🦊 word.\n\n"
              "```\nword = 1\n```\n")
    view.show_messages([
        Message(role="user", content="Say a word: 🦊🦊 word"),
        Message(role="assistant", content=answer, finish_reason="stop",
                reasoning_content="I should word this well."),
    ])
    qtbot.waitUntil(lambda: all(slot.widget is not None for slot in view.slots))
    # Shown: 2 in the question; the thinking's, **word**, `word`, &word, WORD (an
    # entity), 🦊 word and the code's in the answer. Not the two in the link's address.
    assert view.find("word") == 2 + 7
    for k in range(9):
        if k:
            view.find_next()
        assert view.find_position() == (k, 9)
        assert view.find_bar.count.text() == f"{k + 1} of 9"
        index, occurrence = view.finder.matches[k]
        shown, at, text = current_match(view.slots[index].widget)
        starts = [m.start() for m in re.finditer("word", shown, re.IGNORECASE)]
        assert at == starts[occurrence] and text.casefold() == "word", (k, shown)
    assert view.slots[1].widget.thinking.expanded  # the thinking's match opened it

    assert view.find("&word") == 1  # written &amp;word
    assert view.find("example") == 0  # only in a link's address
    assert view.find_bar.count.text() == "No matches"
    assert view.find("**") == 0 and view.find("```") == 0


def test_enter_after_the_messages_changed_goes_to_the_first_match_not_past_it(qtbot, view):
    view.show_messages([Message(role="user", content="Nothing here"),
                        Message(role="assistant", content="Nor here.", finish_reason="stop")])
    assert view.find("okapi") == 0
    view.add_user_message(Message(role="user", content="An okapi?"))
    view.add_user_message(Message(role="user", content="Another okapi!"))
    view.find_next()  # Enter: the results are stale, and there was no match before
    assert view.find_position() == (0, 2)
    assert view.find_bar.count.text() == "1 of 2"
    view.find_next()
    assert view.find_position() == (1, 2)

    # The current match is still there: Enter steps from it.
    view.start_assistant_message()
    view.finish_live_message(Message(role="assistant", content="The okapi, yes.",
                                     finish_reason="stop"))
    view.find_next()
    assert view.find_position() == (2, 3)

    # The current match went (regenerate): Enter goes to the first match in view.
    view.remove_last_assistant_message()
    view.find_previous()
    assert view.find_position() == (0, 2)


@pytest.mark.parametrize("keep_open", [True, False])
def test_heights_estimated_with_long_thinking_are_close_to_the_measured(qtbot, view,
                                                                        keep_open):
    messages = long_conversation(200)
    for message in messages[1::2]:
        message.reasoning_content = "Think about circles, and then about squares. " * 40
    messages[101].content = ""  # stopped while thinking: open either way
    view.keep_thinking_open = keep_open
    view.show_messages(messages)
    settle(qtbot, view)
    for index in (101, 51):
        assert view.slots[index].widget is None
        estimate = view.slot_layout.heights[index]
        view.scroll_to(view.slot_layout.tops[index])
        settle(qtbot, view)
        widget = view.slots[index].widget
        assert widget.thinking.expanded == (keep_open or index == 101)
        measured = view.slot_layout.heights[index]
        assert measured == widget.height()
        assert abs(estimate - measured) <= 0.2 * measured, (index, estimate, measured)


def test_changing_keep_thinking_open_estimates_again(qtbot, view):
    messages = long_conversation(200)
    for message in messages[1::2]:
        message.reasoning_content = "Think about circles, and then about squares. " * 40
    view.show_messages(messages)
    settle(qtbot, view)
    folded = view.slot_layout.heights[51]
    view.keep_thinking_open = True
    assert view.slot_layout.heights[51] > folded + 100

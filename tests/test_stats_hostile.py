"""A saved answer's ``stats`` of any shape (an import, a hand edit): the decoder keeps
what can be shown and drops the rest, and the answer's widget shows whatever Message it
is given without raising. Also the conversation's times, which an export shows."""

from __future__ import annotations

import json

import pytest
from conftest import close, make_window

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.conversation_import import read_imports
from desktop_chat.core.inference import GenerationStats
from desktop_chat.core.message_stats import AMOUNTS, COUNTS, FLAGS, TEXTS, valid_stats
from desktop_chat.core.store import ConversationStore

BAD_STATS = [
    {"answer_tokens": "5", "reasoning_tokens": [1], "decode_tokens_per_s": "fast"},
    {"answer_tokens": 10**400, "decode_tokens_per_s": float("inf"), "thinking_s": float("nan")},
    {"answer_tokens": -3, "thinking_s": -float("inf"), "thinking_cut": {"why": 1}},
    {"answer_tokens": True, "thinking_s": "3", "total_s": None, "reasoning_unfinished": "yes"},
]


def answered(stats) -> Conversation:
    conversation = Conversation(title="imported")
    conversation.add(Message(role="user", content="question"))
    conversation.add(Message(role="assistant", content="answer", reasoning_content="hmm",
                             stats=stats, finish_reason="stop"))
    return conversation


def test_every_stat_the_app_writes_is_checked():
    written = set(GenerationStats(thinking_cut="budget").to_dict()) | {"reasoning_unfinished"}
    assert written == set(COUNTS) | set(AMOUNTS) | set(FLAGS) | set(TEXTS)


def test_what_the_app_writes_is_kept():
    stats = {**GenerationStats(answer_tokens=5, thinking_s=1.5, decode_tokens_per_s=12.3,
                               thinking_cut="budget").to_dict(), "reasoning_unfinished": True}
    assert valid_stats(stats) == stats


@pytest.mark.parametrize("stats", BAD_STATS)
def test_the_decoder_drops_unusable_stats_and_keeps_a_newer_versions_keys(stats):
    data = answered(None).to_dict()
    data["messages"][1]["stats"] = {**stats, "prompt_tokens": 7, "newer_key": {"x": [1]}}
    message = Conversation.from_dict(data).messages[1]
    assert message.stats == {"prompt_tokens": 7, "newer_key": {"x": [1]}}


@pytest.mark.parametrize("stats", ["text", [1, 2], 5, True])
def test_stats_that_are_not_an_object_are_dropped_not_the_conversation(stats):
    data = answered(None).to_dict()
    data["messages"][1]["stats"] = stats
    assert Conversation.from_dict(data).messages[1].stats is None


def test_an_imported_answer_with_stats_of_the_wrong_type_opens_in_the_window(
        qtbot, tmp_path):
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(answered(BAD_STATS[0] | {"prompt_tokens": 3}).to_dict()))
    [imported] = read_imports([exported], set()).conversations
    data_dir = tmp_path / "data"
    ConversationStore(data_dir / "conversations").save(imported)
    window = make_window(qtbot, data_dir)
    try:
        window.chat.open_conversation(imported.id)  # built the widget: raised TypeError
        [widget] = [w for w in window.view.findChildren(object)
                    if type(w).__name__ == "AssistantMessageWidget"]
        assert widget.body.isVisible() and widget.stats.text() == ""
    finally:
        close(qtbot, window)


@pytest.mark.parametrize("stats", BAD_STATS)
def test_the_answer_widget_shows_any_stats_it_is_given(qtbot, stats):
    from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
    from desktop_chat.ui.render.markdown import MarkdownRenderer
    from desktop_chat.ui.render.theme import LIGHT

    widget = AssistantMessageWidget(MarkdownRenderer(LIGHT.markdown), True, False)
    qtbot.addWidget(widget)
    message = answered(None).messages[1]
    message.stats = {**stats, "reasoning_tokens": 2, "answer_tokens": 3}  # not decoded
    widget.show_message(message)  # raised TypeError, ValueError or OverflowError
    assert widget.stats.text() == "5 tokens"


@pytest.mark.parametrize("stamp", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00",
                                   "yesterday", ""])
def test_an_imported_time_of_any_value_is_shown_as_it_is_when_it_is_not_readable(stamp):
    from desktop_chat.core.export_markdown import readable_time

    assert readable_time(stamp) == stamp  # raised OverflowError exporting the conversation


def test_the_answer_widget_shows_a_model_address_it_cannot_read_as_written(qtbot):
    from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
    from desktop_chat.ui.render.markdown import MarkdownRenderer
    from desktop_chat.ui.render.theme import LIGHT

    widget = AssistantMessageWidget(MarkdownRenderer(LIGHT.markdown), True, False)
    qtbot.addWidget(widget)
    message = answered({"answer_tokens": 2}).messages[1]
    message.model = "http://"  # imported: raised ServerAddressError at every build
    widget.show_message(message)
    assert widget.stats.text() == "http:// · 2 tokens"

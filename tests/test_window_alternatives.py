"""Generate answers in the real window on tiny-r1: several answers at once become versions
of the last answer, each with its thinking, and survive a restart (issue 10, item 4)."""

from __future__ import annotations

import json

import pytest
from conftest import (
    REPLY_TIMEOUT_MS,
    close,
    make_window,
    open_model,
    send,
    slow_down,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget


def answers(window):
    return [w for w in window.view.message_widgets() if isinstance(w, AssistantMessageWidget)]


def version(widget):
    label = widget.findChild(QLabel, "versionLabel")
    return label.text() if label.parentWidget().isVisibleTo(widget) else None


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def generate_answers(qtbot, window, on_chunk=None):
    """Click Generate answers on the last answer; the run's end (conversation, question id,
    messages, error)."""
    if on_chunk:
        window.chat.alternatives.chunk_received.connect(on_chunk)
    with qtbot.waitSignal(window.chat.alternatives.ended, timeout=REPLY_TIMEOUT_MS) as done:
        click(qtbot, answers(window)[-1].alternatives_button)
    if on_chunk:
        window.chat.alternatives.chunk_received.disconnect(on_chunk)
    return done.args


@pytest.mark.slow
def test_three_answers_become_versions_with_their_thinking_and_survive_a_restart(
        qtbot, window, data_dir):
    open_model(qtbot, window)
    first = send(qtbot, window, "What is the capital of France?")
    assert answers(window)[-1].alternatives_button.isVisible()
    streaming = []

    def on_chunk(sequence, kind, text):
        if not streaming:  # all three stream at once, each in a widget of its own
            streaming.append([version(w) for w in answers(window)])

    _, question_id, added, error = generate_answers(qtbot, window, on_chunk)
    assert error == "" and streaming == [["1/3", "2/3", "3/3"]]
    assert len(added) == 3
    conversation = window.chat.current
    siblings = conversation.siblings(first.id)
    assert [m.id for m in siblings] == [first.id, *(m.id for m in added)]
    assert all(m.parent_id == question_id for m in siblings)
    for message in added:
        assert message.reasoning_content.startswith("The user asks")
        assert "Paris" in message.content and message.finish_reason == "stop"
        assert message.stats["prompt_tokens"] == 12
    [shown] = answers(window)  # the first new answer, with the arrows
    assert version(shown) == "2/4" and shown.thinking.reasoning() == added[0].reasoning_content
    click(qtbot, shown.findChild(type(shown.alternatives_button), "nextVersionButton"))
    [shown] = answers(window)
    assert version(shown) == "3/4" and shown.thinking.reasoning() == added[1].reasoning_content
    assert window.conversations.flush_saves()
    close(qtbot, window)

    again = make_window(qtbot, data_dir)
    again.chat.open_conversation(conversation.id)
    reopened = again.chat.current
    assert [m.reasoning_content for m in reopened.siblings(first.id)[1:]] == [
        m.reasoning_content for m in added]
    assert version(answers(again)[-1]) == "3/4"  # the version shown when it closed
    close(qtbot, again)


@pytest.mark.slow
def test_stop_ends_every_answer_and_keeps_what_they_wrote(qtbot, window, monkeypatch):
    open_model(qtbot, window)
    first = send(qtbot, window, "What is 2 + 2?")
    slow_down(monkeypatch, window.worker.engine.model, 0.05)
    stopped = []

    def on_chunk(sequence, kind, text):
        if not stopped:
            stopped.append(True)
            click(qtbot, window.composer.stop_button)

    _, _, added, error = generate_answers(qtbot, window, on_chunk)
    assert error == "" and not window.chat.generating
    assert added and all(m.finish_reason == "cancelled" for m in added)
    assert len(window.chat.current.siblings(first.id)) == 1 + len(added)
    assert window.view.branching_enabled


@pytest.mark.slow
def test_answers_are_saved_as_they_stream_so_a_crash_keeps_them(qtbot, window, monkeypatch):
    open_model(qtbot, window)
    first = send(qtbot, window, "What is the capital of France?")
    window.chat.alternatives._draft_timer.setInterval(100)
    slow_down(monkeypatch, window.worker.engine.model, 0.05)
    path = window.conversations.store.path_for(window.chat.current.id)

    def drafts_on_disk():
        if not path.exists():
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
        drafts = [m for m in data["messages"]
                  if m["parent_id"] == first.parent_id and m["id"] != first.id]
        return len(drafts) == 3 and all(m.get("reasoning_content") for m in drafts)

    seen = []

    def on_chunk(sequence, kind, text):
        if not seen and drafts_on_disk():  # mid-run, as a crash would find the file
            seen.append(json.loads(path.read_text(encoding="utf-8")))

    window.chat.alternatives.chunk_received.connect(on_chunk)
    _, _, added, error = generate_answers(qtbot, window)
    assert error == "" and seen, "the answers were never on disk while they streamed"
    drafts = [m for m in seen[0]["messages"] if m["parent_id"] == first.parent_id][1:]
    assert all(m["finish_reason"] == "cancelled" for m in drafts)
    assert [m["id"] for m in drafts] == [m.id for m in added]  # the final ones replace them
    assert window.conversations.flush_saves()
    final = json.loads(path.read_text(encoding="utf-8"))["messages"]
    assert [m["finish_reason"] for m in final[-3:]] == ["stop"] * 3
    assert len(final) == 5

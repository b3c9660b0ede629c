"""Conversations as trees in the real window (issue 10): edit and resend, version arrows,
regenerate as a version, fork, and a conversation's own settings, on tiny-r1."""

from __future__ import annotations

import json

import pytest
from conftest import (
    REPLY_TIMEOUT_MS,
    close,
    fail_at_call,
    make_window,
    open_model,
    send,
    slow_down,
)
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QToolButton

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.user_message import UserMessageWidget


def hover(widget):
    """What the pointer entering a message does (offscreen has no pointer)."""
    QApplication.sendEvent(widget, QEvent(QEvent.Type.Enter))


def button(widget, name):
    found = widget.findChild(QToolButton, name)
    assert found is not None, name
    return found


def shown(window):
    """The texts of the messages with a widget now, in order."""
    texts = []
    for widget in window.view.message_widgets():
        if isinstance(widget, UserMessageWidget):
            texts.append(widget.message.content)
        else:
            texts.append(widget.answer_markdown())
    return texts


def version_label(widget):
    label = widget.findChild(QLabel, "versionLabel")
    return label.text() if label.parentWidget().isVisibleTo(widget) else None


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


# ----- without a model: the tree on disk, the arrows, a restart --------------------------

def branched_conversation() -> Conversation:
    """Q1 has two answers (A1, A1b); Q1 was edited into Q1b, whose answer goes on to Q2."""
    conversation = Conversation(title="Branches")
    q1 = conversation.add(Message(role="user", content="Q1"))
    conversation.add(Message(role="assistant", content="A1", finish_reason="stop"))
    conversation.add(Message(role="assistant", content="A1b", finish_reason="stop",
                             model="/models/tiny-r1"), parent_id=q1.id)
    conversation.add(Message(role="user", content="Q1b"), parent_id=None)
    conversation.add(Message(role="assistant", content="B1", finish_reason="stop"))
    conversation.add(Message(role="user", content="Q2"))
    conversation.add(Message(role="assistant", content="B2", finish_reason="stop"))
    return conversation


def test_version_arrows_switch_branches_and_the_shown_path_survives_a_restart(
        qtbot, data_dir):
    window = make_window(qtbot, data_dir)
    conversation = branched_conversation()
    window.conversations.store.save(conversation)
    window.conversations.reread()  # listed again, with the file just written
    window.chat.open_conversation(conversation.id)
    assert shown(window) == ["Q1b", "B1", "Q2", "B2"]
    first = window.view.message_widgets()[0]
    assert version_label(first) == "2/2"
    assert not button(first, "nextVersionButton").isEnabled()
    assert [version_label(w) for w in window.view.message_widgets()[1:]] == [None] * 3

    click(qtbot, button(first, "previousVersionButton"))  # Q1, and its newest answer
    assert shown(window) == ["Q1", "A1b"]
    question, answer = window.view.message_widgets()
    assert version_label(question) == "1/2" and version_label(answer) == "2/2"
    assert answer.stats.text() == "tiny-r1"  # the model that wrote it
    assert answer.stats.toolTip().endswith("Written by /models/tiny-r1")
    click(qtbot, button(answer, "previousVersionButton"))
    assert shown(window) == ["Q1", "A1"]
    assert version_label(window.view.message_widgets()[1]) == "1/2"
    assert window.conversations.flush_saves()
    close(qtbot, window)

    again = make_window(qtbot, data_dir)
    again.chat.open_conversation(conversation.id)
    assert shown(again) == ["Q1", "A1"]  # the branch shown when the window closed
    assert len(again.chat.current.messages) == 7  # every branch kept
    close(qtbot, again)


def test_the_context_menu_offers_edit_and_fork_and_the_editor_cancels(qtbot, data_dir):
    window = make_window(qtbot, data_dir)
    conversation = branched_conversation()
    window.conversations.store.save(conversation)
    window.chat.open_conversation(conversation.id)
    question = window.view.message_widgets()[0]
    menu = question.actions.context_menu()
    assert [a.objectName() for a in menu.actions()] == [
        "copyMessageAction", "editMessageAction", "forkAction"]
    hover(question)
    assert button(question, "editMessageButton").isVisible()
    assert button(question, "forkButton").isVisible()
    menu.actions()[1].trigger()  # Edit
    editor = question.editor
    assert editor is not None and editor.isVisible() and not question.bubble.isVisible()
    assert editor.input.toPlainText() == "Q1b"
    qtbot.keyClick(editor.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert editor.input.toPlainText() == "\n"  # Shift+Enter: a new line (it was selected)
    qtbot.keyClick(editor.input, Qt.Key.Key_Escape)
    assert question.editor is None and question.bubble.isVisible()
    assert len(window.chat.current.messages) == 7  # nothing sent
    window.findChild(QAction, "conversationSettingsAction").trigger()  # Chat menu
    dialog = window.settings_dialogs.conversation_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    close(qtbot, window)


# ----- with tiny-r1: edits, regenerates and forks that stream real answers ---------------

def user_widgets(window):
    return [w for w in window.view.message_widgets() if isinstance(w, UserMessageWidget)]


def answer_widgets(window):
    return [w for w in window.view.message_widgets() if isinstance(w, AssistantMessageWidget)]


@pytest.mark.slow
def test_edit_and_resend_makes_a_version_that_streams_its_answer(qtbot, window, data_dir):
    open_model(qtbot, window)
    first = send(qtbot, window, "What is 2 + 2?")
    assert answer_widgets(window)[0].stats.text().startswith("tiny-r1 · ")
    [question] = user_widgets(window)
    hover(question)
    click(qtbot, button(question, "editMessageButton"))
    editor = question.editor.input
    editor.setPlainText("What is the capital of France?")
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    answer = done.args[0]
    assert answer.content == "The capital of France is **Paris**."
    conversation = window.chat.current
    assert len(conversation.messages) == 4  # the old question and answer stay
    edited = conversation.find(answer.parent_id)
    assert edited.parent_id is None and edited.content == "What is the capital of France?"
    assert shown(window) == ["What is the capital of France?", answer.content]
    [question] = user_widgets(window)
    assert version_label(question) == "2/2"
    click(qtbot, button(question, "previousVersionButton"))
    assert shown(window) == ["What is 2 + 2?", first.content]  # instantly: no model work
    assert window.conversations.flush_saves()
    close(qtbot, window)

    again = make_window(qtbot, data_dir)
    again.chat.open_conversation(conversation.id)
    assert shown(again) == ["What is 2 + 2?", "2 + 2 = 4"]
    assert version_label(user_widgets(again)[0]) == "1/2"
    close(qtbot, again)


@pytest.mark.slow
def test_regenerate_keeps_the_old_answer_and_a_stopped_one_keeps_both(
        qtbot, window, monkeypatch):
    open_model(qtbot, window)
    first = send(qtbot, window, "What is 2 + 2?")
    regenerate = answer_widgets(window)[-1].regenerate_button
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        click(qtbot, regenerate)
    second = done.args[0]
    conversation = window.chat.current
    assert [m.id for m in conversation.siblings(first.id)] == [first.id, second.id]
    [answer] = answer_widgets(window)
    assert version_label(answer) == "2/2"

    # Stopped at its first words: the stopped answer is a third version, none is lost.
    model = window.worker.engine.model
    real_forward = model.forward
    slow_down(monkeypatch, model, 0.05)
    states = []

    def on_chunk(kind, text):
        if not states:
            states.append(window.view.branching_enabled)
            click(qtbot, window.composer.stop_button)

    window.chat.chunk_received.connect(on_chunk)
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        click(qtbot, answer_widgets(window)[-1].regenerate_button)
    window.chat.chunk_received.disconnect(on_chunk)
    stopped = done.args[0]
    assert states == [False]  # no switching while it streamed
    assert stopped.finish_reason == "cancelled"
    assert [m.id for m in conversation.siblings(first.id)] == [first.id, second.id,
                                                               stopped.id]
    [answer] = answer_widgets(window)
    assert version_label(answer) == "3/3" and window.view.branching_enabled
    click(qtbot, button(answer, "previousVersionButton"))
    assert shown(window) == ["What is 2 + 2?", second.content]

    # A regenerate that fails is a version too (with its error), and the others stay.
    monkeypatch.setattr(model, "forward", real_forward)
    heal = fail_at_call(monkeypatch, model, 3)
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        click(qtbot, answer_widgets(window)[-1].regenerate_button)
    heal()
    failed = done.args[0]
    assert failed.finish_reason == "error" and failed.extra["error"]
    assert version_label(answer_widgets(window)[-1]) == "4/4"
    click(qtbot, button(answer_widgets(window)[-1], "previousVersionButton"))
    click(qtbot, button(answer_widgets(window)[-1], "previousVersionButton"))
    assert shown(window) == ["What is 2 + 2?", second.content]
    assert window.conversations.flush_saves()
    saved = window.conversations.store.load(conversation.id)
    assert [m.finish_reason for m in saved.siblings(first.id)] == [
        "stop", "stop", "cancelled", "error"]
    assert saved.current_leaf == second.id


@pytest.mark.slow
def test_fork_and_a_conversations_own_settings(qtbot, window, data_dir):
    open_model(qtbot, window)
    send(qtbot, window, "What is the capital of France?")
    second = send(qtbot, window, "And of Italy?")
    original = window.chat.current
    first_answer = answer_widgets(window)[0]
    hover(first_answer)
    click(qtbot, button(first_answer, "forkButton"))
    fork = window.chat.current
    assert fork.id != original.id and fork.title.endswith("(fork)")
    assert [m.content for m in fork.path()] == [m.content for m in original.path()[:2]]
    assert shown(window)[0] == "What is the capital of France?" and len(shown(window)) == 2
    assert window.sidebar.ids() == [fork.id, original.id]
    assert len(original.messages) == 4 and original.current_leaf == second.id

    # Its own maximum reply length: two tokens, cut off; the original keeps the defaults.
    settings_button = window.findChild(QToolButton, "conversationSettingsButton")
    click(qtbot, settings_button)
    dialog = window.settings_dialogs.conversation_dialog
    dialog.checks["max_new_tokens"].setChecked(True)
    dialog.editors["max_new_tokens"].setValue(2)
    dialog.checks["system_prompt"].setChecked(True)
    dialog.editors["system_prompt"].setPlainText("Answer briefly.")
    dialog.accept()
    assert fork.settings == {"max_new_tokens": 2, "system_prompt": "Answer briefly."}
    assert settings_button.text() == "Conversation Settings (custom)…"
    short = send(qtbot, window, "And of Italy?")
    assert short.finish_reason == "length"
    assert short.stats["reasoning_tokens"] + short.stats["answer_tokens"] == 2
    assert window.conversations.flush_saves()
    on_disk = json.loads(window.conversations.store.path_for(fork.id).read_text(encoding="utf-8"))
    assert on_disk["settings"] == {"max_new_tokens": 2, "system_prompt": "Answer briefly."}
    close(qtbot, window)

    again = make_window(qtbot, data_dir)
    assert again.sidebar.ids() == [fork.id, original.id]
    again.chat.open_conversation(fork.id)
    assert len(shown(again)) == 4
    click(qtbot, again.findChild(QToolButton, "conversationSettingsButton"))
    reopened = again.settings_dialogs.conversation_dialog
    assert reopened.editors["max_new_tokens"].value() == 2
    assert reopened.checks["max_new_tokens"].isChecked()
    assert not reopened.checks["temperature"].isChecked()
    reopened.reject()
    close(qtbot, again)

"""A disk that refuses saves, in the real window: one notice, nothing lost, saved later."""

import errno
import json
import os

import pytest
from conftest import REPLY_TIMEOUT_MS, close, full_disk, slow_down
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_window import open_model

from desktop_chat.core import settings as settings_module


def stream_a_reply(qtbot, window, monkeypatch):
    """Send with drafts saved every 100 ms; returns the finished message."""
    open_model(qtbot, window)
    window.chat.reply.draft_timer.setInterval(100)
    slow_down(monkeypatch, window.worker.engine.model, 0.03)
    window.composer.input.setPlainText("What is the capital of France?")
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    return done.args[0]


def no_dialogs(window):
    return not [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def recover(qtbot, window, heal):
    """Heal the disk, press Retry: the notice goes and the file holds what was shown."""
    heal()
    qtbot.mouseClick(window.notice.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.notice.isVisible(), timeout=10_000)
    assert window.conversations.flush_saves()
    path = window.conversations.store.path_for(window.chat.current.id)
    return json.loads(path.read_text(encoding="utf-8"))["messages"]


def test_a_full_disk_mid_reply_shows_one_notice_and_saves_everything_later(
        qtbot, window, monkeypatch, data_dir):
    heal = full_disk(monkeypatch)
    message = stream_a_reply(qtbot, window, monkeypatch)
    assert window.conversations.save_problem is not None  # drafts failed every 100 ms meanwhile
    assert window.notice.isVisible() and window.notice.times_shown == 1
    assert no_dialogs(window)
    [text] = window.notice.problems()
    assert "the disk is full" in text and str(data_dir / "conversations") in text
    assert window.notice.retry_button.isVisible()
    # The reply streamed to its end and is kept in memory, and in the list.
    assert message.finish_reason == "stop" and message.content
    assert window.chat.current.messages[-1] is message
    assert window.sidebar.ids() == [window.chat.current.id]
    assert not window.conversations.store.path_for(window.chat.current.id).exists()
    window.conversations.retry_saves()  # still full: retried, still one notice
    assert not window.conversations.flush_saves(2)
    assert window.notice.times_shown == 1

    saved = recover(qtbot, window, heal)
    assert [m["role"] for m in saved] == ["user", "assistant"]
    assert saved[1]["content"] == message.content
    assert saved[1]["reasoning_content"] == message.reasoning_content
    assert saved[1]["finish_reason"] == "stop"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_folder_is_told_once_and_saved_once_writable(
        qtbot, window, monkeypatch, data_dir):
    folder = data_dir / "conversations"
    folder.chmod(0o555)
    try:
        message = stream_a_reply(qtbot, window, monkeypatch)
        assert window.notice.times_shown == 1 and no_dialogs(window)
        [text] = window.notice.problems()
        assert "permission was denied" in text and str(folder) in text
    finally:
        heal = lambda: folder.chmod(0o755)  # noqa: E731
        saved = recover(qtbot, window, heal)
    assert saved[1]["content"] == message.content


def test_closing_with_unsaved_conversations_asks_and_can_keep_the_window(
        qtbot, window, monkeypatch):
    heal = full_disk(monkeypatch)
    stream_a_reply(qtbot, window, monkeypatch)
    asked = []

    def keep_open(box):
        asked.append(box.informativeText())
        next(b for b in box.buttons() if b.text() == "Keep Window Open").click()

    monkeypatch.setattr(QMessageBox, "exec", keep_open)
    window.close()
    assert window.isVisible() and len(asked) == 1
    assert "the disk is full" in asked[0] and "lost" in asked[0]
    heal()
    close(qtbot, window)  # writes, then closes without asking
    assert len(asked) == 1
    assert window.conversations.store.path_for(window.chat.current.id).exists()


def test_a_read_only_config_folder_is_told_once_never_raised(qtbot, window, monkeypatch):
    def refuse(path, data):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(settings_module, "write_atomic", refuse)
    for _ in range(3):
        window.window_actions["toggle_thinking"].trigger()
    assert window.notice.isVisible() and window.notice.times_shown == 1
    [text] = window.notice.problems()
    assert "Settings could not be saved" in text and "Read-only" in text
    assert no_dialogs(window)
    close(qtbot, window)  # saving the geometry fails the same way: no exception, no notice
    assert window.notice.times_shown == 1


def test_one_off_problems_share_one_line_and_come_back_as_new_events(qtbot, window):
    for _ in range(5):
        window.show_problem("The conversation file x.json could not be read.")
    assert window.notice.times_shown == 1 and no_dialogs(window)
    qtbot.mouseClick(window.notice.close_button, Qt.MouseButton.LeftButton)
    assert not window.notice.isVisible()
    window.show_problem("The conversation file x.json could not be read.")  # a later event
    assert window.notice.isVisible() and window.notice.times_shown == 2
    window.show_problem("Another problem.")  # replaces the last one-off: never piles up
    assert window.notice.problems() == ["Another problem."]
    for n in range(50):
        window.show_problem(f"Problem {n}. " + "x" * 2000)
    [text] = window.notice.problems()
    assert text.startswith("Problem 49.") and len(text) <= 600
    assert len(window.notice.text.text()) <= 600


def test_a_closed_save_or_settings_problem_stays_closed_until_it_changes(qtbot, window):
    notice = window.notice
    notice.show_problem("save", "Cannot save: the disk is full.", retry=True)
    notice.show_problem("settings", "Settings could not be saved.")
    window.show_problem("A one-off problem.")
    assert notice.problems() == ["Cannot save: the disk is full.",
                                 "Settings could not be saved.", "A one-off problem."]
    qtbot.mouseClick(notice.close_button, Qt.MouseButton.LeftButton)
    notice.show_problem("save", "Cannot save: the disk is full.", retry=True)
    notice.show_problem("settings", "Settings could not be saved.")
    assert not notice.isVisible()  # told already: each save would tell it again
    notice.show_problem("save", "Cannot save: permission was denied.", retry=True)
    assert notice.problems() == ["Cannot save: permission was denied."]
    assert notice.retry_button.isVisible()
    notice.clear("save")
    assert not notice.isVisible()

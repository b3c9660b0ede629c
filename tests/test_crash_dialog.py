"""The crash dialog tells the truth about the conversations, as the writer thread knows it:
saved, still being saved, or refused by the disk (then it must not say "saved")."""

from __future__ import annotations

import sys
import threading

import pytest
from conftest import full_disk
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_chat import crash
from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.save_queue import SaveQueue
from desktop_chat.core.store import ConversationStore


@pytest.fixture
def handlers(monkeypatch, tmp_path):
    """crash's handlers installed (and the previous ones back afterwards)."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    crash.install_handlers(tmp_path / "desktop-chat.log")
    yield
    crash.watch_saves(None)


@pytest.fixture
def writer(tmp_path):
    queue = SaveQueue(ConversationStore(tmp_path / "conversations"), retry_seconds=0.05)
    crash.watch_saves(lambda: crash.SaveState(len(queue.unsaved_conversations()),
                                              queue.stalled))
    yield queue
    queue.stop(timeout=5)


def crash_dialog_text(qtbot) -> str:
    """An unhandled error on the GUI thread; the dialog's informative text, then Continue."""
    seen: list[str] = []

    def read_and_continue() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and box.objectName() == "crashDialog"
        seen.append(box.informativeText())
        box.defaultButton().click()  # Continue

    QTimer.singleShot(0, read_and_continue)
    try:
        raise RuntimeError("a test crash")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert len(seen) == 1
    return seen[0]


def a_conversation() -> Conversation:
    return Conversation(title="A", messages=[Message(role="user", content="Hello")])


def test_a_stalled_save_is_not_called_saved(qtbot, handlers, writer, monkeypatch):
    heal = full_disk(monkeypatch)
    writer.save(a_conversation())
    qtbot.waitUntil(lambda: writer.stalled, timeout=10_000)
    text = crash_dialog_text(qtbot)
    assert "Your conversations are saved" not in text
    assert "1 conversation(s) could not be saved yet: the disk refused them" in text
    assert "desktop-chat.log" in text

    heal()
    writer.retry()
    assert writer.flush(timeout=10)
    assert crash_dialog_text(qtbot).startswith("Your conversations are saved.")


def test_before_any_conversation_the_dialog_claims_nothing_about_them(qtbot, handlers):
    text = crash_dialog_text(qtbot)
    assert "saved" not in text and "desktop-chat.log" in text

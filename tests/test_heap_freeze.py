"""Switching conversations frees the views it leaves. The heap is frozen out of the
garbage collector's sight after a model loads (app.freeze_heap); frozen objects are never
collected, so the message widgets on screen then, or those waiting for their deferred
deletion, must not stay frozen for the session."""

from __future__ import annotations

import gc
import weakref

import pytest
from conftest import close, make_window
from PySide6.QtCore import QCoreApplication, QEvent

from desktop_chat.app import freeze_heap
from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.paths import AppPaths
from desktop_chat.core.store import ConversationStore


def conversation(title: str) -> Conversation:
    chat = Conversation(title=title)
    for turn in range(6):
        chat.add(Message(role="user", content=f"{title}: question {turn}"))
        chat.add(Message(role="assistant", content=f"**{title}**: answer {turn} $x^{turn}$",
                         reasoning_content="thinking it over"))
    return chat


@pytest.fixture
def two_conversations(data_dir) -> list[Conversation]:
    store = ConversationStore(AppPaths.resolve(str(data_dir)).conversations_dir)
    saved = [conversation("First"), conversation("Second")]
    for chat in saved:
        store.save(chat)
    return saved


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the heap of the rest of the test run is not this test's to keep


def open_and_wait(qtbot, window, chat: Conversation) -> None:
    window.chat.open_conversation(chat.id)
    qtbot.waitUntil(lambda: any(s.widget is not None for s in window.view.slots))


def widgets_shown(window) -> list[weakref.ref]:
    return [weakref.ref(slot.widget) for slot in window.view.slots if slot.widget is not None]


def still_alive(refs: list[weakref.ref]) -> int:
    """How many of the widgets survive their deferred deletion and a full collection."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    return sum(ref() is not None for ref in refs)


def test_switching_conversations_frees_the_message_widgets_it_leaves(
        qtbot, data_dir, two_conversations, unfrozen):
    window = make_window(qtbot, data_dir)
    left: list[weakref.ref] = []
    for chat in two_conversations * 4:
        left += widgets_shown(window)
        open_and_wait(qtbot, window, chat)
    assert len(left) > 20
    assert still_alive(left) == 0
    close(qtbot, window)


def test_the_next_model_load_frees_the_widgets_the_last_one_froze(
        qtbot, data_dir, two_conversations, unfrozen):
    window = make_window(qtbot, data_dir)
    first, second = two_conversations
    open_and_wait(qtbot, window, first)
    freeze_heap()  # a model loaded with the first conversation on screen
    left = widgets_shown(window)
    open_and_wait(qtbot, window, second)
    open_and_wait(qtbot, window, first)  # new widgets: the frozen ones are not reused
    assert left and still_alive(left) == len(left)  # frozen: a full collection skips them
    freeze_heap()  # the next model load
    assert still_alive(left) == 0
    close(qtbot, window)

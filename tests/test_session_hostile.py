"""The chat session and the conversation list with files that fight back: a conversation
the system will not let us open, and deleted conversations, which must not stay in memory
for the whole session (the real writer and search threads, a worker that never answers)."""

from __future__ import annotations

import gc
import json
import os
import weakref
from pathlib import Path

import pytest
from test_chat_session import controller_with_stand_ins

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.store import ConversationStore


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "conversations"
    folder.mkdir()
    return folder


@pytest.fixture
def chat(qtbot, folder, tmp_path):
    controller = controller_with_stand_ins(folder, tmp_path)
    yield controller
    controller.conversations.shutdown()


def saved(folder: Path, title: str) -> Conversation:
    conversation = Conversation(title=title)
    conversation.add(Message(role="user", content=f"{title}: hello"))
    ConversationStore(folder).save(conversation)
    return conversation


def test_a_conversation_the_system_will_not_open_is_a_message_not_a_crash(
        qtbot, chat, folder, monkeypatch):
    first, locked = saved(folder, "first"), saved(folder, "locked")
    chat.open_conversation(first.id)
    real_open = os.open

    def guarded_open(path, *args, **kwargs):  # as root, chmod would not stop us
        if Path(path).name == f"{locked.id}.json":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)  # the store reads through os.open
    problems = []
    chat.conversations.problem.connect(problems.append)
    chat.open_conversation(locked.id)
    assert chat.current.id == first.id  # what was open stays open
    assert len(problems) == 1 and "Permission denied" in problems[0]
    assert "could not be opened" in problems[0]
    monkeypatch.undo()
    assert json.loads((folder / f"{locked.id}.json").read_text())["title"] == "locked"
    chat.open_conversation(locked.id)  # nothing lost: it opens once it may be read
    assert chat.current.title == "locked"


def deleted(qtbot, chat, conversation_id: str) -> None:
    """Delete as the sidebar does; return once the list took in the writer's outcome."""
    with qtbot.waitSignal(chat.conversations.saves.outcome, timeout=5000,
                          check_params_cb=lambda outcome, _: outcome.kind == "delete"):
        chat.delete(conversation_id)


def test_a_deleted_conversation_leaves_memory_once_it_is_in_the_trash(qtbot, chat, folder):
    doomed = saved(folder, "doomed")
    chat.open_conversation(doomed.id)
    alive = weakref.ref(chat.current)
    deleted(qtbot, chat, doomed.id)
    assert (folder / "trash" / f"{doomed.id}.json").exists()
    gc.collect()
    assert alive() is None


def test_undo_after_the_delete_was_written_brings_it_back_from_the_trash(
        qtbot, chat, folder):
    doomed = saved(folder, "doomed")
    chat.open_conversation(doomed.id)
    chat.rename(doomed.id, "renamed before the delete")  # saved by the writer first
    deleted(qtbot, chat, doomed.id)
    chat.restore(doomed.id)  # Undo: listed and opened at once, before the writer
    assert chat.current.id == doomed.id
    assert chat.current.title == "renamed before the delete"
    assert [m.content for m in chat.current.messages] == ["doomed: hello"]
    assert [s.id for s in chat.conversations.list_conversations()] == [doomed.id]
    with qtbot.waitSignal(chat.conversations.saves.outcome, timeout=5000):
        assert chat.conversations.flush_saves()
    assert (folder / f"{doomed.id}.json").exists()
    chat.new_conversation()
    chat.open_conversation(doomed.id)  # from its file again
    assert chat.current.title == "renamed before the delete"

"""Regenerate on paths the window does not make itself (imported ones): with no question
right above the last answer there is nothing to answer again, and the answer stays on
screen."""

from __future__ import annotations

import pytest
from test_chat_controller import StandInWorker

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.settings import SettingsFile
from desktop_chat.core.store import ConversationStore
from desktop_chat.ui.chat_controller import ChatController


@pytest.fixture
def chat(qtbot, tmp_path):
    folder = tmp_path / "conversations"
    folder.mkdir()
    controller = ChatController(ConversationStore(folder), StandInWorker(),
                                SettingsFile(tmp_path / "settings.json"),
                                search_index_path=tmp_path / "cache" / "search.sqlite3")
    yield controller
    controller.shutdown()


@pytest.mark.parametrize("roles", [("system", "assistant"), ("assistant",),
                                   ("user", "assistant", "assistant")])
def test_regenerate_with_no_question_above_the_answer_leaves_the_view_alone(chat, roles):
    conversation = Conversation(title="imported")
    for role in roles:
        conversation.add(Message(role=role, content=role))
    chat.current = conversation
    removed = []
    chat.last_reply_removed.connect(lambda: removed.append(True))
    chat.regenerate()
    assert not chat.generating and chat.worker.requests == []
    assert removed == []  # the answer shown stays on screen


def test_regenerate_answers_the_question_above_the_last_answer(chat):
    conversation = Conversation(title="plain")
    question = conversation.add(Message(role="user", content="q"))
    conversation.add(Message(role="assistant", content="a"))
    chat.current = conversation
    removed = []
    chat.last_reply_removed.connect(lambda: removed.append(True))
    chat.regenerate()
    assert removed == [True] and chat.generating
    assert [m.id for m in chat.worker.requests[-1].messages] == [question.id]

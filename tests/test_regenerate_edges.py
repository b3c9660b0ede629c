"""Regenerate on paths the window does not make itself (imported ones): with no question
right above the last answer there is nothing to answer again, and the answer stays on
screen."""

from __future__ import annotations

import pytest
from test_chat_session import controller_with_stand_ins

from desktop_chat.core.conversation import Conversation, Message


@pytest.fixture
def chat(qtbot, tmp_path):
    folder = tmp_path / "conversations"
    folder.mkdir()
    controller = controller_with_stand_ins(folder, tmp_path)
    yield controller
    controller.conversations.shutdown()


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

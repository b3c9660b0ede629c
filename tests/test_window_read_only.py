"""A conversation holding messages of a kind this version does not know opens read-only."""

import json

from conftest import close, make_window
from PySide6.QtWidgets import QLabel

from desktop_chat.core.conversation import Conversation, Message


def test_a_conversation_with_tool_messages_opens_read_only_and_is_never_rewritten(
        qtbot, data_dir):
    conversation = Conversation(title="With tools", id="tools",
                                created_at="2026-01-01T00:00:00.000Z")
    conversation.add(Message(role="user", content="What is 6 × 7?", id="u1",
                             created_at="2026-01-01T00:00:00.000Z"))
    data = conversation.to_dict()
    data["messages"] += [
        {"id": "t1", "parent_id": "u1", "role": "tool", "content": "42",
         "tool_call_id": "c1", "created_at": "2026-01-01T00:00:01.000Z"},
        {"id": "a1", "parent_id": "t1", "role": "assistant", "content": "It is 42.",
         "finish_reason": "stop", "created_at": "2026-01-01T00:00:02.000Z"},
    ]
    data["current_leaf"] = "a1"
    folder = data_dir / "conversations"
    folder.mkdir(parents=True)
    path = folder / "tools.json"
    original = json.dumps(data, indent=2).encode()
    path.write_bytes(original)

    window = make_window(qtbot, data_dir)
    assert window.sidebar.ids() == ["tools"]
    assert window.sidebar.model.item(0).isEnabled()
    window.sidebar.list.setCurrentIndex(window.sidebar.model.index(0, 0))
    assert window.chat.current is not None and window.chat.current.id == "tools"
    texts = [label.text() for label in window.view.findChildren(QLabel, "answerText")]
    assert any("It is 42." in text for text in texts)  # the messages it knows are shown
    assert any('role "tool"' in problem and "read-only" in problem
               for problem in window.notice.problems())

    window.chat.regenerate()  # refused: nothing is rewritten
    assert not window.chat.generating
    window.chat.rename("tools", "Renamed")
    assert window.sidebar.title_of("tools") == "With tools"
    assert window.conversations.flush_saves()
    assert path.read_bytes() == original
    assert [s.id for s in window.conversations.store.list().conversations] == ["tools"]
    close(qtbot, window)

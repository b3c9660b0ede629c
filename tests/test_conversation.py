import json

import pytest

from desktop_chat.core.conversation import (
    SCHEMA_VERSION,
    Conversation,
    ConversationFormatError,
    FutureSchemaError,
    Message,
    title_from_text,
)


def full_conversation() -> Conversation:
    conversation = Conversation(title="Capitals 首都", model="/models/r1", id="abc123",
                                created_at="2026-01-01T10:00:00.000Z")
    conversation.add(Message(role="system", content="Be brief.", id="m0",
                             created_at="2026-01-01T10:00:00.000Z"))
    conversation.add(Message(role="user", content="What is the capital of France? 🇫🇷",
                             id="m1", created_at="2026-01-01T10:00:01.000Z"))
    conversation.add(Message(
        role="assistant", content="Paris.", reasoning_content="France → Paris.", id="m2",
        created_at="2026-01-01T10:00:05.000Z", finish_reason="stop",
        stats={"prompt_tokens": 12, "answer_tokens": 3, "tokens_per_second": 41.5},
    ))
    return conversation


def test_round_trip_keeps_every_field():
    original = full_conversation()
    data = json.loads(json.dumps(original.to_dict()))
    again = Conversation.from_dict(data)
    assert again == original
    assert again.to_dict() == data
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["updated_at"] == "2026-01-01T10:00:05.000Z"
    assistant = data["messages"][2]
    assert assistant["reasoning_content"] == "France → Paris."
    assert assistant["finish_reason"] == "stop"
    assert assistant["stats"]["tokens_per_second"] == 41.5


def test_unknown_keys_are_kept_on_rewrite():
    data = full_conversation().to_dict()
    data["pinned"] = True
    data["folder"] = {"name": "work"}
    data["messages"][1]["attachments"] = [{"name": "a.txt"}]
    again = Conversation.from_dict(data)
    again.add(Message(role="user", content="more"))
    written = again.to_dict()
    assert written["pinned"] is True
    assert written["folder"] == {"name": "work"}
    assert written["messages"][1]["attachments"] == [{"name": "a.txt"}]


def test_future_schema_is_refused():
    data = full_conversation().to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(FutureSchemaError, match="newer version"):
        Conversation.from_dict(data)


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d.pop("messages"), "missing 'messages'"),
    (lambda d: d.update(messages="nope"), "'messages' should be a list"),
    (lambda d: d.update(title=5), "'title' should be text"),
    (lambda d: d.update(schema_version="1"), "'schema_version' should be a number"),
    (lambda d: d.update(schema_version=True), "'schema_version' should be a number"),
    (lambda d: d["messages"][0].update(role=5), "'role' should be text"),
    (lambda d: d["messages"][1].update(content=None), "message 2: 'content' should be text"),
    (lambda d: d["messages"][2].update(finish_reason=3), "'finish_reason' should be text"),
    (lambda d: d["messages"].append("hello"), "message 4 should be an object"),
])
def test_wrong_shapes_are_rejected_with_a_reason(mutate, reason):
    data = full_conversation().to_dict()
    mutate(data)
    with pytest.raises(ConversationFormatError, match=reason):
        Conversation.from_dict(data)


def test_unknown_roles_and_finish_reasons_make_it_read_only_and_round_trip():
    data = full_conversation().to_dict()
    data["messages"][0]["role"] = "developer"
    data["messages"].append({"id": "t1", "parent_id": "m2", "role": "tool", "content": "{}",
                             "tool_call_id": "c1", "created_at": "2026-01-01T10:00:06.000Z"})
    data["messages"][2]["finish_reason"] = "tool_calls"
    conversation = Conversation.from_dict(data)
    assert conversation.unknown_kinds() == [
        'role "developer"', 'finish reason "tool_calls"', 'role "tool"']
    reason = conversation.read_only_reason
    assert 'role "tool"' in reason and "read-only" in reason and "not shown" in reason
    assert conversation.to_dict() == data  # every unknown key and value kept
    assert full_conversation().read_only_reason is None


def test_only_an_unknown_finish_reason_keeps_every_message_shown():
    data = full_conversation().to_dict()
    data["messages"][2]["finish_reason"] = "content_filter"
    reason = Conversation.from_dict(data).read_only_reason
    assert 'finish reason "content_filter"' in reason and "not shown" not in reason


def test_titles_come_from_the_first_line_of_text():
    assert title_from_text("  What is\n the capital?  ") == "What is the capital?"
    long = title_from_text("word " * 40)
    assert long.endswith("…") and len(long) <= 61

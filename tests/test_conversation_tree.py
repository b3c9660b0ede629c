"""Conversations as trees (format version 2) and the upgrade of version 1 files."""

import json
from pathlib import Path

import pytest

from desktop_chat.core.conversation import (
    SCHEMA_VERSION,
    Conversation,
    ConversationFormatError,
    Message,
)
from desktop_chat.core.migrations import MIGRATIONS, migrate

V1_FILE = Path(__file__).parent / "fixtures" / "conversation_v1.json"


def branched() -> Conversation:
    """q1 -> a1 | a1b (a regenerated answer); a1 -> q2 | q2b (an edited question)."""
    conversation = Conversation(title="tree", id="t1", created_at="2026-01-01T00:00:00.000Z")
    q1 = conversation.add(Message(role="user", content="q1", id="q1"))
    conversation.add(Message(role="assistant", content="a1", id="a1"))
    conversation.add(Message(role="user", content="q2", id="q2"))
    conversation.add(Message(role="assistant", content="a2", id="a2"))
    conversation.add(Message(role="user", content="q2 edited", id="q2b"), parent_id="a1")
    conversation.add(Message(role="assistant", content="a2b", id="a2b"))
    conversation.add(Message(role="assistant", content="a1 again", id="a1b"), parent_id=q1.id)
    return conversation


def ids(messages: list[Message]) -> list[str]:
    return [m.id for m in messages]


def test_adding_follows_the_path_shown_and_siblings_are_versions():
    conversation = branched()
    assert conversation.current_leaf == "a1b"
    assert ids(conversation.path()) == ["q1", "a1b"]
    assert ids(conversation.siblings("a1")) == ["a1", "a1b"]
    assert ids(conversation.siblings("q2b")) == ["q2", "q2b"]
    assert ids(conversation.children(None)) == ["q1"]
    assert ids(conversation.path("a2")) == ["q1", "a1", "q2", "a2"]


def test_select_shows_the_newest_continuation_of_a_branch():
    conversation = branched()
    conversation.select("a1")
    assert ids(conversation.path()) == ["q1", "a1", "q2b", "a2b"]
    conversation.select("q2")
    assert ids(conversation.path()) == ["q1", "a1", "q2", "a2"]
    with pytest.raises(KeyError):
        conversation.select("nope")


def test_remove_takes_the_subtree_and_keeps_a_path_shown():
    conversation = branched()
    conversation.select("q2b")
    conversation.remove("q2b")
    assert ids(conversation.messages) == ["q1", "a1", "q2", "a2", "a1b"]
    assert ids(conversation.path()) == ["q1", "a1", "q2", "a2"]


def test_fork_copies_the_path_up_to_a_message():
    conversation = branched()
    conversation.settings = {"temperature": 0.2}
    fork = conversation.fork("q2b")
    assert fork.id != conversation.id
    assert ids(fork.path()) == ["q1", "a1", "q2b"] == ids(fork.messages)
    assert fork.settings == {"temperature": 0.2}
    fork.messages[0].content = "changed"
    assert conversation.messages[0].content == "q1"  # copies, not shared


def test_a_tree_round_trips_exactly():
    conversation = branched()
    conversation.settings = {"system_prompt": "Be brief.", "temperature": 0.3}
    conversation.messages[1].model = "/models/r1"
    data = json.loads(json.dumps(conversation.to_dict()))
    again = Conversation.from_dict(data)
    assert again == conversation
    assert again.to_dict() == data
    assert data["schema_version"] == SCHEMA_VERSION == 2
    assert data["current_leaf"] == "a1b"
    assert data["messages"][4]["parent_id"] == "a1"
    assert data["messages"][1]["model"] == "/models/r1"


def test_a_plain_list_of_messages_is_one_path():
    conversation = Conversation(messages=[Message(role="user", content="a", id="x"),
                                          Message(role="assistant", content="b", id="y")])
    assert conversation.current_leaf == "y" and conversation.messages[1].parent_id == "x"


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d["messages"][1].update(parent_id="ghost"), "parent 'ghost' is not an earlier"),
    (lambda d: d["messages"][0].update(parent_id="a1"), "parent 'a1' is not an earlier"),
    (lambda d: d["messages"][1].update(id="q1"), "id 'q1' is used twice"),
    (lambda d: d.update(current_leaf="ghost"), "current_leaf 'ghost'"),
    (lambda d: d.update(current_leaf=None), "current_leaf None"),
    (lambda d: d["messages"][1].pop("parent_id"), "missing 'parent_id'"),
    (lambda d: d["messages"][1].update(parent_id=3), "'parent_id' should be text or null"),
    (lambda d: d.update(settings=[]), "'settings' should be an object"),
])
def test_broken_trees_are_rejected_with_a_reason(mutate, reason):
    data = branched().to_dict()
    mutate(data)
    with pytest.raises(ConversationFormatError, match=reason):
        Conversation.from_dict(data)


def test_a_version_1_file_of_the_current_release_is_upgraded():
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    conversation = Conversation.from_dict(data)
    assert conversation.migrated_from == 1
    assert ids(conversation.path()) == ["s1", "u1", "a1", "u2", "a2"]
    assert conversation.messages[3].extra == {"attachments": [{"name": "a.txt"}]}
    assert conversation.extra == {"pinned": True}
    written = conversation.to_dict()
    assert written["schema_version"] == 2 and "_migrated_from" not in written
    # Everything the v1 file said is still said, in its order; only the links are new.
    for old, new in zip(data["messages"], written["messages"], strict=True):
        assert {k: v for k, v in new.items() if k != "parent_id"} == old
    again = Conversation.from_dict(json.loads(json.dumps(written)))
    assert again.to_dict() == written and again.migrated_from is None


def test_the_registry_has_one_step_per_version():
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION))
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    assert migrate(data, 1) is data  # nothing to do
    assert list(migrate(data, 2)["messages"][1])[:2] == ["id", "parent_id"]


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d.update(messages={}), "'messages' should be a list"),
    (lambda d: d["messages"][1].update(id="s1"), "id 's1' is used twice"),
])
def test_a_version_1_file_that_cannot_be_upgraded_says_why(mutate, reason):
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    mutate(data)
    with pytest.raises(ConversationFormatError, match=reason):
        Conversation.from_dict(data)

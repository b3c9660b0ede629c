import json
import os
from pathlib import Path

import pytest

from desktop_chat.core.conversation import SCHEMA_VERSION, Conversation, FutureSchemaError, Message
from desktop_chat.core.store import (
    INDEX_NAME,
    ConversationCorruptError,
    ConversationStore,
    ReadOnlyConversationError,
    StoreError,
)


def make(title: str, when: str, text: str = "hello") -> Conversation:
    conversation = Conversation(title=title, created_at=when)
    conversation.add(Message(role="user", content=text, created_at=when))
    return conversation


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "conversations")


def test_save_then_load_and_list_newest_first(store):
    old = make("old", "2026-01-01T00:00:00.000Z")
    new = make("new", "2026-02-01T00:00:00.000Z")
    store.save(old)
    store.save(new)
    assert store.load(old.id) == old
    listing = store.list()
    assert [s.title for s in listing.conversations] == ["new", "old"]
    assert listing.conversations[0].message_count == 1
    assert listing.quarantined == []


def test_listing_uses_the_index_and_rebuilds_it_when_missing_or_stale(store, tmp_path):
    first = make("first", "2026-01-01T00:00:00.000Z")
    store.save(first)
    store.list()
    index = store.root / INDEX_NAME
    assert index.exists()

    # Another store (a second launch) sees a file changed behind the index's back.
    changed = make("renamed elsewhere", "2026-01-01T00:00:00.000Z")
    changed.id = first.id
    (store.root / f"{first.id}.json").write_text(json.dumps(changed.to_dict()))
    fresh = ConversationStore(store.root)
    assert [s.title for s in fresh.list().conversations] == ["renamed elsewhere"]

    index.unlink()
    assert [s.title for s in ConversationStore(store.root).list().conversations] == [
        "renamed elsewhere"]
    index.write_text("{not json")
    assert len(ConversationStore(store.root).list().conversations) == 1

    (store.root / f"{first.id}.json").unlink()
    assert ConversationStore(store.root).list().conversations == []


CORRUPTIONS = {
    "truncated": lambda good: good[: len(good) // 2],
    "not json": lambda good: b"\x00\x01 definitely not json",
    "empty": lambda good: b"",
    "wrong types": lambda good: json.dumps(
        {**json.loads(good), "messages": {"role": "user"}}).encode(),
    "not utf-8": lambda good: b"\xff\xfe{}",
}


@pytest.mark.parametrize("kind", CORRUPTIONS)
def test_a_broken_file_is_quarantined_with_its_reason_and_never_overwritten(store, kind):
    good = make("fine", "2026-01-01T00:00:00.000Z")
    bad = make("broken", "2026-01-02T00:00:00.000Z")
    store.save(good)
    store.save(bad)
    path = store.root / f"{bad.id}.json"
    broken_bytes = CORRUPTIONS[kind](path.read_bytes())
    path.write_bytes(broken_bytes)

    listing = ConversationStore(store.root).list()
    assert [s.title for s in listing.conversations] == ["fine"]
    [report] = listing.quarantined
    assert report.original_name == path.name
    assert report.quarantined_path.read_bytes() == broken_bytes
    reason_file = report.quarantined_path.with_suffix(".reason.txt")
    assert report.reason in reason_file.read_text()
    assert not path.exists()
    # Saving a new conversation never touches the quarantined copy.
    store.save(make("later", "2026-01-03T00:00:00.000Z"))
    assert report.quarantined_path.read_bytes() == broken_bytes


def test_loading_a_broken_file_reports_and_quarantines_it(store):
    conversation = make("x", "2026-01-01T00:00:00.000Z")
    store.save(conversation)
    (store.root / f"{conversation.id}.json").write_text('{"schema_version": 1')
    with pytest.raises(ConversationCorruptError, match="could not be read") as caught:
        store.load(conversation.id)
    assert caught.value.report.quarantined_path.exists()


def test_a_newer_schema_is_listed_read_only_and_never_rewritten(store):
    conversation = make("from the future", "2026-01-01T00:00:00.000Z")
    data = conversation.to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    data["hologram"] = {"x": 1}
    path = store.root / f"{conversation.id}.json"
    original = json.dumps(data).encode()
    path.write_bytes(original)

    [summary] = store.list().conversations
    assert summary.read_only and summary.title == "from the future"
    with pytest.raises(FutureSchemaError):
        store.load(conversation.id)
    # Saving over it leaves it alone: ours goes to a copy, and the caller is told so.
    result = store.save(conversation)
    assert result.copy_of == conversation.id and result.conversation_id != conversation.id
    assert "copy" in result.notice
    assert path.read_bytes() == original
    assert not store.quarantine_dir.exists()
    titles = {s.title: s for s in store.list().conversations}
    assert titles["from the future"].read_only
    assert not titles["from the future (copy)"].read_only


def with_unknown_kinds(conversation: Conversation) -> dict:
    """The file a newer version might write: a tool call and an unknown finish reason."""
    data = conversation.to_dict()
    data["messages"].append({"id": "t1", "parent_id": data["current_leaf"], "role": "tool",
                             "content": "42", "tool_call_id": "c1",
                             "created_at": "2026-01-01T00:00:01.000Z"})
    data["messages"].append({"id": "a1", "parent_id": "t1", "role": "assistant",
                             "content": "It is 42.",
                             "created_at": "2026-01-01T00:00:02.000Z",
                             "finish_reason": "tool_calls"})
    data["current_leaf"] = "a1"
    return data


def test_unknown_roles_and_finish_reasons_load_read_only_and_are_never_rewritten(store):
    conversation = make("tools", "2026-01-01T00:00:00.000Z")
    data = with_unknown_kinds(conversation)
    path = store.root / f"{conversation.id}.json"
    original = json.dumps(data, indent=2).encode()
    path.write_bytes(original)

    [summary] = store.list().conversations
    assert summary.title == "tools" and not summary.read_only  # listed, and it opens
    assert 'role "tool"' in summary.read_only_reason
    loaded = store.load(conversation.id)
    assert 'role "tool"' in loaded.read_only_reason
    assert 'finish reason "tool_calls"' in loaded.read_only_reason
    assert loaded.to_dict() == data  # every unknown key and value kept exactly
    assert store.search("42") == [conversation.id]

    loaded.add(Message(role="user", content="more"))
    with pytest.raises(ReadOnlyConversationError, match="read-only"):
        store.save(loaded)
    assert path.read_bytes() == original
    assert not store.quarantine_dir.exists()


def test_a_file_that_gained_unknown_kinds_since_loading_is_left_alone(store):
    conversation = make("tools later", "2026-01-01T00:00:00.000Z")
    store.save(conversation)
    path = store.root / f"{conversation.id}.json"
    newer = json.dumps(with_unknown_kinds(conversation)).encode()
    path.write_bytes(newer)  # a newer version added a tool call meanwhile

    conversation.add(Message(role="user", content="mine"))
    result = store.save(conversation)
    assert result.copy_of == conversation.id and "copy" in result.notice
    assert path.read_bytes() == newer
    copy = store.load(result.conversation_id)
    assert [m.content for m in copy.messages] == ["hello", "mine"]
    # Later saves of the same conversation go to the same copy, not to a new one each.
    conversation.add(Message(role="assistant", content="reply"))
    again = store.save(conversation)
    assert again.conversation_id == result.conversation_id and again.copy_of is None
    assert len(store.list().conversations) == 2


def test_delete_moves_to_trash_and_restore_brings_it_back(store):
    conversation = make("keep me", "2026-01-01T00:00:00.000Z")
    store.save(conversation)
    trashed = store.delete(conversation.id)
    assert trashed.parent == store.trash_dir and trashed.exists()
    assert store.list().conversations == []
    store.restore(conversation.id)
    assert store.load(conversation.id) == conversation
    assert [s.title for s in store.list().conversations] == ["keep me"]


def test_search_matches_titles_and_message_text_ignoring_case(store):
    a = make("Travel plans", "2026-01-01T00:00:00.000Z", "Where is Lyon?")
    b = make("Cooking", "2026-01-02T00:00:00.000Z", "How long to boil 鸡蛋?")
    store.save(a)
    store.save(b)
    assert store.search("travel") == [a.id]
    assert store.search("LYON") == [a.id]
    assert store.search("鸡蛋") == [b.id]
    assert store.search("nothing like it") == []


def test_ids_cannot_escape_the_folder(store):
    with pytest.raises(StoreError):
        store.load("../settings")


def test_leftover_temp_files_are_ignored_and_old_ones_removed(store):
    conversation = make("x", "2026-01-01T00:00:00.000Z")
    store.save(conversation)
    leftover = store.root / ".tmp-abc.json"
    leftover.write_text("{half")
    os.utime(leftover, (0, 0))
    assert len(ConversationStore(store.root).list().conversations) == 1
    assert not leftover.exists()

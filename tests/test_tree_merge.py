"""Merging two windows' versions of a conversation tree keeps a tree that opens again:
every parent is there before its children, and current_leaf names a message."""

import json
from pathlib import Path

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.conversation_merge import MergeBase, merge
from desktop_chat.core.store import ConversationStore

WHEN = "2026-01-01T00:00:00.000Z"


def _message(id: str, role: str, content: str, parent: str | None) -> Message:
    return Message(role=role, content=content, id=id, created_at=WHEN, parent_id=parent)


def _tree(*messages: Message, leaf: str, title: str = "shared") -> Conversation:
    return Conversation(title=title, id="shared", created_at=WHEN, messages=list(messages),
                        current_leaf=leaf)


def _question() -> list[Message]:
    return [_message("u1", "user", "q1", None), _message("a1", "assistant", "a1", "u1"),
            _message("u2", "user", "q2", "a1")]


def test_a_draft_the_other_window_answered_stays_when_this_window_saves_without_it(
        tmp_path: Path):
    """Window A streams an answer (its draft D is in the file, not in A's conversation
    yet); window B opens the file and writes below D; A renames while streaming. The
    rename's save must not drop D, or B's message hangs from nothing and the file is
    quarantined on the next load."""
    a_store = ConversationStore(tmp_path / "conversations")
    b_store = ConversationStore(a_store.root)
    streaming = _tree(*_question(), leaf="u2")
    a_store.save(streaming)
    draft = _message("d", "assistant", "The ans", "u2")
    a_store.save(_tree(*_question(), draft, leaf="d"))  # ReplyRun._save_draft

    in_b = b_store.load("shared")
    in_b.add(Message(role="user", content="go on", id="u3"))  # below the draft
    b_store.save(in_b)

    streaming.title = "renamed while streaming"  # A's conversation: no draft in it
    a_store.save(streaming)

    reopened = ConversationStore(a_store.root).load("shared")  # not quarantined
    assert [m.id for m in reopened.path("u3")] == ["u1", "a1", "u2", "d", "u3"]
    assert reopened.title == "renamed while streaming"


def test_a_merge_never_puts_a_child_before_its_parent_nor_leaves_it_without_one():
    base = _tree(*_question(), _message("d", "assistant", "draft", "u2"), leaf="d").to_dict()
    theirs = _tree(*_question(), _message("d", "assistant", "draft", "u2"),
                   _message("u3", "user", "below the draft", "d"), leaf="u3").to_dict()
    ours = _tree(*_question(), leaf="u2").to_dict()  # removed d, and they wrote below it
    merged = merge(ours, theirs, MergeBase.of(base))
    assert merged is not None
    conversation = Conversation.from_dict(merged)  # raises on a broken tree
    assert conversation.find("d") is not None and conversation.find("u3") is not None
    # and the other way round: we wrote below a message they removed
    merged = merge(theirs, ours, MergeBase.of(base))
    assert merged is not None
    assert [m.id for m in Conversation.from_dict(merged).path("u3")][-2:] == ["d", "u3"]


def test_the_merged_current_leaf_is_always_one_of_the_merged_messages():
    """We switched to version D (in the base); they removed D untouched: the merge keeps
    D, since it is the path we show."""
    messages = [*_question(), _message("d", "assistant", "draft", "u2"),
                _message("e", "assistant", "other", "u2")]
    base = _tree(*messages, leaf="e").to_dict()
    ours = _tree(*messages, leaf="d").to_dict()
    theirs = _tree(*[m for m in messages if m.id != "d"], leaf="e").to_dict()
    merged = merge(ours, theirs, MergeBase.of(base))
    assert merged is not None
    assert Conversation.from_dict(merged).current_leaf == "d"


def test_a_save_that_would_break_the_tree_leaves_the_file_as_it_was(tmp_path: Path):
    store = ConversationStore(tmp_path / "conversations")
    store.save(_tree(*_question(), leaf="u2"))
    before = store.path_for("shared").read_bytes()
    broken = _tree(*_question(), leaf="u2")
    broken.messages.append(_message("x", "assistant", "orphan", "nowhere"))
    try:
        store.save(broken)
    except ValueError:
        pass
    assert store.path_for("shared").read_bytes() == before


class _CountingList(list):
    """A message list that counts the passes made over it."""

    passes = 0

    def __iter__(self):
        type(self).passes += 1
        return super().__iter__()


def test_switching_versions_near_the_top_of_a_long_conversation_is_one_pass():
    """select() used to scan every message once per level of the branch (quadratic: a
    third of a second at 2000 messages, on the GUI thread)."""
    conversation = Conversation()
    for i in range(400):
        conversation.add(Message(role="user" if i % 2 == 0 else "assistant", content=str(i)))
    first_answer = conversation.messages[1]
    conversation.add(Message(role="assistant", content="again"),
                     parent_id=conversation.messages[0].id)
    conversation.messages = _CountingList(conversation.messages)
    _CountingList.passes = 0
    conversation.select(first_answer.id)
    assert conversation.current_leaf == conversation.messages[-2].id  # the old branch's end
    assert _CountingList.passes <= 3


def test_an_old_release_regenerating_in_a_v1_file_meanwhile_keeps_our_new_message(
        tmp_path: Path):
    """The old release (format 1) regenerates by removing the last answer; we added a
    question below that answer. The merge keeps the answer our question hangs from."""
    store = ConversationStore(tmp_path / "conversations")
    v1 = {"schema_version": 1, "id": "old", "title": "t", "created_at": WHEN,
          "updated_at": WHEN, "model": None, "messages": [
              {"id": "u1", "role": "user", "content": "q", "created_at": WHEN},
              {"id": "a1", "role": "assistant", "content": "a", "created_at": WHEN}]}
    path = store.root / "old.json"
    path.write_text(json.dumps(v1), encoding="utf-8")
    ours = store.load("old")
    ours.add(Message(role="user", content="more", id="u2"))  # below a1
    regenerated = {**v1, "messages": [
        v1["messages"][0],
        {"id": "a2", "role": "assistant", "content": "again", "created_at": WHEN}]}
    path.write_text(json.dumps(regenerated), encoding="utf-8")  # the old release
    store.save(ours)
    kept = json.loads((store.root / "old.v1.json").read_text(encoding="utf-8"))
    assert kept == regenerated  # the old release's file, as it was
    reopened = ConversationStore(store.root).load("old")
    assert [m.id for m in reopened.path()] == ["u1", "a1", "u2"]
    assert {m.id for m in reopened.messages} == {"u1", "a1", "a2", "u2"}


def test_a_first_rewrite_that_failed_keeps_the_v1_copy_when_it_is_tried_again(
        tmp_path: Path, monkeypatch):
    """The disk refuses the copy (full): the save fails and is retried later; the retry
    must still keep the v1 file before rewriting it."""
    from desktop_chat.core import store as store_module

    store = ConversationStore(tmp_path / "conversations")
    v1 = {"schema_version": 1, "id": "old", "title": "t", "created_at": WHEN,
          "updated_at": WHEN, "model": None, "messages": [
              {"id": "u1", "role": "user", "content": "q", "created_at": WHEN}]}
    original = json.dumps(v1).encode()
    (store.root / "old.json").write_bytes(original)
    conversation = store.load("old")
    conversation.add(Message(role="assistant", content="a"))
    real_write = store_module.write_atomic

    def disk_full_for_the_copy(path, data):
        if path.name.endswith(".v1.json"):
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(store_module, "write_atomic", disk_full_for_the_copy)
    try:
        store.save(conversation)
    except Exception:  # noqa: BLE001 - the save queue reports it and retries
        pass
    assert (store.root / "old.json").read_bytes() == original  # not rewritten yet
    monkeypatch.setattr(store_module, "write_atomic", real_write)
    store.save(conversation)  # the retry, once there is room
    assert (store.root / "old.v1.json").read_bytes() == original

"""A version 1 file in the store: upgraded on load, kept as it was until the rewrite opens."""

import json
import shutil
from pathlib import Path

import pytest

from desktop_chat.core.conversation import Message
from desktop_chat.core.store import ConversationCorruptError, ConversationStore

V1_FILE = Path(__file__).parent / "fixtures" / "conversation_v1.json"
ID = "v1release0001"


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    store = ConversationStore(tmp_path / "conversations")
    shutil.copy(V1_FILE, store.root / f"{ID}.json")
    return store


def test_the_first_rewrite_keeps_the_v1_file_until_the_new_one_opens(store):
    original = V1_FILE.read_bytes()
    conversation = store.load(ID)
    assert [m.role for m in conversation.path()] == [
        "system", "user", "assistant", "user", "assistant"]
    assert not (store.root / f"{ID}.v1.json").exists()  # loading alone writes nothing

    conversation.add(Message(role="user", content="and a pentagon?"))
    store.save(conversation)
    kept = store.root / f"{ID}.v1.json"
    assert kept.read_bytes() == original
    rewritten = json.loads((store.root / f"{ID}.json").read_text(encoding="utf-8"))
    assert rewritten["schema_version"] == 2 and rewritten["pinned"] is True
    assert [s.id for s in store.list().conversations] == [ID]  # the copy is not listed

    store.save(conversation)  # later saves leave the kept copy as it is
    assert kept.read_bytes() == original

    reopened = ConversationStore(store.root).load(ID)  # the next start opens the v2 file
    assert reopened.to_dict() == rewritten
    assert not kept.exists()


def test_two_windows_upgrading_one_file_keep_one_copy_and_both_messages(store):
    other = ConversationStore(store.root)
    mine, theirs = store.load(ID), other.load(ID)
    mine.add(Message(role="user", content="mine"))
    theirs.add(Message(role="user", content="theirs"))
    store.save(mine)
    result = other.save(theirs)
    assert result.merged and result.copy_of is None
    assert (store.root / f"{ID}.v1.json").read_bytes() == V1_FILE.read_bytes()
    contents = [m.content for m in store.load(ID).messages]
    assert "mine" in contents and "theirs" in contents


def test_a_v1_file_that_cannot_be_upgraded_is_quarantined_never_overwritten(store):
    data = json.loads(V1_FILE.read_text(encoding="utf-8"))
    data["messages"][2]["id"] = "u1"  # two messages with one id: no tree can be made
    broken = json.dumps(data).encode()
    (store.root / f"{ID}.json").write_bytes(broken)
    with pytest.raises(ConversationCorruptError) as caught:
        store.load(ID)
    report = caught.value.report
    assert "used twice" in report.reason
    assert report.quarantined_path.read_bytes() == broken
    assert not (store.root / f"{ID}.json").exists()


def test_deleting_a_conversation_takes_its_kept_copy_along(store):
    conversation = store.load(ID)
    store.save(conversation)
    store.delete(ID)
    assert list(store.root.glob(f"{ID}*")) == []
    store.restore(ID)
    assert store.load(ID).messages[0].content == "Answer briefly."

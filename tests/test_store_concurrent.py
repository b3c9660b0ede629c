"""Several writers on one conversation (windows, threads, processes): nothing is lost."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.store import ConversationStore, StoreError, file_lock

ROOT = Path(__file__).resolve().parents[1]


def started(folder: Path) -> Conversation:
    conversation = Conversation(title="shared", id="shared",
                                created_at="2026-01-01T00:00:00.000Z")
    conversation.add(Message(role="user", content="first", id="m0",
                             created_at="2026-01-01T00:00:00.000Z"))
    ConversationStore(folder).save(conversation)
    return conversation


def contents(folder: Path, conversation_id: str = "shared") -> list[str]:
    data = json.loads((folder / f"{conversation_id}.json").read_text(encoding="utf-8"))
    return [m["content"] for m in data["messages"]]


def test_two_windows_each_append_and_both_messages_are_kept(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    one, two = ConversationStore(folder), ConversationStore(folder)
    mine, theirs = one.load("shared"), two.load("shared")
    mine.add(Message(role="user", content="from one"))
    theirs.add(Message(role="user", content="from two"))
    assert not one.save(mine).merged
    result = two.save(theirs)
    assert result.merged and result.notice is None
    assert [m.content for m in result.conversation.messages] == [
        "first", "from one", "from two"]
    assert contents(folder) == ["first", "from one", "from two"]
    # Each goes on saving its own object: what the other added stays.
    mine.add(Message(role="assistant", content="answer in one"))
    one.save(mine)
    assert contents(folder) == ["first", "from one", "from two", "answer in one"]
    assert ConversationStore(folder).list().conversations[0].message_count == 4


def test_a_streaming_draft_that_grew_wins_and_a_removed_answer_stays_removed(tmp_path):
    folder = tmp_path / "conversations"
    base = started(folder)
    one, two = ConversationStore(folder), ConversationStore(folder)
    one.load("shared")
    draft = Message(role="assistant", content="Par", id="d1", finish_reason="cancelled",
                    created_at="2026-01-01T00:00:01.000Z")
    one.save(Conversation(**{**base.__dict__, "messages": [*base.messages, draft]}))
    theirs = two.load("shared")  # sees the draft as it was
    draft.content, draft.finish_reason = "Paris is the capital.", "stop"
    one.save(Conversation(**{**base.__dict__, "messages": [*base.messages, draft]}))
    theirs.title = "Renamed in two"
    two.save(theirs)  # two never touched the draft: the grown one stays
    data = json.loads((folder / "shared.json").read_text(encoding="utf-8"))
    assert data["title"] == "Renamed in two"
    assert [(m["content"], m.get("finish_reason")) for m in data["messages"]] == [
        ("first", None), ("Paris is the capital.", "stop")]

    # Regenerate in one: the old answer goes, the new one comes, two's message stays.
    mine = one.load("shared")
    theirs = two.load("shared")
    theirs.add(Message(role="user", content="from two"))
    two.save(theirs)
    mine.messages.pop()
    mine.add(Message(role="assistant", content="Paris."))
    one.save(mine)
    assert contents(folder) == ["first", "from two", "Paris."]
    assert json.loads((folder / "shared.json").read_text())["title"] == "Renamed in two"


def test_both_grew_the_same_message_the_longer_one_is_kept(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    one, two = ConversationStore(folder), ConversationStore(folder)
    mine, theirs = one.load("shared"), two.load("shared")
    mine.messages[0].content = "first, edited"
    theirs.messages[0].content = "first, edited twice over"
    one.save(mine)
    assert two.save(theirs).copy_of is None
    assert contents(folder) == ["first, edited twice over"]


def test_a_message_changed_two_ways_leaves_theirs_and_saves_ours_as_a_copy(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    one, two = ConversationStore(folder), ConversationStore(folder)
    mine, theirs = one.load("shared"), two.load("shared")
    mine.messages[0].content = "one's version"
    theirs.messages[0].content = "two's version"
    one.save(mine)
    result = two.save(theirs)
    assert result.copy_of == "shared" and result.conversation_id != "shared"
    assert "saved as a copy" in result.notice and "shared (copy)" in result.notice
    assert contents(folder) == ["one's version"]
    assert contents(folder, result.conversation_id) == ["two's version"]
    titles = sorted(s.title for s in ConversationStore(folder).list().conversations)
    assert titles == ["shared", "shared (copy)"]
    # Later saves of what two holds go to the copy; the original, opened again, to itself.
    theirs.add(Message(role="user", content="more of two's"))
    assert two.save(theirs).conversation_id == result.conversation_id
    original = two.load("shared")
    original.add(Message(role="user", content="to the original"))
    assert two.save(original).conversation_id == "shared"
    assert contents(folder) == ["one's version", "to the original"]
    assert contents(folder, result.conversation_id) == ["two's version", "more of two's"]


def test_an_unreadable_file_found_at_save_is_quarantined_and_ours_written(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    store = ConversationStore(folder)
    mine = store.load("shared")
    (folder / "shared.json").write_bytes(b'{"schema_version": 1, "messa')
    mine.add(Message(role="user", content="mine"))
    result = store.save(mine)
    assert result.quarantined is not None and "could not be read" in result.notice
    assert result.quarantined.quarantined_path.read_bytes() == b'{"schema_version": 1, "messa'
    assert contents(folder) == ["first", "mine"]


def test_a_conversation_deleted_elsewhere_is_saved_again_by_the_window_using_it(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    one = ConversationStore(folder)
    mine = one.load("shared")
    ConversationStore(folder).delete("shared")
    mine.add(Message(role="user", content="still here"))
    one.save(mine)
    assert contents(folder) == ["first", "still here"]


@pytest.mark.parametrize("when", ["stat", "read"])
def test_a_file_deleted_while_listing_is_skipped(tmp_path, monkeypatch, when):
    folder = tmp_path / "conversations"
    started(folder)
    other = Conversation(title="other", id="other")
    ConversationStore(folder).save(other)
    store = ConversationStore(folder)
    (folder / "index.json").unlink(missing_ok=True)  # every file gets read
    if when == "stat":
        scan = store._scan

        def scan_then_delete():
            for entry in scan():
                if entry.name == "shared.json":
                    Path(entry.path).unlink()
                yield entry
        monkeypatch.setattr(store, "_scan", scan_then_delete)
    else:
        read = store._read_bytes

        def delete_then_read(path):
            if path.name == "shared.json":
                path.unlink(missing_ok=True)
            return read(path)
        monkeypatch.setattr(store, "_read_bytes", delete_then_read)
    listing = store.list()
    assert [s.id for s in listing.conversations] == ["other"] and listing.quarantined == []
    assert store.search("first") == []


def test_the_file_lock_excludes_a_second_holder_until_released(tmp_path):
    lock = tmp_path / "x.lock"
    with file_lock(lock):
        with pytest.raises(StoreError, match="busy"), file_lock(lock, timeout=0.05):
            pass
    with file_lock(lock, timeout=0.05):
        pass


def test_threads_with_their_own_stores_lose_nothing(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    writers, rounds = 6, 25
    errors = []
    barrier = threading.Barrier(writers + 1)

    def write(n: int) -> None:
        try:
            store = ConversationStore(folder)
            conversation = store.load("shared")
            barrier.wait()
            for k in range(rounds):
                conversation.add(Message(role="user", content=f"w{n}-{k}"))
                store.save(conversation)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    def read() -> None:
        store = ConversationStore(folder)
        barrier.wait()
        while any(t.is_alive() for t in threads):
            store.list()
            store.search("w1")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    reader = threading.Thread(target=read)
    for thread in [*threads, reader]:
        thread.start()
    for thread in [*threads, reader]:
        thread.join(timeout=120)
    assert errors == []
    saved = contents(folder)
    assert sorted(saved) == sorted(["first"] + [f"w{n}-{k}" for n in range(writers)
                                                for k in range(rounds)])
    for n in range(writers):  # each writer's messages in its own order
        assert [c for c in saved if c.startswith(f"w{n}-")] == [
            f"w{n}-{k}" for k in range(rounds)]


CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from desktop_chat.core.conversation import Message
from desktop_chat.core.store import ConversationStore
store = ConversationStore(Path(sys.argv[2]))
name, rounds = sys.argv[3], int(sys.argv[4])
conversation = store.load("shared")
for k in range(rounds):
    conversation.add(Message(role="user", content=f"{name}-{k}"))
    store.save(conversation)
"""


def test_processes_appending_in_a_loop_lose_nothing(tmp_path):
    folder = tmp_path / "conversations"
    started(folder)
    processes, rounds = 4, 30
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(folder),
                                  f"p{n}", str(rounds)], stderr=subprocess.PIPE, text=True)
                for n in range(processes)]
    for child in children:
        _, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
    saved = contents(folder)
    assert sorted(saved) == sorted(["first"] + [f"p{n}-{k}" for n in range(processes)
                                                for k in range(rounds)])
    listing = ConversationStore(folder).list()
    assert listing.conversations[0].message_count == 1 + processes * rounds


def test_reading_never_waits_for_a_writer_on_the_disk(tmp_path, monkeypatch):
    from desktop_chat.core import store as store_module

    folder = tmp_path / "conversations"
    started(folder)
    store = ConversationStore(folder)
    other = Conversation(title="other", id="other")
    store.save(other)
    real_write = store_module.write_atomic
    in_write, release = threading.Event(), threading.Event()

    def slow_disk(path, data):  # an fsync that takes as long as the test says
        if path.name == "shared.json":
            in_write.set()
            assert release.wait(30)
        real_write(path, data)

    monkeypatch.setattr(store_module, "write_atomic", slow_disk)
    conversation = store.load("shared")
    conversation.add(Message(role="user", content="slow"))
    writer = threading.Thread(target=store.save, args=(conversation,))
    writer.start()
    try:
        assert in_write.wait(30)
        # The GUI thread's reads go on while the save sits in its fsync.
        assert store.load("other").title == "other"
        assert store.load("shared").messages[-1].content == "first"
        assert {s.id for s in store.list().conversations} == {"shared", "other"}
    finally:
        release.set()
        writer.join(30)
    assert contents(folder)[-1] == "slow"

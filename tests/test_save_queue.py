"""The single writer: order, coalesced drafts, flush, and saves kept through a full disk."""

import errno
import json
import threading

import pytest
from conftest import full_disk

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.save_queue import SaveQueue
from desktop_chat.core.store import ConversationStore, StoreError


class GatedStore(ConversationStore):
    """A real store whose writes wait for ``gate`` and are recorded in order."""

    def __init__(self, root):
        super().__init__(root)
        self.gate = threading.Event()
        self.written: list[tuple[str, str]] = []  # (id, last message text)

    def save(self, conversation):
        self.gate.wait(10)
        result = super().save(conversation)
        self.written.append((conversation.id, conversation.messages[-1].content))
        return result


def draft(conversation, text):
    conversation.messages = [conversation.messages[0], Message(role="assistant", content=text,
                                                               id="draft")]
    return conversation


def on_disk(store, conversation):
    return json.loads(store.path_for(conversation.id).read_text("utf-8"))["messages"][-1][
        "content"]


def test_a_burst_of_drafts_writes_the_newest_of_each_in_order(tmp_path):
    store = GatedStore(tmp_path / "conversations")
    outcomes = []
    queue = SaveQueue(store, on_done=outcomes.append)
    a = Conversation(title="A", messages=[Message(role="user", content="question A")])
    b = Conversation(title="B", messages=[Message(role="user", content="question B")])
    for n in range(200):  # drafts of A and B interleaved while the writer is busy
        queue.save(draft(a, f"A {n}"))
        queue.save(draft(b, f"B {n}"))
    assert queue.unsaved(a.id).messages[-1].content == "A 199"  # opening it sees the newest
    store.gate.set()
    assert queue.flush(10)
    assert on_disk(store, a) == "A 199" and on_disk(store, b) == "B 199"
    ids = [conversation_id for conversation_id, _ in store.written]
    assert ids.index(a.id) < ids.index(b.id)  # A was asked for first, so it is written first
    assert len(store.written) <= 4  # coalesced: not 400 writes
    assert store.written[-2:] in ([(a.id, "A 199"), (b.id, "B 199")],
                                  [(b.id, "B 199"), (a.id, "A 199")])
    assert all(o.ok for o in outcomes) and outcomes[-1].unsaved == 0
    assert queue.unsaved(a.id) is None
    queue.stop()


def test_different_conversations_keep_their_order_and_deletes_come_after_saves(tmp_path):
    store = GatedStore(tmp_path / "conversations")
    queue = SaveQueue(store)
    conversations = [Conversation(title=str(n), messages=[Message(role="user", content=str(n))])
                     for n in range(5)]
    for conversation in conversations:
        queue.save(conversation)
    queue.delete(conversations[2].id)
    queue.save(conversations[2])  # saved again after the delete: not merged into the first
    store.gate.set()
    assert queue.flush(10)
    assert [c for c, _ in store.written] == [c.id for c in conversations] + [conversations[2].id]
    assert store.path_for(conversations[2].id).exists()
    assert (store.trash_dir / f"{conversations[2].id}.json").exists()
    queue.stop()


def test_flush_waits_for_the_writer(tmp_path):
    store = GatedStore(tmp_path / "conversations")
    queue = SaveQueue(store)
    conversation = Conversation(title="x", messages=[Message(role="user", content="hello")])
    queue.save(conversation)
    assert not queue.flush(0.2)  # the writer is held: not done yet
    threading.Timer(0.2, store.gate.set).start()
    assert queue.flush(10)
    assert on_disk(store, conversation) == "hello"
    queue.stop()


def test_a_full_disk_keeps_the_save_retries_it_and_keeps_the_order(tmp_path, monkeypatch):
    store = ConversationStore(tmp_path / "conversations")
    outcomes = []
    queue = SaveQueue(store, on_done=outcomes.append, retry_seconds=0.2)
    heal_disk = full_disk(monkeypatch)
    a = Conversation(title="A", messages=[Message(role="user", content="A 1")])
    b = Conversation(title="B", messages=[Message(role="user", content="B 1")])
    queue.save(a)
    queue.save(b)
    assert not queue.flush(2)  # retried once more, still full
    failed = [o for o in outcomes if not o.ok]
    assert failed and failed[0].errno == errno.ENOSPC and failed[0].will_retry
    assert failed[0].folder == str(store.root)
    assert {f.conversation_id for f in failed} == {a.id}  # B waits behind A, never before
    a.add(Message(role="assistant", content="A 2"))
    queue.save(a)  # the newer A replaces the kept one
    assert queue.unsaved(a.id).messages[-1].content == "A 2"
    heal_disk()
    assert queue.flush(5)  # periodic retries write both, in order
    assert on_disk(store, a) == "A 2" and on_disk(store, b) == "B 1"
    saved = [o.conversation_id for o in outcomes if o.ok]
    # A first (twice when a retry of the older A was under way as the disk healed), then B.
    assert saved in ([a.id, b.id], [a.id, a.id, b.id])
    assert outcomes[-1].unsaved == 0
    queue.stop()


def test_a_refused_save_is_reported_not_retried(tmp_path, monkeypatch):
    store = ConversationStore(tmp_path / "conversations")
    conversation = Conversation(title="read-only")

    def refuse(conversation):
        raise StoreError("This conversation is read-only.")  # not the disk: no retry helps

    monkeypatch.setattr(store, "save", refuse)
    outcomes = []
    queue = SaveQueue(store, on_done=outcomes.append)
    queue.save(conversation)
    assert queue.flush(5)
    [outcome] = outcomes
    assert not outcome.ok and not outcome.will_retry and outcome.errno is None
    assert outcome.message == "This conversation is read-only."
    queue.stop()


@pytest.mark.parametrize("kind", ["delete", "restore"])
def test_a_failed_delete_or_restore_is_reported(tmp_path, kind):
    store = ConversationStore(tmp_path / "conversations")
    outcomes = []
    queue = SaveQueue(store, on_done=outcomes.append)
    getattr(queue, kind)("nothing-here")
    assert queue.flush(5)
    [outcome] = outcomes
    assert outcome.kind == kind and not outcome.ok and not outcome.will_retry
    queue.stop()


def test_the_index_is_told_the_stat_the_store_took_and_where_a_copy_went(tmp_path,
                                                                         monkeypatch):
    import dataclasses
    from types import SimpleNamespace

    store = ConversationStore(tmp_path / "conversations")
    real_save = store.save
    later = SimpleNamespace(st_mtime_ns=7, st_size=4242)  # what the store took, locked
    results = []

    def save(conversation):
        result = real_save(conversation)
        if conversation.title == "redirected":  # as the store reports a save sent to a copy
            result = dataclasses.replace(result, conversation_id="copy-1", conversation=None)
        result = type("Result", (), {**result.__dict__, "file_stat": later})()
        results.append(result)
        return result

    monkeypatch.setattr(store, "save", save)
    outcomes = []
    queue = SaveQueue(store, on_done=outcomes.append)
    queue.save(Conversation(title="plain", messages=[Message(role="user", content="x")]))
    queue.save(Conversation(title="redirected", messages=[Message(role="user", content="y")]))
    assert queue.flush(5)
    plain, redirected = outcomes
    assert (plain.size, plain.mtime_ns) == (4242, 7)  # not a stat taken after the lock
    assert redirected.conversation.id == "copy-1" != redirected.conversation_id
    assert redirected.conversation.title == "redirected (copy)"
    assert not plain.merged and plain.conversation.title == "plain"
    queue.stop()


def test_after_stop_nothing_is_written_and_flush_does_not_wait(tmp_path):
    store = GatedStore(tmp_path / "conversations")
    store.gate.set()
    queue = SaveQueue(store)
    assert queue.stop(0.1)
    queue.save(Conversation(title="late", messages=[Message(role="user", content="x")]))
    assert queue.flush(5) is False  # returns at once: the writer is gone for good
    assert store.written == []

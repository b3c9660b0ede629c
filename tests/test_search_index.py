"""The search index: titles, text and reasoning, Chinese, rebuilt from the files."""

import os
import threading

import pytest

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.search_index import (
    SearchIndex,
    SearchService,
    fts5_trigram_available,
    synchronize,
)
from desktop_chat.core.store import ConversationStore

pytestmark = pytest.mark.skipif(not fts5_trigram_available(),
                                reason="this Python's SQLite has no FTS5 trigram tokenizer")


def conversation(title, user, answer, reasoning=None):
    c = Conversation(title=title)
    c.add(Message(role="user", content=user))
    c.add(Message(role="assistant", content=answer, reasoning_content=reasoning))
    return c


@pytest.fixture
def store(tmp_path):
    return ConversationStore(tmp_path / "conversations")


@pytest.fixture
def three(store):
    trip = conversation("Travel plans", "Where should I go in France?", "Lyon is lovely.",
                        "The user likes food; Lyon is the capital of gastronomy.")
    eggs = conversation("菜谱", "番茄炒鸡蛋怎么做？", "先炒鸡蛋，再炒番茄。", "用户想学做家常菜。")
    maths = conversation("Arithmetic", "What is 2 + 2?", "2 + 2 = 4")
    for c in (trip, eggs, maths):
        store.save(c)
    return trip, eggs, maths


def test_finds_by_title_message_and_reasoning_in_any_case(tmp_path, store, three):
    trip, eggs, maths = three
    index = SearchIndex(tmp_path / "cache" / "index.sqlite3")
    assert synchronize(index, store) == 3
    assert index.search("travel") == [trip.id]  # title
    assert index.search("LYON") == [trip.id]  # message, other case
    assert index.search("gastronomy") == [trip.id]  # reasoning only
    assert index.search("2 + 2") == [maths.id]
    assert index.search("nothing like it") == []
    assert index.search('say "hi"') == []  # quotes are text, not syntax


def test_chinese_queries_long_and_short(tmp_path, store, three):
    trip, eggs, maths = three
    index = SearchIndex(tmp_path / "index.sqlite3")
    synchronize(index, store)
    assert index.search("炒鸡蛋") == [eggs.id]  # trigram match inside a run of characters
    assert index.search("鸡蛋") == [eggs.id]  # two characters: LIKE over the same table
    assert index.search("菜") == [eggs.id]  # one character, in the title and reasoning
    assert index.search("家常菜") == [eggs.id]  # reasoning
    assert index.search("牛肉") == []


def test_rebuilt_when_missing_and_brought_up_to_date_when_stale(tmp_path, store, three):
    trip, eggs, maths = three
    path = tmp_path / "index.sqlite3"
    index = SearchIndex(path)
    synchronize(index, store)
    index.close()
    # Changed behind the index's back: one edited, one deleted, one added.
    maths.add(Message(role="user", content="And 3 + 3?"))
    maths.add(Message(role="assistant", content="Six, or 六."))
    store.save(maths)
    os.utime(store.path_for(maths.id), ns=(1, 1))  # a different mtime, whatever the clock
    store.delete(trip.id)
    extra = conversation("Weather", "Will it rain?", "Bring an umbrella.")
    store.save(extra)
    index = SearchIndex(path)
    assert synchronize(index, store) == 2  # only the changed and the new file are read
    assert index.search("六") == [maths.id]
    assert index.search("lyon") == []  # deleted: gone from the results
    assert index.search("umbrella") == [extra.id]
    assert synchronize(index, store) == 0  # up to date: nothing is read again
    index.close()
    path.unlink()
    index = SearchIndex(path)
    assert synchronize(index, store) == 3  # missing: rebuilt from the files
    assert index.search("炒鸡蛋") == [eggs.id]


def test_a_damaged_index_file_is_rebuilt(tmp_path, store, three):
    path = tmp_path / "index.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    index = SearchIndex(path)
    assert synchronize(index, store) == 3
    assert index.search("lyon") == [three[0].id]


def test_the_service_answers_in_the_background_and_follows_saves(tmp_path, store, three):
    trip, eggs, maths = three
    results = {}
    answered = threading.Event()

    def on_result(number, query, ids):
        results[number] = (query, ids)
        answered.set()

    service = SearchService(store.root, tmp_path / "index.sqlite3", on_result)
    service.query(1, "鸡蛋")
    assert answered.wait(10)
    assert results[1] == ("鸡蛋", [eggs.id])
    maths.add(Message(role="user", content="What about 牛肉?"))
    store.save(maths)
    stat = store.path_for(maths.id).stat()
    service.saved(maths, stat.st_mtime_ns, stat.st_size)
    store.delete(trip.id)
    service.removed(trip.id)
    answered.clear()
    service.query(2, "牛肉")
    assert answered.wait(10)
    assert results[2] == ("牛肉", [maths.id])
    answered.clear()
    service.query(3, "Lyon")
    assert answered.wait(10)
    assert results[3] == ("Lyon", [])
    store.restore(trip.id)
    service.reread(trip.id)
    answered.clear()
    service.query(4, "lyon")
    assert answered.wait(10)
    assert results[4] == ("lyon", [trip.id])
    service.stop()


def test_without_fts5_the_service_searches_the_files(tmp_path, store, three, monkeypatch):
    from desktop_chat.core import search_index

    monkeypatch.setattr(search_index, "fts5_trigram_available", lambda: False)
    answered = threading.Event()
    results = []
    service = SearchService(store.root, tmp_path / "index.sqlite3",
                            lambda n, q, ids: (results.append(ids), answered.set()))
    service.query(1, "鸡蛋")
    assert answered.wait(10)
    assert results == [[three[1].id]]
    answered.clear()
    service.query(2, "GASTRONOMY")  # the reasoning is searched too, in any case
    assert answered.wait(10)
    assert results[-1] == [three[0].id]
    assert not (store.root / "index.json").exists()  # read the files, never wrote
    service.stop()


def test_the_search_thread_only_reads_a_damaged_file_stays_and_is_not_found(tmp_path, store,
                                                                              three):
    damaged = store.root / "damaged.json"
    damaged.write_bytes(b'{"schema_version": 1, "title": "zebra crossing", "messa')
    not_a_conversation = store.root / "other.json"
    not_a_conversation.write_text('{"title": "zebra"}', encoding="utf-8")
    (store.root / ".tmp-abc.json").write_text('{"title": "zebra"}', encoding="utf-8")
    answered = threading.Event()
    results = []
    service = SearchService(store.root, tmp_path / "index.sqlite3",
                            lambda n, q, ids: (results.append(ids), answered.set()))
    service.query(1, "zebra")
    assert answered.wait(10) and service.ready.is_set()
    assert results == [[]]
    service.stop()
    assert damaged.read_bytes().endswith(b'"messa')  # left where it was, as it was
    assert not_a_conversation.exists()
    assert not store.quarantine_dir.exists()
    assert not (store.root / "index.json").exists()  # the store's index is not rewritten
    listing = store.list()  # the GUI's store finds it and reports it, as before
    assert sorted(r.original_name for r in listing.quarantined) == ["damaged.json",
                                                                    "other.json"]


def test_a_file_that_became_damaged_leaves_the_index(tmp_path, store, three):
    trip = three[0]
    index = SearchIndex(tmp_path / "index.sqlite3")
    synchronize(index, store.root)
    assert index.search("lyon") == [trip.id]
    store.path_for(trip.id).write_bytes(b"not json, lyon")
    assert synchronize(index, store.root) == 0
    assert index.search("lyon") == []
    assert store.path_for(trip.id).exists()


def test_stopping_interrupts_a_long_first_synchronize(tmp_path, store, monkeypatch):
    import time

    from desktop_chat.core import search_index

    for n in range(40):
        store.save(conversation(f"c{n}", "question", "answer"))
    real = search_index.read_indexed_text
    started = threading.Event()

    def slow(path):
        started.set()
        time.sleep(0.1)
        return real(path)

    monkeypatch.setattr(search_index, "read_indexed_text", slow)
    answers = []
    service = SearchService(store.root, tmp_path / "index.sqlite3",
                            lambda *args: answers.append(args))
    service.start()
    assert started.wait(10)
    service.query(1, "question")
    begun = time.monotonic()
    assert service.stop(timeout=2.0)
    assert time.monotonic() - begun < 1.0  # not 40 x 0.1 s
    service.query(2, "question")  # stopped for good: no thread comes back
    service.saved(conversation("late", "q", "a"), 1, 1)
    time.sleep(0.2)
    assert service._thread is not None and not service._thread.is_alive()
    assert answers == []  # nothing is answered once stopping

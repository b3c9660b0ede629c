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
    service.stop()

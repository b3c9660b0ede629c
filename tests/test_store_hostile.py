"""Conversation files no one should write, read by every decoder of them: the store's
listing and loading, its saves, the search index, the import. Each ends in quarantine (or
a refusal), never in an exception that stops the app."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from desktop_chat.core.conversation import Conversation, ConversationFormatError, Message
from desktop_chat.core.conversation_import import INVALID, read_imports
from desktop_chat.core.search_index import SearchIndex, synchronize
from desktop_chat.core.store import (
    INDEX_NAME,
    ConversationCorruptError,
    ConversationStore,
    StoreError,
)


def conversation(title: str = "fine") -> Conversation:
    made = Conversation(title=title, created_at="2026-01-01T00:00:00.000Z")
    made.add(Message(role="user", content="hello", created_at="2026-01-01T00:00:00.000Z"))
    return made


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_file(folder: Path, depth: int, conversation_id: str = "deep") -> Path:
    """A valid conversation but for one unknown key nested ``depth`` levels deep."""
    text = json.dumps({**conversation().to_dict(), "id": conversation_id, "deep": None})
    path = folder / f"{conversation_id}.json"
    path.write_text(text.replace('"deep": null', f'"deep": {nested(depth)}'))
    return path


@pytest.fixture
def store(tmp_path: Path) -> ConversationStore:
    return ConversationStore(tmp_path / "conversations")


# ----- finding 3: nesting ----------------------------------------------------------------------

@pytest.mark.parametrize("depth", [200, 990, 5000])
def test_a_deeply_nested_file_is_quarantined_and_the_others_listed(store, depth):
    good = conversation()
    store.save(good)
    deep_file(store.root, depth)
    listing = ConversationStore(store.root).list()  # the next start
    assert [s.id for s in listing.conversations] == [good.id]
    assert [r.original_name for r in listing.quarantined] == ["deep.json"]
    assert "nested" in listing.quarantined[0].reason
    assert not (store.root / "deep.json").exists()
    assert ConversationStore(store.root).list().quarantined == []  # told once


def test_opening_a_deeply_nested_file_quarantines_it(store):
    deep_file(store.root, 990)
    with pytest.raises(ConversationCorruptError, match="nested"):
        store.load("deep")


def test_a_save_over_a_deeply_nested_file_moves_it_aside(store):
    mine = conversation()
    store.save(mine)
    store.load(mine.id)
    deep_file(store.root, 990, mine.id)  # another writer wrote this
    mine.add(Message(role="assistant", content="hi"))
    result = store.save(mine)
    assert result.quarantined is not None
    assert ConversationStore(store.root).load(mine.id) == mine


def test_the_search_index_skips_a_deeply_nested_file(store, tmp_path):
    good = conversation("findable")
    store.save(good)
    deep_file(store.root, 5000)
    index = SearchIndex(tmp_path / "index.sqlite3")
    assert synchronize(index, store.root) == 1
    assert index.search("findable") == [good.id]


@pytest.mark.parametrize("depth", [200, 900])
def test_a_deeply_nested_import_is_refused(tmp_path, depth):
    path = deep_file(tmp_path, depth)
    result = read_imports([path], set())
    assert result.conversations == []
    assert [f.reason for f in result.failures] == [INVALID]


def test_nesting_within_the_bound_is_kept(store):
    mine = conversation()
    mine.extra["newer"] = json.loads(nested(30))
    store.save(mine)
    assert ConversationStore(store.root).load(mine.id).extra["newer"] == mine.extra["newer"]


def test_the_decoder_refuses_deep_nesting_in_any_field():
    data = conversation().to_dict()
    data["settings"] = {"newer": json.loads(nested(100))}
    with pytest.raises(ConversationFormatError, match="nested"):
        Conversation.from_dict(data)


# ----- finding 8: a newer version's file of any shape --------------------------------------------

@pytest.mark.parametrize("messages", [5, "text", {"a": 1}, None, True])
def test_a_newer_file_whose_messages_are_not_a_list_is_listed(store, messages):
    (store.root / "newer.json").write_text(json.dumps({
        "schema_version": 99, "id": "newer", "title": ["not", "text"], "created_at": 5,
        "updated_at": {"x": 1}, "messages": messages}))
    listing = store.list()
    [summary] = listing.conversations
    assert summary.read_only and summary.title == "newer" and summary.message_count == 0
    assert summary.created_at == "" and summary.updated_at == ""
    assert (store.root / "newer.json").exists()  # never moved, never rewritten


# ----- files the system will not let us read or move --------------------------------------------
# Faked: the tests may run as root, whom permissions do not stop.

def deny(monkeypatch, name: str, *, reading: bool = False, moving: bool = False) -> None:
    """PermissionError for reading, or moving away, the file called ``name``."""
    real_open, real_replace = os.open, os.replace

    def guarded_open(path, *args, **kwargs):  # the store reads through core/regular_file
        if reading and Path(path).name == name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def guarded_replace(source, target):
        if moving and Path(source).name == name:
            raise PermissionError(13, "Permission denied", str(source))
        return real_replace(source, target)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "replace", guarded_replace)


def test_an_unreadable_file_is_reported_not_raised(store, monkeypatch):
    good = conversation()
    store.save(good)
    locked = store.root / "locked.json"
    locked.write_text(json.dumps({**conversation().to_dict(), "id": "locked"}))
    deny(monkeypatch, "locked.json", reading=True)
    listing = ConversationStore(store.root).list()
    assert [s.id for s in listing.conversations] == [good.id]
    assert [u.name for u in listing.unreadable] == ["locked.json"]
    with pytest.raises(StoreError, match="could not be opened"):
        store.load("locked")
    assert locked.exists()


def test_a_damaged_file_that_cannot_be_moved_stays_and_is_reported(store, monkeypatch):
    store.root.joinpath("broken.json").write_text("{not json")
    deny(monkeypatch, "broken.json", moving=True)
    listing = ConversationStore(store.root).list()
    [report] = listing.quarantined
    assert report.not_moved and "left as it is" in str(report.message())
    assert store.root.joinpath("broken.json").exists()
    with pytest.raises(ConversationCorruptError, match="left as it is"):
        store.load("broken")


def test_a_save_never_writes_over_a_damaged_file_it_could_not_move(store, monkeypatch):
    mine = conversation()
    store.save(mine)
    store.load(mine.id)
    path = store.path_for(mine.id)
    path.write_text("{damaged by another writer")
    deny(monkeypatch, path.name, moving=True)
    with pytest.raises(StoreError, match="left as it is"):
        store.save(mine)
    assert path.read_text() == "{damaged by another writer"


# ----- the derived index ------------------------------------------------------------------------

@pytest.mark.parametrize("entry_change", [
    {"title": 5}, {"updated_at": None}, {"message_count": "2"}, {"id": "../x"},
    {"read_only": "no"}, {"model": ["x"]},
])
def test_an_index_entry_of_the_wrong_shape_is_read_again_from_the_file(store, entry_change):
    good = conversation("from the file")
    store.save(good)
    store.save(conversation("another"))
    store.list()
    index_path = store.root / INDEX_NAME
    index = json.loads(index_path.read_text())
    [entry] = [e for e in index["conversations"] if e["id"] == good.id]
    entry.update(entry_change)
    index_path.write_text(json.dumps(index))
    listed = ConversationStore(store.root).list().conversations
    [summary] = [s for s in listed if s.id == good.id]
    assert summary.title == "from the file" and summary.message_count == 1
    assert summary.updated_at == good.updated_at and summary.model is None
    assert not summary.read_only and len(listed) == 2


def test_the_depth_bound_counts_levels_of_lists_and_objects():
    from desktop_chat.core.json_depth import MAX_DEPTH, too_deep

    assert not too_deep("text") and not too_deep(json.loads(nested(MAX_DEPTH)))
    assert too_deep(json.loads(nested(MAX_DEPTH + 1)))
    assert too_deep({"a": [1, {"b": [[{}]]}]}, limit=6) is False
    assert too_deep({"a": [1, {"b": [[{"c": 1}]]}]}, limit=5) is True
    assert not too_deep([[]] * 10_000, limit=2)  # wide is fine


@pytest.mark.parametrize("messages", [5, {"a": 1}])
def test_the_writer_lists_a_newer_file_of_any_shape_it_kept_a_copy_beside(store, messages):
    from desktop_chat.workers.saves import summary_on_disk

    (store.root / "newer.json").write_text(json.dumps({
        "schema_version": 99, "id": "newer", "title": {"x": 1}, "messages": messages}))
    summary = summary_on_disk(store, "newer")  # raised TypeError on the writer thread
    assert summary is not None and summary.read_only
    assert (summary.title, summary.message_count) == ("newer", 0)


# ----- text that no UTF-8 file can hold ---------------------------------------------------------

def lone_surrogate_file(folder: Path, conversation_id: str = "halves") -> Path:
    """A valid JSON file (ASCII) whose escapes make half an emoji: json.loads accepts it;
    Python cannot write the text back as UTF-8 (ChatGPT exports hold such cut emoji)."""
    data = {**conversation("cut \ud83d").to_dict(), "id": conversation_id}
    data["messages"][0]["content"] = "half an emoji: \ude00"
    path = folder / f"{conversation_id}.json"
    path.write_text(json.dumps(data), encoding="ascii")  # ensure_ascii: \ud83d as written
    return path


def test_a_file_with_lone_surrogates_is_listed_opened_and_saved(store):
    lone_surrogate_file(store.root)
    listing = ConversationStore(store.root).list()  # raised UnicodeEncodeError: no start
    assert [s.title for s in listing.conversations] == ["cut \ufffd"]
    opened = store.load("halves")  # raised UnicodeEncodeError
    assert opened.messages[0].content == "half an emoji: \ufffd"
    opened.add(Message(role="assistant", content="still saved"))
    store.save(opened)
    assert ConversationStore(store.root).load("halves") == opened


def test_an_import_with_lone_surrogates_can_be_saved(store, tmp_path):
    path = lone_surrogate_file(tmp_path)
    [imported] = read_imports([path], set()).conversations
    store.save(imported)  # raised UnicodeEncodeError, at every retry
    assert ConversationStore(store.root).load(imported.id).title == "cut \ufffd"


def test_the_search_index_reads_a_file_with_lone_surrogates(store, tmp_path):
    lone_surrogate_file(store.root)
    index = SearchIndex(tmp_path / "index.sqlite3")
    assert synchronize(index, store.root) == 1
    assert index.search("half an emoji") == ["halves"]


def test_an_import_file_with_a_number_of_thousands_of_digits_fails_alone(tmp_path):
    """json.loads raises a plain ValueError (not a JSONDecodeError) for an int of more
    than 4,300 digits: it escaped the importer and the files after it were lost too."""
    huge = tmp_path / "huge.json"
    huge.write_text('{"schema_version": ' + "9" * 5000 + "}")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(conversation("kept").to_dict()))
    result = read_imports([huge, good], set())
    assert [c.title for c in result.conversations] == ["kept"]
    assert [f.source for f in result.failures] == ["huge.json"]


# ----- a FIFO where a file of ours should be ----------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_at_the_index_name_is_not_read(store):
    """open() on a FIFO waits for a writer: with none, the start hung for good. (Here a
    writer feeds it an index that retitles a conversation, so that the old code returns,
    and shows that title.)"""
    from fifo_feed import FeedingFifo

    good = conversation("the file's title")
    store.save(good)
    (store.root / INDEX_NAME).unlink(missing_ok=True)
    stat = (store.root / f"{good.id}.json").stat()
    entry = {"id": good.id, "title": "from the fifo", "created_at": "", "updated_at": "",
             "model": None, "message_count": 1, "read_only": False, "read_only_reason": "",
             "mtime_ns": stat.st_mtime_ns, "size": stat.st_size}
    fifo = FeedingFifo(store.root / INDEX_NAME,
                       json.dumps({"version": 1, "conversations": [entry]}))
    try:
        listing = ConversationStore(store.root).list()
        assert [s.title for s in listing.conversations] == ["the file's title"]
    finally:
        fifo.close()


def test_a_file_a_windows_editor_saved_with_a_byte_order_mark_is_listed_and_opened(store):
    """Notepad (before 2019) starts UTF-8 with a BOM; json.loads refuses it, so a hand-edited
    conversation went to the quarantine. settings.json and imports already accept one."""
    edited = conversation("edited in Notepad")
    (store.root / f"{edited.id}.json").write_bytes(
        b"\xef\xbb\xbf" + json.dumps(edited.to_dict()).encode())
    listing = ConversationStore(store.root).list()
    assert [s.title for s in listing.conversations] == ["edited in Notepad"]
    assert listing.quarantined == []
    assert store.load(edited.id) == edited


def test_the_archive_export_writes_a_file_with_lone_surrogates_as_it_lists_it(store, tmp_path):
    """The archive reads each file again for its Markdown: half an emoji in the title or
    text made zipfile raise UnicodeEncodeError, and the whole export failed."""
    import zipfile

    from desktop_chat.core.export_archive import ArchiveSource, write_archive

    path = lone_surrogate_file(store.root)
    result = write_archive(tmp_path / "all.zip", [ArchiveSource("halves", path=path)])
    assert result.written == 1
    with zipfile.ZipFile(tmp_path / "all.zip") as archive:
        [markdown] = [n for n in archive.namelist() if n.endswith(".md")]
        assert "half an emoji: \ufffd" in archive.read(markdown).decode("utf-8")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_an_import_of_a_fifo_is_refused_not_waited_on(tmp_path):
    """Checking for a zip opened the FIFO and waited for a writer, for good, on the job
    thread (Cancel checks between files). (Here a writer feeds it a conversation, so that
    the old code returns, and imports it.)"""
    from fifo_feed import FeedingFifo

    from desktop_chat.core.conversation_import import UNREADABLE

    fifo = FeedingFifo(tmp_path / "pipe.json", json.dumps(conversation().to_dict()))
    try:
        result = read_imports([tmp_path / "pipe.json"], set())
        assert result.conversations == []
        assert [f.reason for f in result.failures] == [UNREADABLE]
    finally:
        fifo.close()

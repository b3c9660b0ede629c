"""Hostile files given to import, found by a review after the limits landed: each fails
its own file with a reason (or imports), and the other files still come in; nothing
escapes read_imports and nothing hangs it."""

from __future__ import annotations

import io
import json
import os
import struct
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from test_import_odd_shapes import _chatgpt

from desktop_chat.core.conversation_import import (
    BAD_ZIP,
    MAX_FAILED_ITEMS,
    NOT_JSON,
    SUSPICIOUS_COMPRESSION,
    TOO_LARGE,
    TOO_MANY_FAILED,
    UNKNOWN_FORMAT,
    UNREADABLE,
    ImportLimits,
    read_imports,
)
from desktop_chat.core.json_stream import JsonStream, TooLarge


def small_export(path: Path, title: str = "fine") -> Path:
    path.write_text(json.dumps([_chatgpt(title)]), encoding="utf-8")
    return path


@pytest.mark.parametrize("text", [
    "[" + json.dumps(_chatgpt("first")) + ', {"mapping": {}, "n": ' + "1" * 5000 + "}]",
    '{"schema_version": 2, "n": ' + "9" * 5000 + "}",
])
def test_a_number_with_more_digits_than_python_converts_fails_its_file(tmp_path, text):
    odd = tmp_path / "odd.json"
    odd.write_text(text, encoding="utf-8")  # int("1" * 5000) raises ValueError
    result = read_imports([odd, small_export(tmp_path / "b.json")], set())
    [failure] = result.failures
    assert failure.source == "odd.json" and failure.reason == NOT_JSON
    assert "fine" in [c.title for c in result.conversations]


def _zip_with_header_field(path: Path, offset_in_central: int, fmt: str, value: int) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("conversations.json", json.dumps([_chatgpt("hidden")]))
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    struct.pack_into(fmt, data, central + offset_in_central, value)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("name", "offset", "fmt", "value"), [
    ("utf8_name.zip", 8, "<H", 0x800),  # its name flagged UTF-8, which it is not (below)
    ("version.zip", 6, "<H", 250),  # "needs zip version 25.0": NotImplementedError
])
def test_an_archive_whose_directory_zipfile_cannot_take_fails_alone(tmp_path, name, offset,
                                                                    fmt, value):
    archive = _zip_with_header_field(tmp_path / name, offset, fmt, value)
    if name == "utf8_name.zip":
        data = bytearray(archive.read_bytes())
        data[data.index(b"PK\x01\x02") + 46] = 0xFF  # the name's first byte: not UTF-8
        archive.write_bytes(bytes(data))
    result = read_imports([archive, small_export(tmp_path / "b.json")], set())
    [failure] = result.failures
    assert failure.source == name and failure.reason == BAD_ZIP
    assert [c.title for c in result.conversations] == ["fine"]


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes are POSIX here")
def test_a_named_pipe_is_refused_without_being_opened(tmp_path):
    pipe = tmp_path / "conversations.json"
    os.mkfifo(pipe)  # opening it waits for a writer, past any cancel: the import hung
    # A writer for every open, so that a reader that opens the pipe fails this test
    # instead of hanging it.
    done = threading.Event()
    writer = threading.Thread(target=_keep_writing, args=(pipe, done), daemon=True)
    writer.start()
    try:
        result = read_imports([pipe, small_export(tmp_path / "b.json")], set())
    finally:
        done.set()
        reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)  # ends a writer still waiting
        writer.join(timeout=10)
        os.close(reader)
    [failure] = result.failures
    assert failure.source == "conversations.json" and failure.reason == UNREADABLE
    assert [c.title for c in result.conversations] == ["fine"]


def _keep_writing(pipe: Path, done: threading.Event) -> None:
    while not done.is_set():
        try:
            with pipe.open("w", encoding="utf-8") as stream:  # waits for a reader
                stream.write(json.dumps([_chatgpt("piped")]))
        except OSError:
            pass  # the reader went away


def test_a_conversation_under_its_limit_is_read_whatever_follows_it(tmp_path):
    """The limit is the conversation's: one of 0.7 MB under a 1 MB limit was refused
    when more of the file followed it (the read ahead counted as its size)."""
    export = tmp_path / "conversations.json"
    items = [_chatgpt(f"chat {i}") for i in range(3)]
    for item in items:
        item["mapping"]["a"]["message"]["content"]["parts"] = ["x" * (700 << 10)]
    export.write_text(json.dumps(items), encoding="utf-8")
    result = read_imports([export], set(), limits=ImportLimits(conversation_bytes=1 << 20))
    assert result.failures == []
    assert [c.title for c in result.conversations] == ["chat 0", "chat 1", "chat 2"]


@pytest.mark.parametrize("size", [1000, 1500, 2100])
def test_an_item_is_refused_exactly_when_it_is_over_the_limit(size):
    """Whatever the chunks: no item over the limit is read, none under it refused."""
    item = {"t": "x" * (size - len('{"t": ""}'))}
    text = json.dumps([item, item, {"t": "y" * 900}]).encode()
    for chunk in (7, 64, 1000, 4096):
        stream = JsonStream(io.BytesIO(text), max_bytes=1 << 30, max_value_bytes=1500,
                            chunk_bytes=chunk)
        if size <= 1500:
            assert list(stream.items()) == [item, item, {"t": "y" * 900}], chunk
        else:
            with pytest.raises(TooLarge):
                list(stream.items())


def test_a_zip_bomb_of_many_small_members_is_refused(tmp_path):
    """Each member under the size from which its ratio counts (16 MB), 1000 times packed:
    read one by one, they added up past any limit (16 GB from a 16 MB zip)."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for i in range(40):
            item = _chatgpt(f"chat {i}")
            item["mapping"]["a"]["message"]["content"]["parts"] = ["z" * (1 << 20)]
            zf.writestr(f"c{i}.json", json.dumps(item))
    result = read_imports([bomb, small_export(tmp_path / "b.json")], set())
    [failure] = result.failures
    assert failure.source == "bomb.zip" and failure.reason == SUSPICIOUS_COMPRESSION
    assert [c.title for c in result.conversations] == ["fine"]


def test_an_archive_is_limited_as_a_whole_not_member_by_member(tmp_path):
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # stored: only the sizes count
        for i in range(3):
            item = _chatgpt(f"chat {i}")
            item["mapping"]["a"]["message"]["content"]["parts"] = ["y" * (400 << 10)]
            zf.writestr(f"c{i}.json", json.dumps(item))
    limits = ImportLimits(file_bytes=1 << 20)  # each member is under it, the three are not
    result = read_imports([archive, small_export(tmp_path / "b.json")], set(), limits=limits)
    [failure] = result.failures
    assert failure.source == "all.zip" and failure.reason == TOO_LARGE
    assert [c.title for c in result.conversations] == ["fine"]


@pytest.mark.parametrize(("first", "failing"), [
    ("nothing", 1), ("a conversation", 1), ("a conversation", {"mapping": 1})])
def test_a_file_of_endless_items_that_are_not_conversations_stops_being_read(tmp_path, first,
                                                                             failing):
    """Each such item was kept as a failure (1 KB of memory for 2 bytes of "1,"): a
    2 GB file would have needed a terabyte. At most MAX_FAILED_ITEMS are kept."""
    head = [_chatgpt("first")] if first == "a conversation" else []
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(head + [failing] * (3 * MAX_FAILED_ITEMS)
                                 + [_chatgpt("late")]), encoding="utf-8")
    result = read_imports([export, small_export(tmp_path / "b.json")], set())
    assert [c.title for c in result.conversations] == [c["title"] for c in head] + ["fine"]
    assert len(result.failures) <= MAX_FAILED_ITEMS + 1
    assert result.failures[-1].source == "conversations.json"
    assert result.failures[-1].reason == (TOO_MANY_FAILED if head else UNKNOWN_FORMAT)


@pytest.mark.parametrize("chunk", range(1, 13))
@pytest.mark.parametrize("items", [[float("inf")], [float("-inf")], [1.5, float("inf")]])
def test_infinity_cut_by_a_chunk_boundary_is_read(chunk, items):
    """Python writes float("inf") as Infinity: cut after its seventh character it was
    taken for a mistake, not for a value that goes on (found by Hypothesis)."""
    text = json.dumps(items).encode()
    stream = JsonStream(io.BytesIO(text), max_bytes=1 << 20, max_value_bytes=1 << 20,
                        chunk_bytes=chunk)
    assert list(stream.items()) == items

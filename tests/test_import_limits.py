"""Import reads nothing whole that it cannot afford: a zip bomb, a member whose header
lies, a conversations.json past the limit are refused with a reason, the other files
still come in; memory stays near one chunk; a cancel reaches inside one big file."""

from __future__ import annotations

import json
import struct
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from test_import_odd_shapes import _chatgpt

from desktop_chat.core.conversation_import import (
    BAD_ZIP,
    STEPS_PER_FILE,
    SUSPICIOUS_COMPRESSION,
    TOO_LARGE,
    ImportCancelled,
    ImportLimits,
    read_imports,
)
from desktop_chat.core.export_archive import ArchiveSource, write_archive

MB = 1 << 20


def small_export(path: Path, title: str = "fine") -> Path:
    path.write_text(json.dumps([_chatgpt(title)]), encoding="utf-8")
    return path


def padded_export(size: int) -> bytes:
    """A valid conversations.json of ``size`` bytes: a conversation, then spaces."""
    text = json.dumps([_chatgpt("padded")]).encode()
    return text[:-1] + b" " * (size - len(text)) + b"]"


def peak_memory_of(call):
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def lie_about_size(archive: Path, claimed: int) -> None:
    """Rewrite the member's unpacked size in its local and central headers."""
    data = bytearray(archive.read_bytes())
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, local + 22, claimed)
    struct.pack_into("<I", data, central + 24, claimed)
    archive.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("conversations.json", padded_export(64 * MB))
    assert bomb.stat().st_size < 200_000  # 64 MB unpacked, a thousand times smaller packed
    paths = [bomb, small_export(tmp_path / "conversations.json")]
    result, peak = peak_memory_of(lambda: read_imports(paths, set()))
    [failure] = result.failures
    assert failure.source == "bomb.zip › conversations.json"
    assert failure.reason == SUSPICIOUS_COMPRESSION
    assert "would expand 1" in failure.message and "not unpacked" in failure.message
    assert [c.title for c in result.conversations] == ["fine"]  # the other file came in
    assert peak < 8 * MB


def test_a_member_whose_header_lies_about_its_size_is_never_unpacked_whole(tmp_path):
    liar = tmp_path / "liar.zip"
    with zipfile.ZipFile(liar, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("conversations.json", padded_export(64 * MB))
    lie_about_size(liar, 1000)  # small enough to pass every check of the header
    paths = [liar, small_export(tmp_path / "conversations.json")]
    result, peak = peak_memory_of(lambda: read_imports(paths, set()))
    [failure] = result.failures
    assert failure.source == "liar.zip › conversations.json" and failure.reason == BAD_ZIP
    assert [c.title for c in result.conversations] == ["fine"]
    assert peak < 8 * MB  # read a chunk at a time: never the 64 MB it holds


def test_a_member_whose_header_says_it_is_too_large_is_not_read(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # stored: a ratio of 1, only the size is off
        zf.writestr("conversations.json", json.dumps([_chatgpt("hidden")]))
    lie_about_size(archive, 3 << 30)
    [failure] = read_imports([archive], set()).failures
    assert failure.reason == TOO_LARGE and "2 GB" in failure.message


def test_a_conversations_json_over_the_limit_is_refused_and_the_rest_imports(tmp_path):
    huge = tmp_path / "huge" / "conversations.json"
    huge.parent.mkdir()
    with huge.open("wb") as sparse:  # 3 GB on paper, no disk used
        sparse.truncate(3 << 30)
    fine = small_export(tmp_path / "conversations.json")
    result = read_imports([huge, fine], set())
    [failure] = result.failures
    assert failure.source == "conversations.json" and failure.reason == TOO_LARGE
    assert "larger than 2 GB" in failure.message, failure.message
    assert [c.title for c in result.conversations] == ["fine"]


def test_a_conversation_over_its_limit_fails_and_those_before_it_stay(tmp_path):
    big = _chatgpt("big")
    big["mapping"]["a"]["message"]["content"]["parts"] = ["x" * (2 * MB)]
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps([_chatgpt("first"), _chatgpt("second"), big,
                                  _chatgpt("after")]), encoding="utf-8")
    result = read_imports([export], set(), limits=ImportLimits(conversation_bytes=MB))
    assert [c.title for c in result.conversations] == ["first", "second"]
    [failure] = result.failures
    assert failure.reason == TOO_LARGE and "1 MB" in failure.message


def test_a_big_file_is_read_a_conversation_at_a_time(tmp_path):
    export = tmp_path / "conversations.json"
    items = [_chatgpt(f"chat {i}") for i in range(400)]
    for item in items:
        item["mapping"]["a"]["message"]["content"]["parts"] = ["y" * 50_000]
    export.write_text(json.dumps(items), encoding="utf-8")  # 20 MB
    result, peak = peak_memory_of(lambda: read_imports([export], set()))
    assert len(result.conversations) == 400 and not result.failures
    # What was imported (20 MB of answers) and a few chunks: not the file twice over
    assert peak < 20 * MB + 12 * MB


def test_cancel_stops_inside_one_big_file(tmp_path):
    export = tmp_path / "conversations.json"
    items = [_chatgpt(f"chat {i}") for i in range(40)]
    for item in items:
        item["mapping"]["a"]["message"]["content"]["parts"] = ["z" * 200_000]
    export.write_text(json.dumps(items), encoding="utf-8")  # 8 MB: eight chunks
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def on_progress(done: int, total: int) -> None:
        seen.append((done, total))
        if 0 < done < total:  # part of the way through the one file
            cancel.set()

    with pytest.raises(ImportCancelled):
        read_imports([export], set(), on_progress=on_progress, cancel=cancel)
    assert seen[-1][0] < STEPS_PER_FILE // 2, seen


def test_the_progress_moves_inside_a_file(tmp_path):
    export = tmp_path / "conversations.json"
    export.write_bytes(padded_export(5 * MB))
    seen: list[tuple[int, int]] = []
    read_imports([export, small_export(tmp_path / "b.json")], set(),
                 on_progress=lambda *step: seen.append(step))
    assert seen[-1] == (2 * STEPS_PER_FILE, 2 * STEPS_PER_FILE)
    inside = [done for done, _ in seen if 0 < done < STEPS_PER_FILE]
    assert len(inside) >= 4 and inside == sorted(inside)


def test_an_export_holding_an_unreadable_conversation_still_writes_the_archive(tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000
    odd = json.dumps({"schema_version": 2, "messages": 5, "title": ["x"]}).encode()
    target = tmp_path / "all.zip"
    written = write_archive(target, [ArchiveSource("deep", data=deep),
                                     ArchiveSource("odd", data=odd)])
    assert written.written == 2
    with zipfile.ZipFile(target) as zf:
        assert zf.read("conversations/deep.json") == deep  # its JSON kept, no Markdown
        assert [n for n in zf.namelist() if n.startswith("markdown/")] == []


def test_a_repetitive_export_that_packs_tightly_is_not_taken_for_a_bomb(tmp_path):
    items = [_chatgpt(f"chat {i}") for i in range(3000)]
    for item in items:  # every answer the same, as a user's pasted document can be
        item["mapping"]["a"]["message"]["content"]["parts"] = ["The same answer. " * 400]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("conversations.json", json.dumps(items))
        [info] = zf.infolist()
    assert info.file_size > ImportLimits().ratio_from_bytes
    assert info.file_size > 100 * info.compress_size  # tighter than real exports pack
    result = read_imports([archive], set())
    assert len(result.conversations) == 3000 and result.failures == []

"""Reading conversations to import: our files (any version we read), ChatGPT's export,
or zip archives of either; what fails is reported per file, and the rest comes in.

``read_imports`` only reads: it returns the conversations (with new ids where an id is
taken, so an import never overwrites) and the failures as data (``ImportFailure``: where,
a reason code, and a message the ui translates). The ui saves through the store.

Nothing read is trusted for its size (``ImportLimits``): a file or an archive's member
above a limit, or one that would expand suspiciously when unpacked (a zip bomb), is
refused before it is read; what is read is read a chunk at a time, never past the limit
whatever its header says, and a JSON array (ChatGPT's ``conversations.json``) item by item
(core/json_stream.py). The cancel is checked at every chunk and every conversation; a
refusal fails that file (or what is left of it) alone.
"""

from __future__ import annotations

import stat
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from desktop_chat.core.conversation import (
    Conversation,
    ConversationFormatError,
    FutureSchemaError,
    new_id,
)
from desktop_chat.core.import_chatgpt import (
    ChatGptFormatError,
    chatgpt_conversation,
    is_chatgpt_conversation,
)
from desktop_chat.core.json_stream import FILE, JsonStream, TooLarge
from desktop_chat.core.surrogates import without_lone_surrogates
from desktop_chat.core.user_message import UserMessage, tr

# What went wrong, for tests and logs; the user reads ImportFailure.message.
UNREADABLE = "unreadable"
NOT_JSON = "not_json"
BAD_ZIP = "bad_zip"
UNKNOWN_FORMAT = "unknown_format"
INVALID = "invalid"
NEWER_VERSION = "newer_version"
UNKNOWN_KINDS = "unknown_kinds"
CHATGPT_INVALID = "chatgpt_invalid"
EMPTY_ARCHIVE = "empty_archive"
TOO_LARGE = "too_large"
SUSPICIOUS_COMPRESSION = "suspicious_compression"
TOO_MANY_FAILED = "too_many_failed"
CHATGPT_FILE = "conversations.json"
CHATGPT_KIND, OURS_KIND = "chatgpt", "ours"  # what a list of conversations holds
SEPARATOR = " › "  # between a file and what is inside it: "export.zip › conversations.json"
STEPS_PER_FILE = 1000  # progress: read_imports reports this many steps for each file
# Items of one file that failed, at most: each is kept (as its failure) until the end, and
# a file of "1,1,1,…" holds a billion of them in 2 GB. Past it, the file is read no more.
MAX_FAILED_ITEMS = 1000


@dataclass(frozen=True)
class ImportLimits:
    """What an import reads, at most. A real ChatGPT export's conversations.json is some
    hundreds of MB; deflate packs it about 8 times (the fixture), 90 times when every
    conversation repeats the one before (bench/export_import.py's), 300 when every answer
    repeats one sentence; a zip bomb, 1000 (deflate's most)."""

    file_bytes: int = 2 << 30  # a file, an archive's member, or its members together, unpacked
    conversation_bytes: int = 256 << 20  # one conversation of an array, or a whole file
    compression_ratio: int = 500  # unpacked / packed size of a member (or all), above ratio_from
    ratio_from_bytes: int = 16 << 20  # smaller members may expand as they like


LIMITS = ImportLimits()


@dataclass(frozen=True)
class ImportFailure:
    source: str  # the file, and where in it: "export.zip › conversations.json › “Title”"
    reason: str  # one of the codes above
    message: str  # why, for the user (a UserMessage: the ui translates it)


@dataclass
class ImportResult:
    conversations: list[Conversation] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)
    renamed: int = 0  # conversations given a new id because theirs was taken


class ImportCancelled(Exception):
    pass


def read_imports(paths: Iterable[Path], taken_ids: set[str],
                 on_progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None,
                 limits: ImportLimits = LIMITS) -> ImportResult:
    """Read every file of ``paths``; ``taken_ids`` (the ids in use) gets the new ones.

    ``on_progress(done, total)`` as the files are read, STEPS_PER_FILE steps a file;
    ``cancel`` stops it inside a file too (raising ImportCancelled)."""
    paths = list(paths)
    result = ImportResult()
    progress = _Progress(on_progress, cancel, len(paths))
    for index, path in enumerate(paths):
        progress.check()
        progress.start_file(index)
        for item in _read_path(path, limits, progress):
            progress.check()
            if isinstance(item, ImportFailure):
                result.failures.append(item)
            else:
                result.renamed += give_free_id(item, taken_ids)
                result.conversations.append(item)
        progress.start_file(index + 1)
    return result


class _Progress:
    """Steps done, from the bytes read of the file being read, and the cancel check."""

    def __init__(self, report: Callable[[int, int], None] | None,
                 cancel: threading.Event | None, files: int) -> None:
        self._report = report
        self._cancel = cancel
        self._total = files * STEPS_PER_FILE
        self._file = 0
        self._size = 0  # of the file (its members, in an archive) being read
        self._read = 0
        self._reported = -1

    def check(self) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise ImportCancelled

    def start_file(self, index: int) -> None:
        self._file, self._size, self._read = index, 0, 0
        self._show(index * STEPS_PER_FILE)

    def expect(self, size: int) -> None:
        """The bytes the file's reading will take (its members', in an archive)."""
        self._size = max(1, size)

    def read(self, size: int) -> None:
        self.check()
        self._read += size
        within = min(STEPS_PER_FILE - 1, self._read * STEPS_PER_FILE // max(1, self._size))
        self._show(self._file * STEPS_PER_FILE + within)

    def _show(self, done: int) -> None:
        if self._report is not None and done != self._reported and done <= self._total:
            self._reported = done
            self._report(done, self._total)


def ids_in_use(conversations_dir: Path) -> set[str]:
    """The conversation ids of the store's folder and its trash (a deleted conversation
    can be restored, so its id stays taken)."""
    ids: set[str] = set()
    for folder in (conversations_dir, conversations_dir / "trash"):
        try:
            ids.update(p.stem for p in folder.glob("*.json"))
        except OSError:
            continue
    return ids


def give_free_id(conversation: Conversation, taken: set[str]) -> int:
    """1 when the conversation had to take a new id (its own was in use), else 0;
    ``taken`` gets the id it has now."""
    renamed = conversation.id in taken or not _usable_id(conversation.id)
    if renamed:
        conversation.id = new_id()
    taken.add(conversation.id)
    return int(renamed)


def _usable_id(conversation_id: str) -> bool:
    return (0 < len(conversation_id) <= 64
            and all(c.isascii() and (c.isalnum() or c in "_-") for c in conversation_id))


# ----- files and archives -------------------------------------------------------------------

Item = Conversation | ImportFailure


def _read_path(path: Path, limits: ImportLimits, progress: _Progress) -> Iterator[Item]:
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # opening a pipe may never return
            yield ImportFailure(path.name, UNREADABLE, tr(
                "It is not a file (a folder, a device or a pipe): nothing was read."))
            return
        if zipfile.is_zipfile(path):
            yield from _read_zip(path, limits, progress)
            return
        if path.suffix.lower() == ".zip":
            yield ImportFailure(path.name, BAD_ZIP, _bad_zip("not a zip file"))
            return
        size = path.stat().st_size
        if size > limits.file_bytes:
            yield ImportFailure(path.name, TOO_LARGE, _too_large(limits.file_bytes))
            return
        progress.expect(size)
        with path.open("rb") as stream:
            yield from _read_stream(path.name, stream, limits, progress)
    except OSError as error:
        yield ImportFailure(path.name, UNREADABLE, tr(
            "The file could not be read: {detail}", detail=error.strerror or str(error)))


def _read_zip(path: Path, limits: ImportLimits, progress: _Progress) -> Iterator[Item]:
    """Our archives (any .json inside), or ChatGPT's export (only its conversations.json
    counts: the other files of that zip are not conversations)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if _is_conversation_member(info)]
            chatgpt = [info for info in members
                       if PurePosixPath(info.filename).name == CHATGPT_FILE]
            chosen = chatgpt or members
            if not chosen:
                yield ImportFailure(path.name, EMPTY_ARCHIVE, tr(
                    "The archive holds no conversations."))
                return
            # Members read one by one add up: a thousand small ones of a zip bomb each
            # pass alone. Their headers' sizes bound what zipfile unpacks.
            refused = _refusal(path.name, sum(info.file_size for info in chosen),
                               sum(info.compress_size for info in chosen), limits)
            if refused is not None and len(chosen) > 1:  # one is refused by its own name
                yield refused
                return
            progress.expect(sum(info.file_size for info in chosen))
            for info in chosen:
                yield from _read_member(archive, info, f"{path.name}{SEPARATOR}{info.filename}",
                                        limits, progress)
    # A central directory zipfile cannot take: a name flagged UTF-8 that is not
    # (UnicodeDecodeError, a ValueError), a zip version or a feature it does not support.
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        yield ImportFailure(path.name, BAD_ZIP, _bad_zip(str(error)))


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str,
                 limits: ImportLimits, progress: _Progress) -> Iterator[Item]:
    """One member, refused before it is unpacked when its header says it is too large or
    packed too tightly; read with the same limit, whatever the header said."""
    refused = _refusal(source, info.file_size, info.compress_size, limits)
    if refused is not None:
        yield refused
        return
    try:
        with archive.open(info) as stream:
            yield from _read_stream(source, stream, limits, progress)
    # A CRC or a size that does not match (a header that lied), a damaged deflate stream,
    # an encrypted member, a compression this Python lacks.
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError) as error:
        yield ImportFailure(source, BAD_ZIP, _bad_zip(str(error)))


def _refusal(source: str, size: int, packed: int, limits: ImportLimits) -> ImportFailure | None:
    """Why what unpacks to ``size`` bytes from ``packed`` is not to be unpacked, if it is
    not."""
    if size > limits.file_bytes:
        return ImportFailure(source, TOO_LARGE, _too_large(limits.file_bytes))
    if size > limits.ratio_from_bytes and size > limits.compression_ratio * packed:
        return ImportFailure(source, SUSPICIOUS_COMPRESSION, tr(
            "It would expand {ratio} times when unpacked, as only a damaged or malicious "
            "archive does; it was not unpacked.", ratio=size // max(1, packed)))
    return None


def _is_conversation_member(info: zipfile.ZipInfo) -> bool:
    name = PurePosixPath(info.filename)
    return (not info.is_dir() and name.suffix.lower() == ".json"
            and name.name != "index.json"  # our store's derived index, if a folder was zipped
            and not any(part.startswith((".", "__MACOSX")) for part in name.parts))


def _read_stream(source: str, stream: BinaryIO, limits: ImportLimits,
                 progress: _Progress) -> Iterator[Item]:
    """The conversations of one JSON file; what was read before a failure stays read."""
    document = JsonStream(stream, max_bytes=limits.file_bytes,
                          max_value_bytes=limits.conversation_bytes, on_chunk=progress.read)
    try:
        if document.is_array():
            yield from _read_array(source, document.items(), progress)
        else:
            yield from _read_value(source, document.value())
    # JSONDecodeError and UnicodeDecodeError are ValueErrors, as is an integer of more
    # digits than Python converts (sys.get_int_max_str_digits); RecursionError: too deep.
    except (ValueError, RecursionError) as error:
        yield ImportFailure(source, NOT_JSON, tr(
            "This is not a JSON file ({detail}).", detail=str(error)))
    except TooLarge as error:
        yield ImportFailure(source, TOO_LARGE, _too_large(error.limit) if error.what == FILE
                            else tr("A conversation in it is larger than {limit}, the most "
                                    "an import reads for one conversation.",
                                    limit=_size(error.limit)))


def _read_value(source: str, data: Any) -> Iterator[Item]:
    if is_chatgpt_conversation(data):
        yield _from_chatgpt(source, data)
    elif isinstance(data, dict) and "schema_version" in data:
        yield _from_ours(source, data)
    else:
        yield _unknown_format(source)


def _read_array(source: str, items: Iterator[Any], progress: _Progress) -> Iterator[Item]:
    """The conversations and failures of a JSON array (``_array_items``), until
    MAX_FAILED_ITEMS of its items have failed: then one failure for the rest of the file
    (for the file, when no item was a conversation of either kind)."""
    failed = 0
    for read in _array_items(source, items, progress):
        failed += isinstance(read, ImportFailure)
        yield read
        if failed >= MAX_FAILED_ITEMS:
            yield ImportFailure(source, TOO_MANY_FAILED, tr(
                "Reading stopped after {count} items that could not be imported.",
                count=failed))
            return


def _array_items(source: str, items: Iterator[Any], progress: _Progress) -> Iterator[Item]:
    """ChatGPT's export, or a list of our conversations, one item at a time. Each
    conversation is read as what it is; an item that is neither fails as the list's
    first conversation's kind would (one failure for the file when none is)."""
    kind: str | None = None
    before: list[tuple[int, ImportFailure]] = []  # such items, before the kind was known

    def decided(now: str) -> Iterator[ImportFailure]:
        nonlocal kind
        kind = kind or now
        for index, as_chatgpt in before:
            yield as_chatgpt if kind == CHATGPT_KIND else \
                _unknown_format(f"{source}{SEPARATOR}{index + 1}")
        before.clear()

    for index, item in enumerate(items):
        progress.check()
        if is_chatgpt_conversation(item):
            yield from decided(CHATGPT_KIND)
            yield _from_chatgpt(_chatgpt_source(source, item, index), item)
        elif isinstance(item, dict) and "schema_version" in item:
            yield from decided(OURS_KIND)
            yield _from_ours(f"{source}{SEPARATOR}{index + 1}", item)
        elif kind is None:  # what it says, kept (not the item) until the kind is known
            if len(before) >= MAX_FAILED_ITEMS:  # and kept no more
                yield _unknown_format(source)
                return
            before.append((index, _from_chatgpt(_chatgpt_source(source, item, index), item)))
        elif kind == CHATGPT_KIND:
            yield _from_chatgpt(_chatgpt_source(source, item, index), item)
        else:
            yield _unknown_format(f"{source}{SEPARATOR}{index + 1}")
    if kind is None:
        yield _unknown_format(source)


def _chatgpt_source(source: str, item: Any, index: int) -> str:
    return f"{source}{SEPARATOR}{_chatgpt_name(item, index)}"


def _unknown_format(source: str) -> ImportFailure:
    return ImportFailure(source, UNKNOWN_FORMAT, tr(
        "This is neither a Desktop Chat conversation nor a ChatGPT export."))


def _from_ours(source: str, data: dict[str, Any]) -> Item:
    try:
        conversation = Conversation.from_dict(data)  # bounds the depth the next line walks
        # half an emoji (a "\\ud83d" escape, as exports hold): every save of it would fail
        conversation = Conversation.from_dict(without_lone_surrogates(conversation.to_dict()))
    except FutureSchemaError as error:
        return ImportFailure(source, NEWER_VERSION, tr(
            "A newer version of Desktop Chat wrote this conversation (format {version}).",
            version=error.found))
    # Shapes the reader's checks did not foresee fail this conversation alone.
    except (ConversationFormatError, ValueError, TypeError, LookupError, AttributeError,
            ArithmeticError, RecursionError) as error:
        return ImportFailure(source, INVALID, tr(
            "This is not a valid Desktop Chat conversation: {detail}", detail=str(error)))
    kinds = conversation.unknown_kinds()
    if kinds:  # the store never writes such a conversation: it would be read-only
        return ImportFailure(source, UNKNOWN_KINDS, tr(
            "It holds messages of a kind this version does not know ({kinds}).",
            kinds=", ".join(kinds)))
    return conversation


def _from_chatgpt(source: str, data: Any) -> Item:
    try:
        # Through our own reader as well: what is saved must open again.
        # without half an emoji (a "\\ud83d" escape, which ChatGPT exports hold): every
        # save of it would fail
        return Conversation.from_dict(
            without_lone_surrogates(chatgpt_conversation(data).to_dict()))
    # A shape the reader's checks did not foresee (a list where a name goes, a number
    # too big for a float) fails this conversation alone, not the whole import.
    except (ChatGptFormatError, ConversationFormatError, TypeError, ValueError,
            LookupError, AttributeError, ArithmeticError, RecursionError) as error:
        return ImportFailure(source, CHATGPT_INVALID, tr(
            "This ChatGPT conversation could not be read: {detail}", detail=str(error)))


def _too_large(limit: int) -> UserMessage:
    return tr("It is larger than {limit}, the most an import reads from one file.",
              limit=_size(limit))


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def _bad_zip(detail: str) -> str:
    return tr("This is not a zip archive that can be read ({detail}).", detail=detail)


def _chatgpt_name(item: Any, index: int) -> str:
    title = item.get("title") if isinstance(item, dict) else None
    if isinstance(title, str) and title.strip():
        return f"“{' '.join(title.split())[:60]}”"
    return f"#{index + 1}"

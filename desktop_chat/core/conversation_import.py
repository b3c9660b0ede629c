"""Reading conversations to import: our files (any version we read), ChatGPT's export,
or zip archives of either; what fails is reported per file, and the rest comes in.

``read_imports`` only reads: it returns the conversations (with new ids where an id is
taken, so an import never overwrites) and the failures as data (``ImportFailure``: where,
a reason code, and a message the ui translates). The ui saves through the store.
"""

from __future__ import annotations

import errno
import json
import stat
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

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
    is_chatgpt_export,
)
from desktop_chat.core.regular_file import read_regular
from desktop_chat.core.surrogates import json_may_hold_surrogates, without_lone_surrogates
from desktop_chat.core.user_message import tr

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
CHATGPT_FILE = "conversations.json"
SEPARATOR = " › "  # between a file and what is inside it: "export.zip › conversations.json"


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
                 cancel: threading.Event | None = None) -> ImportResult:
    """Read every file of ``paths``; ``taken_ids`` (the ids in use) gets the new ones.

    ``on_progress(files done, files)`` after each file; ``cancel`` stops between files
    (raising ImportCancelled)."""
    paths = list(paths)
    result = ImportResult()
    for done, path in enumerate(paths):
        if cancel is not None and cancel.is_set():
            raise ImportCancelled
        for item in _read_path(path):
            if isinstance(item, ImportFailure):
                result.failures.append(item)
            else:
                result.renamed += give_free_id(item, taken_ids)
                result.conversations.append(item)
        if on_progress is not None:
            on_progress(done + 1, len(paths))
    return result


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


def _read_path(path: Path) -> Iterator[Item]:
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would wait for a writer, for good
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if zipfile.is_zipfile(path):
            yield from _read_zip(path)
            return
        raw = read_regular(path)
    except OSError as error:
        yield ImportFailure(path.name, UNREADABLE, tr(
            "The file could not be read: {detail}", detail=error.strerror or str(error)))
        return
    if path.suffix.lower() == ".zip":
        yield ImportFailure(path.name, BAD_ZIP, _bad_zip("not a zip file"))
        return
    yield from _read_json(path.name, raw)


def _read_zip(path: Path) -> Iterator[Item]:
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
            for info in chosen:
                source = f"{path.name}{SEPARATOR}{info.filename}"
                try:
                    raw = archive.read(info)
                except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
                    yield ImportFailure(source, BAD_ZIP, _bad_zip(str(error)))
                    continue
                yield from _read_json(source, raw)
    except (zipfile.BadZipFile, OSError) as error:
        yield ImportFailure(path.name, BAD_ZIP, _bad_zip(str(error)))


def _is_conversation_member(info: zipfile.ZipInfo) -> bool:
    name = PurePosixPath(info.filename)
    return (not info.is_dir() and name.suffix.lower() == ".json"
            and name.name != "index.json"  # our store's derived index, if a folder was zipped
            and not any(part.startswith((".", "__MACOSX")) for part in name.parts))


def _read_json(source: str, raw: bytes) -> Iterator[Item]:
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
        if json_may_hold_surrogates(text):  # half an emoji: every save of it would fail
            data = without_lone_surrogates(data)
    # ValueError: not UTF-8, not JSON, or an int of thousands of digits; RecursionError: too
    # deep
    except (ValueError, RecursionError) as error:
        yield ImportFailure(source, NOT_JSON, tr(
            "This is not a JSON file ({detail}).", detail=str(error)))
        return
    if is_chatgpt_export(data):
        for i, item in enumerate(data):
            yield _from_chatgpt(f"{source}{SEPARATOR}{_chatgpt_name(item, i)}", item)
    elif is_chatgpt_conversation(data):
        yield _from_chatgpt(source, data)
    elif isinstance(data, dict) and "schema_version" in data:
        yield _from_ours(source, data)
    elif isinstance(data, list) and data and all(
            isinstance(item, dict) and "schema_version" in item for item in data):
        for i, item in enumerate(data):
            yield _from_ours(f"{source}{SEPARATOR}{i + 1}", item)
    else:
        yield ImportFailure(source, UNKNOWN_FORMAT, tr(
            "This is neither a Desktop Chat conversation nor a ChatGPT export."))


def _from_ours(source: str, data: dict[str, Any]) -> Item:
    try:
        conversation = Conversation.from_dict(data)
    except FutureSchemaError as error:
        return ImportFailure(source, NEWER_VERSION, tr(
            "A newer version of Desktop Chat wrote this conversation (format {version}).",
            version=error.found))
    except (ConversationFormatError, ValueError) as error:
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
        return Conversation.from_dict(chatgpt_conversation(data).to_dict())
    # A shape the reader's checks did not foresee (a list where a name goes, a number
    # too big for a float) fails this conversation alone, not the whole import.
    except (ChatGptFormatError, ConversationFormatError, TypeError, ValueError,
            LookupError, AttributeError, ArithmeticError, RecursionError) as error:
        return ImportFailure(source, CHATGPT_INVALID, tr(
            "This ChatGPT conversation could not be read: {detail}", detail=str(error)))


def _bad_zip(detail: str) -> str:
    return tr("This is not a zip archive that can be read ({detail}).", detail=detail)


def _chatgpt_name(item: Any, index: int) -> str:
    title = item.get("title") if isinstance(item, dict) else None
    if isinstance(title, str) and title.strip():
        return f"“{' '.join(title.split())[:60]}”"
    return f"#{index + 1}"

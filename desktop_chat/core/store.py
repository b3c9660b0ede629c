"""Conversations on disk: one JSON file each, written atomically, never lost.

Layout under the data dir::

    conversations/<id>.json        one conversation (see conversation.py)
    conversations/<id>.v1.json     the file as an older format had it, kept from its first
                                   rewrite in the new format until that file opened once
    conversations/index.json       titles and dates, derived; rebuilt when missing or stale
    conversations/quarantine/      files that failed to parse, each with a .reason.txt
    conversations/trash/           deleted conversations (restorable)
    conversations/locks/<id>.lock  the per-conversation lock a save holds

``ConversationStore`` lists, loads, saves, deletes and restores; the concepts it builds on
live in their own modules: ``atomic_file`` (every write: a reader sees the old or the new
file, never a mix), ``file_lock`` (the advisory lock between writers) and
``conversation_merge`` (combining two versions of one conversation). Saving touches one
file: the index is brought up to date lazily by the next listing, which compares each
file's size and mtime with what the index recorded.

Several writers (windows, processes, the background save queue) may save one conversation.
The store remembers, per conversation, the file it loaded or last wrote (a SHA-256 of its
bytes) and what the caller's conversation held then (a ``MergeBase``). A save takes the
conversation's lock, re-reads the file, and when someone else changed it merges the two
versions against what the caller had. What cannot be merged (a newer format, messages of
an unknown kind, one message changed two different ways) leaves the file alone and saves
ours as a copy; ``SaveResult.notice`` says so. A save by a store that never loaded the
file replaces it, as before. One store instance is safe to use from several threads; use
one per process, so that load and save share what the store remembers.

Reading never stops the app: a file that cannot be decoded, whatever it holds (not JSON,
nested too deep, not a conversation), is quarantined, or left where it is and reported
when it cannot be moved (``QuarantineReport.not_moved``); a file the system will not let
us read is reported (``StoreListing.unreadable``, or a StoreError from ``load``). A file's
name is its id, whatever id it holds inside (a copied or renamed file).

``write_atomic`` and ``fsync_dir`` are re-exported here for the code that imports them
from this module.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from desktop_chat.core.atomic_file import (
    fsync_dir,
    remove_stale_temp_files,
    write_atomic,
)
from desktop_chat.core.conversation import (
    SCHEMA_VERSION,
    Conversation,
    ConversationFormatError,
    FutureSchemaError,
    new_id,
    upgraded,
)
from desktop_chat.core.conversation_merge import MergeBase, merge
from desktop_chat.core.file_lock import LockTimeoutError, exclusive_lock
from desktop_chat.core.json_depth import TooDeepError
from desktop_chat.core.regular_file import read_regular
from desktop_chat.core.surrogates import json_may_hold_surrogates, without_lone_surrogates
from desktop_chat.core.user_message import UserMessage, tr

INDEX_NAME = "index.json"
INDEX_VERSION = 1
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LOCK_TIMEOUT_SECONDS = 10.0  # a save waits this long for another writer of the same file


def conversation_id_of(file_name: str) -> str | None:
    """The id of the conversation a file in the folder holds; None for every other file
    (the index, temp files, kept old-format copies)."""
    stem = file_name[: -len(".json")] if file_name.endswith(".json") else ""
    if file_name == INDEX_NAME or not _ID_PATTERN.match(stem):
        return None
    return stem


def old_format_copy(path: Path, version: int) -> Path:
    """Where the file at ``path`` is kept as format ``version`` had it."""
    return path.with_name(f"{path.stem}.v{version}.json")


class StoreError(Exception):
    """A conversation could not be read or written; the message is for the user."""

    def __str__(self) -> str:  # the message itself: a UserMessage stays translatable
        return self.args[0] if self.args and isinstance(self.args[0], str) else super().__str__()


class ConversationGoneError(StoreError):
    """The file vanished (deleted or moved by another window) while it was being read."""


class ReadOnlyConversationError(StoreError):
    """The conversation holds what this version does not understand; it is never saved."""


class ConversationCorruptError(StoreError):
    """The file could not be decoded; it was moved to the quarantine (see ``report``)."""

    def __init__(self, report: QuarantineReport) -> None:
        super().__init__(report.message())
        self.report = report


@dataclass(frozen=True)
class QuarantineReport:
    """A file that could not be decoded: moved to ``quarantined_path``, or left where it
    was when it could not be moved (``not_moved`` says why)."""

    original_name: str
    quarantined_path: Path
    reason: str
    not_moved: str = ""

    def message(self) -> UserMessage:
        """What the user reads about it."""
        if self.not_moved:
            return tr("The conversation file {name} could not be read ({reason}), nor moved "
                      "aside ({why}); it was left as it is and nothing was overwritten.",
                      name=self.original_name, reason=self.reason, why=self.not_moved)
        return tr("The conversation file {name} could not be read ({reason}). "
                  "It was moved to {path} and nothing was overwritten.",
                  name=self.original_name, reason=self.reason,
                  path=str(self.quarantined_path))


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    created_at: str
    updated_at: str
    model: str | None
    message_count: int
    read_only: bool = False  # written by a newer version: listed, cannot be opened
    # Set when the conversation opens read-only (messages of a kind this version does not
    # know) or, with read_only, why it cannot be opened. Either way it is never rewritten.
    read_only_reason: str = ""


_SUMMARY_FIELDS = frozenset(f.name for f in fields(ConversationSummary))


@dataclass(frozen=True)
class SaveResult:
    """What ``save`` did. ``notice`` is for the user whenever it did more than write."""

    conversation_id: str  # the file written: another id when ours was kept as a copy
    path: Path
    merged: bool = False  # another writer's changes were merged in (see ``conversation``)
    copy_of: str | None = None  # ours was saved as a copy; this conversation left untouched
    quarantined: QuarantineReport | None = None  # an unreadable file moved aside first
    conversation: Conversation | None = None  # what was written, when it is not what was given
    notice: str | None = None
    file_stat: os.stat_result | None = None  # of the file written, taken under the lock


@dataclass(frozen=True)
class _Seen:
    """A conversation file as this store last loaded or wrote it."""

    sha256: str
    base: MergeBase  # what the caller had: the base of the next merge
    file_is_ours: bool  # the file held just what the caller had (not a merge)


@dataclass
class StoreListing:
    conversations: list[ConversationSummary]
    quarantined: list[QuarantineReport] = field(default_factory=list)
    # Files the system would not let us read (permissions): left alone, not listed.
    unreadable: list[UnreadableFile] = field(default_factory=list)


@dataclass(frozen=True)
class UnreadableFile:
    name: str
    why: str

    def message(self) -> UserMessage:
        return tr("The conversation file {name} could not be opened ({why}); it is not "
                  "listed and was left as it is.", name=self.name, why=self.why)


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """``exclusive_lock`` on ``path``; a writer that keeps it longer than ``timeout``
    makes this raise StoreError, caused by the (retryable) LockTimeoutError."""
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(exclusive_lock(path, timeout))
        except LockTimeoutError as error:
            raise StoreError(tr("Another window kept this conversation busy; try again.")
                             ) from error
        yield


def encode(conversation: Conversation) -> bytes:
    """The bytes of ``conversation``'s file."""
    return _encode(conversation.to_dict())


def _encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


class ConversationStore:
    """Every public method may be called from any thread (the GUI's or a save queue's)."""

    def __init__(self, conversations_dir: Path) -> None:
        self.root = conversations_dir
        self.quarantine_dir = self.root / "quarantine"
        self.trash_dir = self.root / "trash"
        self.locks_dir = self.root / "locks"
        self.root.mkdir(parents=True, exist_ok=True)
        self._index_path = self.root / INDEX_NAME
        self._index: dict[str, dict[str, Any]] | None = None  # id -> entry, loaded lazily
        self._index_dirty = False
        # Held only to touch the fields below, never across disk I/O: a GUI-thread load
        # must not wait for a writer's fsync. Writers of one conversation take its lock
        # (``_writing``: a thread lock, then the file lock against other processes).
        self._lock = threading.RLock()
        self._seen: dict[str, _Seen] = {}  # id -> the file as loaded or last written
        self._copies: dict[str, str] = {}  # id -> the copy its later saves go to
        self._writers: dict[str, threading.Lock] = {}  # id -> held by its one writer
        self._old_format: dict[str, int] = {}  # id -> version of a file loaded migrated
        remove_stale_temp_files(self.root)

    # ----- reading -------------------------------------------------------------------------

    def path_for(self, conversation_id: str) -> Path:
        if not _ID_PATTERN.match(conversation_id):
            raise StoreError(tr("Not a valid conversation id: {id}", id=repr(conversation_id)))
        return self.root / f"{conversation_id}.json"

    def list(self) -> StoreListing:
        """Every conversation, newest first, from the index where it is up to date.

        Files that vanish while the folder is read (another window deleting) are skipped."""
        with self._lock:
            return self._list()

    def _list(self) -> StoreListing:
        index = self._load_index()
        quarantined: list[QuarantineReport] = []
        unreadable: list[UnreadableFile] = []
        seen: set[str] = set()
        for entry in self._scan():
            conversation_id = entry.name[: -len(".json")]
            try:
                stat = entry.stat()
                known = index.get(conversation_id)
                if (known and known["mtime_ns"] == stat.st_mtime_ns
                        and known["size"] == stat.st_size):
                    seen.add(conversation_id)
                    continue
                summary = self._summarize(Path(entry.path))
            except (FileNotFoundError, ConversationGoneError):
                continue  # deleted or moved by another window since the scan saw it
            except ConversationCorruptError as error:
                quarantined.append(error.report)
                continue
            except OSError as error:  # not ours to read (permissions): left as it is
                unreadable.append(UnreadableFile(entry.name, _why(error)))
                continue
            seen.add(conversation_id)
            index[conversation_id] = {
                **asdict(summary), "mtime_ns": stat.st_mtime_ns, "size": stat.st_size,
            }
            self._index_dirty = True
        for gone in set(index) - seen:
            del index[gone]
            self._index_dirty = True
        if self._index_dirty:
            self._write_index()
        summaries = [
            ConversationSummary(**{k: v for k, v in entry.items() if k in _SUMMARY_FIELDS})
            for entry in index.values()
        ]
        summaries.sort(key=lambda s: s.updated_at, reverse=True)
        return StoreListing(summaries, quarantined, unreadable)

    def load(self, conversation_id: str) -> Conversation:
        """Raises FutureSchemaError (file left alone) or ConversationCorruptError.

        A conversation with messages of a kind this version does not know loads with
        ``read_only_reason`` set; ``save`` refuses it."""
        path = self.path_for(conversation_id)
        try:
            raw = self._read_bytes(path)
        except OSError as error:  # permissions, a disk error: the file stays as it is
            raise StoreError(tr("The conversation could not be opened from {path}: {why}",
                                path=str(path), why=_why(error))) from error
        data = self._decode(path, raw)
        try:
            conversation = Conversation.from_dict(data)
        except FutureSchemaError:
            raise
        except (ConversationFormatError, ValueError) as error:
            raise ConversationCorruptError(self._quarantine(path, str(error))) from None
        conversation.id = conversation_id  # a copied or renamed file: its name is its id
        if conversation.migrated_from is None:
            self._drop_old_format_copies(path)  # the new file opened: the copy has served
        # What a merge compares with is what the caller holds: the upgraded form, without
        # what the decoder dropped (unusable stats).
        data = conversation.to_dict()
        with self._lock:
            if conversation.migrated_from is not None:
                self._old_format[conversation_id] = conversation.migrated_from
            self._seen[conversation_id] = _seen_of(raw, data, file_is_ours=True)
            # The caller now holds the file's own version: its saves go to the file again,
            # not to the copy an earlier conflict made.
            self._copies.pop(conversation_id, None)
        return conversation

    def search(self, query: str) -> list[str]:
        """Ids of conversations whose title or message text contains ``query`` (any case)."""
        needle = query.casefold()
        hits = []
        for summary in self.list().conversations:
            if needle in summary.title.casefold():
                hits.append(summary.id)
                continue
            try:
                raw = read_regular(self.path_for(summary.id))
                conversation = Conversation.from_dict(parse(raw))
            except (OSError, ValueError, StoreError):
                continue
            if any(needle in m.content.casefold() for m in conversation.messages):
                hits.append(summary.id)
        return hits

    # ----- writing -------------------------------------------------------------------------

    def save(self, conversation: Conversation) -> SaveResult:
        """Write ``conversation``, merging what another writer saved since this store
        loaded or last wrote it. Raises StoreError (ReadOnlyConversationError for a
        conversation this version must not rewrite); never loses what is on disk."""
        reason = conversation.read_only_reason
        if reason:
            raise ReadOnlyConversationError(reason)
        with self._lock:
            target = self._copies.get(conversation.id, conversation.id)
        path = self.path_for(target)
        ours = conversation.to_dict()
        if target != conversation.id:
            ours = _as_copy(ours, target)
        try:
            with self._writing(target):
                return self._save_locked(conversation.id, path, ours)
        except OSError as error:
            raise StoreError(tr("The conversation could not be saved to {path}: {why}",
                                path=str(path), why=error.strerror or str(error))) from error

    @contextlib.contextmanager
    def _writing(self, conversation_id: str) -> Iterator[None]:
        """The right to change one conversation's file: one thread of this process, then
        one process (the file lock)."""
        with self._lock:
            writer = self._writers.setdefault(conversation_id, threading.Lock())
        with writer:
            self.locks_dir.mkdir(exist_ok=True)
            with file_lock(self.locks_dir / f"{conversation_id}.lock"):
                yield

    def delete(self, conversation_id: str) -> Path:
        """Move a conversation to the trash; ``restore`` brings it back."""
        path = self.path_for(conversation_id)
        target = self.trash_dir / path.name
        with self._writing(conversation_id):
            self.trash_dir.mkdir(exist_ok=True)
            os.replace(path, target)
            self._drop_old_format_copies(path)  # the trash holds the current file
            fsync_dir(self.root)
            fsync_dir(self.trash_dir)
        self._forget(conversation_id)
        return target

    def _forget(self, conversation_id: str) -> None:
        with self._lock:
            self._seen.pop(conversation_id, None)
            if self._load_index().pop(conversation_id, None) is not None:
                self._index_dirty = True

    def load_deleted(self, conversation_id: str) -> Conversation:
        """A conversation in the trash, read where it lies (to show it again at once when
        its delete is undone). Raises StoreError; never moves or changes the file."""
        path = self.trash_dir / self.path_for(conversation_id).name
        try:
            return Conversation.from_dict(parse(read_regular(path)))
        except (OSError, ValueError) as error:
            raise StoreError(tr("The deleted conversation {id} could not be read.",
                                id=conversation_id)) from error

    def restore(self, conversation_id: str) -> None:
        source = self.trash_dir / self.path_for(conversation_id).name
        target = self.path_for(conversation_id)
        with self._writing(conversation_id):
            if target.exists():
                raise StoreError(
                    "A conversation with this id already exists; nothing was restored.")
            os.replace(source, target)
            fsync_dir(self.root)

    # ----- saving: read, merge, write --------------------------------------------------------

    def _save_locked(self, caller_id: str, path: Path, ours: dict[str, Any]) -> SaveResult:
        """With the thread and file locks held: write ``ours``, or the merge of ``ours``
        and another writer's file, or ``ours`` as a copy when they cannot be merged."""
        with self._lock:
            seen = self._seen.get(path.stem)
        to_write, merged, quarantined = ours, False, None
        try:
            raw = self._read_bytes(path)
        except ConversationGoneError:
            raw = None  # new, or deleted by another window: ours is all there is
        unchanged = seen is not None and hashlib.sha256(raw or b"").hexdigest() == seen.sha256
        if raw is not None and not (unchanged and seen is not None and seen.file_is_ours):
            # Changed by another writer, or our last write merged in what the caller
            # lacks: merge either way, or their messages would go with this write.
            theirs, problem = (parse(raw), None) if unchanged else self._readable(path, raw)
            if problem is not None:  # unreadable: moved aside, ours takes its place
                with contextlib.suppress(ConversationGoneError):  # deleted meanwhile
                    quarantined = self._quarantine(path, problem)
                if quarantined is not None and quarantined.not_moved:
                    raise StoreError(quarantined.message())  # never written over
            elif theirs is None:  # a newer format or unknown kinds: never rewritten by us
                return self._save_copy(caller_id, path.stem, ours, "another version")
            elif seen is not None:  # another writer: merge what they added
                to_write = merge(ours, theirs, seen.base)
                if to_write is None:
                    return self._save_copy(caller_id, path.stem, ours, "another window")
                merged = to_write != ours
            # seen is None: a store that never loaded the file replaces it, as before
        if raw is not None and quarantined is None:
            self._keep_old_format(path, raw)
        written, stat = self._write(path, to_write, ours)
        notice = None
        if quarantined is not None:
            notice = tr("The saved file of this conversation could not be read ({reason}); "
                        "it was moved to {path} and your version was saved.",
                        reason=quarantined.reason, path=str(quarantined.quarantined_path))
        return SaveResult(path.stem, path, merged=merged, quarantined=quarantined,
                          conversation=written if merged else None, notice=notice,
                          file_stat=stat)

    def _readable(self, path: Path, raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
        """(their dict, None) when mergeable; (None, None) when it must be left alone
        (newer format, unknown kinds); (None, reason) when it cannot be read at all."""
        try:
            data = upgraded(parse(raw))
            data.pop("_migrated_from", None)
            conversation = Conversation.from_dict(data)
        except FutureSchemaError:
            return None, None
        except ValueError as error:  # ConversationFormatError, JSON and UTF-8 errors
            return None, str(error)
        if conversation.read_only_reason:
            return None, None
        return data, None

    def _save_copy(self, caller_id: str, left_alone: str, ours: dict[str, Any],
                   by_whom: str) -> SaveResult:
        """Leave the file alone and save ours under a new id; later saves of the caller's
        conversation go to the copy, so one conflict makes one copy."""
        copy_id = new_id()
        data = _as_copy(ours, copy_id)
        path = self.path_for(copy_id)
        with self._writing(copy_id):
            written, stat = self._write(path, data, data)
        with self._lock:
            self._copies[caller_id] = copy_id
        return SaveResult(
            copy_id, path, copy_of=left_alone, conversation=written, file_stat=stat,
            notice=(f'This conversation was changed by {by_whom} in a way that could not be '
                    f'combined with yours, so your version was saved as a copy: '
                    f'"{data["title"]}".'))

    def _write(self, path: Path, data: dict[str, Any],
               ours: dict[str, Any]) -> tuple[Conversation, os.stat_result]:
        """Write ``data`` (the caller holds ``_writing``); remember the file and ``ours``
        (what the caller holds) for the next merge; update the index. Returns the
        conversation written and the file's stat."""
        raw = _encode(data)
        # Checked before it replaces the file: a tree that would not open again (a
        # parent missing) must fail this save, not be quarantined at the next load.
        written = Conversation.from_dict(data)
        write_atomic(path, raw)
        stat = path.stat()  # ours: every writer holds the file lock
        entry = {**asdict(summary_of(written)), "mtime_ns": stat.st_mtime_ns,
                 "size": stat.st_size}
        with self._lock:
            self._seen[path.stem] = _seen_of(raw, ours, file_is_ours=data == ours)
            self._load_index()[path.stem] = entry
            self._index_dirty = True  # written by the next list(): saving stays O(1)
        return written, stat

    # ----- old formats -----------------------------------------------------------------------

    def _keep_old_format(self, path: Path, raw: bytes) -> None:
        """Before the first rewrite of a file loaded in an older format, keep it as it was
        (``<id>.v1.json``) until the rewritten file has opened once."""
        with self._lock:
            version = self._old_format.get(path.stem)
        if version is None:
            return
        rewritten = False  # by another window first, which kept the copy
        with contextlib.suppress(ValueError, AttributeError):
            rewritten = parse(raw).get("schema_version") == SCHEMA_VERSION
        copy = old_format_copy(path, version)
        if not rewritten and not copy.exists():
            write_atomic(copy, raw)  # an OSError fails this save: its retry tries again
        with self._lock:  # forgotten only once the copy is on disk
            self._old_format.pop(path.stem, None)

    def _drop_old_format_copies(self, path: Path) -> None:
        for version in range(1, SCHEMA_VERSION):
            with contextlib.suppress(OSError):
                old_format_copy(path, version).unlink()

    # ----- internals -----------------------------------------------------------------------

    def _scan(self) -> Iterator[os.DirEntry[str]]:
        try:
            with os.scandir(self.root) as entries:
                for entry in entries:
                    if conversation_id_of(entry.name) and entry.is_file():
                        yield entry
        except FileNotFoundError:
            return

    def _summarize(self, path: Path) -> ConversationSummary:
        raw = self._read_bytes(path)
        data = self._decode(path, raw)
        try:
            # Listed under its file's name, which opens it (a copied or renamed file)
            return dataclasses.replace(summary_of(Conversation.from_dict(data)), id=path.stem)
        except FutureSchemaError as error:
            return newer_version_summary(path.stem, data, str(error))
        except (ConversationFormatError, ValueError) as error:
            raise ConversationCorruptError(self._quarantine(path, str(error))) from None

    def _read_bytes(self, path: Path) -> bytes:
        try:
            return read_regular(path)  # never a FIFO: it would hang the caller
        except FileNotFoundError:
            raise ConversationGoneError(_gone(path)) from None

    def _decode(self, path: Path, raw: bytes) -> Any:
        try:
            return parse(raw)
        except ValueError as error:
            raise ConversationCorruptError(self._quarantine(path, str(error))) from None

    def _quarantine(self, path: Path, reason: str) -> QuarantineReport:
        """Move an undecodable file aside; when that fails (a read-only folder) it stays
        where it is, reported all the same: never an exception for the caller."""
        try:
            return self._move_to_quarantine(path, reason)
        except ConversationGoneError:
            raise
        except OSError as error:
            return QuarantineReport(path.name, path, reason, not_moved=_why(error))

    def _move_to_quarantine(self, path: Path, reason: str) -> QuarantineReport:
        self.quarantine_dir.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.quarantine_dir / f"{path.stem}.{stamp}.json"
        n = 1
        while target.exists():
            n += 1
            target = self.quarantine_dir / f"{path.stem}.{stamp}-{n}.json"
        try:
            os.replace(path, target)
        except FileNotFoundError:  # another window moved or deleted it first
            raise ConversationGoneError(_gone(path)) from None
        self._forget(path.stem)  # moved: whatever fails below, it is in the quarantine
        with contextlib.suppress(OSError):  # the note and durability are extras
            target.with_suffix(".reason.txt").write_text(
                f"{path.name} was moved here on {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
                f"because it could not be read: {reason}\n",
                encoding="utf-8",
            )
            fsync_dir(self.root)
        return QuarantineReport(path.name, target, reason)

    def _load_index(self) -> dict[str, dict[str, Any]]:
        if self._index is None:
            self._index = {}
            try:
                data = parse(read_regular(self._index_path))
                if data.get("version") == INDEX_VERSION:
                    # An entry of the wrong shape is dropped: its file is read again.
                    self._index = {e["id"]: e for e in data["conversations"]
                                   if _index_entry_usable(e)}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._index_dirty = True  # missing or unreadable: rebuilt from the files
        return self._index

    def _write_index(self) -> None:
        payload = {"version": INDEX_VERSION, "conversations": list(self._load_index().values())}
        with contextlib.suppress(OSError):  # the index is derived: losing it costs a rebuild
            write_atomic(self._index_path, json.dumps(payload, ensure_ascii=False).encode())
            self._index_dirty = False


def parse(raw: bytes) -> Any:
    """The JSON of a file of ours. Raises ValueError when it is not JSON, not UTF-8,
    empty, or nested too deep for the parser (TooDeepError)."""
    if not raw.strip():
        raise ValueError("the file is empty")
    text = raw.decode("utf-8-sig")  # a Windows editor may start the file with a BOM
    try:
        data = json.loads(text)
        # half an emoji (a "\\ud83d" escape) would fail every later write of the text
        return without_lone_surrogates(data) if json_may_hold_surrogates(text) else data
    except RecursionError:
        raise TooDeepError() from None


def newer_version_summary(conversation_id: str, data: Any,
                          reason: str) -> ConversationSummary:
    """The list line of a file a newer version wrote: what we can read of it is shown,
    whatever its shape (it is never rewritten)."""
    data = data if isinstance(data, dict) else {}

    def text(key: str, default: str = "") -> str:
        value = data.get(key)
        return value if isinstance(value, str) else default

    messages = data.get("messages")
    return ConversationSummary(
        id=conversation_id, title=text("title") or conversation_id,
        created_at=text("created_at"), updated_at=text("updated_at"), model=None,
        message_count=len(messages) if isinstance(messages, list) else 0, read_only=True,
        read_only_reason=reason,
    )


_INDEX_TYPES: dict[str, Any] = {
    "id": str, "title": str, "created_at": str, "updated_at": str, "model": (str, type(None)),
    "message_count": int, "read_only": bool, "read_only_reason": str, "mtime_ns": int,
    "size": int,
}


def _index_entry_usable(entry: Any) -> bool:
    """An entry of index.json with every field of a summary, each of its type."""
    return (isinstance(entry, dict)
            and all(isinstance(entry.get(key), kind) for key, kind in _INDEX_TYPES.items())
            and bool(_ID_PATTERN.match(entry["id"])))


def _why(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def summary_of(conversation: Conversation) -> ConversationSummary:
    """The list line of a conversation."""
    return ConversationSummary(
        id=conversation.id, title=conversation.title, created_at=conversation.created_at,
        updated_at=conversation.updated_at, model=conversation.model,
        message_count=len(conversation.messages),
        read_only_reason=conversation.read_only_reason or "",
    )


def _as_copy(data: dict[str, Any], copy_id: str) -> dict[str, Any]:
    title = data.get("title") or "Conversation"
    return {**data, "id": copy_id, "title": f"{title} (copy)"}


def _seen_of(raw: bytes, ours: dict[str, Any], *,
             file_is_ours: bool) -> _Seen:
    return _Seen(sha256=hashlib.sha256(raw).hexdigest(), base=MergeBase.of(ours),
                 file_is_ours=file_is_ours)


def _gone(path: Path) -> UserMessage:
    return tr("The conversation {id} no longer exists.", id=path.stem)

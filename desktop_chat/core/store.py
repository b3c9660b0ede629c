"""Conversations on disk: one JSON file each, written atomically, never lost.

Layout under the data dir::

    conversations/<id>.json        one conversation (see conversation.py)
    conversations/index.json       titles and dates, derived; rebuilt when missing or stale
    conversations/quarantine/      files that failed to parse, each with a .reason.txt
    conversations/trash/           deleted conversations (restorable)

A write goes to a temp file in the same folder, is flushed and fsynced, then replaces the
old file with ``os.replace`` (atomic on POSIX and Windows), and the folder is fsynced on
POSIX so the rename itself survives power loss. A reader therefore sees the old or the new
file, never a mix. Saving touches one file: the index is brought up to date lazily by the
next listing, which compares each file's size and mtime with what the index recorded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop_chat.core.conversation import (
    SCHEMA_VERSION,
    Conversation,
    ConversationFormatError,
    FutureSchemaError,
)

INDEX_NAME = "index.json"
INDEX_VERSION = 1
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TEMP_PREFIX = ".tmp-"
_STALE_TEMP_SECONDS = 600  # younger temp files may belong to a save in progress elsewhere


class StoreError(Exception):
    """A conversation could not be read or written; the message is for the user."""


class ConversationCorruptError(StoreError):
    def __init__(self, report: QuarantineReport) -> None:
        super().__init__(
            f"The conversation file {report.original_name} could not be read ({report.reason}). "
            f"It was moved to {report.quarantined_path} and nothing was overwritten."
        )
        self.report = report


@dataclass(frozen=True)
class QuarantineReport:
    original_name: str
    quarantined_path: Path
    reason: str


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    created_at: str
    updated_at: str
    model: str | None
    message_count: int
    read_only: bool = False  # written by a newer version: shown, never rewritten


@dataclass
class StoreListing:
    conversations: list[ConversationSummary]
    quarantined: list[QuarantineReport] = field(default_factory=list)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new bytes."""
    fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a directory for fsync; NTFS journals the rename.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def encode(conversation: Conversation) -> bytes:
    return json.dumps(conversation.to_dict(), ensure_ascii=False, indent=1).encode("utf-8")


class ConversationStore:
    def __init__(self, conversations_dir: Path) -> None:
        self.root = conversations_dir
        self.quarantine_dir = self.root / "quarantine"
        self.trash_dir = self.root / "trash"
        self.root.mkdir(parents=True, exist_ok=True)
        self._index_path = self.root / INDEX_NAME
        self._index: dict[str, dict[str, Any]] | None = None  # id -> entry, loaded lazily
        self._index_dirty = False
        self._remove_stale_temp_files()

    # ----- reading -------------------------------------------------------------------------

    def path_for(self, conversation_id: str) -> Path:
        if not _ID_PATTERN.match(conversation_id):
            raise StoreError(f"Not a valid conversation id: {conversation_id!r}")
        return self.root / f"{conversation_id}.json"

    def list(self) -> StoreListing:
        """Every conversation, newest first, from the index where it is up to date."""
        index = self._load_index()
        quarantined: list[QuarantineReport] = []
        seen: set[str] = set()
        for entry in self._scan():
            conversation_id = entry.name[: -len(".json")]
            seen.add(conversation_id)
            stat = entry.stat()
            known = index.get(conversation_id)
            if known and known["mtime_ns"] == stat.st_mtime_ns and known["size"] == stat.st_size:
                continue
            try:
                summary = self._summarize(Path(entry.path))
            except ConversationCorruptError as error:
                quarantined.append(error.report)
                index.pop(conversation_id, None)
                self._index_dirty = True
                continue
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
            ConversationSummary(**{k: v for k, v in entry.items()
                                   if k not in ("mtime_ns", "size")})
            for entry in index.values()
        ]
        summaries.sort(key=lambda s: s.updated_at, reverse=True)
        return StoreListing(summaries, quarantined)

    def load(self, conversation_id: str) -> Conversation:
        """Raises FutureSchemaError (file left alone) or ConversationCorruptError."""
        path = self.path_for(conversation_id)
        try:
            return Conversation.from_dict(self._read_json(path))
        except FutureSchemaError:
            raise
        except (ConversationFormatError, ValueError) as error:
            raise ConversationCorruptError(self._quarantine(path, str(error))) from None

    def search(self, query: str) -> list[str]:
        """Ids of conversations whose title or message text contains ``query`` (any case)."""
        needle = query.casefold()
        hits = []
        for summary in self.list().conversations:
            if needle in summary.title.casefold():
                hits.append(summary.id)
                continue
            try:
                raw = self.path_for(summary.id).read_text(encoding="utf-8")
                conversation = Conversation.from_dict(json.loads(raw))
            except (OSError, ValueError):
                continue
            if any(needle in m.content.casefold() for m in conversation.messages):
                hits.append(summary.id)
        return hits

    # ----- writing -------------------------------------------------------------------------

    def save(self, conversation: Conversation) -> None:
        path = self.path_for(conversation.id)
        self._refuse_if_newer_on_disk(path)
        try:
            write_atomic(path, encode(conversation))
        except OSError as error:
            raise StoreError(
                f"The conversation could not be saved to {path}: {error.strerror or error}"
            ) from error
        stat = path.stat()
        index = self._load_index()
        index[conversation.id] = {
            **asdict(_summary_of(conversation)), "mtime_ns": stat.st_mtime_ns,
            "size": stat.st_size,
        }
        self._index_dirty = True  # written by the next list(): saving stays O(1)

    def delete(self, conversation_id: str) -> Path:
        """Move a conversation to the trash; ``restore`` brings it back."""
        path = self.path_for(conversation_id)
        self.trash_dir.mkdir(exist_ok=True)
        target = self.trash_dir / path.name
        os.replace(path, target)
        fsync_dir(self.root)
        if self._load_index().pop(conversation_id, None) is not None:
            self._index_dirty = True
        return target

    def restore(self, conversation_id: str) -> None:
        source = self.trash_dir / self.path_for(conversation_id).name
        target = self.path_for(conversation_id)
        if target.exists():
            raise StoreError("A conversation with this id already exists; nothing was restored.")
        os.replace(source, target)
        fsync_dir(self.root)

    # ----- internals -----------------------------------------------------------------------

    def _scan(self) -> Iterator[os.DirEntry[str]]:
        with os.scandir(self.root) as entries:
            for entry in entries:
                if (entry.name.endswith(".json") and entry.name != INDEX_NAME
                        and not entry.name.startswith(_TEMP_PREFIX) and entry.is_file()):
                    yield entry

    def _summarize(self, path: Path) -> ConversationSummary:
        data = self._read_json(path)
        try:
            return _summary_of(Conversation.from_dict(data))
        except FutureSchemaError:
            return ConversationSummary(
                id=path.stem, title=str(data.get("title") or path.stem),
                created_at=str(data.get("created_at", "")),
                updated_at=str(data.get("updated_at", "")), model=None,
                message_count=len(data.get("messages") or []), read_only=True,
            )
        except ConversationFormatError as error:
            raise ConversationCorruptError(self._quarantine(path, str(error))) from None

    def _read_json(self, path: Path) -> Any:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"The conversation {path.stem} no longer exists.") from None
        try:
            if not raw.strip():
                raise ValueError("the file is empty")
            return json.loads(raw.decode("utf-8"))
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ConversationCorruptError(self._quarantine(path, str(error))) from None

    def _quarantine(self, path: Path, reason: str) -> QuarantineReport:
        self.quarantine_dir.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.quarantine_dir / f"{path.stem}.{stamp}.json"
        n = 1
        while target.exists():
            n += 1
            target = self.quarantine_dir / f"{path.stem}.{stamp}-{n}.json"
        os.replace(path, target)
        target.with_suffix(".reason.txt").write_text(
            f"{path.name} was moved here on {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"because it could not be read: {reason}\n",
            encoding="utf-8",
        )
        fsync_dir(self.root)
        return QuarantineReport(path.name, target, reason)

    def _refuse_if_newer_on_disk(self, path: Path) -> None:
        try:
            on_disk = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return  # nothing there yet, or unreadable: a fresh write loses nothing readable
        version = on_disk.get("schema_version") if isinstance(on_disk, dict) else None
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise StoreError(str(FutureSchemaError(version)))

    def _load_index(self) -> dict[str, dict[str, Any]]:
        if self._index is None:
            self._index = {}
            try:
                data = json.loads(self._index_path.read_text(encoding="utf-8"))
                if data.get("version") == INDEX_VERSION:
                    self._index = {e["id"]: e for e in data["conversations"]}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self._index_dirty = True  # missing or unreadable: rebuilt from the files
        return self._index

    def _write_index(self) -> None:
        payload = {"version": INDEX_VERSION, "conversations": list(self._load_index().values())}
        with contextlib.suppress(OSError):  # the index is derived: losing it costs a rebuild
            write_atomic(self._index_path, json.dumps(payload, ensure_ascii=False).encode())
            self._index_dirty = False

    def _remove_stale_temp_files(self) -> None:
        cutoff = time.time() - _STALE_TEMP_SECONDS
        for stale in self.root.glob(f"{_TEMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                if stale.stat().st_mtime < cutoff:
                    stale.unlink()


def _summary_of(conversation: Conversation) -> ConversationSummary:
    return ConversationSummary(
        id=conversation.id, title=conversation.title, created_at=conversation.created_at,
        updated_at=conversation.updated_at, model=conversation.model,
        message_count=len(conversation.messages),
    )

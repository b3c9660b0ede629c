"""Full-text search over conversations: an SQLite FTS5 index, kept on a thread of its own.

The index is derived, never the source of truth: it lives in the cache folder, remembers
each file's mtime and size, and is brought up to date from the conversation files when
the service starts (files changed, added or removed since are re-read) and after every
save, delete and restore the writer reports. A missing or unreadable index is rebuilt;
one that cannot be written at all (read-only cache) is kept in memory.

The service only ever reads the conversations folder: it opens each file itself (never
through a ``ConversationStore``, whose listing and loading move damaged files to the
quarantine and rewrite ``index.json``). A file it cannot decode is logged and skipped;
the GUI's store finds it, moves it aside and tells the user. A first synchronize of many
files stops early when the service is stopped (the window closing).

Text is indexed with the ``trigram`` tokenizer (SQLite 3.34+): a query matches wherever it
occurs as a substring, case-insensitively, which also works for Chinese and Japanese, where
``unicode61`` would treat a whole run of characters as one word. Queries shorter than
three characters cannot use trigrams and are answered with LIKE over the same table.
Without FTS5 (or without trigram) the service scans the files on its own thread, matching
titles, text and reasoning the same way (a substring, any case).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_chat.core.conversation import Conversation, FutureSchemaError
from desktop_chat.core.regular_file import read_regular_with_stat
from desktop_chat.core.store import conversation_id_of, parse

SEARCH_INDEX_NAME = "search-index.sqlite3"  # in the cache dir: derived, never the truth

INDEX_VERSION = "1"
TRIGRAM_MIN_CHARS = 3
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IndexedText:
    title: str
    body: str  # every message's text
    reasoning: str

    @classmethod
    def of(cls, conversation: Conversation) -> IndexedText:
        return cls(conversation.title,
                   "\n".join(m.content for m in conversation.messages),
                   "\n".join(m.reasoning_content for m in conversation.messages
                             if m.reasoning_content))

    def contains(self, query: str) -> bool:
        """``query`` in the title, text or reasoning, in any case (the scan's match)."""
        needle = query.strip().casefold()
        return bool(needle) and any(needle in part.casefold()
                                    for part in (self.title, self.body, self.reasoning))


class UnreadableConversation(Exception):
    """A conversation file this module could not decode (it is left where it is)."""


def conversation_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(id, path) of each conversation file in ``root``: no index, temp files or folders."""
    try:
        with os.scandir(root) as entries:
            for entry in entries:
                conversation_id = conversation_id_of(entry.name)
                if conversation_id is None:
                    continue
                with contextlib.suppress(OSError):
                    if entry.is_file():
                        yield conversation_id, Path(entry.path)
    except (FileNotFoundError, NotADirectoryError):
        return


@dataclass(frozen=True)
class ConversationFile:
    """A conversation file as read, without a store: never moved, never written."""

    data: Any  # the decoded JSON
    conversation: Conversation | None  # None: written by a newer version (``newer``)
    newer: str  # why this version cannot read it, when it is a newer version's file
    stat: os.stat_result  # of exactly the bytes read


def read_conversation_file(path: Path) -> ConversationFile:
    """Read ``path``. Raises FileNotFoundError (gone), another OSError, or
    UnreadableConversation (not JSON, not a conversation); the file stays where it is."""
    raw, stat = read_regular_with_stat(path)  # never a FIFO: it would hang the thread
    try:
        data: Any = parse(raw)
    except ValueError as error:  # JSON and UTF-8 errors, an empty file, too deep
        raise UnreadableConversation(f"{path.name}: {error}") from None
    try:
        return ConversationFile(data, Conversation.from_dict(data), "", stat)
    except FutureSchemaError as error:
        return ConversationFile(data, None, str(error), stat)
    except ValueError as error:  # ConversationFormatError
        raise UnreadableConversation(f"{path.name}: {error}") from None


def read_indexed_text(path: Path) -> tuple[IndexedText, os.stat_result]:
    """What of ``path`` is searchable, and the stat of exactly those bytes (read only)."""
    read = read_conversation_file(path)
    if read.conversation is not None:
        return IndexedText.of(read.conversation), read.stat
    # A newer version's file: its title is all we can read.
    title = read.data.get("title") if isinstance(read.data, dict) else None
    return IndexedText(title if isinstance(title, str) else "", "", ""), read.stat


def scan_search(root: Path, query: str) -> list[str]:
    """Without the index: ids of the files in ``root`` whose title, text or reasoning
    contains ``query``, read one by one (read-only, like ``synchronize``)."""
    hits = []
    for conversation_id, path in conversation_files(root):
        try:
            text, _ = read_indexed_text(path)
        except (OSError, UnreadableConversation):
            continue
        if text.contains(query):
            hits.append(conversation_id)
    return hits


def fts5_trigram_available() -> bool:
    try:
        with contextlib.closing(sqlite3.connect(":memory:")) as db:
            db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
        return True
    except sqlite3.Error:
        return False


class SearchIndex:
    """The SQLite index itself. Not thread-safe: one thread (SearchService's) uses it."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.db = self._open(path)

    def _open(self, path: Path | None) -> sqlite3.Connection:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path)
                self._create(db)
                return db
            except sqlite3.DatabaseError as error:  # damaged: it is derived, start again
                _log.warning("search index %s unusable (%s); rebuilding", path, error)
                with contextlib.suppress(OSError, UnboundLocalError):
                    db.close()
                with contextlib.suppress(OSError):
                    path.unlink()
                with contextlib.suppress(OSError, sqlite3.Error):
                    db = sqlite3.connect(path)
                    self._create(db)
                    return db
            except OSError as error:
                _log.warning("search index %s cannot be written (%s)", path, error)
        db = sqlite3.connect(":memory:")
        self._create(db)
        return db

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None or row[0] != INDEX_VERSION:
            db.execute("DROP TABLE IF EXISTS files")
            db.execute("DROP TABLE IF EXISTS docs")
        db.execute("CREATE TABLE IF NOT EXISTS files (num INTEGER PRIMARY KEY, "
                   "id TEXT UNIQUE NOT NULL, mtime_ns INTEGER, size INTEGER)")
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5("
                   "title, body, reasoning, tokenize='trigram')")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
        db.commit()

    def known(self) -> dict[str, tuple[int, int]]:
        """id -> (mtime_ns, size) of the file as it was indexed."""
        return {row[0]: (row[1], row[2])
                for row in self.db.execute("SELECT id, mtime_ns, size FROM files")}

    def put(self, conversation_id: str, text: IndexedText, mtime_ns: int, size: int,
            commit: bool = True) -> None:
        row = self.db.execute("SELECT num FROM files WHERE id = ?", (conversation_id,)).fetchone()
        if row is None:
            num = self.db.execute("INSERT INTO files (id, mtime_ns, size) VALUES (?, ?, ?)",
                                  (conversation_id, mtime_ns, size)).lastrowid
        else:
            num = row[0]
            self.db.execute("UPDATE files SET mtime_ns = ?, size = ? WHERE num = ?",
                            (mtime_ns, size, num))
            self.db.execute("DELETE FROM docs WHERE rowid = ?", (num,))
        self.db.execute("INSERT INTO docs (rowid, title, body, reasoning) VALUES (?, ?, ?, ?)",
                        (num, text.title, text.body, text.reasoning))
        if commit:
            self.db.commit()

    def remove(self, conversation_id: str, commit: bool = True) -> None:
        row = self.db.execute("SELECT num FROM files WHERE id = ?", (conversation_id,)).fetchone()
        if row is not None:
            self.db.execute("DELETE FROM docs WHERE rowid = ?", (row[0],))
            self.db.execute("DELETE FROM files WHERE num = ?", (row[0],))
        if commit:
            self.db.commit()

    def commit(self) -> None:
        self.db.commit()

    def search(self, query: str) -> list[str]:
        """Ids of conversations whose title, text or reasoning contains ``query``."""
        query = query.strip()
        if not query:
            return []
        if len(query) >= TRIGRAM_MIN_CHARS:
            phrase = '"' + query.replace('"', '""') + '"'
            rows = self.db.execute(
                "SELECT files.id FROM docs JOIN files ON files.num = docs.rowid "
                "WHERE docs MATCH ?", (phrase,))
        else:  # too short for a trigram: a scan, still inside SQLite
            pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace(
                "_", "\\_") + "%"
            rows = self.db.execute(
                "SELECT files.id FROM docs JOIN files ON files.num = docs.rowid "
                "WHERE docs.title LIKE ?1 ESCAPE '\\' OR docs.body LIKE ?1 ESCAPE '\\' "
                "OR docs.reasoning LIKE ?1 ESCAPE '\\'", (pattern,))
        return [row[0] for row in rows]

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


def _root_of(source: Path | Any) -> Path:
    """A conversations folder, or anything with a ``root`` (a ConversationStore)."""
    return source if isinstance(source, Path) else Path(source.root)


def synchronize(index: SearchIndex, source: Path | Any,
                stopping: Callable[[], bool] | None = None) -> int:
    """Bring ``index`` up to date with the files of ``source`` (the conversations folder,
    or a store); returns how many were (re)read. Only reads the folder. Returns early,
    with what it did so far committed, once ``stopping()`` is true."""
    known = index.known()
    present = set()
    read = 0
    for conversation_id, path in conversation_files(_root_of(source)):
        if stopping is not None and stopping():
            index.commit()
            return read
        present.add(conversation_id)
        try:
            stat = path.stat()
            if known.get(conversation_id) == (stat.st_mtime_ns, stat.st_size):
                continue
            text, stat = read_indexed_text(path)
        except OSError:
            present.discard(conversation_id)  # gone since the scan saw it
            continue
        except UnreadableConversation as error:
            _log.info("not searchable, could not be read: %s", error)
            present.discard(conversation_id)
            continue
        index.put(conversation_id, text, stat.st_mtime_ns, stat.st_size, commit=False)
        read += 1
    for gone in set(known) - present:
        index.remove(gone, commit=False)
    index.commit()
    return read


class SearchService:
    """The index on a thread of its own. Thread-safe methods; results go to ``on_result``
    (called on the service's thread with the query's number, the query and the ids).

    Only the newest query waiting is run: older ones are dropped unanswered. Updates are
    applied in the order they arrive, before any query asked after them. ``stop`` is for
    good: the thread ends soon after (a first synchronize stops between two files) and
    later calls are ignored.
    """

    def __init__(self, store_root: Path, index_path: Path | None,
                 on_result: Callable[[int, str, list[str]], None] | None = None) -> None:
        self.store_root = store_root
        self.index_path = index_path
        self.on_result = on_result
        self._updates: deque[Callable[[SearchIndex], None]] = deque()
        self._query: tuple[int, str] | None = None
        self._stopping = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._index: SearchIndex | None = None
        self.ready = threading.Event()  # the index has caught up with the files

    def start(self) -> None:
        with self._cond:
            if not self._stopping and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(target=self._run, name="conversation-search",
                                                daemon=True)
                self._thread.start()

    def query(self, number: int, text: str) -> None:
        with self._cond:
            self._query = (number, text)
            self._cond.notify_all()
        self.start()

    def saved(self, conversation: Conversation, mtime_ns: int, size: int) -> None:
        text = IndexedText.of(conversation)
        self._update(lambda index: index.put(conversation.id, text, mtime_ns, size))

    def removed(self, conversation_id: str) -> None:
        self._update(lambda index: index.remove(conversation_id))

    def reread(self, conversation_id: str) -> None:
        """A file came back (restored): read it into the index."""
        self._update(lambda index: self._reread(index, conversation_id))

    def stop(self, timeout: float = 2.0) -> bool:
        """End the thread (for good); True if it ended within ``timeout`` seconds."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    # ----- the service thread -------------------------------------------------------------

    def _update(self, change: Callable[[SearchIndex], None]) -> None:
        with self._cond:
            if self._stopping:
                return
            self._updates.append(change)
            self._cond.notify_all()
        self.start()

    def _is_stopping(self) -> bool:
        return self._stopping

    def _run(self) -> None:
        index = self._index
        if index is None and fts5_trigram_available():
            try:
                index = SearchIndex(self.index_path)
                synchronize(index, self.store_root, stopping=self._is_stopping)
            except (sqlite3.Error, OSError) as error:
                _log.warning("search index unavailable (%s); searching the files", error)
                index = None
            self._index = index
        self.ready.set()
        while True:
            with self._cond:
                while not self._updates and self._query is None and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    break
                change = self._updates.popleft() if self._updates else None
                query = None if change is not None else self._query
                if change is None:
                    self._query = None
            if change is not None:
                if index is not None:
                    try:
                        change(index)
                    except (sqlite3.Error, OSError) as error:
                        _log.warning("search index update failed: %s", error)
                continue
            assert query is not None
            number, text = query
            try:
                ids = (index.search(text) if index is not None
                       else scan_search(self.store_root, text))
            except (sqlite3.Error, OSError) as error:
                _log.warning("search failed: %s", error)
                ids = []
            listener = self.on_result
            if listener is not None and not self._stopping:
                listener(number, text, ids)
        if index is not None:
            index.close()
            self._index = None

    def _reread(self, index: SearchIndex, conversation_id: str) -> None:
        try:
            text, stat = read_indexed_text(self.store_root / f"{conversation_id}.json")
        except (OSError, UnreadableConversation):
            return
        index.put(conversation_id, text, stat.st_mtime_ns, stat.st_size)

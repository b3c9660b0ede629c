"""Full-text search over conversations: an SQLite FTS5 index, kept on a thread of its own.

The index is derived, never the source of truth: it lives in the cache folder, remembers
each file's mtime and size, and is brought up to date from the conversation files when
the service starts (files changed, added or removed since are re-read) and after every
save, delete and restore the writer reports. A missing or unreadable index is rebuilt;
one that cannot be written at all (read-only cache) is kept in memory.

Text is indexed with the ``trigram`` tokenizer (SQLite 3.34+): a query matches wherever it
occurs as a substring, case-insensitively, which also works for Chinese and Japanese, where
``unicode61`` would treat a whole run of characters as one word. Queries shorter than
three characters cannot use trigrams and are answered with LIKE over the same table.
Without FTS5 (or without trigram) the service falls back to ``ConversationStore.search``,
still on its own thread.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.core.conversation import Conversation, FutureSchemaError
from desktop_chat.core.store import ConversationStore, StoreError

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


def synchronize(index: SearchIndex, store: ConversationStore) -> int:
    """Bring ``index`` up to date with the files; returns how many were (re)read."""
    known = index.known()
    listed = store.list().conversations
    present = set()
    read = 0
    for summary in listed:
        present.add(summary.id)
        try:
            stat = store.path_for(summary.id).stat()
        except (OSError, StoreError):
            continue
        if known.get(summary.id) == (stat.st_mtime_ns, stat.st_size):
            continue
        if summary.read_only:  # a newer version's file: its title is all we can read
            text = IndexedText(summary.title, "", "")
        else:
            try:
                text = IndexedText.of(store.load(summary.id))
            except (StoreError, FutureSchemaError, OSError, ValueError):
                continue
        index.put(summary.id, text, stat.st_mtime_ns, stat.st_size, commit=False)
        read += 1
    for gone in set(known) - present:
        index.remove(gone, commit=False)
    index.commit()
    return read


class SearchService:
    """The index on a thread of its own. Thread-safe methods; results go to ``on_result``
    (called on the service's thread with the query's number, the query and the ids).

    Only the newest query waiting is run: older ones are dropped unanswered. Updates are
    applied in the order they arrive, before any query asked after them.
    """

    def __init__(self, store_root: Path, index_path: Path | None,
                 on_result: Callable[[int, str, list[str]], None] | None = None) -> None:
        self.store_root = store_root
        self.index_path = index_path
        self.on_result = on_result
        self._updates: deque[Callable[[], None]] = deque()
        self._query: tuple[int, str] | None = None
        self._stopping = False
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._index: SearchIndex | None = None
        self._store: ConversationStore | None = None
        self.ready = threading.Event()  # the index has caught up with the files

    def start(self) -> None:
        with self._cond:
            if self._thread is None or not self._thread.is_alive():
                self._stopping = False
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

    def stop(self, timeout: float = 2.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # ----- the service thread -------------------------------------------------------------

    def _update(self, change: Callable[[SearchIndex], None]) -> None:
        with self._cond:
            self._updates.append(change)  # type: ignore[arg-type]
            self._cond.notify_all()
        self.start()

    def _run(self) -> None:
        store = self._store or ConversationStore(self.store_root)
        self._store = store
        index = self._index
        if index is None and fts5_trigram_available():
            try:
                index = SearchIndex(self.index_path)
                synchronize(index, store)
            except (sqlite3.Error, OSError, StoreError) as error:
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
            try:
                if change is not None:
                    if index is not None:
                        change(index)  # type: ignore[operator]
                    continue
                assert query is not None
                number, text = query
                ids = index.search(text) if index is not None else store.search(text)
            except (sqlite3.Error, OSError, StoreError) as error:
                _log.warning("search failed: %s", error)
                if change is not None:
                    continue
                ids = []
            if self.on_result is not None:
                self.on_result(number, text, ids)
        if index is not None:
            index.close()
            self._index = None

    def _reread(self, index: SearchIndex, conversation_id: str) -> None:
        assert self._store is not None
        try:
            stat = self._store.path_for(conversation_id).stat()
            text = IndexedText.of(self._store.load(conversation_id))
        except (OSError, StoreError, FutureSchemaError, ValueError):
            return
        index.put(conversation_id, text, stat.st_mtime_ns, stat.st_size)

"""The search thread, seen from the GUI thread.

core/search_index.py's ``SearchService`` keeps the index and answers queries on a thread
of its own. ``SearchWorker`` numbers the queries so that only the newest one's answer
is shown, keeps the index in step with what the writer thread did (``take_in``), asks the
sidebar's query again after each such change (``rerun``), and brings the answers to the
GUI thread through a relay (a queued signal). After ``shutdown`` nothing reports.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from desktop_chat.core.save_queue import DELETE, RESTORE, SAVE, SaveOutcome
from desktop_chat.core.search_index import SEARCH_INDEX_NAME, SearchService
from desktop_chat.core.store import ConversationStore


def default_search_index_path(store: ConversationStore) -> Path:
    """``<data>/cache/``: beside the conversations, as --data-dir lays out the cache."""
    return store.root.parent / "cache" / SEARCH_INDEX_NAME


class _SearchRelay(QObject):
    """Lives on the GUI thread; the search thread emits, the GUI receives."""

    searched = Signal(int, str, object)  # query number, query, ids


class SearchWorker(QObject):
    finished = Signal(object)  # ids of the newest query, or None for no filter

    def __init__(self, store: ConversationStore, index_path: Path | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._number = 0
        self._query = ""  # re-run after each change the index takes in
        self._closed = False  # shutdown(): the search thread no longer reports
        self._report_lock = threading.Lock()  # a report and shutdown() never overlap
        self._relay = _SearchRelay(self)
        self._relay.searched.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        self.service = SearchService(
            store.root, index_path or default_search_index_path(store),
            on_result=self._on_service_done)
        self.service.start()  # catches up with the files while the window opens

    def request(self, query: str) -> None:
        """Search titles, text and reasoning on the index's thread; ``finished`` brings
        the ids (None for an empty query). Results of older queries are dropped."""
        self._number += 1
        self._query = query if query.strip() else ""
        if not self._query:
            self.finished.emit(None)
            return
        self.service.query(self._number, query)

    def rerun(self) -> None:
        """The index changed: the filter shown may be stale. Asked after the change, so
        the index's thread applies the change first; a newer answer drops older ones."""
        if self._query:
            self._number += 1
            self.service.query(self._number, self._query)

    def take_in(self, outcome: SaveOutcome) -> None:
        """On the writer thread: tell the index what the writer did, before the GUI
        hears of it (and reruns the query)."""
        if not outcome.ok:
            return
        if outcome.kind == SAVE and outcome.conversation is not None:
            self.service.saved(outcome.conversation, outcome.mtime_ns, outcome.size)
            if outcome.conversation.id != outcome.conversation_id:  # kept as a copy
                self.service.reread(outcome.conversation_id)  # the other writer's
        elif outcome.kind == DELETE:
            self.service.removed(outcome.conversation_id)
        elif outcome.kind == RESTORE:
            self.service.reread(outcome.conversation_id)

    def shutdown(self) -> None:
        """For good: the search thread ends and never reports to this object again, even
        if a first synchronize is still finishing."""
        with self._report_lock:  # waits for a report being sent; none comes after
            self._closed = True
            self.service.on_result = None
        self.service.stop(timeout=0.5)

    def _on_service_done(self, number: int, query: str, ids: list[str]) -> None:
        """On the search thread."""
        with self._report_lock:
            if self._closed:
                return
            try:
                self._relay.searched.emit(number, query, ids)
            except RuntimeError:  # the window is gone
                pass

    def _on_result(self, number: int, query: str, ids: list[str]) -> None:
        if number == self._number:  # else the user typed on since
            self.finished.emit(ids)

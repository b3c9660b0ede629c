"""The writer thread, seen from the GUI thread.

core/save_queue.py's ``SaveQueue`` saves, deletes and restores on one writer thread, in
order, drafts coalesced; the GUI thread hands it snapshots and never waits on the disk.
``SaveWorker`` owns it and brings its reports to the GUI thread through a relay (a
queued signal). A save the disk refuses is kept and retried by the writer:
``problem_changed`` fires once per distinct problem (errno and folder), and with None
once everything is saved again. Every other report (done, or refused for good) comes as
``outcome``. When our version of a file went to a copy, the writer thread also reads the
original's list line, so the GUI thread need not touch the disk. After ``shutdown``
nothing reports.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

from desktop_chat.core.conversation import Conversation
from desktop_chat.core.save_queue import SAVE, SaveOutcome, SaveProblem, SaveQueue
from desktop_chat.core.search_index import UnreadableConversation, read_conversation_file
from desktop_chat.core.store import (
    ConversationStore,
    ConversationSummary,
    StoreError,
    newer_version_summary,
    summary_of,
)


class _SaveRelay(QObject):
    """Lives on the GUI thread; the writer thread emits, the GUI receives."""

    saved = Signal(object, object)  # SaveOutcome, the original's summary after a copy


class SaveWorker(QObject):
    # A SaveOutcome done or refused for good (never one the writer retries), and after a
    # copy the original's ConversationSummary as on disk (None otherwise, or if unreadable)
    outcome = Signal(object, object)
    problem_changed = Signal(object)  # SaveProblem, or None: everything is saved

    def __init__(self, store: ConversationStore,
                 on_written: Callable[[SaveOutcome], None] | None = None,
                 parent: QObject | None = None) -> None:
        """``on_written`` is called on the writer thread after each attempt, before the
        GUI thread hears of it (the search index keeps in step there)."""
        super().__init__(parent)
        self.store = store
        self.problem: SaveProblem | None = None
        self._on_written = on_written
        self._closed = False  # shutdown(): the writer no longer reports
        self._report_lock = threading.Lock()  # a report and shutdown() never overlap
        self._relay = _SaveRelay(self)
        self._relay.saved.connect(self._on_outcome, Qt.ConnectionType.QueuedConnection)
        self.queue = SaveQueue(store, on_done=self._on_writer_done)

    def save(self, conversation: Conversation) -> None:
        """Hand a snapshot to the writer: microseconds here, the disk on its thread."""
        self.queue.save(conversation)

    def delete(self, conversation_id: str) -> None:
        self.queue.delete(conversation_id)

    def restore(self, conversation_id: str) -> None:
        self.queue.restore(conversation_id)

    def unsaved(self, conversation_id: str) -> Conversation | None:
        """The newest snapshot of a conversation still waiting for the writer."""
        return self.queue.unsaved(conversation_id)

    def unsaved_conversations(self) -> list[Conversation]:
        return self.queue.unsaved_conversations()

    def retry(self) -> None:
        self.queue.retry()

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything is written; False if it cannot be."""
        return self.queue.flush(timeout)

    def shutdown(self, save_seconds: float = 2.0) -> None:
        """End the writer after writing what it can within ``save_seconds``. It never
        reports to this object afterwards, even if a write is still finishing."""
        self.queue.stop(timeout=save_seconds)
        with self._report_lock:  # waits for a report being sent; none comes after
            self._closed = True
            self.queue.on_done = None

    def _on_writer_done(self, outcome: SaveOutcome) -> None:
        """On the writer thread: let ``on_written`` see it, then tell the GUI."""
        if self._on_written is not None:
            self._on_written(outcome)
        original = None
        if (outcome.ok and outcome.kind == SAVE and outcome.conversation is not None
                and outcome.conversation.id != outcome.conversation_id):  # kept as a copy
            original = summary_on_disk(self.store, outcome.conversation_id)
        with self._report_lock:
            if self._closed:
                return
            try:
                self._relay.saved.emit(outcome, original)
            except RuntimeError:  # the window is gone
                pass

    def _on_outcome(self, outcome: SaveOutcome,
                    original: ConversationSummary | None = None) -> None:
        if outcome.will_retry:
            self._set_problem(SaveProblem(outcome.errno, outcome.folder, outcome.message))
            return
        self.outcome.emit(outcome, original)
        if (outcome.ok and outcome.unsaved == 0 and self.problem is not None
                and not self.queue.stalled):
            self._set_problem(None)

    def _set_problem(self, problem: SaveProblem | None) -> None:
        if problem != self.problem:
            self.problem = problem
            self.problem_changed.emit(problem)


def summary_on_disk(store: ConversationStore,
                    conversation_id: str) -> ConversationSummary | None:
    """On the writer thread: the list line of a file another writer changed, read
    without the store (which would take it for its own next merge)."""
    try:
        read = read_conversation_file(store.path_for(conversation_id))
    except (OSError, StoreError, UnreadableConversation):
        return None
    if read.conversation is not None:
        return summary_of(read.conversation)
    return newer_version_summary(conversation_id, read.data, read.newer)  # any shape


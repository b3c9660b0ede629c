"""The conversations, as the sidebar lists them: summaries, rename, delete and restore,
imports, searching, and what the writer thread did with each save.

The conversations in memory are the source of truth; the GUI thread never waits on the
disk. Saves, deletes and restores go to the writer thread (the ``SaveWorker`` app.py hands
in, which also tracks why saves fail now); searches run on the search index's thread (the
``SearchWorker``). This object keeps the list in step with what the writer did: a delete
or restore that failed, a save kept as a copy, another writer's changes merged in.

It knows one thing of the chat session: the id of the conversation open in it
(``open_id``), whose copies and merges it hands to the session instead of adopting them
itself (``open_saved_as_copy``, ``open_merged``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_chat.core.atomic_file import write_atomic
from desktop_chat.core.conversation import Conversation, FutureSchemaError
from desktop_chat.core.save_queue import DELETE, RESTORE, SAVE, SaveOutcome, SaveProblem, SaveQueue
from desktop_chat.core.search_index import SearchService
from desktop_chat.core.store import (
    ConversationCorruptError,
    ConversationStore,
    ConversationSummary,
    StoreError,
    encode,
    summary_of,
)
from desktop_chat.core.user_message import join
from desktop_chat.ui.controllers.save_problems import describe_save_problem
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import SavesPort, SearchPort


class ConversationListController(QObject):
    conversations_changed = Signal()  # the list (titles, order) changed
    problem = Signal(object)  # something the user should read (a damaged file, a failed save)
    save_problem_changed = Signal(object)  # SaveProblem, or None: everything is saved
    search_finished = Signal(object)  # ids of the newest query, or None for no filter
    # The open conversation's save went to a copy (another writer's change could not be
    # combined): the Conversation as saved, under its new id. The session goes on in it.
    open_saved_as_copy = Signal(object)
    # Another writer's changes were merged into the open conversation's file, and no newer
    # save of it waits: the Conversation as saved, for the session to take in.
    open_merged = Signal(object)

    def __init__(self, store: ConversationStore, saves: SavesPort, search: SearchPort,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.saves = saves
        self.search = search
        self.open_id: str | None = None  # the conversation open in the chat session
        self._summaries: dict[str, ConversationSummary] | None = None  # listed once
        # A deleted conversation stays in memory only until the writer moved it to the
        # trash (Undo reads it back from there), and a restored one until it is back.
        self._deleting: dict[str, Conversation] = {}
        self._restoring: dict[str, Conversation] = {}
        search.finished.connect(self.search_finished)
        saves.outcome.connect(self._on_save_outcome)
        saves.problem_changed.connect(self.save_problem_changed)

    # ----- the list ------------------------------------------------------------------------

    def list_conversations(self) -> list[ConversationSummary]:
        """Newest first. Read from the store once; then kept in memory with every save,
        delete and restore (a listing after each save would rewrite its index here)."""
        if self._summaries is None:
            listing = self.store.list()
            # One notice for every file: one-off notices replace each other.
            messages = [report.message() for report in listing.quarantined]
            messages += [file.message() for file in listing.unreadable]
            if messages:
                self.problem.emit(join(*messages, separator="\n"))
            self._summaries = {s.id: s for s in listing.conversations}
        return sorted(self._summaries.values(), key=lambda s: s.updated_at, reverse=True)

    def remember(self, conversation: Conversation) -> None:
        """List ``conversation`` as it is in memory now."""
        self._remember_summary(summary_of(conversation))

    def _remember_summary(self, summary: ConversationSummary) -> None:
        if self._summaries is None:
            self.list_conversations()
        assert self._summaries is not None
        self._summaries[summary.id] = summary

    def _forget(self, conversation_id: str) -> None:
        if self._summaries is not None:
            self._summaries.pop(conversation_id, None)

    def reread(self) -> None:
        """List the files again at the next ``list_conversations`` (tests write files)."""
        self._summaries = None

    # ----- one conversation ----------------------------------------------------------------

    def load(self, conversation_id: str, quiet: bool = False) -> Conversation | None:
        """The conversation, newest version first: waiting for the writer, being restored,
        else from its file. None (and a ``problem``, unless ``quiet``) when it cannot be
        read; a damaged file leaves the list."""
        try:
            return self._in_memory(conversation_id) or self.store.load(conversation_id)
        except ConversationCorruptError as error:
            if not quiet:
                self.problem.emit(str(error))
            self._forget(conversation_id)
            self.conversations_changed.emit()
        except (StoreError, FutureSchemaError) as error:
            if not quiet:
                self.problem.emit(str(error))
        return None

    def save(self, conversation: Conversation) -> None:
        """Hand a snapshot to the writer: microseconds here, the disk on its thread."""
        self.saves.save(conversation)
        self.remember(conversation)

    def rename(self, conversation: Conversation, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        if conversation.read_only_reason:
            self.problem.emit(conversation.read_only_reason)
            return
        conversation.title = title
        conversation.touch()
        self.save(conversation)
        self.conversations_changed.emit()

    def delete(self, conversation_id: str, kept: Conversation | None) -> None:
        """Move to the trash (in the writer's order); ``kept`` stays in memory for
        ``restore`` until the writer did it."""
        if kept is not None:
            self._deleting[conversation_id] = kept
        self._forget(conversation_id)
        self.saves.delete(conversation_id)
        self.conversations_changed.emit()

    def restore(self, conversation_id: str) -> None:
        """Undo a delete: listed at once, back on disk in the writer's order."""
        kept = self._deleting.pop(conversation_id, None) or self._from_trash(conversation_id)
        self.saves.restore(conversation_id)
        if kept is not None:
            self._restoring[conversation_id] = kept
            self.remember(kept)
        self.conversations_changed.emit()

    def _from_trash(self, conversation_id: str) -> Conversation | None:
        """A deleted conversation as the writer left it in the trash; None when it cannot
        be read there (the restore goes ahead: the list shows it once it is back)."""
        try:
            return self.store.load_deleted(conversation_id)
        except StoreError:
            return None

    def add_imported(self, conversations: list[Conversation]) -> None:
        """Conversations from an import (ids already free): listed at once, written by
        the writer like any save, and so indexed for search."""
        for conversation in conversations:
            self.save(conversation)
        if conversations:
            self.conversations_changed.emit()

    def _in_memory(self, conversation_id: str) -> Conversation | None:
        """A conversation newer in memory than on disk: waiting for the writer, or deleted
        and being restored."""
        unsaved = self.saves.unsaved(conversation_id)
        if unsaved is not None:
            return unsaved
        kept = self._restoring.get(conversation_id) or self._deleting.get(conversation_id)
        return dataclasses.replace(kept, messages=list(kept.messages)) if kept else None

    # ----- searching and saving ------------------------------------------------------------

    def request_search(self, query: str) -> None:
        """``search_finished`` brings the ids (None for an empty query), answered on the
        index's thread; asked again whenever a save, delete or restore reached the index."""
        self.search.request(query)

    @property
    def save_problem(self) -> SaveProblem | None:
        """Why saves fail now; None once everything is saved."""
        return self.saves.problem

    @property
    def saver(self) -> SaveQueue:
        """The writer's queue itself (tests reach in)."""
        return self.saves.queue

    @property
    def searcher(self) -> SearchService:
        """The search index's service itself (tests reach in)."""
        return self.search.service

    def flush_saves(self, timeout: float = 5.0) -> bool:
        """Wait (closing the window) until everything is written; False if it cannot be."""
        return self.saves.flush(timeout)

    def retry_saves(self) -> None:
        self.saves.retry()

    def unsaved(self, conversation_id: str) -> Conversation | None:
        """The newest snapshot of a conversation still waiting for the writer."""
        return self.saves.unsaved(conversation_id)

    def unsaved_conversations(self) -> list[Conversation]:
        return self.saves.unsaved_conversations()

    def describe_save_problem(self, problem: SaveProblem) -> str:
        return describe_save_problem(problem)

    def save_copies(self, conversations: list[Conversation], folder: Path) -> str | None:
        """Write ``conversations`` into ``folder`` (the disk of the conversations refuses):
        None when every one was written, else why not, for the user."""
        try:
            for conversation in conversations:
                write_atomic(folder / f"{conversation.id}.json", encode(conversation))
        except OSError as error:
            return self.tr("The copy could not be saved in {folder}: {why}").format(
                folder=folder, why=error.strerror or error)
        return None

    def shutdown(self, save_seconds: float = 2.0) -> None:
        """The window closed for good: end the writer (after writing what it can within
        ``save_seconds``: next to nothing once the user chose to quit with unsaved
        conversations) and the search thread. Neither reports to this object afterwards,
        even if a write or a first synchronize is still finishing on its thread."""
        self.saves.shutdown(save_seconds)
        self.search.shutdown()

    # ----- the list after the writer -------------------------------------------------------

    def _on_save_outcome(self, outcome: SaveOutcome,
                         original: ConversationSummary | None = None) -> None:
        """A save, delete or restore the writer did or gave up on (not one it retries)."""
        kept = (self._restoring.pop(outcome.conversation_id, None)
                if outcome.kind == RESTORE else None)
        if outcome.kind == DELETE:  # in the trash now, or still in place: not kept here
            self._deleting.pop(outcome.conversation_id, None)
        if outcome.ok:
            if outcome.kind == RESTORE and kept is None:  # not read from the trash before
                self._relist(outcome.conversation_id)
            if outcome.message:  # the store did more than write (merged, kept a copy)
                self.problem.emit(outcome.message)
            if outcome.kind == SAVE and outcome.conversation is not None:
                if outcome.conversation.id != outcome.conversation_id:
                    self._adopt_copy(outcome.conversation_id, outcome.conversation, original)
                elif outcome.merged:
                    self._adopt_merge(outcome.conversation)
            self.search.rerun()
            return
        if outcome.kind == SAVE:
            self.problem.emit(outcome.message)
        elif outcome.kind == DELETE:
            self.problem.emit(self.tr("The conversation could not be deleted: {error}")
                              .format(error=translated(outcome.message)))
            self._relist(outcome.conversation_id)
        else:
            self.problem.emit(self.tr("The conversation could not be restored: {error}")
                              .format(error=translated(outcome.message)))
            if kept is not None and self.open_id != kept.id:
                self._forget(outcome.conversation_id)
                self.conversations_changed.emit()

    def _adopt_copy(self, original_id: str, copy: Conversation,
                    original: ConversationSummary | None) -> None:
        """Our version went to a copy: list the copy and the original as it is on disk.
        If the original is open, the session goes on in the copy (what is on screen is
        ours) and lists it as it is in memory."""
        if original_id == self.open_id:
            self.open_saved_as_copy.emit(copy)
        elif copy.id != self.open_id:
            self.remember(copy)
        if original is not None:
            self._remember_summary(original)
        else:  # gone or unreadable since: the line we had was ours, not the file's
            self._forget(original_id)
        self.conversations_changed.emit()

    def _adopt_merge(self, merged: Conversation) -> None:
        """The store merged another writer's changes into ours: the list shows the file,
        unless a newer save of it is waiting (the next save merges them again). The open
        conversation's merge goes to the session, which takes it in unless a reply
        streams into it."""
        if self.saves.unsaved(merged.id) is not None:
            return
        if merged.id == self.open_id:
            self.open_merged.emit(merged)
            return
        self.remember(merged)
        self.conversations_changed.emit()

    def _relist(self, conversation_id: str) -> None:
        """A delete failed: the file is still there, so is its line in the list."""
        try:
            self.remember(self.store.load(conversation_id))
        except (StoreError, FutureSchemaError):
            return
        self.conversations_changed.emit()

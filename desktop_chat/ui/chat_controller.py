"""Conversations and replies: what happens when the user sends, stops, regenerates,
switches, renames, deletes or searches. The worker is handed in (its module is never
imported here); the store and settings are plain core objects.

The conversations in memory are the source of truth; the GUI thread never waits on the
disk. Saves, deletes and restores go to one writer thread (core/save_queue.py), in order,
drafts coalesced; searches run on the search index's thread (core/search_index.py). Their
reports come back to the GUI thread through a relay (queued signals). A save the disk
refuses is kept and retried by the writer; ``save_problem_changed`` fires once per
distinct problem (errno and folder), and with None once everything is saved again.
"""

from __future__ import annotations

import dataclasses
import errno as errnos
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from desktop_chat.core.conversation import (
    Conversation,
    FutureSchemaError,
    Message,
    new_id,
    title_from_text,
)
from desktop_chat.core.inference import GenerationRequest, GenerationResult, GenerationStats
from desktop_chat.core.reasoning import ANSWER, REASONING
from desktop_chat.core.save_queue import DELETE, RESTORE, SAVE, SaveOutcome, SaveQueue
from desktop_chat.core.search_index import (
    SEARCH_INDEX_NAME,
    SearchService,
    UnreadableConversation,
    read_conversation_file,
)
from desktop_chat.core.settings import SettingsFile
from desktop_chat.core.store import (
    ConversationCorruptError,
    ConversationStore,
    ConversationSummary,
    StoreError,
)

DRAFT_SAVE_INTERVAL_MS = 3000  # a crash mid-reply loses at most this much of it


@dataclass(frozen=True)
class SaveProblem:
    """Why saves fail now. Equal problems (same errno, same folder) are told once."""

    errno: int | None
    folder: str
    detail: str = field(default="", compare=False)


class _ThreadRelay(QObject):
    """Lives on the GUI thread; the writer and search threads emit, the GUI receives."""

    saved = Signal(object, object)  # SaveOutcome, the original's summary after a copy
    searched = Signal(int, str, object)  # query number, query, ids


def default_search_index_path(store: ConversationStore) -> Path:
    """``<data>/cache/``: beside the conversations, as --data-dir lays out the cache."""
    return store.root.parent / "cache" / SEARCH_INDEX_NAME


class ChatController(QObject):
    conversations_changed = Signal()  # the list (titles, order) changed
    conversation_opened = Signal(object)  # Conversation, or None for a new empty chat
    conversation_reloaded = Signal(object)  # the open Conversation took another writer's
    user_message_added = Signal(object)  # Message
    last_reply_removed = Signal()  # regenerate: the answer being replaced
    reply_started = Signal()
    chunk_received = Signal(str, str)
    answer_was_reasoning = Signal()  # the answer streamed so far moves to the thinking
    prefill_progressed = Signal(int, int)  # prompt tokens read, total
    reply_finished = Signal(object, object)  # Message saved, GenerationResult
    generating_changed = Signal(bool)
    problem = Signal(str)  # something the user should read (a damaged file, a failed save)
    save_problem_changed = Signal(object)  # SaveProblem, or None: everything is saved
    search_finished = Signal(object)  # ids of the newest query, or None for no filter

    def __init__(self, store: ConversationStore, worker: Any, settings_source: SettingsFile,
                 parent: QObject | None = None, search_index_path: Path | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.save_problem: SaveProblem | None = None
        self._summaries: dict[str, ConversationSummary] | None = None  # listed once
        self._restoring: dict[str, Conversation] = {}  # undo of a delete, until it is done
        self._search_number = 0
        self._search_query = ""  # re-run after each change the index takes in
        self._closed = False  # shutdown(): the threads no longer report
        self._report_lock = threading.Lock()  # a report and shutdown() never overlap
        self._relay = _ThreadRelay(self)
        self._relay.saved.connect(self._on_save_outcome, Qt.ConnectionType.QueuedConnection)
        self._relay.searched.connect(self._on_search_result,
                                     Qt.ConnectionType.QueuedConnection)
        self.saver = SaveQueue(store, on_done=self._on_writer_done)
        self.searcher = SearchService(
            store.root, search_index_path or default_search_index_path(store),
            on_result=self._on_searcher_done)
        self.searcher.start()  # catches up with the files while the window opens
        self.worker = worker
        self.settings_source = settings_source
        self.model_path: str | None = None
        self.current: Conversation | None = None
        self.generating = False
        self._target: Conversation | None = None  # the conversation the reply belongs to
        self._partial = {REASONING: [], ANSWER: []}
        self._request_id = 0  # results of earlier, abandoned requests are ignored
        self._draft_id = ""  # the reply's message id, saved as a draft while it streams
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(DRAFT_SAVE_INTERVAL_MS)
        self._draft_timer.timeout.connect(self._save_draft)
        worker.chunk_received.connect(self._on_chunk_received)
        worker.answer_was_reasoning.connect(self._on_answer_was_reasoning)
        worker.prefill_progressed.connect(self._on_prefill_progressed)
        worker.generation_finished.connect(self._on_generation_finished)
        worker.generation_failed.connect(self._on_generation_failed)

    # ----- conversations -------------------------------------------------------------------

    def list_conversations(self) -> list[ConversationSummary]:
        """Newest first. Read from the store once; then kept in memory with every save,
        delete and restore (a listing after each save would rewrite its index here)."""
        if self._summaries is None:
            listing = self.store.list()
            for report in listing.quarantined:
                self.problem.emit(self.tr(
                    "The conversation file {name} could not be read ({reason}). It was "
                    "moved to {path}; nothing was overwritten.").format(
                        name=report.original_name, reason=report.reason,
                        path=report.quarantined_path))
            self._summaries = {s.id: s for s in listing.conversations}
        return sorted(self._summaries.values(), key=lambda s: s.updated_at, reverse=True)

    def _remember(self, conversation: Conversation) -> None:
        self._remember_summary(summary_of(conversation))

    def _remember_summary(self, summary: ConversationSummary) -> None:
        if self._summaries is None:
            self.list_conversations()
        assert self._summaries is not None
        self._summaries[summary.id] = summary

    def _forget(self, conversation_id: str) -> None:
        if self._summaries is not None:
            self._summaries.pop(conversation_id, None)

    def new_conversation(self) -> None:
        self.stop_and_keep()
        self.current = None
        self.conversation_opened.emit(None)

    def open_conversation(self, conversation_id: str) -> None:
        if self.current is not None and self.current.id == conversation_id:
            return
        self.stop_and_keep()
        try:
            conversation = self._in_memory(conversation_id) or self.store.load(conversation_id)
        except FutureSchemaError as error:
            self.problem.emit(str(error))
            return
        except ConversationCorruptError as error:
            self.problem.emit(str(error))
            self._forget(conversation_id)
            self.conversations_changed.emit()
            return
        except StoreError as error:
            self.problem.emit(str(error))
            return
        self.current = conversation
        self.conversation_opened.emit(conversation)
        if conversation.read_only_reason:  # messages of a kind this version does not know
            self.problem.emit(conversation.read_only_reason)

    def rename(self, conversation_id: str, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        conversation = self._get(conversation_id)
        if conversation is None:
            return
        if conversation.read_only_reason:
            self.problem.emit(conversation.read_only_reason)
            return
        conversation.title = title
        conversation.touch()
        if self._save(conversation):
            self.conversations_changed.emit()

    def delete(self, conversation_id: str) -> None:
        """Move to the trash (in the writer's order); kept in memory for ``restore``."""
        kept = self._get(conversation_id, quiet=True)
        if self.current is not None and self.current.id == conversation_id:
            self.stop_and_keep()
            kept = self.current
            self.current = None
            self.conversation_opened.emit(None)
        if kept is not None:
            self._restoring[conversation_id] = kept
        self._forget(conversation_id)
        self.saver.delete(conversation_id)
        self.conversations_changed.emit()

    def restore(self, conversation_id: str) -> None:
        """Undo a delete: listed and opened at once, back on disk in the writer's order."""
        self.saver.restore(conversation_id)
        kept = self._restoring.get(conversation_id)
        if kept is not None:
            self._remember(kept)
        self.conversations_changed.emit()
        self.open_conversation(conversation_id)

    def request_search(self, query: str) -> None:
        """Search titles, text and reasoning on the index's thread; ``search_finished``
        brings the ids (None for an empty query). Results of older queries are dropped.
        The query is asked again whenever a save, delete or restore reached the index."""
        self._search_number += 1
        self._search_query = query if query.strip() else ""
        if not self._search_query:
            self.search_finished.emit(None)
            return
        self.searcher.query(self._search_number, query)

    def _rerun_search(self) -> None:
        """The index changed: the filter shown may be stale. Asked after the change, so
        the index's thread applies the change first; a newer answer drops older ones."""
        if self._search_query:
            self._search_number += 1
            self.searcher.query(self._search_number, self._search_query)

    def _on_searcher_done(self, number: int, query: str, ids: list[str]) -> None:
        """On the search thread."""
        with self._report_lock:
            if self._closed:
                return
            try:
                self._relay.searched.emit(number, query, ids)
            except RuntimeError:  # the window is gone
                pass

    def _on_search_result(self, number: int, query: str, ids: list[str]) -> None:
        if number == self._search_number:  # else the user typed on since
            self.search_finished.emit(ids)

    # ----- saving --------------------------------------------------------------------------

    def flush_saves(self, timeout: float = 5.0) -> bool:
        """Wait (closing the window) until everything is written; False if it cannot be."""
        return self.saver.flush(timeout)

    def retry_saves(self) -> None:
        self.saver.retry()

    def unsaved_conversations(self) -> list[Conversation]:
        return self.saver.unsaved_conversations()

    def shutdown(self, save_seconds: float = 2.0) -> None:
        """The window closed for good: end the writer (after writing what it can within
        ``save_seconds``: next to nothing once the user chose to quit with unsaved
        conversations) and the search thread. Neither reports to this object afterwards,
        even if a write or a first synchronize is still finishing on its thread."""
        self.saver.stop(timeout=save_seconds)
        with self._report_lock:  # waits for a report being sent; none comes after
            self._closed = True
            self.saver.on_done = None
            self.searcher.on_result = None
        self.searcher.stop(timeout=0.5)

    def describe_save_problem(self, problem: SaveProblem) -> str:
        code = problem.errno
        if code in (errnos.ENOSPC, getattr(errnos, "EDQUOT", errnos.ENOSPC)):
            what = self.tr("the disk is full")
            until = self.tr("when there is space again")
        elif code == errnos.EROFS:
            what = self.tr("the folder is read-only")
            until = self.tr("when the folder can be written again")
        elif code in (errnos.EACCES, errnos.EPERM):
            what = self.tr("permission was denied")
            until = self.tr("when the folder can be written again")
        else:
            what = problem.detail or self.tr("the disk refused")
            until = self.tr("when the disk allows it")
        return self.tr(
            "Cannot save conversations: {what} ({folder}). Your messages are kept in this "
            "window and will be saved {until}.").format(
                what=what, folder=problem.folder, until=until)

    def _on_writer_done(self, outcome: SaveOutcome) -> None:
        """On the writer thread: keep the search index in step, then tell the GUI."""
        original = None
        if outcome.ok:
            if outcome.kind == SAVE and outcome.conversation is not None:
                self.searcher.saved(outcome.conversation, outcome.mtime_ns, outcome.size)
                if outcome.conversation.id != outcome.conversation_id:  # kept as a copy
                    original = self._summary_on_disk(outcome.conversation_id)
                    self.searcher.reread(outcome.conversation_id)  # the other writer's
            elif outcome.kind == DELETE:
                self.searcher.removed(outcome.conversation_id)
            elif outcome.kind == RESTORE:
                self.searcher.reread(outcome.conversation_id)
        with self._report_lock:
            if self._closed:
                return
            try:
                self._relay.saved.emit(outcome, original)
            except RuntimeError:  # the window is gone
                pass

    def _summary_on_disk(self, conversation_id: str) -> ConversationSummary | None:
        """On the writer thread: the list line of a file another writer changed, read
        without the store (which would take it for its own next merge)."""
        try:
            read = read_conversation_file(self.store.path_for(conversation_id))
        except (OSError, StoreError, UnreadableConversation):
            return None
        if read.conversation is not None:
            return summary_of(read.conversation)
        data = read.data if isinstance(read.data, dict) else {}
        return ConversationSummary(
            id=conversation_id, title=str(data.get("title") or conversation_id),
            created_at=str(data.get("created_at", "")),
            updated_at=str(data.get("updated_at", "")), model=None,
            message_count=len(data.get("messages") or []), read_only=True,
            read_only_reason=read.newer)

    def _on_save_outcome(self, outcome: SaveOutcome,
                         original: ConversationSummary | None = None) -> None:
        if outcome.will_retry:
            problem = SaveProblem(outcome.errno, outcome.folder, outcome.message)
            if problem != self.save_problem:
                self.save_problem = problem
                self.save_problem_changed.emit(problem)
            return
        kept = (self._restoring.pop(outcome.conversation_id, None)
                if outcome.kind == RESTORE else None)
        if outcome.ok:
            if outcome.message:  # the store did more than write (merged, kept a copy)
                self.problem.emit(outcome.message)
            if outcome.kind == SAVE and outcome.conversation is not None:
                if outcome.conversation.id != outcome.conversation_id:
                    self._adopt_copy(outcome.conversation_id, outcome.conversation, original)
                elif outcome.merged:
                    self._adopt_merge(outcome.conversation)
            if (outcome.unsaved == 0 and self.save_problem is not None
                    and not self.saver.stalled):
                self.save_problem = None
                self.save_problem_changed.emit(None)
            self._rerun_search()
            return
        if outcome.kind == SAVE:
            self.problem.emit(outcome.message)
        elif outcome.kind == DELETE:
            self.problem.emit(self.tr("The conversation could not be deleted: {error}")
                              .format(error=outcome.message))
            self._restoring.pop(outcome.conversation_id, None)
            self._relist(outcome.conversation_id)
        else:
            self.problem.emit(self.tr("The conversation could not be restored: {error}")
                              .format(error=outcome.message))
            if kept is not None and (self.current is None or self.current.id != kept.id):
                self._forget(outcome.conversation_id)
                self.conversations_changed.emit()

    def _adopt_copy(self, original_id: str, copy: Conversation,
                    original: ConversationSummary | None) -> None:
        """Our version went to a copy (another writer's change could not be combined):
        list the copy, show the original as it is on disk, and if the original is open,
        go on in the copy (what is on screen is ours), saving there from now on."""
        open_original = self.current is not None and self.current.id == original_id
        if open_original:
            assert self.current is not None
            self.current.id = copy.id  # the same object: a streaming reply follows it
            self.current.title = copy.title
            self._remember(self.current)
        elif self.current is None or self.current.id != copy.id:
            self._remember(copy)
        if original is not None:
            self._remember_summary(original)
        else:  # gone or unreadable since: the line we had was ours, not the file's
            self._forget(original_id)
        self.conversations_changed.emit()

    def _adopt_merge(self, merged: Conversation) -> None:
        """The store merged another writer's changes into ours: the list shows the file;
        the open conversation takes them too, unless a reply is streaming into it or a
        newer save of it is waiting (the next save merges them again)."""
        current = self.current
        if current is None or current.id != merged.id:
            if self.saver.unsaved(merged.id) is None:
                self._remember(merged)
                self.conversations_changed.emit()
            return
        if self.generating or self.saver.unsaved(merged.id) is not None:
            return
        current.messages = list(merged.messages)
        current.title = merged.title
        current.updated_at = merged.updated_at
        current.extra = dict(merged.extra)
        self._remember(current)
        self.conversations_changed.emit()
        self.conversation_reloaded.emit(current)

    def _relist(self, conversation_id: str) -> None:
        """A delete failed: the file is still there, so is its line in the list."""
        try:
            self._remember(self.store.load(conversation_id))
        except (StoreError, FutureSchemaError):
            return
        self.conversations_changed.emit()

    # ----- replies -------------------------------------------------------------------------

    def send(self, text: str) -> None:
        if self.generating or not text.strip():
            return
        if self.current is not None and self.current.read_only_reason:
            self.current = None  # never rewritten: the message starts a new conversation
        if self.current is None:
            self.current = Conversation(title=title_from_text(text), model=self.model_path)
            self.conversation_opened.emit(self.current)
        message = self.current.add(Message(role="user", content=text))
        self.current.model = self.model_path
        self._save(self.current)
        self.conversations_changed.emit()
        self.user_message_added.emit(message)
        self._request_reply()

    def regenerate(self) -> None:
        """Replace the last answer (or answer a last unanswered message) with a new one."""
        conversation = self.current
        if (self.generating or conversation is None or not conversation.messages
                or conversation.read_only_reason):
            return
        if conversation.messages[-1].role == "assistant":
            conversation.messages.pop()
            conversation.touch()
            self._save(conversation)
            self.last_reply_removed.emit()
        if conversation.messages and conversation.messages[-1].role == "user":
            self._request_reply()

    def stop(self) -> None:
        if self.generating:
            self.worker.cancel()

    def stop_and_keep(self) -> None:
        """Before switching away or closing: stop, and save what was written so far."""
        if not self.generating or self._target is None:
            return
        self.worker.cancel()
        self._finish(self._partial_result(), error=None)

    def _partial_result(self) -> GenerationResult:
        """What has streamed so far, as a reply that was stopped."""
        return GenerationResult(
            reasoning="".join(self._partial[REASONING]).strip(),
            answer="".join(self._partial[ANSWER]).strip(),
            reasoning_unfinished=not self._partial[ANSWER],
            stats=GenerationStats(finish_reason="cancelled"))

    def _request_reply(self) -> None:
        assert self.current is not None
        self._target = self.current
        self._partial = {REASONING: [], ANSWER: []}
        self._draft_id = new_id()
        self._draft_timer.start()
        self._set_generating(True)
        self.reply_started.emit()
        settings = self.settings_source.settings.generation
        self._request_id += 1
        self.worker.request_generation(
            GenerationRequest(tuple(self.current.messages), settings, self._request_id))

    def _on_chunk_received(self, kind: str, text: str) -> None:
        if not self.generating:
            return  # a late chunk of a reply already stopped and saved
        self._partial[kind].append(text)
        self.chunk_received.emit(kind, text)

    def _on_answer_was_reasoning(self) -> None:
        if self.generating:
            self._partial = {REASONING: self._partial[REASONING] + self._partial[ANSWER],
                             ANSWER: []}
            self.answer_was_reasoning.emit()

    def _on_prefill_progressed(self, done: int, total: int) -> None:
        if self.generating:
            self.prefill_progressed.emit(done, total)

    def _on_generation_finished(self, result: GenerationResult) -> None:
        if self.generating and result.request_id == self._request_id:
            self._finish(result, error=None)

    def _on_generation_failed(self, message: str, result: GenerationResult) -> None:
        if self.generating and result.request_id == self._request_id:
            self._finish(result, error=message)

    def _save_draft(self) -> None:
        """Save the reply so far, as stopped: after a crash it reopens with its text."""
        if self._target is None or not any(self._partial.values()):
            return
        draft = self._message(self._partial_result(), error=None)
        self._save(dataclasses.replace(self._target,
                                       messages=[*self._target.messages, draft]))

    def _message(self, result: GenerationResult, error: str | None) -> Message:
        stats = result.stats.to_dict()
        if result.reasoning_unfinished:
            stats["reasoning_unfinished"] = True
        return Message(
            role="assistant", content=result.answer,
            reasoning_content=result.reasoning or None,
            finish_reason=result.stats.finish_reason, stats=stats,
            extra={"error": error} if error else {}, id=self._draft_id or new_id(),
        )

    def _finish(self, result: GenerationResult, error: str | None) -> None:
        self._draft_timer.stop()
        conversation, self._target = self._target, None
        self._set_generating(False)
        if conversation is None:
            return
        message = self._message(result, error)
        conversation.add(message)
        self._save(conversation)  # replaces any draft: the same message id
        self.conversations_changed.emit()
        self.reply_finished.emit(message, result)

    def _set_generating(self, generating: bool) -> None:
        self.generating = generating
        self.generating_changed.emit(generating)

    def _in_memory(self, conversation_id: str) -> Conversation | None:
        """A conversation newer in memory than on disk: waiting for the writer, or deleted
        and being restored."""
        unsaved = self.saver.unsaved(conversation_id)
        if unsaved is not None:
            return unsaved
        kept = self._restoring.get(conversation_id)
        return dataclasses.replace(kept, messages=list(kept.messages)) if kept else None

    def _get(self, conversation_id: str, quiet: bool = False) -> Conversation | None:
        if self.current is not None and self.current.id == conversation_id:
            return self.current
        try:
            return self._in_memory(conversation_id) or self.store.load(conversation_id)
        except (StoreError, FutureSchemaError) as error:
            if not quiet:
                self.problem.emit(str(error))
            return None

    def _save(self, conversation: Conversation) -> bool:
        """Hand a snapshot to the writer: microseconds here, the disk on its thread."""
        self.saver.save(conversation)
        self._remember(conversation)
        return True


def summary_of(conversation: Conversation) -> ConversationSummary:
    """The list line of a conversation held in memory."""
    return ConversationSummary(
        id=conversation.id, title=conversation.title,
        created_at=conversation.created_at, updated_at=conversation.updated_at,
        model=conversation.model, message_count=len(conversation.messages),
        read_only_reason=conversation.read_only_reason or "")

"""Conversations and replies: what happens when the user sends, stops, regenerates,
switches, renames, deletes or searches. The worker is handed in (its module is never
imported here); the store and settings are plain core objects.

The conversations in memory are the source of truth; the GUI thread never waits on the
disk. Saves, deletes and restores go to the writer thread (workers/saves.py, which
also tracks why saves fail now); searches run on the search index's thread
(workers/search.py). This object keeps the sidebar's list in step with what the
writer did: a delete or restore that failed, our version kept as a copy, another
writer's changes merged in.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_chat.core.conversation import (
    Conversation,
    FutureSchemaError,
    Message,
    new_id,
    title_from_text,
)
from desktop_chat.core.conversation_settings import (
    OVERRIDABLE,
    effective_settings,
    override_problems,
)
from desktop_chat.core.inference import GenerationRequest, GenerationResult, GenerationStats
from desktop_chat.core.reasoning import ANSWER, REASONING
from desktop_chat.core.save_queue import DELETE, RESTORE, SAVE, SaveOutcome, SaveProblem, SaveQueue
from desktop_chat.core.search_index import SearchService
from desktop_chat.core.settings import SettingsFile
from desktop_chat.core.store import (
    ConversationCorruptError,
    ConversationStore,
    ConversationSummary,
    StoreError,
    summary_of,
)
from desktop_chat.core.versions import version_at
from desktop_chat.ui.controllers.alternatives import AlternativesRun
from desktop_chat.ui.controllers.save_problems import describe_save_problem
from desktop_chat.ui.language import translated

DRAFT_SAVE_INTERVAL_MS = 3000  # a crash mid-reply loses at most this much of it


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
    problem = Signal(object)  # something the user should read (a damaged file, a failed save)
    save_problem_changed = Signal(object)  # SaveProblem, or None: everything is saved
    search_finished = Signal(object)  # ids of the newest query, or None for no filter
    path_changed = Signal(object)  # Conversation: another branch of it is shown (an edit,
    # a version switch); the view redraws conversation.path()

    def __init__(self, store: ConversationStore, worker: Any, settings_source: SettingsFile,
                 saves: Any, search: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._summaries: dict[str, ConversationSummary] | None = None  # listed once
        self._restoring: dict[str, Conversation] = {}  # undo of a delete, until it is done
        self.search = search
        self.search.finished.connect(self.search_finished)
        self.saves = saves
        self.saves.outcome.connect(self._on_save_outcome)
        self.saves.problem_changed.connect(self.save_problem_changed)
        self.worker = worker
        self.settings_source = settings_source
        self.model_path: str | None = None
        self.current: Conversation | None = None
        self.generating = False
        self._target: Conversation | None = None  # the conversation the reply belongs to
        self._reply_parent: str | None = None  # the message the reply answers
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
        # Generate answers: several versions at once (ui/controllers/alternatives.py).
        self.alternatives = AlternativesRun(worker, lambda: self.model_path, self,
                                            draft_interval_ms=DRAFT_SAVE_INTERVAL_MS)
        self.alternatives.ended.connect(self._on_alternatives_ended)
        self.alternatives.draft_ready.connect(self._save)

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
        self.saves.delete(conversation_id)
        self.conversations_changed.emit()

    def restore(self, conversation_id: str) -> None:
        """Undo a delete: listed and opened at once, back on disk in the writer's order."""
        self.saves.restore(conversation_id)
        kept = self._restoring.get(conversation_id)
        if kept is not None:
            self._remember(kept)
        self.conversations_changed.emit()
        self.open_conversation(conversation_id)

    def add_imported(self, conversations: list[Conversation]) -> None:
        """Conversations from an import (ids already free): listed at once, written by
        the writer like any save, and so indexed for search."""
        for conversation in conversations:
            self._save(conversation)
        if conversations:
            self.conversations_changed.emit()

    # ----- searching and saving ------------------------------------------------------------

    def request_search(self, query: str) -> None:
        """``search_finished`` brings the ids (None for an empty query); see
        workers/search.py. Asked again whenever a save, delete or restore reached
        the index."""
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

    def unsaved_conversations(self) -> list[Conversation]:
        return self.saves.unsaved_conversations()

    def describe_save_problem(self, problem: SaveProblem) -> str:
        return describe_save_problem(problem)

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
        if outcome.ok:
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
            self._restoring.pop(outcome.conversation_id, None)
            self._relist(outcome.conversation_id)
        else:
            self.problem.emit(self.tr("The conversation could not be restored: {error}")
                              .format(error=translated(outcome.message)))
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
            if self.saves.unsaved(merged.id) is None:
                self._remember(merged)
                self.conversations_changed.emit()
            return
        if self.generating or self.saves.unsaved(merged.id) is not None:
            return
        current.messages = list(merged.messages)
        current.current_leaf = merged.current_leaf
        current.settings = dict(merged.settings)
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
        """Answer the last question again: the new answer is another version of the last
        one, which stays (a failed or stopped regenerate keeps both)."""
        conversation = self.current
        if self.generating or conversation is None or conversation.read_only_reason:
            return
        path = conversation.path()
        asked = path[:-1] if path and path[-1].role == "assistant" else path
        if not asked or asked[-1].role != "user":
            return  # no question right above (an imported path): the answer stays shown
        if asked is not path:
            self.last_reply_removed.emit()  # the view makes room for the new version
        self._request_reply(asked[-1].id)

    def generate_alternatives(self) -> None:
        """Several answers to the last question at once (as many as the settings say);
        they become versions of its answer, the one shown stays among them."""
        conversation = self.current
        if self.generating or conversation is None or conversation.read_only_reason:
            return
        path = conversation.path()
        if path and path[-1].role == "assistant":
            path.pop()
            self.last_reply_removed.emit()  # the view makes room for the new versions
        if not path or path[-1].role != "user":
            return
        settings = effective_settings(self.settings_source.settings.generation,
                                      conversation.settings)
        self._request_id += 1
        request = GenerationRequest(tuple(path), settings, self._request_id,
                                    alternatives=self.settings_source.settings.alternatives)
        self._set_generating(True)
        self.alternatives.start(conversation, path[-1].id, request)
        self.worker.request_generation(request)

    def _on_alternatives_ended(self, conversation: Conversation, question_id: str,
                               answers: list[Message], error: str) -> None:
        """Every answer ended (or was stopped): those with text join the tree below the
        question, the first of them shown; the others are a click on the arrows away."""
        for answer in answers:
            conversation.add(answer, parent_id=question_id)
        if answers:
            conversation.select(answers[0].id)
            conversation.touch()
            self._save(conversation)
            self.conversations_changed.emit()
        self._set_generating(False)
        if error:
            self.problem.emit(translated(error))
        if conversation is self.current:
            self.path_changed.emit(conversation)

    # ----- branches: edit and resend, versions, fork, the conversation's settings ---------

    def edit_and_resend(self, message_id: str, text: str) -> None:
        """Send ``text`` as a new version of the user message ``message_id`` (its sibling:
        the old one and everything below it stay) and answer it."""
        conversation = self.current
        original = conversation.find(message_id) if conversation else None
        if (self.generating or original is None or original.role != "user"
                or not text.strip() or conversation.read_only_reason):
            return
        conversation.add(Message(role="user", content=text), parent_id=original.parent_id)
        self._save(conversation)
        self.conversations_changed.emit()
        self.path_changed.emit(conversation)
        self._request_reply()

    def switch_version(self, message_id: str, step: int) -> None:
        """Show the version ``step`` away from ``message_id`` with its whole continuation.
        Refused while a reply streams: its branch stays on screen until it ends."""
        conversation = self.current
        if self.generating or conversation is None:
            return
        target = version_at(conversation, message_id, step)
        if target is None:
            return
        conversation.select(target.id)
        if not conversation.read_only_reason:
            self._save(conversation)  # the branch shown comes back after a restart
        self.path_changed.emit(conversation)

    def fork_from(self, message_id: str) -> Conversation | None:
        """A new conversation holding the path up to ``message_id``; saved and opened."""
        source = self.current
        if source is None or source.find(message_id) is None:
            return None
        fork = source.fork(message_id)
        fork.title = self.tr("{title} (fork)").format(title=source.title)
        self.stop_and_keep()  # like opening another conversation
        self._save(fork)
        self.current = fork
        self.conversations_changed.emit()
        self.conversation_opened.emit(fork)
        return fork

    def set_conversation_settings(self, overrides: dict[str, Any]) -> bool:
        """The open conversation's own generation settings (``{}``: the defaults). Values
        out of range are refused with the reason, and nothing changes."""
        conversation = self.current
        if conversation is None or conversation.read_only_reason:
            return False
        if problems := override_problems(overrides):
            self.problem.emit("; ".join(problems.values()))
            return False
        kept = {k: v for k, v in conversation.settings.items() if k not in OVERRIDABLE}
        conversation.settings = {**kept, **overrides}  # a newer version's keys stay
        conversation.touch()
        self._save(conversation)
        self.conversations_changed.emit()
        return True

    def stop(self) -> None:
        if self.generating:
            self.worker.cancel()

    def request_token_count(self, draft: str) -> None:
        """Count what sending ``draft`` would take (worker.tokens_counted answers), with
        the conversation as shown and the settings a reply would use."""
        conversation = self.current
        history = tuple(conversation.path()) if conversation is not None else ()
        overrides = conversation.settings if conversation is not None else {}
        settings = effective_settings(self.settings_source.settings.generation, overrides)
        self.worker.request_token_count(history, draft, settings)

    def answer_now(self) -> None:
        """End the model's thinking here and let it answer (engine/thinking_budget.py)."""
        if self.generating:
            self.worker.answer_now()

    def stop_and_keep(self) -> None:
        """Before switching away or closing: stop, and save what was written so far."""
        if self.alternatives.running:
            self.worker.cancel()
            self.alternatives.stop_and_keep()
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

    def _request_reply(self, parent_id: str | None = None) -> None:
        """Ask for an answer below ``parent_id`` (default: the end of the path shown)."""
        assert self.current is not None
        self._target = self.current
        self._reply_parent = parent_id or self.current.current_leaf
        self._partial = {REASONING: [], ANSWER: []}
        self._draft_id = new_id()
        self._draft_timer.start()
        self._set_generating(True)
        self.reply_started.emit()
        # The conversation's own settings (core/conversation_settings.py) over the defaults.
        settings = effective_settings(self.settings_source.settings.generation,
                                      self.current.settings)
        self._request_id += 1
        self.worker.request_generation(
            GenerationRequest(tuple(self.current.path(self._reply_parent)), settings,
                              self._request_id))

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
            self._finish(result, error=translated(message))  # saved as the user read it

    def _save_draft(self) -> None:
        """Save the reply so far, as stopped: after a crash it reopens with its text."""
        if self._target is None or not any(self._partial.values()):
            return
        draft = self._message(self._partial_result(), error=None)
        draft.parent_id = self._reply_parent
        self._save(dataclasses.replace(self._target, messages=[*self._target.messages, draft],
                                       current_leaf=draft.id))

    def _message(self, result: GenerationResult, error: str | None) -> Message:
        stats = result.stats.to_dict()
        if result.reasoning_unfinished:
            stats["reasoning_unfinished"] = True
        return Message(
            role="assistant", content=result.answer,
            reasoning_content=result.reasoning or None,
            finish_reason=result.stats.finish_reason, stats=stats,
            extra={"error": error} if error else {}, id=self._draft_id or new_id(),
            model=self.model_path,
        )

    def _finish(self, result: GenerationResult, error: str | None) -> None:
        self._draft_timer.stop()
        conversation, self._target = self._target, None
        self._set_generating(False)
        if conversation is None:
            return
        message = self._message(result, error)
        conversation.add(message, parent_id=self._reply_parent)
        self._save(conversation)  # replaces any draft: the same message id
        self.conversations_changed.emit()
        self.reply_finished.emit(message, result)

    def _set_generating(self, generating: bool) -> None:
        self.generating = generating
        self.generating_changed.emit(generating)

    def _in_memory(self, conversation_id: str) -> Conversation | None:
        """A conversation newer in memory than on disk: waiting for the writer, or deleted
        and being restored."""
        unsaved = self.saves.unsaved(conversation_id)
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
        self.saves.save(conversation)
        self._remember(conversation)
        return True

"""Conversations and replies: what happens when the user sends, stops, regenerates,
switches, renames, deletes or searches. The worker is handed in (its module is never
imported here); the store and settings are plain core objects.
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
from desktop_chat.core.inference import GenerationRequest, GenerationResult, GenerationStats
from desktop_chat.core.reasoning import ANSWER, REASONING
from desktop_chat.core.settings import SettingsFile
from desktop_chat.core.store import (
    ConversationCorruptError,
    ConversationStore,
    ConversationSummary,
    StoreError,
)

DRAFT_SAVE_INTERVAL_MS = 3000  # a crash mid-reply loses at most this much of it


class ChatController(QObject):
    conversations_changed = Signal()  # the list (titles, order) changed
    conversation_opened = Signal(object)  # Conversation, or None for a new empty chat
    user_message_added = Signal(object)  # Message
    last_reply_removed = Signal()  # regenerate: the answer being replaced
    reply_started = Signal()
    chunk_received = Signal(str, str)
    answer_was_reasoning = Signal()  # the answer streamed so far moves to the thinking
    prefill_progressed = Signal(int, int)  # prompt tokens read, total
    reply_finished = Signal(object, object)  # Message saved, GenerationResult
    generating_changed = Signal(bool)
    problem = Signal(str)  # something the user should read (a damaged file, a failed save)

    def __init__(self, store: ConversationStore, worker: Any, settings_source: SettingsFile,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
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
        listing = self.store.list()
        for report in listing.quarantined:
            self.problem.emit(self.tr(
                "The conversation file {name} could not be read ({reason}). It was moved to "
                "{path}; nothing was overwritten.").format(
                    name=report.original_name, reason=report.reason,
                    path=report.quarantined_path))
        return listing.conversations

    def new_conversation(self) -> None:
        self.stop_and_keep()
        self.current = None
        self.conversation_opened.emit(None)

    def open_conversation(self, conversation_id: str) -> None:
        if self.current is not None and self.current.id == conversation_id:
            return
        self.stop_and_keep()
        try:
            conversation = self.store.load(conversation_id)
        except FutureSchemaError as error:
            self.problem.emit(str(error))
            return
        except ConversationCorruptError as error:
            self.problem.emit(str(error))
            self.conversations_changed.emit()
            return
        except StoreError as error:
            self.problem.emit(str(error))
            return
        self.current = conversation
        self.conversation_opened.emit(conversation)

    def rename(self, conversation_id: str, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            return
        conversation = self._get(conversation_id)
        if conversation is None:
            return
        conversation.title = title
        conversation.touch()
        if self._save(conversation):
            self.conversations_changed.emit()

    def delete(self, conversation_id: str) -> None:
        if self.current is not None and self.current.id == conversation_id:
            self.stop_and_keep()
            self.current = None
            self.conversation_opened.emit(None)
        try:
            self.store.delete(conversation_id)
        except (OSError, StoreError) as error:
            self.problem.emit(self.tr("The conversation could not be deleted: {error}")
                              .format(error=error))
            return
        self.conversations_changed.emit()

    def restore(self, conversation_id: str) -> None:
        try:
            self.store.restore(conversation_id)
        except (OSError, StoreError) as error:
            self.problem.emit(self.tr("The conversation could not be restored: {error}")
                              .format(error=error))
            return
        self.conversations_changed.emit()
        self.open_conversation(conversation_id)

    def search(self, query: str) -> list[str] | None:
        """Ids matching ``query`` in titles or text, or None for no filter."""
        return self.store.search(query) if query.strip() else None

    # ----- replies -------------------------------------------------------------------------

    def send(self, text: str) -> None:
        if self.generating or not text.strip():
            return
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
        if self.generating or conversation is None or not conversation.messages:
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

    def _get(self, conversation_id: str) -> Conversation | None:
        if self.current is not None and self.current.id == conversation_id:
            return self.current
        try:
            return self.store.load(conversation_id)
        except (StoreError, FutureSchemaError) as error:
            self.problem.emit(str(error))
            return None

    def _save(self, conversation: Conversation) -> bool:
        try:
            self.store.save(conversation)
        except StoreError as error:
            self.problem.emit(str(error))
            return False
        return True

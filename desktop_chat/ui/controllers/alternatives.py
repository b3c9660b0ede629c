"""Generate answers: several answers to the last question at once, kept as its versions.

``AlternativesRun`` (owned by the chat session) follows one request for alternatives
through the worker's signals (workers/inference.py, workers/stream_relay.py): the text
so far of each, its result, and the end of all of them; then it hands the answers, as
messages, to the chat session, which adds them as siblings below the question
(conversation/alternatives_view.py streams each into an answer widget of its own).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_chat.core.conversation import Conversation, Message, new_id
from desktop_chat.core.inference import GenerationRequest, GenerationResult
from desktop_chat.core.reasoning import ANSWER, REASONING
from desktop_chat.ui.controllers.reply_run import error_extra
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import InferencePort


class AlternativesRun(QObject):
    started = Signal(int)  # how many answers
    chunk_received = Signal(int, str, str)  # which answer, kind, text
    answer_was_reasoning = Signal(int)
    # Conversation, question id, the answers as messages (those with no text left out),
    # and the first error (or ""): every answer has ended.
    ended = Signal(object, str, object, str)
    # A copy of the conversation holding the answers so far (as stopped), every few
    # seconds while they stream: saved, a crash keeps them. Their ids are the final ones.
    draft_ready = Signal(object)

    def __init__(self, worker: InferencePort, model_path: Callable[[], str | None],
                 parent: QObject | None = None, draft_interval_ms: int = 3000) -> None:
        super().__init__(parent)
        self._model_path = model_path
        self._ids: list[str] = []  # each answer's message id, drafts and final alike
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(draft_interval_ms)
        self._draft_timer.timeout.connect(self._emit_draft)
        self.request_id = 0  # 0: nothing running
        self._conversation: Conversation | None = None
        self._question_id = ""
        self._partial: list[dict[str, list[str]]] = []
        self._results: dict[int, GenerationResult] = {}
        worker.alternative_chunk_received.connect(self._on_chunk)
        worker.alternative_was_reasoning.connect(self._on_was_reasoning)
        worker.alternative_finished.connect(self._on_finished)
        worker.alternatives_finished.connect(self._on_all_finished)
        worker.generation_failed.connect(self._on_request_failed)
        worker.generation_finished.connect(self._on_request_ended)

    @property
    def running(self) -> bool:
        return self.request_id != 0

    def start(self, conversation: Conversation, question_id: str,
              request: GenerationRequest) -> None:
        self.request_id = request.request_id
        self._conversation, self._question_id = conversation, question_id
        self._partial = [{REASONING: [], ANSWER: []} for _ in range(request.alternatives)]
        self._ids = [new_id() for _ in range(request.alternatives)]
        self._results = {}
        self._draft_timer.start()
        self.started.emit(request.alternatives)

    def stop_and_keep(self) -> None:
        """Switching away or closing: end now with what has streamed (stopped answers)."""
        if self.running:
            self._end("")

    # ----- the worker's signals ------------------------------------------------------------

    def _on_chunk(self, sequence: int, kind: str, text: str) -> None:
        if self.running and 0 <= sequence < len(self._partial):
            self._partial[sequence][kind].append(text)
            self.chunk_received.emit(sequence, kind, text)

    def _on_was_reasoning(self, sequence: int) -> None:
        if self.running and 0 <= sequence < len(self._partial):
            parts = self._partial[sequence]
            parts[REASONING], parts[ANSWER] = parts[REASONING] + parts[ANSWER], []
            self.answer_was_reasoning.emit(sequence)

    def _on_finished(self, result: GenerationResult) -> None:
        if self.running and result.request_id == self.request_id:
            self._results[result.sequence] = result

    def _on_all_finished(self, request_id: int) -> None:
        if self.running and request_id == self.request_id:
            errors = [r.error for r in self._results.values() if r.error]
            self._end(errors[0] if errors else "")

    def _on_request_failed(self, message: str, result: GenerationResult) -> None:
        """The request ended before any answer began (no model)."""
        if self.running and result.request_id == self.request_id:
            self._end(str(message))

    def _on_request_ended(self, result: GenerationResult) -> None:
        if self.running and result.request_id == self.request_id:  # cancelled while queued
            self._end("")

    # ----- the end -------------------------------------------------------------------------

    def _emit_draft(self) -> None:
        conversation = self._conversation
        drafts = [m for m in (self._message(i) for i in range(len(self._partial))) if m]
        if not self.running or conversation is None or not drafts:
            return
        for draft in drafts:
            draft.parent_id = self._question_id
        self.draft_ready.emit(dataclasses.replace(
            conversation, messages=[*conversation.messages, *drafts],
            current_leaf=drafts[0].id))

    def _end(self, error: str) -> None:
        self._draft_timer.stop()
        conversation, question_id = self._conversation, self._question_id
        messages = [m for m in (self._message(i) for i in range(len(self._partial))) if m]
        self.request_id, self._conversation, self._partial = 0, None, []
        self.ended.emit(conversation, question_id, messages, translated(error))

    def _message(self, sequence: int) -> Message | None:
        result = self._results.get(sequence)
        parts = self._partial[sequence]
        if result is None:  # still streaming: what has come, as stopped
            reasoning = "".join(parts[REASONING]).strip()
            answer = "".join(parts[ANSWER]).strip()
            finish, stats, error = "cancelled", {}, None
        else:
            reasoning, answer = result.reasoning, result.answer
            finish, stats, error = result.stats.finish_reason, result.stats.to_dict(), \
                result.error
            if result.reasoning_unfinished:
                stats["reasoning_unfinished"] = True
        if not reasoning and not answer:
            return None  # nothing to show: stopped before it began, or failed at once
        return Message(role="assistant", content=answer, reasoning_content=reasoning or None,
                       finish_reason=finish, stats=stats,
                       extra=error_extra(translated(error) if error else None,  # as shown
                                         result.error_details if result else ""),
                       model=self._model_path(), id=self._ids[sequence])

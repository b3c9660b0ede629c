"""One reply being written: ``ReplyRun`` follows it through the worker's signals.

It keeps what has streamed (thinking and answer), hands a copy of the conversation with
the reply so far to be saved every few seconds (``draft_ready``: a crash keeps the reply,
marked as stopped), and when the worker says the reply ended, or the user switches away
(``stop_and_keep``), hands over the message it became (``ended``). The chat session adds
that message to the conversation; ``AlternativesRun`` does the same for several answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop_chat.core.conversation import Conversation, Message, new_id
from desktop_chat.core.inference import GenerationResult, GenerationStats
from desktop_chat.core.reasoning import ANSWER, REASONING
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import InferencePort


class ReplyRun(QObject):
    chunk_received = Signal(str, str)  # kind, text
    answer_was_reasoning = Signal()  # the answer streamed so far moves to the thinking
    prefill_progressed = Signal(int, int)  # prompt tokens read, total
    # A copy of the conversation ending in the reply so far (as stopped), to be saved.
    draft_ready = Signal(object)
    # The conversation, the reply's parent id, the reply as a Message, the result it came
    # from: the reply ended (finished, failed, or stopped and kept).
    ended = Signal(object, object, object, object)

    def __init__(self, worker: InferencePort, model_path: Callable[[], str | None],
                 parent: QObject | None = None, draft_interval_ms: int = 3000) -> None:
        super().__init__(parent)
        self._model_path = model_path
        self.request_id = 0  # 0: nothing running; else the request being answered
        self._conversation: Conversation | None = None
        self._parent_id: str | None = None
        self._partial: dict[str, list[str]] = {REASONING: [], ANSWER: []}
        self._message_id = ""  # the reply's id, drafts and final alike
        self.draft_timer = QTimer(self)
        self.draft_timer.setInterval(draft_interval_ms)
        self.draft_timer.timeout.connect(self._save_draft)
        worker.chunk_received.connect(self._on_chunk_received)
        worker.answer_was_reasoning.connect(self._on_answer_was_reasoning)
        worker.prefill_progressed.connect(self._on_prefill_progressed)
        worker.generation_finished.connect(self._on_generation_finished)
        worker.generation_failed.connect(self._on_generation_failed)

    @property
    def running(self) -> bool:
        return self.request_id != 0

    def start(self, conversation: Conversation, parent_id: str | None,
              request_id: int) -> None:
        """Follow the answer to ``request_id``, which goes below ``parent_id``."""
        self.request_id = request_id
        self._conversation, self._parent_id = conversation, parent_id
        self._partial = {REASONING: [], ANSWER: []}
        self._message_id = new_id()
        self.draft_timer.start()

    def stop_and_keep(self) -> None:
        """Switching away or closing: end now with what has streamed (stopped)."""
        if self.running:
            self._end(self._partial_result(), error=None)

    # ----- the worker's signals ------------------------------------------------------------

    def _on_chunk_received(self, kind: str, text: str) -> None:
        if self.running:  # else a late chunk of a reply already stopped and saved
            self._partial[kind].append(text)
            self.chunk_received.emit(kind, text)

    def _on_answer_was_reasoning(self) -> None:
        if self.running:
            self._partial = {REASONING: self._partial[REASONING] + self._partial[ANSWER],
                             ANSWER: []}
            self.answer_was_reasoning.emit()

    def _on_prefill_progressed(self, done: int, total: int) -> None:
        if self.running:
            self.prefill_progressed.emit(done, total)

    def _on_generation_finished(self, result: GenerationResult) -> None:
        if self.running and result.request_id == self.request_id:
            self._end(result, error=None)

    def _on_generation_failed(self, message: str, result: GenerationResult) -> None:
        if self.running and result.request_id == self.request_id:
            self._end(result, error=translated(message))  # saved as the user read it

    # ----- the message ---------------------------------------------------------------------

    def _partial_result(self) -> GenerationResult:
        """What has streamed so far, as a reply that was stopped."""
        return GenerationResult(
            reasoning="".join(self._partial[REASONING]).strip(),
            answer="".join(self._partial[ANSWER]).strip(),
            reasoning_unfinished=not self._partial[ANSWER],
            stats=GenerationStats(finish_reason="cancelled"))

    def _save_draft(self) -> None:
        """The reply so far, as stopped: after a crash it reopens with its text."""
        conversation = self._conversation
        if conversation is None or not any(self._partial.values()):
            return
        draft = self._message(self._partial_result(), error=None)
        draft.parent_id = self._parent_id
        self.draft_ready.emit(dataclasses.replace(
            conversation, messages=[*conversation.messages, draft], current_leaf=draft.id))

    def _message(self, result: GenerationResult, error: str | None) -> Message:
        stats = result.stats.to_dict()
        if result.reasoning_unfinished:
            stats["reasoning_unfinished"] = True
        return Message(
            role="assistant", content=result.answer,
            reasoning_content=result.reasoning or None,
            finish_reason=result.stats.finish_reason, stats=stats,
            extra=error_extra(error, result.error_details), id=self._message_id,
            model=self._model_path(),
        )

    def _end(self, result: GenerationResult, error: str | None) -> None:
        self.draft_timer.stop()
        conversation, parent_id = self._conversation, self._parent_id
        self.request_id, self._conversation = 0, None
        if conversation is not None:
            self.ended.emit(conversation, parent_id, self._message(result, error), result)


def error_extra(error: str | None, details: str) -> dict[str, str]:
    """A failed answer's message and, for a bug report, its details (type, traceback)."""
    if not error:
        return {}
    return {"error": error, "error_details": details} if details else {"error": error}

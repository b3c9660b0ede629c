"""The status bar: the model that answers (click it to choose another), loading with its
progress and Cancel, the last reply's speed and context, Undo after a delete, and short
notes (a long prompt being read, what a finished action did)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from desktop_chat.core.inference import GenerationResult, ModelState
from desktop_chat.ui.language import translated
from desktop_chat.ui.widgets.plain_text import plain_tooltip

NOTE_MS = 15_000  # how long a note stays
UNDO_SECONDS = 10


class StatusBar(QStatusBar):
    choose_model_requested = Signal()
    cancel_load_requested = Signal()
    undo_requested = Signal(str)  # the conversation id whose delete to undo

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load_progress = QProgressBar()
        self.load_progress.setObjectName("loadProgress")
        self.load_progress.setRange(0, 1000)
        self.load_progress.setMaximumWidth(180)
        self.load_progress.setTextVisible(False)
        self.cancel_load_button = QPushButton(self.tr("Cancel"))
        self.cancel_load_button.setObjectName("cancelLoadButton")
        self.cancel_load_button.setAccessibleName(self.tr("Cancel loading"))
        self.cancel_load_button.clicked.connect(self.cancel_load_requested)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setObjectName("undoDeleteButton")
        self.undo_button.clicked.connect(self._on_undo_clicked)
        self.reply_stats = QLabel()
        self.reply_stats.setObjectName("replyStats")
        self.model_status = QPushButton(self.tr("No model"))
        self.model_status.setObjectName("modelStatus")
        self.model_status.setFlat(True)
        self.model_status.setAccessibleName(self.tr("Model: choose another"))
        self.model_status.clicked.connect(self.choose_model_requested)
        for widget in (self.undo_button, self.load_progress, self.cancel_load_button,
                       self.reply_stats, self.model_status):
            self.addPermanentWidget(widget)
        for widget in (self.undo_button, self.load_progress, self.cancel_load_button):
            widget.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._expire_undo)
        self._pending_undo: str | None = None
        self._prefill_message = ""  # shown while a long prompt is read

    def note(self, text: str, milliseconds: int = NOTE_MS) -> None:
        """A short note that goes away by itself."""
        self.showMessage(text, milliseconds)

    # ----- the model -----------------------------------------------------------------------

    def show_model_state(self, state: ModelState) -> None:
        """What the worker says: the model open now, and the one loading."""
        loading, current = state.loading, state.current
        if loading is not None:
            self.model_status.setText(self.tr("Loading {name}…").format(
                name=loading.source.display_name))
            if not self.load_progress.isVisible():
                self.load_progress.setValue(0)
        elif current is not None:
            self.model_status.setText(translated(current.summary))
        else:
            self.model_status.setText(self.tr("No model"))
        self.model_status.setToolTip(plain_tooltip(self.tr("{why}\nContext: {context}").format(
            why=translated(current.reason), context=translated(current.context_reason))
            if current and current.context_reason
            else translated(current.reason) if current else ""))
        self.load_progress.setVisible(loading is not None)
        self.cancel_load_button.setVisible(loading is not None)

    def show_load_progress(self, fraction: float, what: str) -> None:
        self.load_progress.setValue(int(fraction * 1000))
        self.load_progress.setToolTip(plain_tooltip(translated(what)))

    # ----- replies -------------------------------------------------------------------------

    def show_reply_stats(self, result: GenerationResult) -> None:
        stats = result.stats
        used = stats.prompt_tokens + stats.reasoning_tokens + stats.answer_tokens
        parts = []
        if stats.decode_tokens_per_s:
            parts.append(self.tr("{rate:.1f} tokens/s").format(rate=stats.decode_tokens_per_s))
        if stats.context_size:
            parts.append(self.tr("context {used} / {size}").format(used=used,
                                                                   size=stats.context_size))
        if stats.dropped_messages:
            parts.append(self.tr("{n} older messages left out to fit").format(
                n=stats.dropped_messages))
        self.reply_stats.setText(" · ".join(parts))

    def show_prefill(self, done: int, total: int) -> None:
        """A long prompt is read in chunks: how far, until the reply starts."""
        if done >= total:
            self.clear_prefill()
            return
        self._prefill_message = self.tr("Reading the prompt: {done} of {total} tokens").format(
            done=f"{done:,}", total=f"{total:,}")
        self.showMessage(self._prefill_message)

    def clear_prefill(self) -> None:
        if self._prefill_message and self.currentMessage() == self._prefill_message:
            self.clearMessage()
        self._prefill_message = ""

    # ----- undo ----------------------------------------------------------------------------

    def offer_undo(self, conversation_id: str) -> None:
        """A conversation was deleted: Undo brings it back, for a few seconds."""
        self._pending_undo = conversation_id
        self.showMessage(self.tr("Conversation deleted."), UNDO_SECONDS * 1000)
        self.undo_button.show()
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def _on_undo_clicked(self) -> None:
        conversation_id, self._pending_undo = self._pending_undo, None
        self._expire_undo()
        if conversation_id:
            self.undo_requested.emit(conversation_id)

    def _expire_undo(self) -> None:
        self.undo_button.hide()
        self.clearMessage()

"""Generate answers, on screen: each answer of a run streams into an answer widget of its
own below the question, with its own thinking panel; the status line says whether the
engine writes them at once or one after another (controllers/alternatives.py follows the
run itself)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from desktop_chat.core.inference import ModelInfo
from desktop_chat.ui.controllers.alternatives import AlternativesRun
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.view import ConversationView


class AlternativesView(QObject):
    """Streams each answer of a run into a widget of its own below the question."""

    def __init__(self, view: ConversationView, run: AlternativesRun,
                 model: Callable[[], ModelInfo | None], notify: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._model = model
        self._notify = notify
        self.widgets: list[AssistantMessageWidget] = []
        run.started.connect(self._on_started)
        run.chunk_received.connect(self._on_chunk)
        run.answer_was_reasoning.connect(self._on_was_reasoning)
        run.ended.connect(lambda *_: self.widgets.clear())

    def _on_started(self, count: int) -> None:
        self.widgets = [self.view.start_assistant_message() for _ in range(count)]
        for number, widget in enumerate(self.widgets, start=1):
            # Each answer says which version it will be (the arrows wait for the end).
            widget.actions.versions.set_position(number, count)
            widget.copy_button.hide()
            widget.footer.show()
        info = self._model()
        if info is not None and not info.batches_alternatives:
            self._notify(self.tr("This engine writes one answer at a time: the {count} "
                                 "answers come one after another.").format(count=count))
        else:
            self._notify(self.tr("Writing {count} answers at once.").format(count=count))

    def _on_chunk(self, sequence: int, kind: str, text: str) -> None:
        if 0 <= sequence < len(self.widgets):
            self.widgets[sequence].append(kind, text)

    def _on_was_reasoning(self, sequence: int) -> None:
        if 0 <= sequence < len(self.widgets):
            self.widgets[sequence].answer_was_reasoning()

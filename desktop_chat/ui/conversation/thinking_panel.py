"""The model's reasoning above its answer: a header that folds it, and Answer now."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QVBoxLayout, QWidget

from desktop_chat.ui.conversation.segmented_text import SegmentedText


class ThinkingPanel(QFrame):
    """The model's reasoning: open and live while it thinks, folded when the answer starts."""

    answer_now_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thinkingPanel")
        self.header = QToolButton()
        self.header.setObjectName("thinkingHeader")
        self.header.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.header.setCheckable(True)
        self.header.setAutoRaise(True)
        self.header.toggled.connect(self.set_expanded)
        # Shown only while the model thinks, when its engine can cut the thinking short.
        self.answer_now_button = QToolButton()
        self.answer_now_button.setObjectName("answerNowButton")
        self.answer_now_button.setText(self.tr("Answer now"))
        self.answer_now_button.setAccessibleName(self.tr("Stop thinking and answer now"))
        self.answer_now_button.setToolTip(self.tr(
            "End the thinking here: the model writes its answer from what it has thought "
            "so far."))
        self.answer_now_button.clicked.connect(self._on_answer_now)
        self.answer_now_button.hide()
        header_row = QHBoxLayout()
        header_row.setContentsMargins(0, 0, 0, 0)
        header_row.addWidget(self.header)
        header_row.addStretch(1)
        header_row.addWidget(self.answer_now_button)
        self.text = SegmentedText("thinkingText", None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(2)
        layout.addLayout(header_row)
        layout.addWidget(self.text)
        self.seconds: float | None = None
        self._finished = False
        self.set_thinking()

    @property
    def expanded(self) -> bool:
        return self.header.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        if self.header.isChecked() != expanded:
            self.header.setChecked(expanded)  # re-enters through toggled
            return
        self.header.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.text.setVisible(expanded)

    def set_thinking(self) -> None:
        self.header.setText(self.tr("Thinking…"))

    def append(self, text: str) -> None:
        self.text.set_text(self.text.text + text)

    def set_reasoning(self, text: str) -> None:
        self.text.set_text(text)

    def reasoning(self) -> str:
        return self.text.text

    def set_answer_now_available(self, available: bool) -> None:
        """Offer Answer now (while thinking; the engine can end the thinking)."""
        self.answer_now_button.setVisible(available and not self._finished)

    def _on_answer_now(self) -> None:
        self.answer_now_button.setEnabled(False)  # asked once; the answer follows
        self.answer_now_button.setText(self.tr("Answering…"))
        self.answer_now_requested.emit()

    def finish(self, seconds: float | None, unfinished: bool = False,
               cut: str | None = None) -> None:
        """The thinking is over; ``cut``: why it was ended early (GenerationStats.thinking_cut:
        "answer_now" or "budget")."""
        self.seconds = seconds
        self._finished = True
        self.answer_now_button.hide()
        if seconds is None:
            title = self.tr("Thoughts")
        elif round(seconds) <= 1:
            title = self.tr("Thought for 1 second")
        else:
            title = self.tr("Thought for {n} seconds").format(n=round(seconds))
        if unfinished:
            title += self.tr(" (stopped while thinking)")
        elif cut == "answer_now":
            title += self.tr(" (ended early with Answer now)")
        elif cut == "budget":
            title += self.tr(" (ended at the thinking budget)")
        self.header.setText(title)

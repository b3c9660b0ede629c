"""An answer of the model, as the conversation shows it, streaming or finished.

While it streams, the answer is rendered as Markdown at most every
MARKDOWN_RENDER_INTERVAL_MS; the reasoning goes to a thinking panel above it
(thinking_panel.py), folded when the answer starts unless the setting keeps it open.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.conversation import Message
from desktop_chat.core.message_stats import valid_stats
from desktop_chat.core.model_source import ModelSource
from desktop_chat.ui.conversation.links import handle_link
from desktop_chat.ui.conversation.message_actions import MessageActions
from desktop_chat.ui.conversation.segmented_text import SegmentedText
from desktop_chat.ui.conversation.thinking_panel import ThinkingPanel
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.widgets.elided_label import ElidedLabel
from desktop_chat.ui.widgets.plain_text import plain_label, plain_tooltip

MARKDOWN_RENDER_INTERVAL_MS = 100  # re-render a streaming answer at most 10 times a second


class AssistantMessageWidget(QWidget):
    """An answer: thinking panel, Markdown body, and a footer with state, stats and actions."""

    regenerate_requested = Signal()
    alternatives_requested = Signal()  # Generate answers: several versions at once
    answer_now_requested = Signal()  # from the live thinking panel's Answer now

    def __init__(self, renderer: MarkdownRenderer, show_thinking: bool,
                 keep_thinking_open: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer = renderer
        self.show_thinking = show_thinking
        self.keep_thinking_open = keep_thinking_open
        self.thinking: ThinkingPanel | None = None
        self.answer_now_available = False  # the engine can cut the thinking short
        self._answer = ""
        self._last_render = 0.0
        self.streaming = False
        self._stream_started = time.monotonic()

        self.body = SegmentedText("answerText", renderer)
        self.body.link_activated.connect(self._on_link)
        self.body.hide()
        self.error = plain_label()  # a server's words or an imported field
        self.error.setObjectName("messageError")
        self.error.setWordWrap(True)
        self.error.hide()

        self.footer = QWidget()
        self.footer.setObjectName("messageFooter")
        self.state = QLabel()
        self.state.setObjectName("messageState")
        self.stats = ElidedLabel()  # a narrow window shortens it, never cuts it
        self.stats.setObjectName("messageStats")
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyMessageButton")
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy answer"))
        self.copy_button.clicked.connect(self.copy_answer)
        self.regenerate_button = QToolButton()
        self.regenerate_button.setObjectName("regenerateButton")
        self.regenerate_button.setText(self.tr("Regenerate"))
        self.regenerate_button.setAccessibleName(self.tr("Regenerate answer"))
        self.regenerate_button.clicked.connect(self.regenerate_requested)
        self.regenerate_button.hide()
        self.alternatives_button = QToolButton()
        self.alternatives_button.setObjectName("alternativesButton")
        self.alternatives_button.setText(self.tr("Generate answers"))
        self.alternatives_button.setAccessibleName(self.tr("Generate several answers"))
        self.alternatives_button.setToolTip(self.tr("Write several answers at once; they "
                                                    "become versions of this answer."))
        self.alternatives_button.clicked.connect(self.alternatives_requested)
        self.alternatives_button.hide()
        self.error_details_button = QToolButton()  # what a bug report needs, to copy
        self.error_details_button.setObjectName("errorDetailsButton")
        self.error_details_button.setText(self.tr("Details…"))
        self.error_details_button.setAccessibleName(self.tr("Show the error's details"))
        self.error_details_button.clicked.connect(self.show_error_details)
        self.error_details_button.hide()
        self._error = ("", "")  # the failed answer's message and details
        self.actions = MessageActions(self, editable=False, full_text=lambda: self._answer)
        footer = QHBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.actions.versions)
        footer.addWidget(self.state)
        footer.addWidget(self.error_details_button)
        footer.addWidget(self.stats, 1)  # takes the room the buttons leave, shortened in it
        footer.addWidget(self.copy_button)
        footer.addWidget(self.regenerate_button)
        footer.addWidget(self.alternatives_button)
        footer.addWidget(self.actions.fork_button)

        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 6, 0, 10)
        self._layout.setSpacing(6)
        self._layout.addWidget(self.body)
        self._layout.addWidget(self.error)
        self._layout.addWidget(self.footer)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.timeout.connect(self._render)

    # ----- streaming -----------------------------------------------------------------------

    def start_streaming(self) -> None:
        self.streaming = True
        self._stream_started = time.monotonic()
        self.footer.hide()

    def answer_was_reasoning(self) -> None:
        """What streamed as the answer was thinking (a server's template opened it)."""
        if self._answer:
            self._thinking_panel().append(self._answer)
            self._thinking_started = self._stream_started  # it began with the reply
        self._answer = ""
        self._render()

    def append(self, kind: str, text: str) -> None:
        if kind == "reasoning":
            panel = self._thinking_panel()
            panel.append(text)
            return
        if self.thinking is not None and not self._answer and self.thinking.seconds is None:
            self.thinking.finish(self._elapsed_thinking())
            if not self.keep_thinking_open:
                self.thinking.set_expanded(False)
        self._answer += text
        self._schedule_render()

    def _elapsed_thinking(self) -> float:
        return time.monotonic() - self._thinking_started

    def _schedule_render(self) -> None:
        since = (time.monotonic() - self._last_render) * 1000
        if since >= MARKDOWN_RENDER_INTERVAL_MS:
            self._render()
        elif not self._render_timer.isActive():
            self._render_timer.start(int(MARKDOWN_RENDER_INTERVAL_MS - since))

    def _render(self) -> None:
        self._render_timer.stop()
        self._last_render = time.monotonic()
        if self._answer != self.body.text:
            self.body.set_text(self._answer)
        self.body.setVisible(bool(self._answer.strip()))

    # ----- final state ---------------------------------------------------------------------

    def show_message(self, message: Message) -> None:
        """Show a finished (or saved) message: answer, reasoning, duration, state, stats."""
        self.streaming = False
        stats = valid_stats(message.stats) or {}  # a Message made anywhere: only what shows
        if not message.reasoning_content and self.thinking is not None:
            # Streamed as thinking, saved as the answer (a server's reply that never closed
            # the thinking its template was presumed to open).
            self._layout.removeWidget(self.thinking)
            self.thinking.deleteLater()
            self.thinking = None
        if message.reasoning_content:
            # A saved answer opens as a streamed one ends: thinking folded once the answer
            # came, unless the setting keeps it open (slots.estimate_height agrees).
            panel = self._thinking_panel(expanded=self.keep_thinking_open or not message.content)
            if panel.reasoning() != message.reasoning_content:
                panel.set_reasoning(message.reasoning_content)
            unfinished = bool(stats.get("reasoning_unfinished"))
            panel.finish(stats.get("thinking_s"), unfinished, stats.get("thinking_cut"))
            if not self.keep_thinking_open and message.content:
                panel.set_expanded(False)
        self._answer = message.content
        self._render()
        self._show_state(message)
        self.footer.show()

    def _show_state(self, message: Message) -> None:
        stats = valid_stats(message.stats) or {}  # a Message made anywhere: only what shows
        states = {
            "cancelled": self.tr("Stopped"),
            "length": self.tr("Cut off at the length limit"),
            "error": self.tr("Failed"),
        }
        self.state.setText(states.get(message.finish_reason or "", ""))
        self.state.setVisible(message.finish_reason in states)
        error = message.extra.get("error")
        self.error.setText(self.tr("Error: {message}").format(message=error) if error else "")
        self.error.setVisible(bool(error))
        self._error = (str(error or ""), str(message.extra.get("error_details") or ""))
        self.error_details_button.setVisible(all(self._error))
        tokens = stats.get("reasoning_tokens", 0) + stats.get("answer_tokens", 0)
        rate = stats.get("decode_tokens_per_s")
        parts = []
        if tokens:
            parts.append(self.tr("1 token") if tokens == 1
                         else self.tr("{n} tokens").format(n=tokens))
        if rate:
            parts.append(self.tr("{rate:.1f} tokens/s").format(rate=rate))
        if message.model:  # the model that wrote it, which may not be the one open now
            parts.insert(0, _model_name(message.model))
        self.stats.setText(" · ".join(parts))
        written_by = (self.tr("Written by {model}").format(model=message.model)
                      if message.model else "")
        self.stats.setToolTip(plain_tooltip("\n".join(filter(None, (self.stats.text(),
                                                                     written_by)))))

    def show_error_details(self) -> QMessageBox:
        """The error and its details (type, traceback) in a box whose details copy as
        plain text."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("The answer failed"),
                          self._error[0], QMessageBox.StandardButton.Ok, self)
        box.setObjectName("answerErrorDialog")
        box.setTextFormat(Qt.TextFormat.PlainText)  # a server's words are not markup
        box.setDetailedText(self._error[1])
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def set_answer_now_available(self, available: bool) -> None:
        """While streaming: whether the thinking panel offers Answer now."""
        self.answer_now_available = available
        if self.thinking is not None and self.streaming:
            self.thinking.set_answer_now_available(available)

    def set_last(self, last: bool) -> None:
        self.regenerate_button.setVisible(last)
        self.alternatives_button.setVisible(last)

    def set_thinking_visible(self, visible: bool) -> None:
        self.show_thinking = visible
        if self.thinking is not None:
            self.thinking.setVisible(visible)

    def answer_markdown(self) -> str:
        return self._answer

    def copy_answer(self) -> None:
        QGuiApplication.clipboard().setText(self._answer)

    def _thinking_panel(self, expanded: bool = True) -> ThinkingPanel:
        if self.thinking is None:
            self._thinking_started = time.monotonic()
            self.thinking = ThinkingPanel()
            self.thinking.set_expanded(expanded)
            self.thinking.answer_now_requested.connect(self.answer_now_requested)
            if self.streaming:
                self.thinking.set_answer_now_available(self.answer_now_available)
            self._layout.insertWidget(0, self.thinking)
            self.thinking.setVisible(self.show_thinking)
        return self.thinking

    def _on_link(self, url: str, code: list[str]) -> None:
        handle_link(url, code)

    def text_labels(self) -> list[tuple[QLabel, bool]]:
        """The labels find searches, in reading order, each with whether it is thinking."""
        labels: list[tuple[QLabel, bool]] = []
        if self.thinking is not None and self.show_thinking:
            labels += [(label, True) for label in self.thinking.text.labels()]
        if self.body.isVisibleTo(self) or self._answer.strip():
            labels += [(label, False) for label in self.body.labels()]
        return labels


def _model_name(model: str) -> str:
    """The short name of the model that wrote an answer; an imported address that is not
    one (``http://``) as it is written."""
    try:
        return ModelSource.parse(model).display_name
    except ValueError:  # ServerAddressError
        return model

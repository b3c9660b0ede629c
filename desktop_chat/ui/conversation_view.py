"""The conversation: messages in groups of GROUP_SIZE whose heights are cached.

When the message being streamed grows, only its group is measured again (at most
GROUP_SIZE widgets, the others answering from their caches) and the page adds up a few
cached group heights, whatever the length of the conversation. A message never moves
between groups: moving a widget re-polishes its whole subtree.

The view follows new text while the user is at the bottom; scrolling up stops that until
they come back down.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from desktop_chat.core.conversation import Message
from desktop_chat.ui.cached_height import CachedHeightBox
from desktop_chat.ui.markdown import MarkdownRenderer
from desktop_chat.ui.messages import AssistantMessageWidget, UserMessageWidget

FOLLOW_SLACK_PX = 24
GROUP_SIZE = 16


class ConversationView(QScrollArea):
    regenerate_requested = Signal()

    def __init__(self, renderer: MarkdownRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationView")
        self.setAccessibleName(self.tr("Conversation"))
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.renderer = renderer
        self.show_thinking = True
        self.keep_thinking_open = False

        page = QWidget()
        self._column = QVBoxLayout(page)
        self._column.setContentsMargins(24, 16, 24, 16)
        self._column.setSpacing(4)
        self._column.addStretch(1)
        self.groups: list[CachedHeightBox] = []
        self.setWidget(page)

        self.live: AssistantMessageWidget | None = None
        self._last_assistant: AssistantMessageWidget | None = None
        self._following = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)

    # ----- content -------------------------------------------------------------------------

    def clear(self) -> None:
        self.live = None
        self._last_assistant = None
        for group in self.groups:
            self._column.removeWidget(group)
            group.deleteLater()
        self.groups = []

    def show_messages(self, messages: list[Message]) -> None:
        self.clear()
        for message in messages:
            self._append_finished(message)
        self._following = True
        self.scroll_to_bottom()

    def add_user_message(self, message: Message) -> None:
        self._file(UserMessageWidget(message))
        self._following = True

    def start_assistant_message(self) -> AssistantMessageWidget:
        if self._last_assistant is not None:
            self._last_assistant.set_last(False)
        self.live = self._new_assistant_widget()
        self.live.start_streaming()
        self._file(self.live)
        return self.live

    def append_chunk(self, kind: str, text: str) -> None:
        if self.live is not None:
            self.live.append(kind, text)

    def answer_was_reasoning(self) -> None:
        if self.live is not None:
            self.live.answer_was_reasoning()

    def finish_live_message(self, message: Message) -> None:
        """The streamed reply is complete: show its final state."""
        widget = self.live
        if widget is None:
            return
        self.live = None
        widget.show_message(message)
        self._mark_last(widget)

    def remove_last_assistant_message(self) -> None:
        """Regenerate: the last answer goes away before the new one streams in."""
        if self.groups and isinstance(widget := self.groups[-1].widgets()[-1],
                                      AssistantMessageWidget):
            self.groups[-1].items.removeWidget(widget)
            widget.deleteLater()
            self._last_assistant = None

    def set_thinking_visible(self, visible: bool) -> None:
        self.show_thinking = visible
        for widget in self.assistant_widgets():
            widget.set_thinking_visible(visible)

    def assistant_widgets(self) -> list[AssistantMessageWidget]:
        widgets = [w for group in self.groups for w in group.widgets()]
        return [w for w in widgets if isinstance(w, AssistantMessageWidget)]

    def _append_finished(self, message: Message) -> None:
        if message.role == "user":
            self._file(UserMessageWidget(message))
        elif message.role == "assistant":
            widget = self._new_assistant_widget()
            widget.show_message(message)
            self._file(widget)
            self._mark_last(widget)

    def _file(self, widget: QWidget) -> None:
        """Add a finished message to the last group, starting a new group when it is full."""
        if not self.groups or self.groups[-1].items.count() >= GROUP_SIZE:
            group = CachedHeightBox(spacing=4)
            # Centred by alignment at min(CONTENT_MAX_WIDTH, available): the same width
            # whatever width the scroll area tries, so the cached heights stay valid.
            self._column.insertWidget(len(self.groups), group, 0, Qt.AlignmentFlag.AlignHCenter)
            self.groups.append(group)
        self.groups[-1].items.addWidget(widget)

    def _new_assistant_widget(self) -> AssistantMessageWidget:
        widget = AssistantMessageWidget(self.renderer, self.show_thinking,
                                        self.keep_thinking_open)
        widget.regenerate_requested.connect(self.regenerate_requested)
        return widget

    def _mark_last(self, widget: AssistantMessageWidget) -> None:
        if self._last_assistant is not None and self._last_assistant is not widget:
            self._last_assistant.set_last(False)
        self._last_assistant = widget
        widget.set_last(True)

    # ----- following new text --------------------------------------------------------------

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._following = value >= bar.maximum() - FOLLOW_SLACK_PX

    def _on_range_changed(self, minimum: int, maximum: int) -> None:
        if self._following:
            self.verticalScrollBar().setValue(maximum)

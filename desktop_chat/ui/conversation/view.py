"""The conversation as the window shows it: the messages, the reply streaming in, the
branches' arrows, the thinking settings, and find.

``ConversationView`` is a ``SlotScrollArea`` (slot_area.py): one slot per message
(slots.py), and widgets only for the messages near the viewport, so a 2,000-message
conversation opens by building the few messages at its end. This module says which
widget a message gets (user_message.py, assistant_message.py) and wires what it offers
(regenerate, edit, fork, versions) to the view's signals. Find (find.py) searches the
slots' messages and brings a match into view through the area's ``reveal_*``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from desktop_chat.core.conversation import Message
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.find import ConversationFind
from desktop_chat.ui.conversation.slot_area import MessageWidget, SlotScrollArea
from desktop_chat.ui.conversation.slots import SHOWN_ROLES, MessageSlot
from desktop_chat.ui.conversation.user_message import UserMessageWidget
from desktop_chat.ui.render.markdown import MarkdownRenderer

OPENING_PRELOAD_DELAY_MS = 50


class ConversationView(SlotScrollArea):
    regenerate_requested = Signal()
    alternatives_requested = Signal()  # several answers to the last message at once
    edit_submitted = Signal(str, str)  # the id of the message edited, the new text
    version_step_requested = Signal(str, int)  # message id, -1 (previous) or +1 (next)
    fork_requested = Signal(str)  # message id

    def __init__(self, renderer: MarkdownRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationView")
        self.setAccessibleName(self.tr("Conversation"))
        self.renderer = renderer
        self.live: AssistantMessageWidget | None = None
        self._last_assistant: MessageSlot | None = None
        self.versions: dict[str, tuple[int, int]] = {}  # id -> (number, count); see set_versions
        self.branching_enabled = True  # Edit and the version arrows (not while streaming)
        self.finder = ConversationFind(self, self)
        self.finder.bar_toggled.connect(self._place_find_bar)
        self.widget_built.connect(self.finder.widget_built)
        self.find_bar = self.finder.bar

    # ----- content -------------------------------------------------------------------------

    def clear(self) -> None:
        self.close_find()
        self.live = None
        self._last_assistant = None
        for index in self.built_indexes():
            self.drop(index, keep_fold=False)
        self.slot_layout.clear()
        self.relayout()

    def show_messages(self, messages: list[Message]) -> None:
        self.clear()
        self.slot_layout.show(messages)
        self._last_assistant = self.slot_layout.last_assistant()
        self.follow_new_text()
        self.relayout()
        # The messages around the last screen are built once it has been painted.
        self.preload_later(OPENING_PRELOAD_DELAY_MS)

    def add_user_message(self, message: Message) -> None:
        self._append(MessageSlot(message))
        self.follow_new_text()
        self.relayout()

    def start_assistant_message(self) -> AssistantMessageWidget:
        self._mark_last(None)
        slot = MessageSlot(None)
        self._append(slot)
        live = self.build(len(self.slots) - 1)
        assert isinstance(live, AssistantMessageWidget)  # a slot without a message
        self.live = live
        live.start_streaming()
        self.relayout()
        return live

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
        slot = next((s for s in reversed(self.slots) if s.widget is widget), None)
        widget.show_message(message)
        if slot is not None:
            slot.message = message
            self._mark_last(slot)
        self.finder.stale = True

    def remove_last_assistant_message(self) -> None:
        """Regenerate: the last answer goes away before the new one streams in."""
        if not self.slots or self.slots[-1].role != "assistant":
            return
        index = len(self.slots) - 1
        slot = self.slots[index]
        self.finder.slot_removed(slot)
        if slot.widget is self.live:
            self.live = None
        if slot.widget is not None:
            self.drop(index, keep_fold=False)
        self.slot_layout.remove_last()
        self._last_assistant = None
        self.relayout()

    def _append(self, slot: MessageSlot) -> None:
        self.slot_layout.append(slot)
        self.finder.stale = True

    def _mark_last(self, slot: MessageSlot | None) -> None:
        previous = self._last_assistant
        if previous is not None and previous is not slot and previous.widget is not None:
            previous.widget.set_last(False)
        self._last_assistant = slot
        if slot is not None and slot.widget is not None:
            slot.widget.set_last(True)

    def assistant_widgets(self) -> list[AssistantMessageWidget]:
        """The answers that have a widget now (those near the viewport), in order."""
        return [w for w in self.message_widgets() if isinstance(w, AssistantMessageWidget)]

    def message_widgets(self) -> list[MessageWidget]:
        """The messages that have a widget now (those near the viewport), in order."""
        return [self.slots[i].widget for i in self.built_indexes()]

    # ----- branches (versions, edits, forks) -------------------------------------------

    def show_path(self, messages: list[Message]) -> None:
        """Show another branch of the conversation shown: the messages both share keep
        their widgets and heights, the first message in view keeps its place, and only
        the rest is rebuilt (no model work: the messages are all in memory)."""
        shown = [m for m in messages if m.role in SHOWN_ROLES]
        if self.live is not None:
            self.show_messages(messages)
            return
        same = self.slot_layout.shared_prefix(shown)
        for index in range(same, len(self.slots)):
            self.finder.slot_removed(self.slots[index])
            if self.slots[index].widget is not None:
                self.drop(index, keep_fold=False)
        self.slot_layout.replace_from(same, shown[same:])
        self.finder.stale = True
        self._mark_last(self.slot_layout.last_assistant())
        self.relayout()

    def set_versions(self, versions: dict[str, tuple[int, int]]) -> None:
        """Message id -> (its number, how many versions), for the messages with more than
        one (core/versions.py); the others show no arrows."""
        self.versions = versions
        for index in self.built_indexes():
            self._show_version(self.slots[index])

    def set_branching_enabled(self, enabled: bool) -> None:
        self.branching_enabled = enabled
        for widget in self.message_widgets():
            widget.actions.set_branching_enabled(enabled)

    def _show_version(self, slot: MessageSlot) -> None:
        if slot.widget is not None:
            message_id = slot.message.id if slot.message is not None else ""
            slot.widget.actions.versions.set_position(*self.versions.get(message_id, (1, 1)))

    def _connect_actions(self, slot: MessageSlot, widget: MessageWidget) -> None:
        """The message's Edit, Fork and version arrows name it (the reply streaming now
        gets its message when it ends)."""
        actions = widget.actions
        actions.set_branching_enabled(self.branching_enabled)
        message_id = slot.message.id if slot.message is not None else ""
        actions.versions.set_position(*self.versions.get(message_id, (1, 1)))
        actions.versions.step_requested.connect(
            lambda step: slot.message and self.version_step_requested.emit(slot.message.id,
                                                                           step))
        actions.fork_requested.connect(
            lambda: slot.message and self.fork_requested.emit(slot.message.id))
        if isinstance(widget, UserMessageWidget):
            widget.edit_submitted.connect(
                lambda text: self.edit_submitted.emit(slot.message.id, text))

    # ----- thinking ------------------------------------------------------------------------

    @property
    def show_thinking(self) -> bool:
        """The setting: answers show their thinking panel (set_thinking_visible)."""
        return self.slot_layout.show_thinking

    def set_thinking_visible(self, visible: bool) -> None:
        self.slot_layout.show_thinking = visible
        self.slot_layout.forget_estimates()  # measured with the other setting
        for widget in self.assistant_widgets():
            widget.set_thinking_visible(visible)
        self.finder.stale = True
        self.relayout()

    @property
    def keep_thinking_open(self) -> bool:
        """The setting: thinking stays open once the answer starts (and in saved answers)."""
        return self.slot_layout.keep_thinking_open

    @keep_thinking_open.setter
    def keep_thinking_open(self, keep: bool) -> None:
        if keep == self.slot_layout.keep_thinking_open:
            return
        self.slot_layout.keep_thinking_open = keep
        # Those without a widget open (or not) by the setting, unless the user chose.
        self.slot_layout.forget_estimates(lambda slot: slot.thinking_open is None)
        self.relayout()

    # ----- the widgets the area asks for ---------------------------------------------------

    def new_widget(self, slot: MessageSlot, page: QWidget) -> MessageWidget:
        widget: MessageWidget
        if slot.message is not None and slot.message.role == "user":
            widget = UserMessageWidget(slot.message, page)
        else:
            widget = AssistantMessageWidget(self.renderer, self.show_thinking,
                                            self.keep_thinking_open, page)
            widget.regenerate_requested.connect(self.regenerate_requested)
            widget.alternatives_requested.connect(self.alternatives_requested)
            if slot.message is not None:
                widget.show_message(slot.message)
                if slot.thinking_open is not None and widget.thinking is not None:
                    widget.thinking.set_expanded(slot.thinking_open)
            widget.set_last(slot is self._last_assistant and slot.message is not None)
        self._connect_actions(slot, widget)
        return widget

    def keeps_widget(self, slot: MessageSlot) -> bool:
        """The reply streaming, and a message being edited, keep their widgets."""
        widget = slot.widget
        return widget is self.live or (isinstance(widget, UserMessageWidget)
                                       and widget.editor is not None)

    # ----- find ----------------------------------------------------------------------------

    def open_find(self) -> None:
        """Show the find bar (Ctrl+F) with its query selected."""
        self.finder.open()

    def close_find(self) -> None:
        self.finder.close()

    def find(self, query: str) -> int:
        """Search the messages for ``query``; go to the first match. Returns the count."""
        return self.finder.find(query)

    def find_next(self) -> None:
        self.finder.find_next()

    def find_previous(self) -> None:
        self.finder.find_previous()

    def find_position(self) -> tuple[int | None, int]:
        """The current match (from 0, None when there is none) and the number of matches."""
        return self.finder.position()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_find_bar()

    def _place_find_bar(self) -> None:
        if self.find_bar.isHidden():
            self.setViewportMargins(0, 0, 0, 0)
            return
        height = self.find_bar.sizeHint().height()
        self.setViewportMargins(0, height, 0, 0)
        self.find_bar.setGeometry(0, 0, self.width(), height)
        self.find_bar.raise_()

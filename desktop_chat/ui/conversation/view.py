"""The conversation: only the messages near the viewport have widgets.

The view keeps one slot per message (the model, and a height) and builds widgets for the
slots in view, then, when idle, for those within a screen of it; widgets more than two
screens away are dropped. A slot without a widget is only a height: the one measured when
it last had a widget at this width, else an estimate from its text. The page has no
layout: the view places the widgets itself at offsets summed from those heights, so a
2,000-message conversation opens by building the few messages at its end.

When heights change (a widget measured for the first time, a thinking panel folded, the
window resized), the first message in view keeps its place on screen. While the user is
at the bottom the view follows new text instead; scrolling up stops that until they come
back down.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QScrollArea, QWidget

from desktop_chat.core.conversation import Message
from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.find import ConversationFind
from desktop_chat.ui.conversation.user_message import UserMessageWidget
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.widgets.cached_height import PREFERRED_WIDTH

FOLLOW_SLACK_PX = 24
MARGIN_X = 24
MARGIN_Y = 16
SPACING = 4
PRELOAD_SCREENS = 1.0  # built when idle, this far above and below the viewport
KEEP_SCREENS = 2.0  # widgets further away than this are dropped
SHOWN_ROLES = ("user", "assistant")
OPENING_PRELOAD_DELAY_MS = 50


@dataclass(eq=False)
class MessageSlot:
    """A message of the conversation, with or without a widget."""

    message: Message | None  # None: the reply being streamed
    widget: QWidget | None = None
    height: int = 0
    measured_at: int = 0  # the width `height` was measured at (0: an estimate)
    estimated_at: int = 0
    thinking_open: bool | None = None  # the fold the user chose, kept without a widget
    shown_text: tuple | None = None  # find's: (what it was made from, thinking's, the rest's)


class _Page(QWidget):
    """The scrolled page: no layout; a child whose size hint changes makes it relayout."""

    def __init__(self, view: ConversationView) -> None:
        super().__init__()
        self._view = view

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._view._layout()
            self._view._fill_viewport()
            return True
        return super().event(event)


class ConversationView(QScrollArea):
    regenerate_requested = Signal()
    alternatives_requested = Signal()  # several answers to the last message at once
    edit_submitted = Signal(str, str)  # the id of the message edited, the new text
    version_step_requested = Signal(str, int)  # message id, -1 (previous) or +1 (next)
    fork_requested = Signal(str)  # message id

    def __init__(self, renderer: MarkdownRenderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationView")
        self.setAccessibleName(self.tr("Conversation"))
        self.setWidgetResizable(False)  # the view sizes the page itself
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.renderer = renderer
        self.show_thinking = True
        self._keep_thinking_open = False

        self._page = _Page(self)
        self.setWidget(self._page)
        self.slots: list[MessageSlot] = []
        self._heights: list[int] = []
        self._tops: list[int] = []
        self._built: set[int] = set()  # indexes of the slots that have a widget
        self._calibration = {"user": 1.0, "assistant": 1.0}
        self._placing = False  # the view moves the scroll bar itself: not the user
        self._relayout_pending = False
        self._changed_from = 0  # the first slot whose height changed since the last layout
        self._estimated_at = 0  # the width of the estimates
        self._unestimated = False  # slots were added, or their estimates dropped

        self.live: AssistantMessageWidget | None = None
        self._last_assistant: MessageSlot | None = None
        self.versions: dict[str, tuple[int, int]] = {}  # id -> (number, count); see set_versions
        self.branching_enabled = True  # Edit and the version arrows (not while streaming)
        self._following = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        self._preload_timer = QTimer(self)
        self._preload_timer.setSingleShot(True)
        self._preload_timer.setInterval(0)
        self._preload_timer.timeout.connect(self._preload_one)

        self.finder = ConversationFind(self)
        self.find_bar = self.finder.bar

    # ----- content -------------------------------------------------------------------------

    def clear(self) -> None:
        self.close_find()
        self.live = None
        self._last_assistant = None
        for index in list(self._built):
            self._drop(index, keep_fold=False)
        self.slots = []
        self._heights = []
        self._tops = []
        self._layout()

    def show_messages(self, messages: list[Message]) -> None:
        self.clear()
        self.slots = [MessageSlot(m) for m in messages if m.role in SHOWN_ROLES]
        self._heights = [0] * len(self.slots)
        self._unestimated = True
        for slot in reversed(self.slots):
            if slot.message.role == "assistant":
                self._last_assistant = slot
                break
        self._following = True
        self._layout()
        self._fill_viewport()
        # The messages around the last screen are built once it has been painted.
        self._preload_timer.start(OPENING_PRELOAD_DELAY_MS)

    def add_user_message(self, message: Message) -> None:
        self._append(MessageSlot(message))
        self._following = True
        self._layout()
        self._fill_viewport()

    def start_assistant_message(self) -> AssistantMessageWidget:
        self._mark_last(None)
        slot = MessageSlot(None)
        self._append(slot)
        self.live = self._build(len(self.slots) - 1)
        self.live.start_streaming()
        self._layout()
        self._fill_viewport()
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
        slot = next((s for s in reversed(self.slots) if s.widget is widget), None)
        widget.show_message(message)
        if slot is not None:
            slot.message = message
            self._mark_last(slot)
        self.finder.stale = True

    def remove_last_assistant_message(self) -> None:
        """Regenerate: the last answer goes away before the new one streams in."""
        if not self.slots or self._role(self.slots[-1]) != "assistant":
            return
        index = len(self.slots) - 1
        slot = self.slots[index]
        self.finder.slot_removed(slot)
        if slot.widget is self.live:
            self.live = None
        if index in self._built:
            self._drop(index, keep_fold=False)
        del self.slots[index]
        del self._heights[index]
        self._last_assistant = None
        self._layout()
        self._fill_viewport()

    # ----- branches (versions, edits, forks) -------------------------------------------

    def show_path(self, messages: list[Message]) -> None:
        """Show another branch of the conversation shown: the messages both share keep
        their widgets and heights, the first message in view keeps its place, and only
        the rest is rebuilt (no model work: the messages are all in memory)."""
        shown = [m for m in messages if m.role in SHOWN_ROLES]
        if self.live is not None:
            self.show_messages(messages)
            return
        same = 0
        for slot, message in zip(self.slots, shown, strict=False):
            if slot.message is None or slot.message.id != message.id:
                break
            same += 1
        for index in range(same, len(self.slots)):
            self.finder.slot_removed(self.slots[index])
            if index in self._built:
                self._drop(index, keep_fold=False)
        self.slots[same:] = [MessageSlot(m) for m in shown[same:]]
        self._heights[same:] = [0] * (len(self.slots) - same)
        self._changed_from = min(self._changed_from, same)
        self._unestimated = True
        self.finder.stale = True
        self._mark_last(next((s for s in reversed(self.slots)
                              if self._role(s) == "assistant"), None))
        self._layout()
        self._fill_viewport()

    def set_versions(self, versions: dict[str, tuple[int, int]]) -> None:
        """Message id -> (its number, how many versions), for the messages with more than
        one (core/versions.py); the others show no arrows."""
        self.versions = versions
        for index in self._built:
            self._show_version(self.slots[index])

    def set_branching_enabled(self, enabled: bool) -> None:
        self.branching_enabled = enabled
        for widget in self.message_widgets():
            widget.actions.set_branching_enabled(enabled)

    def _show_version(self, slot: MessageSlot) -> None:
        if slot.widget is not None:
            message_id = slot.message.id if slot.message is not None else ""
            slot.widget.actions.versions.set_position(*self.versions.get(message_id, (1, 1)))

    def _connect_actions(self, slot: MessageSlot, widget: QWidget) -> None:
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

    def set_thinking_visible(self, visible: bool) -> None:
        self.show_thinking = visible
        for slot in self.slots:
            if slot.widget is None:
                slot.measured_at = slot.estimated_at = 0  # measured with the other setting
        self._unestimated = True
        for widget in self.assistant_widgets():
            widget.set_thinking_visible(visible)
        self.finder.stale = True
        self._layout()
        self._fill_viewport()

    @property
    def keep_thinking_open(self) -> bool:
        """The setting: thinking stays open once the answer starts (and in saved answers)."""
        return self._keep_thinking_open

    @keep_thinking_open.setter
    def keep_thinking_open(self, keep: bool) -> None:
        if keep == self._keep_thinking_open:
            return
        self._keep_thinking_open = keep
        for slot in self.slots:  # those without a widget open (or not) by the setting
            if slot.widget is None and slot.thinking_open is None:
                slot.measured_at = slot.estimated_at = 0
        self._unestimated = True
        self._layout()
        self._fill_viewport()

    def assistant_widgets(self) -> list[AssistantMessageWidget]:
        """The answers that have a widget now (those near the viewport), in order."""
        return [w for w in self.message_widgets() if isinstance(w, AssistantMessageWidget)]

    def message_widgets(self) -> list[QWidget]:
        """The messages that have a widget now (those near the viewport), in order."""
        return [self.slots[i].widget for i in sorted(self._built)]

    def _append(self, slot: MessageSlot) -> None:
        self.slots.append(slot)
        self._heights.append(0)
        self._unestimated = True
        self.finder.stale = True

    @staticmethod
    def _role(slot: MessageSlot) -> str:
        return "assistant" if slot.message is None else slot.message.role

    def _mark_last(self, slot: MessageSlot | None) -> None:
        previous = self._last_assistant
        if previous is not None and previous is not slot and previous.widget is not None:
            previous.widget.set_last(False)
        self._last_assistant = slot
        if slot is not None and slot.widget is not None:
            slot.widget.set_last(True)

    # ----- widgets near the viewport -------------------------------------------------------

    def _build(self, index: int) -> QWidget:
        slot = self.slots[index]
        if slot.message is not None and slot.message.role == "user":
            widget: QWidget = UserMessageWidget(slot.message, self._page)
        else:
            widget = AssistantMessageWidget(self.renderer, self.show_thinking,
                                            self.keep_thinking_open, self._page)
            widget.regenerate_requested.connect(self.regenerate_requested)
            widget.alternatives_requested.connect(self.alternatives_requested)
            if slot.message is not None:
                widget.show_message(slot.message)
                if slot.thinking_open is not None and widget.thinking is not None:
                    widget.thinking.set_expanded(slot.thinking_open)
            widget.set_last(slot is self._last_assistant and slot.message is not None)
        self._connect_actions(slot, widget)
        slot.widget = widget
        self.finder.widget_built(slot)
        widget.ensurePolished()
        later = [i for i in self._built if i > index]
        self._built.add(index)
        self._measure(index)
        widget.show()
        for i in sorted(later):  # keep the children in message order, as they read
            self.slots[i].widget.raise_()
        return widget

    def _drop(self, index: int, keep_fold: bool = True) -> None:
        slot = self.slots[index]
        widget = slot.widget
        self._built.discard(index)
        slot.widget = None
        if widget is None:
            return
        thinking = getattr(widget, "thinking", None)
        if keep_fold and thinking is not None:
            slot.thinking_open = thinking.expanded
        widget.hide()
        widget.deleteLater()

    def _measure(self, index: int) -> None:
        slot = self.slots[index]
        width = self._content_width()
        height = slot.widget.heightForWidth(width)
        if height < 0:
            height = slot.widget.sizeHint().height()
        if slot.estimated_at == width and slot.measured_at == 0 and slot.message is not None:
            # Each measured message tunes the estimates of those not built yet.
            raw = slot.height / self._calibration[self._role(slot)]
            if raw > 0:
                ratio = self._calibration[self._role(slot)]
                self._calibration[self._role(slot)] = 0.8 * ratio + 0.2 * height / raw
        slot.height = height
        slot.measured_at = width
        self._set_height(index, height)

    def _set_height(self, index: int, height: int) -> None:
        if self._heights[index] != height:
            self._heights[index] = height
            self._changed_from = min(self._changed_from, index)

    def _estimate_all(self, width: int) -> None:
        metrics = self.fontMetrics()
        line, char = metrics.lineSpacing(), max(1, metrics.averageCharWidth())
        for index, slot in enumerate(self.slots):
            if slot.widget is None and width not in (slot.measured_at, slot.estimated_at):
                self._estimate(index, width, line, char)
        self._estimated_at = width

    def _estimate(self, index: int, width: int, line: int, char: int) -> None:
        """A height for a message without a widget, from its text and the width."""
        slot = self.slots[index]
        message = slot.message
        if message is None:
            height = 60
        elif message.role == "user":
            text = message.content
            columns = max(10, (width - 80 - 28) // char)
            lines = text.count("\n") + len(text) // columns + 1
            height = 6 + 20 + lines * line + 2 + 26
        else:
            text = message.content
            columns = max(10, width // char)
            lines = text.count("\n") + len(text) // columns + 1
            height = 6 + lines * line + text.count("\n\n") * 8 + text.count("```") * 22
            height += 6 + 26 + 10  # the footer
            if message.reasoning_content and self.show_thinking:
                height += 44
                # Open as AssistantMessageWidget.show_message opens it, or as the user left it.
                open_ = (slot.thinking_open if slot.thinking_open is not None
                         else self.keep_thinking_open or not message.content)
                if open_:
                    thought = message.reasoning_content
                    height += (thought.count("\n") + len(thought) // columns + 1) * line
        slot.height = int(height * self._calibration[message.role if message else "assistant"])
        slot.estimated_at = width
        slot.measured_at = 0
        self._set_height(index, slot.height)

    def _content_width(self) -> int:
        return max(120, min(PREFERRED_WIDTH, self.viewport().width() - 2 * MARGIN_X))

    def _layout(self) -> None:
        """Measure the widgets, place every message, keep the view where it was."""
        if self._placing:  # the page's new size resized the viewport (a scroll bar came)
            self._relayout_pending = True
            return
        for _ in range(3):
            self._relayout_pending = False
            self._layout_once()
            if not self._relayout_pending:
                break

    def _layout_once(self) -> None:
        width = self._content_width()
        anchor = self._anchor()
        heights = self._heights
        for index in self._built:
            self._measure(index)
        if self._estimated_at != width or self._unestimated:
            self._estimate_all(width)
            self._unestimated = False
        # The first height that changed: the offsets above it hold.
        first, self._changed_from = self._changed_from, 1 << 62
        tops = self._tops
        first = max(0, min(first, len(tops) - 1, len(heights) - 1))  # slots added, removed
        if first < len(heights) or len(tops) != len(heights):
            # Streaming into the last message sums one height, not the conversation's.
            start = tops[first] if first else MARGIN_Y
            tops[first:] = accumulate((h + SPACING for h in heights[first:-1]), initial=start)
            if not heights:
                tops.clear()
        total = self._tops[-1] + heights[-1] + MARGIN_Y if heights else 0
        viewport = self.viewport()
        x = (viewport.width() - width) // 2
        for index in self._built:
            widget = self.slots[index].widget
            geometry = QRect(x, self._tops[index], width, heights[index])
            if widget.geometry() != geometry:
                widget.setGeometry(geometry)
        self._placing = True
        try:
            self._page.resize(viewport.width(), max(total, viewport.height()))
            bar = self.verticalScrollBar()
            if self._following:
                bar.setValue(bar.maximum())
            elif anchor is not None and anchor[0] < len(self._tops):
                bar.setValue(self._tops[anchor[0]] + anchor[1])
        finally:
            self._placing = False

    def _anchor(self) -> tuple[int, int] | None:
        """The first message in view and how far its top is above the viewport's."""
        if not self._tops:
            return None
        value = self.verticalScrollBar().value()
        index = max(0, bisect_right(self._tops, value) - 1)
        index = min(index, len(self._tops) - 1)
        return index, value - self._tops[index]

    def _range(self, above: float, below: float) -> range:
        """The slots within ``above`` and ``below`` screens of the viewport."""
        if not self._tops:
            return range(0)
        value = self.verticalScrollBar().value()
        screen = max(1, self.viewport().height())
        first = max(0, bisect_right(self._tops, value - above * screen) - 1)
        last = bisect_right(self._tops, value + screen + below * screen)
        return range(first, min(last, len(self.slots)))

    def _fill_viewport(self) -> None:
        """Build the messages in view (measuring them may bring others in), drop far ones."""
        if self._placing or not self.isVisible():
            return
        for _ in range(100):  # each pass builds at least one widget
            missing = [i for i in self._range(0, 0) if self.slots[i].widget is None]
            if not missing:
                break
            for index in missing:
                self._build(index)
            self._layout()
        keep = self._range(KEEP_SCREENS, KEEP_SCREENS)
        for index in list(self._built):
            widget = self.slots[index].widget
            if (index not in keep and widget is not self.live
                    and self.slots[index].message is not None  # answers still streaming
                    and getattr(widget, "editor", None) is None):  # an edit in progress stays
                self._drop(index)
        if self._next_to_preload() is not None and not self._preload_timer.isActive():
            self._preload_timer.start(0)

    def _next_to_preload(self) -> int | None:
        near = self._range(PRELOAD_SCREENS, PRELOAD_SCREENS)
        missing = [i for i in near if self.slots[i].widget is None]
        if not missing:
            return None
        visible = self._range(0, 0)
        middle = (visible.start + visible.stop) / 2 if visible else 0
        return min(missing, key=lambda i: abs(i - middle))

    def _preload_one(self) -> None:
        """One widget a turn of the event loop: scrolling finds the next screen built."""
        index = self._next_to_preload()
        if index is None or not self.isVisible():
            return
        self._build(index)
        self._layout()
        self._fill_viewport()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self._layout()
        self._fill_viewport()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._place_find_bar()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self._layout()
            self._fill_viewport()
        return super().viewportEvent(event)

    # ----- following new text --------------------------------------------------------------

    def scroll_to_bottom(self) -> None:
        self._following = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _on_scrolled(self, value: int) -> None:
        if self._placing:
            return
        bar = self.verticalScrollBar()
        self._following = value >= bar.maximum() - FOLLOW_SLACK_PX
        self._fill_viewport()

    def _on_range_changed(self, minimum: int, maximum: int) -> None:
        if self._following and not self._placing:
            self.verticalScrollBar().setValue(maximum)

    def _scroll_to(self, value: int) -> None:
        bar = self.verticalScrollBar()
        value = max(bar.minimum(), min(bar.maximum(), value))
        if bar.value() == value:
            self._on_scrolled(value)
        else:
            bar.setValue(value)

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

    def _place_find_bar(self) -> None:
        if self.find_bar.isHidden():
            self.setViewportMargins(0, 0, 0, 0)
            return
        height = self.find_bar.sizeHint().height()
        self.setViewportMargins(0, height, 0, 0)
        self.find_bar.setGeometry(0, 0, self.width(), height)
        self.find_bar.raise_()

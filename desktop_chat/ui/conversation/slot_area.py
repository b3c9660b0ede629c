"""The scroll area under the conversation view: widgets only for the slots near the
viewport, placed by the view itself on a page without a layout.

Widgets are built for the slots in view, then, when idle, for those within
PRELOAD_SCREENS of it; those more than KEEP_SCREENS away are dropped. The heights and
tops come from ``SlotLayout`` (slots.py). When heights change (a widget measured for the
first time, a thinking panel folded, the window resized), the first message in view
keeps its place on screen. While the user is at the bottom the area follows new text
instead; scrolling up stops that until they come back down.

``ConversationView`` (view.py) is this area with the conversation's messages in it: it
says what widget a slot gets (``new_widget``) and which widgets must stay however far
they are (``keeps_widget``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QScrollArea, QWidget

from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
from desktop_chat.ui.conversation.slots import MessageSlot, SlotLayout, TextMetrics
from desktop_chat.ui.conversation.user_message import UserMessageWidget
from desktop_chat.ui.widgets.cached_height import PREFERRED_WIDTH

FOLLOW_SLACK_PX = 24
MARGIN_X = 24
PRELOAD_SCREENS = 1.0  # built when idle, this far above and below the viewport
KEEP_SCREENS = 2.0  # widgets further away than this are dropped

MessageWidget = UserMessageWidget | AssistantMessageWidget


class _Page(QWidget):
    """The scrolled page: no layout; a child whose size hint changes makes it relayout."""

    def __init__(self, area: SlotScrollArea) -> None:
        super().__init__()
        self._area = area

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self._area.relayout()
            return True
        return super().event(event)


class SlotScrollArea(QScrollArea):
    widget_built = Signal(object)  # the MessageSlot that was just given a widget

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(False)  # the area sizes the page itself
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._page = _Page(self)
        self.setWidget(self._page)
        self.slot_layout = SlotLayout()  # the slots, their heights and tops
        self._built: set[int] = set()  # indexes of the slots that have a widget
        self._placing = False  # the area moves the scroll bar itself: not the user
        self._relayout_pending = False
        self._following = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        self._preload_timer = QTimer(self)
        self._preload_timer.setSingleShot(True)
        self._preload_timer.setInterval(0)
        self._preload_timer.timeout.connect(self._preload_one)

    @property
    def slots(self) -> list[MessageSlot]:
        """One per message shown, in order; those near the viewport have a widget."""
        return self.slot_layout.slots

    # ----- what the conversation view says -------------------------------------------------

    def new_widget(self, slot: MessageSlot, page: QWidget) -> MessageWidget:
        """The widget the slot gets, a child of ``page``."""
        raise NotImplementedError

    def keeps_widget(self, slot: MessageSlot) -> bool:
        """Whether the slot's widget stays however far from the viewport it is."""
        return False

    # ----- widgets near the viewport -------------------------------------------------------

    def built_indexes(self) -> list[int]:
        """The slots that have a widget now (those near the viewport), in order."""
        return sorted(self._built)

    def build(self, index: int) -> MessageWidget:
        slot = self.slots[index]
        widget = self.new_widget(slot, self._page)
        slot.widget = widget
        self.widget_built.emit(slot)
        widget.ensurePolished()
        later = [i for i in self._built if i > index]
        self._built.add(index)
        self._measure(index)
        widget.show()
        for i in sorted(later):  # keep the children in message order, as they read
            self.slots[i].widget.raise_()
        return widget

    def drop(self, index: int, keep_fold: bool = True) -> None:
        """The slot loses its widget (kept: how the user left its thinking, if asked)."""
        slot = self.slots[index]
        widget = slot.widget
        self._built.discard(index)
        slot.widget = None
        if widget is None:
            return
        if (keep_fold and isinstance(widget, AssistantMessageWidget)
                and widget.thinking is not None):
            slot.thinking_open = widget.thinking.expanded
        widget.hide()
        widget.deleteLater()

    def relayout(self) -> None:
        """Measure and place the widgets, then build those that came into view."""
        self._layout()
        self._fill_viewport()

    def preload_later(self, delay_ms: int) -> None:
        """Build the messages around the viewport after ``delay_ms`` (one per idle turn)."""
        self._preload_timer.start(delay_ms)

    def _measure(self, index: int) -> None:
        widget = self.slots[index].widget
        width = self._content_width()
        height = widget.heightForWidth(width)
        if height < 0:
            height = widget.sizeHint().height()
        self.slot_layout.measured(index, height, width)

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
        layout = self.slot_layout
        width = self._content_width()
        anchor = layout.anchor(self.verticalScrollBar().value())
        for index in self._built:
            self._measure(index)
        if layout.needs_estimates(width):
            metrics = self.fontMetrics()
            layout.estimate(width, TextMetrics(metrics.lineSpacing(),
                                               max(1, metrics.averageCharWidth())))
        total = layout.place()
        viewport = self.viewport()
        x = (viewport.width() - width) // 2
        for index in self._built:
            widget = self.slots[index].widget
            geometry = QRect(x, layout.tops[index], width, layout.heights[index])
            if widget.geometry() != geometry:
                widget.setGeometry(geometry)
        self._placing = True
        try:
            self._page.resize(viewport.width(), max(total, viewport.height()))
            bar = self.verticalScrollBar()
            if self._following:
                bar.setValue(bar.maximum())
            elif anchor is not None and anchor[0] < len(layout.tops):
                bar.setValue(layout.tops[anchor[0]] + anchor[1])
        finally:
            self._placing = False

    def _range(self, above: float, below: float) -> range:
        """The slots within ``above`` and ``below`` screens of the viewport."""
        return self.slot_layout.in_range(self.verticalScrollBar().value(),
                                         max(1, self.viewport().height()), above, below)

    def _fill_viewport(self) -> None:
        """Build the messages in view (measuring them may bring others in), drop far ones."""
        if self._placing or not self.isVisible():
            return
        for _ in range(100):  # each pass builds at least one widget
            missing = [i for i in self._range(0, 0) if self.slots[i].widget is None]
            if not missing:
                break
            for index in missing:
                self.build(index)
            self._layout()
        keep = self._range(KEEP_SCREENS, KEEP_SCREENS)
        for index in list(self._built):
            slot = self.slots[index]
            if (index not in keep
                    and slot.message is not None  # answers still streaming
                    and not self.keeps_widget(slot)):
                self.drop(index)
        if self._next_to_preload() is not None and not self._preload_timer.isActive():
            self._preload_timer.start(0)

    def _next_to_preload(self) -> int | None:
        return self.slot_layout.next_to_preload(self.verticalScrollBar().value(),
                                                max(1, self.viewport().height()),
                                                PRELOAD_SCREENS)

    def _preload_one(self) -> None:
        """One widget a turn of the event loop: scrolling finds the next screen built."""
        index = self._next_to_preload()
        if index is None or not self.isVisible():
            return
        self.build(index)
        self.relayout()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.relayout()

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.relayout()
        return super().viewportEvent(event)

    # ----- following new text, and scrolling -----------------------------------------------

    def follow_new_text(self) -> None:
        """Stay at the bottom from the next layout on, as new text comes."""
        self._following = True

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

    def scroll_to(self, value: int) -> None:
        """Scroll the page to ``value`` (clamped) as the user would: the messages there get
        their widgets, and new text is followed only if that is the bottom."""
        bar = self.verticalScrollBar()
        value = max(bar.minimum(), min(bar.maximum(), value))
        if bar.value() == value:
            self._on_scrolled(value)
        else:
            bar.setValue(value)

    def first_slot_in_view(self) -> int:
        """The index of the first message in view (0 when there is none)."""
        return self._range(0, 0).start

    def reveal_slot(self, index: int) -> None:
        """Scroll the message at ``index`` a third down the screen unless it is in view, and
        make sure it has a widget."""
        screen = self.viewport().height()
        slot = self.slots[index]
        value = self.verticalScrollBar().value()
        if slot.widget is None or not self.slot_layout.in_view(index, value, screen):
            self.scroll_to(self.slot_layout.tops[index] - screen // 3)
        if slot.widget is None:  # not in view: the message is taller than the estimate
            self.build(index)
            self._layout()

    def reveal_point(self, widget: QWidget, y: int) -> None:
        """Scroll ``y`` of ``widget`` (a label of a message, its text just changed) a third
        down the screen, unless it is between an eighth and three quarters down already."""
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        screen = self.viewport().height()
        target = widget.mapTo(self._page, QPoint(0, y)).y()
        value = self.verticalScrollBar().value()
        if not value + screen // 8 <= target <= value + screen * 3 // 4:
            self.scroll_to(target - screen // 3)

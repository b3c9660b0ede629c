"""Find in the conversation: matching, stepping from match to match, highlighting.

The view owns one ``ConversationFind``. It searches the messages (the models: most have no
widget) in the plain text their labels show (shown_text.py), the Markdown rendered as the
reader sees it: a link's address, a code fence's backticks or ``**`` never match, an
entity matches as the character it shows, and the k-th match counted is the k-th one
highlighted (one rule, ``find_highlight.find_pattern``, does both). Each message's shown
text is rendered once and kept on its slot until the message changes; opening the find
bar renders those not done yet while the app is idle, a few at a time, so the first
search seldom waits for them.

What find needs of the view is ``SearchedView``; it never reaches into the view itself.
"""

from __future__ import annotations

import time
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop_chat.ui.conversation.find_bar import FindBar
from desktop_chat.ui.conversation.find_highlight import (
    clear_highlight,
    count_matches,
    find_pattern,
    highlight_label,
)
from desktop_chat.ui.conversation.shown_text import shown_texts
from desktop_chat.ui.conversation.slots import MessageSlot
from desktop_chat.ui.render.markdown import MarkdownRenderer

WARM_SLICE_S = 0.008  # rendering shown text while idle: at most this long a turn


class SearchedView(Protocol):
    """What find needs of the view whose messages it searches (ConversationView)."""

    @property
    def slots(self) -> list[MessageSlot]: ...

    @property
    def renderer(self) -> MarkdownRenderer: ...

    @property
    def show_thinking(self) -> bool: ...

    def first_slot_in_view(self) -> int:
        """The index of the first message in view (0 when there is none)."""

    def reveal_slot(self, index: int) -> None:
        """Scroll the message into view unless it is there, and give it a widget."""

    def reveal_point(self, widget: QWidget, y: int) -> None:
        """Scroll ``y`` of ``widget`` (a label of a message) well into view."""


class ConversationFind(QObject):
    """The search over ``view``'s messages, and the find bar it shows over ``parent``."""

    bar_toggled = Signal()  # the bar was shown or hidden: the view makes room for it

    def __init__(self, view: SearchedView, parent: QWidget) -> None:
        super().__init__(parent)
        self._view = view
        self._parent = parent
        self.bar = FindBar(parent)
        self.bar.query_changed.connect(self._on_query_changed)
        self.bar.next_requested.connect(self.find_next)
        self.bar.previous_requested.connect(self.find_previous)
        self.bar.close_requested.connect(self.close)
        self.matches: list[tuple[int, int]] = []  # (slot, occurrence in that message)
        self.current: int | None = None
        self.stale = False  # messages came, went or changed since the last search
        self._highlighted: MessageSlot | None = None
        self._warm_next = 0
        self._warm_timer = QTimer(self)
        self._warm_timer.setSingleShot(True)
        self._warm_timer.setInterval(0)
        self._warm_timer.timeout.connect(self._warm)

    # ----- the view's find API -------------------------------------------------------------

    def open(self) -> None:
        bar = self.bar
        if not bar.isVisible():
            bar.show()
            self.bar_toggled.emit()
        bar.input.setFocus(Qt.FocusReason.ShortcutFocusReason)
        bar.input.selectAll()
        self._warm_next = 0
        self._warm_timer.start()
        if bar.query():
            self._search(bar.query(), keep_place=True)

    def close(self) -> None:
        self._warm_timer.stop()
        self._unhighlight()
        self.matches = []
        self.current = None
        if self.bar.isVisible():
            parent = self._parent
            had_focus = self.bar.isAncestorOf(parent.focusWidget() or parent)
            self.bar.hide()
            self.bar_toggled.emit()
            if had_focus:
                parent.setFocus(Qt.FocusReason.OtherFocusReason)

    def find(self, query: str) -> int:
        if not self.bar.isVisible():
            self.open()
        if self.bar.query() != query:
            self.bar.input.setText(query)  # searches through query_changed
        else:
            self._search(query)
        return len(self.matches)

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def position(self) -> tuple[int | None, int]:
        return self.current, len(self.matches)

    # ----- the view tells ------------------------------------------------------------------

    def widget_built(self, slot: MessageSlot) -> None:
        """A widget was built for ``slot``: highlight it if it has the current match."""
        if slot is self._highlighted and self.current is not None:
            self._highlight(slot, self.matches[self.current][1])

    def slot_removed(self, slot: MessageSlot) -> None:
        if slot is self._highlighted:
            self._highlighted = None
        self.stale = True

    # ----- searching -----------------------------------------------------------------------

    def _on_query_changed(self, query: str) -> None:
        self._search(query)

    def _search(self, query: str, keep_place: bool = False, step: int = 0) -> bool:
        """Find every match; go to the previous one moved by ``step`` if ``keep_place`` and
        it is still there, else to the first in view. Returns whether the place was kept."""
        previous = self.matches[self.current] if self.current is not None else None
        self._unhighlight()
        self.matches = self._find_matches(query)
        self.stale = False
        kept = keep_place and previous in self.matches
        if not self.matches:
            self.current = None
        elif kept:
            self.current = (self.matches.index(previous) + step) % len(self.matches)
        else:
            first_in_view = self._view.first_slot_in_view()
            self.current = next((k for k, (slot, _) in enumerate(self.matches)
                                 if slot >= first_in_view), 0)
        self.bar.show_count(self.current, len(self.matches))
        if self.current is not None:
            self._go_to_match()
        return kept

    def _find_matches(self, query: str) -> list[tuple[int, int]]:
        pattern = find_pattern(query)
        if pattern is None:
            return []
        matches = []
        for index, slot in enumerate(self._view.slots):
            count = sum(count_matches(text, pattern) for text in self._shown(slot))
            matches += [(index, occurrence) for occurrence in range(count)]
        return matches

    def _shown(self, slot: MessageSlot) -> list[str]:
        """The plain text of each label the slot's message shows, as its widget would."""
        message = slot.message
        if message is None:  # the reply being streamed
            return []
        key = (message.role, message.content, message.reasoning_content)
        if slot.shown_text is None or slot.shown_text[0] != key:
            slot.shown_text = (key, *shown_texts(message, self._view.renderer))
        _, thinking, rest = slot.shown_text
        return thinking + rest if self._view.show_thinking else rest

    def _warm(self) -> None:
        """Render the shown text of a few more messages; again on the next idle turn."""
        slots = self._view.slots
        deadline = time.perf_counter() + WARM_SLICE_S
        while self._warm_next < len(slots):
            self._shown(slots[self._warm_next])
            self._warm_next += 1
            if time.perf_counter() > deadline:
                self._warm_timer.start()
                return

    def _step(self, step: int) -> None:
        if self.stale:
            # Kept: moved by ``step`` from the previous match. Else at the first in view.
            self._search(self.bar.query(), keep_place=True, step=step)
            return
        if not self.matches:
            return
        if self.current is None:
            self.current = 0 if step > 0 else len(self.matches) - 1
        else:
            self.current = (self.current + step) % len(self.matches)
        self.bar.show_count(self.current, len(self.matches))
        self._go_to_match()

    # ----- going to a match ----------------------------------------------------------------

    def _go_to_match(self) -> None:
        view = self._view
        index, occurrence = self.matches[self.current]
        if index >= len(view.slots):
            return
        slot = view.slots[index]
        if slot is not self._highlighted:
            self._unhighlight()
        view.reveal_slot(index)
        label, y = self._highlight(slot, occurrence)
        if label is not None:
            view.reveal_point(label, y)

    def _highlight(self, slot: MessageSlot, occurrence: int) -> tuple[QWidget | None, int]:
        """Mark the matches in the slot's widget; returns the current one's label and y."""
        query = self.bar.query()
        self._highlighted = slot
        seen = 0
        found: tuple[QWidget | None, int] = (None, 0)
        for label, thinking in slot.widget.text_labels():
            wanted = occurrence - seen if found[0] is None else None
            count, y = highlight_label(label, query, wanted)
            if y is not None and found[0] is None:
                found = (label, y)
                if thinking and not slot.widget.thinking.expanded:
                    slot.widget.thinking.set_expanded(True)
            seen += count
        if found[0] is None and seen:  # only if the widget and its shown text disagree
            labels = slot.widget.text_labels()
            return labels[-1][0], 0
        return found

    def _unhighlight(self) -> None:
        slot, self._highlighted = self._highlighted, None
        if slot is not None and slot.widget is not None:
            for label, _ in slot.widget.text_labels():
                clear_highlight(label)

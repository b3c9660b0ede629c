"""The slot layout of the conversation: one slot per message, with its height and its top
on the page. Arithmetic only: no widget is built, measured or placed here (slot_area.py
does that).

A slot's height is the one measured when it last had a widget at this width, else an
estimate from its text (``estimate_height``), scaled by how the messages measured so far
compared with their estimates. The tops are the heights summed, from the first one that
changed. ``anchor`` and ``in_range`` say which slots are where the page is scrolled to:
the view builds widgets for those, and keeps the first one in view where it was.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from desktop_chat.core.conversation import Message

if TYPE_CHECKING:
    from desktop_chat.ui.conversation.assistant_message import AssistantMessageWidget
    from desktop_chat.ui.conversation.user_message import UserMessageWidget

SHOWN_ROLES = ("user", "assistant")
MARGIN_Y = 16  # above the first message and below the last
SPACING = 4  # between two messages
STREAMING_HEIGHT = 60  # the reply being streamed, until its widget is measured


@dataclass(eq=False)
class MessageSlot:
    """A message of the conversation, with or without a widget."""

    message: Message | None  # None: the reply being streamed
    widget: UserMessageWidget | AssistantMessageWidget | None = None
    height: int = 0
    measured_at: int = 0  # the width `height` was measured at (0: an estimate)
    estimated_at: int = 0
    thinking_open: bool | None = None  # the fold the user chose, kept without a widget
    shown_text: tuple | None = None  # find's: (what it was made from, thinking's, the rest's)

    @property
    def role(self) -> str:
        return "assistant" if self.message is None else self.message.role


@dataclass(frozen=True)
class TextMetrics:
    """The view's font, as far as estimates need it."""

    line: int  # line spacing
    char: int  # average character width, at least 1


def estimate_height(slot: MessageSlot, width: int, metrics: TextMetrics, show_thinking: bool,
                    keep_thinking_open: bool) -> int:
    """A height for a message without a widget, from its text and the width (before
    calibration): the message widgets' margins and footers, and lines of average text."""
    message = slot.message
    line, char = metrics.line, metrics.char
    if message is None:
        return STREAMING_HEIGHT
    text = message.content
    if message.role == "user":
        columns = max(10, (width - 80 - 28) // char)
        lines = text.count("\n") + len(text) // columns + 1
        return 6 + 20 + lines * line + 2 + 26
    columns = max(10, width // char)
    lines = text.count("\n") + len(text) // columns + 1
    height = 6 + lines * line + text.count("\n\n") * 8 + text.count("```") * 22
    height += 6 + 26 + 10  # the footer
    if message.reasoning_content and show_thinking:
        height += 44
        # Open as AssistantMessageWidget.show_message opens it, or as the user left it.
        open_ = (slot.thinking_open if slot.thinking_open is not None
                 else keep_thinking_open or not message.content)
        if open_:
            thought = message.reasoning_content
            height += (thought.count("\n") + len(thought) // columns + 1) * line
    return height


class SlotLayout:
    """The slots of the conversation shown, their heights and their tops on the page.

    ``heights`` and ``tops`` are what the page was (or will be) laid out with; ``place``
    brings ``tops`` up to date after heights changed.
    """

    def __init__(self) -> None:
        # The settings the widgets are built with, as the estimates must assume them.
        self.show_thinking = True
        self.keep_thinking_open = False  # thinking stays open once the answer starts
        self.slots: list[MessageSlot] = []
        self.heights: list[int] = []
        self.tops: list[int] = []
        self._calibration = {"user": 1.0, "assistant": 1.0}
        self._changed_from = 0  # the first slot whose height changed since the last place
        self._estimated_at = 0  # the width of the estimates
        self._unestimated = False  # slots were added, or their estimates dropped

    # ----- the slots -----------------------------------------------------------------------

    def clear(self) -> None:
        self.slots = []
        self.heights = []
        self.tops = []

    def show(self, messages: list[Message]) -> None:
        """A slot for each message shown (users' and assistants'), none measured yet."""
        self.slots = [MessageSlot(m) for m in messages if m.role in SHOWN_ROLES]
        self.heights = [0] * len(self.slots)
        self._unestimated = True

    def append(self, slot: MessageSlot) -> None:
        self.slots.append(slot)
        self.heights.append(0)
        self._unestimated = True

    def remove_last(self) -> None:
        del self.slots[-1]
        del self.heights[-1]

    def shared_prefix(self, messages: list[Message]) -> int:
        """How many slots, from the first, show the messages ``messages`` starts with."""
        same = 0
        for slot, message in zip(self.slots, messages, strict=False):
            if slot.message is None or slot.message.id != message.id:
                break
            same += 1
        return same

    def replace_from(self, index: int, messages: list[Message]) -> None:
        """The slots from ``index`` on show ``messages`` instead (already filtered)."""
        self.slots[index:] = [MessageSlot(m) for m in messages]
        self.heights[index:] = [0] * (len(self.slots) - index)
        self._changed_from = min(self._changed_from, index)
        self._unestimated = True

    def last_assistant(self) -> MessageSlot | None:
        return next((s for s in reversed(self.slots) if s.role == "assistant"), None)

    # ----- heights -------------------------------------------------------------------------

    def measured(self, index: int, height: int, width: int) -> None:
        """The slot's widget takes ``height`` at ``width``."""
        slot = self.slots[index]
        if slot.estimated_at == width and slot.measured_at == 0 and slot.message is not None:
            # Each measured message tunes the estimates of those not built yet.
            ratio = self._calibration[slot.role]
            raw = slot.height / ratio
            if raw > 0:
                self._calibration[slot.role] = 0.8 * ratio + 0.2 * height / raw
        slot.height = height
        slot.measured_at = width
        self._set_height(index, height)

    def forget_estimates(self, which: Callable[[MessageSlot], bool] = lambda slot: True
                         ) -> None:
        """Estimate again the slots without a widget that ``which`` picks: a setting changed
        what they show, so the height they had no longer holds."""
        for slot in self.slots:
            if slot.widget is None and which(slot):
                slot.measured_at = slot.estimated_at = 0
        self._unestimated = True

    def needs_estimates(self, width: int) -> bool:
        return self._estimated_at != width or self._unestimated

    def estimate(self, width: int, metrics: TextMetrics) -> None:
        """Estimate the slots without a widget that have no height for ``width``."""
        for index, slot in enumerate(self.slots):
            if slot.widget is None and width not in (slot.measured_at, slot.estimated_at):
                height = estimate_height(slot, width, metrics, self.show_thinking,
                                         self.keep_thinking_open)
                slot.height = int(height * self._calibration[slot.role])
                slot.estimated_at = width
                slot.measured_at = 0
                self._set_height(index, slot.height)
        self._estimated_at = width
        self._unestimated = False

    def _set_height(self, index: int, height: int) -> None:
        if self.heights[index] != height:
            self.heights[index] = height
            self._changed_from = min(self._changed_from, index)

    # ----- places --------------------------------------------------------------------------

    def place(self) -> int:
        """Bring the tops up to date with the heights; returns the page's height (0: no
        slot)."""
        heights, tops = self.heights, self.tops
        # The first height that changed: the offsets above it hold.
        first, self._changed_from = self._changed_from, 1 << 62
        first = max(0, min(first, len(tops) - 1, len(heights) - 1))  # slots added, removed
        if first < len(heights) or len(tops) != len(heights):
            # Streaming into the last message sums one height, not the conversation's.
            start = tops[first] if first else MARGIN_Y
            tops[first:] = accumulate((h + SPACING for h in heights[first:-1]), initial=start)
            if not heights:
                tops.clear()
        return tops[-1] + heights[-1] + MARGIN_Y if heights else 0

    def anchor(self, value: int) -> tuple[int, int] | None:
        """The first slot at scroll position ``value`` and how far its top is above it."""
        if not self.tops:
            return None
        index = max(0, bisect_right(self.tops, value) - 1)
        index = min(index, len(self.tops) - 1)
        return index, value - self.tops[index]

    def in_range(self, value: int, screen: int, above: float, below: float) -> range:
        """The slots within ``above`` and ``below`` screens of the screen at ``value``."""
        if not self.tops:
            return range(0)
        first = max(0, bisect_right(self.tops, value - above * screen) - 1)
        last = bisect_right(self.tops, value + screen + below * screen)
        return range(first, min(last, len(self.slots)))

    def in_view(self, index: int, value: int, screen: int) -> bool:
        """Whether any of the slot is on the screen at ``value``."""
        top = self.tops[index]
        return value <= top + self.heights[index] and top <= value + screen

    def next_to_preload(self, value: int, screen: int, screens: float) -> int | None:
        """Of the slots within ``screens`` of the screen without a widget, the nearest to
        its middle."""
        near = self.in_range(value, screen, screens, screens)
        missing = [i for i in near if self.slots[i].widget is None]
        if not missing:
            return None
        visible = self.in_range(value, screen, 0, 0)
        middle = (visible.start + visible.stop) / 2 if visible else 0
        return min(missing, key=lambda i: abs(i - middle))

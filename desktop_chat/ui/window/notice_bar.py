"""A closable bar at the top of the window: one line per problem, never a dialog storm.

Each problem has a key (what it is about). Showing the same text under the same key while
it is shown changes nothing. Lasting problems ("save", "settings": every save or settings
change would tell them again) stay closed once the user closed the bar, until the problem
changes. Everything else is a one-off (``ONE_OFF``): a new one replaces the last, and the
same text after the bar was closed is a new event, shown again. ``clear`` removes a
problem that went away (a retry succeeded). At most ``MAX_PROBLEMS`` lines are shown, each
cut to ``MAX_CHARS``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from desktop_chat.ui.language import translated

ONE_OFF = "last"  # the key of problems that happen once: the newest replaces the last
LASTING = frozenset({"save", "settings"})  # closed by the user: stays closed until changed
MAX_PROBLEMS = 3
MAX_CHARS = 600


class NoticeBar(QFrame):
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problemNotice")
        self.setAccessibleName(self.tr("Problem"))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(
            "#problemNotice { background: rgba(230, 160, 0, 0.18);"
            " border-bottom: 1px solid rgba(230, 160, 0, 0.65); }")
        self.text = QLabel()
        self.text.setObjectName("problemNoticeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # paths and errors, never markup
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton(self.tr("Retry"))
        self.retry_button.setObjectName("problemNoticeRetry")
        self.retry_button.setAccessibleName(self.tr("Try saving again"))
        self.retry_button.clicked.connect(self.retry_requested)
        self.close_button = QToolButton()
        self.close_button.setObjectName("problemNoticeClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setAccessibleName(self.tr("Close this notice"))
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._problems: dict[str, str] = {}  # key -> text, in the order they came
        self._retry_keys: set[str] = set()
        self._dismissed: dict[str, str] = {}  # key -> text the user closed
        self.times_shown = 0  # how often a new problem was put up (tests read it)
        self.hide()

    def show_problem(self, key: str, text: str, retry: bool = False) -> None:
        text = translated(text)  # a message from core (a settings or save problem)
        if len(text) > MAX_CHARS:
            text = text[: MAX_CHARS - 1].rstrip() + "…"
        if self._problems.get(key) == text or self._dismissed.get(key) == text:
            return  # told already
        self._problems.pop(key, None)  # a changed problem moves to the end: the newest
        self._problems[key] = text
        self._dismissed.pop(key, None)
        while len(self._problems) > MAX_PROBLEMS:
            oldest = next(iter(self._problems))
            self._problems.pop(oldest)
            self._retry_keys.discard(oldest)
        (self._retry_keys.add if retry else self._retry_keys.discard)(key)
        self.times_shown += 1
        self._update()

    def clear(self, key: str) -> None:
        self._problems.pop(key, None)
        self._dismissed.pop(key, None)
        self._retry_keys.discard(key)
        self._update()

    def problems(self) -> list[str]:
        return list(self._problems.values())

    def dismiss(self) -> None:
        self._dismissed.update((k, t) for k, t in self._problems.items() if k in LASTING)
        self._problems.clear()
        self._retry_keys.clear()
        self._update()

    def _update(self) -> None:
        self.text.setText("\n\n".join(self._problems.values()))
        self.retry_button.setVisible(bool(self._retry_keys & set(self._problems)))
        self.setVisible(bool(self._problems))

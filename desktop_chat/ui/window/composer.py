"""Where the user writes: Enter sends, Shift+Enter starts a new line; Send turns into Stop.

Below the input, how many tokens the message will add and how much of the context the
conversation then takes. The count is asked for (``count_requested``) once typing pauses
for COUNT_DELAY_MS and comes back from another thread (``show_token_count``); over the
limit, it says which messages the reply would be written without.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.token_count import TokenCount
from desktop_chat.ui.widgets.message_input import MessageInput
from desktop_chat.ui.widgets.plain_text import plain_tooltip

COUNT_DELAY_MS = 300  # count once typing pauses this long, not at every key


class Composer(QWidget):
    send_requested = Signal(str)
    stop_requested = Signal()
    count_requested = Signal(str)  # the draft: count its tokens (answered by show_token_count)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.input = MessageInput()
        self.input.submitted.connect(self._submit)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("sendButton")
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.clicked.connect(self._submit)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopButton")
        self.stop_button.setAccessibleName(self.tr("Stop generating"))
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.hide()
        self.token_count = QLabel()
        self.token_count.setObjectName("tokenCount")
        self.token_count.setWordWrap(True)
        self.token_count.hide()
        self.count: TokenCount | None = None  # the last count shown
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(
            lambda: self.count_requested.emit(self.input.toPlainText()))
        self.input.textChanged.connect(self.request_count)
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.input)
        column.addWidget(self.token_count)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 14)
        layout.addLayout(column, 1)
        layout.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignTop)
        self._can_send = False

    def set_generating(self, generating: bool) -> None:
        self.send_button.setVisible(not generating)
        self.stop_button.setVisible(generating)

    def set_can_send(self, can_send: bool, reason: str = "") -> None:
        self._can_send = can_send
        self.send_button.setEnabled(can_send)
        self.send_button.setToolTip(plain_tooltip(reason))

    def _submit(self) -> None:
        text = self.input.toPlainText().strip()
        if not text or not self._can_send or self.stop_button.isVisible():
            return
        self.input.clear()
        self.send_requested.emit(text)

    # ----- the token count -----------------------------------------------------------------

    def request_count(self) -> None:
        """Count again once typing pauses (the text, the conversation or the model changed)."""
        self._count_timer.start()

    def show_token_count(self, count: TokenCount | None) -> None:
        """A count from the worker; None: the model cannot count (a server), or none is open."""
        self.count = count
        self.token_count.setVisible(count is not None)
        if count is None:
            return
        self.token_count.setText(self._describe(count))
        self.token_count.setToolTip(self.tr(
            "The model's context holds {context} tokens; {reserve} of them are kept for the "
            "reply.").format(context=f"{count.context_size:,}",
                             reserve=f"{count.context_size - count.limit:,}"))
        over = count.too_long or count.dropped_messages > 0
        self.token_count.setProperty("over", over)  # the theme may color it
        self.token_count.style().polish(self.token_count)

    def _describe(self, count: TokenCount) -> str:
        if count.too_long:
            return self.tr("This message takes {n} tokens: too long for the context "
                           "({limit} with room for the reply). Shorten it, or raise the "
                           "context limit in the settings.").format(
                n=f"{count.message_tokens:,}", limit=f"{count.limit:,}")
        parts = []
        if self.input.toPlainText().strip():
            parts.append(self.tr("Message: 1 token") if count.message_tokens == 1 else
                         self.tr("Message: {n} tokens").format(n=f"{count.message_tokens:,}"))
        # Of the whole context, as the status bar counts it; the room kept for the reply
        # is in the tooltip, and what does not fit is said below.
        parts.append(self.tr("Context: {used} of {limit} tokens").format(
            used=f"{count.prompt_tokens:,}", limit=f"{count.context_size:,}"))
        if count.dropped_messages == 1:
            parts.append(self.tr("The oldest message will be left out to fit"))
        elif count.dropped_messages:
            parts.append(self.tr("The {n} oldest messages will be left out to fit").format(
                n=count.dropped_messages))
        return " · ".join(parts)

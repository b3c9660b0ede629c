"""Message widgets: the user's bubble, and the assistant's answer with its thinking panel."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.conversation import Message
from desktop_chat.core.model_source import ModelSource
from desktop_chat.ui.conversation.find_bar import shown_text
from desktop_chat.ui.conversation.message_actions import MessageActions
from desktop_chat.ui.conversation.message_editor import MessageEditor
from desktop_chat.ui.render.markdown import COPY_CODE_SCHEME, MarkdownRenderer, split_blocks
from desktop_chat.ui.widgets.cached_height import CachedHeightBox
from desktop_chat.ui.widgets.elided_label import ElidedLabel

MARKDOWN_RENDER_INTERVAL_MS = 100  # re-render a streaming answer at most 10 times a second
SAFE_LINK_SCHEMES = ("http", "https", "mailto")
BLOCK_GAP_PX = 8


def _selectable_label(object_name: str, rich: bool) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    flags = Qt.TextInteractionFlag.TextSelectableByMouse
    if rich:
        flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
    label.setTextInteractionFlags(flags)
    label.setOpenExternalLinks(False)  # links open only through _on_link, on a click
    # The message's own menu (conversation/message_actions.py) serves its labels, selection
    # included.
    label.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


def open_link(url: str) -> bool:
    """Open a link from model output in the system browser, if it is a web or mail link.

    Anything else the model wrote (file:, javascript:, a custom scheme) is ignored.
    """
    qurl = QUrl(url)
    if qurl.isValid() and qurl.scheme().lower() in SAFE_LINK_SCHEMES:
        return QDesktopServices.openUrl(qurl)
    return False


def copy_code_index(url: str, code: list[str]) -> int | None:
    """The code block a ``copy-code:N`` link of the renderer names, if N is one of them.

    Models can write such links too; one naming no code block of its label is ignored.
    """
    scheme, _, rest = url.partition(":")
    if scheme != COPY_CODE_SCHEME or not rest.isascii() or not rest.isdigit():
        return None
    index = int(rest)
    return index if index < len(code) else None


def handle_link(url: str, code: list[str]) -> None:
    """A click on a link in a message: copy a code block, or open a web or mail link."""
    index = copy_code_index(url, code)
    if index is not None:
        QGuiApplication.clipboard().setText(code[index])
    elif not url.startswith(f"{COPY_CODE_SCHEME}:"):
        open_link(url)


def link_tooltip(url: str) -> str:
    """What hovering a link shows: where it goes, or that the app will not open it."""
    if not url or url.startswith(f"{COPY_CODE_SCHEME}:"):  # "": the pointer left the link
        return ""
    if QUrl(url).scheme().lower() in SAFE_LINK_SCHEMES:
        return url
    return QApplication.translate("messages", "{url} (not opened: not a web or mail link)"
                                  ).format(url=url)


def split_paragraphs(text: str) -> list[str]:
    """Plain text in paragraphs (each with the blank line that ends it)."""
    parts = text.split("\n\n")
    return [part + "\n\n" for part in parts[:-1]] + [parts[-1]]


def _blocks(text: str, markdown: bool) -> list[str]:
    """The blocks SegmentedText shows ``text`` in, one label each."""
    blocks = split_blocks(text) if markdown else split_paragraphs(text)
    return [b for b in blocks if b.strip()] or [""]


def label_texts(text: str, renderer: MarkdownRenderer | None) -> list[str]:
    """What SegmentedText gives each of its labels for ``text``: one block each, as HTML
    (Markdown) or as plain text (no renderer)."""
    blocks = _blocks(text, markdown=renderer is not None)
    if renderer is None:
        return [block.rstrip("\n") for block in blocks]
    return [renderer.render(block).html for block in blocks]


def shown_texts(message: Message, renderer: MarkdownRenderer) -> tuple[list[str], list[str]]:
    """The plain text of each label the message's widget shows, in reading order, as find
    searches it: (the thinking's, if any; the rest's). Rendered: no Markdown syntax, no link
    addresses."""
    if message.role == "user":
        return [], [shown_text(message.content, rich=False)]
    thinking = []
    if message.reasoning_content:
        thinking = [shown_text(t, rich=False) for t in label_texts(message.reasoning_content,
                                                                     None)]
    return thinking, [shown_text(t, rich=True) for t in label_texts(message.content, renderer)]


class SegmentedText(QWidget):
    """Text shown as one label per block: finished blocks in a box whose height is cached,
    and the block still being written in a label of its own.

    A QLabel lays out all of its text whenever it changes; with one label a 2,000-token
    answer would make every update cost as much as the whole answer. Here an update costs
    as much as its last block.
    """

    link_activated = Signal(str, object)  # url, the code blocks of the label it came from

    def __init__(self, object_name: str, renderer: MarkdownRenderer | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{object_name}Blocks")
        self._label_name = object_name
        self.renderer = renderer  # None: plain text
        self.finished = CachedHeightBox(spacing=BLOCK_GAP_PX)
        self.finished.hide()
        self.tail = self._new_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(BLOCK_GAP_PX)  # labels drop the margins of their outer blocks
        layout.addWidget(self.finished)
        layout.addWidget(self.tail)
        self._finished_blocks: list[str] = []
        self._tail_block: str | None = None
        self.text = ""

    def set_text(self, text: str) -> None:
        self.text = text
        blocks = _blocks(text, markdown=self.renderer is not None)
        done, last = blocks[:-1], blocks[-1]
        if done[: len(self._finished_blocks)] != self._finished_blocks:
            self._clear_finished()  # the text was replaced, not extended
        for block in done[len(self._finished_blocks):]:
            label = self._new_label()
            self._show(label, block)
            self.finished.items.addWidget(label)
            self._finished_blocks.append(block)
        self.finished.setVisible(bool(self._finished_blocks))
        if last != self._tail_block:
            self._show(self.tail, last)
            self._tail_block = last

    def _clear_finished(self) -> None:
        for label in self.finished.widgets():
            self.finished.items.removeWidget(label)
            label.deleteLater()
        self._finished_blocks = []

    def _new_label(self) -> QLabel:
        label = _selectable_label(self._label_name, rich=self.renderer is not None)
        label.setProperty("code", [])
        label.linkActivated.connect(
            lambda url, source=label: self.link_activated.emit(url, source.property("code")))
        label.linkHovered.connect(lambda url, source=label: source.setToolTip(link_tooltip(url)))
        return label

    def labels(self) -> list[QLabel]:
        """The labels showing the text, in reading order (the finished blocks, the tail)."""
        finished = self.finished.widgets() if self._finished_blocks else []
        return [*finished, self.tail]

    def _show(self, label: QLabel, block: str) -> None:
        # As label_texts has it, which find relies on.
        if self.renderer is None:
            label.setText(block.rstrip("\n"))
        else:
            rendered = self.renderer.render(block)
            label.setProperty("code", rendered.code)
            label.setText(rendered.html)


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


class UserMessageWidget(QWidget):
    edit_submitted = Signal(str)  # the edited text: send it as a new version

    def __init__(self, message: Message, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.editor: MessageEditor | None = None
        self.actions = MessageActions(self, editable=True, full_text=lambda: self.message.content)
        self.actions.edit_requested.connect(self.start_editing)
        self.bubble = bubble = QFrame()
        bubble.setObjectName("userMessage")
        self.text = _selectable_label("userText", rich=False)
        self.text.setText(message.content)
        inner = QVBoxLayout(bubble)
        inner.setContentsMargins(14, 10, 14, 10)
        inner.addWidget(self.text)
        bubble.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
        self.footer = QWidget()
        self.footer.setObjectName("messageFooter")
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyMessageButton")
        self.copy_button.setText(self.tr("Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy message"))
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.message.content))
        footer = QHBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addStretch(1)
        footer.addWidget(self.copy_button)
        for button in self.actions.hover_buttons:
            footer.addWidget(button)
        footer.addWidget(self.actions.versions)
        policy = self.copy_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # appearing on hover must not move the text
        self.copy_button.setSizePolicy(policy)
        self.copy_button.hide()
        row = QHBoxLayout()
        row.setContentsMargins(80, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(bubble)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.footer)

    def text_labels(self) -> list[tuple[QLabel, bool]]:
        """The labels find searches, each with whether it is thinking (never, here)."""
        return [(self.text, False)]

    def start_editing(self) -> None:
        """The edit box takes the bubble's place (ui/conversation/message_editor.py)."""
        if self.editor is None:
            self.editor = MessageEditor(self.message.content)
            self.editor.submitted.connect(self.edit_submitted)
            self.editor.cancelled.connect(self.stop_editing)
            self.layout().insertWidget(0, self.editor)
        self.bubble.hide()
        self.footer.hide()
        self.editor.show()
        self.editor.begin()

    def stop_editing(self) -> None:
        if self.editor is not None:
            self.editor.hide()
            self.editor.deleteLater()
            self.editor = None
        self.bubble.show()
        self.footer.show()

    def enterEvent(self, event) -> None:  # noqa: N802
        self.copy_button.show()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802
        self.copy_button.hide()
        super().leaveEvent(event)


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
        self.error = QLabel()
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
        self.actions = MessageActions(self, editable=False, full_text=lambda: self._answer)
        footer = QHBoxLayout(self.footer)
        footer.setContentsMargins(0, 0, 0, 0)
        footer.addWidget(self.actions.versions)
        footer.addWidget(self.state)
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
        stats = message.stats or {}
        if not message.reasoning_content and self.thinking is not None:
            # Streamed as thinking, saved as the answer (a server's reply that never closed
            # the thinking its template was presumed to open).
            self._layout.removeWidget(self.thinking)
            self.thinking.deleteLater()
            self.thinking = None
        if message.reasoning_content:
            # A saved answer opens as a streamed one ends: thinking folded once the answer
            # came, unless the setting keeps it open (ConversationView._estimate agrees).
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
        stats = message.stats or {}
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
        tokens = stats.get("reasoning_tokens", 0) + stats.get("answer_tokens", 0)
        rate = stats.get("decode_tokens_per_s")
        parts = []
        if tokens:
            parts.append(self.tr("1 token") if tokens == 1
                         else self.tr("{n} tokens").format(n=tokens))
        if rate:
            parts.append(self.tr("{rate:.1f} tokens/s").format(rate=rate))
        if message.model:  # the model that wrote it, which may not be the one open now
            parts.insert(0, ModelSource.parse(message.model).display_name)
        self.stats.setText(" · ".join(parts))
        written_by = (self.tr("Written by {model}").format(model=message.model)
                      if message.model else "")
        self.stats.setToolTip("\n".join(filter(None, (self.stats.text(), written_by))))

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

"""Text shown as one label per block, and the label every message shows its text in.

The labels are selectable; their links (rich text only) open through ``links.py`` on a
click, never by themselves; their context menu is the message's (message_actions.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop_chat.ui.conversation.links import link_tooltip
from desktop_chat.ui.conversation.shown_text import text_blocks
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.widgets.cached_height import CachedHeightBox
from desktop_chat.ui.widgets.plain_text import plain_tooltip

BLOCK_GAP_PX = 8


def selectable_label(object_name: str, rich: bool) -> QLabel:
    """A label of message text: selectable, its links (if ``rich``) reported, not opened."""
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    flags = Qt.TextInteractionFlag.TextSelectableByMouse
    if rich:
        flags |= Qt.TextInteractionFlag.LinksAccessibleByMouse
    label.setTextInteractionFlags(flags)
    label.setOpenExternalLinks(False)  # links open only through links.handle_link, on a click
    # The message's own menu (conversation/message_actions.py) serves its labels, selection
    # included.
    label.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label


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
        blocks = text_blocks(text, markdown=self.renderer is not None)
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
        label = selectable_label(self._label_name, rich=self.renderer is not None)
        label.setProperty("code", [])
        label.linkActivated.connect(
            lambda url, source=label: self.link_activated.emit(url, source.property("code")))
        label.linkHovered.connect(
            lambda url, source=label: source.setToolTip(plain_tooltip(link_tooltip(url))))
        return label

    def labels(self) -> list[QLabel]:
        """The labels showing the text, in reading order (the finished blocks, the tail)."""
        finished = self.finished.widgets() if self._finished_blocks else []
        return [*finished, self.tail]

    def _show(self, label: QLabel, block: str) -> None:
        # As shown_text.label_texts has it, which find relies on.
        if self.renderer is None:
            label.setText(block.rstrip("\n"))
        else:
            rendered = self.renderer.render(block)
            label.setProperty("code", rendered.code)
            label.setText(rendered.html)

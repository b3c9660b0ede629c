"""The conversation list: newest first, searchable, with new, rename and delete.

Searching is asked for (``search_changed``, debounced) and answered elsewhere; the
answer comes back as the ids to show (``show_search_result``), and the open conversation
is always listed (a message just sent is not in the search index yet)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.store import ConversationSummary
from desktop_chat.ui.widgets.plain_text import plain_tooltip

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_DELAY_MS = 250


class Sidebar(QWidget):
    conversation_selected = Signal(str)
    new_requested = Signal()
    rename_requested = Signal(str)
    delete_requested = Signal(str)
    search_changed = Signal(str)  # debounced

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setMinimumWidth(220)
        self.setMaximumWidth(340)
        self.new_button = QPushButton(self.tr("New chat"))
        self.new_button.setObjectName("newConversationButton")
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.new_button.clicked.connect(self.new_requested)
        self.search = QLineEdit()
        self.search.setObjectName("conversationSearch")
        self.search.setAccessibleName(self.tr("Search conversations"))
        self.search.setPlaceholderText(self.tr("Search"))
        self.search.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setObjectName("conversationList")
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().currentChanged.connect(self._on_current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(lambda: self.search_changed.emit(self.search.text()))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self._quiet = False
        self._summaries: list[ConversationSummary] = []
        self._current_id: str | None = None
        self.search_result: set[str] | None = None  # the ids the search found; None: all

    def set_conversations(self, summaries: list[ConversationSummary],
                          current_id: str | None) -> None:
        """Newest first, as far as the last search allows."""
        self._summaries, self._current_id = summaries, current_id
        if self.search_result is not None:
            summaries = [s for s in summaries
                         if s.id in self.search_result or s.id == current_id]
        self._quiet = True
        self.model.clear()
        for summary in summaries:
            item = QStandardItem(summary.title or self.tr("New chat"))
            item.setData(summary.id, ID_ROLE)
            item.setToolTip(plain_tooltip(summary.title))
            if summary.read_only:
                item.setEnabled(False)
                item.setToolTip(self.tr("Saved by a newer version of Desktop Chat"))
            self.model.appendRow(item)
        self.select(current_id)
        self._quiet = False

    def show_search_result(self, ids: list[str] | None) -> None:
        """The answer to the search box's query (None: no query, show all). Asked again
        after every save, so an unchanged answer changes nothing."""
        result = set(ids) if ids is not None else None
        if result != self.search_result:
            self.search_result = result
            self.set_conversations(self._summaries, self._current_id)

    def select(self, conversation_id: str | None) -> None:
        quiet, self._quiet = self._quiet, True
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(ID_ROLE) == conversation_id:
                self.list.setCurrentIndex(self.model.index(row, 0))
                break
        else:
            self.list.clearSelection()
            self.list.setCurrentIndex(self.model.index(-1, 0))
        self._quiet = quiet

    def title_of(self, conversation_id: str) -> str:
        for row in range(self.model.rowCount()):
            if self.model.item(row).data(ID_ROLE) == conversation_id:
                return self.model.item(row).text()
        return ""

    def ids(self) -> list[str]:
        return [self.model.item(row).data(ID_ROLE) for row in range(self.model.rowCount())]

    def _on_current_changed(self, current, previous) -> None:
        if not self._quiet and current.isValid():
            self.conversation_selected.emit(current.data(ID_ROLE))

    def _context_menu(self, position: QPoint) -> None:
        index = self.list.indexAt(position)
        if not index.isValid():
            return
        conversation_id = index.data(ID_ROLE)
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.rename_requested.emit(conversation_id))
        menu.addAction(self.tr("Delete"), lambda: self.delete_requested.emit(conversation_id))
        menu.exec(self.list.viewport().mapToGlobal(position))

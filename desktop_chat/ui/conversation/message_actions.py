"""What a message offers besides its text: Edit (user messages), Fork from here, and its
versions' arrows; as footer buttons shown on hover and in the message's context menu.

The text labels defer their context menu to the message (``Qt.NoContextMenu``), so one
right-click menu serves the whole message; it copies the selected text, if any.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QLabel, QMenu, QToolButton, QWidget

from desktop_chat.ui.conversation.version_switcher import VersionSwitcher


class MessageActions(QObject):
    edit_requested = Signal()
    fork_requested = Signal()

    def __init__(self, owner: QWidget, editable: bool, full_text: Callable[[], str]) -> None:
        super().__init__(owner)
        self._owner = owner
        self._full_text = full_text
        self.versions = VersionSwitcher()
        self.edit_button: QToolButton | None = None
        if editable:
            self.edit_button = self._button("editMessageButton", self.tr("Edit"),
                                            self.tr("Edit message"), self.edit_requested)
        self.fork_button = self._button("forkButton", self.tr("Fork"),
                                        self.tr("Fork from here into a new conversation"),
                                        self.fork_requested)
        self.menu: QMenu | None = None  # the last context menu, for tests to look at
        self._editing_allowed = True
        owner.installEventFilter(self)

    def _button(self, name: str, text: str, accessible: str, signal: Signal) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        button.clicked.connect(signal)
        policy = button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # appearing on hover must not move the text
        button.setSizePolicy(policy)
        button.hide()
        return button

    @property
    def hover_buttons(self) -> list[QToolButton]:
        return [b for b in (self.edit_button, self.fork_button) if b is not None]

    def set_branching_enabled(self, enabled: bool) -> None:
        """Edit and the version arrows wait while a reply streams."""
        self._editing_allowed = enabled
        if self.edit_button is not None:
            self.edit_button.setEnabled(enabled)
        self.versions.set_switchable(enabled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._owner:
            if event.type() == QEvent.Type.Enter:
                for button in self.hover_buttons:
                    button.show()
            elif event.type() == QEvent.Type.Leave:
                for button in self.hover_buttons:
                    button.hide()
            elif event.type() == QEvent.Type.ContextMenu:
                assert isinstance(event, QContextMenuEvent)
                self.context_menu().popup(event.globalPos())
                return True
        return super().eventFilter(watched, event)

    def context_menu(self) -> QMenu:
        """Copy (the selection, or the whole message), Edit, Fork from here."""
        menu = QMenu(self._owner)
        menu.setObjectName("messageContextMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        selected = self._selected_text()
        copy = menu.addAction(self.tr("Copy Selection") if selected else self.tr("Copy"))
        copy.setObjectName("copyMessageAction")
        copy.triggered.connect(
            lambda: QGuiApplication.clipboard().setText(selected or self._full_text()))
        if self.edit_button is not None:
            edit = menu.addAction(self.tr("Edit"))
            edit.setObjectName("editMessageAction")
            edit.setEnabled(self._editing_allowed)
            edit.triggered.connect(self.edit_requested)
        fork = menu.addAction(self.tr("Fork from Here"))
        fork.setObjectName("forkAction")
        fork.triggered.connect(self.fork_requested)
        self.menu = menu
        return menu

    def _selected_text(self) -> str:
        for label in self._owner.findChildren(QLabel):
            if label.hasSelectedText():
                return label.selectedText()
        return ""

"""Closing while conversations cannot be saved: keep the window open, save a copy
elsewhere, or quit and lose what was not saved."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_chat import APP_NAME
from desktop_chat.ui.widgets.plain_text import plain_box


class CloseChoice(Enum):
    KEEP_OPEN = "keep"
    SAVE_COPY = "copy"
    QUIT = "quit"


class UnsavedOnCloseDialog(QMessageBox):
    def __init__(self, unsaved: int, problem: str, parent: QWidget | None = None) -> None:
        """``problem``: why saves fail now, as the notice bar says it ("" if unknown)."""
        super().__init__(QMessageBox.Icon.Warning, APP_NAME, "", parent=parent)
        self.setObjectName("unsavedOnCloseDialog")
        self.setText(self.tr("{n} conversation(s) could not be saved.").format(n=unsaved))
        self.setInformativeText((problem + "\n\n" if problem else "")
                                + self.tr("If you quit now, what was not saved is lost."))
        plain_box(self)  # the problem is the system's words, naming files
        self._keep = self.addButton(self.tr("Keep Window Open"),
                                    QMessageBox.ButtonRole.RejectRole)
        self._copy = self.addButton(self.tr("Save a Copy…"), QMessageBox.ButtonRole.ActionRole)
        self.addButton(self.tr("Quit Anyway"), QMessageBox.ButtonRole.DestructiveRole)
        self.setDefaultButton(self._keep)

    def choose(self) -> CloseChoice:
        """Ask (modal: the window is closing) and say what the user chose."""
        self.exec()
        clicked = self.clickedButton()
        if clicked is self._keep:
            return CloseChoice.KEEP_OPEN
        if clicked is self._copy:
            return CloseChoice.SAVE_COPY
        return CloseChoice.QUIT

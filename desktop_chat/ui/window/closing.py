"""Closing while conversations cannot be saved: the user decides (keep the window open,
save a copy elsewhere, or quit and lose what was not saved)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_chat.ui.controllers.conversation_list import ConversationListController
from desktop_chat.ui.dialogs.unsaved_on_close import CloseChoice, UnsavedOnCloseDialog


def may_close_with_unsaved(window: QWidget, conversations: ConversationListController,
                           show_problem: Callable[[str], None]) -> bool:
    """Saves still fail: True if the window may close (nothing unsaved, a copy was saved,
    or the user chose to quit anyway)."""
    unsaved = conversations.unsaved_conversations()
    if not unsaved:
        return True
    problem = conversations.save_problem
    why = conversations.describe_save_problem(problem) if problem else ""
    choice = UnsavedOnCloseDialog(len(unsaved), why, window).choose()
    if choice is CloseChoice.KEEP_OPEN:
        return False
    if choice is CloseChoice.QUIT:
        return True
    folder = QFileDialog.getExistingDirectory(
        window, QCoreApplication.translate("MainWindow", "Save a copy in"))
    if not folder:
        return False
    if problem_text := conversations.save_copies(unsaved, Path(folder)):
        show_problem(problem_text)
        return False
    return True

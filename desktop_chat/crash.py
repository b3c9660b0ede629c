"""Logging to the user log dir, and unhandled errors that never vanish silently.

Every unhandled exception (GUI thread or any other) is written to
``<log dir>/desktop-chat.log``; on the GUI thread the user also gets a dialog that says
where the log is and whether the conversations are saved (as the writer thread knows it:
``watch_saves``), and can go on or quit.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from desktop_chat import APP_NAME, __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QMessageBox

LOG_NAME = "desktop-chat.log"
log = logging.getLogger("desktop_chat")


@dataclass(frozen=True)
class SaveState:
    """What the writer thread holds when the error happens."""

    unsaved: int  # conversations with changes not yet on disk
    stalled: bool  # the disk refused the last attempt; the writer retries


_save_state: Callable[[], SaveState] | None = None  # None until the writer exists


def watch_saves(state: Callable[[], SaveState] | None) -> None:
    """Tell the crash dialog how to ask the writer thread whether everything is saved
    (thread-safe, never blocking: the dialog may open while a save is under way)."""
    global _save_state
    _save_state = state


def setup_logging(log_dir: Path) -> Path:
    """Log to a rotating file in ``log_dir`` (and to stderr when there is one)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_NAME
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if sys.stderr is not None:  # a windowed app on Windows has no stderr
        root.addHandler(logging.StreamHandler())
    root.setLevel(logging.INFO)
    log.info("%s %s starting (frozen: %s)", APP_NAME, __version__, getattr(sys, "frozen", False))
    return path


def install_handlers(log_path: Path, exit_after_report: bool = False) -> None:
    """Route unhandled exceptions to the log and, on the GUI thread, to a dialog."""

    def on_exception(kind: type[BaseException], error: BaseException,
                     tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.critical("unhandled exception\n%s",
                     "".join(traceback.format_exception(kind, error, tb)))
        _show_dialog(log_path, error, exit_after_report)

    def on_thread_exception(args: threading.ExceptHookArgs) -> None:
        log.critical("unhandled exception in thread %s\n%s",
                     args.thread.name if args.thread else "?",
                     "".join(traceback.format_exception(args.exc_type, args.exc_value,
                                                        args.exc_traceback)))

    sys.excepthook = on_exception
    threading.excepthook = on_thread_exception


def _show_dialog(log_path: Path, error: BaseException, exit_after_report: bool) -> None:
    from PySide6.QtCore import QThread, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return
    box = crash_dialog(app, log_path, error, _current_save_state())
    go_on = box.defaultButton()
    if exit_after_report:  # --crash-for-test: nobody is there to click
        QTimer.singleShot(200, box.reject)
    box.exec()
    if exit_after_report or box.clickedButton() is not go_on:
        app.exit(70)  # EX_SOFTWARE


def _current_save_state() -> SaveState | None:
    try:
        return _save_state() if _save_state is not None else None
    except Exception:  # the dialog must open whatever state the app is in
        log.exception("the writer's state could not be read")
        return None


def crash_dialog(app: QApplication, log_path: Path, error: BaseException,
                 saves: SaveState | None) -> QMessageBox:
    """The dialog for an unhandled error, Continue first; it says what is saved."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                      app.translate("crash", "Something went wrong inside Desktop Chat: {error}")
                      .format(error=error))
    box.setObjectName("crashDialog")
    box.setInformativeText(" ".join(filter(None, (saves_sentence(app, saves), app.translate(
        "crash", "The details were written to {path}; please include that file if you "
                 "report the problem.").format(path=log_path)))))
    go_on = box.addButton(app.translate("crash", "Continue"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(app.translate("crash", "Quit"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(go_on)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the error's text and the path are not markup
    return box


def saves_sentence(app: QApplication, saves: SaveState | None) -> str:
    """The truth about the conversations: saved, being saved, or refused by the disk."""
    if saves is None:  # no conversation was open yet
        return ""
    if saves.stalled:
        return app.translate(
            "crash", "%n conversation(s) could not be saved yet: the disk refused them. "
                     "Desktop Chat keeps trying; choose Continue and do not quit until "
                     "they are saved.", "", saves.unsaved)
    if saves.unsaved:
        return app.translate("crash", "%n conversation(s) are still being saved.", "",
                             saves.unsaved)
    return app.translate("crash", "Your conversations are saved.")

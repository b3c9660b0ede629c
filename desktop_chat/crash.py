"""Logging to the user log dir, and unhandled errors that never vanish silently.

Every unhandled exception (GUI thread or any other) is written to
``<log dir>/desktop-chat.log``; on the GUI thread the user also gets a dialog that says
where the log is and that the conversations are saved, and can go on or quit.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from desktop_chat import APP_NAME, __version__

LOG_NAME = "desktop-chat.log"
log = logging.getLogger("desktop_chat")


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
    from PySide6.QtCore import Qt, QThread, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                      app.translate("crash", "Something went wrong inside Desktop Chat: {error}")
                      .format(error=error))
    box.setObjectName("crashDialog")
    box.setInformativeText(app.translate(
        "crash", "Your conversations are saved. The details were written to {path}; please "
                 "include that file if you report the problem.").format(path=log_path))
    go_on = box.addButton(app.translate("crash", "Continue"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(app.translate("crash", "Quit"), QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(go_on)
    box.setTextFormat(Qt.TextFormat.PlainText)  # the error's text and the path are not markup
    if exit_after_report:  # --crash-for-test: nobody is there to click
        QTimer.singleShot(200, box.reject)
    box.exec()
    if exit_after_report or box.clickedButton() is not go_on:
        app.exit(70)  # EX_SOFTWARE

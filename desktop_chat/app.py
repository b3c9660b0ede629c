"""Composition root: arguments, QApplication, settings, store, worker and main window.

The only module that wires all layers. Nothing here imports torch: the window paints
first, and the worker imports the engine on its own thread.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_chat import APP_NAME, __version__
from desktop_chat.core.paths import AppPaths
from desktop_chat.core.settings import AppSettings, load_settings
from desktop_chat.core.store import ConversationStore


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="desktop-chat", description=APP_NAME)
    parser.add_argument("--model", metavar="PATH", help="open this model folder (or .gguf file)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep conversations, settings and logs in DIR")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    # The model dev.py prepares; opened only while the user has chosen none.
    parser.add_argument("--demo-model", metavar="PATH", help=argparse.SUPPRESS)
    # For bench/startup.py: print seconds from process start to first paint, then quit.
    parser.add_argument("--exit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(list(argv))


@dataclass
class AppContext:
    args: argparse.Namespace
    paths: AppPaths
    settings: AppSettings
    store: ConversationStore
    notices: list[str]


def build_context(argv: Sequence[str]) -> AppContext:
    args = parse_args(argv)
    paths = AppPaths.resolve(args.data_dir)
    loaded = load_settings(paths.settings_file)
    notices = [loaded.notice] if loaded.notice else []
    store = ConversationStore(paths.conversations_dir)
    return AppContext(args, paths, loaded.settings, store, notices)


def create_main_window(argv: Sequence[str]):  # -> MainWindow (imported lazily, see below)
    """Build exactly the window ``desktop-chat`` shows, on a running QApplication."""
    from desktop_chat.ui.main_window import MainWindow

    context = build_context(argv)
    window = MainWindow()
    window.context = context
    return window


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parse_args(argv)  # --help and --version exit here, before Qt starts

    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    window = create_main_window(argv)

    if window.context.args.exit_after_paint:
        class FirstPaint(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    print(f"first paint {time.time() - _process_start():.3f} s "
                          f"torch imported: {'torch' in sys.modules}", flush=True)
                    app.quit()
                return False

        first_paint = FirstPaint(window)
        window.installEventFilter(first_paint)

    window.show()
    return app.exec()


def _process_start() -> float:
    import psutil

    return psutil.Process().create_time()

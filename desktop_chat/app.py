"""Composition root: arguments, QApplication, settings, store, workers and main window.

The only module that wires all layers: it makes the workers (workers/) and hands them to
the window (ui/), which sees them only as ui/ports.py describes them. Nothing here imports
torch: the window paints first, and the worker imports the engine on its own thread once
the window is on screen.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_chat import APP_NAME, __version__
from desktop_chat.core.paths import AppPaths, resource
from desktop_chat.core.search_index import SEARCH_INDEX_NAME
from desktop_chat.core.settings import SettingsFile
from desktop_chat.core.store import ConversationStore
from desktop_chat.crash import SaveState, install_handlers, setup_logging, watch_saves

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from desktop_chat.ui.window.main_window import MainWindow
    from desktop_chat.workers.downloads import DownloadWorker
    from desktop_chat.workers.fast_copy import FastCopyWorker
    from desktop_chat.workers.inference import InferenceWorker
    from desktop_chat.workers.jobs import JobRunner
    from desktop_chat.workers.saves import SaveWorker
    from desktop_chat.workers.search import SearchWorker
    from desktop_chat.workers.token_counting import TokenCountWorker

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="desktop-chat", description=APP_NAME)
    parser.add_argument("--model", metavar="PATH", help="open this model folder (or .gguf file)")
    parser.add_argument("--server", metavar="URL",
                        help="use the OpenAI-compatible server at URL (e.g. "
                             "http://localhost:8000/v1); the key comes from the keyring or "
                             "DESKTOP_CHAT_API_KEY (which is sent only over https or to "
                             "this computer)")
    parser.add_argument("--server-model", metavar="NAME",
                        help="the server's model to use (default: the first it lists)")
    parser.add_argument("--data-dir", metavar="DIR",
                        help="keep conversations, settings and logs in DIR")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    # The model dev.py prepares; opened only while the user has chosen none.
    parser.add_argument("--demo-model", metavar="PATH", help=argparse.SUPPRESS)
    # For bench/startup.py: print seconds from process start to first paint, then quit.
    parser.add_argument("--exit-after-paint", action="store_true", help=argparse.SUPPRESS)
    # For the packaging test: load MODEL, answer one question, check the split, exit.
    parser.add_argument("--self-test", metavar="MODEL", help=argparse.SUPPRESS)
    parser.add_argument("--self-test-out", metavar="FILE", help=argparse.SUPPRESS)
    parser.add_argument("--self-test-device", metavar="DEVICE", default="auto",
                        help=argparse.SUPPRESS)
    parser.add_argument("--self-test-expect", metavar="TEXT", help=argparse.SUPPRESS)
    # ... and fetch URL over the network (TLS with the certificates the app carries)
    parser.add_argument("--self-test-url", metavar="URL", help=argparse.SUPPRESS)
    # For the packaging test: make MODEL_DIR's fast copy (in a temp cache), answer through it.
    parser.add_argument("--self-test-fast-copy", metavar="MODEL_DIR", help=argparse.SUPPRESS)
    # For the packaging test: raise an unhandled error once the window is up.
    parser.add_argument("--crash-for-test", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(list(argv))
    if args.server_model and not args.server:
        parser.error("--server-model needs --server URL")
    if args.server and args.model:
        parser.error("choose either --model or --server")
    return args


def initial_model(args: argparse.Namespace) -> str | None:
    """The model named on the command line, as a model source string."""
    if args.server:
        from desktop_chat.core.model_source import ModelSource, ServerAddressError

        try:
            return ModelSource.server(args.server, args.server_model or "").to_string()
        except ServerAddressError as error:
            raise SystemExit(f"desktop-chat: {error}") from None
    return args.model


@dataclass
class Workers:
    """Everything that owns a thread and reports by signal (workers/), made here and handed
    to the window as ui/ports.py describes them."""

    inference: InferenceWorker
    counting: TokenCountWorker
    saves: SaveWorker
    search: SearchWorker
    downloads: DownloadWorker
    jobs: JobRunner  # the window's one-off jobs: exports, imports, the keyring
    fast_copies: FastCopyWorker  # fast copies of model folders, made in the background

    @classmethod
    def create(cls, paths: AppPaths, store: ConversationStore) -> Workers:
        from desktop_chat.workers.downloads import DownloadWorker
        from desktop_chat.workers.fast_copy import FastCopyWorker
        from desktop_chat.workers.inference import InferenceWorker
        from desktop_chat.workers.jobs import JobRunner
        from desktop_chat.workers.saves import SaveWorker
        from desktop_chat.workers.search import SearchWorker
        from desktop_chat.workers.token_counting import TokenCountWorker

        counting = TokenCountWorker()
        # The search index's thread starts at once: it catches up while the window opens.
        search = SearchWorker(store, paths.cache_dir / SEARCH_INDEX_NAME)
        return cls(inference=InferenceWorker(cache_dir=paths.cache_dir, counting=counting),
                   counting=counting,
                   saves=SaveWorker(store, on_written=search.take_in),  # the index follows
                   search=search, downloads=DownloadWorker(paths.models_dir),
                   jobs=JobRunner(name="window jobs"),
                   fast_copies=FastCopyWorker(paths.cache_dir))

    def shutdown(self) -> None:
        """At exit, after the window closed (which ended the writer and the search)."""
        self.inference.shutdown()  # closing the window did it already, unless Qt quit
        self.jobs.shutdown()
        self.fast_copies.shutdown()  # a copy being made is cancelled: nothing half-kept
        self.downloads.shutdown()


def create_main_window(argv: Sequence[str]) -> MainWindow:
    """The window ``desktop-chat`` shows (see ``build``); its workers stay reachable as
    ``window.worker`` and the like, for tests and tools."""
    return build(argv)[0]


def build(argv: Sequence[str]) -> tuple[MainWindow, Workers]:
    """Build exactly the window ``desktop-chat`` shows, on a running QApplication.

    The worker thread starts, and the start-up model begins loading, once the window has
    painted (``window.start_engine()`` does it at once, for tests and tools).
    """
    from PySide6.QtCore import QEvent, QObject

    from desktop_chat.ui.language import install_translators
    from desktop_chat.ui.window.main_window import MainWindow

    args = parse_args(argv)
    paths = AppPaths.resolve(args.data_dir)
    settings_file = SettingsFile(paths.settings_file)
    # Before the first widget: texts are translated when they are set.
    install_translators(settings_file.settings.language)
    store = ConversationStore(paths.conversations_dir)
    workers = Workers.create(paths, store)
    worker, downloads = workers.inference, workers.downloads
    window = MainWindow(settings_file, store, workers)
    worker.stopped.connect(downloads.cancel)  # the window closed: partial files stay
    worker.stopped.connect(workers.fast_copies.cancel)  # and a copy being made is dropped

    started = False

    def start_engine() -> None:
        nonlocal started
        if not started:
            started = True
            worker.start()
            window.models.open_initial(initial_model(args), args.demo_model)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                if args.exit_after_paint:
                    print(f"first paint {time.time() - _process_start():.3f} s "
                          f"torch imported: {'torch' in sys.modules}", flush=True)
                    from PySide6.QtWidgets import QApplication

                    QApplication.instance().quit()
                else:
                    start_engine()
            return False

    window.installEventFilter(FirstPaint(window))
    window.start_engine = start_engine
    window.models.model_ready.connect(freeze_heap)
    if settings_file.notice:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: window.notice.show_problem("settings", settings_file.notice))
    return window, workers


def freeze_heap(*_: object) -> None:
    """Take what is alive now out of the garbage collector's sight.

    torch, transformers and Qt leave a million long-lived objects; a full collection over
    them takes 100+ ms, which showed as a stall in the middle of a streamed reply. Called
    after a model loads (a pause the user already waits through): new garbage is still
    collected. What the last call froze is looked at again first: frozen objects are never
    collected, and some were alive only then (the message widgets of the conversation on
    screen, the model before). Not on every conversation open, which froze the widgets of
    the view being left, waiting for their deferred deletion: each switch leaked them.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)  # --help and --version exit here, before Qt starts
    initial_model(args)  # a malformed --server URL, too
    log_path = setup_logging(AppPaths.resolve(args.data_dir).log_dir)
    install_handlers(log_path, exit_after_report=args.crash_for_test)

    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource("icons", "app-icon-256.png"))))
    from desktop_chat.ui.language import SYSTEM, install_translators

    install_translators(SYSTEM)  # the settings' choice replaces it once they are read
    if args.self_test:
        from desktop_chat import self_test

        return self_test.run(app, args.self_test, out=args.self_test_out,
                             device=args.self_test_device, expect=args.self_test_expect,
                             url=args.self_test_url)
    if args.self_test_fast_copy:
        from desktop_chat import self_test

        return self_test.run_fast_copy(app, args.self_test_fast_copy, out=args.self_test_out)
    from desktop_chat.instance import InstanceGuard, Outcome

    guard = InstanceGuard(AppPaths.resolve(args.data_dir).data_dir)
    outcome = guard.acquire(argv)
    if outcome is Outcome.HANDED_OVER:
        return 0  # the running window opens what this start named
    if outcome is not Outcome.PRIMARY:
        report_start_refused(app, guard.problem)
        return 1  # never a second writer in one data dir
    window, workers = build(argv)
    watch_saves(lambda: SaveState(len(workers.saves.unsaved_conversations()),
                                  workers.saves.queue.stalled))  # the crash dialog's truth
    guard.arguments_received.connect(lambda message: act_on_later_start(window, message))
    guard.listen()
    window.show()
    if args.crash_for_test:
        from PySide6.QtCore import QTimer

        def fail() -> None:
            raise RuntimeError("a crash asked for by --crash-for-test")

        QTimer.singleShot(100, fail)
    code = app.exec()
    # A cancelled download may wait out a stalled read (up to 30 s): a new start must not
    # hand its arguments to this exiting process meanwhile.
    guard.release()
    workers.shutdown()
    return code


def act_on_later_start(window: MainWindow, message: dict) -> None:
    """Another start with this data dir handed over: come forward, open what it named.

    ``message`` is what ``InstanceGuard.arguments_received`` brings: that start's ``argv``
    and ``cwd``. A model opens as ``--model``/``--server`` open one at start.
    """
    from PySide6.QtWidgets import QApplication

    if not window.isVisible():
        return  # closing: the later start's model would never load
    if window.isMinimized():
        window.showNormal()
    window.raise_()
    window.activateWindow()
    QApplication.alert(window)  # where the system refuses to activate it (Windows)
    try:
        args = parse_args(message["argv"])
        source = initial_model(args)
    except SystemExit:  # the later start checked them; this is a different version
        log.warning("could not act on the arguments %s", message["argv"])
        return
    if args.model:  # relative to where the later start ran
        source = os.path.join(message["cwd"] or os.getcwd(), os.path.expanduser(args.model))
    if source:
        window.start_engine()  # at once if the window has not painted yet; else a no-op
        window.models.open(source)


def report_start_refused(app: QApplication, problem: str) -> None:
    """Say why this start does not open a window: in the log, on stderr, in a dialog."""
    log.error("not starting: %s", problem)  # setup_logging sends it to stderr, too
    if app.platformName() not in ("offscreen", "minimal") and "pytest" not in sys.modules:
        from PySide6.QtWidgets import QMessageBox

        from desktop_chat.ui.widgets.plain_text import plain_message_box

        # the problem names paths and errors: plain text, never rich
        plain_message_box(QMessageBox.Icon.Critical, APP_NAME, problem).exec()


def _process_start() -> float:
    import psutil

    return psutil.Process().create_time()

"""The main window: sidebar, conversation, composer, menus, status bar, notice bar.

Until a model is open (and no conversation is shown) it shows how to get one. app.py
hands in the workers as ui/ports.py describes them; the window builds the controllers
(the conversation list, the chat session, models), the widgets and the dialogs' launcher,
and wires them all in ``_connect``. Actions and menus are data (window/actions.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME
from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.inference import GenerationResult, ModelInfo, ModelState
from desktop_chat.core.save_queue import SaveProblem
from desktop_chat.core.settings import AppSettings, SettingsFile
from desktop_chat.core.store import ConversationStore
from desktop_chat.ui.controllers.chat_session import ChatSession
from desktop_chat.ui.controllers.conversation_list import ConversationListController
from desktop_chat.ui.controllers.models import ModelController
from desktop_chat.ui.conversation.alternatives_view import AlternativesView
from desktop_chat.ui.conversation.branches import ConversationBranches
from desktop_chat.ui.conversation.header import ConversationHeader
from desktop_chat.ui.conversation.view import ConversationView
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import TokenCountPort, WorkersPort
from desktop_chat.ui.render import theme as themes
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.window import actions as action_table
from desktop_chat.ui.window.closing import may_close_with_unsaved
from desktop_chat.ui.window.composer import Composer
from desktop_chat.ui.window.empty_state import EmptyState
from desktop_chat.ui.window.export_import import ExportImportDialogs
from desktop_chat.ui.window.model_dialogs import ModelDialogs
from desktop_chat.ui.window.notice_bar import ONE_OFF, NoticeBar
from desktop_chat.ui.window.settings_dialogs import SettingsDialogs
from desktop_chat.ui.window.sidebar import Sidebar
from desktop_chat.ui.window.status_bar import StatusBar

CLOSE_SAVE_SECONDS = 5.0  # closing waits this long for the writer before asking


class MainWindow(QMainWindow):
    def __init__(self, settings_file: SettingsFile, store: ConversationStore,
                 workers: WorkersPort) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1180, 800)
        self.settings_file = settings_file
        self.worker = worker = workers.inference
        self.downloads = downloads = workers.downloads
        self.theme = themes.resolve(settings_file.settings.theme)
        self.renderer = MarkdownRenderer(self.theme.markdown)
        self.models = ModelController(worker, settings_file, self)
        self.conversations = ConversationListController(store, workers.saves, workers.search,
                                                        self)
        self.chat = ChatSession(self.conversations, worker, workers.counting, settings_file,
                                self)
        self._closing = False
        # What starts the worker's thread and the first model: app.py sets it, to run
        # once the window has painted (tests and tools call it at once).
        self.start_engine: Callable[[], None] = lambda: None
        self._quit_unsaved = False  # the user chose to close although saves fail

        self._build_widgets()
        self.model_dialogs = ModelDialogs(self, self.models, worker, downloads, workers.jobs,
                                          settings_file, self.status.note, workers.fast_copies)
        self.settings_dialogs = SettingsDialogs(self, settings_file, self.models, self.chat,
                                                downloads)
        self.transfer = ExportImportDialogs(self, self.chat, self.conversations, workers.jobs,
                                            self.status.note, self.show_problem)
        self.window_actions, self.recent_menu = action_table.install(self)
        self.window_actions["model_info"].setEnabled(False)  # until a model is open
        self._connect(workers.counting)
        themes.apply(QApplication.instance(), self.theme)
        self._apply_display_settings(settings_file.settings)
        self._restore_geometry()
        self._fill_recent_menu()
        self.refresh_sidebar()
        self._update_page()
        self._update_composer()
        if settings_file.problem:
            self.notice.show_problem("settings", settings_file.problem)

    def _build_widgets(self) -> None:
        self.notice = NoticeBar()
        self.sidebar = Sidebar()
        self.empty_state = EmptyState()
        self.view = ConversationView(self.renderer)
        self.composer = Composer()
        self.header = ConversationHeader()
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.chat_page = QWidget()
        self.chat_page.setObjectName("chatPage")
        column = QVBoxLayout(self.chat_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.view, 1)
        column.addWidget(self.composer)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_state)
        self.pages.addWidget(self.chat_page)
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 920])
        splitter.setChildrenCollapsible(False)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.notice)
        central_layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _connect(self, counting: TokenCountPort) -> None:
        """Every connection of the window, grouped by where the signal comes from."""
        # The settings file reports a folder it cannot write once, here, never by raising.
        self.settings_file.on_problem = lambda text: self.notice.show_problem("settings", text)
        QApplication.instance().aboutToQuit.connect(self.conversations.flush_saves)

        empty, models, dialogs = self.empty_state, self.models, self.model_dialogs
        empty.get_model_requested.connect(dialogs.get_model)
        empty.open_model_requested.connect(dialogs.open_folder)
        empty.open_gguf_requested.connect(dialogs.open_gguf)
        empty.connect_server_requested.connect(dialogs.connect_server)
        dialogs.recent_models_changed.connect(self._fill_recent_menu)

        models.state_changed.connect(self._on_model_state_changed)
        models.loading_progressed.connect(self.status.show_load_progress)
        models.model_ready.connect(self._on_model_ready)
        models.model_ready.connect(self.composer.request_count)

        self.status.choose_model_requested.connect(dialogs.choose_model)
        self.status.cancel_load_requested.connect(models.cancel)
        self.status.undo_requested.connect(self.chat.restore)

        self.sidebar.new_requested.connect(self.chat.new_conversation)
        self.sidebar.conversation_selected.connect(self.chat.open_conversation)
        self.sidebar.rename_requested.connect(self._rename)
        self.sidebar.delete_requested.connect(self._delete)
        self.sidebar.search_changed.connect(self.conversations.request_search)

        self.composer.send_requested.connect(self.chat.send)
        self.composer.stop_requested.connect(self.chat.stop)
        self.composer.count_requested.connect(self._count_tokens)
        counting.counted.connect(self.composer.show_token_count)

        self.header.settings_requested.connect(self.settings_dialogs.open_conversation_settings)
        self.settings_dialogs.settings_applied.connect(self._apply_display_settings)
        self.settings_dialogs.settings_applied.connect(self.composer.request_count)
        self.view.regenerate_requested.connect(self.regenerate)
        self.view.alternatives_requested.connect(self._generate_alternatives)

        lists = self.conversations
        lists.conversations_changed.connect(self.refresh_sidebar)
        lists.conversations_changed.connect(lambda: self.header.show_conversation(
            self.chat.current))
        lists.problem.connect(self.show_problem)
        lists.save_problem_changed.connect(self._on_save_problem_changed)
        lists.search_finished.connect(self.sidebar.show_search_result)
        self.notice.retry_requested.connect(lists.retry_saves)

        chat = self.chat
        chat.conversation_opened.connect(self._on_conversation_opened)
        chat.conversation_opened.connect(self.header.show_conversation)
        chat.conversation_opened.connect(self.composer.request_count)
        chat.conversation_reloaded.connect(self._on_conversation_reloaded)
        chat.user_message_added.connect(self.view.add_user_message)
        chat.last_reply_removed.connect(self.view.remove_last_assistant_message)
        chat.reply_started.connect(self._on_reply_started)
        chat.chunk_received.connect(self.view.append_chunk)
        chat.answer_was_reasoning.connect(self.view.answer_was_reasoning)
        chat.prefill_progressed.connect(self.status.show_prefill)
        chat.reply_finished.connect(self._on_reply_finished)
        chat.reply_finished.connect(self.composer.request_count)
        chat.generating_changed.connect(self._on_generating_changed)
        chat.problem.connect(self.show_problem)
        # After the handlers above: the view shows the messages before their versions.
        self.branches = ConversationBranches(self.view, chat,
                                             lambda: self.window_actions["regenerate"].isEnabled(),
                                             self.show_problem, self)
        self.alternatives = AlternativesView(self.view, chat.alternatives,
                                             lambda: self.models.model, self.status.note,
                                             self)

    # ----- settings and display ------------------------------------------------------------

    @property
    def settings(self) -> AppSettings:
        return self.settings_file.settings

    def _apply_display_settings(self, settings: AppSettings) -> None:
        resolved = themes.resolve(settings.theme)
        if resolved != self.theme:
            self.theme = resolved
            themes.apply(QApplication.instance(), resolved)
            self.renderer.set_palette(resolved.markdown)
            if self.chat.current is not None and not self.chat.generating:
                # code and tables take the new colours
                self.view.show_messages(self.chat.current.path())
        self.view.keep_thinking_open = settings.keep_reasoning_open
        self.window_actions["toggle_thinking"].setChecked(settings.show_reasoning)
        self.view.set_thinking_visible(settings.show_reasoning)

    def set_thinking_visible(self, visible: bool) -> None:
        self.view.set_thinking_visible(visible)
        if visible != self.settings.show_reasoning:
            self.settings_file.update_settings(
                dataclasses.replace(self.settings, show_reasoning=visible))

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))

    # ----- models --------------------------------------------------------------------------

    def _fill_recent_menu(self) -> None:
        action_table.fill_recent_models(self.recent_menu, self.settings.recent_models,
                                          self.models.open)

    def _on_model_state_changed(self, state: ModelState) -> None:
        self.chat.model_path = state.current.path if state.current else None
        self.status.show_model_state(state)
        self.window_actions["model_info"].setEnabled(state.current is not None)
        self._update_page()
        self._update_composer()

    def _on_model_ready(self, info: ModelInfo) -> None:
        for notice in info.notices:
            self.status.note(translated(notice))
        self._fill_recent_menu()

    # ----- conversations -------------------------------------------------------------------

    def refresh_sidebar(self) -> None:
        current = self.chat.current.id if self.chat.current else None
        self.sidebar.set_conversations(self.conversations.list_conversations(), current)

    def _on_conversation_reloaded(self, conversation: Conversation) -> None:
        """The open conversation took in another window's messages."""
        if conversation is self.chat.current and not self.chat.generating:
            self.view.show_messages(conversation.path())

    def _on_conversation_opened(self, conversation: Conversation | None) -> None:
        self.view.show_messages(conversation.path() if conversation else [])
        self.sidebar.select(conversation.id if conversation else None)
        if self.sidebar.search_result is not None:  # the one left may not match: filter
            QTimer.singleShot(0, self, self.refresh_sidebar)  # again, not in the list's click
        self._update_page()
        self.composer.input.setFocus()

    def find_in_conversation(self) -> None:
        if self.pages.currentWidget() is self.chat_page:
            self.view.open_find()
        else:
            self.focus_search()

    def focus_search(self) -> None:
        self.sidebar.search.setFocus()
        self.sidebar.search.selectAll()

    def _rename(self, conversation_id: str) -> None:
        title, ok = QInputDialog.getText(self, self.tr("Rename conversation"),
                                         self.tr("Title:"),
                                         text=self.sidebar.title_of(conversation_id))
        if ok:
            self.chat.rename(conversation_id, title)

    def _delete(self, conversation_id: str) -> None:
        self.chat.delete(conversation_id)
        self.status.offer_undo(conversation_id)

    # ----- replies -------------------------------------------------------------------------

    def _on_reply_started(self) -> None:
        live = self.view.start_assistant_message()
        model = self.models.model
        live.set_answer_now_available(model is not None and model.can_answer_now)
        live.answer_now_requested.connect(self.chat.answer_now)

    def _on_reply_finished(self, message: Message, result: GenerationResult) -> None:
        if self.view.live is None:  # stopped by switching away: saved, not on screen
            return
        self.view.finish_live_message(message)
        self.status.show_reply_stats(result)

    def _on_generating_changed(self, generating: bool) -> None:
        self.composer.set_generating(generating)
        if not generating:
            self.status.clear_prefill()  # stopped or failed while reading the prompt
        self._update_composer()

    def _count_tokens(self, draft: str) -> None:
        """The composer's count of the message being written, off this thread."""
        if self.models.model is None:
            self.composer.show_token_count(None)
        else:
            self.chat.request_token_count(draft)

    def _update_composer(self) -> None:
        if self.models.loading is not None:
            self.composer.set_can_send(False, self.tr("Loading the model…"))
        elif self.models.model is None:
            self.composer.set_can_send(False, self.tr("Open a model first."))
        else:
            self.composer.set_can_send(True)
        self.window_actions["stop"].setEnabled(self.chat.generating)
        # The worker answers only with a model open and no load in progress.
        self.window_actions["regenerate"].setEnabled(self.models.model is not None and
                                              self.models.loading is None and
                                              not self.chat.generating)

    def regenerate(self) -> None:
        if self.window_actions["regenerate"].isEnabled():
            self.chat.regenerate()

    def _generate_alternatives(self) -> None:
        if self.window_actions["regenerate"].isEnabled():
            self.chat.generate_alternatives()

    def _update_page(self) -> None:
        show_chat = (self.models.model is not None or self.models.loading is not None
                     or self.chat.current is not None)
        self.pages.setCurrentWidget(self.chat_page if show_chat else self.empty_state)

    # ----- problems ------------------------------------------------------------------------

    def show_problem(self, text: str) -> None:
        """In the notice bar, not a dialog. One-off problems share one line: a new one
        replaces the last; the same one again while it is shown changes nothing."""
        self.notice.show_problem(ONE_OFF, text)

    def _on_save_problem_changed(self, problem: SaveProblem | None) -> None:
        if problem is None:
            self.notice.clear("save")
            self.status.note(self.tr("All conversations are saved."), 8000)
        else:
            self.notice.show_problem("save", self.conversations.describe_save_problem(problem),
                                     retry=True)

    # ----- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save, hide at once, and close for good once the worker has stopped: a long
        prefill or the engine's import never keeps a frozen window on screen.

        First every conversation is written (the writer thread, waited for here); if the
        disk still refuses, the user decides whether to keep the window open."""
        if not self._closing:
            self.chat.stop_and_keep()
            if not self.conversations.flush_saves(CLOSE_SAVE_SECONDS):
                if not may_close_with_unsaved(self, self.conversations, self.show_problem):
                    event.ignore()
                    return
                self._quit_unsaved = True  # decided: closing waits no more for the disk
        if self.worker.running:
            if not self._closing:
                self._closing = True
                self.chat.stop_and_keep()  # the partial reply is saved, never lost
                self._save_geometry()
                self.worker.stopped.connect(self.close)
                self.worker.stop()
            self.hide()
            event.ignore()
            return
        if not self._closing:
            self._save_geometry()
        # Waited CLOSE_SAVE_SECONDS already, or the user chose to lose what is unsaved.
        self.conversations.shutdown(save_seconds=0.1 if self._quit_unsaved else 2.0)
        super().closeEvent(event)

    def _save_geometry(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.settings_file.update_settings(
            dataclasses.replace(self.settings, window_geometry=geometry))

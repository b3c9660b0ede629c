"""The main window: conversation sidebar, conversation view, composer, menus, status bar.

Until a model is open (and no conversation is shown) it shows how to get one. The window
knows the worker only as an object with signals and request methods, handed in by app.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME
from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.inference import (
    ENGINE_LLAMA_CPP,
    GenerationResult,
    ModelInfo,
    ModelState,
)
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.settings import AppSettings, SettingsFile
from desktop_chat.core.store import ConversationStore, encode, write_atomic
from desktop_chat.ui.controllers.alternatives import AlternativesView
from desktop_chat.ui.controllers.chat_controller import ChatController
from desktop_chat.ui.controllers.models import ModelController
from desktop_chat.ui.conversation.branches import ConversationBranches
from desktop_chat.ui.conversation.header import ConversationHeader
from desktop_chat.ui.conversation.view import ConversationView
from desktop_chat.ui.dialogs.download import DownloadDialog
from desktop_chat.ui.dialogs.model_info import ModelInfoDialog
from desktop_chat.ui.dialogs.model_picker import ModelPickerDialog
from desktop_chat.ui.dialogs.models_library import ModelsLibraryDialog
from desktop_chat.ui.dialogs.server import ServerDialog
from desktop_chat.ui.dialogs.settings import SettingsDialog
from desktop_chat.ui.language import translated
from desktop_chat.ui.render import theme as themes
from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.window.composer import Composer
from desktop_chat.ui.window.export_import import ExportImport
from desktop_chat.ui.window.notice_bar import ONE_OFF, ProblemNotice
from desktop_chat.ui.window.sidebar import Sidebar

MODEL_PAGE_URL = "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"
UNDO_SECONDS = 10
CLOSE_SAVE_SECONDS = 5.0  # closing waits this long for the writer before asking


class EmptyState(QWidget):
    """What a first start shows: where to get a model folder, and a button to open one."""

    get_model_requested = Signal()
    open_model_requested = Signal()
    open_gguf_requested = Signal()
    connect_server_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel(self.tr("No model is open yet"))
        title.setObjectName("emptyStateTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        body = QLabel(self.tr(
            "Desktop Chat runs language models on this computer; nothing leaves it.<br><br>"
            "Download a model folder, for example "
            "<a href=\"{url}\">DeepSeek-R1-Distill-Qwen-1.5B</a> from Hugging Face "
            "(all of its files in one folder) or a single .gguf file, then choose it here. "
            "A model on a server works too: anything that speaks the OpenAI API."
        ).format(url=MODEL_PAGE_URL))
        body.setObjectName("emptyStateText")
        body.setWordWrap(True)
        body.setOpenExternalLinks(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        body.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        get = QPushButton(self.tr("Get a Model…"))
        get.setObjectName("emptyStateGetModelButton")
        get.setAccessibleName(self.tr("Get a model from Hugging Face"))
        get.setDefault(True)
        get.clicked.connect(self.get_model_requested)
        button = QPushButton(self.tr("Open model folder…"))
        button.setObjectName("emptyStateOpenButton")
        button.setAccessibleName(self.tr("Open model folder"))
        button.setFlat(True)  # Get a Model is the first thing to do
        button.clicked.connect(self.open_model_requested)
        gguf = QPushButton(self.tr("Open a GGUF file…"))
        gguf.setObjectName("emptyStateGgufButton")
        gguf.setAccessibleName(self.tr("Open a GGUF file"))
        gguf.setFlat(True)
        gguf.clicked.connect(self.open_gguf_requested)
        server = QPushButton(self.tr("Connect to a server…"))
        server.setObjectName("emptyStateServerButton")
        server.setAccessibleName(self.tr("Connect to a server"))
        server.setFlat(True)
        server.clicked.connect(self.connect_server_requested)
        others = QHBoxLayout()
        others.addStretch(1)
        others.addWidget(button)
        others.addWidget(gguf)
        others.addWidget(server)
        others.addStretch(1)
        # A fixed-width column: word-wrapped labels get their full height only when the
        # layout hands them a width, not when aligned inside a wider one.
        column = QWidget()
        column.setFixedWidth(520)
        inner = QVBoxLayout(column)
        inner.setSpacing(16)
        inner.addStretch(2)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(title)
        inner.addWidget(body)
        inner.addWidget(get, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addLayout(others)
        inner.addStretch(3)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    def __init__(self, settings_file: SettingsFile, store: ConversationStore,
                 worker: Any, saves: Any, search: Any, downloads: Any = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1180, 800)
        self.settings_file = settings_file
        self.worker = worker
        self.downloads = downloads  # download_worker.DownloadWorker, from app.py
        self.theme = themes.resolve(settings_file.settings.theme)
        self.renderer = MarkdownRenderer(self.theme.markdown)
        self.models = ModelController(worker, settings_file, self)
        self.chat = ChatController(store, worker, settings_file, saves, search, self)
        self.transfer = ExportImport(self)  # File > Export and Import
        self._search_filter: list[str] | None = None
        self._pending_undo: str | None = None
        self._closing = False
        self._quit_unsaved = False  # the user chose to close although saves fail
        self._prefill_message = ""  # shown while a long prompt is read
        self.notice = ProblemNotice()
        # The settings file reports a folder it cannot write once, here, never by raising.
        settings_file.on_problem = lambda text: self.notice.show_problem("settings", text)

        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self._connect()
        # Edit, versions and fork (issue 10); after _connect: the view shows messages first.
        self.branches = ConversationBranches(self.view, self.chat,
                                             lambda: self.regenerate_action.isEnabled(),
                                             self.show_problem, self)
        # Generate answers: several versions at once, each streamed into its own widget.
        self.alternatives = AlternativesView(
            self.view, self.chat.alternatives, lambda: self.models.model,
            lambda text: self.statusBar().showMessage(text, 15000), self)
        self.view.alternatives_requested.connect(
            lambda: self.regenerate_action.isEnabled() and self.chat.generate_alternatives())
        themes.apply(QApplication.instance(), self.theme)
        self._apply_display_settings(settings_file.settings)
        self._restore_geometry()
        self.refresh_sidebar()
        self._update_page()
        self._update_composer()
        if settings_file.problem:
            self.notice.show_problem("settings", settings_file.problem)
        QApplication.instance().aboutToQuit.connect(self.chat.flush_saves)

    # ----- construction --------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar = Sidebar()
        self.empty_state = EmptyState()
        self.view = ConversationView(self.renderer)
        self.composer = Composer()
        chat_page = QWidget()
        chat_page.setObjectName("chatPage")
        column = QVBoxLayout(chat_page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.header = ConversationHeader(self.chat, self.settings_file)
        column.addWidget(self.header)
        column.addWidget(self.view, 1)
        column.addWidget(self.composer)
        self.chat_page = chat_page
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_state)
        self.pages.addWidget(chat_page)
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

    def _action(self, name: str, text: str, shortcut: Any = None,
                slot: Any = None, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.setCheckable(checkable)
        if slot is not None:
            action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        standard = QKeySequence.StandardKey
        preferences = QKeySequence(standard.Preferences)
        if preferences.isEmpty():  # Windows and most Linux desktops define none
            preferences = QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Comma)
        self.new_conversation_action = self._action(
            "newConversationAction", self.tr("&New Chat"), standard.New,
            self.chat.new_conversation)
        self.choose_model_action = self._action(
            "chooseModelAction", self.tr("&Choose Model…"), standard.Open,
            self.choose_model)
        self.get_model_action = self._action(
            "getModelAction", self.tr("&Get a Model…"), None, self.get_model)
        self.get_model_action.setEnabled(self.downloads is not None)
        self.open_model_action = self._action(
            "openModelAction", self.tr("Open Model &Folder…"),
            QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_O),
            self.models.choose_and_open)
        self.open_gguf_action = self._action(
            "openGgufAction", self.tr("Open &GGUF File…"), None,
            self.models.choose_gguf_and_open)
        self.connect_server_action = self._action(
            "connectServerAction", self.tr("Connect to &Server…"), None, self.connect_server)
        self.models_library_action = self._action(
            "modelsLibraryAction", self.tr("&Models…"), None, self.show_models_library)
        self.model_info_action = self._action(
            "modelInfoAction", self.tr("Model &Info"), None, self.show_model_info)
        self.model_info_action.setEnabled(False)  # until a model is open
        self.settings_action = self._action(
            "settingsAction", self.tr("&Settings…"), preferences, self.open_settings)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        quit_action = self._action("quitAction", self.tr("&Quit"), standard.Quit, self.close)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.toggle_thinking_action = self._action(
            "toggleThinkingAction", self.tr("Show &Thinking"),
            QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_T),
            None, checkable=True)
        self.toggle_thinking_action.toggled.connect(self._on_thinking_toggled)
        self.find_action = self._action(
            "findInConversationAction", self.tr("&Find in Conversation"), standard.Find,
            self._find_in_conversation)
        self.focus_search_action = self._action(
            "focusSearchAction", self.tr("&Search Conversations"),
            QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_F),
            self._focus_search)
        self.stop_action = self._action("stopAction", self.tr("S&top"),
                                        QKeySequence(Qt.Key.Key_Escape), self.chat.stop)
        self.regenerate_action = self._action(
            "regenerateAction", self.tr("&Regenerate Answer"),
            QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_R), self._regenerate)

        self.import_action = self._action(
            "importConversationsAction", self.tr("&Import…"), None,
            self.transfer.import_files)
        self.export_action = self._action(
            "exportConversationAction", self.tr("&Export Conversation…"),
            QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_E), self.transfer.export_conversation)
        self.export_all_action = self._action(
            "exportAllAction", self.tr("Export &All Conversations…"), None,
            self.transfer.export_all)

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.new_conversation_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.export_all_action)
        file_menu.addSeparator()
        file_menu.addAction(self.get_model_action)
        file_menu.addAction(self.choose_model_action)
        file_menu.addAction(self.open_model_action)
        file_menu.addAction(self.open_gguf_action)
        file_menu.addAction(self.connect_server_action)
        file_menu.addAction(self.models_library_action)
        self.recent_menu = file_menu.addMenu(self.tr("Recent &Models"))
        self.recent_menu.setObjectName("recentModelsMenu")
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        view_menu.addAction(self.toggle_thinking_action)
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.focus_search_action)
        view_menu.addAction(self.model_info_action)
        chat_menu = self.menuBar().addMenu(self.tr("&Chat"))
        chat_menu.addAction(self.stop_action)
        chat_menu.addAction(self.regenerate_action)
        chat_menu.addAction(self._action(
            "conversationSettingsAction", self.tr("Conversation &Settings…"), None,
            self.header.open_settings))
        self._fill_recent_menu()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.load_progress = QProgressBar()
        self.load_progress.setObjectName("loadProgress")
        self.load_progress.setRange(0, 1000)
        self.load_progress.setMaximumWidth(180)
        self.load_progress.setTextVisible(False)
        self.cancel_load_button = QPushButton(self.tr("Cancel"))
        self.cancel_load_button.setObjectName("cancelLoadButton")
        self.cancel_load_button.setAccessibleName(self.tr("Cancel loading"))
        self.cancel_load_button.clicked.connect(self.models.cancel)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setObjectName("undoDeleteButton")
        self.undo_button.clicked.connect(self._undo_delete)
        self.reply_stats = QLabel()
        self.reply_stats.setObjectName("replyStats")
        self.model_status = QPushButton(self.tr("No model"))
        self.model_status.setObjectName("modelStatus")
        self.model_status.setFlat(True)
        self.model_status.setAccessibleName(self.tr("Model: choose another"))
        self.model_status.clicked.connect(self.choose_model)
        for widget in (self.undo_button, self.load_progress, self.cancel_load_button,
                       self.reply_stats, self.model_status):
            bar.addPermanentWidget(widget)
        for widget in (self.undo_button, self.load_progress, self.cancel_load_button):
            widget.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self._expire_undo)

    def _connect(self) -> None:
        self.empty_state.get_model_requested.connect(self.get_model)
        self.empty_state.open_model_requested.connect(self.models.choose_and_open)
        self.empty_state.open_gguf_requested.connect(self.models.choose_gguf_and_open)
        self.empty_state.connect_server_requested.connect(self.connect_server)
        self.models.state_changed.connect(self._on_model_state_changed)
        self.models.loading_progressed.connect(self._on_loading_progressed)
        self.models.model_ready.connect(self._on_model_ready)
        self.composer.send_requested.connect(self.chat.send)
        self.composer.stop_requested.connect(self.chat.stop)
        self.composer.count_requested.connect(self._count_tokens)
        self.worker.tokens_counted.connect(self.composer.show_token_count)
        for changed in (self.chat.conversation_opened, self.chat.reply_finished,
                        self.models.model_ready):
            changed.connect(self.composer.request_count)
        self.view.regenerate_requested.connect(self._regenerate)
        self.chat.conversations_changed.connect(self.refresh_sidebar)
        self.chat.conversation_opened.connect(self._on_conversation_opened)
        self.chat.conversation_reloaded.connect(self._on_conversation_reloaded)
        self.chat.user_message_added.connect(self.view.add_user_message)
        self.chat.last_reply_removed.connect(self.view.remove_last_assistant_message)
        self.chat.reply_started.connect(self._on_reply_started)
        self.chat.chunk_received.connect(self.view.append_chunk)
        self.chat.answer_was_reasoning.connect(self.view.answer_was_reasoning)
        self.chat.prefill_progressed.connect(self._on_prefill_progressed)
        self.chat.reply_finished.connect(self._on_reply_finished)
        self.chat.generating_changed.connect(self._on_generating_changed)
        self.chat.problem.connect(self.show_problem)
        self.chat.save_problem_changed.connect(self._on_save_problem_changed)
        self.chat.search_finished.connect(self._on_search_finished)
        self.notice.retry_requested.connect(self.chat.retry_saves)
        self.sidebar.new_requested.connect(self.chat.new_conversation)
        self.sidebar.conversation_selected.connect(self.chat.open_conversation)
        self.sidebar.rename_requested.connect(self._rename)
        self.sidebar.delete_requested.connect(self._delete)
        self.sidebar.search_changed.connect(self._on_search_changed)

    # ----- settings and display ------------------------------------------------------------

    @property
    def settings(self) -> AppSettings:
        return self.settings_file.settings

    def settings_dialog(self) -> SettingsDialog:
        model = self.models.model
        return SettingsDialog(self.settings, model.model_defaults if model else None, self,
                              context_note=translated(model.context_reason) if model else "",
                              models_dir_default=str(self.downloads.default_models_dir)
                              if self.downloads else "")

    def open_settings(self) -> None:
        dialog = self.settings_dialog()
        if dialog.exec() != SettingsDialog.DialogCode.Accepted:
            return
        self.apply_settings(dialog.settings())

    def apply_settings(self, new: AppSettings) -> None:
        old = self.settings
        self.settings_file.update_settings(new)
        self._apply_display_settings(new)
        self.composer.request_count()  # the context limit or system prompt may have changed
        model = self.models.model
        # llama.cpp allocates its KV cache for the context when it opens a file.
        context_changed = (model is not None and model.engine == ENGINE_LLAMA_CPP
                           and new.generation.context_limit != old.generation.context_limit)
        if (new.device, new.dtype) != (old.device, old.dtype) or context_changed:
            self.models.reload_with_settings()

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
        self.toggle_thinking_action.setChecked(settings.show_reasoning)
        self.view.set_thinking_visible(settings.show_reasoning)

    def _on_thinking_toggled(self, visible: bool) -> None:
        self.view.set_thinking_visible(visible)
        if visible != self.settings.show_reasoning:
            self.settings_file.update_settings(
                dataclasses.replace(self.settings, show_reasoning=visible))

    def _restore_geometry(self) -> None:
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))

    # ----- models --------------------------------------------------------------------------

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for entry in self.settings.recent_models:
            source = ModelSource.parse(entry)
            action = self.recent_menu.addAction(source.display_name)
            action.setToolTip(source.location)
            action.triggered.connect(lambda checked=False, e=entry: self.models.open(e))
        self.recent_menu.setEnabled(bool(self.settings.recent_models))

    def choose_model(self) -> ModelPickerDialog:
        """The one place that lists folders, GGUF files and servers used before."""
        current = self.models.model.path if self.models.model else None
        picker = ModelPickerDialog(self.settings.recent_models, current, self)
        picker.open_requested.connect(self.models.open)
        picker.open_folder_requested.connect(self.models.choose_and_open)
        picker.open_gguf_requested.connect(self.models.choose_gguf_and_open)
        picker.connect_server_requested.connect(self.connect_server)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._request_model_facts(picker, list(self.settings.recent_models))
        picker.open()
        return picker

    def _request_model_facts(self, picker: ModelPickerDialog, entries: list[str]) -> None:
        """The memory each model needs with the current settings, read by the worker."""
        if hasattr(self.worker, "request_model_facts"):
            self.worker.model_facts_read.connect(picker.show_facts)
            settings = self.settings
            self.worker.request_model_facts(entries, settings.device, settings.dtype,
                                            settings.generation.context_limit)

    def show_models_library(self) -> ModelsLibraryDialog:
        """The models in the models folder and in Recent Models: facts, Open, Delete."""
        current = self.models.model.path if self.models.model else None
        folder = self.models_dir() if self.downloads is not None or \
            self.settings.models_dir else None
        library = ModelsLibraryDialog(self.worker, self.settings_file, folder, current, self)
        library.open_requested.connect(self.models.open)
        library.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        library.finished.connect(self._fill_recent_menu)  # a deleted model leaves it
        library.open()
        return library

    def show_model_info(self) -> ModelInfoDialog | None:
        """What the open model is and how it runs."""
        if self.models.model is None:
            return None
        dialog = ModelInfoDialog(self.models.model, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def models_dir(self) -> Path:
        """Where downloads go: the settings' folder, else the one under the data dir."""
        if self.settings.models_dir:
            return Path(self.settings.models_dir).expanduser()
        return self.downloads.default_models_dir

    def get_model(self) -> DownloadDialog | None:
        """Download a model from Hugging Face; it opens (and joins Recent Models) once it
        has arrived whole."""
        if self.downloads is None:
            return None
        dialog = DownloadDialog(self.downloads, self.models_dir(), self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.model_downloaded.connect(self.models.open)
        self.downloads.token_not_stored.connect(self._on_token_not_stored,
                                                Qt.ConnectionType.UniqueConnection)
        dialog.open()
        return dialog

    def _on_token_not_stored(self, why: str) -> None:
        self.statusBar().showMessage(translated(why), 15000)

    def connect_server(self) -> ServerDialog:
        current = self.models.model.source if self.models.model else None
        initial = current if current is not None and current.is_server else next(
            (ModelSource.parse(e) for e in self.settings.recent_models
             if ModelSource.parse(e).is_server), None)
        dialog = ServerDialog(self.worker, initial, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.key_saver.setParent(self)  # outlives the dialog: it reports after Connect
        dialog.key_saver.not_stored.connect(lambda why: self.statusBar().showMessage(why, 15000))
        dialog.accepted.connect(lambda: dialog.source and self.models.open(dialog.source))
        dialog.open()
        return dialog

    def _on_model_state_changed(self, state: ModelState) -> None:
        """Show what the worker says: the model open now, and the one loading."""
        loading = state.loading
        current = state.current
        self.chat.model_path = current.path if current else None
        if loading is not None:
            self.model_status.setText(self.tr("Loading {name}…").format(
                name=loading.source.display_name))
            if not self.load_progress.isVisible():
                self.load_progress.setValue(0)
        elif current is not None:
            self.model_status.setText(translated(current.summary))
        else:
            self.model_status.setText(self.tr("No model"))
        self.model_status.setToolTip(self.tr("{why}\nContext: {context}").format(
            why=translated(current.reason), context=translated(current.context_reason))
            if current and current.context_reason
            else translated(current.reason) if current else "")
        self.load_progress.setVisible(loading is not None)
        self.cancel_load_button.setVisible(loading is not None)
        self.model_info_action.setEnabled(current is not None)
        self._update_page()
        self._update_composer()

    def _on_loading_progressed(self, fraction: float, what: str) -> None:
        self.load_progress.setValue(int(fraction * 1000))
        self.load_progress.setToolTip(translated(what))

    def _on_model_ready(self, info: ModelInfo) -> None:
        for notice in info.notices:
            self.statusBar().showMessage(translated(notice), 15000)
        self._fill_recent_menu()

    def _on_prefill_progressed(self, done: int, total: int) -> None:
        if done >= total:
            self._clear_prefill_message()
            return
        self._prefill_message = self.tr("Reading the prompt: {done} of {total} tokens").format(
            done=f"{done:,}", total=f"{total:,}")
        self.statusBar().showMessage(self._prefill_message)

    def _clear_prefill_message(self) -> None:
        if self._prefill_message and self.statusBar().currentMessage() == self._prefill_message:
            self.statusBar().clearMessage()
        self._prefill_message = ""

    # ----- conversations -------------------------------------------------------------------

    def refresh_sidebar(self) -> None:
        """The conversations, filtered by the search box's last answer; the open one is
        always listed (a message just sent is not in the index yet)."""
        summaries = self.chat.list_conversations()
        current = self.chat.current.id if self.chat.current else None
        if self._search_filter is not None:
            allowed = set(self._search_filter)
            summaries = [s for s in summaries if s.id in allowed or s.id == current]
        self.sidebar.set_conversations(summaries, current)

    def _on_conversation_reloaded(self, conversation: Conversation) -> None:
        """The open conversation took in another window's messages."""
        if conversation is self.chat.current and not self.chat.generating:
            self.view.show_messages(conversation.path())

    def _on_conversation_opened(self, conversation: Conversation | None) -> None:
        self.view.show_messages(conversation.path() if conversation else [])
        self.sidebar.select(conversation.id if conversation else None)
        if self._search_filter is not None:  # the one left may not match: filter again,
            QTimer.singleShot(0, self, self.refresh_sidebar)  # not inside the list's click
        self._update_page()
        self.composer.input.setFocus()

    def _on_search_changed(self, query: str) -> None:
        self.chat.request_search(query)  # answered by search_finished, off this thread

    def _on_search_finished(self, ids: list[str] | None) -> None:
        """A query's answer, also each time it is asked again after a save."""
        same = (ids is None and self._search_filter is None) or (
            ids is not None and self._search_filter is not None
            and set(ids) == set(self._search_filter))
        self._search_filter = ids
        if not same:
            self.refresh_sidebar()

    def _find_in_conversation(self) -> None:
        if self.pages.currentWidget() is self.chat_page:
            self.view.open_find()
        else:
            self._focus_search()

    def _focus_search(self) -> None:
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
        self._pending_undo = conversation_id
        self.statusBar().showMessage(self.tr("Conversation deleted."), UNDO_SECONDS * 1000)
        self.undo_button.show()
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def _undo_delete(self) -> None:
        conversation_id, self._pending_undo = self._pending_undo, None
        self._expire_undo()
        if conversation_id:
            self.chat.restore(conversation_id)

    def _expire_undo(self) -> None:
        self.undo_button.hide()
        self.statusBar().clearMessage()

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
        stats = result.stats
        used = stats.prompt_tokens + stats.reasoning_tokens + stats.answer_tokens
        parts = []
        if stats.decode_tokens_per_s:
            parts.append(self.tr("{rate:.1f} tokens/s").format(rate=stats.decode_tokens_per_s))
        if stats.context_size:
            parts.append(self.tr("context {used} / {size}").format(used=used,
                                                                   size=stats.context_size))
        if stats.dropped_messages:
            parts.append(self.tr("{n} older messages left out to fit").format(
                n=stats.dropped_messages))
        self.reply_stats.setText(" · ".join(parts))

    def _on_generating_changed(self, generating: bool) -> None:
        self.composer.set_generating(generating)
        if not generating:
            self._clear_prefill_message()  # stopped or failed while reading the prompt
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
        self.stop_action.setEnabled(self.chat.generating)
        # The worker answers only with a model open and no load in progress.
        self.regenerate_action.setEnabled(self.models.model is not None and
                                          self.models.loading is None and
                                          not self.chat.generating)

    def _regenerate(self) -> None:
        if self.regenerate_action.isEnabled():
            self.chat.regenerate()

    def _update_page(self) -> None:
        show_chat = (self.models.model is not None or self.models.loading is not None
                     or self.chat.current is not None)
        self.pages.setCurrentWidget(self.chat_page if show_chat else self.empty_state)

    def show_problem(self, text: str) -> None:
        """In the notice bar, not a dialog. One-off problems share one line: a new one
        replaces the last; the same one again while it is shown changes nothing."""
        self.notice.show_problem(ONE_OFF, text)

    def _on_save_problem_changed(self, problem: Any) -> None:
        if problem is None:
            self.notice.clear("save")
            self.statusBar().showMessage(self.tr("All conversations are saved."), 8000)
        else:
            self.notice.show_problem("save", self.chat.describe_save_problem(problem),
                                     retry=True)

    def _confirm_close_with_unsaved(self) -> bool:
        """Saves still fail: say so, offer to keep the window open or save a copy."""
        unsaved = self.chat.unsaved_conversations()
        if not unsaved:
            return True
        problem = self.chat.save_problem
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, self.tr(
            "{n} conversation(s) could not be saved.").format(n=len(unsaved)), parent=self)
        box.setObjectName("unsavedOnCloseDialog")
        box.setInformativeText(
            (self.chat.describe_save_problem(problem) + "\n\n" if problem else "")
            + self.tr("If you quit now, what was not saved is lost."))
        keep = box.addButton(self.tr("Keep Window Open"), QMessageBox.ButtonRole.RejectRole)
        copy = box.addButton(self.tr("Save a Copy…"), QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("Quit Anyway"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()
        if box.clickedButton() is keep:
            return False
        if box.clickedButton() is copy:
            return self._save_copies(unsaved)
        return True

    def _save_copies(self, conversations: list[Conversation]) -> bool:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save a copy in"))
        if not folder:
            return False
        try:
            for conversation in conversations:
                write_atomic(Path(folder) / f"{conversation.id}.json", encode(conversation))
        except OSError as error:
            self.show_problem(self.tr("The copy could not be saved in {folder}: {why}").format(
                folder=folder, why=error.strerror or error))
            return False
        return True

    # ----- closing -------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Save, hide at once, and close for good once the worker has stopped: a long
        prefill or the engine's import never keeps a frozen window on screen.

        First every conversation is written (the writer thread, waited for here); if the
        disk still refuses, the user decides whether to keep the window open."""
        if not self._closing:
            self.chat.stop_and_keep()
            if not self.chat.flush_saves(CLOSE_SAVE_SECONDS):
                if not self._confirm_close_with_unsaved():
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
        self.chat.shutdown(save_seconds=0.1 if self._quit_unsaved else 2.0)
        super().closeEvent(event)

    def _save_geometry(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64()).decode()
        self.settings_file.update_settings(
            dataclasses.replace(self.settings, window_geometry=geometry))

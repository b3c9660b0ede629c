"""The main window's actions and menus, as data.

Each action is a row of ``ACTIONS``: its key (``window.actions[key]``), object name, text,
shortcuts, and what it calls, named as a path from the window (``"chat.stop"`` calls
``window.chat.stop``). ``MENUS`` says which menu shows which actions, in order.
``install`` builds them on the window; texts are translated there, in the MainWindow
context (``QT_TRANSLATE_NOOP`` lets lupdate collect them from this table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop_chat.core.model_source import ModelSource
from desktop_chat.ui.widgets.plain_text import plain_tooltip

CONTEXT = "MainWindow"
SEPARATOR = "-"
RECENT_MODELS = "recent models"  # where the Recent Models submenu goes

Key = QKeySequence.StandardKey
Shortcut = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class ActionSpec:
    key: str
    object_name: str
    text: str  # marked with QT_TRANSLATE_NOOP, translated by ``install``
    calls: str  # a path from the window: "chat.stop" calls window.chat.stop
    # The first of these the platform defines (a standard key may be empty).
    shortcuts: tuple[Shortcut, ...] = ()
    checkable: bool = False  # then ``calls`` gets the new state on every toggle
    role: QAction.MenuRole | None = None


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("new_conversation", "newConversationAction",
               QT_TRANSLATE_NOOP("MainWindow", "&New Chat"),
               "chat.new_conversation", (Key.New,)),
    ActionSpec("import", "importConversationsAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Import…"),
               "transfer.import_files"),
    ActionSpec("export", "exportConversationAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Export Conversation…"),
               "transfer.export_conversation", ("Ctrl+E",)),
    ActionSpec("export_all", "exportAllAction",
               QT_TRANSLATE_NOOP("MainWindow", "Export &All Conversations…"),
               "transfer.export_all"),
    ActionSpec("get_model", "getModelAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Get a Model…"),
               "model_dialogs.get_model"),
    ActionSpec("choose_model", "chooseModelAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Choose Model…"),
               "model_dialogs.choose_model", (Key.Open,)),
    ActionSpec("open_model", "openModelAction",
               QT_TRANSLATE_NOOP("MainWindow", "Open Model &Folder…"),
               "model_dialogs.open_folder", ("Ctrl+Shift+O",)),
    ActionSpec("open_gguf", "openGgufAction",
               QT_TRANSLATE_NOOP("MainWindow", "Open &GGUF File…"),
               "model_dialogs.open_gguf"),
    ActionSpec("connect_server", "connectServerAction",
               QT_TRANSLATE_NOOP("MainWindow", "Connect to &Server…"),
               "model_dialogs.connect_server"),
    ActionSpec("models_library", "modelsLibraryAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Models…"),
               "model_dialogs.show_models_library"),
    ActionSpec("settings", "settingsAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Settings…"),
               "settings_dialogs.open_settings", (Key.Preferences, "Ctrl+,"),
               role=QAction.MenuRole.PreferencesRole),
    ActionSpec("quit", "quitAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Quit"),
               "close", (Key.Quit,), role=QAction.MenuRole.QuitRole),
    ActionSpec("toggle_thinking", "toggleThinkingAction",
               QT_TRANSLATE_NOOP("MainWindow", "Show &Thinking"),
               "set_thinking_visible", ("Ctrl+Shift+T",), checkable=True),
    ActionSpec("find", "findInConversationAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Find in Conversation"),
               "find_in_conversation", (Key.Find,)),
    ActionSpec("focus_search", "focusSearchAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Search Conversations"),
               "focus_search", ("Ctrl+Shift+F",)),
    ActionSpec("model_info", "modelInfoAction",
               QT_TRANSLATE_NOOP("MainWindow", "Model &Info"),
               "model_dialogs.show_model_info"),
    ActionSpec("stop", "stopAction",
               QT_TRANSLATE_NOOP("MainWindow", "S&top"),
               "chat.stop", ("Esc",)),
    ActionSpec("regenerate", "regenerateAction",
               QT_TRANSLATE_NOOP("MainWindow", "&Regenerate Answer"),
               "regenerate", ("Ctrl+R",)),
    ActionSpec("conversation_settings", "conversationSettingsAction",
               QT_TRANSLATE_NOOP("MainWindow", "Conversation &Settings…"),
               "settings_dialogs.open_conversation_settings"),
)

MENUS: tuple[tuple[str, str, tuple[str, ...]], ...] = (  # object name, title, entries
    ("fileMenu", QT_TRANSLATE_NOOP("MainWindow", "&File"), (
        "new_conversation", SEPARATOR, "import", "export", "export_all", SEPARATOR,
        "get_model", "choose_model", "open_model", "open_gguf", "connect_server",
        "models_library", RECENT_MODELS, SEPARATOR, "settings", SEPARATOR, "quit")),
    ("viewMenu", QT_TRANSLATE_NOOP("MainWindow", "&View"), (
        "toggle_thinking", "find", "focus_search", "model_info")),
    ("chatMenu", QT_TRANSLATE_NOOP("MainWindow", "&Chat"), (
        "stop", "regenerate", "conversation_settings")),
)


def translate(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def shortcut_of(spec: ActionSpec) -> QKeySequence | None:
    """The first of the spec's shortcuts this platform has (Windows and most Linux
    desktops define no Preferences key, for one)."""
    for shortcut in spec.shortcuts:
        sequence = QKeySequence(shortcut)
        if not sequence.isEmpty():
            return sequence
    return None


def install(window: QMainWindow) -> tuple[dict[str, QAction], QMenu]:
    """Build every action on ``window`` and its menus; returns the actions by key and the
    Recent Models menu (its entries change with the settings)."""
    actions = {spec.key: _action(window, spec) for spec in ACTIONS}
    recent = QMenu(translate(QT_TRANSLATE_NOOP("MainWindow", "Recent &Models")), window)
    recent.setObjectName("recentModelsMenu")
    for name, title, entries in MENUS:
        menu = window.menuBar().addMenu(translate(title))
        menu.setObjectName(name)
        for entry in entries:
            if entry == SEPARATOR:
                menu.addSeparator()
            elif entry == RECENT_MODELS:
                menu.addMenu(recent)
            else:
                menu.addAction(actions[entry])
    return actions, recent


def _action(window: QMainWindow, spec: ActionSpec) -> QAction:
    action = QAction(translate(spec.text), window)
    action.setObjectName(spec.object_name)
    if (sequence := shortcut_of(spec)) is not None:
        action.setShortcut(sequence)
    if spec.role is not None:
        action.setMenuRole(spec.role)
    target: Callable[..., object] = attrgetter(spec.calls)(window)
    if spec.checkable:
        action.setCheckable(True)
        action.toggled.connect(target)
    else:
        action.triggered.connect(lambda _checked=False: target())
    window.addAction(action)  # shortcuts work even while the menu bar is hidden
    return action


def fill_recent_models(menu: QMenu, recent: tuple[str, ...],
                       open_model: Callable[[str], object]) -> None:
    """File > Recent Models: one entry per model source used before, newest first."""
    menu.clear()
    for entry in recent:
        source = ModelSource.parse(entry)
        action = menu.addAction(source.display_name)
        action.setToolTip(plain_tooltip(source.location))
        action.triggered.connect(lambda _checked=False, e=entry: open_model(e))
    menu.setEnabled(bool(recent))

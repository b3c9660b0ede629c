"""The language of the user interface: English or Simplified Chinese, the system's by default.

The translations are Qt's: ``resources/translations/*.ts`` (sources, edited with Qt
Linguist or by hand), compiled by scripts/update_translations.py into
``desktop_chat/resources/translations/*.qm``. Qt's own strings (the standard buttons of
QMessageBox, QFileDialog, the context menus of text fields) come from Qt's
``qtbase_<lang>.qm``, shipped with PySide6. The language is chosen once, before the first
widget is built; a change in the settings applies at the next start.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop_chat.core.paths import resource
from desktop_chat.core.user_message import CONTEXT

log = logging.getLogger(__name__)

SYSTEM = "system"  # the settings' value for "follow the system"
ENGLISH = "en"
# Each language in its own words, as language menus show them.
LANGUAGES = {ENGLISH: "English", "zh_CN": "简体中文"}
QT_CATALOGS = ("qtbase",)  # Qt's own strings used by this app's widgets

_installed: list[QTranslator] = []  # kept alive: Qt holds them by pointer only


def ui_language(choice: str, system: QLocale | None = None) -> str:
    """The language to show for the settings' ``choice``: one of LANGUAGES."""
    if choice in LANGUAGES:
        return choice
    locale = system if system is not None else QLocale.system()
    # uiLanguages() is the user's ordered list ("zh-Hans-CN", "en-US"...); the first one we
    # have wins. Chinese in any script reads best as the Chinese we have.
    for name in [*locale.uiLanguages(), locale.name()]:
        code = name.replace("-", "_").lower()
        if code.startswith("zh"):
            return "zh_CN"
        if code.startswith("en"):
            return ENGLISH
    return ENGLISH


def install_translators(choice: str, app: QCoreApplication | None = None) -> str:
    """Load and install the translations for ``choice`` (replacing any installed before);
    returns the language used. Call before building widgets: texts are set once."""
    app = app or QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
        translator.deleteLater()
    _installed.clear()
    # QLocale's default is left alone: numbers and dates keep the system's format.
    language = ui_language(choice)
    if language == ENGLISH:
        return language  # the source texts are English
    for translator in _load_catalogs(language, app):
        app.installTranslator(translator)
        _installed.append(translator)
    return language


def translations_found(language: str = "zh_CN") -> bool:
    """Whether this app's and Qt's translations for ``language`` load (the self-test)."""
    return len(_load_catalogs(language)) == 1 + len(QT_CATALOGS)


def _load_catalogs(language: str, parent: QCoreApplication | None = None) -> list[QTranslator]:
    loaded = []
    for catalog, folders in [("desktop_chat", [resource("translations")]),
                             *((name, _qt_translation_folders()) for name in QT_CATALOGS)]:
        translator = QTranslator(parent)
        if any(translator.load(f"{catalog}_{language}", str(folder)) for folder in folders):
            loaded.append(translator)
        else:
            log.warning("no %s translation for %s in %s", catalog, language, folders)
    return loaded


# Qt's .qm files inside PySide6: Qt/translations on Linux and macOS, translations on Windows.
QT_TRANSLATION_SUBFOLDERS = (Path("Qt", "translations"), Path("translations"))


def _qt_translation_folders() -> list[Path]:
    """Where Qt's own .qm files are: Qt's configured place, else beside PySide6 (frozen)."""
    import PySide6

    bases = [Path(PySide6.__file__).parent]
    if getattr(sys, "frozen", False):
        bases.append(Path(sys._MEIPASS) / "PySide6")
    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            *(base / sub for base in bases for sub in QT_TRANSLATION_SUBFOLDERS)]


def translated(message: str | BaseException) -> str:
    """A message built below the ui (core.user_message.UserMessage, or an exception whose
    ``str()`` is one) in the ui's language; any other text as it is."""
    if isinstance(message, BaseException):
        message = str(message)
    template = getattr(message, "template", None)
    if template is None:
        return message
    params = {key: translated(value) if isinstance(value, str) else value
              for key, value in message.params.items()}
    text = QCoreApplication.translate(CONTEXT, template)
    try:
        return text.format(**params) if params else text
    except (KeyError, IndexError, ValueError):  # a broken translation never hides the message
        log.warning("the translation of %r does not fit its values", template)
        return str(message)

"""Translations: every string the user can see has a zh_CN translation that keeps its
placeholders and shortcuts; the app starts in the system's language or the one chosen in
Settings (after a restart); core's messages arrive translated; screenshots in zh_CN."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, REPLY_TIMEOUT_MS, TINY_R1, close, make_window
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from desktop_chat.core.user_message import UserMessage, join, tr
from desktop_chat.ui.language import SYSTEM, install_translators, translated, ui_language

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import update_translations  # noqa: E402

SHOTS = Path("/tmp/shots/zh")
ACCELERATOR = re.compile(r"&(?!&)(\w)")  # "&File" marks F; "&&" is a literal ampersand


def messages(ts: Path) -> list[tuple[str, ElementTree.Element]]:
    root = ElementTree.parse(ts).getroot()
    return [(context.findtext("name", ""), message)
            for context in root.iter("context") for message in context.iter("message")]


def translation_texts(message: ElementTree.Element) -> list[str]:
    translation = message.find("translation")
    if translation is None:
        return []
    forms = [form.text or "" for form in translation.iter("numerusform")]
    return forms or [translation.text or ""]


def fields(text: str) -> list[tuple[str, str]]:
    """The {placeholders} of a str.format template, with their format specs; %n, %1..."""
    found = [(name, spec) for _, name, spec, _ in string.Formatter().parse(text)
             if name is not None]
    return sorted(found + [(arg, "") for arg in re.findall(r"%(?:n|L?\d)", text)])


# ----- the .ts files ------------------------------------------------------------------------


def test_every_string_in_the_code_has_a_chinese_translation(tmp_path):
    """lupdate runs over the code as it is now: a new tr() string fails here until it is
    translated in resources/translations/desktop_chat_zh_CN.ts."""
    ts = tmp_path / "desktop_chat_zh_CN.ts"
    shutil.copy(update_translations.ts_file("zh_CN"), ts)
    update_translations.update([ts], quiet=True)
    missing = update_translations.unfinished(ts)
    assert not missing, (
        f"{len(missing)} strings have no zh_CN translation; run "
        f"scripts/update_translations.py and translate them:\n"
        + "\n".join(f"  [{context}] {source!r}" for context, source in missing))


def test_translations_keep_placeholders_shortcuts_and_markup():
    problems = []
    for context, message in messages(update_translations.ts_file("zh_CN")):
        source = message.findtext("source", "")
        for text in translation_texts(message):
            if not text:
                continue
            if fields(text) != fields(source):
                problems.append(f"[{context}] {source!r}: placeholders {fields(text)}")
            if len(ACCELERATOR.findall(text)) != len(ACCELERATOR.findall(source)):
                problems.append(f"[{context}] {source!r}: the & shortcut is lost in {text!r}")
            if re.findall(r"<[^>]+>", text) != re.findall(r"<[^>]+>", source):
                problems.append(f"[{context}] {source!r}: markup differs in {text!r}")
    assert not problems, "\n".join(problems)


def test_the_shipped_qm_files_are_compiled_from_the_ts_files(tmp_path):
    for language in update_translations.LANGUAGES:
        fresh = tmp_path / f"{language}.qm"
        update_translations.release(update_translations.ts_file(language), fresh)
        shipped = update_translations.COMPILED / f"desktop_chat_{language}.qm"
        assert shipped.read_bytes() == fresh.read_bytes(), (
            f"{shipped.name} is stale: run scripts/update_translations.py")


def test_the_placeholder_check_catches_a_dropped_placeholder_and_shortcut():
    assert fields("已思考 {n} 秒") == fields("Thought for {n} seconds")
    assert fields("已思考秒") != fields("Thought for {n} seconds")
    assert fields("{rate:.1f} token/秒") != fields("{rate} tokens/s")
    assert len(ACCELERATOR.findall("文件(&F)")) == len(ACCELERATOR.findall("&File")) == 1
    assert not ACCELERATOR.findall("文件")


# ----- the language at run time -------------------------------------------------------------


@pytest.fixture
def chinese(qapp):
    """Chinese installed in this process; the system's language again afterwards."""
    install_translators("zh_CN", qapp)
    yield
    install_translators(SYSTEM, qapp)


def test_the_language_follows_the_system_unless_chosen():
    assert ui_language(SYSTEM, QLocale("zh_CN")) == "zh_CN"
    assert ui_language(SYSTEM, QLocale("zh_TW")) == "zh_CN"  # the Chinese we have
    assert ui_language(SYSTEM, QLocale("en_GB")) == "en"
    assert ui_language(SYSTEM, QLocale("de_DE")) == "en"
    assert ui_language("en", QLocale("zh_CN")) == "en"
    assert ui_language("zh_CN", QLocale("en_US")) == "zh_CN"
    assert ui_language("klingon", QLocale("zh_CN")) == "zh_CN"  # unknown: as the system


def test_messages_from_core_arrive_translated_with_their_values(chinese):
    message = tr("The conversation {id} no longer exists.", id="abc")
    assert message == "The conversation abc no longer exists."  # the English for logs
    assert translated(message) == "对话 abc 已不存在。"
    nested = tr("The model could not be loaded: {error}", error=tr("Loading was cancelled."))
    assert translated(nested) == "无法加载模型：已取消加载。"
    joined = join(tr("Loading was cancelled."), tr("No model is loaded yet."))
    assert translated(joined) == "已取消加载。 尚未加载模型。"
    assert translated("plain text from elsewhere") == "plain text from elsewhere"
    assert translated(tr("A template no one translated {x}", x=1)) == \
        "A template no one translated 1"


def test_a_message_survives_exceptions_and_pickling(chinese):
    import pickle

    from desktop_chat.core.inference import EngineError
    from desktop_chat.core.store import StoreError

    for error in (EngineError(tr("Loading was cancelled.")),
                  StoreError(tr("Loading was cancelled."))):
        assert translated(str(error)) == translated(error) == "已取消加载。"
    copy = pickle.loads(pickle.dumps(tr("Missing: {files}", files="a, b")))
    assert isinstance(copy, UserMessage) and translated(copy) == "缺少：a, b"


def test_settings_problems_from_core_are_translated(chinese, tmp_path):
    from desktop_chat.core.settings import GenerationSettings, load_settings

    problems = GenerationSettings(temperature=9.0).problems()
    assert translated(problems["temperature"]) == "温度必须介于 0 和 2 之间（当前为 9）"
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "neon"}), encoding="utf-8")
    notice = translated(load_settings(path).notice)
    assert notice.startswith(
        "设置文件中的部分设置无法使用，已重置：主题必须是 system, light, dark 之一")


def test_the_notice_bar_and_settings_dialog_show_core_messages_in_chinese(qtbot, chinese):
    from desktop_chat.core.settings import AppSettings, GenerationSettings
    from desktop_chat.ui.dialogs.settings import SettingsDialog
    from desktop_chat.ui.window.notice_bar import NoticeBar

    notice = NoticeBar()
    qtbot.addWidget(notice)
    notice.show_problem("settings", tr("Settings could not be saved to {folder} ({why}). "
                                       "Changes apply until the app is closed.",
                                       folder="/cfg", why="Read-only file system"))
    assert notice.problems() == [
        "无法将设置保存到 /cfg（Read-only file system）。更改仅在本次运行期间有效。"]
    dialog = SettingsDialog(AppSettings(generation=GenerationSettings()), None)
    qtbot.addWidget(dialog)
    dialog.temperature.setMaximum(9)
    dialog.temperature.setValue(9)
    dialog.accept()
    assert dialog.error.text() == "请更正：温度必须介于 0 和 2 之间（当前为 9）"


# ----- whole windows ------------------------------------------------------------------------

START_SCRIPT = textwrap.dedent("""
    import json, sys
    from PySide6.QtWidgets import QApplication, QMessageBox
    app = QApplication([])
    from desktop_chat.app import create_main_window
    window = create_main_window(["--data-dir", sys.argv[1]])
    box = QMessageBox(QMessageBox.Icon.Warning, "", "", QMessageBox.StandardButton.Ok
                      | QMessageBox.StandardButton.Cancel)
    print(json.dumps({
        "menus": [a.text() for a in window.menuBar().actions()],
        "empty": window.empty_state.findChild(object, "emptyStateTitle").text(),
        "status": window.status.model_status.text(),
        "buttons": [b.text() for b in box.buttons()],
    }, ensure_ascii=False))
""")


def start_app(data_dir: Path, lang: str) -> dict:
    """What a fresh start shows, run as its own process under the locale ``lang``."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(LANG=lang, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-c", START_SCRIPT, str(data_dir)], env=env,
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_app_starts_in_chinese_and_in_english_after_choosing_it(qtbot, tmp_path):
    shown = start_app(tmp_path / "chinese", "zh_CN.UTF-8")
    assert shown["menus"][:3] == ["文件(&F)", "视图(&V)", "对话(&C)"]
    assert shown["empty"] == "尚未打开模型" and shown["status"] == "未加载模型"
    assert set(shown["buttons"]) == {"确定", "取消"}  # Qt's own, from qtbase_zh_CN.qm
    assert start_app(tmp_path / "english", "en_US.UTF-8")["empty"] == "No model is open yet"

    # Chosen in Settings (in Chinese), English shows at the next start.
    data_dir = tmp_path / "data"
    data_dir.joinpath("config").mkdir(parents=True)
    data_dir.joinpath("config", "settings.json").write_text('{"language": "zh_CN"}')
    window = make_window(qtbot, data_dir)
    try:
        dialog = window.settings_dialogs.settings_dialog()
        assert dialog.windowTitle() == "设置"
        note = dialog.findChild(object, "languageRestartNote")
        dialog.language.setCurrentIndex(dialog.language.findData("en"))
        assert not note.isHidden() and "重新启动" in note.text()
        window.settings_dialogs.apply_settings(dialog.settings())
        assert window.settings.language == "en"
    finally:
        close(qtbot, window)
        install_translators(SYSTEM)
    assert start_app(data_dir, "zh_CN.UTF-8")["empty"] == "No model is open yet"


@pytest.mark.slow
def test_screenshots_in_chinese_main_window_settings_and_a_model_error(
        qtbot, tmp_path, chinese):
    SHOTS.mkdir(parents=True, exist_ok=True)
    data_dir = tmp_path / "data"
    data_dir.joinpath("config").mkdir(parents=True)
    data_dir.joinpath("config", "settings.json").write_text('{"language": "zh_CN"}')
    window = make_window(qtbot, data_dir)
    try:
        assert window.menuBar().actions()[0].text() == "文件(&F)"
        window.grab().save(str(SHOTS / "main-window.png"))
        dialog = window.settings_dialogs.settings_dialog()
        dialog.show()
        qtbot.waitExposed(dialog)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        assert ok.text() == "确定"
        dialog.grab().save(str(SHOTS / "settings.png"))
        dialog.reject()

        broken = tmp_path / "broken-model"
        shutil.copytree(TINY_R1, broken)
        (broken / "config.json").write_text("{ not json", encoding="utf-8")
        window.start_engine()
        with qtbot.waitSignal(window.models.loading_failed, timeout=ENGINE_START_TIMEOUT_MS):
            window.models.open(str(broken))
        box = window.findChild(QMessageBox, "modelErrorDialog")
        assert box is not None and box.isVisible()
        assert box.windowTitle() == "无法打开模型"
        assert box.text() == "模型的 config.json 已损坏。"
        assert box.informativeText() == "当前没有打开的模型。"
        assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"
        QApplication.processEvents()
        box.grab().save(str(SHOTS / "model-error.png"))
        box.close()

        with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
            window.models.open(str(TINY_R1))
        window.composer.input.setPlainText("法国的首都是哪里？")
        with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS):
            qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
        assert window.composer.send_button.text() == "发送"
        assert "token/秒" in window.status.reply_stats.text()
        window.grab().save(str(SHOTS / "chat.png"))
    finally:
        close(qtbot, window)

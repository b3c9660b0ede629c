"""Text from outside is shown as text: markup in a server's error, an imported conversation,
a model folder's name, a Hub answer, an exception or a model's answer never becomes Qt rich
text, and never makes Qt load a file.

Each test drives the real window (or the real dialog) with a payload, then walks every
label, message box, tooltip and item tooltip there is, and lays out what each one shows in
a document that records every resource Qt asks for: the payload must read as written, and
nothing may be asked for but our own formula images (``data:`` URLs).
"""

from __future__ import annotations

import dataclasses
import json
from html import escape
from pathlib import Path

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, REPLY_TIMEOUT_MS, make_window, on_gui_thread, send
from fake_hf import FakeHub
from fake_openai import fake_openai_server
from PySide6.QtCore import QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QImage, QPainter, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QFileDialog, QLabel, QMessageBox

from desktop_chat.ui.render.markdown import MarkdownRenderer
from desktop_chat.ui.render.theme import LIGHT

MARK = "zqmark"
PROBE = "zq-probe.png"
# Markup with no slash, so that a file or folder can be named with it too.
PAYLOAD = f'<b>{MARK}<img src="{PROBE}">'
SEEN = f"<b>{MARK}"  # what the user must read, tags and all


@pytest.fixture(autouse=True)
def close_what_is_left(qapp):
    """A test that failed leaves its dialogs on screen: the next test's walk must not see
    them."""
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.objectName() != "mainWindow":  # its fixture closes it
            widget.hide()  # a message box with no Cancel ignores close()


class ResourceSpy(QTextDocument):
    """A document that records every resource its layout asks for, and loads none."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 - Qt's name
        self.asked.append(url.toString())
        return None


def rendered(text: str, rich: bool) -> tuple[str, list[str]]:
    """What a label or tooltip given ``text`` shows, and the resources (not ``data:``) its
    layout asks for."""
    document = ResourceSpy()
    if rich:
        document.setHtml(text)
    else:
        document.setPlainText(text)
    paint(document)
    return document.toPlainText(), [u for u in document.asked if not u.startswith("data:")]


def paint(document: QTextDocument) -> None:
    """Lay the document out and draw it, as a label does: an image with no size is asked
    for by the layout, one with a size when it is drawn."""
    document.setTextWidth(400)
    size = document.size().toSize()
    image = QImage(max(size.width(), 1), max(size.height(), 1), QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()


def _item_tooltips(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:  # a list model: its columnCount is private, and 1
        columns = 1
    tips = []
    for row in range(model.rowCount(QModelIndex())):
        for column in range(columns):
            tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole)
            if tip:
                tips.append(str(tip))
    return tips


def shown_texts() -> list[tuple[str, str, bool]]:
    """(where, text, shown as rich text) for every label, tooltip and item tooltip of every
    widget on screen, and every action's tooltip (in menus too, shown or not)."""
    found = []
    for widget in QApplication.allWidgets():
        for action in widget.findChildren(QAction):
            tip = action.toolTip()
            if MARK in tip:
                found.append((f"tooltip of action {action.text()!r}", tip,
                              GuiQt.mightBeRichText(tip)))
        if not widget.isVisible():
            continue  # what earlier tests left behind, hidden
        where = (f"{type(widget).__name__} {widget.objectName()!r} "
                 f"in {widget.window().objectName()!r}")
        if isinstance(widget, QLabel) and widget.text():
            text, text_format = widget.text(), widget.textFormat()
            rich = text_format == Qt.TextFormat.RichText or (
                text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text))
            found.append((f"label {where}", text, rich))
        if widget.toolTip():
            found.append((f"tooltip of {where}", widget.toolTip(),
                          GuiQt.mightBeRichText(widget.toolTip())))
        if isinstance(widget, QAbstractItemView):
            found += [(f"item tooltip in {where}", tip, GuiQt.mightBeRichText(tip))
                      for tip in _item_tooltips(widget)]
    return found


def assert_shown_as_text() -> list[str]:
    """Every text that carries the payload shows it as written and loads nothing; returns
    where it was seen (never nowhere: a test that sees no payload proves nothing)."""
    seen = []
    for where, text, rich in shown_texts():
        if MARK not in text:
            continue
        plain, loaded = rendered(text, rich)
        assert not loaded, f"{where} makes Qt load {loaded}: {text!r}"
        written = SEEN in text or (rich and escape(SEEN) in text)  # not URL-encoded
        assert SEEN in plain or not written, f"{where} shows markup as rich text: {text!r}"
        seen.append(where)
    assert seen, "the payload reached no label or tooltip"
    return seen


def test_the_probe_catches_markup_shown_as_rich_text(qapp):
    plain, loaded = rendered(f"Error: {PAYLOAD}", rich=True)
    assert set(loaded) == {PROBE} and SEEN not in plain
    plain, loaded = rendered(f"Error: {PAYLOAD}", rich=False)
    assert not loaded and SEEN in plain


# ----- an imported conversation -------------------------------------------------------------


def _conversation_file(folder: Path) -> Path:
    path = folder / "hostile.json"
    path.write_text(json.dumps(HOSTILE_CONVERSATION), encoding="utf-8")
    return path


HOSTILE_CONVERSATION = {
        "schema_version": 2, "id": "hostile", "title": PAYLOAD,
        "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
        "model": PAYLOAD, "settings": {"system_prompt": PAYLOAD},
        "current_leaf": "a-1",
        "messages": [
            {"id": "u-1", "parent_id": None, "role": "user", "content": PAYLOAD,
             "created_at": "2026-01-01T00:00:00Z"},
            {"id": "a-1", "parent_id": "u-1", "role": "assistant",
             "content": f"{PAYLOAD}\n\n![x]({PROBE}) ![y](/dev/zero)",
             "created_at": "2026-01-01T00:00:01Z", "finish_reason": "error",
             "error": PAYLOAD, "model": PAYLOAD, "stats": {"answer_tokens": 3}},
        ],
}


def _import(qtbot, window, monkeypatch, *paths: Path):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in paths], ""))
    with qtbot.waitSignal(window.transfer.import_finished, timeout=20_000) as done:
        window.window_actions["import"].trigger()
    return done.args[0]


@pytest.mark.slow
def test_an_imported_conversation_shows_its_fields_as_text(qtbot, window, monkeypatch,
                                                          tmp_path):
    # A file that fails to import, named with the payload: the summary names it.
    broken = tmp_path / f"{PAYLOAD}.json"
    broken.write_text("not json", encoding="utf-8")
    result = _import(qtbot, window, monkeypatch, _conversation_file(tmp_path), broken)
    [imported] = result.conversations
    window.chat.open_conversation(imported.id)
    dialog = window.settings_dialogs.open_conversation_settings()
    qtbot.waitUntil(lambda: bool(window.view.findChildren(QLabel, "messageError")))
    seen = " | ".join(assert_shown_as_text())
    for where in ("'messageError'", "'conversationList'", "'importSummary'",
                  "'messageStats'"):
        assert where in seen, where
    assert "label QLabel '' in 'conversationSettingsDialog'" in seen  # its intro
    dialog.close()
    window.transfer.summary.close()


# ----- a server's words -----------------------------------------------------------------------


@pytest.fixture
def server_window(qtbot, data_dir):
    with fake_openai_server() as (base_url, script):
        script.models = [PAYLOAD]
        window = make_window(qtbot, data_dir, "--server", base_url, "--server-model", PAYLOAD)
        with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
            window.start_engine()
        yield window, base_url, script
        window.close()
        qtbot.waitUntil(lambda: window.worker._thread is None, timeout=10_000)


@pytest.mark.slow
def test_a_server_error_and_the_server_dialog_show_the_servers_words_as_text(
        qtbot, server_window):
    window, base_url, script = server_window
    script.say(f"{PAYLOAD}\n\n![z](file:///dev/zero) ![w](\\\\server\\share\\x.png) "
               f"![v](http://example.com/x.png) <img src=\"/dev/zero\">")
    answer = send(qtbot, window, "hello")
    assert answer.finish_reason == "stop"
    script.status = 500
    script.error_body = {"error": {"message": PAYLOAD}}
    failed = send(qtbot, window, "again")
    assert failed.finish_reason == "error" and MARK in failed.extra["error"]
    info = window.model_dialogs.show_model_info()  # the model's name is the server's
    dialog = window.model_dialogs.connect_server()
    qtbot.waitUntil(lambda: "offers" in dialog.status.text(), timeout=REPLY_TIMEOUT_MS)
    # What the worker says when the listing fails: the server's words, passed on.
    window.worker.server_models_listed.emit(dialog.base_url(), [], PAYLOAD)
    seen = " | ".join(assert_shown_as_text())
    for where in ("'messageError'", "'serverStatus'", "'answerText'", "'modelInfoName'"):
        assert where in seen, where
    dialog.close()
    info.close()


# ----- model folders, downloads, exceptions -------------------------------------------------


@pytest.mark.slow
def test_a_model_folders_name_is_text_in_every_model_dialog(qtbot, server_window, tmp_path):
    window, _, _ = server_window
    folder = window.model_dialogs.models_dir() / PAYLOAD
    folder.mkdir(parents=True)
    (folder / "config.json").write_text("{not json", encoding="utf-8")
    settings = window.settings_file.settings
    window.settings_file.update_settings(dataclasses.replace(
        settings, recent_models=(str(folder), *settings.recent_models)))
    with qtbot.waitSignal(on_gui_thread(window.models.failure_to_show),
                          timeout=ENGINE_START_TIMEOUT_MS):
        window.models.open(str(folder))
    library = window.model_dialogs.show_models_library()
    picker = window.model_dialogs.choose_model()
    window.model_dialogs.recent_models_changed.emit()  # as when the Models page closes
    seen = " | ".join(assert_shown_as_text())
    for where in ("'modelErrorDialog'", "'modelsTable'", "'modelList'", "action"):
        assert where in seen, where
    library.close()
    picker.close()


@pytest.mark.slow
def test_a_repository_the_hub_does_not_know_is_named_as_text(qtbot, monkeypatch, tmp_path):
    from desktop_chat.core.settings import AppSettings
    from desktop_chat.ui.dialogs.download import DownloadDialog
    from desktop_chat.workers.downloads import DownloadWorker

    monkeypatch.delenv("HF_TOKEN", raising=False)
    with FakeHub({}) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        downloads = DownloadWorker(tmp_path / "models")
        dialog = DownloadDialog(downloads, tmp_path / "models", AppSettings())
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.repo_input.setText(f"owner/{PAYLOAD}")
        dialog.start()
        qtbot.waitUntil(lambda: dialog.error.isVisible() or dialog.token_box.isVisible(),
                        timeout=20_000)
        seen = " | ".join(assert_shown_as_text())
        assert "'downloadError'" in seen or "'hubTokenNote'" in seen, seen
        dialog._ask_for_token(refused=False)  # the gated-model note, with its link
        note = dialog.token_note
        plain, loaded = rendered(note.text(), note.textFormat() != Qt.TextFormat.PlainText)
        assert not loaded and SEEN in plain and note.textFormat() == Qt.TextFormat.RichText
        dialog.close()
        assert downloads.shutdown(10_000)


def test_the_crash_dialog_shows_the_exception_as_text(qtbot, monkeypatch, tmp_path):
    from desktop_chat import crash

    shown: list[QMessageBox] = []

    def record(box: QMessageBox) -> int:
        shown.append(box)
        box.show()
        seen = " | ".join(assert_shown_as_text())
        assert "qt_msgbox_label" in seen
        box.defaultButton().click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", record)
    crash._show_dialog(tmp_path / PAYLOAD, RuntimeError(PAYLOAD), exit_after_report=False)
    assert shown


def _unsaved_on_close():
    from desktop_chat.ui.dialogs.unsaved_on_close import UnsavedOnCloseDialog

    return UnsavedOnCloseDialog(2, f"Saving failed: {PAYLOAD}")


def _load_failure():
    from desktop_chat.core.inference import LoadFailure
    from desktop_chat.ui.dialogs.model_problems import LoadFailureDialog

    return LoadFailureDialog(LoadFailure(PAYLOAD, details=PAYLOAD), open_model=PAYLOAD)


def _consent():
    from desktop_chat.core.inference import REMEDY_REMOTE_CODE, LoadFailure
    from desktop_chat.ui.dialogs.model_problems import ConsentDialog

    return ConsentDialog(LoadFailure(PAYLOAD, details=PAYLOAD, remedy=REMEDY_REMOTE_CODE))


@pytest.mark.parametrize("make", [_unsaved_on_close, _load_failure, _consent])
def test_message_boxes_show_outside_words_as_text(qtbot, make):
    box = make()
    qtbot.addWidget(box)
    box.show()
    assert_shown_as_text()
    box.close()


# ----- the answer's Markdown ----------------------------------------------------------------

HOSTILE_MARKDOWN = [
    PAYLOAD,
    '<img src="/dev/zero">',
    "<div>\n<img src='/dev/zero'>\n</div>",
    "![x](/dev/zero)",
    "![x](file:///dev/zero)",
    "![x](\\\\server\\share\\x.png)",
    "![x](//server/share/x.png)",
    "![x](http://example.com/x.png)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[![x](/dev/zero)](http://example.com)",
    "| a |\n|---|\n| ![x](/dev/zero) <img src=/dev/zero> |",
    "[x]: /dev/zero\n\n![x][x]",
    "$x$ and <img src=/dev/zero> and $$y$$",
    "```html\n<img src=\"/dev/zero\">\n```",
    "`<img src=/dev/zero>`",
    "<https://example.com/<img src=/dev/zero>>",
    '[a](/dev/zero "<img src=/dev/zero>")',
]


@pytest.mark.parametrize("markdown", HOSTILE_MARKDOWN)
def test_model_markdown_never_makes_qt_load_a_resource(qapp, markdown):
    html = MarkdownRenderer(LIGHT.markdown).render(markdown).html
    _, loaded = rendered(html, rich=True)
    assert not loaded, html


def test_formula_images_still_show(qapp):
    html = MarkdownRenderer(LIGHT.markdown).render("Euler: $e^{i\\pi} + 1 = 0$").html
    document = ResourceSpy()
    document.setHtml(html)
    paint(document)
    assert "<img" in html and document.asked and all(
        u.startswith("data:image/png") for u in document.asked)


def test_the_probe_sees_an_image_that_has_a_size(qapp):
    _, loaded = rendered(f'<img src="{PROBE}" width="1" height="1">', rich=True)
    assert set(loaded) == {PROBE}


def test_the_pdf_export_shows_an_imported_conversation_as_text(qapp):
    from desktop_chat.core.conversation import Conversation
    from desktop_chat.core.export_markdown import MarkdownLabels
    from desktop_chat.ui.render.export_pdf import conversation_html

    conversation = Conversation.from_dict(HOSTILE_CONVERSATION)
    html = conversation_html(conversation, include_thinking=True, labels=MarkdownLabels())
    plain, loaded = rendered(html, rich=True)
    assert not loaded and plain.count(SEEN) >= 3  # the title, the question, the answer


# ----- the helper ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "plain words", "a & b", "line one\nline two",
                                  PAYLOAD, f"path/{PAYLOAD}\n  indented <br> & more",
                                  # no "<", yet Qt reads it as rich text ("&lt;" -> "<")
                                  "HTML writes it &lt;b&gt;", "x &lt; y"])
def test_a_plain_tooltip_reads_as_written(qapp, text):
    from desktop_chat.ui.widgets.plain_text import plain_tooltip

    tip = plain_tooltip(text)
    plain, loaded = rendered(tip, GuiQt.mightBeRichText(tip))
    assert plain == text and not loaded
    if not GuiQt.mightBeRichText(text):
        assert tip == text  # what Qt shows as plain stays as it was

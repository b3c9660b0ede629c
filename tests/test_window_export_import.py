"""File > Export Conversation…, Export All… and Import… through the real window (no model:
exporting and importing never need one). The file dialogs are answered by monkeypatching
QFileDialog's static calls; the format dialog and the summary are the real ones."""

from __future__ import annotations

import io
import json
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import close, make_window
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import QFileDialog
from test_conversation_import import CHATGPT_EXPORT, KYOTO_ID, branched, shape

from desktop_chat.core.store import ConversationStore, encode
from desktop_chat.ui.window.export_import import JSON, MARKDOWN, PDF

SHOTS = Path("/tmp/shots/export_import")


@pytest.fixture
def saved(data_dir):
    """A branched conversation on disk before the window opens."""
    conversation = branched()
    ConversationStore(data_dir / "conversations").save(conversation)
    return conversation


@pytest.fixture
def window(qtbot, data_dir, saved):
    window = make_window(qtbot, data_dir)
    yield window
    if window.isVisible():
        close(qtbot, window)


def answer_save_dialog(monkeypatch, path: Path, seen: list | None = None) -> None:
    def get_save_file_name(parent, caption, directory, filter_):
        if seen is not None:
            seen.append((caption, directory, filter_))
        return str(path), filter_
    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)


def export_current(qtbot, window, monkeypatch, path: Path, kind: str,
                   thinking: bool = True) -> Path:
    window.window_actions["export"].trigger()
    dialog = window.transfer.dialog
    assert dialog.isVisible()
    dialog.set_format(kind)
    dialog.thinking_check.setChecked(thinking)
    answer_save_dialog(monkeypatch, path)
    with qtbot.waitSignal(window.transfer.export_finished, timeout=20_000) as done:
        dialog.accept()
    return done.args[0]


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    # A CJK font may map a shared glyph back to its Kangxi radical (支 -> ⽀): NFKC undoes it.
    return unicodedata.normalize("NFKC", text)


def has_cjk_font() -> bool:
    return QFontMetrics(QFont()).inFontUcs4(ord("分")) or any(
        QFontMetrics(QFont(family)).inFontUcs4(ord("分"))
        for family in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei",
                       "Microsoft YaHei", "PingFang SC"))


def test_the_actions_are_in_the_file_menu(window):
    names = [a.objectName() for a in window.menuBar().actions()[0].menu().actions()]
    for name in ("importConversationsAction", "exportConversationAction", "exportAllAction"):
        assert name in names and window.findChild(QAction, name) is not None


def test_export_markdown_with_and_without_thinking(qtbot, window, monkeypatch, tmp_path,
                                                   saved):
    window.chat.open_conversation(saved.id)
    written = export_current(qtbot, window, monkeypatch, tmp_path / "chat", MARKDOWN)
    assert written == tmp_path / "chat.md"  # the suffix is added when the name lacks it
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# Branches 分支") and "What is 2 + 3?" in text
    saved.select(saved.messages[1].id)
    window.chat.current.select(saved.messages[1].id)  # the branch with thinking
    written = export_current(qtbot, window, monkeypatch, tmp_path / "chat.md", MARKDOWN)
    assert "<details><summary>Thinking</summary>" in written.read_text(encoding="utf-8")
    written = export_current(qtbot, window, monkeypatch, tmp_path / "plain.md", MARKDOWN,
                             thinking=False)
    assert "Thinking" not in written.read_text(encoding="utf-8")
    assert "exported" in window.statusBar().currentMessage().lower()


def test_export_json_then_import_it_gives_the_same_tree_under_a_new_id(
        qtbot, window, monkeypatch, tmp_path, saved):
    window.chat.open_conversation(saved.id)
    written = export_current(qtbot, window, monkeypatch, tmp_path / "tree.json", JSON)
    assert written.read_bytes() == encode(window.chat.current)  # what the store writes
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(written)], ""))
    with qtbot.waitSignal(window.transfer.import_finished, timeout=20_000) as done:
        window.window_actions["import"].trigger()
    [imported] = done.args[0].conversations
    assert imported.id != saved.id  # taken: never overwritten
    assert shape(imported) == shape(saved)
    assert window.chat.current.id == imported.id  # one imported: opened
    assert set(window.sidebar.ids()) == {saved.id, imported.id}
    window.conversations.flush_saves()
    store = ConversationStore(window.conversations.store.root)
    assert shape(store.load(imported.id)) == shape(saved)
    assert store.load(saved.id) == saved


def test_export_pdf_has_the_text_and_renders_chinese(qtbot, window, monkeypatch, tmp_path,
                                                     saved):
    window.chat.open_conversation(saved.id)
    written = export_current(qtbot, window, monkeypatch, tmp_path / "chat.pdf", PDF)
    data = written.read_bytes()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "What is 2 + 3?" in text and "Assistant (other-model)" in text
    if not has_cjk_font():
        pytest.skip("no font with Chinese glyphs here (install fonts-noto-cjk)")
    assert "Branches 分支" in text


def test_import_a_chatgpt_export_and_bad_files_reports_once(qtbot, window, monkeypatch,
                                                            tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("not json at all", encoding="utf-8")
    archive = tmp_path / "chatgpt.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.write(CHATGPT_EXPORT, "conversations.json")
        opened.writestr("user.json", "{}")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(bad), str(archive)], ""))
    with qtbot.waitSignal(window.transfer.import_finished, timeout=20_000) as done:
        window.window_actions["import"].trigger()
    result = done.args[0]
    assert [c.id for c in result.conversations][0] == KYOTO_ID
    summary = window.transfer.summary
    assert summary.isVisible()
    assert summary.text().startswith("Imported 2 conversation")
    assert "notes.json: This is not a JSON file" in summary.informativeText()
    assert KYOTO_ID in window.sidebar.ids()
    SHOTS.mkdir(parents=True, exist_ok=True)
    summary.grab().save(str(SHOTS / "import-summary.png"))
    summary.close()
    # Saved through the store: on disk, and found by the search.
    window.conversations.flush_saves()
    assert (window.conversations.store.root / f"{KYOTO_ID}.json").exists()
    with qtbot.waitSignal(window.conversations.search_finished, timeout=10_000) as found:
        window.sidebar.search.setText("Nanzen")
    assert found.args[0] == [KYOTO_ID]
    window.chat.open_conversation(KYOTO_ID)
    assert [m.id for m in window.chat.current.path()] == ["u-1", "a-1", "u-2b", "a-2b2"]


def test_an_import_says_why_it_refused_a_zip_bomb_and_keeps_the_rest(qtbot, window,
                                                                    monkeypatch, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("conversations.json", b"[" + b" " * (64 << 20) + b"]")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(bomb), str(CHATGPT_EXPORT)], ""))
    with qtbot.waitSignal(window.transfer.import_finished, timeout=20_000) as done:
        window.window_actions["import"].trigger()
    assert len(done.args[0].conversations) == 2  # the other file came in
    summary = window.transfer.summary
    assert summary.text().startswith("Imported 2 conversation")
    assert ("bomb.zip › conversations.json: It would expand 10" in summary.informativeText()
            and "it was not unpacked" in summary.informativeText())
    SHOTS.mkdir(parents=True, exist_ok=True)
    summary.grab().save(str(SHOTS / "import-refused-bomb.png"))
    summary.close()


def test_export_all_to_a_zip_then_import_it_back(qtbot, window, monkeypatch, tmp_path,
                                                 saved):
    other = branched()
    other.title = "Another"
    window.conversations.add_imported([other])  # waiting for the writer, or written: both count
    seen: list = []
    answer_save_dialog(monkeypatch, tmp_path / "all", seen)
    with qtbot.waitSignal(window.transfer.export_finished, timeout=20_000) as done:
        window.window_actions["export_all"].trigger()
    assert done.args[0] == tmp_path / "all.zip" and seen[0][2] == "Zip archives (*.zip)"
    with zipfile.ZipFile(tmp_path / "all.zip") as opened:
        names = set(opened.namelist())
        assert json.loads(opened.read(f"conversations/{saved.id}.json"))["id"] == saved.id
    assert {f"conversations/{saved.id}.json", f"conversations/{other.id}.json",
            "markdown/Another.md", "markdown/Branches 分支.md"} <= names
    # Into an empty data folder: the same ids and trees.
    shutil.rmtree(window.conversations.store.root.parent / "elsewhere", ignore_errors=True)
    fresh = make_window(qtbot, window.conversations.store.root.parent / "elsewhere")
    try:
        monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                            lambda *a, **k: ([str(tmp_path / "all.zip")], ""))
        with qtbot.waitSignal(fresh.transfer.import_finished, timeout=20_000) as done:
            fresh.window_actions["import"].trigger()
        by_id = {c.id: c for c in done.args[0].conversations}
        assert shape(by_id[saved.id]) == shape(saved)
        assert shape(by_id[other.id]) == shape(other)
        assert done.args[0].renamed == 0 and not done.args[0].failures
    finally:
        close(qtbot, fresh)


def test_the_export_dialog_looks_right(qtbot, window, saved):
    window.chat.open_conversation(saved.id)
    window.window_actions["export"].trigger()
    dialog = window.transfer.dialog
    assert dialog.format_combo.accessibleName() and dialog.thinking_check.accessibleName()
    dialog.set_format(JSON)
    assert not dialog.thinking_check.isEnabled()  # the JSON file holds everything
    dialog.set_format(PDF)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "export-dialog.png"))
    dialog.reject()


def test_export_without_an_open_conversation_says_what_to_do(window):
    window.chat.new_conversation()
    window.window_actions["export"].trigger()
    assert window.transfer.dialog is None
    assert "Open a conversation" in window.statusBar().currentMessage()


def test_an_export_the_disk_refuses_is_reported(qtbot, window, monkeypatch, tmp_path, saved):
    window.chat.open_conversation(saved.id)
    missing = tmp_path / "no such folder" / "chat.md"
    assert export_current(qtbot, window, monkeypatch, missing, MARKDOWN) is None
    assert window.notice.isVisible()
    assert "could not be written" in window.notice.text.text()

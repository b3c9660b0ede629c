"""The Models page and Model Info, through the real window with tiny-r1 (and its GGUF)."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ENGINE_START_TIMEOUT_MS, TINY_R1
from PySide6.QtWidgets import QLabel, QMessageBox, QPlainTextEdit

from desktop_chat.ui.dialogs.model_picker import ModelPickerDialog
from desktop_chat.ui.dialogs.models_library import FORMAT, MEMORY, NAME, PARAMETERS, SIZE, WHERE

SHOTS = Path("/tmp/shots/models")


def open_tiny(qtbot, window, path=TINY_R1):
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.models.open(str(path))
    return window.models.model


def shot(widget, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / name))


def test_model_info_shows_the_open_model(qtbot, window):
    assert not window.window_actions["model_info"].isEnabled()
    info = open_tiny(qtbot, window)
    assert window.window_actions["model_info"].isEnabled()
    window.window_actions["model_info"].trigger()
    dialog = window.findChild(QLabel, "modelInfoArchitecture").window()
    qtbot.waitExposed(dialog)

    def text(name):
        return dialog.findChild(QLabel, name).text()

    assert text("modelInfoArchitecture") == "Qwen2ForCausalLM"
    assert info.parameter_count > 0 and text("modelInfoParameters") != "unknown"
    assert text("modelInfoEngine") == "transformers"
    assert text("modelInfoPrecision") == info.precision
    assert text("modelInfoContext") == f"{info.context_size:,} tokens"
    assert info.memory_measured_bytes > 0
    assert "measured at load" in text("modelInfoMemory")
    assert "temperature" in text("modelInfoDefaults")  # tiny-r1's generation_config.json
    assert text("modelInfoPath") == str(TINY_R1)
    template = dialog.findChild(QPlainTextEdit, "chatTemplateView")
    assert not template.isVisible()
    qtbot.mouseClick(dialog.template_button, qtbot_left())
    assert template.isVisible() and "<｜Assistant｜>" in template.toPlainText()
    shot(dialog, "model-info.png")
    dialog.close()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_models_page_lists_the_models_folder_and_recent_models(qtbot, window, data_dir,
                                                                   tiny_r1_gguf):
    models = data_dir / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copytree(TINY_R1, models / "tiny-copy")
    shutil.copy(tiny_r1_gguf, models / "tiny-r1.gguf")
    (models / ".downloads" / "half").mkdir(parents=True)  # staging: never listed
    open_tiny(qtbot, window)  # joins Recent Models
    window.window_actions["models_library"].trigger()
    library = window.findChild(QLabel, "modelsFolderLabel").window()
    table = library.table
    qtbot.waitUntil(lambda: table.rowCount() == 3 and all(
        table.item(row, PARAMETERS).text() != "…" for row in range(3)), timeout=60_000)
    rows = {table.item(row, NAME).text(): row for row in range(3)}
    assert set(rows) == {"tiny-copy", "tiny-r1.gguf", "tiny-r1 (open)"}

    def cell(name, column):
        return table.item(rows[name], column).text()

    assert cell("tiny-copy", FORMAT) == "safetensors (f32)"
    assert cell("tiny-r1.gguf", FORMAT) == "GGUF F32"
    assert cell("tiny-r1 (open)", WHERE) == "Recent"
    assert cell("tiny-copy", WHERE) == "Models folder"
    for name in rows:
        assert cell(name, SIZE).endswith("MB") and cell(name, SIZE) != "0.0 MB"
        assert cell(name, MEMORY).endswith(("MB", "GB"))
    assert cell("tiny-copy", PARAMETERS) == cell("tiny-r1 (open)", PARAMETERS)
    shot(library, "models-page.png")

    table.selectRow(rows["tiny-r1 (open)"])  # the open model is never deleted
    assert library.ask_delete() is None
    assert "is open" in library.message.text() and TINY_R1.exists()

    table.selectRow(rows["tiny-copy"])
    box = library.ask_delete()
    assert box.objectName() == "deleteModelDialog"
    box.button(QMessageBox.StandardButton.No).click()
    assert (models / "tiny-copy").exists()
    box = library.ask_delete()
    box.button(QMessageBox.StandardButton.Yes).click()
    if trash_works(data_dir):
        assert not (models / "tiny-copy").exists()  # in the trash
        assert table.rowCount() == 2 and "moved to the trash" in library.message.text()
    else:  # a system without a usable trash (this CI container): nothing is deleted
        assert (models / "tiny-copy" / "model.safetensors").exists()
        assert "could not be moved to the trash" in library.message.text()
    library.close()


def trash_works(folder: Path) -> bool:
    from PySide6.QtCore import QFile

    probe = folder / "trash-probe"
    probe.write_text("probe")
    moved = QFile.moveToTrash(str(probe))
    return bool(moved[0] if isinstance(moved, tuple) else moved)


def test_the_picker_shows_what_each_model_needs(qtbot, window, tmp_path):
    open_tiny(qtbot, window)
    picker = window.model_dialogs.choose_model()
    assert isinstance(picker, ModelPickerDialog)
    item = picker.list.item(0)
    qtbot.waitUntil(lambda: "needs about" in item.text(), timeout=60_000)
    assert "GB" in item.text()
    picker.close()

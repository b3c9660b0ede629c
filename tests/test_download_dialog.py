"""Get a Model, driven as a user would, against the fake Hugging Face endpoint: progress,
Cancel and Resume, a token for a gated model, and a finished download that opens in the
real window and answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, REPLY_TIMEOUT_MS, TINY_R1, close, make_window
from fake_hf import FakeHub
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from desktop_chat.core.settings import AppSettings
from desktop_chat.engine import hub_download as hd
from desktop_chat.ui.dialogs.download import DownloadDialog
from desktop_chat.workers.downloads import DownloadWorker

REPO = "test-org/tiny-r1"
SHOTS = Path("/tmp/shots/download")


@pytest.fixture
def hub(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(hd, "CHUNK_BYTES", 16 * 1024)  # progress within the tiny files
    monkeypatch.setattr(hd, "RETRY_DELAYS_S", (0.01,) * 5)
    with FakeHub({REPO: TINY_R1}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


@pytest.fixture
def dialog(qtbot, hub, tmp_path):
    downloads = DownloadWorker(tmp_path / "models")
    dialog = DownloadDialog(downloads, tmp_path / "models", AppSettings())
    qtbot.addWidget(dialog)
    dialog.show()
    yield dialog
    dialog.close()
    assert downloads.shutdown(10_000)


@pytest.mark.slow  # detecting the GPU imports torch
def test_the_dialog_names_its_parts_and_recommends_for_this_machine(qtbot, dialog):
    assert dialog.objectName() == "downloadModelDialog"
    for name in ("repoIdInput", "downloadButton", "downloadProgress", "curatedModelList",
                 "modelFormatInput", "cancelDownloadButton", "resumeDownloadButton"):
        widget = dialog.findChild(QWidget, name)
        assert widget is not None and widget.accessibleName(), name
    first = dialog.models.item(0).text()
    assert first.startswith("DeepSeek-R1-Distill-Qwen-1.5B") and "GB" in first
    assert dialog.models.item(1).text().startswith("DeepSeek-R1-Distill-Qwen-7B")
    # no GPU: the GGUF build is offered first (with one: the safetensors folder)
    qtbot.waitUntil(lambda: dialog.downloads.accelerator is not None, timeout=60_000)
    qtbot.waitUntil(lambda: bool(dialog.advice.text()))
    expected = "gguf" if dialog.downloads.accelerator == "cpu" else "safetensors"
    assert dialog.format.currentData() == expected
    assert dialog.request() == (
        "bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF", "gguf",
        "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf") if expected == "gguf" else (
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "safetensors", None)
    qtbot.waitUntil(lambda: "memory" in dialog.models.item(0).text(), timeout=60_000)
    dialog.repo_input.setText("owner/typed")
    assert dialog.request()[0] == "owner/typed"


@pytest.mark.slow  # the estimates import torch
def test_with_a_gpu_the_full_weights_are_recommended(qtbot, hub, tmp_path):
    downloads = DownloadWorker(tmp_path / "models")
    downloads.accelerator = "cuda"  # as the probe finds it on a machine with one
    dialog = DownloadDialog(downloads, tmp_path / "models", AppSettings())
    qtbot.addWidget(dialog)
    assert dialog.format.currentData() == "safetensors"
    assert "CUDA" in dialog.advice.text()
    assert dialog.request() == ("deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B", "safetensors",
                                None)
    assert "3.6 GB" in dialog.models.item(0).text()
    dialog.close()
    assert downloads.shutdown(60_000)


def test_a_gated_model_asks_for_a_token_then_downloads(qtbot, dialog, hub, tmp_path):
    hub.switches.required_token = "hf_right"
    dialog.repo_input.setText(REPO)
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.token_box.isVisible, timeout=10_000)
    assert REPO in dialog.token_note.text()
    assert not dialog.error.isVisible()
    dialog.token_input.setText("hf_right")
    with qtbot.waitSignal(dialog.model_downloaded, timeout=30_000) as done:
        qtbot.mouseClick(dialog.findChild(QWidget, "useTokenButton"),
                         Qt.MouseButton.LeftButton)
    assert done.args == [str(tmp_path / "models" / "test-org--tiny-r1")]


def test_an_unknown_repository_says_so(qtbot, dialog):
    dialog.repo_input.setText("test-org/no-such-model")
    with qtbot.waitSignal(dialog.downloads.failed, timeout=10_000):
        qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert "test-org/no-such-model" in dialog.error.text()
    assert not dialog.resume_button.isVisible()


@pytest.mark.slow
def test_download_cancel_resume_then_the_model_opens_and_answers(qtbot, hub, tmp_path):
    hub.switches.bytes_per_s = 200_000  # about two seconds for the whole model
    window = make_window(qtbot, tmp_path / "data")
    window.start_engine()
    assert window.pages.currentWidget() is window.empty_state
    window.findChild(QWidget, "emptyStateGetModelButton").click()
    dialog = window.findChild(DownloadDialog, "downloadModelDialog")
    dialog.repo_input.setText(REPO)
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    # the speed (and time left) once half a second of it is measured
    qtbot.waitUntil(lambda: dialog.progress.value() > 300 and "/s" in dialog.status.text(),
                    timeout=20_000)
    assert " of " in dialog.status.text() and "left" in dialog.status.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "mid-download.png"))

    with qtbot.waitSignal(dialog.downloads.running_changed, timeout=10_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.resume_button.isVisible()
    staging = window.model_dialogs.models_dir() / hd.STAGING_DIR / "test-org--tiny-r1"
    partial = staging / ("model.safetensors" + hd.PARTIAL_SUFFIX)
    kept = partial.stat().st_size if partial.exists() else 0
    assert not (window.model_dialogs.models_dir() / "test-org--tiny-r1").exists()

    hub.switches.bytes_per_s = None
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        qtbot.mouseClick(dialog.resume_button, Qt.MouseButton.LeftButton)
    if kept:
        assert hub.ranges("model.safetensors")[-1] == f"bytes={kept}-"
    folder = str(window.model_dialogs.models_dir() / "test-org--tiny-r1")
    assert window.settings.recent_models[0] == folder
    assert window.models.model.path == folder

    window.composer.input.setPlainText("hello")
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    message = done.args[0]
    assert message.role == "assistant" and (message.content or message.reasoning_content)
    close(qtbot, window)
    assert window.downloads.shutdown(10_000)


def test_the_models_folder_is_a_setting(qtbot, hub, tmp_path):
    window = make_window(qtbot, tmp_path / "data")
    assert window.model_dialogs.models_dir() == tmp_path / "data" / "models"
    dialog = window.settings_dialogs.settings_dialog()
    field = dialog.findChild(QWidget, "modelsFolderInput")
    assert field.placeholderText() == str(tmp_path / "data" / "models")
    field.setText(str(tmp_path / "elsewhere"))
    window.settings_dialogs.apply_settings(dialog.settings())
    assert window.model_dialogs.models_dir() == tmp_path / "elsewhere"
    assert window.window_actions["get_model"].isEnabled()
    close(qtbot, window)

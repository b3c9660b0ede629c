"""Every engine through the real window: a GGUF file through llama.cpp, and real servers
(llama.cpp's and transformers') through Connect to Server… and --server."""

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, close, make_window, on_gui_thread
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QLineEdit, QPushButton
from servers import start_llama_cpp_server, start_transformers_server
from test_window import panels, send

from desktop_chat.core.model_source import ModelSource


@pytest.fixture(scope="module")
def llama_server(tiny_r1_gguf):
    with start_llama_cpp_server(tiny_r1_gguf, alias="tiny-r1", n_ctx=1024) as server:
        yield server


@pytest.fixture(scope="module")
def transformers_server(tiny_r1_for_serving):
    with start_transformers_server(tiny_r1_for_serving) as server:
        yield server


def assert_r1_reply(window, message):
    assert message.reasoning_content.startswith("The user asks for the capital of France")
    assert message.content == "The capital of France is **Paris**."
    [panel] = panels(window)
    assert panel.header.text().startswith("Thought for ")
    assert "France is in Europe" in panel.reasoning()
    assert "<strong>Paris</strong>" in window.view.findChildren(QLabel, "answerText")[-1].text()


def test_a_gguf_file_opens_with_llama_cpp_and_thinks_then_answers(
        qtbot, window, tiny_r1_gguf, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(tiny_r1_gguf), "GGUF models (*.gguf)"))
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.window_actions["open_gguf"].trigger()
    assert window.status.model_status.text().startswith("tiny-r1 · llama.cpp · CPU")
    assert window.status.model_status.text().endswith("F32")
    assert_r1_reply(window, send(qtbot, window, "What is the capital of France?"))
    assert window.settings.recent_models[0] == str(tiny_r1_gguf)


def connect_through_the_dialog(qtbot, window, server):
    dialog = window.model_dialogs.connect_server()
    assert dialog.objectName() == "serverDialog"
    url = dialog.findChild(QLineEdit, "serverUrlInput")
    models = dialog.findChild(QComboBox, "serverModelInput")
    qtbot.keyClicks(url, server.url)  # no /v1: the dialog adds it
    with qtbot.waitSignal(on_gui_thread(window.worker.server_models_listed), timeout=30_000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "listServerModelsButton"),
                         Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: models.count() == 1, timeout=5000)
    assert models.currentText() == server.model
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        dialog.accept()


@pytest.mark.slow
@pytest.mark.parametrize("server_fixture", ["llama_server", "transformers_server"])
def test_a_real_server_through_connect_to_server(qtbot, window, request, server_fixture):
    server = request.getfixturevalue(server_fixture)
    connect_through_the_dialog(qtbot, window, server)
    status = window.status.model_status.text()
    assert " · server · " in status and f"127.0.0.1:{server.port}" in status
    first = send(qtbot, window, "What is the capital of France?")
    assert_r1_reply(window, first)
    assert first.finish_reason == "stop" and first.stats["answer_tokens"] > 0
    saved = window.conversations.store.load(window.chat.current.id)
    assert saved.model == ModelSource.server(server.base_url, server.model).to_string()
    recent = window.settings.recent_models[0]
    assert ModelSource.parse(recent) == ModelSource.server(server.base_url, server.model)


@pytest.mark.slow
def test_the_server_flag_opens_the_server_and_a_dead_server_keeps_the_text(
        qtbot, tmp_path, tiny_r1_gguf):
    server = start_llama_cpp_server(tiny_r1_gguf, alias="tiny-r1", n_ctx=1024)
    try:
        window = make_window(qtbot, tmp_path / "data", "--server", server.url,
                             "--server-model", "tiny-r1")
        with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
            window.start_engine()
        assert window.models.model.source == ModelSource.server(server.base_url, "tiny-r1")
        send(qtbot, window, "What is 2 + 2?")
        server.kill()  # the server goes away
        message = send(qtbot, window, "What is the capital of France?")
        assert message.finish_reason == "error"
        assert "Nothing answers" in message.extra["error"]
        error = window.view.findChildren(QLabel, "messageError")[-1]
        assert error.isVisible() and "Nothing answers" in error.text()
        close(qtbot, window)
    finally:
        server.kill()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["transformers", "llama.cpp"])
def test_smollm2_answers_through_the_window(qtbot, window, demo_model, smollm2_gguf, engine):
    import dataclasses

    path = demo_model if engine == "transformers" else smollm2_gguf
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.models.open(str(path))
    greedy = dataclasses.replace(window.settings.generation, do_sample=False)  # a 135M model
    window.settings_dialogs.apply_settings(dataclasses.replace(window.settings, generation=greedy))
    assert f" · {engine} · " in window.status.model_status.text()
    message = send(qtbot, window, "What is the capital of France?")
    assert "Paris" in message.content and not message.reasoning_content
    assert not panels(window)

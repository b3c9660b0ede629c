"""The real window with the real worker on tiny-r1, driven as a user would."""

import json
import shutil

import pytest
from conftest import (
    ENGINE_START_TIMEOUT_MS,
    REPLY_TIMEOUT_MS,
    TINY_R1,
    close,
    make_window,
    on_gui_thread,
    open_model,
    send,
    slow_down,
)
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from desktop_chat.ui.conversation.thinking_panel import ThinkingPanel
from desktop_chat.ui.dialogs.settings import SettingsDialog


def panels(window):
    return window.view.findChildren(ThinkingPanel)


def test_stable_object_names_for_tests_and_accessibility(window):
    for name in ("conversationList", "conversationView", "messageInput", "sendButton",
                 "stopButton"):
        assert window.findChild(QWidget, name) is not None, name
    for name in ("openModelAction", "settingsAction", "toggleThinkingAction",
                 "newConversationAction"):
        assert window.findChild(type(window.window_actions["open_model"]), name) is not None, name
    assert window.composer.input.accessibleName()
    assert window.composer.send_button.accessibleName()


def test_choosing_a_model_folder_through_the_dialog(qtbot, window, monkeypatch):
    assert window.pages.currentWidget() is window.empty_state
    assert not window.composer.send_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(TINY_R1))
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.window_actions["open_model"].trigger()
    assert window.pages.currentWidget() is window.chat_page
    assert window.status.model_status.text().startswith("tiny-r1 · transformers · CPU")
    assert window.composer.send_button.isEnabled()
    assert window.settings.last_model_path == str(TINY_R1)
    assert [a.text() for a in window.recent_menu.actions()] == ["tiny-r1"]


def test_thinking_streams_open_then_folds_with_a_duration(qtbot, window, monkeypatch):
    open_model(qtbot, window)
    slow_down(monkeypatch, window.worker.engine.model, 0.03)
    seen_while_thinking = []

    def on_chunk(kind, text):
        if kind == "reasoning" and not seen_while_thinking:
            [panel] = panels(window)
            seen_while_thinking.append((panel.expanded, panel.header.text(),
                                        panel.text.isHidden()))

    window.chat.chunk_received.connect(on_chunk)
    message = send(qtbot, window, "What is the capital of France?")
    assert seen_while_thinking == [(True, "Thinking…", False)]
    [panel] = panels(window)
    assert panel.objectName() == "thinkingPanel"
    assert not panel.expanded and not panel.text.isVisible()
    assert panel.header.text().startswith("Thought for ")
    assert "France is in Europe" in panel.reasoning()
    answer = window.view.findChildren(QLabel, "answerText")[-1]
    assert "<strong>Paris</strong>" in answer.text()
    assert message.finish_reason == "stop" and message.stats["thinking_s"] > 0
    qtbot.mouseClick(panel.header, Qt.MouseButton.LeftButton)
    assert panel.expanded and panel.text.isVisible()


def test_stop_keeps_the_partial_text_and_says_it_was_stopped(qtbot, window, monkeypatch):
    open_model(qtbot, window)
    slow_down(monkeypatch, window.worker.engine.model, 0.05)
    window.chat.chunk_received.connect(
        lambda kind, text: window.composer.stop_button.isVisible()
        and qtbot.mouseClick(window.composer.stop_button, Qt.MouseButton.LeftButton))
    message = send(qtbot, window, "What is the capital of France?")
    assert message.finish_reason == "cancelled"
    assert message.reasoning_content and not message.content
    assert window.view.findChildren(QLabel, "messageState")[-1].text() == "Stopped"
    assert window.composer.send_button.isVisible()
    assert window.conversations.flush_saves()  # saves are written on the writer thread
    saved = window.conversations.store.load(window.chat.current.id)
    assert saved.messages[-1].finish_reason == "cancelled"


def test_regenerate_adds_a_version_of_the_last_answer(qtbot, window):
    open_model(qtbot, window)
    first = send(qtbot, window, "What is 2 + 2?")
    regenerate = window.view.assistant_widgets()[-1].regenerate_button
    assert regenerate.isVisible()
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS):
        qtbot.mouseClick(regenerate, Qt.MouseButton.LeftButton)
    conversation = window.chat.current
    path = conversation.path()
    assert [m.role for m in path] == ["user", "assistant"]
    assert len(window.view.assistant_widgets()) == 1
    assert path[-1].content == "2 + 2 = 4" and path[-1].id != first.id
    assert [m.id for m in conversation.siblings(first.id)] == [first.id, path[-1].id]


def test_thinking_panels_toggle_globally_and_the_choice_is_remembered(qtbot, window, data_dir):
    open_model(qtbot, window)
    send(qtbot, window, "What is the capital of France?")
    [panel] = panels(window)
    assert panel.isVisible()
    window.window_actions["toggle_thinking"].trigger()
    assert not panel.isVisible()
    assert json.loads((data_dir / "config" / "settings.json").read_text())[
        "show_reasoning"] is False
    window.window_actions["toggle_thinking"].trigger()
    assert panel.isVisible()


def test_a_reopened_window_shows_the_conversation_with_its_reasoning(qtbot, window, data_dir):
    open_model(qtbot, window)
    first = send(qtbot, window, "法国的首都是哪里？")
    conversation_id = window.chat.current.id
    close(qtbot, window)

    again = make_window(qtbot, data_dir)
    assert again.sidebar.ids() == [conversation_id]
    assert again.sidebar.model.item(0).text() == "法国的首都是哪里？"
    again.sidebar.list.setCurrentIndex(again.sidebar.model.index(0, 0))
    [panel] = panels(again)
    assert panel.reasoning() == first.reasoning_content == "用户在问法国的首都。答案是巴黎。"
    assert panel.header.text().startswith("Thought for ")
    assert "法国的首都是巴黎。🗼" in again.view.findChildren(QLabel, "answerText")[-1].text()
    close(qtbot, again)


def test_a_folder_that_fails_to_load_shows_the_error_and_keeps_the_model(
        qtbot, window, tmp_path):
    open_model(qtbot, window)
    broken = tmp_path / "broken-model"
    shutil.copytree(TINY_R1, broken)
    (broken / "model.safetensors").write_bytes(b"\0" * 64)
    with qtbot.waitSignal(window.models.loading_failed, timeout=30_000):
        window.models.open(str(broken))
    box = window.findChild(QMessageBox, "modelErrorDialog")
    assert box is not None and box.isVisible()
    assert "truncated or damaged" in box.text() and "tiny-r1 is still open" in box.informativeText()
    box.close()
    assert window.status.model_status.text().startswith("tiny-r1")
    assert window.settings.last_model_path == str(TINY_R1)
    assert send(qtbot, window, "What is 2 + 2?").content == "2 + 2 = 4"


def test_shift_enter_adds_a_line_and_enter_sends(qtbot, window):
    open_model(qtbot, window)
    editor = window.composer.input
    qtbot.keyClicks(editor, "line one")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "line two")
    assert editor.toPlainText() == "line one\nline two"
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert editor.toPlainText() == ""
    assert window.chat.current.messages[0].content == "line one\nline two"


def test_new_rename_search_delete_and_undo(qtbot, window, monkeypatch):
    open_model(qtbot, window)
    send(qtbot, window, "What is the capital of France?")
    first = window.chat.current.id
    window.window_actions["new_conversation"].trigger()
    assert window.chat.current is None and not window.view.assistant_widgets()
    send(qtbot, window, "What is 2 + 2?")
    second = window.chat.current.id
    assert window.sidebar.ids() == [second, first]  # newest first

    window.chat.rename(first, "Geography")
    assert window.sidebar.ids() == [first, second]  # renaming counts as an update
    assert window.sidebar.model.item(0).text() == "Geography"

    # answered on the index's thread
    with qtbot.waitSignal(window.conversations.search_finished, timeout=5000):
        window.sidebar.search.setText("paris")
    assert window.sidebar.ids() == [first, second]  # the open conversation stays listed
    window.window_actions["new_conversation"].trigger()
    qtbot.waitUntil(lambda: window.sidebar.ids() == [first])
    with qtbot.waitSignal(window.conversations.search_finished, timeout=5000):
        window.sidebar.search.clear()

    window.sidebar.delete_requested.emit(second)
    assert window.sidebar.ids() == [first] and window.status.undo_button.isVisible()
    qtbot.mouseClick(window.status.undo_button, Qt.MouseButton.LeftButton)
    assert set(window.sidebar.ids()) == {first, second}
    assert window.chat.current.id == second


def test_the_search_filter_follows_messages_sent_and_renames(qtbot, window):
    open_model(qtbot, window)
    send(qtbot, window, "What is the capital of France?")
    first = window.chat.current.id
    window.window_actions["new_conversation"].trigger()
    with qtbot.waitSignal(window.conversations.search_finished, timeout=5000):
        window.sidebar.search.setText("capital")
    assert window.sidebar.ids() == [first]
    send(qtbot, window, "What is 2 + 2?")  # while the search box has text
    second = window.chat.current.id
    assert window.sidebar.ids() == [second, first]  # listed at once: it is open
    assert window.conversations.flush_saves()
    answers = []
    window.conversations.search_finished.connect(answers.append)
    window.chat.rename(second, "Capital letters")  # saved, indexed, asked again
    qtbot.waitUntil(lambda: bool(answers) and second in answers[-1], timeout=5000)
    assert window.sidebar.ids() == [second, first]
    window.window_actions["new_conversation"].trigger()  # no longer open: listed because it matches
    qtbot.wait(50)
    assert window.sidebar.ids() == [second, first]
    window.chat.rename(second, "Sums")
    qtbot.waitUntil(lambda: window.sidebar.ids() == [first], timeout=5000)


def test_closing_the_window_mid_reply_saves_the_partial_answer(qtbot, window, monkeypatch):
    open_model(qtbot, window)
    slow_down(monkeypatch, window.worker.engine.model, 0.05)
    window.composer.input.setPlainText("What is the capital of France?")
    with qtbot.waitSignal(window.chat.chunk_received, timeout=REPLY_TIMEOUT_MS):
        qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    conversation_id = window.chat.current.id
    close(qtbot, window)
    saved = window.conversations.store.load(conversation_id)
    assert [m.role for m in saved.messages] == ["user", "assistant"]
    assert saved.messages[1].finish_reason == "cancelled"
    assert saved.messages[1].reasoning_content


def test_settings_dialog_refuses_invalid_values_and_offers_model_defaults(qtbot, window):
    open_model(qtbot, window)
    dialog = window.settings_dialogs.settings_dialog()
    qtbot.addWidget(dialog)
    context = window.models.model.context_reason
    assert "the model's maximum, 1,024 tokens" in context  # tiny-r1 fits easily
    assert dialog.context_limit.specialValueText() == "Automatic"
    assert dialog.context_note.text() == f"Automatic: {context}"
    assert f"Context: {context}" in window.status.model_status.toolTip()
    assert dialog.objectName() == "settingsDialog"
    dialog.temperature.setValue(1.5)
    dialog.reset_to_model_defaults()
    assert dialog.temperature.value() == pytest.approx(0.6)
    assert dialog.top_p.value() == pytest.approx(0.95)
    dialog.context_limit.setValue(100)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != SettingsDialog.DialogCode.Accepted
    assert "Context limit must be between 256" in dialog.error.text()
    dialog.context_limit.setValue(512)
    dialog.accept()
    assert not dialog.isVisible()
    window.settings_dialogs.apply_settings(dialog.settings())
    assert window.settings.generation.context_limit == 512


def test_changing_the_theme_restyles_the_window(qtbot, window):
    import dataclasses

    window.settings_dialogs.apply_settings(dataclasses.replace(window.settings, theme="dark"))
    assert window.theme.dark
    assert window.palette().window().color().name() == "#1e1f22"
    window.settings_dialogs.apply_settings(dataclasses.replace(window.settings, theme="light"))
    assert not window.theme.dark


def test_the_demo_model_opens_when_none_was_chosen_and_is_not_remembered(qtbot, data_dir):
    window = make_window(qtbot, data_dir, "--demo-model", str(TINY_R1))
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.start_engine()
    assert window.models.model.name == "tiny-r1"
    assert window.settings.last_model_path is None
    close(qtbot, window)


def test_the_last_model_reloads_at_start_and_model_flag_wins(qtbot, data_dir, tmp_path):
    other = tmp_path / "other-model"
    shutil.copytree(TINY_R1, other)
    window = make_window(qtbot, data_dir, "--model", str(other))
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.start_engine()
    assert window.models.model.name == "other-model"
    close(qtbot, window)
    again = make_window(qtbot, data_dir, "--demo-model", str(TINY_R1))
    with qtbot.waitSignal(again.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        again.start_engine()
    assert again.models.model.name == "other-model"  # the user's choice beats the demo
    close(qtbot, again)


def test_a_new_model_brings_its_sampling_defaults_once(qtbot, window, tmp_path):
    import dataclasses

    model = tmp_path / "warm-model"
    shutil.copytree(TINY_R1, model)
    config = json.loads((model / "generation_config.json").read_text())
    config.update(temperature=0.3, top_p=0.8)
    (model / "generation_config.json").write_text(json.dumps(config))
    open_model(qtbot, window, model)
    assert (window.settings.generation.temperature, window.settings.generation.top_p) == (
        0.3, 0.8)
    window.settings_dialogs.apply_settings(dataclasses.replace(
        window.settings, generation=dataclasses.replace(window.settings.generation,
                                                        temperature=0.9)))
    open_model(qtbot, window, model)  # opened before: the user's choice stays
    assert window.settings.generation.temperature == 0.9


def test_a_streaming_reply_is_saved_as_it_goes_so_a_crash_keeps_it(
        qtbot, window, monkeypatch):
    from desktop_chat.ui.controllers import chat_session

    open_model(qtbot, window)
    window.chat.reply.draft_timer.setInterval(100)
    slow_down(monkeypatch, window.worker.engine.model, 0.05)
    window.composer.input.setPlainText("What is the capital of France?")
    qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    path = window.conversations.store.path_for(window.chat.current.id)

    def draft_on_disk():
        if not path.exists():  # the writer thread has not saved the question yet
            return False
        messages = json.loads(path.read_text(encoding="utf-8"))["messages"]
        return len(messages) == 2 and bool(messages[1].get("reasoning_content"))

    qtbot.waitUntil(draft_on_disk, timeout=REPLY_TIMEOUT_MS)  # mid-reply, as a crash sees it
    draft = json.loads(path.read_text(encoding="utf-8"))["messages"][1]
    assert draft["finish_reason"] == "cancelled" and window.chat.generating
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        pass
    assert window.conversations.flush_saves()
    final = json.loads(path.read_text(encoding="utf-8"))["messages"]
    assert len(final) == 2 and final[1]["id"] == draft["id"] == done.args[0].id
    assert final[1]["finish_reason"] == "stop"
    assert chat_session.DRAFT_SAVE_INTERVAL_MS >= 1000  # the real interval stays calm


def test_the_model_picker_lists_recent_models_of_every_kind_and_opens_one(
        qtbot, window, tmp_path):
    import dataclasses

    from PySide6.QtWidgets import QListWidget, QPushButton

    other = tmp_path / "other-model"
    shutil.copytree(TINY_R1, other)
    recent = (str(TINY_R1), "http://localhost:11434/v1#deepseek-r1:1.5b", str(other))
    window.settings_dialogs.apply_settings(
        dataclasses.replace(window.settings, recent_models=recent))
    picker = window.model_dialogs.choose_model()
    assert picker.objectName() == "modelPickerDialog" and picker.isVisible()
    items = picker.findChild(QListWidget, "modelList")
    texts = [items.item(n).text() for n in range(items.count())]
    assert texts[0].startswith("tiny-r1\nModel folder · transformers")
    assert texts[1] == "deepseek-r1:1.5b @ localhost:11434\nServer · http://localhost:11434/v1"
    items.setCurrentRow(2)
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        qtbot.mouseClick(picker.findChild(QPushButton, "openSelectedModelButton"),
                         Qt.MouseButton.LeftButton)
    assert window.models.model.name == "other-model"
    assert window.findChild(type(picker), "modelPickerDialog") is None  # closed, deleted


def test_the_server_dialog_says_when_nothing_answers(qtbot, window):
    from fake_openai import unused_port
    from PySide6.QtWidgets import QLabel, QLineEdit

    dialog = window.model_dialogs.connect_server()
    dialog.findChild(QLineEdit, "serverUrlInput").setText(f"127.0.0.1:{unused_port()}")
    with qtbot.waitSignal(on_gui_thread(window.worker.server_models_listed), timeout=30_000):
        dialog.list_models()
    status = dialog.findChild(QLabel, "serverStatus")
    qtbot.waitUntil(lambda: "connection refused" in status.text(), timeout=5000)
    dialog.findChild(QLineEdit, "serverUrlInput").setText("ftp://nowhere")
    dialog.accept()
    assert dialog.isVisible() and "is not a server address" in status.text()
    dialog.reject()

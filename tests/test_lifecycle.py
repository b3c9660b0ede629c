"""The model lifecycle as the window sees it: the worker's state is the truth, loads that
overlap or fail after the old model was closed leave the window right, and closing the
window mid-prefill ends within one chunk."""

import shutil
import threading

from conftest import ENGINE_START_TIMEOUT_MS, REPLY_TIMEOUT_MS, TINY_R1, on_gui_thread
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from test_window import open_model

from desktop_chat.core.inference import PHASE_FAILED, PHASE_LOADING, PHASE_READY
from desktop_chat.engine.errors import ModelLoadError
from desktop_chat.engine.transformers_engine import chat, plan


def copy_model(tmp_path, name):
    target = tmp_path / name
    shutil.copytree(TINY_R1, target)
    return target


def answer_dialogs(monkeypatch, answer, asked):
    """Questions are answered at once, with ``answer``, as a user clicking it would."""
    real_open = QMessageBox.open

    def open_(box):
        real_open(box)
        if box.objectName() != "modelErrorDialog":
            asked.append((box.objectName(), box.text()))
            box.button(answer).click()

    monkeypatch.setattr(QMessageBox, "open", open_)


def test_a_load_failing_after_the_old_model_was_closed_leaves_no_model(
        qtbot, window, tmp_path, monkeypatch):
    import gc
    import weakref

    open_model(qtbot, window)
    big = copy_model(tmp_path, "big-model")
    old_model = weakref.ref(window.worker.engine.model)

    def check_memory(folder, choice, context_limit=0):  # room for one model only
        gc.collect()
        if folder.name == "big-model" and old_model() is not None:
            raise ModelLoadError("This model needs about 9.9 GB of memory.")

    def load_model(*args, **kwargs):
        raise ModelLoadError("The model's weights could not be loaded.")

    monkeypatch.setattr(plan, "check_memory", check_memory)
    monkeypatch.setattr(plan, "load_model", load_model)
    asked = []
    answer_dialogs(monkeypatch, QMessageBox.StandardButton.Yes, asked)
    with qtbot.waitSignal(window.models.loading_failed, timeout=30_000,
                          check_params_cb=lambda failure: failure.remedy is None) as failed:
        window.models.open(str(big))
    assert asked[0][0] == "releaseModelDialog"
    assert "does not fit in memory while tiny-r1 is open" in asked[0][1]
    assert "weights could not be loaded" in failed.args[0].message
    state = window.models.state
    assert state.phase == PHASE_FAILED and state.current is None
    assert window.status.model_status.text() == "No model"
    assert not window.composer.send_button.isEnabled()
    box = window.findChild(QMessageBox, "modelErrorDialog")
    assert box is not None and box.informativeText() == "No model is open."
    box.close()


def test_declining_to_close_the_open_model_keeps_it(qtbot, window, tmp_path, monkeypatch):
    open_model(qtbot, window)
    big = copy_model(tmp_path, "big-model")

    def check_memory(folder, choice, context_limit=0):
        if folder.name == "big-model":
            raise ModelLoadError("This model needs about 9.9 GB of memory.")

    monkeypatch.setattr(plan, "check_memory", check_memory)
    asked = []
    answer_dialogs(monkeypatch, QMessageBox.StandardButton.No, asked)
    with qtbot.waitSignal(window.models.loading_failed, timeout=30_000):
        window.models.open(str(big))
    assert [name for name, _ in asked] == ["releaseModelDialog"]
    assert window.models.state.phase == PHASE_READY
    assert window.models.model.name == "tiny-r1"
    assert window.status.model_status.text().startswith("tiny-r1")
    assert window.composer.send_button.isEnabled()


def slow_loads(monkeypatch, names, gate):
    """Loads of the folders in ``names`` wait at their first progress report for ``gate``."""
    real_load_model = plan.load_model

    def load_model(folder, choice, progress, cancel, cache_dir=None):
        if folder.name in names:
            def waiting(fraction, what):
                while not gate.is_set() and not cancel.is_set():
                    gate.wait(0.01)
                progress(fraction, what)
            return real_load_model(folder, choice, waiting, cancel, cache_dir)
        return real_load_model(folder, choice, progress, cancel, cache_dir)

    monkeypatch.setattr(plan, "load_model", load_model)


def test_overlapping_loads_the_first_is_cancelled_and_the_second_wins(
        qtbot, window, tmp_path, monkeypatch):
    first, second = copy_model(tmp_path, "first"), copy_model(tmp_path, "second")
    gate = threading.Event()
    slow_loads(monkeypatch, {"first"}, gate)
    loaded, failed = [], []
    window.worker.model_loaded.connect(lambda info, load_id: loaded.append(info.name))
    window.worker.model_load_failed.connect(lambda failure: failed.append(failure))
    window.models.open(str(first))
    assert window.status.model_status.text() == "Loading first…"
    qtbot.waitUntil(lambda: window.status.load_progress.isVisible(), timeout=5000)
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.models.open(str(second))
        assert window.status.model_status.text() == "Loading second…"
    assert loaded == ["second"] and failed == []  # the first never reports: superseded
    assert window.models.model.name == "second"
    assert window.status.model_status.text().startswith("second · transformers")
    assert window.settings.recent_models[0] == str(second)
    assert str(first) not in window.settings.recent_models


def test_cancel_ends_a_load_and_the_open_model_stays(qtbot, window, tmp_path, monkeypatch):
    open_model(qtbot, window)
    other = copy_model(tmp_path, "other")
    slow_loads(monkeypatch, {"other"}, threading.Event())  # never opens by itself
    window.models.open(str(other))
    qtbot.waitUntil(lambda: window.status.cancel_load_button.isVisible(), timeout=5000)
    assert not window.composer.send_button.isEnabled()  # the worker is busy loading
    assert not window.window_actions["regenerate"].isEnabled()
    with qtbot.waitSignal(window.models.loading_failed, timeout=30_000) as failed:
        qtbot.mouseClick(window.status.cancel_load_button, Qt.MouseButton.LeftButton)
    assert failed.args[0].cancelled
    assert window.findChild(QMessageBox, "modelErrorDialog") is None  # no error for a cancel
    assert window.models.state.phase == PHASE_READY and window.models.model.name == "tiny-r1"
    assert not window.status.cancel_load_button.isVisible()
    assert window.composer.send_button.isEnabled()


def test_the_state_says_loading_at_once_and_a_late_state_never_wins(qtbot, window):
    import dataclasses

    states = []
    window.models.state_changed.connect(states.append)
    open_model(qtbot, window)
    phases = [s.phase for s in states]
    assert phases[0] == PHASE_LOADING and phases[-1] == PHASE_READY
    ready = window.models.state
    stale = dataclasses.replace(states[0], revision=ready.revision - 1)
    window.models._on_model_state_changed(stale)  # as a queued state arriving late
    assert window.models.state is ready
    assert window.status.model_status.text().startswith("tiny-r1 · transformers")


def open_long_conversation(window, turns=12):
    """A saved conversation long enough to be prefilled in several chunks, opened."""
    from desktop_chat.core.conversation import Conversation, Message

    conversation = Conversation(title="long")
    for n in range(turns):
        conversation.add(Message(
            role="user", content=f"Question number {n} about something long enough to matter"))
        conversation.add(Message(role="assistant", content=f"Answer number {n}, also quite long."))
    window.conversations.store.save(conversation)
    window.refresh_sidebar()
    window.chat.open_conversation(conversation.id)
    return conversation


def test_closing_during_a_long_prefill_stops_within_one_chunk(
        qtbot, window, monkeypatch):
    open_model(qtbot, window)
    monkeypatch.setattr(chat, "PREFILL_CHUNK", 64)
    model = window.worker.engine.model
    real_forward = model.forward
    calls = {"n": 0, "at_close": None}

    def slow_forward(*args, **kwargs):
        calls["n"] += 1
        threading.Event().wait(0.3)
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(model, "forward", slow_forward)
    conversation = open_long_conversation(window)
    window.composer.input.setPlainText("What is the capital of France?")
    with qtbot.waitSignal(window.chat.prefill_progressed, timeout=REPLY_TIMEOUT_MS,
                          check_params_cb=lambda done, total: done > 0) as progress:
        qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    done, total = progress.args
    chunks = -(-(total - 1) // 64)
    assert chunks >= 6
    with qtbot.waitSignal(on_gui_thread(window.worker.stopped), timeout=10_000):
        window.close()
        calls["at_close"] = calls["n"]
        assert not window.isVisible()  # hidden at once, before the worker has stopped
    assert calls["n"] - calls["at_close"] <= 1  # at most the chunk that was running
    assert calls["n"] < chunks
    saved = window.conversations.store.load(conversation.id)
    assert saved.messages[-1].finish_reason == "cancelled"  # saved as stopped, not lost
    assert saved.messages[-2].content == "What is the capital of France?"


def test_a_long_prompt_shows_its_progress_and_the_message_goes_with_the_first_word(
        qtbot, window, monkeypatch):
    open_model(qtbot, window)
    monkeypatch.setattr(chat, "PREFILL_CHUNK", 64)
    open_long_conversation(window)
    shown = []
    window.chat.prefill_progressed.connect(
        lambda done, total: shown.append(window.statusBar().currentMessage()))
    window.composer.input.setPlainText("What is the capital of France?")
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS):
        qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    assert any(m.startswith("Reading the prompt: ") for m in shown)
    assert shown[-1] == ""  # all read: cleared as the first word came
    assert not window.statusBar().currentMessage().startswith("Reading the prompt")

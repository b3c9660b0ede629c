"""A failure explains itself: the exception's type, message and traceback reach the log,
the failure event, the self-test's output and the error dialog's copyable details.

The model here is tiny-r1 with one tensor's dtype made unknown in its safetensors header:
the folder passes the app's own checks, and transformers (safetensors) fails to load it,
as a dependency that breaks at run time does."""

from __future__ import annotations

import json
import logging
import shutil
import struct

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, TINY_R1
from PySide6.QtWidgets import QMessageBox

from desktop_chat import self_test

ERROR_TYPE = "SafetensorError"


@pytest.fixture
def unloadable(tmp_path):
    folder = tmp_path / "unloadable-model"
    shutil.copytree(TINY_R1, folder)
    weights = folder / "model.safetensors"
    data = weights.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    name = next(key for key in header if key != "__metadata__")
    header[name]["dtype"] = "XX"  # unknown to safetensors; the length stays (padded)
    text = json.dumps(header, separators=(",", ":")).encode()
    weights.write_bytes(data[:8] + text.ljust(length, b" ") + data[8 + length:])
    return folder


def explains(details: str) -> bool:
    return (ERROR_TYPE in details and "Traceback (most recent call last)" in details
            and "unknown variant" in details)


def test_a_load_failure_shows_its_type_and_traceback_in_the_dialog_and_the_log(
        qtbot, window, unloadable, caplog):
    caplog.set_level(logging.WARNING)
    with qtbot.waitSignal(window.models.loading_failed,
                          timeout=ENGINE_START_TIMEOUT_MS) as failed:
        window.models.open(str(unloadable))
    assert explains(failed.args[0].details)
    box = window.findChild(QMessageBox, "modelErrorDialog")
    assert box is not None and box.isVisible()
    assert "weights could not be loaded" in box.text()
    assert explains(box.detailedText())  # the "Show Details…" part, plain text to copy
    box.close()
    assert any(explains(record.getMessage()) for record in caplog.records
               if record.name == "desktop_chat.workers.inference")


def test_the_self_test_prints_what_failed_and_why(qapp, unloadable, capsys):
    assert self_test.run(qapp, str(unloadable)) == 1
    outcome = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert outcome["checks"]["loaded"] is False
    assert "weights could not be loaded" in outcome["error"]
    assert explains(outcome["details"])


def test_a_failed_answer_offers_its_details_to_copy(qtbot, tmp_path):
    from conftest import close, make_window
    from fake_openai import fake_openai_server
    from PySide6.QtWidgets import QToolButton
    from test_window import send

    with fake_openai_server() as (base_url, script):
        window = make_window(qtbot, tmp_path / "data", "--server", base_url)
        with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
            window.start_engine()
        script.status, script.error_body = 500, {"error": {"message": "<b>disk on fire</b>"}}
        message = send(qtbot, window, "Hi")
        assert message.finish_reason == "error"
        assert "InternalServerError" in message.extra["error_details"]
        button = window.view.findChildren(QToolButton, "errorDetailsButton")[-1]
        assert button.isVisible()
        button.click()
        box = window.findChild(QMessageBox, "answerErrorDialog")
        assert box is not None and box.isVisible()
        assert "internal error (500)" in box.text() and "<b>disk on fire</b>" in box.text()
        details = box.detailedText()
        assert "InternalServerError" in details
        assert "Traceback (most recent call last)" in details
        box.close()
        close(qtbot, window)

"""The self-test's command line (desktop_chat/self_test.py): its summary in a file, the
device asked for, the answer expected, and never a dialog. The frozen app runs it in
tests/test_packaging.py and the packaging workflow."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_R1
from PySide6.QtCore import QEventLoop

from desktop_chat import self_test

ROOT = Path(__file__).resolve().parents[1]


def run_self_test(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path / "self test 测试.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_chat", "--data-dir", str(tmp_path / "data"),
         "--self-test-out", str(out), *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=600)
    return result, json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}


@pytest.mark.slow
def test_the_summary_goes_to_the_file_and_a_wrong_answer_fails(tmp_path):
    result, outcome = run_self_test(tmp_path, "--self-test", str(TINY_R1),
                                    "--self-test-device", "cpu",
                                    "--self-test-expect", "Berlin")
    assert result.returncode == 1, result.stdout + result.stderr
    assert outcome["engine"] == "transformers" and outcome["device"] == "cpu"
    checks = outcome["checks"]
    assert checks["engine_as_expected"] and checks["device_as_requested"]
    assert checks["answered"] and not checks["answer_as_expected"]


@pytest.mark.slow
def test_a_gguf_path_expects_llama_cpp(tmp_path):
    missing = tmp_path / "missing.gguf"
    result, outcome = run_self_test(tmp_path, "--self-test", str(missing))
    assert result.returncode == 1
    assert outcome["model"] == str(missing) and not outcome["checks"]["loaded"]
    assert not outcome["checks"]["engine_as_expected"]
    assert self_test.expected_engine(str(missing)) == "llama.cpp"


def test_an_unhandled_error_ends_it_in_the_summary_not_in_the_crash_dialog(
        qapp, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored afterwards
    outcome: dict = {}
    loop = QEventLoop()
    self_test.record_unhandled_errors(outcome, loop)
    try:
        raise RuntimeError("a failure on the GUI thread")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    assert "RuntimeError: a failure on the GUI thread" in outcome["unhandled_error"]
    assert not [w for w in qapp.topLevelWidgets() if w.objectName() == "crashDialog"]


def test_the_url_check_reports_a_status_or_the_error_that_stopped_it(tmp_path):
    """A plain local server answers; TLS to a server that speaks none is the error."""
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        assert self_test.fetch(f"http://127.0.0.1:{port}/") == {"status": 200}
        failed = self_test.fetch(f"https://127.0.0.1:{port}/")
    finally:
        server.shutdown()
        server.server_close()
    assert "status" not in failed and "Error" in failed["error"]

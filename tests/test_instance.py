"""One instance per data dir: a second start hands its arguments to the running window."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, TINY_R1
from PySide6.QtCore import QLockFile
from PySide6.QtNetwork import QLocalServer

from desktop_chat.app import act_on_later_start
from desktop_chat.crash import LOG_NAME
from desktop_chat.instance import LOCK_FILE_NAME, InstanceGuard, Outcome, server_name

ROOT = Path(__file__).resolve().parents[1]
APP_START_TIMEOUT_S = 120  # importing Qt (and torch, after the first paint) on a busy CI box


@pytest.fixture
def guards():
    made: list[InstanceGuard] = []

    def make(data_dir: Path) -> InstanceGuard:
        made.append(InstanceGuard(data_dir))
        return made[-1]

    yield make
    for guard in made:
        guard.release()


def test_a_second_guard_on_the_same_dir_hands_its_arguments_to_the_first(qtbot, guards,
                                                                        tmp_path):
    first = guards(tmp_path / "data")
    assert first.acquire(["--data-dir", str(tmp_path / "data")]) is Outcome.PRIMARY
    assert (tmp_path / "data" / LOCK_FILE_NAME).exists()
    assert first.listen()

    second = guards(tmp_path / "data")
    argv = ["--model", "models/some model"]
    with qtbot.waitSignal(first.arguments_received, timeout=10_000) as received:
        outcome = second.acquire(argv)  # waits in an event loop: the first answers there
    assert outcome is Outcome.HANDED_OVER
    assert received.args[0] == {"argv": argv, "cwd": os.getcwd()}


def test_different_data_dirs_each_get_their_own_instance(guards, tmp_path):
    one, other = guards(tmp_path / "one"), guards(tmp_path / "other")
    assert one.name != other.name
    assert one.acquire([]) is Outcome.PRIMARY and one.listen()
    assert other.acquire([]) is Outcome.PRIMARY and other.listen()


def test_the_server_name_is_short_and_follows_the_resolved_path(tmp_path):
    (tmp_path / "data").mkdir()
    name = server_name(tmp_path / "data")
    assert name == server_name(tmp_path / "data" / ".." / "data")
    assert len(name) <= 30  # macOS: the socket path (temp dir + name) must fit 104 bytes


def test_the_lock_of_a_killed_instance_is_taken_over(guards, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from PySide6.QtCore import QLockFile
            lock = QLockFile({str(data / LOCK_FILE_NAME)!r})
            lock.setStaleLockTime(0)
            assert lock.tryLock(0)
            print("locked", flush=True)
            time.sleep(120)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert guards(data).acquire([], timeout_s=0.5) is Outcome.UNREACHABLE  # alive
        holder.send_signal(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
        holder.wait(timeout=10)
    finally:
        holder.kill()
        holder.wait()
    assert (data / LOCK_FILE_NAME).exists()  # left behind, with a dead PID in it
    guard = guards(data)
    assert guard.acquire([], timeout_s=0.5) is Outcome.PRIMARY
    assert guard.listen()


def test_a_lock_whose_holder_never_answers_is_reported_not_ignored(guards, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    hung = QLockFile(str(data / LOCK_FILE_NAME))  # held, and nobody listens
    hung.setStaleLockTime(0)
    assert hung.tryLock(0)
    try:
        guard = guards(data)
        assert guard.acquire(["--model", "x"], timeout_s=0.5) is Outcome.UNREACHABLE
        assert "does not respond" in guard.problem
        assert str(os.getpid()) in guard.problem
    finally:
        hung.unlock()


def test_the_window_comes_forward_and_opens_a_handed_over_model_relative_to_its_cwd(
        qtbot, window):
    window.showMinimized()
    message = {"argv": ["--model", TINY_R1.name], "cwd": str(TINY_R1.parent)}
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS) as ready:
        act_on_later_start(window, message)
    assert not window.isMinimized()
    assert Path(ready.args[0].path) == TINY_R1


# ----- the real app, twice ----------------------------------------------------------------

def start_app(data: Path, *args: str) -> subprocess.Popen:
    # The per-test HOME and XDG dirs (conftest) are in os.environ: both starts share them.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-m", "desktop_chat", "--data-dir", str(data),
                             *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_app(data: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "desktop_chat", "--data-dir", str(data),
                           *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def wait_for_log(data: Path, text: str, process: subprocess.Popen, timeout_s: float) -> str:
    log = data / "logs" / LOG_NAME
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        content = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        if text in content:
            return content
        assert process.poll() is None, f"the app exited ({process.returncode}):\n{content}"
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared in the log:\n{content}")


@pytest.fixture
def running_app(tmp_path):
    data = tmp_path / "data"
    process = start_app(data)
    try:
        wait_for_log(data, "waiting for later starts", process, APP_START_TIMEOUT_S)
        yield data, process
    finally:
        process.kill()
        process.wait(timeout=30)
        QLocalServer.removeServer(server_name(data))  # the socket file a kill leaves behind


def test_a_second_start_hands_its_model_to_the_running_window_and_exits(running_app):
    data, first = running_app
    second = run_app(data, "--model", str(TINY_R1))
    assert second.returncode == 0, second.stderr
    assert "handed" in second.stderr and "over to the running instance" in second.stderr
    log = wait_for_log(data, f"a later start handed over ['--data-dir', '{data}', "
                             f"'--model', '{TINY_R1}']", first, 10)
    # The running window acts on it: the model loads there, as --model loads one at start.
    log = wait_for_log(data, "loaded tiny-r1", first, APP_START_TIMEOUT_S)
    assert log.count("waiting for later starts") == 1  # the second start opened no window


def test_a_start_refuses_to_run_beside_an_instance_that_does_not_answer(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    hung = QLockFile(str(data / LOCK_FILE_NAME))
    hung.setStaleLockTime(0)
    assert hung.tryLock(0)
    try:
        result = run_app(data)
    finally:
        hung.unlock()
    assert result.returncode != 0
    assert "already running" in result.stderr and "does not respond" in result.stderr
    assert "waiting for later starts" not in (data / "logs" / LOG_NAME).read_text()


def test_a_message_nested_past_the_recursion_limit_is_ignored_not_raised():
    from desktop_chat.instance import _parse

    assert _parse(b"[" * 100_000 + b"]" * 100_000) is None
    assert _parse(b'{"argv": ["--model", "x"], "cwd": "/"}') == {"argv": ["--model", "x"],
                                                                 "cwd": "/"}

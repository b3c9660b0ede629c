"""The frozen app (packaging/build.py): it answers through its worker, splits reasoning
from answer, finds its resources, writes only to the platform's user dirs, and logs a crash.

Marked slow: it builds the bundle first when dist/ has none (a few minutes here).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_R1

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "DesktopChat"
EXECUTABLE = BUNDLE / ("DesktopChat.exe" if sys.platform == "win32" else "DesktopChat")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle is the one built "
                       "here; macOS and Windows are built and tested by the workflow"),
]


@pytest.fixture(scope="module")
def executable():
    if not EXECUTABLE.exists():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True,
                       cwd=ROOT, timeout=3000)
    return EXECUTABLE


def fresh_user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "DESKTOP_CHAT_", "PYTHON"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_the_frozen_app_answers_through_its_worker(executable, tmp_path):
    before = listing(BUNDLE)
    result = subprocess.run([str(executable), "--self-test", str(TINY_R1)],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(outcome["checks"].values()), outcome
    assert outcome["answer"] == "The capital of France is **Paris**."
    assert listing(BUNDLE) == before, "the app wrote next to itself"


def test_the_frozen_app_runs_a_gguf_file_with_llama_cpp(executable, tiny_r1_gguf, tmp_path):
    result = subprocess.run([str(executable), "--self-test", str(tiny_r1_gguf)],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["engine"] == "llama.cpp" and all(outcome["checks"].values()), outcome
    assert outcome["answer"] == "The capital of France is **Paris**."


def test_the_frozen_app_makes_a_fast_copy_and_answers_through_it(executable, tmp_path):
    result = subprocess.run([str(executable), "--self-test-fast-copy", str(TINY_R1)],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["checks"]["fast_copy"] and all(outcome["checks"].values()), outcome
    assert outcome["precision"] == "Q8_0 copy of tiny-r1"
    assert outcome["answer"] == "The capital of France is **Paris**."


def test_a_fresh_home_gets_platform_dirs_and_a_crash_leaves_a_log(executable, tmp_path):
    before = listing(BUNDLE)
    result = subprocess.run([str(executable), "--crash-for-test"],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 70, result.stdout + result.stderr
    assert (tmp_path / ".local" / "share" / "DesktopChat" / "conversations").is_dir()
    log = tmp_path / ".local" / "state" / "DesktopChat" / "log" / "desktop-chat.log"
    text = log.read_text(encoding="utf-8")
    assert "unhandled exception" in text and "a crash asked for by --crash-for-test" in text
    assert "(frozen: True)" in text
    assert listing(BUNDLE) == before, "the app wrote next to itself"

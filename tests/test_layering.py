"""The layering rule of ARCHITECTURE.md: core <- engine <- worker -> ui; app sees all."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_window_and_worker_modules_import_without_torch():
    code = textwrap.dedent("""
        import sys
        import desktop_chat.app, desktop_chat.ui.window.main_window, desktop_chat.workers.inference
        heavy = sorted(m for m in ("torch", "transformers", "desktop_chat.engine")
                       if m in sys.modules)
        print("heavy:", heavy)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout


def test_the_window_paints_before_torch_is_imported(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_chat", "--exit-after-paint", "--data-dir",
         str(tmp_path)], capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    assert "torch imported: False" in result.stdout

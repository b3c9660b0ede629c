"""The layering rule of ARCHITECTURE.md: core <- engine <- worker -> ui; app sees all."""

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


def test_the_window_and_the_worker_module_load_without_torch():
    code = textwrap.dedent("""
        import os, sys
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        import desktop_chat.ui.main_window, desktop_chat.app, desktop_chat.worker
        from desktop_chat.app import create_main_window
        window = create_main_window([])
        window.show()
        app.processEvents()
        heavy = sorted(m for m in ("torch", "transformers", "desktop_chat.engine")
                       if m in sys.modules)
        print("heavy:", heavy)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "heavy: []" in result.stdout

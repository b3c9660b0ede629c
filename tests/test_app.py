import subprocess
import sys

from PySide6.QtWidgets import QLabel, QPushButton

from desktop_chat import __version__
from desktop_chat.app import create_main_window


def test_the_window_opens_with_an_empty_state_that_explains_what_to_do(qtbot, tmp_path):
    window = create_main_window(["--data-dir", str(tmp_path / "data")])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.objectName() == "mainWindow"
    assert window.pages.currentWidget() is window.empty_state
    explanation = window.empty_state.findChild(QLabel, "emptyStateText")
    assert "DeepSeek-R1-Distill-Qwen-1.5B" in explanation.text()
    assert window.empty_state.findChild(QPushButton, "emptyStateOpenButton").isVisible()
    assert (tmp_path / "data" / "conversations").is_dir()


def test_version_flag_prints_the_version():
    result = subprocess.run([sys.executable, "-m", "desktop_chat", "--version"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert __version__ in result.stdout

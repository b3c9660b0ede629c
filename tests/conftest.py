"""Shared fixtures. Every test runs with its own data, config and cache dirs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop_chat.core.paths import DEMO_MODEL_ENV, HOME_ENV, demo_model_dir  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
# Resolved once, before the per-test user dirs below hide the real cache.
DEMO_MODEL = demo_model_dir()


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    monkeypatch.setenv(DEMO_MODEL_ENV, str(DEMO_MODEL))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    return home

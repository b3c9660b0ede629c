from pathlib import Path

import platformdirs

from desktop_chat.core.paths import HOME_ENV, AppPaths


def test_platform_dirs_by_default(monkeypatch):
    monkeypatch.delenv(HOME_ENV)
    paths = AppPaths.resolve()
    assert paths.data_dir == Path(platformdirs.user_data_dir("DesktopChat", appauthor=False))
    assert paths.config_dir == Path(platformdirs.user_config_dir("DesktopChat", appauthor=False))
    assert paths.conversations_dir == paths.data_dir / "conversations"


def test_environment_variable_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    paths = AppPaths.resolve()
    assert paths.data_dir == tmp_path / "env"
    assert paths.settings_file == tmp_path / "env" / "config" / "settings.json"
    assert paths.log_dir == tmp_path / "env" / "logs"


def test_command_line_overrides_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "env"))
    assert AppPaths.resolve(tmp_path / "cli").data_dir == tmp_path / "cli"

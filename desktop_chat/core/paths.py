"""Where Desktop Chat keeps its files.

By default the platform's user directories (platformdirs). One folder can hold everything
instead: ``--data-dir DIR`` on the command line, else the ``DESKTOP_CHAT_HOME`` variable.
Then conversations live in DIR, settings in DIR/config, logs in DIR/logs and caches
(quantized weights) in DIR/cache.
"""

from __future__ import annotations

import importlib.resources
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "DesktopChat"
HOME_ENV = "DESKTOP_CHAT_HOME"
DEMO_MODEL_ENV = "DESKTOP_CHAT_DEMO_MODEL"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    cache_dir: Path

    @property
    def conversations_dir(self) -> Path:
        return self.data_dir / "conversations"

    @property
    def models_dir(self) -> Path:
        """Where downloaded models go unless the settings name another folder."""
        return self.data_dir / "models"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @classmethod
    def resolve(cls, data_dir_override: str | os.PathLike[str] | None = None) -> AppPaths:
        home = data_dir_override or os.environ.get(HOME_ENV)
        if home:
            root = Path(home).expanduser().resolve()
            return cls(data_dir=root, config_dir=root / "config", log_dir=root / "logs",
                       cache_dir=root / "cache")
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)),
            config_dir=Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_DIR_NAME, appauthor=False)),
        )


def resource(*parts: str) -> Path:
    """A file shipped in the package's resources folder; the same frozen or not."""
    return Path(str(importlib.resources.files("desktop_chat").joinpath("resources", *parts)))


def demo_model_dir() -> Path:
    """The SmolLM2 demo model folder, converted once by scripts/prepare_demo_model.py."""
    override = os.environ.get(DEMO_MODEL_ENV)
    if override:
        return Path(override).expanduser()
    cache = Path(platformdirs.user_cache_dir(APP_DIR_NAME, appauthor=False))
    return cache / "models" / "SmolLM2-135M-Instruct"

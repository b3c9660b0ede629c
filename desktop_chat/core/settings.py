"""App and generation settings: defaults, range checks with readable reasons, a JSON file.

A settings file that cannot be read is moved aside (never deleted), the defaults are used,
and ``load_settings`` returns a notice for the user. A value out of range falls back to its
default with a notice; the other values are kept.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from desktop_chat.core.store import write_atomic

DEVICES = ("auto", "cuda", "mps", "xpu", "cpu")
DTYPES = ("auto", "bfloat16", "float16", "float32", "int4")  # int4: CPU, transformers
THEMES = ("system", "light", "dark")
MAX_RECENT_MODELS = 10


class SettingsError(ValueError):
    """One or more values are out of range; ``problems`` maps field name to reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def _range(name: str, value: Any, low: float, high: float, *, integer: bool = False) -> str | None:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        return f"{name} must be {'a whole number' if integer else 'a number'}"
    if not low <= value <= high:
        return f"{name} must be between {low:g} and {high:g} (got {value:g})"
    return None


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str | None:
    if value not in choices:
        return f"{name} must be one of {', '.join(choices)} (got {value!r})"
    return None


@dataclass(frozen=True)
class GenerationSettings:
    temperature: float = 0.6
    top_p: float = 0.95
    top_k: int = 0  # 0: no top-k filtering
    max_new_tokens: int = 4096
    repetition_penalty: float = 1.0
    do_sample: bool = True
    seed: int | None = None  # None: a fresh seed every reply
    system_prompt: str = ""
    context_limit: int = 0  # 0: the model's own maximum

    def problems(self) -> dict[str, str]:
        checks = {
            "temperature": _range("Temperature", self.temperature, 0.0, 2.0),
            "top_p": _range("Top-p", self.top_p, 0.01, 1.0),
            "top_k": _range("Top-k", self.top_k, 0, 1000, integer=True),
            "max_new_tokens": _range("Maximum reply length", self.max_new_tokens, 1, 131072,
                                     integer=True),
            "repetition_penalty": _range("Repetition penalty", self.repetition_penalty, 1.0,
                                         2.0),
            "do_sample": None if isinstance(self.do_sample, bool)
            else "Sampling must be on or off",
            "seed": None if self.seed is None
            else _range("Seed", self.seed, 0, 2**32 - 1, integer=True),
            "system_prompt": None if isinstance(self.system_prompt, str)
            else "The system prompt must be text",
            "context_limit": None if self.context_limit == 0
            else _range("Context limit", self.context_limit, 256, 1_048_576, integer=True),
        }
        return {k: v for k, v in checks.items() if v}

    def validated(self) -> GenerationSettings:
        if problems := self.problems():
            raise SettingsError(problems)
        return self

    def with_model_defaults(self, defaults: dict[str, Any]) -> GenerationSettings:
        """These settings with the sampling values from a model's generation_config.json."""
        known = ("temperature", "top_p", "top_k", "repetition_penalty", "do_sample")
        candidate = dataclasses.replace(
            self, **{k: v for k, v in defaults.items() if k in known and v is not None})
        problems = candidate.problems()
        if problems:  # keep ours where the model's value is out of our ranges
            candidate = dataclasses.replace(
                candidate, **{k: getattr(self, k) for k in problems})
        return candidate


@dataclass(frozen=True)
class AppSettings:
    last_model_path: str | None = None
    recent_models: tuple[str, ...] = ()
    device: str = "auto"
    dtype: str = "auto"
    show_reasoning: bool = True
    keep_reasoning_open: bool = False
    theme: str = "system"
    language: str = "system"
    window_geometry: str | None = None  # base64 of QWidget.saveGeometry()
    generation: GenerationSettings = field(default_factory=GenerationSettings)

    def problems(self) -> dict[str, str]:
        checks = {
            "device": _choice("Device", self.device, DEVICES),
            "dtype": _choice("Precision", self.dtype, DTYPES),
            "theme": _choice("Theme", self.theme, THEMES),
            "show_reasoning": None if isinstance(self.show_reasoning, bool)
            else "Show reasoning must be on or off",
            "keep_reasoning_open": None if isinstance(self.keep_reasoning_open, bool)
            else "Keep reasoning open must be on or off",
            "last_model_path": None if self.last_model_path is None
            or isinstance(self.last_model_path, str) else "The last model must be a path",
            "recent_models": None if all(isinstance(p, str) for p in self.recent_models)
            else "Recent models must be paths",
            "language": None if isinstance(self.language, str) else "Language must be text",
            "window_geometry": None if self.window_geometry is None
            or isinstance(self.window_geometry, str) else "Window geometry must be text",
        }
        problems = {k: v for k, v in checks.items() if v}
        problems.update({f"generation.{k}": v for k, v in self.generation.problems().items()})
        return problems

    def validated(self) -> AppSettings:
        if problems := self.problems():
            raise SettingsError(problems)
        return self

    def with_model_opened(self, path: str) -> AppSettings:
        recent = (path, *(p for p in self.recent_models if p != path))[:MAX_RECENT_MODELS]
        return dataclasses.replace(self, last_model_path=path, recent_models=recent)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["recent_models"] = list(self.recent_models)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> tuple[AppSettings, dict[str, str]]:
        """Settings from JSON; values that are out of range or mistyped take their default."""
        generation_data = data.get("generation")
        generation, problems = _build(
            GenerationSettings, generation_data if isinstance(generation_data, dict) else {}
        )
        problems = {f"generation.{k}": v for k, v in problems.items()}
        app_data = {k: v for k, v in data.items() if k != "generation"}
        if isinstance(app_data.get("recent_models"), list):
            app_data["recent_models"] = tuple(app_data["recent_models"])
        app, app_problems = _build(cls, app_data, generation=generation)
        problems.update(app_problems)
        return app, problems


def _build(cls: type, data: dict[str, Any], **fixed: Any) -> tuple[Any, dict[str, str]]:
    known = {f.name for f in fields(cls)} - set(fixed)
    values = {k: v for k, v in data.items() if k in known}
    candidate = cls(**values, **fixed)
    problems = {k: v for k, v in candidate.problems().items() if "." not in k}
    if problems:
        defaults = cls(**fixed)
        values = {k: v for k, v in values.items() if k not in problems}
        candidate = dataclasses.replace(defaults, **values)
    return candidate, problems


@dataclass
class LoadedSettings:
    settings: AppSettings
    notice: str | None = None  # for the user, when something in the file was not usable


def load_settings(path: Path) -> LoadedSettings:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedSettings(AppSettings())
    except OSError as error:
        return LoadedSettings(AppSettings(), f"Settings could not be read ({error}); "
                                             f"using the defaults.")
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        kept = _set_aside(path)
        return LoadedSettings(
            AppSettings(),
            f"The settings file was damaged ({error}) and the defaults are used. "
            f"The damaged file was kept as {kept.name}.",
        )
    settings, problems = AppSettings.from_dict(data)
    if problems:
        return LoadedSettings(
            settings,
            "Some settings were out of range and were reset: " + "; ".join(problems.values()),
        )
    return LoadedSettings(settings)


class SettingsFile:
    """The settings in force and the file they live in; every change is saved at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        loaded = load_settings(path)
        self.settings = loaded.settings
        self.notice = loaded.notice

    def update_settings(self, settings: AppSettings) -> None:
        save_settings(self.path, settings)
        self.settings = settings


def save_settings(path: Path, settings: AppSettings) -> None:
    settings.validated()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(settings.to_dict(), indent=2).encode("utf-8"))


def _set_aside(path: Path) -> Path:
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, target)
    return target

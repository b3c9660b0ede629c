"""App and generation settings: defaults, range checks with readable reasons, a JSON file.

Reading never stops the app. A file that is not a JSON object is moved aside (never
deleted) and the defaults are used. Otherwise every field is checked on its own: a field of
the wrong type or out of range falls back to its default and the others are kept; the file
as it was is copied aside, the repaired settings are written back, and ``load_settings``
returns a notice naming the fields that were reset. Keys this version does not know (a
newer version's) are kept and written back.

Saving through ``SettingsFile`` never raises for the disk: a read-only or full config
folder is recorded in ``SettingsFile.problem`` and reported once to ``on_problem``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from desktop_chat.core.atomic_file import write_atomic
from desktop_chat.core.json_depth import MAX_DEPTH, too_deep
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.regular_file import read_regular
from desktop_chat.core.surrogates import json_may_hold_surrogates, without_lone_surrogates
from desktop_chat.core.user_message import join, tr

DEVICES = ("auto", "cuda", "mps", "xpu", "cpu")
DTYPES = ("auto", "bfloat16", "float16", "float32", "int4")  # int4: CPU, transformers
THEMES = ("system", "light", "dark")
MAX_RECENT_MODELS = 10


class SettingsError(ValueError):
    """One or more values are out of range; ``problems`` maps field name to reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


# The field names and reasons below are templates the ui translates (core/user_message.py).
def _range(name: str, value: Any, low: float, high: float, *, integer: bool = False) -> str | None:
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind):
        return tr("{name} must be a whole number", name=name) if integer \
            else tr("{name} must be a number", name=name)
    if not low <= value <= high:  # also refuses NaN, which json.loads accepts
        return tr("{name} must be between {low} and {high} (got {value})",
                  name=name, low=f"{low:g}", high=f"{high:g}", value=_shown_number(value))
    return None


def _shown_number(value: float) -> str:
    """``value`` for a message: an int too large for a float (a file may hold one of
    thousands of digits) would raise OverflowError in ``:g``."""
    try:
        return f"{value:g}"
    except (OverflowError, ValueError):
        return tr("a number too large to show")


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str | None:
    if not isinstance(value, str) or value not in choices:
        return tr("{name} must be one of {choices} (got {value})",
                  name=name, choices=", ".join(choices), value=_shown_value(value))
    return None


def _shown_value(value: Any, limit: int = 40) -> str:
    """Any value of a file, short, for a message: never the repr of a deep list (which
    would raise RecursionError) or of an int of thousands of digits (ValueError)."""
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else repr(value[:limit]) + "…"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return _shown_number(value)
    return _json_kind(value)


def _is_path(value: Any) -> bool:
    """Text the file system can take as a path (a NUL makes every call raise)."""
    return isinstance(value, str) and "\x00" not in value


def is_model_entry(value: Any) -> bool:
    """A model path, or a server address ``ModelSource.parse`` reads (``http://`` alone
    is not one): what the recent models menu and the start open without raising."""
    if not _is_path(value):
        return False
    try:
        ModelSource.parse(value)
    except ValueError:  # ServerAddressError
        return False
    return True


def _flag(name: str, value: Any) -> str | None:
    return None if isinstance(value, bool) else tr("{name} must be on or off", name=name)


def _text(message: str, value: Any, *, optional: bool = False) -> str | None:
    return None if isinstance(value, str) or (optional and value is None) else message


def _unknown(data: dict[str, Any], cls: type) -> dict[str, Any]:
    """The keys of ``data`` that ``cls`` has no field for (a newer version's settings)."""
    known = {f.name for f in fields(cls) if f.compare}
    return {k: v for k, v in data.items() if k not in known}


def _too_deep(extra: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Unknown keys nested too deep to be written back (every save would fail): key ->
    why it is dropped."""
    return {f"{prefix}{key}": tr("{name} was nested too deeply and was removed", name=key)
            for key, value in extra.items() if too_deep(value, MAX_DEPTH - 2)}


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
    context_limit: int = 0  # 0: automatic, from free memory (core/context_budget.py)
    thinking_budget: int = 0  # thinking tokens before the answer is forced; 0: no limit

    def problems(self) -> dict[str, str]:
        """Field name -> reason, for every field whose value is unusable."""
        checks = {
            "temperature": _range(tr("Temperature"), self.temperature, 0.0, 2.0),
            "top_p": _range(tr("Top-p"), self.top_p, 0.01, 1.0),
            "top_k": _range(tr("Top-k"), self.top_k, 0, 1000, integer=True),
            "max_new_tokens": _range(tr("Maximum reply length"),
                                     self.max_new_tokens, 1, 131072, integer=True),
            "repetition_penalty": _range(tr("Repetition penalty"),
                                         self.repetition_penalty, 1.0, 2.0),
            "do_sample": _flag(tr("Sampling"), self.do_sample),
            "seed": None if self.seed is None
            else _range(tr("Seed"), self.seed, 0, 2**32 - 1, integer=True),
            "system_prompt": _text(tr("The system prompt must be text"),
                                   self.system_prompt),
            "context_limit": self._context_limit_problem(),
            "thinking_budget": _range(tr("Thinking budget"),
                                      self.thinking_budget, 0, 131072, integer=True),
        }
        return {k: v for k, v in checks.items() if v}

    def _context_limit_problem(self) -> str | None:
        # `False == 0` and `0.0 == 0` in Python, so 0 ("the model's maximum") needs a type check.
        if type(self.context_limit) is int and self.context_limit == 0:
            return None
        return _range(tr("Context limit"), self.context_limit, 256, 1_048_576,
                      integer=True)

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

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> tuple[GenerationSettings, dict[str, str]]:
        """Settings from JSON; each unusable value takes its default, the others are kept."""
        return _build(cls, data)


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
    models_dir: str | None = None  # where downloads go; None: <data dir>/models
    alternatives: int = 3  # answers "Generate answers" writes at once (core/alternatives.py)
    # Model folder -> whether it opens through its fast copy (core/fast_copy.py): the
    # user's answer to the offer, asked once per folder.
    fast_copy_choices: dict[str, bool] = field(default_factory=dict)
    generation: GenerationSettings = field(default_factory=GenerationSettings)
    # Keys of the file this version does not know, written back so that a newer version's
    # settings survive a session of this one. Not compared: they are not ours to judge.
    # The generation group's unknown keys are kept here too, not on GenerationSettings,
    # because the settings dialog builds a fresh GenerationSettings from its widgets.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    generation_extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def problems(self) -> dict[str, str]:
        """Field name -> reason (``generation.<name>`` for generation fields)."""
        checks = {
            "device": _choice(tr("Device"), self.device, DEVICES),
            "dtype": _choice(tr("Precision"), self.dtype, DTYPES),
            "theme": _choice(tr("Theme"), self.theme, THEMES),
            "show_reasoning": _flag(tr("Show reasoning"), self.show_reasoning),
            "keep_reasoning_open": _flag(tr("Keep reasoning open"),
                                         self.keep_reasoning_open),
            "last_model_path": None if self.last_model_path is None
            or is_model_entry(self.last_model_path) else tr("The last model must be a path"),
            # a string is iterable too: without the type check "abc" would pass as 3 paths
            "recent_models": None if isinstance(self.recent_models, (tuple, list))
            and all(is_model_entry(p) for p in self.recent_models)
            else tr("Recent models must be a list of paths"),
            "language": _text(tr("Language must be text"), self.language),
            "window_geometry": _text(tr("Window geometry must be text"),
                                     self.window_geometry, optional=True),
            "models_dir": None if self.models_dir is None or _is_path(self.models_dir)
            else tr("The models folder must be a path"),
            "alternatives": _range(tr("Answers to generate"), self.alternatives, 2, 4,
                                   integer=True),
            "fast_copy_choices": None if isinstance(self.fast_copy_choices, dict) and all(
                isinstance(k, str) and isinstance(v, bool)
                for k, v in self.fast_copy_choices.items())
            else tr("Fast copy choices must map model folders to on or off"),
        }
        problems = {k: v for k, v in checks.items() if v}
        if isinstance(self.generation, GenerationSettings):
            problems.update(
                {f"generation.{k}": v for k, v in self.generation.problems().items()})
        else:
            problems["generation"] = tr("Generation settings must be a group of values")
        return problems

    def validated(self) -> AppSettings:
        if problems := self.problems():
            raise SettingsError(problems)
        return self

    def with_model_opened(self, path: str) -> AppSettings:
        recent = (path, *(p for p in self.recent_models if p != path))[:MAX_RECENT_MODELS]
        return dataclasses.replace(self, last_model_path=path, recent_models=recent)

    def with_fast_copy_choice(self, folder: str, use_copy: bool) -> AppSettings:
        return dataclasses.replace(
            self, fast_copy_choices={**self.fast_copy_choices, folder: use_copy})

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: our fields, then the unknown keys read from the file."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.compare}
        data["recent_models"] = list(self.recent_models)
        data["generation"] = _with_extra(dataclasses.asdict(self.generation),
                                         self.generation_extra)
        return _with_extra(data, self.extra)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> tuple[AppSettings, dict[str, str]]:
        """Settings from JSON; each unusable value takes its default, the others are kept.

        Returns the settings and field name -> reason for every value that was not used.
        """
        generation, problems, generation_extra = _generation_from(data.get("generation", {}))
        extra = _unknown(data, cls)
        dropped = {**_too_deep(extra), **_too_deep(generation_extra, "generation.")}
        extra = {k: v for k, v in extra.items() if k not in dropped}
        generation_extra = {k: v for k, v in generation_extra.items()
                            if f"generation.{k}" not in dropped}
        problems = {**problems, **dropped}
        app_data = {k: v for k, v in data.items() if k != "generation"}
        if "recent_models" in app_data:
            app_data["recent_models"], dropped = _recent_models_from(app_data["recent_models"])
            if dropped:
                problems = {"recent_models": dropped, **problems}
        app, app_problems = _build(cls, app_data, generation=generation,
                                   generation_extra=generation_extra, extra=extra)
        return app, {**app_problems, **problems}


def _with_extra(ours: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``ours`` then the unknown keys; ours win should an unknown key name one of ours."""
    return {**ours, **{k: v for k, v in extra.items() if k not in ours}}


def _generation_from(
    value: Any,
) -> tuple[GenerationSettings, dict[str, str], dict[str, Any]]:
    if not isinstance(value, dict):
        return GenerationSettings(), {"generation": tr(
            "Generation settings must be a group of values (got {kind})",
            kind=_json_kind(value))}, {}
    generation, problems = GenerationSettings.from_dict(value)
    return (generation, {f"generation.{k}": v for k, v in problems.items()},
            _unknown(value, GenerationSettings))


def _recent_models_from(value: Any) -> tuple[Any, str | None]:
    """Recent models from JSON, and a reason when entries were dropped.

    Entries that are not strings are dropped and the good ones kept: the list is the
    user's history, and one bad entry should not cost all of it. Anything that is not a
    list at all (null, text, a number) is left for ``problems()`` to reset to empty.
    """
    if not isinstance(value, list):
        return value, None
    paths = tuple(p for p in value if is_model_entry(p))
    dropped = len(value) - len(paths)
    if not dropped:
        return paths, None
    return paths, tr("Recent models: 1 entry that was not a path removed") if dropped == 1 \
        else tr("Recent models: {n} entries that were not a path removed", n=dropped)


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return tr("a number")
    if isinstance(value, dict):
        return tr("a group of values")
    return tr("text") if isinstance(value, str) else tr("a list")


def _build(cls: type, data: dict[str, Any], **fixed: Any) -> tuple[Any, dict[str, str]]:
    """``cls`` from ``data``; fields whose values ``problems()`` refuses take their default.

    The candidate is built with every value first (the dataclasses do not check in
    ``__init__``); ``problems()`` then judges each field on its own, so one bad value never
    costs another. Keys starting "generation." are judged where the group is built.
    """
    known = {f.name for f in fields(cls) if f.compare} - set(fixed)
    values = {k: v for k, v in data.items() if k in known}
    candidate = cls(**values, **fixed)
    problems = {k: v for k, v in candidate.problems().items() if "." not in k}
    if problems:
        good = {k: v for k, v in values.items() if k not in problems}
        candidate = cls(**good, **fixed)
    return candidate, problems


@dataclass
class LoadedSettings:
    settings: AppSettings
    notice: str | None = None  # for the user, when something in the file was not usable
    reset: dict[str, str] = field(default_factory=dict)  # field name -> why it was reset
    kept_as: Path | None = None  # where the file as it was is kept, when it was set aside


def load_settings(path: Path) -> LoadedSettings:
    """The settings in ``path``; never raises, whatever the file holds."""
    try:
        raw = read_regular(path)  # a FIFO at its name would hang the start
    except FileNotFoundError:
        return LoadedSettings(AppSettings())
    except OSError as error:
        return LoadedSettings(AppSettings(), tr(
            "Settings could not be read ({error}); using the defaults.", error=str(error)))
    try:
        # utf-8-sig: Windows editors may start the file with a byte order mark
        text = raw.decode("utf-8-sig")
        data = json.loads(text)
        if json_may_hold_surrogates(text):  # half an emoji: no UTF-8 writer takes it
            data = without_lone_surrogates(data)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        settings, problems = AppSettings.from_dict(data)
    # RecursionError: absurdly deep nesting. The others: a shape no check foresaw; the
    # file is set aside like one that does not parse, never a failed start.
    except (ValueError, TypeError, RecursionError, OverflowError) as error:
        return _load_damaged(path, error)
    if problems:
        return _load_repaired(path, raw, settings, problems)
    return LoadedSettings(settings)


def _load_damaged(path: Path, error: Exception) -> LoadedSettings:
    try:
        kept = _set_aside(path)
    except OSError as move_error:
        return LoadedSettings(AppSettings(), tr(
            "The settings file was damaged ({error}) and the defaults are used. It could not "
            "be moved aside ({why}).",
            error=str(error), why=move_error.strerror or str(move_error)))
    return LoadedSettings(
        AppSettings(),
        tr("The settings file was damaged ({error}) and the defaults are used. "
           "The damaged file was kept as {name}.", error=str(error), name=kept.name),
        kept_as=kept,
    )


def _load_repaired(path: Path, raw: bytes, settings: AppSettings,
                   problems: dict[str, str]) -> LoadedSettings:
    """Keep the file as it was, then write the repaired settings so the notice comes once."""
    notice = tr("Some settings in the file could not be used and were reset: {problems}.",
                problems=join(*problems.values(), separator="; "))
    try:
        kept = _keep_copy(path, raw)
    except OSError as error:
        # Without a copy the original must not be replaced; it stays as it is.
        return LoadedSettings(settings, join(notice, tr(
            "The file was left as it is (no copy of it could be made: {why}).",
            why=error.strerror or str(error))), problems)
    try:
        save_settings(path, settings)
    except OSError:
        pass  # the copy is safe; the next save tries again and reports a failure itself
    return LoadedSettings(settings, join(notice, tr(
        "The original file was kept as {name}.", name=kept.name)), problems, kept)


class SettingsFile:
    """The settings in force and the file they live in; every change is saved at once.

    Saving never raises for the disk (a read-only or full folder): the new settings are in
    force anyway, ``problem`` says why the file could not be written, and ``on_problem`` is
    called once per distinct problem; a later successful save clears ``problem``.
    """

    def __init__(self, path: Path,
                 on_problem: Callable[[str], None] | None = None) -> None:
        self.path = path
        loaded = load_settings(path)
        self.settings = loaded.settings
        self.notice = loaded.notice
        self.problem: str | None = None
        self.on_problem = on_problem

    def update_settings(self, settings: AppSettings) -> None:
        """Put ``settings`` in force and save them.

        Raises SettingsError, changing nothing, for values out of range (the settings
        dialog checks them first); never raises OSError.
        """
        settings.validated()
        self.settings = settings
        try:
            save_settings(self.path, settings)
        except OSError as error:
            self._report(_save_problem(self.path, error))
        else:
            self.problem = None

    def _report(self, problem: str) -> None:
        if problem == self.problem:
            return  # the user was told; a closing window saves again and again
        self.problem = problem
        if self.on_problem is not None:
            self.on_problem(problem)


def _save_problem(path: Path, error: OSError) -> str:
    # strerror, not str(error): str names the random temp file, so every failure would
    # look new and the user would be told again and again.
    reason = error.strerror or str(error) or type(error).__name__
    return tr("Settings could not be saved to {folder} ({why}). "
              "Changes apply until the app is closed.", folder=str(path.parent), why=reason)


def save_settings(path: Path, settings: AppSettings) -> None:
    settings.validated()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(settings.to_dict(), indent=2).encode("utf-8"))


def _aside_name(path: Path, kind: str) -> Path:
    """A free name next to ``path``: two set-asides in one second must not overwrite."""
    stem = f"{path.name}.{kind}-{time.strftime('%Y%m%d-%H%M%S')}"
    candidate, number = path.with_name(stem), 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{stem}-{number}")
    return candidate


def _set_aside(path: Path) -> Path:
    target = _aside_name(path, "damaged")
    os.replace(path, target)
    return target


def _keep_copy(path: Path, raw: bytes) -> Path:
    """Write the bytes that were read (not a copy of the file now) under a free name."""
    target = _aside_name(path, "reset")
    with open(target, "xb") as handle:  # x: never overwrite an earlier copy
        try:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        except OSError:
            target.unlink(missing_ok=True)  # a half copy (disk full) would mislead
            raise
    return target

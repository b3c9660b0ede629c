import dataclasses
import json

import pytest

from desktop_chat.core.settings import (
    AppSettings,
    GenerationSettings,
    SettingsError,
    load_settings,
    save_settings,
)


def test_defaults_are_valid_and_follow_the_r1_recommendations():
    settings = AppSettings().validated()
    assert settings.generation.temperature == 0.6
    assert settings.generation.top_p == 0.95
    assert settings.generation.system_prompt == ""


@pytest.mark.parametrize("field, value, message", [
    ("temperature", 3.0, "Temperature must be between 0 and 2 (got 3)"),
    ("temperature", "hot", "Temperature must be a number"),
    ("top_p", 0.0, "Top-p must be between 0.01 and 1"),
    ("top_k", 2.5, "Top-k must be a whole number"),
    ("max_new_tokens", 0, "Maximum reply length must be between 1 and"),
    ("repetition_penalty", 0.5, "Repetition penalty must be between 1 and 2"),
    ("context_limit", 100, "Context limit must be between 256 and"),
    ("seed", -1, "Seed must be between 0 and"),
    ("do_sample", "yes", "Sampling must be on or off"),
])
def test_out_of_range_values_are_refused_with_a_reason(field, value, message):
    settings = dataclasses.replace(GenerationSettings(), **{field: value})
    with pytest.raises(SettingsError) as caught:
        settings.validated()
    assert message in caught.value.problems[field]


def test_app_choices_are_checked():
    with pytest.raises(SettingsError, match="Device must be one of auto, cuda"):
        AppSettings(device="tpu").validated()


def test_save_and_load_round_trip(tmp_path):
    path = tmp_path / "config" / "settings.json"
    settings = AppSettings(
        theme="dark", device="cpu", dtype="float32", show_reasoning=False,
        generation=GenerationSettings(temperature=0.2, seed=7, system_prompt="Be brief."),
    ).with_model_opened("/models/a").with_model_opened("/models/b")
    save_settings(path, settings)
    loaded = load_settings(path)
    assert loaded.notice is None
    assert loaded.settings == settings
    assert loaded.settings.recent_models == ("/models/b", "/models/a")


def test_a_missing_file_gives_defaults_silently(tmp_path):
    loaded = load_settings(tmp_path / "settings.json")
    assert loaded.settings == AppSettings() and loaded.notice is None


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
def test_a_corrupt_file_falls_back_to_defaults_is_kept_aside_and_reported(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_text(content)
    loaded = load_settings(path)
    assert loaded.settings == AppSettings()
    assert "damaged" in loaded.notice
    [kept] = tmp_path.glob("settings.json.damaged-*")
    assert kept.read_text() == content
    assert not path.exists()


def test_a_bad_value_is_reset_alone_and_reported(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "purple", "device": "cpu",
                                "generation": {"temperature": 9, "top_p": 0.5}}))
    loaded = load_settings(path)
    assert loaded.settings.theme == "system"
    assert loaded.settings.device == "cpu"
    assert loaded.settings.generation.temperature == 0.6
    assert loaded.settings.generation.top_p == 0.5
    assert "Theme must be one of" in loaded.notice
    assert "Temperature must be between" in loaded.notice


def test_model_defaults_apply_only_values_in_range():
    ours = GenerationSettings(temperature=1.0, top_p=0.5, max_new_tokens=100)
    merged = ours.with_model_defaults({"temperature": 0.6, "top_p": 0.95, "top_k": 5000,
                                       "bos_token_id": 1})
    assert (merged.temperature, merged.top_p, merged.top_k) == (0.6, 0.95, ours.top_k)
    assert merged.max_new_tokens == 100


def test_settings_file_saves_every_change(tmp_path):
    from desktop_chat.core.settings import SettingsFile

    path = tmp_path / "settings.json"
    holder = SettingsFile(path)
    assert holder.settings == AppSettings() and holder.notice is None
    holder.update_settings(holder.settings.with_model_opened("/m"))
    assert SettingsFile(path).settings.last_model_path == "/m"
    with pytest.raises(SettingsError):
        holder.update_settings(AppSettings(theme="neon"))
    assert SettingsFile(path).settings.theme == "system"


GOOD = {"device": "cpu", "dtype": "float32", "theme": "dark", "show_reasoning": False,
        "keep_reasoning_open": True, "last_model_path": "/models/a",
        "recent_models": ["/models/a", "/models/b"], "language": "zh_CN",
        "window_geometry": "AdnQyw==", "models_dir": "/models", "alternatives": 2,
        "fast_copy_choices": {"/models/a": True, "/models/b": False},
        "generation": {"temperature": 0.7, "top_p": 0.9, "top_k": 20,
                       "max_new_tokens": 1000, "repetition_penalty": 1.1,
                       "do_sample": False, "seed": 7, "system_prompt": "Be brief.",
                       "context_limit": 4096, "thinking_budget": 512}}
NOT_A_NUMBER = [None, "text", True, [1], {"a": 1}]
NOT_A_FLAG = [None, "text", 1, [True], {"a": 1}]
NOT_TEXT = [3, True, ["a"], {"a": 1}]
NOT_A_CHOICE = [None, "neon", 3, ["cpu"]]
WRONG_VALUES = {
    "device": NOT_A_CHOICE, "dtype": NOT_A_CHOICE, "theme": NOT_A_CHOICE,
    "show_reasoning": NOT_A_FLAG, "keep_reasoning_open": NOT_A_FLAG,
    "last_model_path": NOT_TEXT, "recent_models": [None, "/models/a", 5, {"a": 1}],
    "language": [None, *NOT_TEXT], "window_geometry": NOT_TEXT, "models_dir": NOT_TEXT,
    "alternatives": [*NOT_A_NUMBER, 2.5, 1, 5],
    "fast_copy_choices": [None, "text", ["/models/a"], {"/models/a": "yes"}, {"/a": 1}],
    "generation.temperature": NOT_A_NUMBER, "generation.top_p": NOT_A_NUMBER,
    "generation.top_k": [*NOT_A_NUMBER, 2.5], "generation.max_new_tokens": NOT_A_NUMBER,
    "generation.repetition_penalty": NOT_A_NUMBER, "generation.do_sample": NOT_A_FLAG,
    "generation.seed": ["text", True, 2.5, [1]],
    "generation.system_prompt": [None, *NOT_TEXT],
    "generation.context_limit": [*NOT_A_NUMBER, False, 0.0],
    "generation.thinking_budget": [*NOT_A_NUMBER, 2.5, -1],
}


def _cases():
    return [(name, value) for name, values in WRONG_VALUES.items() for value in values]


def test_every_field_has_wrong_values_to_try():
    names = {f.name for f in dataclasses.fields(AppSettings) if f.compare} - {"generation"}
    names |= {f"generation.{f.name}" for f in dataclasses.fields(GenerationSettings)}
    assert set(WRONG_VALUES) == names


@pytest.mark.parametrize(("name", "value"), _cases())
def test_every_wrongly_typed_field_resets_only_itself(tmp_path, name, value):
    data = json.loads(json.dumps(GOOD))
    group, _, key = name.rpartition(".")
    (data[group] if group else data)[key] = value
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(data))
    loaded = load_settings(path)

    expected = AppSettings.from_dict(GOOD)[0]
    default_holder = AppSettings().generation if group else AppSettings()
    reset_value = getattr(default_holder, key)
    if group:
        expected = dataclasses.replace(expected, generation=dataclasses.replace(
            expected.generation, **{key: reset_value}))
    else:
        expected = dataclasses.replace(expected, **{key: reset_value})
    assert loaded.settings == expected
    assert list(loaded.reset) == [name] and loaded.notice
    # The file as it was is kept aside, and the repaired one is written: told once.
    [kept] = tmp_path.glob("settings.json.reset-*")
    assert json.loads(kept.read_text()) == data
    again = load_settings(path)
    assert again.settings == expected and again.notice is None


@pytest.mark.parametrize("value", [None, "/models/a", 5, {"path": "/a"}])
def test_recent_models_that_are_not_a_list_become_empty(tmp_path, value):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"recent_models": value, "theme": "dark"}))
    loaded = load_settings(path)
    assert loaded.settings.recent_models == () and loaded.settings.theme == "dark"
    assert "Recent models must be a list of paths" in loaded.notice


def test_recent_models_keep_their_good_entries(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"recent_models": ["/a", 1, None, "/b"]}))
    loaded = load_settings(path)
    assert loaded.settings.recent_models == ("/a", "/b")
    assert "2 entries that were not a path removed" in loaded.notice


def test_a_generation_group_that_is_not_an_object_resets_only_the_group(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"generation": None, "theme": "dark"}))
    loaded = load_settings(path)
    assert loaded.settings.generation == GenerationSettings()
    assert loaded.settings.theme == "dark" and "group of values" in loaded.notice


def test_keys_of_a_newer_version_are_kept(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"theme": "dark", "future": {"x": 1},
                                "generation": {"top_k": 5, "min_p": 0.1}}))
    holder_settings = load_settings(path).settings
    save_settings(path, holder_settings.with_model_opened("/m"))
    data = json.loads(path.read_text())
    assert data["future"] == {"x": 1} and data["generation"]["min_p"] == 0.1
    assert data["generation"]["top_k"] == 5 and data["last_model_path"] == "/m"


def test_a_folder_that_cannot_be_written_is_reported_once(tmp_path, monkeypatch):
    import errno

    from desktop_chat.core import settings as settings_module
    from desktop_chat.core.settings import SettingsFile

    problems = []
    holder = SettingsFile(tmp_path / "settings.json", on_problem=problems.append)

    def read_only(path, data):
        raise OSError(errno.EROFS, "Read-only file system", str(path) + ".tmp-x1y2")

    monkeypatch.setattr(settings_module, "write_atomic", read_only)
    for theme in ("dark", "light", "dark"):  # a closing window saves again and again
        holder.update_settings(dataclasses.replace(holder.settings, theme=theme))
    assert holder.settings.theme == "dark"  # in force, though not saved
    assert len(problems) == 1 and "Read-only file system" in problems[0]
    assert str(tmp_path) in problems[0]
    monkeypatch.undo()
    holder.update_settings(holder.settings)
    assert holder.problem is None and load_settings(holder.path).settings.theme == "dark"

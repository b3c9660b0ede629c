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

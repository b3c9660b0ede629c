"""Settings and a conversation's own settings as a hostile file holds them: huge numbers,
deep nesting, values of any type. Each field that cannot be used is reset on its own, with
a notice; nothing raises, and the app goes on to start, send and save."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from test_chat_session import StandInWorker, controller_with_stand_ins

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.conversation_import import read_imports
from desktop_chat.core.conversation_settings import effective_settings, override_problems
from desktop_chat.core.settings import GenerationSettings, SettingsFile, load_settings
from desktop_chat.core.store import ConversationStore

HUGE = 10**400  # an int a float cannot hold: f"{HUGE:g}" raises OverflowError


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ----- finding 4: settings.json ---------------------------------------------------------------

@pytest.mark.parametrize("text, field", [
    ('{"generation": {"temperature": ' + str(HUGE) + '}, "theme": "dark"}',
     "generation.temperature"),
    ('{"generation": {"seed": -' + str(HUGE) + '}, "theme": "dark"}', "generation.seed"),
    ('{"alternatives": ' + str(10**4000) + ', "theme": "dark"}', "alternatives"),
    ('{"device": ' + str(HUGE) + ', "theme": "dark"}', "device"),
    ('{"device": ' + "[" * 900 + "]" * 900 + ', "theme": "dark"}', "device"),
], ids=["temperature", "seed", "alternatives", "device-huge", "device-deep"])
def test_a_huge_or_absurd_value_resets_its_field_alone_with_a_notice(tmp_path, text, field):
    path = write(tmp_path / "settings.json", text)
    loaded = load_settings(path)
    assert field in loaded.reset
    assert loaded.settings.theme == "dark"  # the others are kept
    assert loaded.notice and "reset" in loaded.notice
    assert load_settings(path).notice is None  # repaired on disk: told once


def test_an_unknown_key_nested_too_deep_is_dropped_and_saving_still_works(tmp_path):
    deep = "[" * 400 + "]" * 400
    path = write(tmp_path / "settings.json",
                 '{"theme": "dark", "newer": ' + deep + ', "kept": [1, {"a": 2}], '
                 '"generation": {"newer_too": ' + deep + "}}")
    settings_file = SettingsFile(path)
    assert "nested too deeply" in settings_file.notice
    assert settings_file.settings.extra == {"kept": [1, {"a": 2}]}
    # no RecursionError writing the file back
    settings_file.update_settings(dataclasses.replace(settings_file.settings, theme="light"))
    assert settings_file.problem is None
    assert json.loads(path.read_text())["kept"] == [1, {"a": 2}]


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a": ' * 5000 + "1" + "}" * 5000,
                                  '{"generation": "x", "recent_models": {"a": 1}}'],
                         ids=["unclosed", "deep", "wrong-types"])
def test_any_shape_of_file_gives_settings(tmp_path, text):
    loaded = load_settings(write(tmp_path / "settings.json", text))
    assert loaded.settings.validated() is loaded.settings
    assert loaded.notice


# ----- finding 4: a conversation's own settings -------------------------------------------------

@pytest.mark.parametrize("value", [HUGE, -HUGE, float("inf"), float("nan"), [HUGE], {"a": 1}],
                         ids=["huge", "-huge", "inf", "nan", "list", "object"])
def test_an_unusable_conversation_setting_is_reported_and_the_default_used(value):
    overrides = {"temperature": value, "top_k": 5}
    assert "Temperature" in override_problems(overrides)["temperature"]
    settings = effective_settings(GenerationSettings(), overrides)
    assert settings.temperature == GenerationSettings().temperature
    assert settings.top_k == 5


def test_a_huge_setting_in_an_imported_conversation_neither_blocks_sending_nor_raises(
        qtbot, tmp_path):
    source = Conversation(title="imported", settings={"max_new_tokens": HUGE,
                                                      "temperature": 0.3})
    source.add(Message(role="user", content="before"))
    source.add(Message(role="assistant", content="answer"))
    exported = write(tmp_path / "export.json", json.dumps(source.to_dict()))
    [imported] = read_imports([exported], set()).conversations
    folder = tmp_path / "conversations"
    ConversationStore(folder).save(imported)
    chat = controller_with_stand_ins(folder, tmp_path)
    try:
        chat.open_conversation(imported.id)
        chat.send("and now?")  # raised OverflowError, leaving the send "generating"
        worker = chat.worker
        assert isinstance(worker, StandInWorker)
        [request] = worker.requests
        assert request.settings.max_new_tokens == GenerationSettings().max_new_tokens
        assert request.settings.temperature == 0.3
        assert chat.generating
    finally:
        chat.conversations.shutdown()


def test_a_settings_file_with_lone_surrogates_starts_the_window(qtbot, tmp_path):
    """settings.json whose escapes spell half an emoji: the window geometry's .encode()
    raised UnicodeEncodeError in MainWindow.__init__, at every start."""
    from conftest import close, make_window

    config = tmp_path / "data" / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(
        '{"theme": "dark", "window_geometry": "\\ud800", '
        '"generation": {"system_prompt": "be \\udc00 brief"}}')
    window = make_window(qtbot, tmp_path / "data")
    try:
        assert window.isVisible()
        settings = window.settings_file.settings
        assert settings.theme == "dark"
        assert settings.generation.system_prompt == "be \ufffd brief"
    finally:
        close(qtbot, window)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_at_the_settings_name_is_not_read(tmp_path):
    """open() on a FIFO waits for a writer: with none, the start hung for good. (Here a
    writer feeds it settings, so that the old code returns, and uses them.)"""
    from fifo_feed import FeedingFifo

    fifo = FeedingFifo(tmp_path / "settings.json", '{"theme": "dark"}')
    try:
        loaded = load_settings(tmp_path / "settings.json")
        assert loaded.settings.theme == "system"  # the defaults
        assert "could not be read" in loaded.notice
    finally:
        fifo.close()

"""The app starts whatever its data folder holds: a conversation nested ~990 deep (which
an import once let in and saved), a newer version's file of an odd shape, and a
settings.json with a number no float can hold. The real window opens, lists what can be
listed, and tells the user what was set aside and what was reset."""

from __future__ import annotations

import json

from conftest import close, make_window

from desktop_chat.core.conversation import Conversation, Message

HUGE = 10**400


def test_the_window_starts_over_poisoned_files_and_tells_the_user(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    folder = data_dir / "conversations"
    folder.mkdir(parents=True)
    good = Conversation(title="still here")
    good.add(Message(role="user", content="hello"))
    (folder / f"{good.id}.json").write_text(json.dumps(good.to_dict()))
    deep = json.dumps({**good.to_dict(), "id": "deep", "title": "poisoned", "x": None})
    (folder / "deep.json").write_text(deep.replace('"x": null', '"x": ' + "[" * 990 + "]" * 990))
    (folder / "newer.json").write_text(json.dumps({
        "schema_version": 3, "id": "newer", "title": "from a newer version",
        "created_at": "", "updated_at": "", "messages": {"not": "a list"}}))
    config = data_dir / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        '{"theme": "dark", "generation": {"temperature": ' + str(HUGE) + "}}")

    window = make_window(qtbot, data_dir)  # raised RecursionError, then OverflowError
    try:
        assert window.isVisible()
        assert sorted(window.sidebar.ids()) == sorted([good.id, "newer"])
        qtbot.waitUntil(lambda: len(window.notice.problems()) == 2)
        told = "\n".join(window.notice.problems())
        assert window.notice.isVisible()
        assert "deep.json" in told and "nested" in told
        assert "Temperature" in told and "reset" in told
        assert window.settings_file.settings.theme == "dark"  # the rest of the file kept
        assert list((folder / "quarantine").glob("deep.*.json"))
        window.chat.open_conversation(good.id)
        assert window.chat.current.title == "still here"
    finally:
        close(qtbot, window)


def test_the_window_starts_over_model_entries_that_cannot_be_opened(qtbot, tmp_path):
    data_dir = tmp_path / "data"
    config = data_dir / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_text(json.dumps({
        "last_model_path": "http://", "models_dir": "models\u0000",
        "recent_models": ["http://", "https://[::1", "/models/kept", "nul\u0000path"]}))
    window = make_window(qtbot, data_dir)  # File > Recent Models raised ServerAddressError
    try:
        assert [a.text() for a in window.recent_menu.actions()] == ["kept"]
        settings = window.settings_file.settings
        assert settings.last_model_path is None and settings.models_dir is None
        window.models.open_initial(None, None)  # what the first paint does: raised too
        qtbot.waitUntil(lambda: bool(window.notice.problems()))
        assert "Recent models" in "\n".join(window.notice.problems())
    finally:
        close(qtbot, window)


def test_the_window_starts_over_a_conversation_holding_half_an_emoji(qtbot, tmp_path):
    """A valid JSON file whose escapes spell a lone surrogate (a ChatGPT export's cut
    emoji): the index write raised UnicodeEncodeError, so the app never started."""
    data_dir = tmp_path / "data"
    folder = data_dir / "conversations"
    folder.mkdir(parents=True)
    cut = Conversation(title="cut \ud83d")
    cut.add(Message(role="user", content="half \ude00 an emoji"))
    (folder / f"{cut.id}.json").write_text(json.dumps(cut.to_dict()), encoding="ascii")
    window = make_window(qtbot, data_dir)
    try:
        assert window.sidebar.ids() == [cut.id]
        window.chat.open_conversation(cut.id)
        assert window.chat.current.messages[0].content == "half \ufffd an emoji"
    finally:
        close(qtbot, window)

"""A conversation's own settings over the defaults, and where a message stands among its
versions (core/conversation_settings.py, core/versions.py)."""

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.conversation_settings import effective_settings, override_problems
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.core.versions import version_at, version_positions


def test_overrides_apply_over_the_defaults_and_bad_ones_are_named_and_skipped():
    defaults = GenerationSettings(temperature=0.6, max_new_tokens=4096)
    overrides = {"temperature": 0.1, "system_prompt": "Be brief.", "top_p": 7,
                 "max_new_tokens": "many", "a_newer_versions_key": [1]}
    assert override_problems(overrides) == {
        "top_p": "Top-p must be between 0.01 and 1 (got 7)",
        "max_new_tokens": "Maximum reply length must be a whole number"}
    settings = effective_settings(defaults, overrides)
    assert (settings.temperature, settings.system_prompt) == (0.1, "Be brief.")
    assert (settings.top_p, settings.max_new_tokens) == (defaults.top_p, 4096)
    assert effective_settings(defaults, {}) is defaults
    assert override_problems({"top_k": True}) == {"top_k": "Top-k must be a whole number"}


def test_version_positions_name_only_messages_with_versions():
    conversation = Conversation()
    question = conversation.add(Message(role="user", content="Q"))
    first = conversation.add(Message(role="assistant", content="A1"))
    second = conversation.add(Message(role="assistant", content="A2"), parent_id=question.id)
    follow = conversation.add(Message(role="user", content="Q2"))
    assert version_positions(conversation) == {second.id: (2, 2)}
    assert version_positions(conversation, conversation.path(first.id)) == {first.id: (1, 2)}
    assert version_at(conversation, second.id, -1) is first
    assert version_at(conversation, second.id, +1) is None
    assert version_at(conversation, follow.id, -1) is None
    assert version_at(conversation, "no such id", 1) is None

"""The three-way merge of two versions of one conversation, on plain dicts."""

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.conversation_merge import MergeBase, merge

WHEN = "2026-01-01T00:00:00.000Z"


def message(id: str, content: str, role: str = "user") -> Message:
    return Message(role=role, content=content, id=id, created_at=WHEN)


def version(*messages: Message, title: str = "shared", updated_at: str = WHEN) -> dict:
    conversation = Conversation(title=title, id="shared", created_at=WHEN,
                                updated_at=updated_at)
    conversation.messages.extend(messages)
    return conversation.to_dict()


def contents(data: dict) -> list[str]:
    return [m["content"] for m in data["messages"]]


def test_messages_both_sides_appended_are_all_kept_theirs_first():
    base = version(message("m0", "first"))
    ours = version(message("m0", "first"), message("o1", "ours 1"), message("o2", "ours 2"))
    theirs = version(message("m0", "first"), message("t1", "theirs 1"))
    merged = merge(ours, theirs, MergeBase.of(base))
    assert contents(merged) == ["first", "theirs 1", "ours 1", "ours 2"]


def test_a_draft_both_sides_changed_takes_the_version_that_grew():
    base = version(message("m0", "q"), message("a", "The cap", role="assistant"))
    ours = version(message("m0", "q"), message("a", "The capital", role="assistant"))
    theirs = version(message("m0", "q"), message("a", "The capital is Paris.",
                                                  role="assistant"))
    assert contents(merge(ours, theirs, MergeBase.of(base))) == ["q", "The capital is Paris."]
    assert contents(merge(theirs, ours, MergeBase.of(base))) == ["q", "The capital is Paris."]


def test_a_message_one_side_changed_takes_that_change():
    base = version(message("m0", "draft"))
    ours = version(message("m0", "draft"))
    theirs = version(message("m0", "edited"))
    assert contents(merge(ours, theirs, MergeBase.of(base))) == ["edited"]


def test_a_message_removed_by_either_side_stays_removed():
    base = version(message("m0", "q"), message("a", "old answer", role="assistant"))
    regenerated = version(message("m0", "q"), message("b", "new answer", role="assistant"))
    untouched = version(message("m0", "q"), message("a", "old answer", role="assistant"))
    assert contents(merge(regenerated, untouched, MergeBase.of(base))) == ["q", "new answer"]
    assert contents(merge(untouched, regenerated, MergeBase.of(base))) == ["q", "new answer"]


def test_a_removed_message_the_other_side_changed_is_kept():
    base = version(message("m0", "q"), message("a", "answer", role="assistant"))
    removed = version(message("m0", "q"))
    changed = version(message("m0", "q"), message("a", "answer, longer", role="assistant"))
    assert contents(merge(removed, changed, MergeBase.of(base))) == ["q", "answer, longer"]


def test_one_message_changed_two_different_ways_cannot_be_merged():
    base = version(message("m0", "hello"))
    ours = version(message("m0", "hello there"))
    theirs = version(message("m0", "hello world"))
    assert merge(ours, theirs, MergeBase.of(base)) is None


def test_fields_take_the_side_that_changed_them_and_the_later_update():
    base = version(message("m0", "q"), title="old")
    ours = version(message("m0", "q"), title="old", updated_at="2026-01-03T00:00:00.000Z")
    theirs = version(message("m0", "q"), title="renamed",
                     updated_at="2026-01-02T00:00:00.000Z")
    theirs["tags"] = ["kept"]  # a key a newer version added
    merged = merge(ours, theirs, MergeBase.of(base))
    assert merged["title"] == "renamed"
    assert merged["updated_at"] == "2026-01-03T00:00:00.000Z"
    assert merged["tags"] == ["kept"]
    assert [k for k in merged if k in ours] == list(ours)  # ours' order: files diff well

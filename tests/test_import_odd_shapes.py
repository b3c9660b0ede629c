"""An import survives shapes no check foresaw: the one bad conversation (or file) is
reported with its name, and the rest still comes in."""

from __future__ import annotations

import json
from pathlib import Path

from desktop_chat.core.conversation_import import NOT_JSON, read_imports


def _chatgpt(title: str, answer_metadata: dict | None = None) -> dict:
    answer = {"author": {"role": "assistant"}, "create_time": 1_700_000_001,
              "content": {"content_type": "text", "parts": ["Hello."]},
              "metadata": answer_metadata or {}}
    return {"title": title, "create_time": 1_700_000_000, "current_node": "a",
            "mapping": {
                "root": {"id": "root", "parent": None, "children": ["u"], "message": None},
                "u": {"id": "u", "parent": "root", "children": ["a"], "message": {
                    "author": {"role": "user"}, "create_time": 1_700_000_000,
                    "content": {"content_type": "text", "parts": ["Hi"]}}},
                "a": {"id": "a", "parent": "u", "children": [], "message": answer}}}


def test_a_chatgpt_conversation_of_an_odd_shape_fails_alone(tmp_path: Path):
    export = tmp_path / "conversations.json"
    odd = _chatgpt("odd", {"finish_details": {"type": ["stop"]}})  # a list, not a name
    huge = _chatgpt("huge")
    huge["mapping"]["u"]["message"]["create_time"] = 10 ** 400  # no float holds it
    export.write_text(json.dumps([_chatgpt("fine"), odd, huge]), encoding="utf-8")
    result = read_imports([export], set())
    titles = sorted(c.title for c in result.conversations)
    assert "fine" in titles
    assert len(result.conversations) + len(result.failures) == 3
    for failure in result.failures:
        assert failure.source.startswith("conversations.json")


def test_a_file_nested_too_deeply_to_read_fails_alone(tmp_path: Path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps([_chatgpt("fine")]), encoding="utf-8")
    result = read_imports([deep, export], set())
    assert [c.title for c in result.conversations] == ["fine"]
    assert [(f.source, f.reason) for f in result.failures] == [("deep.json", NOT_JSON)]

"""The ChatGPT importer takes any JSON: a conversation comes out, or its own documented
error (ChatGptFormatError) says why not; a whole import of any such file ends in
conversations and failures, never in an exception; and reading a file item by item
(core/json_stream.py) gives what reading it whole gives."""

from __future__ import annotations

import io
import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.core.conversation import Conversation
from desktop_chat.core.conversation_import import read_imports
from desktop_chat.core.import_chatgpt import ChatGptFormatError, chatgpt_conversation
from desktop_chat.core.json_stream import JsonStream

json_leaves = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12),
    st.integers(), st.integers(min_value=10 ** 300, max_value=10 ** 400),
    st.floats(),  # NaN and infinities too: Python's json reads them
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


texts = st.one_of(st.text(max_size=20), st.text("abc 中\n", min_size=1, max_size=20))
times = st.one_of(st.floats(min_value=0, max_value=2e9), st.just(1_700_000_000.5))
content = st.one_of(
    st.fixed_dictionaries({"content_type": st.sampled_from(["text", "multimodal_text"]),
                           "parts": st.lists(st.one_of(
                               texts, st.fixed_dictionaries({"content_type": st.just(
                                   "image_asset_pointer")})), min_size=1, max_size=3)}),
    st.fixed_dictionaries({"content_type": st.just("code"), "text": texts,
                           "language": st.sampled_from(["python", "unknown"])}),
    st.fixed_dictionaries({"content_type": st.just("thoughts"), "thoughts": st.lists(
        st.fixed_dictionaries({"summary": texts, "content": texts}), max_size=2)}),
    st.fixed_dictionaries({"content_type": st.just("reasoning_recap"), "content": texts}),
    st.fixed_dictionaries({"content_type": st.just("user_editable_context"),
                           "user_instructions": texts}),
)
message = st.fixed_dictionaries(
    {"author": st.fixed_dictionaries({"role": st.sampled_from(
        ["user", "assistant", "system", "tool"])}),
     "content": content},
    optional={"create_time": times, "recipient": st.sampled_from(["all", "web.run"]),
              "metadata": st.fixed_dictionaries({}, optional={
                  "model_slug": texts, "is_visually_hidden_from_conversation": st.booleans(),
                  "finish_details": st.fixed_dictionaries({"type": st.sampled_from(
                      ["stop", "max_tokens", "interrupted"])})})})


@st.composite
def conversations(draw) -> dict:
    """A conversation as ChatGPT writes them (a tree of nodes), then a few of its values,
    anywhere in it, replaced by any JSON or removed."""
    ids = [f"node-{i}" for i in range(draw(st.integers(1, 7)))]
    mapping: dict = {}
    for i, node_id in enumerate(ids):
        parent = ids[draw(st.integers(0, i - 1))] if i else None
        mapping[node_id] = {"id": node_id, "parent": parent, "children": [],
                            "message": draw(st.one_of(st.none(), message, message))}
        if parent is not None:
            mapping[parent]["children"].append(node_id)
    data = {"title": draw(texts), "create_time": draw(times), "update_time": draw(times),
            "mapping": mapping, "current_node": draw(st.sampled_from(ids)),
            "conversation_id": draw(st.sampled_from(["abc-123", "../x", ""])),
            "default_model_slug": draw(texts)}
    for _ in range(draw(st.integers(0, 3))):
        places = list(_places(data))
        container, key = places[draw(st.integers(0, len(places) - 1))]
        if isinstance(container, dict) and draw(st.booleans()):
            del container[key]
        else:
            container[key] = draw(json_values)
    return data


def _places(value):
    """(container, key) of every value inside ``value``."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, inner in list(items):
        yield value, key
        if isinstance(inner, (dict, list)):
            yield from _places(inner)


anything = st.one_of(conversations(), conversations(), json_values)

PROPERTY = settings(max_examples=400, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(anything)
def test_any_json_is_a_conversation_or_the_importers_own_error(data):
    try:
        conversation = chatgpt_conversation(data)
    except ChatGptFormatError:
        return
    assert conversation.messages
    # What is saved opens again.
    Conversation.from_dict(json.loads(json.dumps(conversation.to_dict())))


@PROPERTY
@given(st.lists(anything, max_size=4))
def test_an_import_of_any_export_ends_in_conversations_and_failures(items):
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "conversations.json"
        export.write_text(json.dumps(items), encoding="utf-8")
        result = read_imports([export], set())
    assert len(result.conversations) + len(result.failures) >= min(1, len(items))


@PROPERTY
@given(st.lists(json_values, max_size=6), st.integers(1, 9), st.sampled_from([
    {"separators": (",", ":")}, {"indent": 1}, {"ensure_ascii": False}]),
    st.sampled_from(["", "\ufeff"]))
def test_an_array_read_item_by_item_is_the_array_json_reads(items, chunk, layout, bom):
    """Whatever chunk boundaries fall inside a number, a string, an escape or a UTF-8
    character, the stream gives the items json.loads gives."""
    text = json.dumps(items, **layout)
    document = JsonStream(io.BytesIO((bom + text).encode()), max_bytes=1 << 20,
                          max_value_bytes=1 << 20, chunk_bytes=chunk)
    assert document.is_array()
    assert _same(list(document.items()), json.loads(text))


def _same(a, b) -> bool:
    """Equal, NaN included."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("text", ["[1,]", "[1 2]", "[1] x", "[", '[{"a": 1}', '["abc',
                                  "[1,2", "[tru]", "[1e]", '["\\u12"]'])
def test_a_broken_array_is_a_json_error_however_it_is_cut(text):
    for chunk in (1, 2, 3, 100):
        document = JsonStream(io.BytesIO(text.encode()), max_bytes=1000,
                              max_value_bytes=1000, chunk_bytes=chunk)
        with pytest.raises(json.JSONDecodeError):
            list(document.items())

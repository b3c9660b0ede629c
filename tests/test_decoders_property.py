"""Property-based tests (Hypothesis) of the decoders of what the app reads: conversation
files, settings.json, and a model's output split into thinking and answer. Whatever they
are given, they raise nothing but their own documented errors; the store lists and the
settings load whatever the folder holds. Runs are kept short (a few dozen examples)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_chat.core.conversation import (
    Conversation,
    ConversationFormatError,
    FutureSchemaError,
    Message,
)
from desktop_chat.core.json_depth import too_deep
from desktop_chat.core.message_stats import valid_stats
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.reasoning import ANSWER, REASONING, RECLASSIFIED, ReasoningSplitter
from desktop_chat.core.reply import ReplyStream
from desktop_chat.core.settings import SettingsFile, load_settings
from desktop_chat.core.store import ConversationStore, encode

SHORT = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
ON_DISK = settings(SHORT, max_examples=25)  # every example writes, fsyncs and reads files

# What a hostile file holds more often than chance would draw it.
# "\ud83d": half an emoji, which json.dumps escapes and no UTF-8 writer takes back.
hostile = st.sampled_from([10**400, -(10**400), 2**64, -1, float("nan"), float("inf"), "",
                           "cut \ud83d", "\ude00"])
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | hostile
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
# Deeper files are tests of their own (test_store_hostile.py): Hypothesis's report of a
# failing example would itself recurse too deep.
deep = st.sampled_from([60, 70, 100, 200]).map(lambda n: json.loads("[" * n + "]" * n))


def sample_conversation() -> dict:
    conversation = Conversation(title="t", created_at="2026-01-01T00:00:00.000Z",
                                settings={"temperature": 0.5})
    conversation.add(Message(role="user", content="q"))
    conversation.add(Message(role="assistant", content="a", reasoning_content="r",
                             finish_reason="stop", stats={"answer_tokens": 1}))
    return conversation.to_dict()


def replace_fields(base: dict, draw_value) -> st.SearchStrategy[dict]:
    """``base`` with any of its fields (top level, or of its messages) replaced by any
    JSON value: shapes near a valid file reach the decoder's later checks."""
    message_keys = sorted({k for m in base["messages"] for k in m} | {"newer"})
    top = st.dictionaries(st.sampled_from(sorted(base) + ["newer"]), draw_value, max_size=3)
    inner = st.lists(st.tuples(st.integers(0, len(base["messages"]) - 1),
                               st.sampled_from(message_keys), draw_value), max_size=3)

    def build(changes: tuple[dict, list]) -> dict:
        data = json.loads(json.dumps(base))
        data.update(changes[0])
        for index, key, value in changes[1]:
            if isinstance(data.get("messages"), list) and index < len(data["messages"]) \
                    and isinstance(data["messages"][index], dict):
                data["messages"][index][key] = value
        return data

    return st.tuples(top, inner).map(build)


near_valid = replace_fields(sample_conversation(), json_values | deep)


def decodes_or_refuses(data) -> Conversation | None:
    try:
        return Conversation.from_dict(data)
    except ConversationFormatError:
        return None
    except ValueError:  # documented too: a plain list of messages with links
        return None


# ----- the conversation decoder --------------------------------------------------------------

@SHORT
@given(json_values)
def test_any_json_value_decodes_or_is_refused(data):
    decodes_or_refuses(data)


@SHORT
@given(near_valid)
@example({**sample_conversation(), "newer": json.loads("[" * 100 + "]" * 100)})
def test_a_file_near_a_valid_one_decodes_or_is_refused_and_what_decodes_saves(data):
    conversation = decodes_or_refuses(data)
    if conversation is None:
        return
    assert not too_deep(conversation.to_dict())  # it will open at every later start
    for message in conversation.messages:  # the window can show every stat kept
        assert message.stats is None or valid_stats(message.stats) == message.stats
    if not conversation.read_only_reason:
        again = Conversation.from_dict(json.loads(encode(conversation)))
        assert again.to_dict() == conversation.to_dict()


@ON_DISK
@given(st.lists(near_valid | json_values.map(lambda v: {"schema_version": 2, "v": v})
                | st.binary(max_size=40).map(lambda b: b"RAW" + b), min_size=1, max_size=4))
@example([{**sample_conversation(), "title": "cut \ud83d"}])  # the index write raised
def test_the_store_lists_and_opens_whatever_the_folder_holds(files):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, content in enumerate(files):
            raw = content[3:] if isinstance(content, bytes) else _dumps(content)
            (root / f"c{number}.json").write_bytes(raw)
        store = ConversationStore(root)
        listing = store.list()  # the app's start
        assert len(listing.conversations) + len(listing.quarantined) == len(files)
        for summary in listing.conversations:
            try:
                conversation = store.load(summary.id)
            except FutureSchemaError:  # a newer version's: listed read-only, never opened
                assert summary.read_only
                continue
            if not conversation.read_only_reason:
                store.save(conversation)
        assert ConversationStore(root).list().quarantined == []  # each told once


def _dumps(value) -> bytes:
    try:
        return json.dumps(value).encode()
    except (ValueError, RecursionError):  # an int too long for text
        return b"{}"


# ----- settings.json --------------------------------------------------------------------------

model_entries = st.text(max_size=12) | st.sampled_from(
    ["http://", "https://[::1", "http://host:port", "nul\x00", "/models/m", "http://h:1/v1#m"])
settings_values = st.fixed_dictionaries({}, optional={  # values: hostile ones often
    "generation": json_values | st.dictionaries(
        st.sampled_from(["temperature", "top_p", "top_k", "max_new_tokens", "seed",
                         "repetition_penalty", "do_sample", "system_prompt",
                         "context_limit", "thinking_budget", "newer"]),
        hostile | json_values | deep, max_size=4),
    "device": json_values, "dtype": json_values, "theme": json_values,
    "language": json_values, "recent_models": json_values | deep | st.lists(model_entries),
    "last_model_path": model_entries, "models_dir": model_entries,
    "alternatives": hostile | json_values, "newer": json_values | deep,
})


@ON_DISK
@given(settings_values | json_values | st.binary(max_size=60))
@example({"generation": {"temperature": 10**400}, "alternatives": -(10**400)})
@example({"window_geometry": "\ud800", "generation": {"system_prompt": "\udc00"}})
def test_any_settings_file_gives_usable_settings_that_save(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.json"
        path.write_bytes(content if isinstance(content, bytes) else _dumps(content))
        loaded = load_settings(path)
        assert loaded.settings.validated() is loaded.settings
        # every text encodes as UTF-8 (the window .encode()s the geometry at its start)
        json.dumps(loaded.settings.to_dict(), ensure_ascii=False).encode("utf-8")
        for entry in (*loaded.settings.recent_models, loaded.settings.last_model_path or ""):
            ModelSource.parse(entry)  # the recent menu and the start open them
        settings_file = SettingsFile(path)
        settings_file.update_settings(settings_file.settings)
        assert settings_file.problem is None
        assert load_settings(path).notice is None  # repaired once, on disk


# ----- the reasoning splitter ----------------------------------------------------------------

tagged_text = st.lists(st.sampled_from(["<think>", "</think>", "<", "</", "think>", "<th",
                                        "\n", " ", "a", "b c", "思", "🇫🇷", "</thi"]),
                       max_size=14).map("".join)


def chunked(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]


def run_splitter(chunks: list[str], in_reasoning: bool, late: bool):
    splitter = ReasoningSplitter(in_reasoning=in_reasoning, close_without_open=late)
    events = []
    for chunk in chunks:
        events += splitter.feed(chunk)
    events += splitter.finish()
    return splitter, events


def replayed(events) -> tuple[str, str]:
    """What a listener of the events ends up with (a reclassify moves the answer)."""
    reasoning, answer = "", ""
    for kind, text in events:
        if kind == RECLASSIFIED:
            reasoning, answer = reasoning + answer, ""
        elif kind == REASONING:
            reasoning += text
        elif kind == ANSWER:
            answer += text
    return reasoning, answer


@settings(SHORT, max_examples=150)
@given(tagged_text, st.lists(st.integers(min_value=0), max_size=8), st.booleans(),
       st.booleans())
@example("<<think></think>", [2], False, True)  # found by this test: a <think> after text
def test_any_chunking_of_any_text_gives_the_same_split(text, cuts, in_reasoning, late):
    whole, whole_events = run_splitter([text], in_reasoning, late)
    pieces, piece_events = run_splitter(chunked(text, cuts), in_reasoning, late)
    assert (pieces.reasoning, pieces.answer) == (whole.reasoning, whole.answer)
    assert (pieces.kind, pieces.reasoning_closed) == (whole.kind, whole.reasoning_closed)
    assert replayed(piece_events) == replayed(whole_events) == (whole.reasoning, whole.answer)


@SHORT
@given(st.text(max_size=40) | tagged_text, st.lists(st.integers(min_value=0), max_size=8),
       st.booleans(), st.booleans())
def test_a_reply_stream_gives_the_same_result_for_any_chunking(text, cuts, opens, late):
    def result(chunks):
        stream = ReplyStream(lambda event: None)
        stream.begin(opens_reasoning=opens, late_reasoning=late)
        for chunk in chunks:
            stream.tokens(chunk)
        return stream.finish()

    whole, pieces = result([text]), result(chunked(text, cuts))
    assert (pieces.reasoning, pieces.answer, pieces.reasoning_unfinished) == (
        whole.reasoning, whole.answer, whole.reasoning_unfinished)

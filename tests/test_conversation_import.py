"""Export and import without the window: Markdown, the archive, our JSON and ChatGPT's."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import pytest

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.conversation_import import (
    BAD_ZIP,
    CHATGPT_INVALID,
    EMPTY_ARCHIVE,
    INVALID,
    NEWER_VERSION,
    NOT_JSON,
    UNKNOWN_FORMAT,
    ids_in_use,
    read_imports,
)
from desktop_chat.core.export_archive import ArchiveSource, write_archive
from desktop_chat.core.export_markdown import conversation_markdown, file_name_for
from desktop_chat.core.import_chatgpt import chatgpt_conversation, epoch_to_iso
from desktop_chat.core.store import ConversationStore, encode

CHATGPT_EXPORT = Path(__file__).parent / "fixtures" / "chatgpt" / "conversations.json"
KYOTO_ID = "6752f0a1-0c1d-8000-9d2e-3f4a5b6c7d8e"


def branched() -> Conversation:
    """An edited question (two user versions) and a regenerated answer (two answers)."""
    conversation = Conversation(title="Branches 分支", model="tiny-r1")
    question = conversation.add(Message(role="user", content="What is 2 + 2?"))
    conversation.add(Message(role="assistant", content="4", reasoning_content="Add them.",
                             finish_reason="stop", model="tiny-r1"))
    conversation.add(Message(role="user", content="And 3 + 3?"))
    first = conversation.add(Message(role="assistant", content="6", finish_reason="stop",
                                     reasoning_content="Three and three.", model="tiny-r1"))
    conversation.add(Message(role="assistant", content="Six.", finish_reason="cancelled"),
                     parent_id=first.parent_id)
    edited = conversation.add(Message(role="user", content="What is 2 + 3?"),
                              parent_id=question.parent_id)
    conversation.add(Message(role="assistant", content="5", finish_reason="stop",
                             model="other-model"))
    assert edited.parent_id is None
    return conversation


def shape(conversation: Conversation) -> dict:
    """Everything an export and import must keep, ids included."""
    return {
        "title": conversation.title, "model": conversation.model,
        "created_at": conversation.created_at, "updated_at": conversation.updated_at,
        "messages": [(m.id, m.parent_id, m.role, m.content, m.reasoning_content,
                      m.created_at, m.finish_reason, m.model) for m in conversation.messages],
        "path": [m.id for m in conversation.path()],
    }


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def chatgpt_items() -> list[dict]:
    return json.loads(CHATGPT_EXPORT.read_text(encoding="utf-8"))


# ----- Markdown ------------------------------------------------------------------------------

def test_markdown_shows_the_path_shown_with_thinking_folded_or_left_out():
    conversation = branched()
    text = conversation_markdown(conversation)
    assert text.startswith("# Branches 分支\n")
    assert "- Model: tiny-r1" in text and "- Created: " in text and " UTC" in text
    # The path shown: the edited question and its answer, not the first branch.
    assert "What is 2 + 3?" in text and "## Assistant (other-model)\n\n5" in text
    assert "And 3 + 3?" not in text and "What is 2 + 2?" not in text
    conversation.select(conversation.messages[1].id)  # the first question's branch
    text = conversation_markdown(conversation)
    assert "What is 2 + 2?" in text and "Six." in text and "\n6\n" not in text
    assert ("<details><summary>Thinking</summary>\n\nAdd them.\n\n</details>\n\n4"
            in text)
    assert "<details>" not in conversation_markdown(conversation, include_thinking=False)


def test_file_names_from_titles_are_safe():
    assert file_name_for(Conversation(title='a/b: "c"?'), ".md") == "a b c.md"
    assert file_name_for(Conversation(title="  "), ".pdf") == "Untitled.pdf"


@pytest.mark.parametrize("title", ["CON", "nul", "Aux", "com1", "LPT9", "prn.txt"])
def test_a_title_that_windows_reserves_for_a_device_is_not_a_file_name(title):
    """\"CON.md\" is the console on Windows, whatever the suffix: the export wrote there, or
    the archive's entry could not be extracted."""
    name = file_name_for(Conversation(title=title), ".md")
    assert name.split(".")[0].upper() not in {"CON", "NUL", "AUX", "PRN", "COM1", "LPT9"}
    assert title in name


# ----- our JSON --------------------------------------------------------------------------

def test_export_then_import_of_a_branched_conversation_gives_the_same_tree(tmp_path):
    conversation = branched()
    exported = tmp_path / "out.json"
    exported.write_bytes(encode(conversation))
    result = read_imports([exported], taken_ids=set())
    assert result.failures == [] and result.renamed == 0
    [imported] = result.conversations
    assert imported.id == conversation.id
    assert shape(imported) == shape(conversation)
    assert encode(imported) == encode(conversation)  # lossless, byte for byte


def test_an_id_in_use_gets_a_new_one_and_nothing_else_changes(tmp_path):
    conversation = branched()
    store = ConversationStore(tmp_path / "conversations")
    store.save(conversation)
    exported = tmp_path / "out.json"
    exported.write_bytes(encode(conversation))
    taken = ids_in_use(store.root)
    result = read_imports([exported, exported], taken_ids=taken)
    first, second = result.conversations
    assert result.renamed == 2
    assert len({conversation.id, first.id, second.id}) == 3
    assert first.id in taken and second.id in taken
    assert shape(first) == shape(second) == shape(conversation)
    for imported in result.conversations:
        store.save(imported)
    assert store.load(conversation.id) == conversation  # never overwritten
    assert len(store.list().conversations) == 3


def test_version_1_files_are_migrated_on_import(tmp_path):
    v1 = {"schema_version": 1, "id": "old", "title": "Old", "model": None,
          "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:01:00.000Z",
          "messages": [
              {"id": "m1", "role": "user", "content": "Hi", "created_at": "2026-01-01T00:00:00Z"},
              {"id": "m2", "role": "assistant", "content": "Hello", "created_at":
               "2026-01-01T00:00:01Z", "finish_reason": "stop", "reasoning_content": "Greet."},
          ]}
    [imported] = read_imports([write(tmp_path / "old.json", v1)], set()).conversations
    assert [(m.id, m.parent_id) for m in imported.messages] == [("m1", None), ("m2", "m1")]
    assert imported.current_leaf == "m2" and imported.messages[1].reasoning_content == "Greet."


def test_bad_files_are_reported_by_name_and_the_rest_imports(tmp_path):
    good = tmp_path / "good.json"
    good.write_bytes(encode(branched()))
    newer = {**json.loads(encode(branched())), "schema_version": 99}
    broken_tree = json.loads(encode(branched()))
    broken_tree["messages"][1]["parent_id"] = "nowhere"
    (tmp_path / "text.json").write_text("this is not JSON", encoding="utf-8")
    (tmp_path / "fake.zip").write_bytes(b"PK but not really")
    paths = [tmp_path / "text.json", write(tmp_path / "newer.json", newer), good,
             write(tmp_path / "tree.json", broken_tree), write(tmp_path / "other.json", {"a": 1}),
             tmp_path / "fake.zip", tmp_path / "missing.json"]
    result = read_imports(paths, set())
    assert [c.title for c in result.conversations] == ["Branches 分支"]
    reasons = {f.source: f.reason for f in result.failures}
    assert reasons == {"text.json": NOT_JSON, "newer.json": NEWER_VERSION,
                       "tree.json": INVALID, "other.json": UNKNOWN_FORMAT,
                       "fake.zip": BAD_ZIP, "missing.json": "unreadable"}
    tree = next(f for f in result.failures if f.source == "tree.json")
    assert "nowhere" in tree.message and "99" in next(
        f.message for f in result.failures if f.source == "newer.json")


# ----- archives ----------------------------------------------------------------------------

def test_export_all_then_import_the_archive_gives_every_tree_back(tmp_path):
    store = ConversationStore(tmp_path / "conversations")
    conversations = [branched(), branched(), Conversation(title="Empty")]
    conversations[1].title = "Branches 分支"  # the same title twice: two Markdown files
    for conversation in conversations:
        store.save(conversation)
    waiting = branched()  # a save still waiting for the writer: its bytes, not a file
    progress = []
    archive = tmp_path / "all.zip"
    sources = [ArchiveSource(c.id, path=store.path_for(c.id)) for c in conversations]
    sources += [ArchiveSource(waiting.id, data=encode(waiting)),
                ArchiveSource("gone", path=tmp_path / "gone.json")]
    written = write_archive(archive, sources, on_progress=lambda *a: progress.append(a))
    assert written.written == 4 and written.skipped == ["gone"]
    assert progress[-1] == (5, 5)
    with zipfile.ZipFile(archive) as opened:
        names = sorted(opened.namelist())
        assert opened.read(f"conversations/{conversations[0].id}.json") == \
            store.path_for(conversations[0].id).read_bytes()
    assert sorted(n for n in names if n.startswith("markdown/")) == [
        "markdown/Branches 分支 (2).md", "markdown/Branches 分支 (3).md",
        "markdown/Branches 分支.md", "markdown/Empty.md"]
    result = read_imports([archive], set())
    assert result.failures == []
    by_id = {c.id: c for c in result.conversations}
    for original in [*conversations, waiting]:
        assert shape(by_id[original.id]) == shape(original)


def test_an_archive_with_nothing_to_import_says_so(tmp_path):
    archive = tmp_path / "notes.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("readme.txt", "hello")
    [failure] = read_imports([archive], set()).failures
    assert failure.reason == EMPTY_ARCHIVE and failure.source == "notes.zip"


# ----- ChatGPT -------------------------------------------------------------------------------

def test_a_chatgpt_export_keeps_the_tree_the_current_path_times_and_thinking():
    kyoto = chatgpt_conversation(chatgpt_items()[0])
    assert kyoto.id == KYOTO_ID and kyoto.title == "Two days in Kyoto"
    assert kyoto.created_at == "2023-11-14T22:13:20.000Z" == epoch_to_iso(1700000000.0)
    assert kyoto.updated_at == "2023-11-14T22:28:20.250Z" and kyoto.model == "o3"
    # The system and custom-instruction nodes, the thoughts, the recap, the tool call and
    # the tool's output are gone; what hung from them hangs from the nearest kept message.
    tree = [(m.id, m.parent_id, m.role) for m in kyoto.messages]
    assert tree == [
        ("u-1", None, "user"), ("a-1", "u-1", "assistant"),
        ("u-2a", "a-1", "user"), ("a-2a", "u-2a", "assistant"),  # before the edit
        ("u-2b", "a-1", "user"),  # the edited question
        ("a-2b1", "u-2b", "assistant"), ("a-2b2", "u-2b", "assistant"),  # regenerated
    ]
    assert [m.id for m in kyoto.path()] == ["u-1", "a-1", "u-2b", "a-2b2"]
    assert [m.id for m in kyoto.siblings("u-2b")] == ["u-2a", "u-2b"]
    answers = {m.id: m for m in kyoto.messages}
    assert answers["u-1"].created_at == "2023-11-14T22:13:30.500Z"
    assert answers["a-2b1"].content == "汤豆腐和抹茶甜点。"
    assert answers["a-2b1"].reasoning_content == (
        "**Recalling Kyoto food**\n\nYudofu, matcha sweets and kaiseki come to mind.")
    assert answers["a-2b2"].reasoning_content.startswith("**Checking the web**")
    assert answers["a-1"].reasoning_content is None
    assert (answers["a-1"].model, answers["a-1"].finish_reason) == ("gpt-4o", "stop")
    assert (answers["a-2b2"].model, answers["a-2b2"].finish_reason) == ("o3", "cancelled")


def test_a_chatgpt_conversation_without_a_title_takes_its_first_question():
    photo = chatgpt_conversation(chatgpt_items()[1])
    assert photo.title == "What is in this picture?"
    assert photo.messages[0].content == "[image]\n\nWhat is in this picture?"
    assert photo.messages[1].content == "```python\nprint('a cat')\n```"


def test_the_chatgpt_export_zip_imports_only_its_conversations(tmp_path):
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.write(CHATGPT_EXPORT, "conversations.json")
        opened.writestr("user.json", json.dumps({"email": "me@example.com"}))
        opened.writestr("message_feedback.json", "[]")
        opened.writestr("chat.html", "<html></html>")
        opened.writestr("file-abc.png", b"\x89PNG")
    result = read_imports([archive], set())
    assert result.failures == []
    assert [c.title for c in result.conversations] == ["Two days in Kyoto",
                                                       "What is in this picture?"]
    assert shape(result.conversations[0]) == shape(chatgpt_conversation(chatgpt_items()[0]))


def _malformed() -> dict[str, object]:
    item = chatgpt_items()[0]
    no_mapping = {k: v for k, v in item.items() if k != "mapping"}
    cycle = copy.deepcopy(item)
    cycle["mapping"]["client-created-root"]["parent"] = "a-2b2"
    dangling = copy.deepcopy(item)
    dangling["mapping"]["u-2a"]["parent"] = "deleted-node"
    wrong_children = copy.deepcopy(item)
    wrong_children["mapping"]["a-1"]["children"] = "u-2a"
    wrong_content = copy.deepcopy(item)
    wrong_content["mapping"]["u-1"]["message"]["content"] = ["Plan two days"]
    mapping_list = {**item, "mapping": list(item["mapping"].values())}
    only_system = copy.deepcopy(item)
    only_system["mapping"] = {k: v for k, v in item["mapping"].items()
                              if k in ("client-created-root", "sys-1")}
    only_system["mapping"]["sys-1"]["children"] = []
    return {"no mapping": no_mapping, "cycle": cycle, "dangling": dangling,
            "wrong children": wrong_children, "wrong content": wrong_content,
            "mapping list": mapping_list, "only system": only_system}


@pytest.mark.parametrize(("case", "words"), [
    ("no mapping", "'mapping' is missing"), ("cycle", "cycle"),
    ("dangling", "'deleted-node' is missing"), ("wrong children", "'children'"),
    ("wrong content", "'content' should be an object"),
    ("mapping list", "'mapping' should be an object"),
    ("only system", "no messages to show"),
])
def test_a_malformed_chatgpt_conversation_is_reported_and_the_rest_imports(
        tmp_path, case, words):
    broken = {**_malformed()[case], "title": f"Broken: {case}"}
    export = write(tmp_path / "conversations.json", [broken, chatgpt_items()[1], "junk"])
    result = read_imports([export], set())
    assert [c.title for c in result.conversations] == ["What is in this picture?"]
    first, junk = result.failures
    assert first.source == f"conversations.json › “Broken: {case}”"
    assert first.reason == CHATGPT_INVALID and words in first.message, first.message
    assert junk.source == "conversations.json › #3" and junk.reason == CHATGPT_INVALID


def test_a_missing_current_node_shows_the_newest_branch():
    item = chatgpt_items()[0]
    item["current_node"] = "no-such-node"
    assert chatgpt_conversation(item).current_leaf == "a-2b2"
    item["current_node"] = "tool-2"  # a skipped node: its nearest kept ancestor
    assert chatgpt_conversation(item).current_leaf == "u-2b"


def test_a_cancelled_export_all_leaves_nothing_behind(tmp_path):
    import threading

    from desktop_chat.core.export_archive import ExportCancelled

    cancel = threading.Event()
    cancel.set()
    target = tmp_path / "all.zip"
    with pytest.raises(ExportCancelled):
        write_archive(target, [ArchiveSource("x", data=encode(branched()))], cancel=cancel)
    assert list(tmp_path.iterdir()) == []  # neither the archive nor its temp file


def test_a_file_of_the_current_release_imports_as_one_path():
    release_file = Path(__file__).parent / "fixtures" / "conversation_v1.json"
    data = json.loads(release_file.read_text(encoding="utf-8"))
    [imported] = read_imports([release_file], set()).conversations
    assert [m.id for m in imported.path()] == [m["id"] for m in data["messages"]]
    assert imported.title == data["title"] and imported.created_at == data["created_at"]


def test_text_before_and_after_a_tool_call_is_one_answer():
    item = chatgpt_items()[0]
    mapping = item["mapping"]
    preface = copy.deepcopy(mapping["a-2b2"])
    preface.update(id="pre-2", parent="th-2", children=["call-2"])
    preface["message"].update(id="pre-2", content={"content_type": "text",
                                                   "parts": ["Let me check the web."]})
    mapping["pre-2"] = preface
    mapping["th-2"]["children"] = ["pre-2"]
    mapping["call-2"]["parent"] = "pre-2"
    kyoto = chatgpt_conversation(item)
    assert [m.id for m in kyoto.path()] == ["u-1", "a-1", "u-2b", "pre-2"]
    answer = kyoto.find("pre-2")
    assert answer.content == ("Let me check the web.\n\n"
                              "Yudofu in Nanzen-ji and matcha sweets in Uji.")
    assert answer.reasoning_content.startswith("**Checking the web**")
    assert answer.finish_reason == "cancelled"
    # Regenerated answers are versions, never joined.
    assert [m.id for m in kyoto.siblings("pre-2")] == ["a-2b1", "pre-2"]


def test_a_chatgpt_export_with_half_an_emoji_imports_and_saves(tmp_path):
    """ChatGPT exports hold cut emoji as a "\\ud83d" escape: the conversation imported,
    then every save of it failed (UnicodeEncodeError)."""
    from desktop_chat.core.store import ConversationStore

    item = chatgpt_items()[0]
    item["title"] = "cut \ud83d"
    item["mapping"]["u-1"]["message"]["content"]["parts"] = ["half \ude00 an emoji"]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([item]), encoding="ascii")  # the escapes as ChatGPT writes
    [imported] = read_imports([path], set()).conversations
    store = ConversationStore(tmp_path / "store")
    store.save(imported)  # raised
    assert ConversationStore(store.root).load(imported.id).title == "cut \ufffd"

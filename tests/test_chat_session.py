"""The chat session and the conversation list without a model (a stand-in worker): what
another writer changed shows up in the window's list and open conversation; closing never
waits long on the disk."""

import dataclasses
import errno
import time

import pytest
from PySide6.QtCore import QObject, Signal
from test_store_concurrent import contents, started

from desktop_chat.core import search_index
from desktop_chat.core import store as store_module
from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.settings import SettingsFile
from desktop_chat.core.store import ConversationStore
from desktop_chat.ui.controllers.chat_session import ChatSession
from desktop_chat.ui.controllers.conversation_list import ConversationListController
from desktop_chat.workers.saves import SaveWorker
from desktop_chat.workers.search import SearchWorker


class StandInWorker(QObject):
    """The inference worker's signals and requests (ui/ports.py InferencePort); it never
    answers, and remembers what it was asked for."""

    engine_ready = Signal()
    engine_failed = Signal(object, str)
    model_state_changed = Signal(object)
    load_progressed = Signal(float, object)
    model_loaded = Signal(object, int)
    model_load_failed = Signal(object)
    chunk_received = Signal(str, str)
    answer_was_reasoning = Signal()
    prefill_progressed = Signal(int, int)
    generation_finished = Signal(object)
    generation_failed = Signal(object, object)
    alternative_chunk_received = Signal(int, str, str)
    alternative_was_reasoning = Signal(int)
    alternative_finished = Signal(object)
    alternatives_finished = Signal(int)
    server_models_listed = Signal(str, object, object)
    model_facts_read = Signal(object)
    stopped = Signal()
    running = True  # the port's property: the worker's thread runs

    def __init__(self) -> None:
        super().__init__()
        self.requests: list = []  # what the session asked for; nothing is answered

    def request_load(self, request):
        self.requests.append(request)
        return len(self.requests)

    def cancel_load(self):
        pass

    def request_generation(self, request):
        self.requests.append(request)

    def cancel(self):
        pass

    def answer_now(self):
        pass

    def request_server_models(self, base_url, api_key=""):
        pass

    def request_model_facts(self, entries, device="auto", dtype="auto", context_limit=0):
        pass

    def stop(self):
        self.running = False


class StandInCounter(QObject):
    """Token counting (ui/ports.py TokenCountPort) that never answers."""

    counted = Signal(object)

    def request(self, history, draft, settings):
        return 0


def controller_with_stand_ins(folder, tmp_path):
    """A chat session over ``folder`` with the real writer and search threads, as app.py
    wires them, and a worker that never answers."""
    store = ConversationStore(folder)
    search = SearchWorker(store, tmp_path / "cache" / "search.sqlite3")
    saves = SaveWorker(store, on_written=search.take_in)
    conversations = ConversationListController(store, saves, search)
    return ChatSession(conversations, StandInWorker(), StandInCounter(),
                       SettingsFile(tmp_path / "settings.json"))


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "conversations"


@pytest.fixture
def chat(qtbot, folder, tmp_path):
    folder.mkdir(parents=True, exist_ok=True)
    controller = controller_with_stand_ins(folder, tmp_path)
    yield controller
    controller.conversations.shutdown()


def listed(chat):
    return {s.id: (s.title, s.message_count) for s in chat.conversations.list_conversations()}


def test_our_version_saved_as_a_copy_is_listed_opened_and_saved_to(qtbot, chat, folder):
    started(folder)
    problems = []
    chat.problem.connect(problems.append)
    chat.conversations.problem.connect(problems.append)  # the writer's outcomes
    chat.open_conversation("shared")
    two = ConversationStore(folder)  # another window changes the same message its way
    theirs = two.load("shared")
    theirs.messages[0].content = "two's version"
    two.save(theirs)
    chat.current.messages[0] = dataclasses.replace(chat.current.messages[0],
                                                   content="one's version")
    chat.rename("shared", "Mine")
    assert chat.conversations.flush_saves()
    qtbot.waitUntil(lambda: chat.current.id != "shared", timeout=5000)
    copy_id = chat.current.id
    assert any("saved as a copy" in p for p in problems)
    assert listed(chat) == {"shared": ("shared", 1), copy_id: ("Mine (copy)", 1)}
    assert contents(folder) == ["two's version"]
    assert contents(folder, copy_id) == ["one's version"]

    chat.new_conversation()  # away and back: each opens its own version
    chat.open_conversation(copy_id)
    assert chat.current.messages[0].content == "one's version"
    chat.rename(copy_id, "Mine, kept")  # later saves go to the copy; no second copy
    assert chat.conversations.flush_saves()
    assert contents(folder, copy_id) == ["one's version"]
    assert sorted(p.stem for p in folder.glob("*.json") if p.stem != "index") == sorted(
        ["shared", copy_id])
    chat.open_conversation("shared")
    assert chat.current.messages[0].content == "two's version"
    assert chat.current.title == "shared"


def test_the_open_conversation_takes_in_messages_merged_from_another_writer(
        qtbot, chat, folder):
    started(folder)
    chat.open_conversation("shared")
    two = ConversationStore(folder)
    theirs = two.load("shared")
    theirs.add(Message(role="user", content="from two"))
    two.save(theirs)
    with qtbot.waitSignal(chat.conversation_reloaded, timeout=5000) as reloaded:
        chat.rename("shared", "Mine")  # our save merges their message in
    assert reloaded.args[0] is chat.current
    assert [m.content for m in chat.current.messages] == ["first", "from two"]
    assert listed(chat) == {"shared": ("Mine", 2)}
    chat.current.add(Message(role="user", content="from one"))
    chat.rename("shared", "Mine again")  # saving again keeps theirs, no copy
    assert chat.conversations.flush_saves()
    assert contents(folder) == ["first", "from two", "from one"]


def test_closing_after_choosing_to_lose_unsaved_work_does_not_wait(
        qtbot, chat, folder, monkeypatch):
    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "write_atomic", full)
    conversation = Conversation(title="never saved")
    conversation.add(Message(role="user", content="hello"))
    chat.conversations.saver.save(conversation)
    assert not chat.conversations.flush_saves(1.0)
    reports = []
    chat.conversations.saves._relay.saved.connect(lambda *args: reports.append(args))
    begun = time.monotonic()
    chat.conversations.shutdown(save_seconds=0.1)
    assert time.monotonic() - begun < 1.0
    qtbot.wait(200)  # reports sent before shutdown() returned arrive (queued)
    before = len(reports)
    assert chat.conversations.saver.on_done is None
    assert chat.conversations.searcher.on_result is None
    chat.conversations.saver.retry()
    qtbot.wait(300)
    assert len(reports) == before  # nothing reports once shut down
    assert chat.conversations.flush_saves(5.0) is False  # returns at once: the writer is gone


def test_closing_during_a_long_first_index_build_does_not_wait(
        qtbot, folder, tmp_path, monkeypatch):
    store = ConversationStore(folder)
    for n in range(40):
        store.save(Conversation(title=f"c{n}", messages=[Message(role="user", content="x")]))
    real = search_index.read_indexed_text

    def slow(path):
        time.sleep(0.1)
        return real(path)

    monkeypatch.setattr(search_index, "read_indexed_text", slow)
    chat = controller_with_stand_ins(folder, tmp_path)
    answers = []
    chat.conversations.search_finished.connect(answers.append)
    chat.conversations.request_search("c1")
    qtbot.wait(150)
    begun = time.monotonic()
    chat.conversations.shutdown()
    assert time.monotonic() - begun < 1.0  # not 40 x 0.1 s
    qtbot.wait(300)
    assert answers == []

"""The app streaming a reply is SIGKILLed at random moments: nothing saved is ever torn.

Each run is a real app process (the window, the worker, the tiny model) that saves drafts
every 50 ms while a long reply streams, killed at a random moment of the stream. The
processes are forked from a server that has imported torch, transformers and Qt once, so
50 runs take a few minutes rather than fifty torch imports.
"""

import json
import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest
from conftest import TINY_R1

from desktop_chat.core.atomic_file import TEMP_PREFIX
from desktop_chat.core.conversation import Conversation

RUNS = 50
START_TIMEOUT_S = 120
PRELOAD = ["torch", "transformers", "transformers.models.qwen2.modeling_qwen2",
           "PySide6.QtWidgets", "desktop_chat.app",
           "desktop_chat.engine.transformers_engine.chat", "fault_child"]


def streamed(log: Path) -> tuple[str | None, str, str, bool]:
    """From the child's log: conversation id, reasoning and answer streamed, finished."""
    conversation, parts, finished = None, {"reasoning": "", "answer": ""}, False
    for line in log.read_text().splitlines():
        event = json.loads(line)
        if "conversation" in event:
            conversation = event["conversation"]
        elif "kind" in event:
            parts[event["kind"]] += event["text"]
        elif event.get("answer_was_reasoning"):
            parts = {"reasoning": parts["reasoning"] + parts["answer"], "answer": ""}
        elif event.get("finished"):
            finished = True
    return conversation, parts["reasoning"], parts["answer"], finished


def chunks_in(log: Path) -> int:
    return log.read_text().count('"kind"') if log.exists() else 0


def kill_while_streaming(context, data_dir: Path, log: Path, after_chunks: int) -> None:
    import fault_child

    child = context.Process(target=fault_child.run, args=(
        str(TINY_R1), str(data_dir), "Tell me a long story about a lighthouse.", str(log)))
    child.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while chunks_in(log) < after_chunks and child.is_alive():
            assert time.monotonic() < deadline, "the child app never streamed"
            assert not (log.exists() and '"finished"' in log.read_text()), \
                "the reply ended before the kill"
            time.sleep(0.005)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
    assert child.exitcode == -signal.SIGKILL, f"the child ended by itself: {child.exitcode}"


def check_every_file(folder: Path) -> dict[str, Conversation]:
    conversations = {}
    for path in folder.glob("*.json"):
        if path.name.startswith(TEMP_PREFIX):
            continue  # a write the kill interrupted: never read, cleaned up later
        text = path.read_text(encoding="utf-8")
        try:
            data = json.loads(text)  # every file parses
        except ValueError as error:
            raise AssertionError(f"{path.name} is torn: {error}: {text[:200]!r}") from None
        if path.name != "index.json":
            conversations[path.stem] = Conversation.from_dict(data)
    return conversations


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX")
def test_sigkill_while_a_reply_streams_never_tears_a_file_nor_saves_unstreamed_text(
        tmp_path, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.syspath_prepend(str(Path(__file__).parent))  # fault_child, for the server
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    data_dir = tmp_path / "data"
    rng = random.Random(20261129)
    saved_drafts = 0
    for run in range(RUNS):
        log = tmp_path / f"run{run}.jsonl"
        # Mostly mid-stream; now and then right at the start of the reply.
        kill_while_streaming(context, data_dir, log, after_chunks=rng.choice(
            [1, 2, *range(4, 64)]))
        conversations = check_every_file(data_dir / "conversations")
        conversation_id, reasoning, answer, finished = streamed(log)
        assert not finished, f"run {run}: the reply ended before the kill"
        saved = conversations.get(conversation_id)
        assert saved is not None and saved.messages[0].role == "user", \
            f"run {run}: the question was lost"
        if len(saved.messages) == 2:  # a draft of the reply was saved
            saved_drafts += 1
            draft = saved.messages[1]
            assert reasoning.strip().startswith(draft.reasoning_content or ""), f"run {run}"
            assert answer.strip().startswith(draft.content), f"run {run}"
    assert saved_drafts > RUNS // 2, "kills should mostly land after drafts were saved"

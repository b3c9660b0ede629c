"""GUI-thread cost of streaming a long reply into a long conversation.

    python dev.py bench ui_streaming [--messages 200] [--tokens 2000]

Offscreen, in the real window: a conversation of 200 messages (code blocks, tables,
reasoning) is opened (timed), then a 2,000-token reply (600 of reasoning, then a Markdown
answer with code) is streamed into it as the worker delivers it: chunks of ~3 tokens, each
delivered at the worker's pace (one per 30 ms), each handled on the GUI thread with the
layout and paint it causes, throttled Markdown renders included. Prints the longest
GUI-thread stall (target <= 33 ms) and the GUI-thread time per chunk at message 200 over
the same reply streamed after a single question (target <= 1.5). Takes about a minute.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_chat.app import create_main_window  # noqa: E402
from desktop_chat.core.conversation import Conversation, Message  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402

CODE = "```python\ndef area(r):\n    return 3.14159 * r * r\n```\n"
TABLE = "| shape | area |\n|---|---|\n| circle | πr² |\n| square | a² |\n"
CHUNK_INTERVAL_S = 0.030  # the worker sends at most one chunk per 30 ms
WORDS = ("the model considers each part of the question and writes a careful answer "
         "with examples and numbers like 42 and 3.14 ").split()


def reply_chunks(tokens: int) -> list[tuple[str, str]]:
    """What the worker sends for a reply: (kind, text) chunks of ~3 tokens."""
    reasoning_tokens = min(600, tokens // 3)
    reasoning = [" ".join(WORDS[(i * 3 + j) % len(WORDS)] for j in range(3))
                 + ("\n\n" if i % 30 == 29 else " ")  # R1 thinks in paragraphs
                 for i in range(reasoning_tokens // 3)]
    answer_text = []
    n = 0
    while n < tokens - reasoning_tokens:
        if n % 300 == 0:
            answer_text.append("\n\n" + CODE + "\n")
            n += 25
        elif n % 450 == 10:
            answer_text.append("\n\n" + TABLE + "\n")
            n += 30
        else:
            answer_text.append(" ".join(WORDS[(n + j) % len(WORDS)] for j in range(3)) + " ")
            n += 3
    return [("reasoning", t) for t in reasoning] + [("answer", t) for t in answer_text]


def seed(store: ConversationStore, messages: int) -> str:
    """A conversation of ``messages`` messages ending with a question (the reply's)."""
    conversation = Conversation(title="A long conversation")
    for i in range(messages // 2):
        conversation.add(Message(role="user", content=f"Question {i}: how do I compute areas?"))
        conversation.add(Message(
            role="assistant", content=f"Answer {i}.\n\n{CODE}\n{TABLE}\nThat is all.",
            reasoning_content="Think about shapes. " * 20, finish_reason="stop",
            stats={"thinking_s": 3.0, "answer_tokens": 60, "decode_tokens_per_s": 30.0}))
    conversation.add(Message(role="user", content="And now a long answer, please."))
    store.save(conversation)
    return conversation.id


def stream(app: QApplication, window, chunks: list[tuple[str, str]],
           interval_s: float = CHUNK_INTERVAL_S) -> tuple[list[float], float]:
    """Deliver chunks at the worker's pace; time every burst of GUI-thread work.

    Returns the duration of each burst (a chunk's handling with the layout and paint it
    causes, or a throttled Markdown render firing between chunks) and the busy time per
    chunk.
    """
    window.view.start_assistant_message()
    app.processEvents()
    bursts = []
    due = time.perf_counter()
    for kind, text in chunks:
        while time.perf_counter() < due:  # idle until the next chunk: timers fire here
            start = time.perf_counter()
            app.processEvents()
            spent = time.perf_counter() - start
            if spent > 0.0005:
                bursts.append(spent)
            time.sleep(0.0005)
        start = time.perf_counter()
        window.view.append_chunk(kind, text)
        app.processEvents()
        bursts.append(time.perf_counter() - start)
        due += interval_s
    live = window.view.live
    start = time.perf_counter()
    window.view.finish_live_message(Message(
        role="assistant", content=live.answer_markdown(),
        reasoning_content=live.thinking.reasoning() if live.thinking else None,
        finish_reason="stop", stats={"thinking_s": 10.0}))
    app.processEvents()
    bursts.append(time.perf_counter() - start)
    return bursts, sum(bursts) / len(chunks)


def shown_window(app: QApplication, data_dir: str):
    """The app's own window on ``data_dir``, at a laptop's size, painted once."""
    window = create_main_window(["--data-dir", data_dir])
    window.resize(1180, 860)
    window.show()
    app.processEvents()
    return window


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=2000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    chunks = reply_chunks(args.tokens)
    with tempfile.TemporaryDirectory() as folder:
        window = shown_window(app, folder)
        store = window.conversations.store

        window.chat.open_conversation(seed(store, 0))  # the reply is message 2 of 2
        app.processEvents()
        stream(app, window, reply_chunks(800))  # warm up: fonts, lexers, first code and table
        window.chat.open_conversation(seed(store, 0))
        app.processEvents()
        baseline, baseline_cost = stream(app, window, chunks)

        conversation_id = seed(store, args.messages)
        start = time.perf_counter()
        window.chat.open_conversation(conversation_id)
        app.processEvents()
        open_s = time.perf_counter() - start

        long, long_cost = stream(app, window, chunks)
        window.close()

    print(f"reply: {args.tokens} tokens in {len(chunks)} chunks, into a conversation of "
          f"{args.messages} messages and into one of a single question (\"message 1\")")
    print(f"open the {args.messages}-message conversation: {open_s * 1000:.0f} ms")
    print(f"longest GUI-thread stall while streaming at message {args.messages}: "
          f"{max(long) * 1000:.1f} ms (target <= 33 ms); at message 1: "
          f"{max(baseline) * 1000:.1f} ms")
    print(f"GUI-thread time per chunk at message {args.messages}: {long_cost * 1000:.2f} ms, "
          f"at message 1: {baseline_cost * 1000:.2f} ms -> ratio "
          f"{long_cost / baseline_cost:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()

"""Opening a branched conversation and switching between its versions.

    python dev.py bench branches [--branches 5] [--messages 200]

Offscreen, in the real window. A conversation of N messages (code, tables, reasoning):
a trunk of 40, then B branches that part at the trunk's last question (each a version of
its answer, going on for (N - 40) / B messages). Prints:
- the time from asking to open it to its first paint (the path shown is the trunk and
  the newest branch), and the view's share of it;
- the time of a version switch on the answer where the branches part, to the paint of
  the other branch (ChatController.switch_version: select, save queued, view.show_path,
  arrows), at the bottom of the conversation and with that answer at the top of the view;
- the time of Conversation.path() and core.versions.version_positions on the tree.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from long_conversation import open_timed, settle  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_streaming import CODE, TABLE, shown_window  # noqa: E402

from desktop_chat.core.conversation import Conversation, Message  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402
from desktop_chat.core.versions import version_positions  # noqa: E402

TRUNK = 40


def answer(i: int, branch: int) -> Message:
    return Message(role="assistant", content=f"Answer {i} (branch {branch}).\n\n{CODE}\n{TABLE}",
                   reasoning_content="Think about shapes. " * 20, finish_reason="stop",
                   stats={"thinking_s": 3.0, "answer_tokens": 60, "decode_tokens_per_s": 30.0},
                   model="/models/DeepSeek-R1-Distill-Qwen-1.5B")


def seed(store: ConversationStore, messages: int, branches: int) -> tuple[str, str]:
    """The conversation's id, and the id of the answer where the branches part."""
    conversation = Conversation(title="A branched conversation")
    for i in range(TRUNK // 2 - 1):
        conversation.add(Message(role="user", content=f"Question {i}: how do I compute areas?"))
        conversation.add(answer(i, 0))
    fork_point = conversation.add(Message(role="user", content="And the last question?"))
    per_branch = (messages - TRUNK + 1) // branches
    first_answers = []
    for branch in range(branches):
        first_answers.append(conversation.add(answer(TRUNK, branch), parent_id=fork_point.id))
        for i in range(1, per_branch, 2):
            conversation.add(Message(role="user", content=f"Follow-up {i} on branch {branch}"))
            conversation.add(answer(TRUNK + i, branch))
    store.save(conversation)
    return conversation.id, first_answers[-1].id


def switch_timed(app: QApplication, window, message_id: str, step: int) -> float:
    start = time.perf_counter()
    window.chat.switch_version(message_id, step)
    app.processEvents()
    window.repaint()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--branches", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = shown_window(app, folder)
        store = window.conversations.store
        warm, _ = seed(store, 60, 2)  # fonts, lexers, the first code block and table
        window.chat.open_conversation(warm)
        settle(app, 0.5)
        conversation_id, parting = seed(store, args.messages, args.branches)
        total, view_share = open_timed(app, window, conversation_id)
        conversation = window.chat.current
        path = conversation.path()
        print(f"{len(conversation.messages)} messages in {args.branches} branches, "
              f"{len(path)} on the path shown")
        print(f"open to first paint: {total * 1000:.1f} ms (show_messages "
              f"{view_share * 1000:.1f} ms); {len(window.view.message_widgets())} widgets")
        settle(app, 0.5)
        linear = Conversation(title="The same path, without branches",
                              messages=[dataclasses.replace(m, parent_id=None) for m in path])
        store.save(linear)
        window.conversations.reread()
        reference, _ = open_timed(app, window, linear.id)
        print(f"for comparison, the path alone as a linear conversation: "
              f"{reference * 1000:.1f} ms")
        window.chat.open_conversation(conversation_id)
        settle(app, 0.5)

        at_bottom = []
        for _ in range(args.repeat):  # back and forth between the last two branches
            at_bottom.append(switch_timed(app, window, parting, -1))
            settle(app, 0.2)
            parting = conversation.path()[TRUNK - 1].id
            at_bottom.append(switch_timed(app, window, parting, +1))
            settle(app, 0.2)
            parting = conversation.path()[TRUNK - 1].id
        print(f"version switch at the bottom: median {statistics.median(at_bottom) * 1000:.1f}"
              f" ms, max {max(at_bottom) * 1000:.1f} ms")

        view = window.view
        view.scroll_to(view.slot_layout.tops[TRUNK - 1])  # the parting answer at the top
        settle(app, 0.5)
        in_view = []
        for _ in range(args.repeat):
            in_view.append(switch_timed(app, window, parting, -1))
            settle(app, 0.2)
            parting = conversation.path()[TRUNK - 1].id
            in_view.append(switch_timed(app, window, parting, +1))
            settle(app, 0.2)
            parting = conversation.path()[TRUNK - 1].id
        print(f"version switch in view: median {statistics.median(in_view) * 1000:.1f} ms, "
              f"max {max(in_view) * 1000:.1f} ms")

        start = time.perf_counter()
        for _ in range(100):
            version_positions(conversation, conversation.path())
        print(f"path() + version_positions: {(time.perf_counter() - start) * 10:.2f} ms")
        window.conversations.flush_saves()
        window.close()


if __name__ == "__main__":
    main()

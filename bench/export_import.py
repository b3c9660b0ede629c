"""Export and import figures: Export All of many conversations, importing that zip back,
importing a ChatGPT export of as many, and one long conversation as Markdown and PDF.

    python dev.py bench export_import [--count 2000]

Everything here runs off the GUI thread in the app (the PDF excepted: Qt's fonts), so
these are waits behind a progress dialog, not frozen windows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_chat.core.conversation import Conversation, Message  # noqa: E402
from desktop_chat.core.conversation_import import read_imports  # noqa: E402
from desktop_chat.core.export_archive import ArchiveSource, write_archive  # noqa: E402
from desktop_chat.core.export_markdown import conversation_markdown  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402

ANSWER = ("Here is a function:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\n"
          "It adds two numbers. " * 3)


def conversation(n: int, turns: int = 10) -> Conversation:
    """``turns`` questions and answers, the last answer regenerated once (a branch)."""
    conversation = Conversation(title=f"Conversation number {n}")
    for turn in range(turns):
        conversation.add(Message(role="user", content=f"Question {turn} about topic {n}?"))
        answer = conversation.add(Message(role="assistant", content=ANSWER,
                                          reasoning_content="Let me think. " * 20,
                                          finish_reason="stop"))
    conversation.add(Message(role="assistant", content="Another answer.", finish_reason="stop"),
                     parent_id=answer.parent_id)
    return conversation


def chatgpt_item(n: int, turns: int = 10) -> dict:
    mapping = {"root": {"id": "root", "message": None, "parent": None, "children": []}}
    parent = "root"
    for i in range(turns * 2):
        node_id = f"n{i}"
        role = "user" if i % 2 == 0 else "assistant"
        text = f"Question {i} about {n}?" if role == "user" else ANSWER
        mapping[node_id] = {"id": node_id, "parent": parent, "children": [], "message": {
            "id": node_id, "author": {"role": role}, "create_time": 1.7e9 + i,
            "content": {"content_type": "text", "parts": [text]}, "metadata": {},
            "recipient": "all"}}
        mapping[parent]["children"].append(node_id)
        parent = node_id
    return {"title": f"Chat {n}", "create_time": 1.7e9, "update_time": 1.7e9 + 99,
            "mapping": mapping, "current_node": parent, "id": f"chatgpt-{n}"}


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        store = ConversationStore(root / "conversations")
        for n in range(count):
            store.save(conversation(n))
        sources = [ArchiveSource(s.id, path=store.path_for(s.id))
                   for s in store.list().conversations]
        archive = root / "all.zip"
        timed(f"Export All, {count} conversations of 21 messages (JSON + Markdown)",
              lambda: write_archive(archive, sources))
        print(f"  archive size: {archive.stat().st_size / 1e6:.1f} MB")
        result = timed(f"Import that zip ({count} conversations, all ids taken)",
                       lambda: read_imports([archive], {s.conversation_id for s in sources}))
        assert len(result.conversations) == count and not result.failures
        export = root / "conversations.json"
        export.write_text(json.dumps([chatgpt_item(n) for n in range(count)]), encoding="utf-8")
        print(f"  ChatGPT export size: {export.stat().st_size / 1e6:.1f} MB")
        result = timed(f"Import a ChatGPT export of {count} conversations",
                       lambda: read_imports([export], set()))
        assert len(result.conversations) == count and not result.failures
        long = conversation(0, turns=100)
        timed("Markdown of a 201-message conversation",
              lambda: conversation_markdown(long))
        from PySide6.QtWidgets import QApplication

        from desktop_chat.ui.render.export_pdf import conversation_pdf

        app = QApplication.instance() or QApplication([])  # noqa: F841 (fonts need it)
        pdf = timed("PDF of the same conversation (GUI thread)", lambda: conversation_pdf(long))
        print(f"  PDF size: {len(pdf) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()

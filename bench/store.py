"""Conversation store figures: listing 5,000 conversations and saving one message.

    python dev.py bench store [--count 5000]

Prints the time to list (cold: a new store rebuilding its index from every file; warm:
a new store with an up-to-date index, as at app start; repeat: the same store again) and
the time to save one message into a conversation, at a small and at the full count, so you
can see that saving does not grow with the number of conversations.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.conversation import Conversation, Message  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402

ANSWER = ("Here is a function:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\n"
          "It adds two numbers. " * 3)


def conversation(n: int) -> Conversation:
    stamp = f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.000Z"
    conversation = Conversation(title=f"Conversation number {n}", created_at=stamp)
    for turn in range(10):
        conversation.add(Message(role="user", content=f"Question {turn} about topic {n}?",
                                 created_at=stamp))
        conversation.add(Message(role="assistant", content=ANSWER,
                                 reasoning_content="Let me think about it. " * 20,
                                 created_at=stamp, finish_reason="stop"))
    return conversation


def timed(action, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def save_one_message(store: ConversationStore, target: Conversation) -> float:
    def action() -> None:
        target.add(Message(role="user", content="one more question"))
        store.save(target)
    return timed(action, repeat=21)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "conversations"
        store = ConversationStore(root)
        small = 100
        for n in range(small):
            store.save(conversation(n))
        target = conversation(-1)
        store.save(target)
        store.list()
        save_small = save_one_message(store, target)
        start = time.perf_counter()
        for n in range(small, count):
            store.save(conversation(n))
        fill = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in root.glob("*.json")) / 1e6
        (root / "index.json").unlink()
        cold = timed(lambda: ConversationStore(root).list())
        warm = timed(lambda: ConversationStore(root).list(), repeat=5)
        listing = ConversationStore(root).list()
        assert len(listing.conversations) == count + 1
        repeat = timed(store.list, repeat=5)
        save_full = save_one_message(store, target)
    print(f"conversations:              {count} x 20 messages ({size_mb:.0f} MB, "
          f"filled in {fill:.1f} s)")
    print(f"list, index rebuilt:        {cold * 1000:8.1f} ms")
    print(f"list at start (index ok):   {warm * 1000:8.1f} ms   (target < 500 ms)")
    print(f"list again, same store:     {repeat * 1000:8.1f} ms")
    print(f"save one message @ {small:>5}:   {save_small * 1000:8.2f} ms")
    print(f"save one message @ {count:>5}:   {save_full * 1000:8.2f} ms   "
          f"(ratio {save_full / save_small:.2f}, target ~1)")


if __name__ == "__main__":
    main()

"""What a save costs the GUI thread, now that the writer thread does the disk.

    python dev.py bench save_latency [--messages 200] [--saves 200]

Prints, for a conversation of N messages: the GUI-thread time of one save (a snapshot put
on the writer's queue), the time the same save takes when written directly (what the GUI
thread paid before: encode, fsync, rename), and how many writes a burst of drafts costs
once coalesced.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store import ANSWER  # noqa: E402  (bench/store.py's generator)

from desktop_chat.core.conversation import Conversation, Message  # noqa: E402
from desktop_chat.core.save_queue import SaveQueue  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402


def conversation(messages: int) -> Conversation:
    result = Conversation(title="Latency")
    for n in range(messages // 2):
        result.add(Message(role="user", content=f"Question {n}?"))
        result.add(Message(role="assistant", content=ANSWER,
                           reasoning_content="Let me think about it. " * 20))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--saves", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = ConversationStore(Path(folder) / "conversations")
        target = conversation(args.messages)
        direct = []
        for n in range(21):
            target.add(Message(role="assistant", content=f"draft {n}"))
            start = time.perf_counter()
            store.save(target)
            direct.append(time.perf_counter() - start)
        writes = []
        queue = SaveQueue(store, on_done=writes.append)
        gui = []
        for n in range(args.saves):  # a burst of drafts, as fast as the GUI can ask
            target.add(Message(role="assistant", content=f"draft {n}"))
            start = time.perf_counter()
            queue.save(target)
            gui.append(time.perf_counter() - start)
        start = time.perf_counter()
        queue.flush(60)
        drain = time.perf_counter() - start
        queue.stop()
    print(f"conversation:                  {len(target.messages)} messages")
    p99 = sorted(gui)[int(len(gui) * 0.99) - 1]
    print(f"GUI thread per save (queued):  {statistics.median(gui) * 1e6:8.1f} µs median, "
          f"{p99 * 1e6:.1f} µs p99, {max(gui) * 1e6:.1f} µs max (the GIL: the writer "
          f"encodes JSON)")
    print(f"direct save (before):          {statistics.median(direct) * 1000:8.2f} ms median")
    print(f"burst of {args.saves} saves:           {len(writes)} writes after coalescing, "
          f"drained {drain * 1000:.0f} ms after the last")


if __name__ == "__main__":
    main()

"""Opening and streaming into a long conversation, and what it holds in memory.

    python dev.py bench long_conversation [--messages 2000] [--tokens 1500]

Offscreen, in the real window. Prints:
- the time from asking to open a conversation of N messages (code, tables, reasoning) to
  its first paint (target <= 0.2 s at 2,000 messages), and the view's share of it;
- the number of live message widgets (the view builds only those near the viewport);
- the longest GUI-thread stall while a reply streams into it, measured by a 5 ms QTimer
  heartbeat while chunks arrive at the worker's pace (target <= 33 ms);
- the time of a find across the conversation, before and after the text the messages
  show has been rendered once;
- the resident memory of the open view at 200, 1,000 and 2,000 messages, each opened in a
  fresh process (it should grow less than linearly with the message count).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_streaming import reply_chunks, seed, shown_window  # noqa: E402

from desktop_chat.core.conversation import Message  # noqa: E402

HEARTBEAT_MS = 5
CHUNK_INTERVAL_MS = 30
RSS_SIZES = (200, 1000, 2000)


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def live_widgets(window) -> int:
    return len(window.view.message_widgets())


def open_timed(app: QApplication, window, conversation_id: str) -> tuple[float, float]:
    """Seconds to the first paint of the conversation, and those spent in show_messages."""
    view = window.view
    spent = []
    show_messages = view.show_messages

    def timed(messages):
        start = time.perf_counter()
        show_messages(messages)
        spent.append(time.perf_counter() - start)

    view.show_messages = timed
    try:
        start = time.perf_counter()
        window.chat.open_conversation(conversation_id)
        app.processEvents()
        window.repaint()  # the paint itself, synchronously
        return time.perf_counter() - start, sum(spent)
    finally:
        del view.show_messages


def settle(app: QApplication, seconds: float = 1.0) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def stream_with_heartbeat(app: QApplication, window, chunks) -> tuple[float, int]:
    """Stream chunks at the worker's pace from a timer; the longest heartbeat gap (s)."""
    view = window.view
    view.start_assistant_message()
    loop = QEventLoop()
    gaps = []
    last = [time.perf_counter()]
    pending = list(chunks)

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    def deliver() -> None:
        if not pending:
            feeder.stop()
            QTimer.singleShot(300, loop.quit)  # the last throttled render
            return
        kind, text = pending.pop(0)
        view.append_chunk(kind, text)

    heartbeat = QTimer()
    heartbeat.setTimerType(heartbeat.timerType().PreciseTimer)
    heartbeat.timeout.connect(beat)
    heartbeat.start(HEARTBEAT_MS)
    feeder = QTimer()
    feeder.setTimerType(feeder.timerType().PreciseTimer)
    feeder.timeout.connect(deliver)
    feeder.start(CHUNK_INTERVAL_MS)
    last[0] = time.perf_counter()
    loop.exec()
    heartbeat.stop()
    live = view.live
    view.finish_live_message(Message(
        role="assistant", content=live.answer_markdown(),
        reasoning_content=live.thinking.reasoning() if live.thinking else None,
        finish_reason="stop"))
    bar = view.verticalScrollBar()
    at_bottom = bar.value() == bar.maximum()
    return max(gaps), int(at_bottom)


def child_rss(messages: int) -> None:
    """In a fresh process: RSS before and after opening a conversation of ``messages``."""
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = shown_window(app, folder)
        warm = seed(window.conversations.store, 4)
        window.chat.open_conversation(warm)
        settle(app, 0.3)
        conversation_id = seed(window.conversations.store, messages)
        before = rss_mb()
        window.chat.open_conversation(conversation_id)
        settle(app, 1.5)
        after = rss_mb()
        print(f"{after - before:.1f} {after:.1f} {live_widgets(window)}")
        window.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--tokens", type=int, default=1500)
    parser.add_argument("--child-rss", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_rss:
        child_rss(args.child_rss)
        return

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        window = shown_window(app, folder)
        store = window.conversations.store
        warm = seed(store, 6)  # fonts, lexers, the first code block and table
        window.chat.open_conversation(warm)
        settle(app, 0.3)

        for count in sorted({200, args.messages}):
            conversation_id = seed(store, count)
            window.chat.open_conversation(warm)
            settle(app, 0.3)
            first_paint, in_view = open_timed(app, window, conversation_id)
            at_open = live_widgets(window)
            settle(app, 1.5)
            print(f"open {count} messages: {first_paint * 1000:.0f} ms to first paint "
                  f"(show_messages {in_view * 1000:.0f} ms); live message widgets "
                  f"{at_open} at first paint, {live_widgets(window)} once idle "
                  f"(target <= 200 ms)")

        longest, at_bottom = stream_with_heartbeat(app, window, reply_chunks(args.tokens))
        widgets = live_widgets(window)
        window.chat.open_conversation(seed(store, 0))  # the same reply after one question
        settle(app, 0.3)
        baseline, _ = stream_with_heartbeat(app, window, reply_chunks(args.tokens))
        print(f"streaming {args.tokens} tokens: longest GUI stall beyond the {HEARTBEAT_MS} "
              f"ms heartbeat {longest * 1000 - HEARTBEAT_MS:.1f} ms at message "
              f"{args.messages} (target <= 33 ms), {baseline * 1000 - HEARTBEAT_MS:.1f} ms "
              f"at message 1; ended at the bottom: {bool(at_bottom)}; live message widgets "
              f"{widgets}")
        window.chat.open_conversation(conversation_id)
        settle(app, 1.0)

        bar = window.view.verticalScrollBar()
        start = time.perf_counter()
        worst = 0.0
        for value in range(bar.maximum(), -1, -max(1, window.view.viewport().height() // 2)):
            step = time.perf_counter()
            bar.setValue(value)
            app.processEvents()
            worst = max(worst, time.perf_counter() - step)
        print(f"scroll from the end to the top by half screens: "
              f"{time.perf_counter() - start:.1f} s, longest step {worst * 1000:.0f} ms, "
              f"live message widgets {live_widgets(window)}")

        view = window.view
        start = time.perf_counter()
        found = view.find("area")  # each message's shown text rendered, none kept yet
        cold = time.perf_counter() - start
        start = time.perf_counter()
        view.find("circle")  # the shown text kept on the slots
        warm = time.perf_counter() - start
        print(f"find in {args.messages} messages: first search {cold * 1000:.0f} ms "
              f"({found} matches; opening the bar renders the text while idle), "
              f"next {warm * 1000:.0f} ms")
        window.close()

    figures = []
    for count in RSS_SIZES:
        result = subprocess.run([sys.executable, __file__, "--child-rss", str(count)],
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            figures.append(f"{count}: failed ({result.stderr.strip()[-200:]})")
            continue
        grown, total, widgets = result.stdout.split()[-3:]
        figures.append(f"{count}: +{grown} MB ({total} MB, {widgets} widgets)")
    print("RSS growth on opening, fresh process each: " + "; ".join(figures))


if __name__ == "__main__":
    main()

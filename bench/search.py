"""Search figures over N conversations: index build, first result, linear scan.

    python dev.py bench search [--count 5000]

Uses bench/store.py's generator (20 messages each). Prints the time to build the SQLite
FTS5 index from the files (first start), to bring it up to date when nothing changed
(every later start), and the time from asking the background service to its first
result, for a word, a Chinese word of two characters (LIKE path) and of three (trigram),
against the store's linear search that ran on the GUI thread before.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from store import conversation  # noqa: E402  (bench/store.py's generator)

from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.search_index import SearchIndex, SearchService, synchronize  # noqa: E402
from desktop_chat.core.store import ConversationStore  # noqa: E402


def first_result(service: SearchService, number: int, query: str,
                 results: dict[int, list[str]], done: threading.Event) -> tuple[float, int]:
    done.clear()
    start = time.perf_counter()
    service.query(number, query)
    done.wait(120)
    return time.perf_counter() - start, len(results[number])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "conversations"
        index_path = Path(folder) / "cache" / "search-index.sqlite3"
        store = ConversationStore(root)
        for n in range(count):
            c = conversation(n)
            if n % 100 == 7:
                c.add(Message(role="user", content="番茄炒鸡蛋怎么做？"))
            store.save(c)
        store.list()
        start = time.perf_counter()
        index = SearchIndex(index_path)
        synchronize(index, store)
        build = time.perf_counter() - start
        index.close()
        start = time.perf_counter()
        index = SearchIndex(index_path)
        synchronize(index, store)
        catch_up = time.perf_counter() - start
        index.close()
        results: dict[int, list[str]] = {}
        done = threading.Event()

        def on_result(number: int, query: str, ids: list[str]) -> None:
            results[number] = ids
            done.set()

        service = SearchService(root, index_path, on_result)
        service.start()
        service.ready.wait(120)
        rows = []
        for number, query in enumerate(["topic 4242?", "think about it", "鸡蛋", "炒鸡蛋"], 1):
            seconds, hits = first_result(service, number, query, results, done)
            rows.append((query, seconds, hits))
        service.stop()
        size_mb = index_path.stat().st_size / 1e6
        start = time.perf_counter()
        linear_hits = len(store.search("topic 4242?"))
        linear = time.perf_counter() - start
    print(f"conversations:                {count} x 20 messages")
    print(f"index built from the files:   {build:8.2f} s   (first start; {size_mb:.0f} MB)")
    print(f"index checked, nothing new:   {catch_up * 1000:8.1f} ms (every later start)")
    for query, seconds, hits in rows:
        print(f"first result {query!r:16}  {seconds * 1000:8.1f} ms  ({hits} hits)")
    print(f"linear store.search (before): {linear * 1000:8.1f} ms  ({linear_hits} hits)")


if __name__ == "__main__":
    main()

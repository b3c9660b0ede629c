"""Download figures against the local fake Hub (tests/fake_hf.py): what the engine itself
costs (streaming, hashing, writing), without a network in the way.

    python dev.py bench download [--mb 256]

Prints MB/s for a whole file, the time to continue a file cancelled halfway (the part on
disk is hashed again first), and how soon a cancel takes effect.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fake_hf import FakeHub  # noqa: E402

from desktop_chat.engine import hub_download as hd  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=256)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        repo.mkdir()
        (repo / "config.json").write_text('{"model_type": "qwen2"}')
        (repo / "model.safetensors").write_bytes(os.urandom(args.mb << 20))
        with FakeHub({"bench/model": repo}) as hub:
            hub.switches.chunk_bytes = 1 << 20
            os.environ["HF_ENDPOINT"] = hub.url
            whole(Path(tmp) / "a", args.mb)
            resumed(Path(tmp) / "b", args.mb)


def whole(models: Path, mb: int) -> None:
    plan = hd.plan_download("bench/model", models)
    start = time.perf_counter()
    hd.download(plan)
    seconds = time.perf_counter() - start
    print(f"whole download of {mb} MiB: {seconds:.2f} s, {mb / seconds:.0f} MiB/s "
          f"(stream + SHA-256 + write)")


def resumed(models: Path, mb: int) -> None:
    plan = hd.plan_download("bench/model", models)
    cancel = threading.Event()
    asked: list[float] = []

    def cancel_halfway(progress: hd.DownloadProgress) -> None:
        if progress.done_bytes > plan.total_bytes // 2 and not cancel.is_set():
            asked.append(time.perf_counter())
            cancel.set()

    try:
        hd.download(plan, cancel=cancel, on_progress=cancel_halfway)
    except hd.DownloadError:
        print(f"cancel took effect after {(time.perf_counter() - asked[0]) * 1000:.0f} ms")
    start = time.perf_counter()
    hd.download(plan)
    print(f"continuing from halfway: {time.perf_counter() - start:.2f} s "
          f"(the part on disk is hashed again, the rest streamed)")


if __name__ == "__main__":
    main()

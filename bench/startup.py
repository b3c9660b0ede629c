"""Time from process start to the first painted main window, with no model.

    python dev.py bench startup

Runs ``python -m desktop_chat --exit-after-paint`` a few times offscreen in a fresh data
dir and prints each figure, beside the time ``import torch`` alone takes in a new process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time


def first_paint_seconds(home: str) -> tuple[float, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DESKTOP_CHAT_HOME": home}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_chat", "--exit-after-paint"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("first paint"))
    return float(line.split()[2]), line


def import_torch_seconds() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        first_paint_seconds(home)  # warm the OS file cache, as a second launch would be
        runs = [first_paint_seconds(home) for _ in range(5)]
    times = [seconds for seconds, _ in runs]
    print(runs[-1][1])
    print("process start -> first paint: " + ", ".join(f"{t:.3f}" for t in times)
          + f" s (median {statistics.median(times):.3f} s, target well under 1.5 s)")
    print(f"import torch alone, new process: {import_torch_seconds():.3f} s")


if __name__ == "__main__":
    main()

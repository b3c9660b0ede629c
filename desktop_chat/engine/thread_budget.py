"""How many threads decoding should use now: the physical cores other programs leave free.

OpenMP's threads wait for each other by spinning, hundreds of times per token. On an idle
machine that is llama.cpp's full speed (up to 3x waiting passively); when another program
keeps a core busy, a spinning thread that the kernel deschedules stalls all the others,
and decoding collapses. One thread fewer per busy core keeps the speed of spinning without
the collapse. This measures what the rest of the machine uses (all CPU time minus what this
process spends off its GUI thread: the window's own painting competes like any program)
twice a second and follows it, changing only when two samples agree, so a short burst
elsewhere does not make the thread count flap.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import psutil

SAMPLE_INTERVAL_S = 0.5
# A core counts as taken when other programs kept it this busy over the last sample.
BUSY_CORE_SHARE = 0.6


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


# What reading CPU times can raise: Android denies /proc/stat (PermissionError); psutil on
# macOS raises RuntimeError when a thread ends while it lists them; AccessDenied elsewhere.
UNREADABLE = (psutil.Error, OSError, RuntimeError)


def _busy_seconds(times) -> float:  # psutil's named tuple of CPU times
    # As psutil's cpu_percent counts: Linux's guest times are inside user and nice already.
    return (sum(times) - times.idle - getattr(times, "iowait", 0.0)
            - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0))


def _busy_off_main_thread() -> float:
    """CPU seconds this process spent outside its main (GUI) thread, ended threads included;
    read on the main thread (a bench or script decoding there, no window), all of them."""
    process = psutil.Process()
    total = sum(process.cpu_times()[:2])
    if threading.current_thread() is threading.main_thread():
        return total  # the decoding itself runs there: its time is ours
    main = threading.main_thread().native_id
    try:
        on_main = sum(t.user_time + t.system_time for t in process.threads() if t.id == main)
    except UNREADABLE:
        on_main = 0.0
    return total - on_main


class ThreadBudget:
    """``threads()`` is cheap: call it before each token; it samples at most twice a second.
    Where CPU times cannot be read, every core, as before there was a budget."""

    def __init__(self, cores: int | None = None, logical_cpus: int | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 machine_busy: Callable[[], float] | None = None,
                 own_busy: Callable[[], float] | None = None) -> None:
        self.cores = cores or physical_cores()
        # logical CPUs busy elsewhere, counted as physical cores (hyper-threads share one)
        self._cpus_per_core = max(1.0, (logical_cpus or os.cpu_count() or 1) / self.cores)
        self._clock = clock
        self._machine_busy = machine_busy or (lambda: _busy_seconds(psutil.cpu_times()))
        self._own_busy = own_busy or _busy_off_main_thread
        self._threads = self.cores
        self._proposed = self.cores
        self._last = self._sample()

    def threads(self) -> int:
        now = self._clock()
        if self._last is None or now - self._last[0] < SAMPLE_INTERVAL_S:
            return self._threads
        sample = self._sample()
        if sample is None:  # unreadable from now on: every core, no more samples
            self._last = None
            self._threads = self.cores
            return self._threads
        elapsed = sample[0] - self._last[0]
        elsewhere = ((sample[1] - self._last[1]) - (sample[2] - self._last[2])) / elapsed
        self._last = sample
        taken = int(max(0.0, elsewhere) / self._cpus_per_core + (1 - BUSY_CORE_SHARE))
        proposed = max(1, self.cores - taken)
        if proposed == self._proposed:
            self._threads = proposed
        self._proposed = proposed
        return self._threads

    def _sample(self) -> tuple[float, float, float] | None:
        """None when the CPU times cannot be read."""
        try:
            return self._clock(), self._machine_busy(), self._own_busy()
        except UNREADABLE:
            return None

"""One-off background jobs: the one way to run a function off the GUI thread.

A ``JobRunner`` owns a thread pool of its own. ``start(work)`` calls ``work(ctx)`` on a
pool thread and returns a ``Job``, which lives on the thread that started it (the GUI
thread) and reports there: ``progressed`` (from ``ctx.progress``), then ``done`` with what
the function returned or ``failed`` with a ``JobFailure`` (the exception is logged, with
its traceback), then ``ended``, once. Signals travel through the starting thread's event
loop, so connecting right after ``start`` misses nothing.

Cancelling is cooperative: ``Job.cancel`` (thread-safe) sets ``ctx.cancel``, which the
function checks between steps; it still ends with ``done`` or ``failed``. ``shutdown``
cancels every job and waits for them; from then on no job of that runner reports, even
one that outlives the wait. A runner deleted without ``shutdown`` cancels its jobs and
falls silent the same way (its pool then waits for the functions still running).

The shapes follow superqt's ``create_worker`` and Anki's ``QueryOp``. Long-lived workers
(the inference worker) are QObjects moved to a QThread instead.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThread, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Past shutdown's timeout a job is inside a call the cancel cannot reach (a stalled read,
# importing torch): wait for it rather than let the process tear down a running thread.
UNINTERRUPTIBLE_WAIT_MS = 120_000


@dataclass(frozen=True)
class JobFailure:
    message: str  # str(error), for the user
    details: str  # the formatted traceback, for the log or a Details box
    error: BaseException


class _RunnerState:
    """What a runner shares with its jobs and their pool threads (plain Python, so a pool
    thread never holds the runner itself)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.report_lock = threading.Lock()  # a report and closing never overlap
        self.closed = False  # shut down or deleted: no job reports any more
        self.jobs: set[Job] = set()  # a Python reference to every job until it ended
        self._idle = threading.Condition()
        self._active = 0  # functions started and not yet returned

    def close(self) -> None:
        with self.report_lock:  # waits for a report being sent; none comes after
            self.closed = True
        for job in tuple(self.jobs):
            job.cancel()

    def began(self) -> None:
        with self._idle:
            self._active += 1

    def returned(self) -> None:
        with self._idle:
            self._active -= 1
            self._idle.notify_all()

    def wait(self, timeout_ms: int) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, max(0, timeout_ms) / 1000)


class JobContext:
    """Handed to the job's function; used on the pool thread."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self.cancel: threading.Event = job._cancel_event

    @property
    def cancelled(self) -> bool:
        return self.cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        """Reported as ``Job.progressed``, queued, in the order of the calls."""
        self._job._report(lambda: self._job._progress_relay.emit(done, total))


class Job(QObject):
    """One call of a function on a runner's pool; lives on the thread that started it."""

    progressed = Signal(int, int)  # done, total
    done = Signal(object)  # what the function returned
    failed = Signal(object)  # JobFailure
    ended = Signal()  # once, after done or failed

    # Emitted on the pool thread, received queued on this object's thread.
    _progress_relay = Signal(int, int)
    _end_relay = Signal(bool, object)  # the function returned: its value, or a JobFailure

    def __init__(self, work: Callable[[JobContext], object], state: _RunnerState,
                 parent: QObject) -> None:
        super().__init__(parent)
        self._work: Callable[[JobContext], object] | None = work
        self._state = state
        self._cancel_event = threading.Event()
        self._returned = False  # the function is done (set on the pool thread)
        self._delivered = False  # its end was reported, or dropped (on this thread)
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_relay.connect(self._on_progress_relay, queued)
        self._end_relay.connect(self._on_end_relay, queued)

    def cancel(self) -> None:
        """Thread-safe: sets the function's ``ctx.cancel``."""
        self._cancel_event.set()

    @property
    def running(self) -> bool:
        """True until the function returned and its end was reported (or, the runner shut
        down, dropped)."""
        return not (self._returned and (self._delivered or self._state.closed))

    # ----- on the pool thread ------------------------------------------------------------

    def _execute(self) -> None:
        outcome: tuple[bool, object] | None = None
        try:
            if not self._state.closed:  # else shut down before it began
                outcome = self._call()
        finally:
            self._returned = True
            self._state.returned()
        if outcome is not None:
            ok, value = outcome
            self._report(lambda: self._end_relay.emit(ok, value))

    def _call(self) -> tuple[bool, object]:
        # No local keeps the function: its last reference goes on this object's thread.
        try:
            return True, self._work(JobContext(self)) if self._work is not None else None
        except BaseException as error:  # a job always ends, and says why
            log.exception("a background job failed (runner %r)", self._state.name)
            details = traceback.format_exc()
            traceback.clear_frames(error.__traceback__)  # the finished frames' locals go
            return False, JobFailure(str(error), details, error)

    def _report(self, emit: Callable[[], None]) -> None:
        with self._state.report_lock:
            if self._state.closed:
                return
            try:
                emit()
            except RuntimeError:  # "Internal C++ object already deleted": no one listens
                pass

    # ----- on this object's thread -------------------------------------------------------

    @Slot(int, int)
    def _on_progress_relay(self, done: int, total: int) -> None:
        if not self._state.closed:
            self.progressed.emit(done, total)

    @Slot(bool, object)
    def _on_end_relay(self, ok: bool, outcome: object) -> None:
        self._delivered = True
        self._work = None  # released here, on this thread (it may hold QObjects)
        self._state.jobs.discard(self)
        if not self._state.closed:
            (self.done if ok else self.failed).emit(outcome)
            if not self._state.closed:  # a receiver of done or failed may have shut down
                self.ended.emit()
        self.deleteLater()


class JobRunner(QObject):
    """Runs one-off jobs on a thread pool of its own; lives on the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int | None = None,
                 name: str = "") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._state = _RunnerState(name)
        self._pool = QThreadPool(self)
        self._pool.setObjectName(name)
        if max_threads is not None:
            self._pool.setMaxThreadCount(max_threads)
        # Deleted without shutdown(): fall silent and cancel before the pool (a child)
        # waits for the functions still running.
        self.destroyed.connect(self._state.close)

    def start(self, work: Callable[[JobContext], object]) -> Job:
        """Call ``work(ctx)`` on a pool thread. Call it on the runner's thread; after
        ``shutdown`` the job never runs and never reports."""
        if QThread.currentThread() is not self.thread():
            raise RuntimeError("JobRunner.start() must be called on the runner's thread")
        job = Job(work, self._state, self)
        if self._state.closed:
            log.warning("a job started on %r after its shutdown: not run", self.objectName())
            job._returned, job._work = True, None
            return job
        self._state.jobs.add(job)
        self._state.began()
        self._pool.start(job._execute)
        return job

    def cancel_all(self) -> None:
        """Thread-safe: cancel every job that has not ended."""
        for job in tuple(self._state.jobs):
            job.cancel()

    def wait(self, timeout_ms: int) -> bool:
        """Block until every job's function has returned; True if they all did in time."""
        return self._state.wait(timeout_ms)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Cancel every job and wait for them; True if all ended within ``timeout_ms``.

        From now on no job reports. A job still inside a call its cancel cannot reach is
        waited for longer (with a warning), so no thread is torn down while it runs."""
        self._state.close()
        started = time.monotonic()
        ended = self.wait(timeout_ms)
        if not ended:
            log.warning("a job of %r is busy; waiting for it to end", self.objectName())
            self.wait(UNINTERRUPTIBLE_WAIT_MS)
            log.info("the jobs of %r ended after %.1f s", self.objectName(),
                     time.monotonic() - started)
        self._forget_returned()
        return ended

    def _forget_returned(self) -> None:
        """After shutdown, on this thread: let go of the jobs whose function returned
        (their ends are dropped; one shut down before it began has none coming)."""
        for job in tuple(self._state.jobs):
            if job._returned:
                job._work = None
                self._state.jobs.discard(job)

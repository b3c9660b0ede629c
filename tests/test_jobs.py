"""workers/jobs.py: one-off jobs on a runner's pool, reported on the GUI thread."""

from __future__ import annotations

import gc
import logging
import threading
import time

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QThread

from desktop_chat.workers.jobs import Job, JobContext, JobFailure, JobRunner

TIMEOUT_MS = 10_000


@pytest.fixture
def runner(qtbot):
    runner = JobRunner(name="test-jobs")
    yield runner
    assert runner.shutdown(TIMEOUT_MS)


def record(job: Job) -> list[tuple]:
    """Every signal of ``job``, in order, with the thread it came on."""
    seen: list[tuple] = []

    def on(name):
        def slot(*args):
            on_gui = QThread.currentThread() is QCoreApplication.instance().thread()
            seen.append((name, *args, "gui" if on_gui else "other"))
        return slot

    for name in ("progressed", "done", "failed", "ended"):
        getattr(job, name).connect(on(name))
    return seen


def test_done_brings_the_value_then_ended_on_the_gui_thread(qtbot, runner):
    job = runner.start(lambda ctx: threading.current_thread().name)
    seen = record(job)
    assert job.running
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS):
        pass
    assert [entry[0] for entry in seen] == ["done", "ended"]
    assert seen[0][1] != threading.current_thread().name  # it ran on a pool thread
    assert all(entry[-1] == "gui" for entry in seen)
    assert not job.running


def test_failed_brings_the_message_and_the_traceback_and_logs_it(qtbot, runner, caplog):
    def broken(ctx: JobContext) -> None:
        raise ValueError("the disk said no")

    caplog.set_level(logging.ERROR, logger="desktop_chat.workers.jobs")
    job = runner.start(broken)
    seen = record(job)
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS):
        pass
    assert [entry[0] for entry in seen] == ["failed", "ended"]
    failure = seen[0][1]
    assert isinstance(failure, JobFailure) and isinstance(failure.error, ValueError)
    assert failure.message == "the disk said no"
    assert "Traceback" in failure.details and "in broken" in failure.details
    assert "ValueError: the disk said no" in failure.details
    assert any("test-jobs" in r.getMessage() and r.exc_info for r in caplog.records)


def test_progress_arrives_in_order_before_the_end(qtbot, runner):
    def counting(ctx: JobContext) -> str:
        for done in range(1, 51):
            ctx.progress(done, 50)
        return "counted"

    job = runner.start(counting)
    seen = record(job)
    with qtbot.waitSignal(job.ended, timeout=TIMEOUT_MS):
        pass
    assert seen[:50] == [("progressed", done, 50, "gui") for done in range(1, 51)]
    assert seen[50:] == [("done", "counted", "gui"), ("ended", "gui")]


def test_the_function_sees_the_cancel(qtbot, runner):
    began = threading.Event()

    def patient(ctx: JobContext) -> bool:
        began.set()
        ctx.cancel.wait(TIMEOUT_MS / 1000)
        return ctx.cancelled

    job = runner.start(patient)
    assert began.wait(TIMEOUT_MS / 1000)
    with qtbot.waitSignal(job.done, timeout=TIMEOUT_MS) as done:
        job.cancel()
    assert done.args == [True]


def test_cancel_all_reaches_every_job(qtbot, runner):
    jobs = [runner.start(lambda ctx: ctx.cancel.wait(TIMEOUT_MS / 1000)) for _ in range(3)]
    with qtbot.waitSignals([job.done for job in jobs], timeout=TIMEOUT_MS):
        runner.cancel_all()
    assert runner.wait(TIMEOUT_MS)


def test_shutdown_waits_for_the_functions_and_nothing_reports_after(qtbot):
    runner = JobRunner(name="test-shutdown")
    reported = threading.Event()
    returned = []

    def slow(ctx: JobContext) -> str:
        ctx.progress(1, 2)  # queued to the GUI thread, not delivered before shutdown
        reported.set()
        ctx.cancel.wait(TIMEOUT_MS / 1000)
        time.sleep(0.2)  # past the cancel: shutdown still waits for this
        returned.append(True)
        return "too late"

    job = runner.start(slow)
    seen = record(job)
    assert reported.wait(TIMEOUT_MS / 1000)
    assert runner.shutdown(TIMEOUT_MS)
    assert returned == [True] and not job.running
    qtbot.wait(200)  # the queued reports are delivered (and dropped) now
    assert seen == []
    late = runner.start(lambda ctx: returned.append("ran"))
    seen = record(late)
    qtbot.wait(100)
    assert not late.running and seen == [] and returned == [True]


def test_a_deleted_runner_cancels_its_jobs_and_falls_silent(qtbot):
    runner = JobRunner(name="test-deleted")
    began = threading.Event()

    def waiting(ctx: JobContext) -> bool:
        began.set()
        ctx.cancel.wait(TIMEOUT_MS / 1000)
        return ctx.cancelled

    job = runner.start(waiting)
    done = []
    job.done.connect(done.append)
    assert began.wait(TIMEOUT_MS / 1000)
    shiboken6.delete(runner)  # the pool waits for the job, which the delete cancelled
    qtbot.wait(100)
    assert done == []


def test_several_jobs_run_at_once(qtbot):
    runner = JobRunner(max_threads=3, name="test-parallel")
    together = threading.Barrier(3, timeout=TIMEOUT_MS / 1000)  # breaks unless all 3 run

    def meet(ctx: JobContext) -> int:
        return together.wait()

    jobs = [runner.start(meet) for _ in range(3)]
    arrived: list[int] = []
    for job in jobs:
        job.done.connect(arrived.append)
    with qtbot.waitSignals([job.ended for job in jobs], timeout=TIMEOUT_MS):
        pass
    assert sorted(arrived) == [0, 1, 2]
    assert runner.shutdown(TIMEOUT_MS)


def test_one_thread_runs_one_job_at_a_time_in_order(qtbot):
    runner = JobRunner(max_threads=1, name="test-serial")
    lock = threading.Lock()
    running = {"now": 0, "most": 0}
    order: list[int] = []

    def one(number: int):
        def work(ctx: JobContext) -> None:
            with lock:
                running["now"] += 1
                running["most"] = max(running["most"], running["now"])
            time.sleep(0.02)
            order.append(number)
            with lock:
                running["now"] -= 1
        return work

    jobs = [runner.start(one(n)) for n in range(5)]
    with qtbot.waitSignals([job.ended for job in jobs], timeout=TIMEOUT_MS):
        pass
    assert running["most"] == 1 and order == [0, 1, 2, 3, 4]
    assert runner.shutdown(TIMEOUT_MS)


def test_the_runner_keeps_a_job_alive_until_it_ended(qtbot, runner):
    values = []
    runner.start(lambda ctx: time.sleep(0.05) or "kept").done.connect(values.append)
    gc.collect()
    qtbot.waitUntil(lambda: values == ["kept"], timeout=TIMEOUT_MS)


def test_start_belongs_to_the_runners_thread(runner):
    errors = []

    def elsewhere() -> None:
        try:
            runner.start(lambda ctx: None)
        except RuntimeError as error:
            errors.append(error)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert len(errors) == 1

"""Decoding follows the cores other programs leave free (engine/thread_budget.py)."""

import threading
import time

import psutil
import pytest
from conftest import TINY_R1

from desktop_chat.engine import thread_budget
from desktop_chat.engine.thread_budget import ThreadBudget


class Machine:
    """CPU seconds as the budget reads them, advanced by the test."""

    def __init__(self):
        self.now = 0.0
        self.machine = 0.0
        self.own = 0.0

    def run(self, seconds, others_busy, own_busy=0.0):
        """``seconds`` pass with ``others_busy`` cores busy elsewhere."""
        self.now += seconds
        self.machine += seconds * (others_busy + own_busy)
        self.own += seconds * own_busy

    def budget(self, cores):
        return ThreadBudget(cores, logical_cpus=cores, clock=lambda: self.now,
                            machine_busy=lambda: self.machine, own_busy=lambda: self.own)


def follow(machine, budget, others_busy, samples, own_busy=2.0):
    counts = []
    for _ in range(samples):
        machine.run(0.5, others_busy, own_busy)
        counts.append(budget.threads())
    return counts


def test_an_idle_machine_gets_every_physical_core():
    machine = Machine()
    budget = machine.budget(4)
    assert follow(machine, budget, others_busy=0.0, samples=4) == [4, 4, 4, 4]


def test_one_thread_fewer_per_core_kept_busy_elsewhere_after_two_samples():
    machine = Machine()
    budget = machine.budget(4)
    assert follow(machine, budget, others_busy=2.0, samples=3) == [4, 2, 2]
    assert follow(machine, budget, others_busy=0.1, samples=3) == [2, 4, 4]


def test_a_single_busy_sample_changes_nothing():
    machine = Machine()
    budget = machine.budget(2)
    assert follow(machine, budget, others_busy=1.0, samples=1) == [2]
    assert follow(machine, budget, others_busy=0.0, samples=3) == [2, 2, 2]


def test_never_fewer_than_one_thread_and_a_light_load_keeps_the_core():
    machine = Machine()
    budget = machine.budget(2)
    assert follow(machine, budget, others_busy=8.0, samples=2)[-1] == 1
    fresh = machine.budget(2)
    assert follow(machine, fresh, others_busy=0.5, samples=3) == [2, 2, 2]


def test_it_samples_at_most_twice_a_second():
    machine = Machine()
    budget = machine.budget(2)
    reads = []
    budget._machine_busy = lambda: reads.append(1) or machine.machine
    for _ in range(50):
        machine.run(0.01, others_busy=0.0)
        budget.threads()
    assert len(reads) == 1  # 0.5 s of calls: one sample


def spin(cpu_seconds):
    end = time.thread_time() + cpu_seconds
    while time.thread_time() < end:
        pass


def own_busy_seen_by_a_worker() -> float:
    """What the budget reads on a decoding thread (the app's inference worker)."""
    seen = []
    reader = threading.Thread(target=lambda: seen.append(thread_budget._busy_off_main_thread()))
    reader.start()
    reader.join()
    return seen[0]


def test_the_gui_thread_counts_as_someone_else():
    """The window's painting competes with decoding like another program would."""
    before = own_busy_seen_by_a_worker()
    worker = threading.Thread(target=spin, args=(0.3,))
    worker.start()
    worker.join()
    assert own_busy_seen_by_a_worker() - before > 0.2  # an ended thread counts
    before = own_busy_seen_by_a_worker()
    spin(0.3)  # on the main thread: someone else's
    assert own_busy_seen_by_a_worker() - before < 0.1


def test_decoding_on_the_main_thread_is_our_own_work():
    """A bench or a script decodes on its main thread (no window there): counted as someone
    else's, that thread's own work took a core from the budget on an idle machine."""
    before = thread_budget._busy_off_main_thread()
    spin(0.3)
    assert thread_budget._busy_off_main_thread() - before > 0.2


@pytest.mark.slow
def test_llama_cpp_decodes_with_the_threads_the_budget_gives(tiny_r1_gguf):
    import llama_cpp
    from test_engine_contract import open_engine, run, text_of

    from desktop_chat.core.inference import AnswerDelta
    from desktop_chat.core.model_source import ModelSource

    engine = open_engine(ModelSource.local(tiny_r1_gguf))
    try:
        cores = llama_cpp.llama_n_threads(engine.llm.ctx)
        seen = []
        engine._threads = type("OneCore", (), {"threads": lambda self: 1, "cores": cores})()
        events = run(engine, "What is the capital of France?",
                     on_event=lambda e: seen.append(llama_cpp.llama_n_threads(engine.llm.ctx)))
        assert "Paris" in text_of(events, AnswerDelta)
        assert seen[-1] == 1
        assert llama_cpp.llama_n_threads_batch(engine.llm.ctx) >= 1
    finally:
        engine.close()


@pytest.mark.slow
def test_transformers_decodes_with_the_threads_the_budget_gives_then_restores(monkeypatch):
    import torch
    from test_engine_contract import open_engine, run, text_of

    from desktop_chat.core.inference import AnswerDelta
    from desktop_chat.core.model_source import ModelSource
    from desktop_chat.engine.transformers_engine import streaming

    monkeypatch.setattr(streaming.ThreadBudget, "threads", lambda self: 1)
    initial = torch.get_num_threads()
    engine = open_engine(ModelSource.local(TINY_R1))
    try:
        seen = []
        events = run(engine, "What is the capital of France?",
                     on_event=lambda e: seen.append(torch.get_num_threads()))
        assert "Paris" in text_of(events, AnswerDelta)
        if initial > 1:
            assert 1 in seen
        assert torch.get_num_threads() == initial
    finally:
        engine.close()


def test_guest_time_is_counted_once():
    """Linux counts a virtual machine's time (an Android emulator, a KVM guest) in user and
    nice as well as in guest: one busy virtual CPU is one busy core, not two."""
    import collections

    linux = collections.namedtuple("scputimes", "user nice system idle iowait irq softirq "
                                                "steal guest guest_nice")
    times = linux(user=30.0, nice=2.0, system=5.0, idle=100.0, iowait=1.0, irq=0.0,
                  softirq=0.0, steal=0.0, guest=20.0, guest_nice=2.0)
    assert thread_budget._busy_seconds(times) == 37.0


@pytest.mark.parametrize("error", [psutil.AccessDenied(), PermissionError(13, "denied"),
                                   RuntimeError("thread_info failed")])
def test_cpu_times_that_cannot_be_read_leave_every_core(error):
    """Android denies /proc/stat; macOS fails thread_info for a thread that just ended:
    decoding goes on with every core rather than failing."""
    machine = Machine()

    def unreadable():
        raise error

    budget = ThreadBudget(4, logical_cpus=4, clock=lambda: machine.now,
                          machine_busy=unreadable, own_busy=lambda: machine.own)
    assert follow(machine, budget, others_busy=2.0, samples=3) == [4, 4, 4]
    later = machine.budget(4)
    assert follow(machine, later, others_busy=2.0, samples=3) == [4, 2, 2]
    later._own_busy = unreadable
    assert follow(machine, later, others_busy=2.0, samples=3) == [4, 4, 4]


def test_a_thread_list_that_cannot_be_read_is_not_an_error(monkeypatch):
    def unreadable(self):
        raise RuntimeError("thread_info failed")  # psutil on macOS, a thread just ended

    monkeypatch.setattr(psutil.Process, "threads", unreadable)
    assert thread_budget._busy_off_main_thread() >= 0.0

"""Several answers to one prompt: one batch on transformers, one after another elsewhere."""

import threading

import pytest
from conftest import TINY_R1, load, on_gui_thread

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import (
    AnswerDelta,
    Failed,
    Finished,
    GenerationRequest,
    ReasoningDelta,
)
from desktop_chat.core.settings import GenerationSettings

QUESTION = (Message(role="user", content="What is the capital of France?"),)
SAMPLED = GenerationSettings(max_new_tokens=200, temperature=0.7, seed=3)


@pytest.fixture(scope="module")
def engine():
    from desktop_chat.engine.transformers_engine.chat import TransformersEngine
    from desktop_chat.engine.transformers_engine.device import choose_device
    from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

    folder = inspect_model_folder(TINY_R1)
    return TransformersEngine(load_model(folder, choose_device(model_type=folder.model_type),
                                         lambda f, s: None, threading.Event()))


def run(engine, count, settings=SAMPLED, cancel=None, on_event=None):
    events = []

    def collect(event):
        events.append(event)
        if on_event:
            on_event(event)

    engine.generate(GenerationRequest(QUESTION, settings, alternatives=count),
                    cancel or threading.Event(), collect)
    return events


def test_three_alternatives_stream_from_one_batch_each_with_its_reasoning(engine):
    assert engine.info.batches_alternatives
    events = run(engine, 3)
    ends = {e.sequence: e for e in events if isinstance(e, (Finished, Failed))}
    assert sorted(ends) == [0, 1, 2] and all(isinstance(e, Finished) for e in ends.values())
    for sequence, end in ends.items():
        result = end.result
        assert result.sequence == sequence and result.stats.finish_reason == "stop"
        assert result.reasoning.startswith("The user asks") and "Paris" in result.answer
        streamed = "".join(e.text for e in events
                           if isinstance(e, AnswerDelta) and e.sequence == sequence)
        assert streamed == result.answer
        assert any(isinstance(e, ReasoningDelta) and e.sequence == sequence for e in events)
        assert result.stats.prompt_tokens == 12 and result.stats.answer_tokens > 5


def test_a_batch_samples_what_one_reply_would(engine):
    """Near-greedy sampling: every row gives the one greedy answer (no row is garbled by
    the shared prompt cache)."""
    nearly_greedy = GenerationSettings(max_new_tokens=200, temperature=1e-5, top_p=1.0)
    single = [e for e in run(engine, 1, GenerationSettings(do_sample=False,
                                                          max_new_tokens=200))
              if isinstance(e, Finished)][0].result
    for end in (e for e in run(engine, 2, nearly_greedy) if isinstance(e, Finished)):
        assert (end.result.reasoning, end.result.answer) == (single.reasoning, single.answer)


def test_cancel_stops_every_alternative(engine):
    cancel = threading.Event()
    events = run(engine, 3, cancel=cancel,
                 on_event=lambda e: isinstance(e, ReasoningDelta) and cancel.set())
    ends = [e for e in events if isinstance(e, (Finished, Failed))]
    assert sorted(e.sequence for e in ends) == [0, 1, 2]
    assert {e.result.stats.finish_reason for e in ends} == {"cancelled"}
    assert all(not e.result.answer for e in ends)


def generate_through(qtbot, worker, count):
    """Alternatives through the worker's signals: chunks per sequence and the results."""
    chunks, results = [], []
    worker.alternative_chunk_received.connect(lambda *args: chunks.append(args))
    worker.alternative_finished.connect(results.append)
    with qtbot.waitSignal(on_gui_thread(worker.alternatives_finished), timeout=60_000) as end:
        worker.request_generation(GenerationRequest(QUESTION, SAMPLED, request_id=7,
                                                    alternatives=count))
    assert end.args == [(7,)]
    return chunks, results


def test_the_worker_forwards_each_alternative(qtbot, r1_worker):
    chunks, results = generate_through(qtbot, r1_worker, 2)
    assert sorted(r.sequence for r in results) == [0, 1]
    for result in results:
        assert result.request_id == 7 and result.error is None
        answer = "".join(t for s, k, t in chunks if s == result.sequence and k == "answer")
        assert answer == result.answer and "Paris" in answer


@pytest.mark.slow
def test_llama_cpp_runs_alternatives_one_after_another(qtbot, worker, tiny_r1_gguf):
    info = load(qtbot, worker, tiny_r1_gguf)
    assert info.engine == "llama.cpp" and not info.batches_alternatives
    chunks, results = generate_through(qtbot, worker, 2)
    assert sorted(r.sequence for r in results) == [0, 1]
    for result in results:
        assert result.error is None and result.stats.finish_reason == "stop"
        assert result.reasoning and "Paris" in result.answer
        reasoning = "".join(t for s, k, t in chunks if s == result.sequence and k == "reasoning")
        assert reasoning.strip() == result.reasoning


class OneAtATime:
    """The real engine, described as one that cannot batch (as llama.cpp and servers)."""

    def __init__(self, engine):
        import dataclasses

        self.engine = engine
        self.info = dataclasses.replace(engine.info, batches_alternatives=False)
        self.requests = []

    def generate(self, request, cancel, emit):
        self.requests.append(request)
        self.engine.generate(request, cancel, emit)

    def prompt_counter(self):
        return self.engine.prompt_counter()

    def close(self):
        pass  # the real engine is the fixture's to close


def test_an_engine_that_cannot_batch_runs_them_one_after_another(engine):
    from desktop_chat.core.alternatives import generate_alternatives

    sequential = OneAtATime(engine)
    events = []
    generate_alternatives(sequential, GenerationRequest(QUESTION, SAMPLED, alternatives=3),
                          threading.Event(), events.append)
    assert [r.alternatives for r in sequential.requests] == [1, 1, 1]
    assert [r.settings.seed for r in sequential.requests] == [3, 4, 5]  # each its own
    ends = [e for e in events if isinstance(e, (Finished, Failed))]
    assert [e.sequence for e in ends] == [0, 1, 2]  # one after another
    assert [e.result.sequence for e in ends] == [0, 1, 2]
    assert all("Paris" in e.result.answer for e in ends)

    cancel = threading.Event()
    events = []
    generate_alternatives(sequential, GenerationRequest(QUESTION, SAMPLED, alternatives=3),
                          cancel, lambda e: (events.append(e),
                                             isinstance(e, AnswerDelta) and cancel.set()))
    ends = [e for e in events if isinstance(e, (Finished, Failed))]
    assert [(e.sequence, e.result.stats.finish_reason) for e in ends] == [
        (0, "cancelled"), (1, "cancelled"), (2, "cancelled")]
    assert ends[0].result.answer and not ends[1].result.answer and not ends[2].result.answer

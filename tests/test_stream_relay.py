"""workers/stream_relay.py: the one relay for a plain reply and for alternatives."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    Failed,
    Finished,
    PrefillProgress,
    ReasoningDelta,
    empty_result,
)
from desktop_chat.core.user_message import UserMessage
from desktop_chat.workers import stream_relay
from desktop_chat.workers.stream_relay import StreamRelay


class Recorder:
    """A StreamSink that writes down what it hears."""

    def __init__(self):
        self.heard = []

    def chunk(self, sequence, kind, text):
        self.heard.append(("chunk", sequence, kind, text))

    def was_reasoning(self, sequence):
        self.heard.append(("was_reasoning", sequence))

    def prefill(self, done, total):
        self.heard.append(("prefill", done, total))

    def finished(self, result):
        self.heard.append(("finished", result.sequence, result.request_id))

    def failed(self, message, result):
        self.heard.append(("failed", result.sequence, result.request_id, message, result.error))

    def all_ended(self, request_id):
        self.heard.append(("all_ended", request_id))


@pytest.fixture
def every_delta_waits(monkeypatch):
    """No flush by the clock: only a kind change or an event flushes."""
    monkeypatch.setattr(stream_relay, "CHUNK_INTERVAL_S", 3600.0)
    monkeypatch.setattr(stream_relay, "time", SimpleNamespace(monotonic=lambda: 1.0))


def test_one_stream_joins_deltas_and_keeps_reasoning_before_answer(every_delta_waits):
    sink = Recorder()
    relay = StreamRelay(sink, 7, 1, threading.Event())
    relay.add(PrefillProgress(3, 10))
    for text in ("Thinking", " hard"):
        relay.add(ReasoningDelta(text))
    for text in ("Paris", "."):
        relay.add(AnswerDelta(text))
    relay.add(AnswerWasReasoning())
    relay.add(Finished(empty_result("stop")))
    relay.add(AnswerDelta("after the end"))
    relay.close()
    assert sink.heard == [
        ("prefill", 3, 10),
        ("chunk", 0, "reasoning", "Thinking hard"),
        ("chunk", 0, "answer", "Paris."),
        ("was_reasoning", 0),
        ("finished", 0, 7),
        ("all_ended", 7),
    ]


def test_streams_keep_their_own_order_and_each_ends_once(every_delta_waits):
    sink = Recorder()
    relay = StreamRelay(sink, 3, 2, threading.Event())
    relay.add(ReasoningDelta("a", sequence=0))
    relay.add(ReasoningDelta("b", sequence=1))
    relay.add(AnswerDelta("A", sequence=0))  # stream 0 turns to its answer: flush first
    relay.add(AnswerDelta("B", sequence=1))
    relay.add(Finished(empty_result("stop"), sequence=1))
    relay.add(Finished(empty_result("stop"), sequence=1))  # a second end is ignored
    relay.add(Failed("it broke", "trace", empty_result("error"), sequence=0))
    assert sink.heard == [
        ("chunk", 0, "reasoning", "a"),
        ("chunk", 1, "reasoning", "b"),
        ("chunk", 0, "answer", "A"),
        ("chunk", 1, "answer", "B"),
        ("finished", 1, 3),
        ("failed", 0, 3, "it broke", "it broke"),
        ("all_ended", 3),
    ]


def test_the_first_delta_goes_at_once_then_they_wait_for_the_interval(monkeypatch):
    clock = {"now": 100.0}
    monkeypatch.setattr(stream_relay, "time", SimpleNamespace(monotonic=lambda: clock["now"]))
    sink = Recorder()
    relay = StreamRelay(sink, 1, 1, threading.Event())
    relay.add(AnswerDelta("The"))
    relay.add(AnswerDelta(" capital"))
    clock["now"] += stream_relay.CHUNK_INTERVAL_S
    relay.add(AnswerDelta(" is"))
    relay.add(AnswerDelta(" Paris"))
    assert sink.heard == [("chunk", 0, "answer", "The"), ("chunk", 0, "answer", " capital is")]


def test_a_cancelled_request_sends_no_more_text(every_delta_waits):
    cancel = threading.Event()
    sink = Recorder()
    relay = StreamRelay(sink, 1, 1, cancel)
    relay.add(AnswerDelta("kept back"))
    cancel.set()
    relay.add(AnswerDelta(" and more"))
    relay.add(Finished(empty_result("cancelled")))
    assert sink.heard == [("finished", 0, 1), ("all_ended", 1)]


@pytest.mark.parametrize("streams", [1, 3])
def test_a_stream_left_without_an_end_fails_with_a_translatable_message(streams):
    sink = Recorder()
    relay = StreamRelay(sink, 5, streams, threading.Event())
    if streams > 1:
        relay.add(Finished(empty_result("stop"), sequence=1))
    relay.close()
    failures = [entry for entry in sink.heard if entry[0] == "failed"]
    assert [entry[1] for entry in failures] == ([0, 2] if streams > 1 else [0])
    for *_, message, error in failures:
        assert isinstance(message, UserMessage) and error == message
        assert message.template == "The engine ended the reply without a result."
    assert sink.heard[-1] == ("all_ended", 5)

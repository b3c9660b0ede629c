"""Several answers to one prompt ("Generate 3 answers"): the part every engine shares.

A request with ``alternatives`` > 1 streams that many replies, told apart by the
``sequence`` of every event; each ends with its own ``Finished`` or ``Failed``. An engine
that can batch (``ModelInfo.batches_alternatives``: transformers) generates them in one
pass; any other runs through ``generate_alternatives`` here, one reply after another. A
cancel stops them all: the one running ends as cancelled, the ones not begun end empty.
"""

from __future__ import annotations

import dataclasses
import threading

from desktop_chat.core.inference import (
    AnswerDelta,
    AnswerWasReasoning,
    ChatEngine,
    EventSink,
    Failed,
    Finished,
    GenerationRequest,
    ReasoningDelta,
    StreamEvent,
    empty_result,
)
from desktop_chat.core.settings import GenerationSettings

MIN_ALTERNATIVES = 2
MAX_ALTERNATIVES = 4
_PER_SEQUENCE = (ReasoningDelta, AnswerDelta, AnswerWasReasoning, Finished, Failed)


def tagged(emit: EventSink, sequence: int) -> EventSink:
    """``emit`` with every event (and result) marked as belonging to ``sequence``."""
    def tag(event: StreamEvent) -> None:
        if isinstance(event, _PER_SEQUENCE):
            if isinstance(event, (Finished, Failed)):
                event.result.sequence = sequence
            event = dataclasses.replace(event, sequence=sequence)
        emit(event)
    return tag


def alternative_settings(settings: GenerationSettings, sequence: int) -> GenerationSettings:
    """Alternatives are sampled (greedy decoding would give the same answer each time);
    a fixed seed still gives each a different, repeatable one."""
    seed = None if settings.seed is None else (settings.seed + sequence) % 2**32
    return dataclasses.replace(settings, do_sample=True, seed=seed)


def generate_alternatives(engine: ChatEngine, request: GenerationRequest,
                          cancel: threading.Event, emit: EventSink) -> None:
    """Run ``request`` on ``engine``: batched when it can, else one answer at a time."""
    if request.alternatives <= 1 or engine.info.batches_alternatives:
        engine.generate(request, cancel, emit)
        return
    for sequence in range(request.alternatives):
        if cancel.is_set():  # stopped: the ones not begun end at once, with nothing
            tagged(emit, sequence)(Finished(empty_result("cancelled", request.request_id)))
            continue
        one = dataclasses.replace(request, alternatives=1,
                                  settings=alternative_settings(request.settings, sequence))
        engine.generate(one, cancel, tagged(emit, sequence))

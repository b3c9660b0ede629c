"""The inference worker: the one bridge between Qt and the engines.

``InferenceWorker`` lives on its own QThread. The window asks it to load a model or to
generate a reply (``request_load``, ``request_generation``: queued to the worker thread)
and hears back through signals. Engines are imported on the worker thread, never on the
GUI thread's path to the first paint, and driven through the contract in
``core.inference``: the worker never knows which engine runs.

The model lifecycle is the worker's, and it says so: every change is a ``ModelState``
(no model / loading / ready / failed) on ``model_state_changed``, with a revision number
so a late state never overrides a newer one. A new load cancels the one running; the
open model answers until the new one is ready, unless it must be closed first to make
room, which happens only with the user's consent (the load fails with a remedy).

Cancelling is a plain thread-safe method that sets a ``threading.Event``: the worker's
event loop is busy generating, so a queued slot would only run after the reply is done.
A reply's events go through workers/stream_relay.py's ``StreamRelay``, coalesced to at
most ~33 updates a second, into one of two sinks here: a plain reply's signals
(``chunk_received``...) or the alternatives' (``alternative_chunk_received``...).

Looking up what the worker thread must not wait for (a server's models, the facts of
models on disk) runs as jobs (workers/jobs.py) on a runner that stays on the GUI thread.
Counting the message being typed is workers/token_counting.py's ``TokenCountWorker``,
handed in by app.py; the worker gives it the open model's counter.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, SignalInstance, Slot

from desktop_chat.core.alternatives import generate_alternatives
from desktop_chat.core.inference import (
    PHASE_FAILED,
    PHASE_LOADING,
    PHASE_NO_MODEL,
    PHASE_READY,
    ChatEngine,
    EngineError,
    Failed,
    GenerationRequest,
    GenerationResult,
    LoadFailure,
    LoadRequest,
    ModelState,
    StreamEvent,
    empty_result,
)
from desktop_chat.core.user_message import UserMessage, tr
from desktop_chat.workers.jobs import JobContext, JobFailure, JobRunner
from desktop_chat.workers.stream_relay import StreamRelay
from desktop_chat.workers.token_counting import TokenCountWorker

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_MS = 3000
LOOKUP_THREADS = 4  # network and disk: a slow server never holds up the facts of files
# Past the timeout the thread is in work nothing can interrupt (importing torch, a forward
# pass). Destroying a running QThread aborts the process, so wait for it to end.
UNINTERRUPTIBLE_WAIT_MS = 120_000
CANCELLED_MESSAGE = tr("Loading was cancelled.")


class InferenceWorker(QObject):
    engine_ready = Signal()  # the worker thread runs and the engine registry is imported
    engine_failed = Signal(object, str)  # message, details: the engine cannot start at all
    model_state_changed = Signal(object)  # ModelState: the truth about the model
    load_progressed = Signal(float, object)  # fraction 0..1, what is happening (a message)
    model_loaded = Signal(object, int)  # ModelInfo, load id
    model_load_failed = Signal(object)  # LoadFailure
    chunk_received = Signal(str, str)  # kind ("reasoning" or "answer"), text
    answer_was_reasoning = Signal()  # the answer streamed so far was reasoning after all
    prefill_progressed = Signal(int, int)  # prompt tokens done, total
    generation_finished = Signal(object)  # GenerationResult
    # A request for alternatives (workers/stream_relay.py): sequence, kind, text; sequence;
    # GenerationResult (its sequence; error set when it failed); request id, when all ended.
    alternative_chunk_received = Signal(int, str, str)
    alternative_was_reasoning = Signal(int)
    alternative_finished = Signal(object)
    alternatives_finished = Signal(int)
    generation_failed = Signal(object, object)  # message, GenerationResult with the partial text
    server_models_listed = Signal(str, object, object)  # base URL, model names, error or ""
    model_facts_read = Signal(object)  # core.model_facts.ModelFacts (picker, Models page)

    _warm_up_requested = Signal()
    _load_requested = Signal(object, int, object)
    _generation_requested = Signal(object, object)

    def __init__(self, cache_dir: Path | None = None,
                 counting: TokenCountWorker | None = None) -> None:
        """``counting`` is told the open model's counter (app.py creates it; None: no
        counting)."""
        super().__init__()
        self._thread: QThread | None = None
        self._cache_dir = cache_dir
        self._engine: ChatEngine | None = None
        self._generation_cancel = threading.Event()
        self._answer_now = threading.Event()  # the current request's (GenerationRequest)
        self._load_cancel = threading.Event()
        self._lock = threading.Lock()  # guards _state (written by both threads)
        self._state = ModelState()
        self._next_load_id = 0
        self._thread_end = _ThreadEndRelay(self._finish_stop)  # lives on the GUI thread
        self.counting = counting
        # Not a child: it stays on the GUI thread when the worker moves to its own, and the
        # look-ups it runs report there (the worker thread may be busy generating).
        self._lookups = JobRunner(max_threads=LOOKUP_THREADS, name="inference-lookups")
        self._warm_up_requested.connect(self._warm_up)
        self._load_requested.connect(self._load)
        self._generation_requested.connect(self._generate)

    # ----- called from the GUI thread ------------------------------------------------------

    def start(self) -> None:
        """Move to a new thread, start it, and import the engine there."""
        thread = QThread()
        thread.setObjectName("InferenceWorkerThread")
        self.moveToThread(thread)
        # Heard on the GUI thread: a slot run by the ending thread itself never returns.
        thread.finished.connect(self._thread_end.on_finished)
        thread.start()
        self._thread = thread
        self._warm_up_requested.emit()

    @property
    def stopped(self) -> SignalInstance:
        """Emitted on the GUI thread once the worker thread has ended (stop, shutdown).

        It belongs to a GUI-thread object: the worker's own signals, once its thread has
        ended, would be queued to a thread that never runs them again."""
        return self._thread_end.stopped

    def request_load(self, request: LoadRequest) -> int:
        """Load a model, cancelling any load still running; returns the load id."""
        self._load_cancel.set()
        self._load_cancel = cancel = threading.Event()
        self._next_load_id += 1
        load_id = self._next_load_id
        self._update_state(phase=PHASE_LOADING, loading=request, load_id=load_id,
                           failure=None)
        self._load_requested.emit(request, load_id, cancel)
        return load_id

    def request_generation(self, request: GenerationRequest) -> None:
        self._generation_cancel = threading.Event()
        self._answer_now = request.answer_now
        self._generation_requested.emit(request, self._generation_cancel)

    def request_server_models(self, base_url: str, api_key: str = "") -> None:
        """Ask a server for its models, as a job; ``server_models_listed`` answers."""
        def listed(outcome: tuple[list[str], str]) -> None:
            self.server_models_listed.emit(base_url, *outcome)

        def failed(failure: JobFailure) -> None:  # a missing client library, a bug
            self.server_models_listed.emit(base_url, [], tr(
                "The models could not be listed: {error}", error=failure.message))

        job = self._lookups.start(lambda ctx: _server_models(base_url, api_key or None))
        job.done.connect(listed)
        job.failed.connect(failed)

    def request_model_facts(self, entries: list[str], device: str = "auto",
                            dtype: str = "auto", context_limit: int = 0) -> None:
        """Describe models on disk (format, size, parameters, memory estimate) as a job,
        headers only; each answer comes as ``model_facts_read``, as soon as it is read."""
        def read_all(ctx: JobContext) -> None:
            from desktop_chat.engine.model_survey import read_model_facts

            for entry in entries:
                if ctx.cancelled:
                    return
                self.model_facts_read.emit(read_model_facts(entry, device, dtype,
                                                            context_limit))

        self._lookups.start(read_all)

    def cancel(self) -> None:
        """Stop the reply being generated (thread-safe; takes effect at the next token)."""
        self._generation_cancel.set()

    def answer_now(self) -> None:
        """Make the model stop thinking and answer (thread-safe; the engine forces the end
        of its thinking at the next token: engine/thinking_budget.py)."""
        self._answer_now.set()

    def cancel_load(self) -> None:
        self._load_cancel.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def stop(self) -> None:
        """Cancel what runs and let the thread end; ``stopped`` is emitted when it has.

        Never blocks: the window hides at once and the process exits once this is done."""
        self.cancel()
        self.cancel_load()
        self._lookups.cancel_all()
        if self._thread is None or not self._thread.isRunning():
            self._finish_stop()
            return
        self._thread.quit()

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel what runs, stop the thread and join it, and end the look-ups; True if
        they ended in time."""
        self.cancel()
        self.cancel_load()
        thread = self._thread
        if thread is not None:
            thread.quit()
        lookups_ended = self._lookups.shutdown(timeout_ms)
        if thread is None:
            return lookups_ended
        finished = thread.wait(timeout_ms)
        if not finished:
            log.warning("the inference thread is busy; waiting for it to finish")
            thread.wait(UNINTERRUPTIBLE_WAIT_MS)
        if thread.isFinished():
            self._finish_stop()
        else:
            _busy_threads.append(thread)  # never destroy a running QThread
        return finished and lookups_ended

    @property
    def engine(self) -> ChatEngine | None:
        """The open engine, for tests and benchmarks (touch it only while idle)."""
        return self._engine

    # ----- the model lifecycle -------------------------------------------------------------

    def _update_state(self, *, for_load: int | None = None, **changes: Any) -> bool:
        """Change the state and announce it; with ``for_load``, only while that load is the
        one in progress (a superseded load changes nothing). True if it changed."""
        with self._lock:
            state = self._state
            if for_load is not None and (state.load_id != for_load
                                         or state.phase != PHASE_LOADING):
                return False
            state = dataclasses.replace(state, revision=state.revision + 1, **changes)
            self._state = state
        self.model_state_changed.emit(state)
        return True

    def _is_latest(self, load_id: int) -> bool:
        with self._lock:
            return self._state.load_id == load_id and self._state.phase == PHASE_LOADING

    def _finish_stop(self) -> None:
        if self._thread is None:
            return
        self._thread = None
        self._release_engine()
        self._thread_end.stopped.emit()

    # ----- slots, run on the worker thread -------------------------------------------------

    @Slot()
    def _warm_up(self) -> None:
        # The engines themselves (torch, llama.cpp, the HTTP client) load with the first
        # model that needs them: a GGUF file or a server never waits for torch.
        try:
            from desktop_chat.engine import registry  # noqa: F401
        except Exception as error:  # a broken install: say so instead of failing silently
            log.exception("the inference engine could not be imported")
            self.engine_failed.emit(_engine_broken(error), traceback.format_exc())
            return
        self.engine_ready.emit()

    @Slot(object, int, object)
    def _load(self, request: LoadRequest, load_id: int, cancel: threading.Event) -> None:
        def fail(message: str, details: str = "", remedy: str | None = None,
                 cancelled: bool = False) -> None:
            self._end_load(load_id, LoadFailure(message, details, remedy, cancelled, request,
                                                load_id))

        if cancel.is_set():
            fail(CANCELLED_MESSAGE, cancelled=True)
            return
        try:
            from desktop_chat.engine import registry  # noqa: F401
        except Exception as error:  # a broken install
            fail(_engine_broken(error), traceback.format_exc())
            return
        try:
            engine = self._open(request, load_id, cancel)
        except EngineError as error:
            if not cancel.is_set():
                log.warning("could not load %s: %s\n%s", request.source.location, error,
                            error.details)
            if cancel.is_set():  # whatever the error says, the user (or a newer load) ended it
                fail(CANCELLED_MESSAGE, cancelled=True)
            else:
                fail(str(error), error.details, error.remedy)
            return
        except Exception as error:  # a bug or an unforeseen library error: report, never hang
            log.exception("loading failed")
            fail(tr("The model could not be loaded: {error}", error=str(error)),
                 traceback.format_exc())
            return
        if cancel.is_set():  # cancelled (or superseded) just as it finished
            engine.close()
            fail(CANCELLED_MESSAGE, cancelled=True)
            return
        previous, self._engine = self._engine, engine
        self._set_counter(engine)
        if previous is not None:
            previous.close()
        info = engine.info
        log.info("loaded %s with %s on %s in %s (%s)", info.name, info.engine,
                 info.device_name, info.precision, info.reason)
        if not self._update_state(for_load=load_id, phase=PHASE_READY, current=info,
                                  loading=None, failure=None):
            self._update_state(current=info)  # a newer load began meanwhile: it follows
        self.model_loaded.emit(info, load_id)

    def _open(self, request: LoadRequest, load_id: int, cancel: threading.Event) -> ChatEngine:
        from desktop_chat.engine.errors import ModelLoadError, ReleaseRequired
        from desktop_chat.engine.registry import plan_load

        plan = plan_load(request, self._cache_dir)
        try:
            plan.check_fits()
        except ModelLoadError as too_big:
            current = self._engine
            if current is None:
                raise
            if not request.release_current:
                raise ReleaseRequired(tr(
                    "{new} does not fit in memory while {open} is open. "
                    "Close {open} and open {new}?", new=plan.name, open=current.info.name),
                    f"{too_big}\n{too_big.details}".strip()) from None
            self._release_engine()  # the user agreed: the old model goes first
            self._update_state(current=None)
            plan.check_fits()

        def progress(fraction: float, what: str) -> None:
            if self._is_latest(load_id):
                self.load_progressed.emit(fraction, what)

        from desktop_chat.engine.memory_estimate import memory_in_use

        before = memory_in_use()
        engine = plan.load(progress, cancel)
        engine.info = dataclasses.replace(  # what opening it took, for Model Info
            engine.info, memory_measured_bytes=max(0, memory_in_use() - before))
        return engine

    def _end_load(self, load_id: int, failure: LoadFailure) -> None:
        """A load that did not produce a model: say so, unless a newer load replaced it."""
        current = self._engine.info if self._engine is not None else None
        phase = PHASE_READY if current else (PHASE_NO_MODEL if failure.cancelled
                                             else PHASE_FAILED)
        if self._update_state(for_load=load_id, phase=phase, current=current, loading=None,
                              failure=failure):
            self.model_load_failed.emit(failure)

    @Slot(object, object)
    def _generate(self, request: GenerationRequest, cancel: threading.Event) -> None:
        if self._engine is None:
            result = empty_result("error", request.request_id)
            result.error = tr("No model is loaded yet.")
            self.generation_failed.emit(result.error, result)
            return
        if cancel.is_set():  # cancelled while still queued
            self.generation_finished.emit(empty_result("cancelled", request.request_id))
            return
        several = request.alternatives > 1
        relay = StreamRelay(_AlternativeSignals(self) if several else _ReplySignals(self),
                            request.request_id, request.alternatives if several else 1, cancel)
        def add(event: StreamEvent) -> None:
            if isinstance(event, Failed):  # the log keeps what the user is told, and why
                log.warning("generation failed: %s\n%s", event.message, event.details)
            relay.add(event)

        try:
            generate_alternatives(self._engine, request, cancel, add)
        except Exception as error:  # the contract says never; a last resort all the same
            log.exception("generation failed outside the model")
            relay.add(Failed(str(error), traceback.format_exc(), empty_result("error")))
        relay.close()

    def _release_engine(self) -> None:
        engine, self._engine = self._engine, None
        self._set_counter(None)
        if engine is not None:
            engine.close()

    def _set_counter(self, engine: ChatEngine | None) -> None:
        """The open model counts the message being typed (thread-safe)."""
        if self.counting is not None:
            self.counting.set_counter(engine.prompt_counter() if engine is not None else None)


def _server_models(base_url: str, api_key: str | None) -> tuple[list[str], str]:
    """On a job's thread: the server's model names, or why it would not list them."""
    from desktop_chat.engine.server_engine import list_models

    try:
        return [model.id for model in list_models(base_url, api_key)], ""
    except EngineError as error:
        return [], str(error)


_busy_threads: list[QThread] = []


class _ThreadEndRelay(QObject):
    stopped = Signal()

    def __init__(self, on_end: Callable[[], None]) -> None:
        super().__init__()
        self._on_end = on_end

    @Slot()
    def on_finished(self) -> None:
        self._on_end()


class _ReplySignals:
    """A plain reply's stream (workers/stream_relay.py) as the worker's signals."""

    def __init__(self, worker: InferenceWorker) -> None:
        self._worker = worker

    def chunk(self, sequence: int, kind: str, text: str) -> None:
        self._worker.chunk_received.emit(kind, text)

    def was_reasoning(self, sequence: int) -> None:
        self._worker.answer_was_reasoning.emit()

    def prefill(self, done: int, total: int) -> None:
        self._worker.prefill_progressed.emit(done, total)

    def finished(self, result: GenerationResult) -> None:
        self._worker.generation_finished.emit(result)

    def failed(self, message: str, result: GenerationResult) -> None:
        self._worker.generation_failed.emit(message, result)

    def all_ended(self, request_id: int) -> None:
        pass  # generation_finished or generation_failed said it


class _AlternativeSignals:
    """The streams of a request for alternatives as the worker's signals: each ends with
    ``alternative_finished`` (its error set when it failed), then all with
    ``alternatives_finished``."""

    def __init__(self, worker: InferenceWorker) -> None:
        self._worker = worker

    def chunk(self, sequence: int, kind: str, text: str) -> None:
        self._worker.alternative_chunk_received.emit(sequence, kind, text)

    def was_reasoning(self, sequence: int) -> None:
        self._worker.alternative_was_reasoning.emit(sequence)

    def prefill(self, done: int, total: int) -> None:
        self._worker.prefill_progressed.emit(done, total)

    def finished(self, result: GenerationResult) -> None:
        self._worker.alternative_finished.emit(result)

    def failed(self, message: str, result: GenerationResult) -> None:
        self._worker.alternative_finished.emit(result)

    def all_ended(self, request_id: int) -> None:
        self._worker.alternatives_finished.emit(request_id)


def _engine_broken(error: BaseException) -> UserMessage:
    return tr("The inference engine could not start: {error}", error=str(error))

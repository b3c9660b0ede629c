"""The inference worker: the one bridge between Qt and the engine.

``InferenceWorker`` lives on its own QThread. The window asks it to load a model or to
generate a reply (``request_load``, ``request_generation``: queued to the worker thread)
and hears back through signals. torch, transformers and the engine are imported on the
worker thread, never on the GUI thread's path to the first paint.

Cancelling is a plain thread-safe method that sets a ``threading.Event``: the worker's
event loop is busy generating, so a queued slot would only run after the reply is done.
Chunks of text are coalesced so the GUI thread gets at most ~30 updates a second.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop_chat.core.inference import (
    GenerationRequest,
    GenerationResult,
    GenerationStats,
    LoadRequest,
    ModelInfo,
)

if TYPE_CHECKING:
    from desktop_chat.engine.chat import ChatSession
    from desktop_chat.engine.loader import LoadedModel

log = logging.getLogger(__name__)

CHUNK_INTERVAL_S = 0.030  # at most ~33 chunk signals a second reach the GUI thread
SHUTDOWN_TIMEOUT_MS = 3000
# Past the timeout the thread is in work nothing can interrupt (importing torch, one long
# prefill). Destroying a running QThread aborts the process, so wait for it to end.
UNINTERRUPTIBLE_WAIT_MS = 120_000


class InferenceWorker(QObject):
    engine_ready = Signal()  # torch and transformers are imported: loading starts at once
    engine_failed = Signal(str, str)  # message, details: torch or transformers cannot load
    load_progressed = Signal(float, str)  # fraction 0..1, what is happening
    model_loaded = Signal(object)  # ModelInfo
    model_load_failed = Signal(str, str, bool)  # message, details, needs consent to custom code
    chunk_received = Signal(str, str)  # kind ("reasoning" or "answer"), text
    generation_finished = Signal(object)  # GenerationResult
    generation_failed = Signal(str, object)  # message, GenerationResult with the partial text

    _warm_up_requested = Signal()
    _load_requested = Signal(object, object)
    _generation_requested = Signal(object, object)

    def __init__(self) -> None:
        super().__init__()
        self._thread: QThread | None = None
        self._loaded: LoadedModel | None = None
        self._session: ChatSession | None = None
        self._generation_cancel = threading.Event()
        self._load_cancel = threading.Event()
        self._warm_up_requested.connect(self._warm_up)
        self._load_requested.connect(self._load)
        self._generation_requested.connect(self._generate)

    # ----- called from the GUI thread ------------------------------------------------------

    def start(self) -> None:
        """Move to a new thread, start it, and import the engine there."""
        thread = QThread()
        thread.setObjectName("InferenceWorkerThread")
        self.moveToThread(thread)
        thread.start()
        self._thread = thread
        self._warm_up_requested.emit()

    def request_load(self, request: LoadRequest) -> None:
        self._load_cancel = threading.Event()
        self._load_requested.emit(request, self._load_cancel)

    def request_generation(self, request: GenerationRequest) -> None:
        self._generation_cancel = threading.Event()
        self._generation_requested.emit(request, self._generation_cancel)

    def cancel(self) -> None:
        """Stop the reply being generated (thread-safe; takes effect at the next token)."""
        self._generation_cancel.set()

    def cancel_load(self) -> None:
        self._load_cancel.set()

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel what runs, stop the thread and join it; True if it ended in time."""
        self.cancel()
        self.cancel_load()
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        thread.quit()
        finished = thread.wait(timeout_ms)
        if not finished:
            log.warning("the inference thread is busy; waiting for it to finish")
            thread.wait(UNINTERRUPTIBLE_WAIT_MS)
        if thread.isFinished():
            self._release_model()
        else:
            _busy_threads.append(thread)  # never destroy a running QThread
        return finished

    @property
    def session(self) -> ChatSession | None:
        """The engine session, for tests and benchmarks (touch it only while idle)."""
        return self._session

    # ----- slots, run on the worker thread -------------------------------------------------

    @Slot()
    def _warm_up(self) -> None:
        try:
            from desktop_chat.engine import chat, loader  # noqa: F401  torch, transformers
        except Exception as error:  # a broken install: say so instead of failing silently
            log.exception("the inference engine could not be imported")
            self.engine_failed.emit(
                f"The inference engine could not start: {error}", traceback.format_exc())
            return
        self.engine_ready.emit()

    @Slot(object, object)
    def _load(self, request: LoadRequest, cancel: threading.Event) -> None:
        try:
            from desktop_chat.engine.chat import ChatSession
            from desktop_chat.engine.device import DeviceUnavailableError, choose_device
            from desktop_chat.engine.loader import (
                ModelLoadError,
                RemoteCodeRequired,
                check_memory,
                inspect_model_folder,
                load_model,
            )
        except Exception as error:
            log.exception("the inference engine could not be imported")
            self.model_load_failed.emit(f"The inference engine could not start: {error}",
                                        traceback.format_exc(), False)
            return
        try:
            folder = inspect_model_folder(request.path, request.allow_remote_code)
            choice = choose_device(request.device, request.dtype, folder.model_type)
            try:
                check_memory(folder, choice)
            except ModelLoadError:
                if self._loaded is None:
                    raise
                self._release_model()  # not enough room for both: the old one must go first
                check_memory(folder, choice)
            loaded = load_model(folder, choice, self.load_progressed.emit, cancel)
        except ModelLoadError as error:
            log.info("could not load %s: %s", request.path, error)
            self.model_load_failed.emit(str(error), error.details,
                                        isinstance(error, RemoteCodeRequired))
            return
        except DeviceUnavailableError as error:
            self.model_load_failed.emit(str(error), "", False)
            return
        except Exception as error:  # a bug or an unforeseen library error: report, never hang
            log.exception("loading failed")
            self.model_load_failed.emit(f"The model could not be loaded: {error}",
                                        traceback.format_exc(), False)
            return
        self._release_model()
        self._loaded = loaded
        self._session = ChatSession(loaded)
        log.info("loaded %s on %s in %s (%s)", folder.name, choice.device_name,
                 choice.dtype_name, choice.reason)
        self.model_loaded.emit(ModelInfo(
            name=folder.name, path=str(request.path), device=choice.device,
            device_name=choice.device_name, dtype=choice.dtype_name,
            context_size=loaded.context_size, reason=choice.reason,
            notices=tuple(loaded.notices), model_defaults=loaded.model_defaults,
        ))

    @Slot(object, object)
    def _generate(self, request: GenerationRequest, cancel: threading.Event) -> None:
        if self._session is None:
            self.generation_failed.emit("No model is loaded yet.",
                                        _empty_result("error", request.request_id))
            return
        if cancel.is_set():  # cancelled while still queued
            self.generation_finished.emit(_empty_result("cancelled", request.request_id))
            return

        def emit_chunk(kind: str, text: str) -> None:
            if not cancel.is_set():  # a stopped reply sends nothing more
                self.chunk_received.emit(kind, text)

        coalescer = _ChunkCoalescer(emit_chunk)
        try:
            result = self._session.generate(request.messages, request.settings,
                                            coalescer.add, cancel)
        except Exception as error:  # generate() reports its own errors; this is a last resort
            log.exception("generation failed outside the model")
            result = _empty_result("error")
            result.error, result.error_details = str(error), traceback.format_exc()
        coalescer.flush()
        result.request_id = request.request_id
        if result.error:
            self.generation_failed.emit(result.error, result)
        else:
            self.generation_finished.emit(result)

    def _release_model(self) -> None:
        if self._loaded is None:
            return
        from desktop_chat.engine.loader import unload

        self._session = None
        loaded, self._loaded = self._loaded, None
        unload(loaded)


_busy_threads: list[QThread] = []


class _ChunkCoalescer:
    """Joins text pieces of one kind and passes them on at most every CHUNK_INTERVAL_S."""

    def __init__(self, emit: Any) -> None:
        self._emit = emit
        self._kind: str | None = None
        self._parts: list[str] = []
        self._last = 0.0

    def add(self, kind: str, text: str) -> None:
        if self._kind != kind:
            self.flush()
            self._kind = kind
        self._parts.append(text)
        now = time.monotonic()
        if now - self._last >= CHUNK_INTERVAL_S:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._emit(self._kind, "".join(self._parts))
            self._parts = []
            self._last = time.monotonic()


def _empty_result(finish_reason: str, request_id: int = 0) -> GenerationResult:
    return GenerationResult(reasoning="", answer="", reasoning_unfinished=False,
                            stats=GenerationStats(finish_reason=finish_reason),
                            request_id=request_id)

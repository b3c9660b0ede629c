"""What app.py hands the ui: the workers, as the ui sees them.

The ui never imports desktop_chat.workers (import-linter's layers contract); it is typed
against these Protocols instead. Each declares the signals it has, with their argument
types, as ``Signal`` class attributes: tests/test_ports.py checks, through each class's
``metaObject()``, that the real workers and every test stand-in have exactly these
signals with exactly these signatures, and the methods named here.

Signals carrying ``object`` say what they carry in a comment. Everything a worker reports
reaches the GUI thread queued: a slot never runs on a worker's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Signal, SignalInstance

from desktop_chat.core.conversation import Conversation, Message
from desktop_chat.core.inference import GenerationRequest, LoadRequest
from desktop_chat.core.save_queue import SaveProblem, SaveQueue
from desktop_chat.core.search_index import SearchService
from desktop_chat.core.settings import AppSettings, GenerationSettings


class InferencePort(Protocol):
    """The inference worker (workers/inference.py): one model, on a thread of its own."""

    engine_ready = Signal()  # the engine registry imported: loads can start
    engine_failed = Signal(object, str)  # message (a UserMessage), details
    model_state_changed = Signal(object)  # core.inference.ModelState, with its revision
    load_progressed = Signal(float, object)  # fraction 0..1, what happens (a UserMessage)
    model_loaded = Signal(object, int)  # ModelInfo, load id
    model_load_failed = Signal(object)  # LoadFailure
    chunk_received = Signal(str, str)  # kind ("reasoning" or "answer"), text
    answer_was_reasoning = Signal()  # the answer streamed so far was thinking after all
    prefill_progressed = Signal(int, int)  # prompt tokens read, total
    generation_finished = Signal(object)  # GenerationResult
    generation_failed = Signal(object, object)  # message, GenerationResult so far
    # A request for several answers: which answer, kind, text; which answer; that answer's
    # GenerationResult (error set when it failed); the request id, once all have ended.
    alternative_chunk_received = Signal(int, str, str)
    alternative_was_reasoning = Signal(int)
    alternative_finished = Signal(object)
    alternatives_finished = Signal(int)
    server_models_listed = Signal(str, object, object)  # base URL, names, error or ""
    model_facts_read = Signal(object)  # core.model_facts.ModelFacts

    @property
    def running(self) -> bool: ...

    @property
    def stopped(self) -> SignalInstance:
        """Emitted on the GUI thread once the worker's thread has ended."""
        ...

    def request_load(self, request: LoadRequest) -> int: ...

    def cancel_load(self) -> None: ...

    def request_generation(self, request: GenerationRequest) -> None: ...

    def cancel(self) -> None: ...

    def answer_now(self) -> None: ...

    def request_server_models(self, base_url: str, api_key: str = "") -> None: ...

    def request_model_facts(self, entries: list[str], device: str = "auto",
                            dtype: str = "auto", context_limit: int = 0) -> None: ...

    def stop(self) -> None: ...


class TokenCountPort(Protocol):
    """Counts the message being typed (workers/token_counting.py), newest request only."""

    counted = Signal(object)  # core.token_count.TokenCount, or None: the model cannot count

    def request(self, history: tuple[Message, ...], draft: str,
                settings: GenerationSettings) -> int: ...


class SavesPort(Protocol):
    """The writer thread (workers/saves.py): saves, deletes and restores, in order."""

    # A core.save_queue.SaveOutcome done or refused for good, and after a copy the
    # original's ConversationSummary as on disk (else None).
    outcome = Signal(object, object)
    problem_changed = Signal(object)  # SaveProblem, or None: everything is saved

    problem: SaveProblem | None
    queue: SaveQueue

    def save(self, conversation: Conversation) -> None: ...

    def delete(self, conversation_id: str) -> None: ...

    def restore(self, conversation_id: str) -> None: ...

    def unsaved(self, conversation_id: str) -> Conversation | None: ...

    def unsaved_conversations(self) -> list[Conversation]: ...

    def retry(self) -> None: ...

    def flush(self, timeout: float = 5.0) -> bool: ...

    def shutdown(self, save_seconds: float = 2.0) -> None: ...


class SearchPort(Protocol):
    """The search index's thread (workers/search.py); only the newest query answers."""

    finished = Signal(object)  # conversation ids, or None for no filter

    service: SearchService

    def request(self, query: str) -> None: ...

    def rerun(self) -> None: ...

    def shutdown(self) -> None: ...


class DownloadsPort(Protocol):
    """Get a Model's downloads and look-ups (workers/downloads.py)."""

    progressed = Signal(object)  # engine.hub_download.DownloadProgress
    finished = Signal(str)  # the path to open: a model folder or a GGUF file
    failed = Signal(str, str)  # hub_download error kind, detail
    running_changed = Signal(bool)
    accelerator_found = Signal(str)  # "cuda", "mps", "xpu" or "cpu"
    catalog_facts_found = Signal(object)  # workers.downloads.CatalogFacts
    token_not_stored = Signal(object)  # why the token is kept for this session only

    default_models_dir: Path

    @property
    def running(self) -> bool: ...

    @property
    def endpoint(self) -> str: ...

    def start(self, repo_id: str, models_dir: Path, prefer: str,
              gguf_file: str | None = None) -> bool: ...

    def cancel(self) -> None: ...

    def use_token(self, token: str) -> None: ...

    def find_accelerator(self) -> None: ...

    def find_catalog_facts(self, settings: AppSettings) -> None: ...


class JobContext(Protocol):
    """What a one-off job's function is handed, on its pool thread."""

    cancel: threading.Event

    @property
    def cancelled(self) -> bool: ...

    def progress(self, done: int, total: int) -> None: ...


class JobPort(Protocol):
    """One function running on a pool thread (workers/jobs.py ``Job``)."""

    progressed = Signal(int, int)  # done, total
    done = Signal(object)  # what the function returned
    failed = Signal(object)  # workers.jobs.JobFailure: message, details, error
    ended = Signal()  # once, after done or failed

    def cancel(self) -> None: ...

    @property
    def running(self) -> bool: ...


class JobsPort(Protocol):
    """Runs one-off jobs off the GUI thread (workers/jobs.py ``JobRunner``): the one way
    the ui does work that may wait on the disk or the network."""

    def start(self, work: Callable[[JobContext], object]) -> JobPort: ...


class FastCopyPort(Protocol):
    """Makes, finds and removes fast copies of model folders (workers/fast_copy.py
    ``FastCopyWorker``), one make at a time, in the background."""

    progressed = Signal(str, int, int)  # folder, steps done, steps in all
    made = Signal(str, str)  # folder, the copy's GGUF file
    failed = Signal(str, object, str)  # folder, message (a UserMessage), details
    refused = Signal(str, object)  # folder, why the converter cannot copy it (a UserMessage)
    cancelled = Signal(str)  # folder: nothing was kept

    @property
    def running(self) -> bool: ...

    @property
    def available(self) -> bool: ...  # llama.cpp and the converter are installed

    def make(self, folder: str, quantization: str) -> None: ...

    def cancel(self) -> None: ...

    def has_copy(self, folder: str) -> bool: ...

    def remove(self, folder: str) -> bool: ...


class WorkersPort(Protocol):
    """Every worker the window is handed (app.py's ``Workers``)."""

    inference: InferencePort
    counting: TokenCountPort
    saves: SavesPort
    search: SearchPort
    jobs: JobsPort
    downloads: DownloadsPort
    fast_copies: FastCopyPort

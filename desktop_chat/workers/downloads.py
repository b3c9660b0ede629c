"""The bridge between the "Get a Model" dialog and the download engine
(engine/hub_download.py): each download, each look-up of sizes and memory, the probe for
an accelerator and storing a token run as jobs (workers/jobs.py) on a runner the
``DownloadWorker`` owns, and report through its signals, so the GUI thread never waits on
the network or the disk. ``DownloadWorker`` itself lives on the GUI thread.

Cancelling is thread-safe: it cancels the download's job, whose event the download checks
between chunks; the partial files stay for the next start to continue. ``shutdown``
cancels every job and waits for them (longer for one stuck in a call the cancel cannot
reach, so no thread runs on while the process ends).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_chat.core.model_catalog import (
    CATALOG,
    FORMAT_GGUF,
    FORMAT_SAFETENSORS,
    CatalogModel,
)
from desktop_chat.core.secrets import hub_token_for, remember_hub_token, store_hub_token
from desktop_chat.core.settings import AppSettings
from desktop_chat.workers.jobs import Job, JobContext, JobRunner

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_MS = 3000
# Enough threads that a download never waits behind a slow look-up (all wait on the network).
JOB_THREADS = 8


@dataclass(frozen=True)
class DownloadRequest:
    repo_id: str
    models_dir: Path
    prefer: str  # FORMAT_SAFETENSORS or FORMAT_GGUF
    gguf_file: str | None = None


@dataclass(frozen=True)
class CatalogFacts:
    """What the dialog shows for one catalog model in one format."""

    title: str
    model_format: str
    size_bytes: int
    needed_bytes: int = 0  # the memory estimate; 0 when unknown
    free_bytes: int = 0
    fits: bool = True


@dataclass(frozen=True)
class _DownloadEnd:
    path: str = ""  # what to open, when it arrived
    kind: str = ""  # hub_download's kind of failure, when it did not
    detail: str = ""


class DownloadWorker(QObject):
    progressed = Signal(object)  # hub_download.DownloadProgress
    finished = Signal(str)  # the path to open: a model folder or a GGUF file
    failed = Signal(str, str)  # hub_download kind, detail
    running_changed = Signal(bool)
    accelerator_found = Signal(str)  # "cuda", "mps", "xpu" or "cpu"
    catalog_facts_found = Signal(object)  # CatalogFacts
    token_not_stored = Signal(object)  # why the token is kept for this session (a message)

    def __init__(self, default_models_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.default_models_dir = Path(default_models_dir)
        self.accelerator: str | None = None
        self._hub_sizes: dict[tuple[str, str], int | None] = {}
        self._download: Job | None = None
        self._jobs = JobRunner(self, max_threads=JOB_THREADS, name="downloads")

    @property
    def running(self) -> bool:
        return self._download is not None

    @property
    def endpoint(self) -> str:
        from desktop_chat.engine.hub_download import hub_endpoint

        return hub_endpoint()

    # ----- downloading -----------------------------------------------------------------------

    def start(self, repo_id: str, models_dir: Path, prefer: str,
              gguf_file: str | None = None) -> bool:
        """Begin (or continue) a download; False while another one runs."""
        if self._download is not None:
            return False
        request = DownloadRequest(repo_id, Path(models_dir), prefer, gguf_file)
        self._download = job = self._jobs.start(
            lambda ctx: self._download_now(request, ctx.cancel))
        job.done.connect(self._on_download_done)
        job.ended.connect(self._on_download_ended)
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        """Thread-safe: stop after the current chunk, keeping what arrived."""
        download = self._download
        if download is not None:
            download.cancel()

    def _download_now(self, request: DownloadRequest, cancel: threading.Event) -> _DownloadEnd:
        """On the download's thread; progress goes out as it comes."""
        from desktop_chat.engine import hub_download as hd

        token = hub_token_for(hd.hub_endpoint())
        try:
            plan = hd.plan_download(request.repo_id, request.models_dir,
                                    prefer=request.prefer, gguf_file=request.gguf_file,
                                    token=token)
            path = hd.download(plan, token=token, on_progress=self.progressed.emit,
                               cancel=cancel)
        except hd.DownloadError as error:
            return _DownloadEnd(kind=error.kind, detail=error.detail)
        except Exception as error:  # a bug: say so rather than spin forever
            log.exception("the download failed")
            return _DownloadEnd(kind=hd.SERVER_ERROR, detail=f"{type(error).__name__}: {error}")
        return _DownloadEnd(path=str(path))

    def _on_download_done(self, end: _DownloadEnd) -> None:
        if end.path:
            self.finished.emit(end.path)
        else:
            self.failed.emit(end.kind, end.detail)

    def _on_download_ended(self) -> None:
        self._download = None
        self.running_changed.emit(False)

    def use_token(self, token: str) -> None:
        """Use ``token`` from now on; kept in the keyring (off this thread)."""
        endpoint = self.endpoint
        remember_hub_token(endpoint, token)
        job = self._jobs.start(lambda ctx: store_hub_token(endpoint, token))
        job.done.connect(self._on_token_stored)

    def _on_token_stored(self, why: str | None) -> None:
        if why:  # the keyring refused: the token is kept for this session
            self.token_not_stored.emit(why)

    # ----- facts for the list ---------------------------------------------------------------

    def find_accelerator(self) -> None:
        """Answers with ``accelerator_found`` (at once when known)."""
        if self.accelerator is not None:
            self.accelerator_found.emit(self.accelerator)
            return

        job = self._jobs.start(lambda ctx: _detect_accelerator())
        job.done.connect(self._on_accelerator_found)

    def _on_accelerator_found(self, accelerator: str) -> None:
        self.accelerator = accelerator
        self.accelerator_found.emit(accelerator)

    def find_catalog_facts(self, settings: AppSettings) -> None:
        """Sizes (from the Hub when it answers) and memory estimates for every catalog
        model in both formats, each as ``catalog_facts_found``; known sizes first."""
        def look_up(ctx: JobContext) -> None:
            self.accelerator = self.accelerator or _detect_accelerator()
            known = [(model, model_format, model.size_for(model_format))
                     for model in CATALOG for model_format in (FORMAT_GGUF, FORMAT_SAFETENSORS)]
            self._emit_facts(known, settings)
            if ctx.cancelled:  # shutting down: the network can wait for the next time
                return
            try:
                listed = [(model, model_format, self._listed_size(model, model_format))
                          for model, model_format, _ in known]
            except _Unreachable:
                return  # the known sizes stand
            if not ctx.cancelled:
                self._emit_facts([entry for entry in listed if entry[2]], settings)

        self._jobs.start(look_up)

    def _emit_facts(self, entries: list[tuple[CatalogModel, str, int | None]],
                    settings: AppSettings) -> None:
        for model, model_format, size in entries:
            self.catalog_facts_found.emit(_facts(model, model_format, size or 0,
                                                 self.accelerator or "cpu", settings))

    def _listed_size(self, model: CatalogModel, model_format: str) -> int | None:
        """The size the Hub lists now, asked once a session."""
        key = (model.title, model_format)
        if key not in self._hub_sizes:
            self._hub_sizes[key] = _hub_size(model, model_format)
        return self._hub_sizes[key]

    # ----- the end ----------------------------------------------------------------------------

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel the download and every look-up and wait for them; True if all ended in
        time. A job stuck in a call the cancel cannot reach (a stalled read ends after
        hub_download.READ_TIMEOUT_S) is waited for longer. Nothing reports afterwards."""
        ended = self._jobs.shutdown(timeout_ms)
        if self._download is not None and not self._download.running:
            self._download = None  # its end was not reported: nothing reports any more
        return ended


def _detect_accelerator() -> str:
    """On a job's thread: "cuda", "mps", "xpu" or "cpu" (may import torch)."""
    from desktop_chat.engine.transformers_engine.device import detect_accelerator

    return detect_accelerator()


class _Unreachable(Exception):
    pass


def _hub_size(model: CatalogModel, model_format: str) -> int | None:
    """The download size the Hub lists now; None if it does not know the repository."""
    from desktop_chat.engine import hub_download as hd

    try:
        token = hub_token_for(hd.hub_endpoint())
        _, files = hd.list_files(model.repo_for(model_format), token=token)
        _, chosen = hd.choose_files(files, model_format, model.gguf_file
                                    if model_format == FORMAT_GGUF else None)
    except hd.DownloadError as error:
        if error.kind == hd.OFFLINE:
            raise _Unreachable from error
        return None
    return sum(f.size for f in chosen)


def _facts(model: CatalogModel, model_format: str, size: int, accelerator: str,
           settings: AppSettings) -> CatalogFacts:
    from desktop_chat.core.inference import ENGINE_LLAMA_CPP, ENGINE_TRANSFORMERS
    from desktop_chat.engine import memory_estimate as me
    from desktop_chat.engine.transformers_engine.device import choose_device

    context = settings.generation.context_limit
    try:
        if model_format == FORMAT_GGUF:
            estimate = me.estimate_config(model.config, size, engine=ENGINE_LLAMA_CPP,
                                          device=accelerator, context_limit=context)
        else:
            choice = choose_device(settings.device, settings.dtype, model.config["model_type"])
            dtype = me.INT4 if choice.quantization else choice.dtype_name
            estimate = me.estimate_config(model.config, size, engine=ENGINE_TRANSFORMERS,
                                          device=choice.device, dtype=dtype,
                                          context_limit=context)
    except Exception as error:  # a device the settings name but this machine lacks
        log.info("no memory estimate for %s: %s", model.title, error)
        return CatalogFacts(model.title, model_format, size)
    return CatalogFacts(model.title, model_format, size, estimate.total_bytes,
                        estimate.free_bytes, estimate.fits)

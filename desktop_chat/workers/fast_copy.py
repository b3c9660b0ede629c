"""Making fast copies of model folders in the background (engine/fast_copy), one at a time.

``make(folder, quantization)`` runs the conversion as a job on a runner of its own
(workers/jobs.py) and reports ``progressed``, then ``made``, ``failed`` or ``cancelled``.
``cancel`` stops it between tensors; the copy is written under a temp name and renamed when
whole, so a cancelled or crashed make leaves nothing that is later opened. Finding and
removing copies are quick file operations, done on the caller's thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_chat.core.user_message import tr
from desktop_chat.workers.jobs import Job, JobContext, JobFailure, JobRunner

log = logging.getLogger(__name__)


class FastCopyWorker(QObject):
    progressed = Signal(str, int, int)  # folder, steps done, steps in all
    made = Signal(str, str)  # folder, the copy's GGUF file
    failed = Signal(str, object, str)  # folder, message (a UserMessage), details
    refused = Signal(str, object)  # folder, why the converter cannot copy it (a UserMessage)
    cancelled = Signal(str)  # folder: nothing was kept

    def __init__(self, cache_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache_dir = Path(cache_dir)
        self._runner = JobRunner(self, max_threads=1, name="fast copies")
        self._job: Job | None = None
        self._folder = ""

    @property
    def running(self) -> bool:
        return self._job is not None

    @property
    def available(self) -> bool:
        """Whether copies can be made and run here: llama-cpp-python and gguf installed."""
        import importlib.util

        return all(importlib.util.find_spec(name) is not None for name in ("llama_cpp", "gguf"))

    def _cache(self):  # engine imports (torch, gguf) stay off the start-up path
        from desktop_chat.engine.fast_copy.cache import FastCopyCache

        return FastCopyCache(self.cache_dir)

    def make(self, folder: str, quantization: str) -> None:
        """Start making the copy; a make already running is cancelled first."""
        if self._job is not None:
            self._job.cancel()
        self._folder = folder

        def work(ctx: JobContext) -> str | None:
            from desktop_chat.engine.fast_copy.errors import ConversionCancelled

            try:
                copy = self._cache().make(folder, quantization, ctx.progress, ctx.cancel)
            except ConversionCancelled:
                return None  # an outcome, not a failure to log
            return str(copy.path)

        job = self._job = self._runner.start(work)
        job.progressed.connect(lambda done, total: self.progressed.emit(folder, done, total))
        job.done.connect(lambda path: self.made.emit(folder, path) if path
                         else self.cancelled.emit(folder))
        job.failed.connect(lambda failure: self._on_failed(folder, failure))
        job.ended.connect(lambda: self._on_ended(job))

    def _on_failed(self, folder: str, failure: JobFailure) -> None:
        from desktop_chat.engine.fast_copy.errors import UnsupportedModel

        if isinstance(failure.error, UnsupportedModel):
            self.refused.emit(folder, tr(
                "A fast copy cannot be made of this model ({reason}). It keeps running on "
                "transformers.", reason=failure.message))
            return
        self.failed.emit(folder, tr("The fast copy could not be made: {error}",
                                    error=failure.message), failure.details)

    def _on_ended(self, job: Job) -> None:
        if self._job is job:
            self._job = None

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def has_copy(self, folder: str) -> bool:
        return self._cache().find(folder) is not None

    def remove(self, folder: str) -> bool:
        """Delete the copy of ``folder``; True if there was one."""
        return self._cache().remove(folder)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        return self._runner.shutdown(timeout_ms)

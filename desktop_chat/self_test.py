"""``desktop-chat --self-test MODEL``: prove an installed or frozen app works end to end.

Loads MODEL through the real worker, generates a greedy reply to a fixed question, checks
that the expected engine ran it (transformers for a folder, llama.cpp for a .gguf file) on
the device asked for, that reasoning and answer came back split, and that the bundled
resources are found. Prints a JSON summary and, with ``--self-test-out FILE``, writes it
there too (a windowed app on Windows has no stdout); the exit status is 0 when everything
held. Never opens a dialog: an unhandled error ends the test and goes into the summary.
Used by the packaging test and the packaging workflow on the frozen executable, where it
proves hidden imports and data files, and by users asked for it in a bug report.

    DesktopChat --self-test MODEL [--self-test-out FILE] [--self-test-device cpu]
                [--self-test-expect TEXT] [--self-test-url https://huggingface.co]

``--self-test-url`` also fetches URL with the HTTP client Get a Model uses: an answer of
any status proves TLS and the bundled certificates work (a frozen app without them fails).

``--self-test-fast-copy MODEL_DIR`` first makes the folder's fast copy (in a temp cache
dir), then answers through it with llama.cpp (``run_fast_copy``).
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop_chat.core.conversation import Message
from desktop_chat.core.inference import (
    ENGINE_LLAMA_CPP,
    ENGINE_TRANSFORMERS,
    GenerationRequest,
    LoadRequest,
)
from desktop_chat.core.paths import resource
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.ui.language import translations_found

QUESTION = "What is the capital of France?"
TIMEOUT_MS = 300_000
log = logging.getLogger(__name__)


def expected_engine(model_path: str) -> str:
    return ENGINE_LLAMA_CPP if model_path.lower().endswith(".gguf") else ENGINE_TRANSFORMERS


def run(app: QApplication, model_path: str, out: str | None = None, device: str = "auto",
        expect: str | None = None, cache_dir: Path | None = None,
        extra: dict | None = None, url: str | None = None) -> int:
    """Test MODEL (see the module); ``device`` overrides the automatic choice (CI runners
    whose GPU does not work: "cpu"); ``expect`` is text the answer must contain; with a
    ``cache_dir`` the answer comes from the folder's fast copy made there."""
    from desktop_chat.workers.inference import InferenceWorker

    worker = InferenceWorker(cache_dir=cache_dir)
    outcome: dict = {"model": model_path, "device_requested": device, **(extra or {})}
    engine = ENGINE_LLAMA_CPP if cache_dir is not None else expected_engine(model_path)
    loop = QEventLoop()
    record_unhandled_errors(outcome, loop)
    worker.model_loaded.connect(lambda info, load_id: (outcome.update(
        engine=info.engine, device=info.device, precision=info.precision), loop.quit()))
    # A failure carries its details (exception type, message, traceback): a frozen app's
    # missing data file or module is named here, not only "could not be loaded".
    worker.model_load_failed.connect(lambda failure: (outcome.update(
        error=str(failure.message), details=failure.details), loop.quit()))
    worker.engine_failed.connect(
        lambda message, details: (outcome.update(error=str(message), details=details),
                                  loop.quit()))
    worker.generation_finished.connect(lambda result: (outcome.update(
        reasoning=result.reasoning, answer=result.answer,
        finish_reason=result.stats.finish_reason), loop.quit()))
    worker.generation_failed.connect(lambda message, result: (outcome.update(
        error=str(message), details=result.error_details), loop.quit()))
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    worker.start()
    worker.request_load(LoadRequest.for_path(model_path, device=device,
                                             fast_copy=cache_dir is not None))
    loop.exec()
    if "error" not in outcome and "device" in outcome:
        worker.request_generation(GenerationRequest(
            (Message(role="user", content=QUESTION),),
            GenerationSettings(do_sample=False, max_new_tokens=200)))
        loop.exec()
    worker.shutdown()
    icon = resource("icons", "app-icon-256.png")
    checks = {
        "loaded": "device" in outcome,
        "engine_as_expected": outcome.get("engine") == engine,
        "device_as_requested": device == "auto" or outcome.get("device") == device,
        "answer_as_expected": expect is None or expect in outcome.get("answer", ""),
        "no_unhandled_error": "unhandled_error" not in outcome,
        "answered": bool(outcome.get("answer")),
        "reasoning_split": bool(outcome.get("reasoning"))
        and "<think>" not in outcome.get("answer", "")
        and "</think>" not in outcome.get("answer", "") + outcome.get("reasoning", ""),
        "resources_found": icon.is_file(),
        "formula_rendered": _formula_renders(),  # ziamath's font and latex2mathml's data
        "translations_found": translations_found("zh_CN"),  # ours and Qt's qtbase_zh_CN
    }
    if url:
        outcome["url"] = fetch(url)
        checks["url_answered"] = "status" in outcome["url"]
    if cache_dir is not None:  # the answer came from the fast copy, through llama.cpp
        checks["fast_copy"] = outcome.get("engine") == "llama.cpp" and "copy of" in str(
            outcome.get("precision"))
    outcome["checks"] = checks
    report(outcome, out)
    return 0 if all(checks.values()) else 1


def fetch(url: str) -> dict:
    """GET ``url`` with the Hub client's session; its status, or the error that stopped it
    (a certificate the bundle cannot verify, no network)."""
    try:
        from huggingface_hub.utils import get_session

        response = get_session().get(url, timeout=30, follow_redirects=True)
    except Exception as error:  # any failure is the finding
        return {"error": f"{type(error).__name__}: {error}"}
    return {"status": response.status_code}


def report(outcome: dict, out: str | None) -> None:
    """The summary as one JSON line in the log, on stdout (when there is one) and in
    ``out``."""
    text = json.dumps(outcome, ensure_ascii=False)
    log.info("self-test summary: %s", text)
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
    if sys.stdout is not None:  # a windowed app on Windows has none
        print(text, flush=True)


def record_unhandled_errors(outcome: dict, loop: QEventLoop) -> None:
    """An error nobody caught ends the test with its traceback, never in the crash dialog,
    which would wait for a click that never comes on a build machine."""

    def on_exception(kind: type[BaseException], error: BaseException,
                     tb: TracebackType | None) -> None:
        details = "".join(traceback.format_exception(kind, error, tb))
        log.critical("unhandled exception during the self-test\n%s", details)
        outcome.setdefault("unhandled_error", details)
        loop.quit()

    sys.excepthook = on_exception


def _formula_renders() -> bool:
    from desktop_chat.ui.render.formula_images import current_style, formula_image

    return formula_image(r"\sum_{k=1}^{n} \frac{1}{k}", True, current_style("#000000")) is not None


def run_fast_copy(app: QApplication, folder: str, out: str | None = None) -> int:
    """Make ``folder``'s fast copy in a temp cache dir (the converter, gguf and llama.cpp's
    quantizer, frozen), then ``run`` the folder through it."""
    from desktop_chat.core.fast_copy import SMALL_MODEL_QUANTIZATION
    from desktop_chat.engine.fast_copy.cache import FastCopyCache

    with tempfile.TemporaryDirectory(prefix="desktop-chat-self-test-") as cache_dir:
        try:
            copy = FastCopyCache(Path(cache_dir)).make(
                folder, SMALL_MODEL_QUANTIZATION, lambda done, total: None, threading.Event())
        except Exception as error:  # said in the summary, as every other failure
            report({"model": folder, "error": repr(error),
                    "checks": {"fast_copy_made": False}}, out)
            return 1
        return run(app, folder, out=out, cache_dir=Path(cache_dir),
                   extra={"copy_bytes": copy.size_bytes})

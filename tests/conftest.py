"""Shared fixtures. Every test runs with its own data, config and cache dirs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists
# Many processes share the test machine's cores (real servers, the frozen app): OpenMP threads
# wait passively so no test crawls. The app's own waiting (engine/thread_budget.py) is
# measured by bench/cpu_speed.py.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop_chat.core.paths import DEMO_MODEL_ENV, HOME_ENV, demo_model_dir  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
TINY_R1 = FIXTURES / "tiny-r1"
# Resolved once, before the per-test user dirs below hide the real cache.
DEMO_MODEL = demo_model_dir()
ENGINE_START_TIMEOUT_MS = 120_000  # importing torch on a loaded 2-core machine


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    monkeypatch.setenv(DEMO_MODEL_ENV, str(DEMO_MODEL))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    return home


@pytest.fixture
def demo_model() -> Path:
    """SmolLM2-135M-Instruct, converted by scripts/prepare_demo_model.py (dev.py runs it)."""
    if not (DEMO_MODEL / "config.json").exists():
        pytest.skip("the demo model is not prepared: run `python dev.py test`, or "
                    "scripts/prepare_demo_model.py")
    return DEMO_MODEL


def on_gui_thread(signal):
    """A GUI-thread signal that re-emits ``signal`` (emitted on the worker thread).

    pytest-qt's waitSignal handles the signal in the emitting thread and stops its timer
    from there, which Qt refuses; a relay living on the GUI thread receives it queued.
    The relay's ``fired`` signal carries the original arguments as one tuple.
    """
    from PySide6.QtCore import QObject, Signal

    class Relay(QObject):
        fired = Signal(object)

        def on_fired(self, *args):
            self.fired.emit(args)

    relay = Relay()
    signal.connect(relay.on_fired)
    _relays.append(relay)
    return relay.fired


_relays: list = []


@pytest.fixture
def worker(qtbot):
    """A started InferenceWorker with the engine imported; stopped and joined afterwards."""
    from desktop_chat.workers.inference import InferenceWorker

    worker = InferenceWorker()
    with qtbot.waitSignal(on_gui_thread(worker.engine_ready), timeout=ENGINE_START_TIMEOUT_MS):
        worker.start()
    yield worker
    assert worker.shutdown(), "the worker thread did not stop within 3 s"
    _relays.clear()


def load(qtbot, worker, path, **options):
    """Load a model (a path, or a source string) through the worker; returns its ModelInfo."""
    from desktop_chat.core.inference import LoadRequest
    from desktop_chat.core.model_source import ModelSource

    with qtbot.waitSignal(on_gui_thread(worker.model_loaded),
                          timeout=ENGINE_START_TIMEOUT_MS) as loaded:
        worker.request_load(LoadRequest(ModelSource.parse(str(path)), **options))
    return loaded.args[0][0]


@pytest.fixture
def r1_worker(qtbot, worker):
    """A worker with tests/fixtures/tiny-r1 loaded."""
    worker.info = load(qtbot, worker, TINY_R1)
    return worker


def slow_down(monkeypatch, model, seconds=0.02):
    """Each forward pass of ``model`` takes ``seconds`` longer: time to stop or look."""
    import time

    real_forward = model.forward

    def slow_forward(*args, **kwargs):
        time.sleep(seconds)
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(model, "forward", slow_forward)


def fail_at_call(monkeypatch, model, call):
    """Forward pass number ``call`` of ``model`` raises; returns a function that heals it."""
    real_forward = model.forward
    calls = {"n": 0}

    def failing_forward(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call:
            raise RuntimeError("injected failure")
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(model, "forward", failing_forward)
    return lambda: monkeypatch.setattr(model, "forward", real_forward)


def _convert(source: Path, out: Path, outtype: str) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from hf_to_gguf import convert

    return convert(source, out, outtype)


@pytest.fixture(scope="session")
def tiny_r1_gguf(tmp_path_factory) -> Path:
    """tiny-r1 as a GGUF file (f32), made here by scripts/hf_to_gguf.py."""
    return _convert(TINY_R1, tmp_path_factory.mktemp("gguf") / "tiny-r1.gguf", "f32")


@pytest.fixture(scope="session")
def smollm2_gguf(tmp_path_factory) -> Path:
    """The demo model as a GGUF file (f16)."""
    if not (DEMO_MODEL / "config.json").exists():
        pytest.skip("the demo model is not prepared: run `python dev.py test`")
    return _convert(DEMO_MODEL, tmp_path_factory.mktemp("gguf") / "SmolLM2-135M.gguf", "f16")


# How `transformers serve` must be told to parse DeepSeek-R1's replies. Without it,
# transformers 5.24 parses every qwen2 model's output with Qwen's ChatML template: an R1
# distill's reply then starts with the prompt echoed back and ends with its end token.
R1_RESPONSE_TEMPLATE = {
    "defaults": {"role": "assistant"},
    "start_anchor": "<｜Assistant｜>",
    "fields": {
        "reasoning_content": {"open": "<think>", "close": "</think>", "content": "text"},
        "content": {"close_pattern": r"\s*<｜end▁of▁sentence｜>", "content": "text"},
    },
}


@pytest.fixture(scope="session")
def tiny_r1_for_serving(tmp_path_factory) -> Path:
    """tiny-r1 with the response template `transformers serve` needs for R1's format."""
    import json
    import shutil

    folder = tmp_path_factory.mktemp("served") / "tiny-r1"
    shutil.copytree(TINY_R1, folder)
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["response_template"] = R1_RESPONSE_TEMPLATE
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


# ----- the real window -------------------------------------------------------------------

REPLY_TIMEOUT_MS = 60_000


def make_window(qtbot, data_dir, *args):
    """The window desktop-chat shows, with its data in ``data_dir``; the engine not started."""
    from desktop_chat.app import create_main_window

    window = create_main_window(["--data-dir", str(data_dir), *args])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def close(qtbot, window):
    """Close as a user does; the window hides at once and closes once the worker stopped."""
    window.close()
    assert not window.isVisible()
    qtbot.waitUntil(lambda: window.worker._thread is None, timeout=10_000)


def open_model(qtbot, window, path=None):
    """Open a model (the tiny one by default) as the File menu does; wait until it is ready."""
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.models.open(str(path or TINY_R1))


def send(qtbot, window, text):
    """Type ``text`` and press Enter; returns the answer's Message once it finished."""
    from PySide6.QtCore import Qt

    window.composer.input.setPlainText(text)
    with qtbot.waitSignal(window.chat.reply_finished, timeout=REPLY_TIMEOUT_MS) as done:
        qtbot.keyClick(window.composer.input, Qt.Key.Key_Return)
    return done.args[0]


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def window(qtbot, data_dir):
    """The real window with its worker started (torch imported), closed afterwards."""
    window = make_window(qtbot, data_dir)
    with qtbot.waitSignal(on_gui_thread(window.worker.engine_ready),
                          timeout=ENGINE_START_TIMEOUT_MS):
        window.start_engine()
    yield window
    if window.isVisible():
        close(qtbot, window)


def full_disk(monkeypatch):
    """Conversation writes fail with ENOSPC until the returned function heals the disk."""
    import errno

    from desktop_chat.core import store as store_module

    real = store_module.write_atomic
    state = {"full": True}

    def write_atomic(path, data):
        if state["full"]:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data)

    monkeypatch.setattr(store_module, "write_atomic", write_atomic)
    return lambda: state.update(full=False)

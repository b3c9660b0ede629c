"""Real OpenAI-compatible servers for tests: ``transformers serve`` and llama-cpp-python's server.

Each server runs as a subprocess of the test session on a free localhost port, with the hub
switched off (``HF_HUB_OFFLINE=1``: nothing is ever downloaded) and its output in a log file.
``start_*`` returns once ``GET /v1/models`` answers, i.e. once the model is loaded::

    @pytest.fixture(scope="module")
    def r1_server():
        with start_transformers_server(TINY_R1) as server:
            yield server          # server.base_url, server.model

``server.kill()`` ends it at once (SIGKILL), as when a server crashes mid-stream;
``server.stop()`` ends it politely (SIGTERM, then SIGKILL after a grace period). Both are
idempotent, and leaving the ``with`` block stops it.

Model names, as each server answers them:

- ``transformers serve MODEL`` is pinned to ``MODEL`` (here the model folder's absolute
  path): ``/v1/models`` lists that string alone, a request naming it or naming no model is
  served, a request naming any other model gets ``400 {"detail": "Server is pinned to ..."}``.
- ``python -m llama_cpp.server --model FILE --model_alias NAME`` lists ``NAME`` (here the
  file name less ``.gguf`` unless given; the server's own default is FILE's path) and serves
  *any* requested model name with its one model.

llama_cpp.server by default (``--interrupt_requests true``) ends a running stream as soon as
any other request arrives, ``GET /v1/models`` included: that stream gets ``data: [DONE]`` and
then a broken chunked body. ``extra_args=["--interrupt_requests", "false"]`` queues them instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
# Importing torch and loading a model on a loaded 2-core machine; usually 10-20 s.
START_TIMEOUT_S = 180.0
STOP_GRACE_S = 10.0
LOG_TAIL_CHARS = 4000

# Read by llama_cpp.server from the environment (pydantic-settings, case-insensitive; HOST and
# PORT also by its __main__), where they would override the command line or the defaults.
_LLAMA_SETTINGS_ENV = {
    "host", "port", "model", "model_alias", "config_file", "api_key", "n_ctx", "verbose",
    "chat_format", "n_threads", "n_threads_batch", "seed", "interrupt_requests",
}


class ServerStartError(RuntimeError):
    """The server died, or did not answer ``/v1/models`` in time; the message has its log tail."""


def free_port(host: str = HOST) -> int:
    """A port that nothing listens on now (the OS picks it: bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    """A server subprocess. ``base_url`` ends in ``/v1`` (as OpenAI clients take it)."""

    kind: str  # "transformers" or "llama_cpp"
    model: str  # the name to send as "model", as /v1/models lists it
    port: int
    process: subprocess.Popen
    log_path: Path
    command: list[str]
    startup_s: float = 0.0  # from spawning to /v1/models answering
    _scratch: Path | None = field(default=None, repr=False)
    _spawned: float = field(default_factory=time.monotonic, repr=False)
    _ready: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> RunningServer:
        """Wait until ``/v1/models`` lists the model; on failure the server is killed and
        ``ServerStartError`` says why, with the server's log tail."""
        if not self._ready:
            try:
                _wait_until_ready(self, timeout_s)
            except BaseException:  # ServerStartError, or Ctrl-C while waiting
                self.kill()
                raise
            self._ready = True
            self.startup_s = time.monotonic() - self._spawned
        return self

    def log_tail(self, chars: int = LOG_TAIL_CHARS) -> str:
        """The end of the server's combined stdout and stderr."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return text[-chars:]

    def kill(self) -> None:
        """End the server at once (SIGKILL): open streams break off mid-response."""
        if self.alive:
            self.process.kill()
        self.process.wait()
        self._cleanup()

    def stop(self, grace_s: float = STOP_GRACE_S) -> None:
        """End the server politely: SIGTERM, wait up to ``grace_s``, then SIGKILL."""
        if self.alive:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_transformers_server(
    model_dir: str | os.PathLike,
    *,
    extra_args: list[str] | tuple[str, ...] = (),
    wait: bool = True,
    timeout_s: float = START_TIMEOUT_S,
) -> RunningServer:
    """``transformers serve`` pinned to the model folder ``model_dir`` (named by its absolute path).

    The model is loaded before the server listens, so once this returns the first request
    does not wait for a load. ``wait=False`` returns at once: call ``wait_ready()`` later
    (servers started together start faster than one after the other).
    """
    model = str(Path(model_dir).resolve())
    if not (Path(model) / "config.json").is_file():
        raise FileNotFoundError(f"no model folder (config.json) at {model}")
    port = free_port()
    command = [
        sys.executable, "-m", "transformers.cli.transformers", "serve", model,
        "--host", HOST, "--port", str(port),
        "--device", "cpu",
        "--log-level", "warning",
        *extra_args,
    ]
    return _start("transformers", command, model=model, port=port, wait=wait,
                  timeout_s=timeout_s)


def start_llama_cpp_server(
    gguf_path: str | os.PathLike,
    *,
    alias: str | None = None,
    n_ctx: int = 2048,
    n_threads: int = 1,
    extra_args: list[str] | tuple[str, ...] = (),
    wait: bool = True,
    timeout_s: float = START_TIMEOUT_S,
) -> RunningServer:
    """llama-cpp-python's server for one GGUF file, listed and answered as ``alias``.

    ``alias`` defaults to the file name without ``.gguf``. The chat template is the GGUF's own
    (``tokenizer.chat_template`` metadata). ``--verbose false`` keeps llama.cpp's load and
    timing logs out of the log file.
    """
    path = Path(gguf_path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no GGUF file at {path}")
    model = alias if alias is not None else path.name.removesuffix(".gguf")
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(path), "--model_alias", model,
        "--host", HOST, "--port", str(port),
        "--n_ctx", str(n_ctx),
        # Its defaults are half the cores for generation and all of them for prompts; on a
        # busy 2-core machine OpenMP's spinning threads then take ~15 s for a 30-token prompt.
        "--n_threads", str(n_threads), "--n_threads_batch", str(n_threads),
        "--verbose", "false",
        *extra_args,
    ]
    return _start("llama_cpp", command, model=model, port=port, wait=wait,
                  timeout_s=timeout_s)


def _server_env(scratch: Path, kind: str) -> dict[str, str]:
    env = dict(os.environ)
    if kind == "llama_cpp":
        env = {k: v for k, v in env.items() if k.lower() not in _LLAMA_SETTINGS_ENV}
    env.update(
        HF_HUB_OFFLINE="1",  # never download: a model is a local folder or file
        TRANSFORMERS_OFFLINE="1",
        HF_HUB_DISABLE_UPDATE_CHECK="1",  # `transformers` CLI asks PyPI for a newer release
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_HOME=str(scratch / "hf-home"),  # an empty hub cache: /v1/models lists no others
        PYTHONUNBUFFERED="1",
        TOKENIZERS_PARALLELISM="false",
    )
    # OpenMP threads (llama.cpp's and torch's) that wait by spinning crawl when the cores are
    # shared with other processes, as in a test run.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


def _linux_prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _linux_prctl()  # resolved here: the child, between fork and exec, only calls it


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM if the test process dies without stopping it."""
    _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start(kind: str, command: list[str], *, model: str, port: int, wait: bool,
           timeout_s: float) -> RunningServer:
    scratch = Path(tempfile.mkdtemp(prefix=f"dc-{kind}-server-"))
    log_path = scratch / "server.log"
    # A file, not a pipe: nobody reads a pipe while tests run, and a full one blocks the server.
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_server_env(scratch, kind),
            cwd=scratch,
            preexec_fn=_die_with_parent if _PRCTL is not None else None,
        )
    server = RunningServer(kind=kind, model=model, port=port, process=process,
                           log_path=log_path, command=command, _scratch=scratch)
    if wait:
        server.wait_ready(timeout_s)
    return server


def _wait_until_ready(server: RunningServer, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        code = server.process.poll()
        if code is not None:
            raise ServerStartError(
                f"{server.kind} server exited with code {code} before answering "
                f"/v1/models\ncommand: {' '.join(server.command)}\n"
                f"--- server log ---\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/models", timeout=2) as response:
                listed = [m.get("id") for m in json.load(response).get("data", [])]
            if server.model not in listed:
                raise ServerStartError(
                    f"{server.kind} server lists {listed}, not {server.model!r}")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass  # not listening yet
        if time.monotonic() > deadline:
            raise ServerStartError(
                f"{server.kind} server did not answer /v1/models within {timeout_s:g} s\n"
                f"command: {' '.join(server.command)}\n"
                f"--- server log ---\n{server.log_tail()}")
        time.sleep(0.2)

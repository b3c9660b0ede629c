"""A scripted OpenAI-compatible server for the errors real servers cannot be made to produce
on demand (429, 500, 403, an error event mid-stream, a server that never answers).

Everything that works is tested against real servers (tests/servers.py); this one only
says what a test tells it to, on a free localhost port, in a thread.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Script:
    """What the fake answers: a status and body for chat completions, or SSE chunks."""

    def __init__(self) -> None:
        self.models: list[str] = ["fake-model"]
        self.status = 200
        self.error_body: dict[str, Any] = {}
        self.chunks: list[dict[str, Any] | str] = []  # str: a raw line, e.g. "data: {oops"
        self.requests: list[dict[str, Any]] = []
        self.hang = threading.Event()  # set: the chat endpoint accepts and never answers
        self.refused_fields: set[str] = set()  # 422 for these, as transformers serve does
        self.ignores_max_tokens = 0  # > 0: stream this many one-word chunks, whatever is asked
        self.chunks_sent = 0

    def say(self, *contents: str, reasoning: tuple[str, ...] = (),
            finish: str = "stop") -> None:
        """Stream ``reasoning`` deltas, then ``contents``, then the finish reason."""
        self.chunks = [_chunk({"reasoning_content": r}) for r in reasoning]
        self.chunks += [_chunk({"content": c}) for c in contents]
        self.chunks.append(_chunk({}, finish))


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
            "model": "fake-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "owned_by": "test"} for m in script.models]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            script.requests.append(json.loads(self.rfile.read(length) or b"{}"))
            if script.hang.is_set():
                threading.Event().wait(30)
                return
            if unexpected := script.refused_fields & set(script.requests[-1]):
                self._json(422, {"detail": f"Unexpected fields in the request: {unexpected}"})
                return
            if script.status != 200:
                self._json(script.status, script.error_body)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            chunks = script.chunks
            if script.ignores_max_tokens:
                chunks = (_chunk({"content": f" w{i}"}) if i < script.ignores_max_tokens
                          else _chunk({}, "stop") for i in range(script.ignores_max_tokens + 1))
            try:
                for chunk in chunks:
                    line = chunk if isinstance(chunk, str) else "data: " + json.dumps(chunk)
                    self.wfile.write((line + "\n\n").encode())
                    self.wfile.flush()
                    script.chunks_sent += 1
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
            except ConnectionError:  # the client stopped reading and closed the stream
                pass
            self.close_connection = True

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@contextmanager
def fake_openai_server() -> Iterator[tuple[str, Script]]:
    """(base URL, script) of a running fake server; stopped on exit."""
    script = Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", script
    finally:
        script.hang.clear()
        server.shutdown()
        server.server_close()


def unused_port() -> int:
    """A localhost port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

"""A small real HTTP server that answers as the Hugging Face Hub does, for the files of
local folders: the download tests point ``HF_ENDPOINT`` at it. No real network.

The URL scheme is the Hub's: ``/api/models/{repo}[/revision/{rev}]`` (with ``blobs``: sizes,
blob ids, LFS SHA-256) and ``/{repo}/resolve/{rev}/{file}`` with ETag, X-Repo-Commit,
Content-Length and Range. Switches make it fail as a real Hub or network does: a repository
it does not know (404), one that needs a token (401 without one, 403 with a wrong one),
the connection dropped mid-file, a file whose bytes differ from its listed hash, and slow
serving (time to cancel, or to look at the dialog).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

COMMIT = "0123456789abcdef0123456789abcdef01234567"
LFS_MIN_BYTES = 1024  # the Hub keeps larger files (and all weights) in LFS


@dataclass
class Switches:
    required_token: str | None = None  # 401 without it, 403 with another
    drop_after_bytes: int | None = None  # close the connection after this many body bytes
    drops_left: int = 0  # ... this many times
    corrupt: set[str] = field(default_factory=set)  # files served with one byte changed
    bytes_per_s: float | None = None  # serve slowly
    chunk_bytes: int = 16 * 1024
    # How the next range request is answered wrongly (then rightly again): "ignore" (200,
    # the whole file), "shifted" (206 from 1000 bytes later, as its Content-Range says),
    # "no_content_range" (206 without the header), "other_total" (206, another file size)
    bad_range: str | None = None
    unhashed: set[str] = field(default_factory=set)  # listed without any hash (some mirrors)


class FakeHub:
    """``with FakeHub({"org/name": folder}) as hub:`` serves at ``hub.url``."""

    def __init__(self, repos: dict[str, Path]) -> None:
        self.repos = {repo: Path(folder) for repo, folder in repos.items()}
        self.switches = Switches()
        self.requests: list[tuple[str, str, str | None]] = []  # method, path, Range
        self.bytes_sent = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def ranges(self, name: str) -> list[str | None]:
        """The Range headers of the GET requests for file ``name``."""
        return [r for m, p, r in self.requests if m == "GET" and p.endswith("/" + name)]

    # ----- what the Hub would list ----------------------------------------------------------

    def siblings(self, repo: str) -> list[dict]:
        folder = self.repos[repo]
        entries = [_file_entry(path.relative_to(folder).as_posix(), path)
                   for path in sorted(folder.rglob("*")) if path.is_file()]
        return [{"rfilename": e["rfilename"], "size": e["size"]}
                if e["rfilename"] in self.switches.unhashed else e for e in entries]


def _file_entry(name: str, path: Path) -> dict:
    stat = path.stat()
    return _hashed(name, path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _hashed(name: str, path: Path, mtime_ns: int, size: int) -> dict:
    """Hashing a large file once, not at every request (a changed file hashes again)."""
    return _sibling(name, path.read_bytes())


def _sibling(name: str, data: bytes) -> dict:
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
    entry = {"rfilename": name, "size": len(data), "blobId": blob}
    if len(data) >= LFS_MIN_BYTES or name.endswith((".safetensors", ".gguf")):
        entry["lfs"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                        "pointerSize": 134}
    return entry


API = re.compile(r"^/api/models/([^/]+/[^/]+)(?:/revision/([^/]+))?$")
RESOLVE = re.compile(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(body=False)

        def do_GET(self) -> None:  # noqa: N802
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            path = unquote(urlparse(self.path).path)
            hub.requests.append((self.command, path, self.headers.get("Range")))
            if match := API.match(path):
                self._api(match.group(1))
            elif match := RESOLVE.match(path):
                self._file(match.group(1), match.group(3), body)
            else:
                self._error(404, "EntryNotFound", "no such page")

        def _refused(self, repo: str) -> bool:
            if repo not in hub.repos:
                self._error(404, "RepoNotFound", "Repository not found")
                return True
            token = hub.switches.required_token
            given = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if token and not given:
                self._error(401, "GatedRepo", f"Access to model {repo} is restricted.")
                return True
            if token and given != token:
                self._error(403, "GatedRepo", f"Access to model {repo} is restricted.")
                return True
            return False

        def _api(self, repo: str) -> None:
            if self._refused(repo):
                return
            data = json.dumps({"id": repo, "modelId": repo, "sha": COMMIT, "private": False,
                               "siblings": hub.siblings(repo)}).encode()
            self._send(200, data, {"Content-Type": "application/json"})

        def _file(self, repo: str, name: str, body: bool) -> None:
            if self._refused(repo):
                return
            path = hub.repos[repo] / name
            if not path.is_file():
                self._error(404, "EntryNotFound", f"{name} not found")
                return
            data = path.read_bytes()
            sibling = _file_entry(name, path)
            if name in hub.switches.corrupt:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            start = _range_start(self.headers.get("Range"))
            headers = {"ETag": f'"{sibling.get("lfs", {}).get("sha256", sibling["blobId"])}"',
                       "X-Repo-Commit": COMMIT, "Accept-Ranges": "bytes",
                       "Content-Type": "application/octet-stream"}
            status, total, bad = (206 if start else 200), len(data), None
            if start and hub.switches.bad_range:
                bad, hub.switches.bad_range = hub.switches.bad_range, None  # once
                start, status, total = _bad_range(bad, start, len(data))
            if status == 206 and bad != "no_content_range":
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{total}"
            self._send(status, data[start:], headers, body=body, stream=True)

        def _error(self, status: int, code: str, message: str) -> None:
            self._send(status, json.dumps({"error": message}).encode(),
                       {"Content-Type": "application/json", "X-Error-Code": code,
                        "X-Error-Message": message})

        def _send(self, status: int, data: bytes, headers: dict[str, str], body: bool = True,
                  stream: bool = False) -> None:
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(data))}.items():
                self.send_header(key, value)
            self.end_headers()
            if body:
                self._write_body(data) if stream else self.wfile.write(data)

        def _write_body(self, data: bytes) -> None:
            switches = hub.switches
            step = switches.chunk_bytes
            for offset in range(0, len(data), step):
                if switches.drop_after_bytes is not None and switches.drops_left > 0 \
                        and offset >= switches.drop_after_bytes:
                    switches.drops_left -= 1
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)  # mid-file, as a dying server does
                    return
                try:
                    self.wfile.write(data[offset:offset + step])
                except ConnectionError:  # the client cancelled
                    self.close_connection = True
                    return
                hub.bytes_sent += len(data[offset:offset + step])
                if switches.bytes_per_s:
                    time.sleep(step / switches.bytes_per_s)

    return Handler


def _bad_range(bad: str, start: int, size: int) -> tuple[int, int, int]:
    """(first byte sent, status, total in Content-Range) of a wrong answer to a range."""
    if bad == "ignore":
        return 0, 200, size
    if bad == "shifted":
        return min(start + 1000, size - 1), 206, size
    if bad == "other_total":
        return start, 206, size + 1
    return start, 206, size


def _range_start(header: str | None) -> int:
    match = re.fullmatch(r"bytes=(\d+)-", header or "")
    return int(match.group(1)) if match else 0

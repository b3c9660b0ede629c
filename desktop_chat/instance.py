"""One running instance per data dir: a second start hands its arguments to the first.

A ``QLockFile`` in the data dir says who writes there; a ``QLocalServer``, named after a
hash of the data dir, lets a later start hand over its command line (one JSON line) and
exit. Two data dirs run side by side. A lock left by a crashed process (its PID is gone)
is taken over; a lock whose holder never answers is reported, never ignored: two
writers in one data dir would overwrite each other's conversations and settings.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QLockFile, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "instance.lock"
HANDOVER_TIMEOUT_S = 5.0  # a running instance answers at once unless its GUI thread hangs
_RETRY_INTERVAL_S = 0.1
_MAX_MESSAGE_BYTES = 64 * 1024
_ACK = b"ok\n"


class Outcome(enum.Enum):
    PRIMARY = "primary"  # this process holds the lock: it is the instance
    HANDED_OVER = "handed over"  # the running instance took the arguments: exit now
    UNREACHABLE = "unreachable"  # the lock is held, but its holder does not answer
    LOCK_FAILED = "lock failed"  # the lock file cannot be written (permissions, disk)


def server_name(data_dir: Path) -> str:
    """A short name (macOS limits socket paths to 104 bytes), the same for one data dir."""
    key = os.path.normcase(str(Path(data_dir).resolve()))
    return "desktop-chat-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class InstanceGuard(QObject):
    """Holds the data dir's lock and serves later starts, or hands over to the holder.

    ``acquire`` decides; the instance then calls ``listen`` once it can act on what
    ``arguments_received`` brings (a dict: ``argv``, the list of arguments, and ``cwd``,
    the directory the later start ran in, for relative paths).
    """

    arguments_received = Signal(dict)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.lock_path = self.data_dir / LOCK_FILE_NAME
        self.name = server_name(self.data_dir)
        self.problem = ""  # why acquire() did not make this process the instance
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytes] = {}

    # ----- deciding ------------------------------------------------------------------------

    def acquire(self, argv: Sequence[str], timeout_s: float = HANDOVER_TIMEOUT_S) -> Outcome:
        """Take the lock, or hand ``argv`` to the process that holds it.

        Blocks for ``timeout_s`` at most: the holder may still be starting (it listens once
        its window exists), or may just be quitting (then the lock comes free).
        """
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.problem = self.tr("Cannot create the data folder {dir}: {error}").format(
                dir=self.data_dir, error=error)
            return Outcome.LOCK_FAILED
        lock = QLockFile(str(self.lock_path))
        # Never stale by age (the instance holds it for days); a dead PID still is.
        lock.setStaleLockTime(0)
        payload = json.dumps({"argv": list(argv), "cwd": os.getcwd()}).encode("utf-8") + b"\n"
        deadline = time.monotonic() + timeout_s
        while True:
            if lock.tryLock(0):
                self._lock = lock
                log.info("holding %s", self.lock_path)
                return Outcome.PRIMARY
            if lock.error() != QLockFile.LockError.LockFailedError:
                self.problem = self.tr("Cannot create the lock file {file} ({error}).").format(
                    file=self.lock_path, error=lock.error().name)
                return Outcome.LOCK_FAILED
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if _hand_over(self.name, payload, remaining):
                log.info("handed %s over to the running instance", list(argv))
                return Outcome.HANDED_OVER
            time.sleep(min(_RETRY_INTERVAL_S, max(0.0, deadline - time.monotonic())))
        info = lock.getLockInfo()  # (pid, hostname, app name); empty when unreadable
        pid = info[0] if info and info[0] else "unknown"
        self.problem = self.tr(
            "Desktop Chat is already running with the data folder {dir} (process {pid}), "
            "but it does not respond. Close it (or end that process), then start again. "
            "The lock file is {file}.").format(dir=self.data_dir, pid=pid, file=self.lock_path)
        return Outcome.UNREACHABLE

    # ----- serving -------------------------------------------------------------------------

    def listen(self) -> bool:
        """Accept later starts (the instance only). False if the server could not start."""
        assert self._lock is not None, "listen() needs the lock: call acquire() first"
        # A crashed instance leaves its socket file behind (Unix); the lock says it is ours.
        QLocalServer.removeServer(self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_new_connection)
        if not server.listen(self.name):
            log.warning("later starts cannot hand over to this instance: %s",
                        server.errorString())
            return False
        self._server = server
        log.info("waiting for later starts on %s", server.fullServerName())
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None

    def _on_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = b""
            socket.readyRead.connect(functools.partial(self._on_ready_read, socket))
            socket.disconnected.connect(functools.partial(self._buffers.pop, socket, None))
            socket.disconnected.connect(socket.deleteLater)

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        if b"\n" not in data:
            if len(data) > _MAX_MESSAGE_BYTES:
                socket.abort()
            else:
                self._buffers[socket] = data
            return
        del self._buffers[socket]
        message = _parse(data.split(b"\n", 1)[0])
        if message is None:
            log.warning("a later start sent something unreadable; ignored")
            socket.abort()
            return
        socket.write(_ACK)
        socket.flush()
        socket.disconnectFromServer()
        log.info("a later start handed over %s", message["argv"])
        self.arguments_received.emit(message)


def _hand_over(name: str, payload: bytes, timeout_s: float) -> bool:
    """Send one message; True once the instance has answered that it has it.

    Waits in a local event loop, not with ``waitFor...``: those hold Python's GIL, and in
    one process (the tests) the instance answers on this same thread.
    """
    socket = QLocalSocket()
    loop = QEventLoop()
    timer = QTimer(singleShot=True, interval=max(1, int(timeout_s * 1000)))
    answer = bytearray()
    ended = False

    def end(*_: object) -> None:
        nonlocal ended
        ended = True
        loop.quit()

    def on_ready_read() -> None:
        answer.extend(socket.readAll().data())
        if _ACK in answer:
            end()

    socket.connected.connect(lambda: socket.write(payload))
    socket.readyRead.connect(on_ready_read)
    socket.errorOccurred.connect(end)  # not listening (yet, or any more), or it hung up
    socket.disconnected.connect(end)
    timer.timeout.connect(end)  # it took the message and never answered: it hangs
    timer.start()
    socket.connectToServer(name)
    if not ended:  # connecting may fail (or even succeed) before exec() is reached
        loop.exec()
    timer.stop()
    socket.abort()
    return _ACK in answer


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # any bytes from the socket
        return None
    if (not isinstance(message, dict) or not isinstance(message.get("argv"), list)
            or not all(isinstance(a, str) for a in message["argv"])):
        return None
    cwd = message.get("cwd")
    return {"argv": message["argv"], "cwd": cwd if isinstance(cwd, str) else ""}

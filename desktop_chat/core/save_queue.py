"""One writer thread for every conversation save, delete and restore, in order.

The GUI thread keeps each Conversation in memory as the source of truth and hands the
writer a snapshot; it never waits on the disk (no fsync on the GUI thread). The writer:

- does the operations in the order they were asked for;
- coalesces saves: while a save of a conversation is waiting (or being written), a newer
  save of the same conversation replaces its snapshot in place, so only the newest is
  written and conversations keep their relative order (drafts of a streaming reply);
- keeps a save that failed for the disk (full, read-only, permission denied) at the head
  of the queue and retries it: at the next save, every ``retry_seconds``, on ``retry()``
  and on ``flush()``. Nothing behind it overtakes it, so order holds across an outage;
- reports each attempt to ``on_done`` (called on the writer thread; a Qt relay in ui
  brings it to the GUI thread).

A save refused for what it is, not for the disk (a file written by a newer version), is
reported and dropped: retrying cannot help. Deletes and restores are never retried: the
file stays where it was and the user is told.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.core.conversation import Conversation
from desktop_chat.core.store import ConversationStore

RETRY_SECONDS = 7.0

SAVE = "save"
DELETE = "delete"
RESTORE = "restore"


@dataclass(frozen=True)
class SaveOutcome:
    """What one attempt did. ``unsaved``: conversations still waiting to be written.

    A successful save's ``conversation`` is what is in the file now: the snapshot, the
    merge of it with another writer's changes (``merged``), or the snapshot saved as a
    copy under another id (``conversation.id != conversation_id``)."""

    kind: str  # SAVE, DELETE or RESTORE
    conversation_id: str
    ok: bool
    message: str = ""  # why it failed, in the store's words
    errno: int | None = None  # the OSError's errno when the disk refused
    folder: str = ""  # where it was written (or failed to be)
    will_retry: bool = False  # a failed save kept for another attempt
    conversation: Conversation | None = None  # what a successful save wrote (see below)
    merged: bool = False  # another writer's changes were merged into ``conversation``
    mtime_ns: int = 0  # of the written file, for the search index
    size: int = 0
    unsaved: int = 0


@dataclass(frozen=True)
class SaveProblem:
    """Why saves fail now. Equal problems (same errno, same folder) are told once."""

    errno: int | None
    folder: str
    detail: str = dataclasses.field(default="", compare=False)


@dataclass
class _Operation:
    kind: str
    conversation_id: str
    conversation: Conversation | None = None  # SAVE: the newest snapshot to write


def snapshot(conversation: Conversation) -> Conversation:
    """A copy the writer may read while the GUI thread goes on changing the original.

    Messages are not changed in place once added (a draft is a new Message each time), so
    copying the list is enough; the conversation's own ``extra`` dict is copied too.
    """
    return dataclasses.replace(conversation, messages=list(conversation.messages),
                               extra=dict(conversation.extra))


def os_error_of(error: BaseException) -> OSError | None:
    """The OSError behind ``error`` (StoreError wraps it as its cause), if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


class SaveQueue:
    """The store's single writer. Every public method is thread-safe and never blocks on
    the disk, except ``flush`` and ``stop``, which wait by design (closing the window)."""

    def __init__(self, store: ConversationStore,
                 on_done: Callable[[SaveOutcome], None] | None = None,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self._store = store
        self.on_done = on_done
        self.retry_seconds = retry_seconds
        self._operations: deque[_Operation] = deque()
        self._coalescable: dict[str, _Operation] = {}  # id -> its save, the id's last op
        self._latest: dict[str, Conversation] = {}  # id -> newest snapshot not yet on disk
        self._stalled = False  # the head failed for the disk; waiting for a retry
        self._retry_now = False
        self._next_retry = 0.0
        self._attempts = 0
        self._stopping = False
        self._stopped = False  # ``stop`` was called: no thread is started again
        self._thread: threading.Thread | None = None
        self._cond = threading.Condition()

    # ----- asked by the GUI thread ------------------------------------------------------

    def save(self, conversation: Conversation) -> None:
        copy = snapshot(conversation)
        with self._cond:
            self._latest[copy.id] = copy
            waiting = self._coalescable.get(copy.id)
            if waiting is not None:
                waiting.conversation = copy
            else:
                operation = _Operation(SAVE, copy.id, copy)
                self._operations.append(operation)
                self._coalescable[copy.id] = operation
            self._retry_now = True  # a stalled save is tried again with the new one
            self._wake()

    def delete(self, conversation_id: str) -> None:
        self._enqueue(_Operation(DELETE, conversation_id))

    def restore(self, conversation_id: str) -> None:
        self._enqueue(_Operation(RESTORE, conversation_id))

    def retry(self) -> None:
        """Try a stalled save again now."""
        with self._cond:
            self._retry_now = True
            self._wake()

    def unsaved(self, conversation_id: str) -> Conversation | None:
        """The newest snapshot of a conversation not yet on disk, or None."""
        with self._cond:
            found = self._latest.get(conversation_id)
        return snapshot(found) if found is not None else None

    def unsaved_conversations(self) -> list[Conversation]:
        with self._cond:
            return [snapshot(c) for c in self._latest.values()]

    @property
    def stalled(self) -> bool:
        with self._cond:
            return self._stalled

    def flush(self, timeout: float) -> bool:
        """Wait until everything asked for is done; False if a save still cannot be
        written (it was retried once more) or ``timeout`` seconds passed first. After
        ``stop`` it no longer waits."""
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._stopped:
                return not self._operations
            start = self._attempts
            if self._stalled:
                self._retry_now = True
            if self._operations:
                self._wake()
            while self._operations:
                if self._stalled and self._attempts > start:
                    return False
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def stop(self, timeout: float = 5.0) -> bool:
        """Write what can be written within ``timeout`` seconds, then end the thread, for
        good (what is asked later is not written); True if nothing was left. A save still
        being written when the time is up finishes on its daemon thread and is reported
        to ``on_done`` if it is still set."""
        done = self.flush(timeout)
        with self._cond:
            self._stopping = True
            self._stopped = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(max(0.05, min(timeout, 2.0)))
        return done

    # ----- the writer thread ------------------------------------------------------------

    def _enqueue(self, operation: _Operation) -> None:
        with self._cond:
            self._coalescable.pop(operation.conversation_id, None)  # later saves go after
            self._operations.append(operation)
            self._wake()

    def _wake(self) -> None:
        """Called with the lock held: start the thread if needed and wake it."""
        if self._stopped:
            return
        if self._thread is None or not self._thread.is_alive():
            self._stopping = False
            self._thread = threading.Thread(target=self._run, name="conversation-writer",
                                            daemon=True)
            self._thread.start()
        self._cond.notify_all()

    def _next(self) -> _Operation | None:
        """The head operation once it may be attempted; None when the thread should end."""
        with self._cond:
            while True:
                now = time.monotonic()
                if self._operations and (not self._stalled or self._retry_now
                                         or now >= self._next_retry):
                    self._retry_now = False
                    return self._operations[0]
                if self._stopping and (not self._operations or self._stalled):
                    return None
                self._cond.wait(self._next_retry - now if self._stalled else None)

    def _run(self) -> None:
        while (operation := self._next()) is not None:
            written = operation.conversation
            outcome = self._attempt(operation, written)
            with self._cond:
                if outcome.will_retry:
                    self._stalled = True
                    self._next_retry = time.monotonic() + self.retry_seconds
                else:
                    self._stalled = False
                    if operation.conversation is written:  # else a newer one came: write it
                        self._operations.popleft()
                        if self._coalescable.get(operation.conversation_id) is operation:
                            del self._coalescable[operation.conversation_id]
                    if (written is not None
                            and self._latest.get(operation.conversation_id) is written):
                        del self._latest[operation.conversation_id]
                self._attempts += 1
                outcome = dataclasses.replace(outcome, unsaved=len(self._latest))
                self._cond.notify_all()
            listener = self.on_done  # read once: ``stop`` may clear it meanwhile
            if listener is not None:
                try:
                    listener(outcome)
                except Exception:  # noqa: BLE001 - a listener's bug must not stop the writer
                    import logging

                    logging.getLogger(__name__).exception("save listener failed")

    def _attempt(self, operation: _Operation, conversation: Conversation | None) -> SaveOutcome:
        conversation_id = operation.conversation_id
        try:
            folder = str(self._store.path_for(conversation_id).parent)
            if operation.kind == SAVE:
                assert conversation is not None
                result = self._store.save(conversation)
                # The store may report more than a write (a merge with another window's
                # changes, a copy kept): its SaveResult says what was written, and where.
                written = getattr(result, "conversation", None) or conversation
                written_id = getattr(result, "conversation_id", None) or written.id
                if written_id != written.id:  # written to the copy an earlier save made
                    written = dataclasses.replace(
                        written, id=written_id, title=f"{written.title or 'Conversation'} (copy)")
                path = Path(getattr(result, "path", None) or self._store.path_for(written_id))
                # Taken under the store's lock when it offers it: another writer's later
                # file must not be recorded as this one.
                stat = getattr(result, "file_stat", None) or path.stat()
                return SaveOutcome(SAVE, conversation_id, True, folder=folder,
                                   message=getattr(result, "notice", None) or "",
                                   conversation=written,
                                   merged=bool(getattr(result, "merged", False)),
                                   mtime_ns=stat.st_mtime_ns, size=stat.st_size)
            if operation.kind == DELETE:
                self._store.delete(conversation_id)
            else:
                self._store.restore(conversation_id)
            return SaveOutcome(operation.kind, conversation_id, True, folder=folder)
        except Exception as error:  # noqa: BLE001 - every failure is reported, none lost
            cause = os_error_of(error)
            return SaveOutcome(
                operation.kind, conversation_id, False, message=str(error),
                errno=cause.errno if cause is not None else None,
                folder=str(self._store.root),
                will_retry=operation.kind == SAVE and cause is not None,
            )

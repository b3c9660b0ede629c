"""Downloading a model from the Hugging Face Hub (or a mirror: ``HF_ENDPOINT``) into the
models folder. No Qt: ``workers/downloads.py`` runs this on its own thread.

Only the files a model needs are fetched: config, tokenizer and generation config plus
the safetensors weights, or one GGUF file. They are written into a staging folder
(``<models>/.downloads/<owner>--<name>/``) as ``<file>.incomplete``, each hashed while it
arrives (SHA-256 for LFS files, the git blob SHA-1 for small ones) and renamed to its
real name only once the hash matches. A cancel, a crash or a lost connection keeps the
partial file; the next start continues it with an HTTP Range request. Only when every
file is verified does the staging folder become ``<models>/<owner>--<name>/`` (one
rename), so a half-downloaded model is never where the app would load it.

Errors are ``DownloadError`` with a ``kind`` (the ui words each kind) and a detail.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from desktop_chat.core.model_catalog import FORMAT_GGUF, FORMAT_SAFETENSORS

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://huggingface.co"
STAGING_DIR = ".downloads"
PARTIAL_SUFFIX = ".incomplete"
MANIFEST = ".download.json"
CHUNK_BYTES = 1 << 20  # the cancel and progress granularity
DISK_MARGIN_BYTES = 64 << 20  # room left for everything else on the disk
RETRY_DELAYS_S = (0.5, 1.0, 2.0, 4.0, 8.0)  # a dropped connection is resumed this often
PROGRESS_INTERVAL_S = 0.1
SPEED_WINDOW_S = 5.0
METADATA_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 30.0

# What a model folder needs besides its weights (transformers' loader and tokenizer).
MODEL_FILES = frozenset({
    "config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
    "special_tokens_map.json", "added_tokens.json", "vocab.json", "merges.txt",
    "tokenizer.model", "chat_template.jinja", "chat_template.json",
    "model.safetensors.index.json",
})

# DownloadError kinds: message ids the ui turns into words.
OFFLINE = "offline"  # the Hub (or mirror) cannot be reached at all
NOT_FOUND = "not_found"  # no such repository (or revision)
NEEDS_TOKEN = "needs_token"  # gated or private: a token is needed
TOKEN_REFUSED = "token_refused"  # the token given has no access
NO_MODEL_FILES = "no_model_files"  # neither safetensors nor GGUF in the repository
DISK_FULL = "disk_full"
FOLDER_ERROR = "folder"  # the models folder cannot be written (permissions, a file in the way)
CHECKSUM = "checksum"  # a file arrived different from what the Hub lists
CONNECTION_LOST = "connection_lost"  # the server went away mid-file, retries used up
SERVER_ERROR = "server_error"  # any other answer the Hub should not give
CANCELLED = "cancelled"


# Names Windows gives to devices, with or without an extension ("NUL.gguf" is the device too).
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                             *(f"{port}{n}" for port in ("COM", "LPT")
                               for n in (*"123456789", "\u00b9", "\u00b2", "\u00b3"))})
# Not allowed in a Windows file name: "<>:\"/\\|?*" and the control characters.
WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


class DownloadError(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class HubFile:
    name: str
    size: int
    sha256: str | None = None  # LFS files
    git_sha1: str | None = None  # small files kept in git itself


@dataclass(frozen=True)
class DownloadPlan:
    repo_id: str
    commit: str
    files: tuple[HubFile, ...]
    models_dir: Path
    format: str  # FORMAT_SAFETENSORS or FORMAT_GGUF
    anonymous: bool = False  # the token was refused but the repository is public

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    @property
    def folder_name(self) -> str:
        return self.repo_id.replace("/", "--")

    @property
    def staging(self) -> Path:
        return self.models_dir / STAGING_DIR / self.folder_name

    @property
    def target(self) -> Path:
        """The folder the model ends up in."""
        return self.models_dir / self.folder_name

    @property
    def model_path(self) -> Path:
        """What the app opens: the folder, or the GGUF file in it."""
        if self.format == FORMAT_GGUF:
            return self.target / self.files[0].name
        return self.target


@dataclass(frozen=True)
class DownloadProgress:
    done_bytes: int
    total_bytes: int
    bytes_per_s: float  # over the last few seconds; 0 until known
    seconds_left: float | None
    file: str  # the file arriving now
    resumed_bytes: int = 0  # bytes that were on disk already when this run started


def hub_endpoint() -> str:
    """The Hub or the mirror ``HF_ENDPOINT`` names, read at each call (not at import)."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


# ----- what to download ----------------------------------------------------------------------

def list_files(repo_id: str, *, token: str | bool | None = None,
               endpoint: str | None = None) -> tuple[str, list[HubFile]]:
    """The repository's commit and files (with sizes and hashes), from the Hub's API."""
    from huggingface_hub import HfApi

    api = HfApi(endpoint=endpoint or hub_endpoint(), token=token)
    with translated_errors(token):
        info = api.model_info(repo_id, files_metadata=True, timeout=METADATA_TIMEOUT_S)
    files = [HubFile(s.rfilename, s.size or 0, s.lfs.sha256 if s.lfs else None,
                     None if s.lfs else s.blob_id) for s in info.siblings or ()]
    return info.sha or "main", files


def choose_files(files: Iterable[HubFile], prefer: str = FORMAT_SAFETENSORS,
                 gguf_file: str | None = None) -> tuple[str, list[HubFile]]:
    """The format and the files a model needs: safetensors with its config and tokenizer,
    or one GGUF file (``gguf_file``, else a Q4_K_M build, else the smallest)."""
    files = [f for f in files if "/" not in f.name]  # weights live at the top level
    ggufs = [f for f in files if f.name.lower().endswith(".gguf")]
    weights = [f for f in files if f.name.endswith(".safetensors")]
    # Mistral's repositories hold the weights twice: transformers' files and
    # consolidated.safetensors for mistral-inference, which transformers never reads.
    weights = [f for f in weights if not f.name.startswith("consolidated")] or weights
    if gguf_file or (ggufs and (prefer == FORMAT_GGUF or not weights)):
        # a file renamed upstream falls back to the Q4_K_M build the repository has now
        chosen = next((f for f in ggufs if f.name == gguf_file), None) \
            or _preferred_gguf(ggufs)
        if chosen is None:
            raise DownloadError(NO_MODEL_FILES, gguf_file or "")
        check_file_name(chosen.name)
        return FORMAT_GGUF, [chosen]
    if not weights:
        raise DownloadError(NO_MODEL_FILES, "")
    chosen = [f for f in files if f.name in MODEL_FILES] + weights
    for file in chosen:
        check_file_name(file.name)
    return FORMAT_SAFETENSORS, chosen


def check_file_name(name: str) -> None:
    """Refuse a name from the Hub that is not one plain file name on every system the app
    runs on: ``..\\x`` or ``C:x`` is a path on Windows, ``NUL.gguf`` a device, and Windows
    drops a trailing dot or space (two names, one file). Raises DownloadError."""
    windows, posix = PureWindowsPath(name), PurePosixPath(name)
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if (not name or name in (".", "..") or WINDOWS_FORBIDDEN.search(name)
            or windows.drive or windows.root or windows.parts != (name,)
            or posix.parts != (name,) or name[-1] in ". " or stem in WINDOWS_DEVICES):
        raise DownloadError(SERVER_ERROR, f"the Hub listed an unsafe file name: {name!r}")


def file_in(folder: Path, name: str) -> Path:
    """``folder / name`` for a name from the Hub, checked to stay inside ``folder``."""
    check_file_name(name)
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise DownloadError(SERVER_ERROR, f"the Hub listed an unsafe file name: {name!r}")
    return path


def _preferred_gguf(ggufs: list[HubFile]) -> HubFile | None:
    q4 = [f for f in ggufs if "q4_k_m" in f.name.lower()]
    return min(q4 or ggufs, key=lambda f: f.size, default=None)


def plan_download(repo_id: str, models_dir: Path, *, prefer: str = FORMAT_SAFETENSORS,
                  gguf_file: str | None = None, token: str | None = None) -> DownloadPlan:
    repo_id = normalize_repo_id(repo_id)
    anonymous = False
    try:
        commit, files = list_files(repo_id, token=token)
    except DownloadError as refused:
        if refused.kind != TOKEN_REFUSED:
            raise
        # The Hub answers 401 to a mistyped or revoked token even for a public repository:
        # a bad token kept in the keyring must not stop every download.
        try:
            commit, files = list_files(repo_id, token=False)  # False: send none at all
        except DownloadError:
            raise refused from None
        anonymous = True
    model_format, chosen = choose_files(files, prefer, gguf_file)
    return DownloadPlan(repo_id, commit, tuple(chosen), Path(models_dir), model_format,
                        anonymous)


def normalize_repo_id(text: str) -> str:
    """``owner/name`` from what a user types or pastes (a model page's address too)."""
    text = text.strip()
    if "://" in text:  # https://huggingface.co/owner/name/tree/main -> owner/name
        text = "/".join(text.split("://", 1)[1].split("/")[1:3])
    text = text.strip("/")
    parts = text.split("/")
    if len(parts) != 2 or not all(parts) or any(c.isspace() for c in text):
        raise DownloadError(NOT_FOUND, text)
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    try:  # the Hub's own rule: letters, digits, "-", "_", "."; no ".." ("C:" would be a
        validate_repo_id(text)  # drive in the folder name on Windows)
    except HFValidationError:
        raise DownloadError(NOT_FOUND, text) from None
    return text


def is_downloaded(plan: DownloadPlan) -> bool:
    return plan.model_path.exists() and (plan.format == FORMAT_GGUF
                                         or (plan.target / "config.json").exists())


# ----- downloading ---------------------------------------------------------------------------

def download(plan: DownloadPlan, *, token: str | bool | None = None,
             on_progress: Callable[[DownloadProgress], None] | None = None,
             cancel: threading.Event | None = None) -> Path:
    """Fetch what ``plan`` lists, verify it, move it into place; returns ``model_path``.

    Partial files from an earlier run are continued. Raises DownloadError."""
    if is_downloaded(plan):
        return plan.model_path
    if plan.anonymous:
        token = False  # huggingface_hub: send no token (None would send a saved one)
    cancel = cancel or threading.Event()
    staging = plan.staging
    for file in plan.files:  # before anything is written or removed under these names
        check_file_name(file.name)
    try:
        staging.mkdir(parents=True, exist_ok=True)
        _drop_stale_files(plan)
        check_disk_space(plan)
        meter = _Meter(plan, on_progress)
        for file in plan.files:
            if not file_in(staging, file.name).exists():
                _fetch_file(plan, file, token, meter, cancel)
        _move_into_place(plan)
    except OSError as error:
        kind = DISK_FULL if error.errno == errno.ENOSPC else FOLDER_ERROR
        raise DownloadError(kind, f"{error.strerror or error} ({error.filename or staging})") \
            from error
    return plan.model_path


def check_disk_space(plan: DownloadPlan) -> None:
    """Refuse before the first byte when the rest of the download will not fit."""
    missing = sum(max(f.size - _on_disk(plan.staging, f), 0) for f in plan.files)
    free = shutil.disk_usage(plan.staging).free
    if missing + DISK_MARGIN_BYTES > free:
        raise DownloadError(DISK_FULL, f"{missing}/{free}")


def _on_disk(staging: Path, file: HubFile) -> int:
    for path in (staging / file.name, staging / (file.name + PARTIAL_SUFFIX)):
        if path.exists():
            return path.stat().st_size
    return 0


def _drop_stale_files(plan: DownloadPlan) -> None:
    """Files of an earlier run that belong to another version of the repository go:
    continuing them would mix two versions' bytes."""
    manifest = plan.staging / MANIFEST
    try:
        earlier = {f["name"]: HubFile(**f) for f in json.loads(manifest.read_text())["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        earlier = {}
    for file in plan.files:
        if earlier.get(file.name, file) != file:
            for path in (plan.staging / file.name, plan.staging / (file.name + PARTIAL_SUFFIX)):
                path.unlink(missing_ok=True)
    known = {f.name: asdict(f) for f in (*earlier.values(), *plan.files)}
    manifest.write_text(json.dumps({"repo_id": plan.repo_id, "commit": plan.commit,
                                    "files": list(known.values())}))


def _move_into_place(plan: DownloadPlan) -> None:
    """One rename when the target is new; else file by file, config.json last (a folder
    is a model once it has one)."""
    staged = [f.name for f in plan.files]
    if not plan.target.exists():
        for leftover in plan.staging.iterdir():  # the manifest, another file's partial
            if leftover.name not in staged:
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        os.replace(plan.staging, plan.target)
        return
    for name in sorted(staged, key=lambda n: n == "config.json"):
        os.replace(file_in(plan.staging, name), file_in(plan.target, name))
    shutil.rmtree(plan.staging, ignore_errors=True)


def _fetch_file(plan: DownloadPlan, file: HubFile, token: str | bool | None, meter: _Meter,
                cancel: threading.Event) -> None:
    partial = file_in(plan.staging, file.name + PARTIAL_SUFFIX)
    if file.size == 0:
        partial.touch()  # an empty file has no bytes to fetch; a hash, if listed, checks it
    failures = 0
    while True:
        digest = _hash_of(file, partial, cancel)
        start = partial.stat().st_size if partial.exists() else 0
        meter.file_started(file.name, start)
        try:
            if start < file.size:
                _get(plan, file, partial, start, digest, token, meter, cancel)
            break
        except _Dropped as dropped:
            failures = 1 if dropped.made_progress else failures + 1  # in a row, no bytes
            if failures > len(RETRY_DELAYS_S):
                raise DownloadError(CONNECTION_LOST, str(dropped)) from None
            log.info("%s: connection dropped (%s); resuming", file.name, dropped)
            if cancel.wait(RETRY_DELAYS_S[failures - 1]):
                raise DownloadError(CANCELLED) from None
    expected = file.sha256 or file.git_sha1
    # the digest covers the bytes this run received; the size catches bytes another writer
    # (a second instance sharing the models folder) appended to the same partial file
    if (expected and digest.hexdigest() != expected) or partial.stat().st_size != file.size:
        partial.unlink(missing_ok=True)  # a wrong file is never continued
        raise DownloadError(CHECKSUM, file.name)
    os.replace(partial, file_in(plan.staging, file.name))


class _Dropped(Exception):
    def __init__(self, why: str, made_progress: bool) -> None:
        super().__init__(why)
        self.made_progress = made_progress


def _hash_of(file: HubFile, partial: Path, cancel: threading.Event):  # noqa: ANN202
    """A hash object fed with the bytes already on disk (the file is continued)."""
    if file.sha256:
        digest = hashlib.sha256()
    else:  # git's blob id: sha1 of "blob <size>\0" and the content
        digest = hashlib.sha1(f"blob {file.size}\0".encode(), usedforsecurity=False)
    if partial.exists() and partial.stat().st_size > file.size:
        partial.unlink()  # longer than the file: not ours
    if partial.exists():
        with partial.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES * 8):
                if cancel.is_set():
                    raise DownloadError(CANCELLED)
                digest.update(chunk)
    return digest


def _get(plan: DownloadPlan, file: HubFile, partial: Path, start: int, digest,  # noqa: ANN001
         token: str | bool | None, meter: _Meter, cancel: threading.Event) -> None:
    import httpx2
    from huggingface_hub import hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    url = hf_hub_url(plan.repo_id, file.name, revision=plan.commit, endpoint=hub_endpoint())
    headers = build_hf_headers(token=token)
    headers["Accept-Encoding"] = "identity"  # byte offsets must be the file's own
    if start:
        headers["Range"] = f"bytes={start}-"
    received = 0
    try:
        with get_session().stream("GET", url, headers=headers, follow_redirects=True,
                                  timeout=httpx2.Timeout(METADATA_TIMEOUT_S,
                                                         read=READ_TIMEOUT_S)) as response:
            with translated_errors(token):
                hf_raise_for_status(response)
            content_range = response.headers.get("Content-Range")
            if start and not _continues_at(response.status_code, content_range, start,
                                           file.size):
                # the whole file, or another part of it: appending would corrupt the file
                partial.unlink(missing_ok=True)
                raise _Dropped(f"the server did not continue at byte {start} "
                               f"({response.status_code}, Content-Range: {content_range})",
                               False)
            with partial.open("ab") as out:
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    if cancel.is_set():
                        raise DownloadError(CANCELLED)
                    if start + received + len(chunk) > file.size:
                        partial.unlink(missing_ok=True)  # more than the file: not ours
                        raise _Dropped(f"more than the {file.size} bytes listed arrived",
                                       False)
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    meter.advance(len(chunk))
    except (httpx2.TransportError, httpx2.StreamError) as error:
        raise _Dropped(f"{type(error).__name__}: {error}", received > 0) from error
    if start + received != file.size:
        raise _Dropped(f"{start + received} of {file.size} bytes arrived", received > 0)


def _continues_at(status: int, content_range: str | None, start: int, size: int) -> bool:
    """A 206 whose Content-Range says it holds the file's bytes from ``start`` to its end
    (``bytes start-end/size``; a server may give the total as ``*``)."""
    match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+|\*)", (content_range or "").strip())
    return (status == 206 and match is not None and int(match[1]) == start
            and int(match[2]) == size - 1 and match[3] in ("*", str(size)))


class _Meter:
    """Bytes done over the whole plan, speed over the last seconds, time left;
    reported at most every PROGRESS_INTERVAL_S."""

    def __init__(self, plan: DownloadPlan,
                 report: Callable[[DownloadProgress], None] | None) -> None:
        self.total = plan.total_bytes
        self.staging = plan.staging
        self.plan = plan
        self.report = report
        self.file = ""
        self.done = sum(_on_disk(plan.staging, f) for f in plan.files)
        self.resumed = self.done
        self.samples: list[tuple[float, int]] = [(time.monotonic(), self.done)]
        self.last_report = 0.0

    def file_started(self, name: str, on_disk: int) -> None:
        self.file = name
        # after a restart or a dropped range the bytes on disk are the truth
        self.done = sum(_on_disk(self.staging, f) for f in self.plan.files)
        self._report(force=True)

    def advance(self, n: int) -> None:
        self.done += n
        self._report()

    def _report(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.report is None or (not force and now - self.last_report < PROGRESS_INTERVAL_S):
            return
        self.last_report = now
        self.samples.append((now, self.done))
        while len(self.samples) > 2 and now - self.samples[0][0] > SPEED_WINDOW_S:
            self.samples.pop(0)
        (t0, b0) = self.samples[0]
        speed = (self.done - b0) / (now - t0) if now - t0 > 0.5 and self.done > b0 else 0.0
        left = (self.total - self.done) / speed if speed else None
        self.report(DownloadProgress(self.done, self.total, speed, left, self.file,
                                     self.resumed))


@contextmanager
def translated_errors(token: str | None) -> Iterator[None]:
    """huggingface_hub's and httpx's errors as DownloadError kinds."""
    try:
        yield
    except (DownloadError, _Dropped):
        raise
    except Exception as error:
        raise describe_error(error, token) from error


def describe_error(error: BaseException, token: str | None) -> DownloadError:
    import httpx2
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    status = getattr(getattr(error, "response", None), "status_code", None)
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if isinstance(error, (httpx2.TransportError, OfflineModeIsEnabled)):
        return DownloadError(OFFLINE, detail)
    if isinstance(error, GatedRepoError) or status in (401, 403):
        # The Hub answers 401 for private repositories and for names it does not know alike.
        return DownloadError(TOKEN_REFUSED if token else NEEDS_TOKEN, detail)
    if isinstance(error, (RepositoryNotFoundError, RevisionNotFoundError)) or status == 404:
        return DownloadError(NOT_FOUND, detail)
    if isinstance(error, HfHubHTTPError):
        return DownloadError(SERVER_ERROR, detail)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DownloadError(DISK_FULL, detail)
    return DownloadError(SERVER_ERROR, f"{type(error).__name__}: {detail}")

"""Fast copies in the cache dir, named by the content of the folder they copy.

``<cache dir>/fast-copies/<content key>-<quantization>.gguf``, the key a SHA-256 of every
file of the folder (names and bytes) and of the converter's version: an edited folder gets
a new copy, and the same weights in another folder reuse the one made. A copy is written
under a temp name (``core/atomic_file.TEMP_PREFIX``), fsynced and renamed when whole, so a
cancel or a crash leaves nothing that is later opened; stale temp files are cleared at the
next make. A folder whose files change while it is copied gets no copy.

Hashing gigabytes takes seconds, so ``index.json`` remembers each folder's key with the
names, sizes, modification and change times of its files, and the copy's size: opening a
folder whose files are as they were finds its copy at once (``find``); any change, or a
copy of another size, sends it through ``make`` again. The index is read as untrusted.
The original folder is only ever read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from desktop_chat.core.atomic_file import (
    TEMP_PREFIX,
    fsync_dir,
    remove_stale_temp_files,
    write_atomic,
)
from desktop_chat.engine.fast_copy.errors import ConversionCancelled, FolderChanged, Progress

log = logging.getLogger(__name__)

FOLDER_NAME = "fast-copies"
INDEX_NAME = "index.json"
# Part of every key: a converter that writes differently makes new copies.
CONVERTER_VERSION = 1
_CHUNK = 8 * 1024 * 1024
# index.json is ours, but any program (or a crash, or a newer version) may have written it:
# it is read as untrusted. An honest one is a few hundred bytes per folder.
MAX_INDEX_BYTES = 4 * 1024 * 1024
_KEY = re.compile(r"[0-9a-f]{64}")  # a SHA-256 in hex: also safe inside a glob pattern


@dataclass(frozen=True)
class FastCopy:
    folder: str  # the model folder it copies
    path: Path  # the GGUF file
    quantization: str
    size_bytes: int


def fingerprint(folder: Path) -> list[list[object]]:
    """Name, size, modification and change time of each file: what a change would alter.
    The change time too, because tools that copy (rsync -t, tar, cp -p) set the modification
    time they are given: same-shape weights put in place that way keep size and mtime."""
    return [[p.name, s.st_size, s.st_mtime_ns, _changed_ns(s)]
            for p in _files(folder) for s in (p.stat(),)]


def _changed_ns(stat: os.stat_result) -> int:
    """POSIX: when the file last changed in any way (a write, setting its times); nobody can
    set it back. Windows has no such time: its creation time, new for a replaced file."""
    if os.name == "nt":
        return getattr(stat, "st_birthtime_ns", None) or stat.st_ctime_ns
    return stat.st_ctime_ns


def content_key(folder: Path, cancel: threading.Event | None = None) -> str:
    """SHA-256 of the folder's files (names and bytes) and of the converter's version."""
    digest = hashlib.sha256(f"desktop-chat fast copy {CONVERTER_VERSION}\n".encode())
    for path in _files(folder):
        digest.update(f"{path.name}\n{path.stat().st_size}\n".encode())
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                if cancel is not None and cancel.is_set():
                    raise ConversionCancelled()
                digest.update(chunk)
    return digest.hexdigest()


def _index_key(folder: str | Path) -> str:
    return str(Path(folder).expanduser().resolve())


def _files(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")),
                  key=lambda p: p.name)


def _whole_gguf(path: Path) -> bool:
    """Whether ``path`` is a GGUF file whose every tensor is there (its header says where
    each one ends; milliseconds, as it is only mapped)."""
    import gguf

    if not path.is_file():
        return False
    try:
        gguf.GGUFReader(path)
    except Exception:  # a damaged file can trip the parser anywhere: then it is not whole
        return False
    return True


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


class FastCopyCache:
    """The fast copies under one cache dir. Safe to use from several threads: the index
    is replaced atomically and read afresh each time."""

    def __init__(self, cache_dir: Path) -> None:
        self.root = Path(cache_dir) / FOLDER_NAME

    # ----- the index: folder -> key ------------------------------------------------------

    def _index(self) -> dict[str, dict]:
        """Folder -> entry, only the entries of the shape ``make`` writes: any other file
        (too deep, too big, not JSON, keys that are not ours) counts as no index."""
        path = self.root / INDEX_NAME
        try:
            if path.stat().st_size > MAX_INDEX_BYTES:
                return {}
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {folder: entry for folder, entry in data.items()
                if isinstance(entry, dict) and isinstance(entry.get("key"), str)
                and _KEY.fullmatch(entry["key"]) and isinstance(entry.get("fingerprint"), list)
                and isinstance(entry.get("bytes", 0), int)}

    def _write_index(self, index: dict[str, dict]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_atomic(self.root / INDEX_NAME, json.dumps(index, indent=1).encode())

    def _known_entry(self, folder: Path) -> dict | None:
        entry = self._index().get(_index_key(folder))
        if entry is None:
            return None
        try:
            unchanged = entry.get("fingerprint") == fingerprint(folder)
        except OSError:
            return None
        return entry if unchanged else None

    # ----- finding, making, removing -----------------------------------------------------

    def find(self, folder: str | Path) -> FastCopy | None:
        """The copy of ``folder`` as its files are now, without hashing them; None if there
        is none (never made, removed, or the folder changed since)."""
        folder = Path(folder)
        entry = self._known_entry(folder)
        if entry is None:
            return None
        key = entry["key"]
        for path in sorted(self.root.glob(f"{key}-*.gguf")):
            with contextlib.suppress(OSError):  # removed meanwhile
                size = path.stat().st_size
                if size == entry.get("bytes", size):  # not cut short by a crash
                    return FastCopy(str(folder), path, path.stem[len(key) + 1:], size)
        return None

    def make(self, folder: str | Path, quantization: str, progress: Progress,
             cancel: threading.Event) -> FastCopy:
        """Convert ``folder`` (or reuse the copy of the same content); raises
        UnsupportedModel before any work for an architecture the converter lacks,
        ConversionCancelled when ``cancel`` is set and FolderChanged when the folder's files
        changed meanwhile (nothing is left behind)."""
        from desktop_chat.engine.fast_copy.gguf_convert import check_supported, convert

        folder = Path(folder)
        check_supported(folder)
        self.root.mkdir(parents=True, exist_ok=True)
        remove_stale_temp_files(self.root, older_than=0)  # no other make runs: one job
        self._sweep()
        stamp = fingerprint(folder)
        key = content_key(folder, cancel)
        target = self.root / f"{key}-{quantization}.gguf"
        if not _whole_gguf(target):  # never made, or cut short by a crash: made anew
            fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".gguf", dir=self.root)
            os.close(fd)
            try:
                convert(folder, Path(temp), "f16" if quantization != "F32" else "f32",
                        quantization, progress, cancel)
                if cancel.is_set():  # during llama.cpp's quantizer, which cannot stop
                    raise ConversionCancelled()
                if fingerprint(folder) != stamp:  # not the content the key names
                    raise FolderChanged(f"{folder} changed while it was being copied")
                _fsync(Path(temp))  # on disk before its name says it is whole
                os.replace(temp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
            fsync_dir(self.root)
        index = self._index()
        size = target.stat().st_size
        index[_index_key(folder)] = {"fingerprint": stamp, "key": key, "name": folder.name,
                                     "bytes": size}
        self._write_index(index)
        return FastCopy(str(folder), target, quantization, size)

    def remove(self, folder: str | Path) -> bool:
        """Delete the copy of ``folder`` (and forget it); True if there was one. A copy
        another folder with the same content still uses is kept."""
        index = self._index()
        entry = index.pop(_index_key(folder), None)
        if entry is None:
            return False
        key = entry["key"]
        self._write_index(index)
        if any(e["key"] == key for e in index.values()):
            return True
        removed = False
        for path in self.root.glob(f"{key}-*.gguf"):
            with contextlib.suppress(OSError):
                path.unlink()
                removed = True
        return removed

    def _sweep(self) -> None:
        """Forget folders that are gone, and delete copies no folder uses any more (one
        removed while llama.cpp had it open, which Windows refuses at the time)."""
        index = self._index()
        kept = {folder: entry for folder, entry in index.items() if Path(folder).is_dir()}
        if kept != index:
            self._write_index(kept)
        used = {entry["key"] for entry in kept.values()}
        for path in self.root.glob("*.gguf"):
            if path.name.split("-", 1)[0] not in used:
                with contextlib.suppress(OSError):
                    path.unlink()

    def copies(self) -> list[FastCopy]:
        """Every copy in the cache, with the folder it was made from."""
        found = []
        for folder, entry in self._index().items():
            key = entry["key"]
            for path in sorted(self.root.glob(f"{key}-*.gguf")):
                found.append(FastCopy(folder, path, path.stem[len(key) + 1:],
                                      path.stat().st_size))
        return found

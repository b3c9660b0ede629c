"""Every conversation in one zip: ``conversations/<id>.json`` (the files themselves, all
branches, byte for byte) and ``markdown/<title>.md`` (the path shown, for reading).

Written by streaming into a temp file next to the target that replaces it at the end
(``open_atomic``), so thousands of conversations never sit in memory at once and a
failed or cancelled export leaves no half archive. Run it off the GUI thread.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_chat.core.atomic_file import open_atomic
from desktop_chat.core.conversation import Conversation
from desktop_chat.core.export_markdown import (
    MarkdownLabels,
    conversation_markdown,
    file_name_for,
)
from desktop_chat.core.store import parse

JSON_FOLDER = "conversations"
MARKDOWN_FOLDER = "markdown"


class ExportCancelled(Exception):
    pass


@dataclass(frozen=True)
class ArchiveSource:
    """One conversation to export: its file, or its bytes when newer than the file (a
    save still waiting for the writer)."""

    conversation_id: str
    path: Path | None = None
    data: bytes | None = None


@dataclass
class ArchiveResult:
    written: int = 0
    skipped: list[str] = field(default_factory=list)  # ids gone or unreadable meanwhile


def write_archive(target: Path, sources: Iterable[ArchiveSource], *,
                  include_thinking: bool = True, labels: MarkdownLabels | None = None,
                  on_progress: Callable[[int, int], None] | None = None,
                  cancel: threading.Event | None = None) -> ArchiveResult:
    """Write the zip; raises OSError (nothing written) or ExportCancelled."""
    sources = list(sources)
    result = ArchiveResult()
    markdown_names: set[str] = set()
    with open_atomic(target) as handle, zipfile.ZipFile(
            handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for done, source in enumerate(sources):
            if cancel is not None and cancel.is_set():
                raise ExportCancelled
            raw = source.data
            if raw is None and source.path is not None:
                try:
                    raw = source.path.read_bytes()
                except OSError:  # deleted by another window since it was listed
                    raw = None
            if raw is None:
                result.skipped.append(source.conversation_id)
            else:
                archive.writestr(f"{JSON_FOLDER}/{source.conversation_id}.json", raw)
                markdown = _markdown_of(raw, include_thinking, labels)
                if markdown is not None:
                    name = _unique(markdown[0], markdown_names)
                    archive.writestr(f"{MARKDOWN_FOLDER}/{name}", markdown[1])
                result.written += 1
            if on_progress is not None:
                on_progress(done + 1, len(sources))
    return result


def _markdown_of(raw: bytes, include_thinking: bool,
                 labels: MarkdownLabels | None) -> tuple[str, str] | None:
    """(file name, text), or None for a file we cannot read (a newer version's, one
    nested deeper than the decoder goes, a shape no check foresaw): its JSON is in the
    archive all the same, and the export goes on."""
    try:
        # parse: as the store reads it (a BOM, half an emoji), never the parser's errors
        conversation = Conversation.from_dict(parse(raw))
        text = conversation_markdown(conversation, include_thinking=include_thinking,
                                     labels=labels)
        return file_name_for(conversation, ".md"), text
    except (ValueError, TypeError, LookupError, AttributeError, ArithmeticError,
            RecursionError):
        return None


def _unique(name: str, taken: set[str]) -> str:
    stem, suffix = name[: -len(".md")], ".md"
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    taken.add(candidate.casefold())
    return candidate

"""JSON from a stream whose size is not to be trusted (a file to import, an archive's
member): read a chunk at a time, never past a limit whatever a header said, and a
top-level array item by item.

ChatGPT's ``conversations.json`` is one array of every conversation, gigabytes for some
users; read whole, it and its parsed form would sit in memory at once. ``JsonStream``
hands the array's items over one at a time (each parsed with the standard ``json``
decoder), so memory holds one item's text, and ``on_chunk`` (called after every chunk
read: progress, and a cancel that raises) reaches inside a file.

Errors: ``TooLarge`` past a limit, ``json.JSONDecodeError`` and ``UnicodeDecodeError``
(both ValueError) for what is not JSON in UTF-8, ``RecursionError`` for nesting deeper
than the decoder goes, and whatever the stream or ``on_chunk`` raise.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

CHUNK_BYTES = 1 << 20
FILE = "file"
ITEM = "item"
_NOT_WHITESPACE = re.compile(r"[^ \t\n\r]")
_LONGEST_TOKEN = len("-Infinity")  # what the decoder reads as one: a word, an escape


class TooLarge(Exception):
    """More than ``limit`` bytes: of the whole stream (``what`` is FILE), or of one value
    (ITEM: an item of the top-level array, or the document when it is not an array)."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"the {what} is larger than {limit} bytes")
        self.what = what
        self.limit = limit


class JsonStream:
    """One JSON document read from ``stream``: ``is_array()``, then ``items()`` for an
    array or ``value()`` for anything else. At most ``max_bytes`` are read from the
    stream, and one value (an item, or the document) is at most ``max_value_bytes``
    (counted in characters, which are never more than its bytes)."""

    def __init__(self, stream: BinaryIO, *, max_bytes: int, max_value_bytes: int,
                 on_chunk: Callable[[int], None] = lambda size: None,
                 chunk_bytes: int = CHUNK_BYTES) -> None:
        self._stream = stream
        self._chunk = chunk_bytes
        self._max_bytes = max_bytes
        self._max_value = max_value_bytes
        self._on_chunk = on_chunk
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self._json = json.JSONDecoder()
        self._buffer = ""
        self._pos = 0
        self._read = 0
        self._eof = False

    def is_array(self) -> bool:
        self._skip_whitespace()
        return self._buffer.startswith("[", self._pos)

    def value(self) -> Any:
        """The whole document, parsed (for one that is not an array)."""
        while not self._eof:
            self._fill_more()
        return json.loads(self._buffer[self._pos:])

    def items(self) -> Iterator[Any]:
        """The items of the top-level array, each parsed as soon as it has been read."""
        if not self.is_array():
            raise json.JSONDecodeError("Expecting '['", self._buffer, self._pos)
        self._pos += 1
        self._skip_whitespace()
        if self._buffer.startswith("]", self._pos):
            self._pos += 1
        else:
            while True:
                yield self._item()
                self._skip_whitespace()
                if self._buffer.startswith(",", self._pos):
                    self._pos += 1
                    self._skip_whitespace()
                elif self._buffer.startswith("]", self._pos):
                    self._pos += 1
                    break
                else:
                    raise json.JSONDecodeError("Expecting ',' delimiter", self._buffer,
                                               self._pos)
        self._skip_whitespace()
        if self._pos < len(self._buffer):
            raise json.JSONDecodeError("Extra data", self._buffer, self._pos)

    def _item(self) -> Any:
        """The value at the read position. What has been read may end inside it: then
        read as much again and retry (doubling keeps the retries linear in its size)."""
        while True:
            try:
                value, end = self._json.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                if self._eof or not _may_go_on(error):
                    raise
            else:
                if end - self._pos > self._max_value:  # read whole within a chunk's reach
                    raise TooLarge(ITEM, self._max_value)
                # A number ending at (or a "." or "e+" before) the end of what was
                # read may go on.
                if end < len(self._buffer) - 2 or self._eof:
                    self._pos = end
                    return value
            self._fill_more()

    def _skip_whitespace(self) -> None:
        while True:
            found = _NOT_WHITESPACE.search(self._buffer, self._pos)
            self._pos = found.start() if found else len(self._buffer)
            if found or self._eof:
                return
            self._fill(1)

    def _fill_more(self) -> None:
        """As much again as the value being read has (at least a chunk), up to one past
        its limit. What is read past the value (the next items) is not its size: only a
        value still unfinished once that much is there is too large."""
        have = len(self._buffer) - self._pos
        if have > self._max_value:
            raise TooLarge(ITEM, self._max_value)
        self._fill(min(2 * have + self._chunk, self._max_value + 1))

    def _fill(self, wanted: int) -> None:
        """Read until ``wanted`` characters past the read position are there, or the end;
        what was read before that position goes (one copy per call)."""
        pieces: list[str] = []
        have = len(self._buffer) - self._pos
        while not self._eof and have < wanted:
            raw = self._stream.read(self._chunk)
            self._read += len(raw)
            if self._read > self._max_bytes:
                raise TooLarge(FILE, self._max_bytes)
            self._eof = not raw
            pieces.append(self._decoder.decode(raw, final=self._eof))
            have += len(pieces[-1])
            if raw:
                self._on_chunk(len(raw))
        if pieces:
            self._buffer = self._buffer[self._pos:] + "".join(pieces)
            self._pos = 0


def _may_go_on(error: json.JSONDecodeError) -> bool:
    """Whether the text read so far may end inside the value (more to read), rather than
    hold a mistake: the decoder stopped at its end, inside an escape (``\\u12``) or a
    word (``-Infinit``) there, or in a string (whose error names where the string
    starts)."""
    return (error.pos >= len(error.doc) - _LONGEST_TOKEN
            or error.msg.startswith("Unterminated string"))

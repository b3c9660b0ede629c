"""The JSON header of a safetensors file, read without trusting the file: its 8-byte
length is bounded (the format's own limit, 100 MB) and by the file's size, and whatever is
wrong with it (too short, not JSON, not an object, nested too deep) is a ValueError."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

MAX_HEADER_BYTES = 100_000_000  # what the safetensors library itself accepts


def read_header(file: Path) -> tuple[dict[str, Any], int]:
    """The header (tensor name -> entry, and ``__metadata__``) and its length in bytes.
    Raises ValueError for a damaged header, OSError when the file cannot be read."""
    with file.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(0)
        prefix = handle.read(8)
        if len(prefix) != 8:
            raise ValueError(f"{file.name}: {len(prefix)} bytes, too short for a header")
        (length,) = struct.unpack("<Q", prefix)
        if length > min(size - 8, MAX_HEADER_BYTES):
            raise ValueError(f"{file.name}: a header of {length} bytes in a {size}-byte file")
        text = handle.read(length)
    try:
        header = json.loads(text)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        raise ValueError(f"{file.name}: the header is not JSON ({error})") from None
    if not isinstance(header, dict) or not all(
            isinstance(entry, dict) for entry in header.values()):
        raise ValueError(f"{file.name}: the header is not a table of tensors")
    return header, length


def tensors(file: Path) -> list[tuple[str, list[int], str]]:
    """Each tensor's name, shape and dtype. Raises ValueError for a damaged header."""
    header, _ = read_header(file)
    found = []
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        shape, dtype = entry.get("shape"), entry.get("dtype")
        if not isinstance(shape, list) or not all(
                isinstance(d, int) and d >= 0 for d in shape) or not isinstance(dtype, str):
            raise ValueError(f"{file.name}: tensor {name!r} has no valid shape or dtype")
        found.append((name, shape, dtype))
    return found

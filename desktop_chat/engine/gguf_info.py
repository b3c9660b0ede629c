"""What a GGUF file's header says (the ``gguf`` package reads it; no weights are loaded):
architecture, shapes for the KV-cache size, context length, quantization, chat template."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import ModelLoadError

KV_BYTES_PER_VALUE = 2  # llama.cpp keeps the KV cache in float16 unless told otherwise
# general.file_type values (llama.cpp's LLAMA_FTYPE_*) of the files people download.
FILE_TYPES = {0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
              10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S",
              15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 30: "IQ4_XS", 32: "BF16"}


@dataclass(frozen=True)
class GGUFInfo:
    file_size: int
    architecture: str
    file_type: str  # "Q4_K_M", "F16", ...
    context_length: int  # what the model was trained for; 0 if the file does not say
    block_count: int
    head_count_kv: int
    key_length: int
    value_length: int
    parameter_count: int
    chat_template: str
    head_count: int = 0  # attention heads (query), for llama.cpp's compute buffer
    vocab_size: int = 0  # rows of token_embd (the memory estimate sizes logits by it)

    def kv_bytes(self, tokens: int) -> int:
        """The KV cache for ``tokens`` tokens of context."""
        per_token = self.block_count * self.head_count_kv * (self.key_length + self.value_length)
        return per_token * KV_BYTES_PER_VALUE * tokens


def read_gguf_info(file: Path) -> GGUFInfo:
    try:
        with file.open("rb") as handle:
            fields, elements, vocab = _read_header(_Reader(handle))
    except (ValueError, OSError, struct.error, UnicodeDecodeError) as error:
        raise ModelLoadError(tr("“{name}” is not a readable GGUF file (it may be damaged "
                                "or incomplete).", name=file.name), str(error)) from None
    arch = str(fields.get("general.architecture", ""))

    def number(key: str, default: int = 0) -> int:
        value = fields.get(f"{arch}.{key}", default)
        if isinstance(value, list):  # per-layer values (some hybrids): take the largest
            value = max(value) if value else default
        return int(value)

    heads = number("attention.head_count", 1) or 1
    head_dim = number("embedding_length") // heads
    return GGUFInfo(
        file_size=file.stat().st_size, architecture=arch,
        file_type=_file_type_name(fields.get("general.file_type")),
        context_length=number("context_length"), block_count=number("block_count"),
        head_count_kv=number("attention.head_count_kv", heads) or heads,
        key_length=number("attention.key_length", head_dim) or head_dim,
        value_length=number("attention.value_length", head_dim) or head_dim,
        parameter_count=elements,
        chat_template=str(fields.get("tokenizer.chat_template", "")),
        head_count=heads, vocab_size=vocab,
    )


def _file_type_name(value: Any) -> str:
    if value is None:
        return "unknown"
    if int(value) in FILE_TYPES:
        return FILE_TYPES[int(value)]
    from gguf import LlamaFileType  # the full list (importing gguf takes a second or two)

    try:
        return LlamaFileType(int(value)).name.removeprefix("MOSTLY_")
    except ValueError:
        return f"type {value}"


# ----- the header, read by hand: gguf's GGUFReader parses every vocabulary string (seconds
# for a 150k-token vocabulary); here arrays nobody needs are skipped with a seek. ------------

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9
MAX_STRING = 1 << 26  # 64 MB: a longer "string" means a damaged file


class _Reader:
    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle

    def unpack(self, fmt: str) -> Any:
        size = struct.calcsize(fmt)
        data = self.handle.read(size)
        if len(data) != size:
            raise ValueError("the file ends inside its header")
        return struct.unpack(fmt, data)[0]

    def string(self, keep: bool = True) -> str:
        length = self.unpack("<Q")
        if length > MAX_STRING:
            raise ValueError(f"a string of {length} bytes")
        if not keep:
            self.handle.seek(length, 1)
            return ""
        return self.handle.read(length).decode("utf-8")

    def value(self, kind: int, keep: bool) -> Any:
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind])
        if kind == _STRING:
            return self.string(keep)
        if kind != _ARRAY:
            raise ValueError(f"unknown value type {kind}")
        item, count = self.unpack("<I"), self.unpack("<Q")
        if not keep and item in _SCALARS:
            self.handle.seek(struct.calcsize(_SCALARS[item]) * count, 1)
            return []
        keep_items = keep and count <= 4096  # per-layer lists, not vocabularies
        values = [self.value(item, keep_items) for _ in range(count)]
        return values if keep_items else []


def _read_header(reader: _Reader) -> tuple[dict[str, Any], int, int]:
    """The metadata (big arrays left out), the number of weights in the tensors, and the
    vocabulary size (token_embd's rows)."""
    if reader.handle.read(4) != b"GGUF":
        raise ValueError("no GGUF magic")
    version = reader.unpack("<I")
    if version < 2:
        raise ValueError(f"GGUF version {version} is too old")
    tensor_count, kv_count = reader.unpack("<Q"), reader.unpack("<Q")
    fields: dict[str, Any] = {}
    for _ in range(kv_count):
        key = reader.string()
        keep = not key.startswith("tokenizer.ggml.")
        fields[key] = reader.value(reader.unpack("<I"), keep)
    elements = vocab = 0
    for _ in range(tensor_count):
        name = reader.string()
        dims = [reader.unpack("<Q") for _ in range(reader.unpack("<I"))]
        if name == "token_embd.weight" and len(dims) == 2:
            vocab = dims[1]  # GGUF lists dimensions innermost first: [hidden, vocab]
        reader.unpack("<I")  # type
        reader.unpack("<Q")  # offset
        count = 1
        for dim in dims:
            count *= dim
        elements += count
    return fields, elements, vocab

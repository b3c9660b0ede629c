"""Int4 weight-only quantization on the CPU with torchao, for faster decoding.

Int4 weights take a quarter of bf16's bytes; on the 1.5B Qwen2 shape here (2 AVX2 cores)
decoding ran 1.5x faster and the model took half the memory (bench/int4_quantize.py).
torchao's ``Int4OpaqueTensor`` (what its ``PrototypeInt4WeightOnlyConfig`` applies) packs
weights for PyTorch's CPU kernel ``_weight_int4pack_mm_for_cpu``; the packings of torchao's
``Int4WeightOnlyConfig`` are for GPU kernels. It is used directly, not through
``quantize_``, to quantize in row chunks and to rebuild the tensors from the cache.

Layers are quantized one at a time, in row chunks, freeing each bf16 weight as its int4
replacement is set, so memory stays near the bf16 model's size. The packed weights can be
cached on disk (safetensors: plain tensors, no pickle), so a later load skips quantizing.

The LM head stays bf16: on SmolLM2 (untied) quantizing it too raised perplexity by 5-8%,
for 3-10% more decode speed on the 1.5B shape (the int4 CPU kernel is compute-bound here).
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import torch
from torch import nn

from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import LoadCancelled

INT4 = "int4"  # the precision name users pick in settings

# Groups of 32 weights per scale: measured on SmolLM2, perplexity 48.2 in bf16, 48.1 with
# groups of 32, 72 with groups of 128, at the same decoding speed (the scales cost 0.12 GB
# more for a 1.5B model). The CPU kernel
# takes only these sizes.
GROUP_SIZES = (32,)
# _convert_weight_to_int4pack_for_cpu refuses an out_features that is not a multiple of 16.
ROWS_MULTIPLE = 16
# Quantizing a whole LM head at once (152k x 1.5k) makes float32 and int32 copies of it,
# gigabytes. The CPU kernel packs rows in independent blocks of 32 (AVX2) or 64 (AVX512)
# rows, so chunks of a multiple of 64 rows pack exactly as the whole would.
CHUNK_ROWS = 4096
CACHE_FORMAT = "desktop-chat-int4/1"
SAFETENSORS_DTYPES = {torch.bfloat16: "BF16", torch.float16: "F16", torch.float32: "F32"}

log = logging.getLogger(__name__)


@dataclass
class _Layer:
    name: str
    module: nn.Linear
    group_size: int

    @property
    def elements(self) -> int:
        return self.module.in_features * self.module.out_features


def _int4_tensor_class() -> Any:
    from torchao.prototype.quantization.int4 import Int4OpaqueTensor

    return Int4OpaqueTensor


@cache
def int4_available() -> str | None:
    """None when int4 weight-only can run here (torchao importable and CPU kernels present);
    else a short human reason why not."""
    try:
        int4_tensor = _int4_tensor_class()
    except Exception as error:  # ImportError, or torchao built for another torch
        return tr("torchao is not installed or does not load ({error}).",
                  error=type(error).__name__)
    if not hasattr(torch.ops.aten, "_weight_int4pack_mm_for_cpu"):
        return tr("This PyTorch has no int4 CPU kernel.")
    try:  # a build can list the kernel and still lack it for this CPU or dtype
        weight = torch.linspace(-1, 1, 16 * 32, dtype=torch.bfloat16).reshape(16, 32)
        packed = int4_tensor.from_hp(weight, [1, 32])
        x = torch.ones(1, 32, dtype=torch.bfloat16)
        error = (nn.functional.linear(x, packed) - nn.functional.linear(x, weight)).abs().max()
        if not error < 0.5:
            return tr("The int4 CPU kernel gives wrong results on this machine.")
    except Exception as error:
        return tr("The int4 CPU kernel does not run on this machine ({error}).",
                  error=str(error))
    return None


def quantize_int4(model: nn.Module, progress: Callable[[float, str], None],
                  cancel: threading.Event, cache_dir: Path | None = None,
                  cache_key: str | None = None) -> None:
    """Quantize the model's nn.Linear layers in place to int4 weight-only, groups of 32.

    The LM head (the output embeddings) and layers the CPU kernel cannot take are left as
    they are. With ``cache_dir`` and ``cache_key`` the packed weights are read from the cache
    when it is valid, else written there for the next load. Raises LoadCancelled when
    ``cancel`` is set; the model is then partly quantized and should be dropped.
    """
    layers = _layers(model)
    path = None
    if cache_dir is not None and cache_key is not None:
        digest = hashlib.sha256(cache_key.encode()).hexdigest()[:32]
        path = Path(cache_dir) / f"int4-{digest}.safetensors"
        if path.exists() and _load_cache(path, cache_key, layers, progress, cancel):
            _release_freed_memory()
            return
    _quantize_layers(layers, progress, cancel)
    _release_freed_memory()
    if path is not None:
        if cancel.is_set():
            raise LoadCancelled()
        progress(1.0, tr("Saving the int4 weights for the next load"))
        _write_cache(path, cache_key or "", layers)


def _layers(model: nn.Module) -> list[_Layer]:
    # A head tied to the input embeddings must stay whole for the lookups anyway.
    kept = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    get_head = getattr(model, "get_output_embeddings", None)
    head = get_head() if callable(get_head) else None
    if head is not None:
        kept.add(id(head.weight))
    layers = []
    for name, module in model.named_modules():
        if not isinstance(module, nn.Linear) or id(module.weight) in kept:
            continue
        if module.out_features % ROWS_MULTIPLE or module.weight.device.type != "cpu":
            continue
        group = next((g for g in GROUP_SIZES if module.in_features % g == 0), None)
        if group is not None:
            layers.append(_Layer(name, module, group))
    return layers


def _quantize_layers(layers: list[_Layer], progress: Callable[[float, str], None],
                     cancel: threading.Event) -> None:
    int4_tensor = _int4_tensor_class()
    total = sum(layer.elements for layer in layers) or 1
    done = 0
    for layer in layers:
        if cancel.is_set():
            raise LoadCancelled()
        progress(done / total, tr("Quantizing to int4"))
        weight = layer.module.weight
        if not isinstance(weight, int4_tensor):  # a failed cache read may have set it
            with torch.no_grad():
                parts = [int4_tensor.from_hp(weight[start:start + CHUNK_ROWS],
                                             [1, layer.group_size])
                         for start in range(0, weight.shape[0], CHUNK_ROWS)]
                packed = int4_tensor(
                    torch.cat([part.qdata for part in parts]),
                    torch.cat([part.scale_and_zero for part in parts], dim=1),
                    [1, layer.group_size], weight.shape)
            del parts, weight
            _set_weight(layer, packed)
        done += layer.elements
    progress(1.0, tr("Quantizing to int4"))


def _release_freed_memory() -> None:
    """Hand the freed bf16 weights back to the system. Once glibc has freed a large block it
    serves blocks up to that size (32 MB at most: most layers) from its heap, which it keeps
    after a free: measured, up to 2.5 GB of freed 1.5B bf16 weights stayed resident."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl)
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def _set_weight(layer: _Layer, packed: torch.Tensor) -> None:
    # Replacing the Parameter drops the last reference to the bf16 weight, freeing it now.
    layer.module.weight = nn.Parameter(packed, requires_grad=False)


def _metadata(cache_key: str, layers: list[_Layer]) -> dict[str, str]:
    import torchao

    # The packed layout depends on the CPU's vector width (see CHUNK_ROWS) and may change
    # with torch or torchao: a cache made under any other of these is not used.
    return {
        "format": CACHE_FORMAT,
        "cache_key": cache_key,
        "torch": torch.__version__,
        "torchao": torchao.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "layers": json.dumps({layer.name: [layer.group_size, *layer.module.weight.shape,
                                           str(layer.module.weight.dtype)]
                              for layer in layers}),
    }


def _load_cache(path: Path, cache_key: str, layers: list[_Layer],
                progress: Callable[[float, str], None], cancel: threading.Event) -> bool:
    """Set the cached packed weights; False when the cache is missing, stale or damaged."""
    from safetensors import safe_open

    int4_tensor = _int4_tensor_class()
    try:
        # safe_open checks that the header is whole and its offsets match the file size,
        # so a truncated or garbled file fails here, before any layer is touched.
        with safe_open(path, framework="pt", device="cpu") as cached:
            if cached.metadata() != _metadata(cache_key, layers):
                log.info("int4 cache %s is for other weights or libraries", path)
                return False
            for layer in layers:
                rows, columns = layer.module.weight.shape
                expected = {
                    f"{layer.name}.qdata": ([rows, columns // 2], "U8"),
                    f"{layer.name}.scale_and_zero": (
                        [columns // layer.group_size, rows, 2],
                        SAFETENSORS_DTYPES.get(layer.module.weight.dtype)),
                }
                for key, (shape, dtype) in expected.items():
                    stored = cached.get_slice(key)
                    if stored.get_shape() != shape or stored.get_dtype() != dtype:
                        log.warning("int4 cache %s does not match the model", path)
                        return False
            # The tensors stay memory-mapped from the file: no copy, and the page cache can
            # drop them under pressure. Safe, as a cache file is only ever replaced by a
            # rename, never rewritten in place under a reader.
            total = len(layers) or 1
            for index, layer in enumerate(layers):
                if cancel.is_set():
                    raise LoadCancelled()
                progress(index / total, tr("Reading the int4 weights"))
                packed = int4_tensor(cached.get_tensor(f"{layer.name}.qdata"),
                                     cached.get_tensor(f"{layer.name}.scale_and_zero"),
                                     [1, layer.group_size], layer.module.weight.shape)
                _set_weight(layer, packed)
    except LoadCancelled:
        raise
    except Exception as error:  # safetensors raises its own errors for a damaged file
        log.warning("int4 cache %s is unreadable, quantizing again: %r", path, error)
        return False
    progress(1.0, tr("Reading the int4 weights"))
    return True


def _write_cache(path: Path, cache_key: str, layers: list[_Layer]) -> None:
    """Write atomically (temporary file, fsync, rename): a crash or a full disk leaves the
    previous cache or none, never a partial file under the real name. A failure only costs
    the next load its speed, so it is logged, not raised."""
    from safetensors.torch import save_file

    tensors = {}
    for layer in layers:
        tensors[f"{layer.name}.qdata"] = layer.module.weight.qdata
        tensors[f"{layer.name}.scale_and_zero"] = layer.module.weight.scale_and_zero
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_file(tensors, temporary, metadata=_metadata(cache_key, layers))
        with open(temporary, "rb") as file:
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        log.warning("could not write the int4 cache %s: %r", path, error)
        with contextlib.suppress(OSError):  # e.g. the folder itself could not be made
            temporary.unlink(missing_ok=True)

"""Describe a model on disk without loading it: format, size, parameters, context length,
and the memory estimate (engine/memory_estimate.py) with the current settings.

Called on a pool thread by the worker for the model picker and the Models page; headers
only (safetensors JSON headers, GGUF metadata), never the weights.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from desktop_chat.core.inference import EngineError
from desktop_chat.core.model_facts import KIND_FOLDER, KIND_GGUF, KIND_SERVER, ModelFacts
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.user_message import tr
from desktop_chat.engine import memory_estimate
from desktop_chat.engine.gguf_info import read_gguf_info
from desktop_chat.engine.model_files import gguf_file_of

log = logging.getLogger(__name__)

SAFETENSORS_NAMES = {"BF16": "bf16", "F16": "f16", "F32": "f32", "F8_E4M3": "fp8",
                     "F8_E5M2": "fp8", "I8": "int8", "U8": "uint8"}


def read_model_facts(entry: str, device: str = "auto", dtype: str = "auto",
                     context_limit: int = 0) -> ModelFacts:
    """What ``entry`` (a model source string) is; never raises: a problem is reported."""
    source = ModelSource.parse(entry)
    if source.is_server:
        return ModelFacts(entry, KIND_SERVER)
    path = Path(source.location).expanduser()
    if not path.exists():
        return ModelFacts(entry, KIND_FOLDER, problem=tr("It is no longer on this disk."))
    try:
        gguf = gguf_file_of(path)
        facts = _gguf_facts(entry, gguf) if gguf else _folder_facts(entry, path)
    except EngineError as error:
        return ModelFacts(entry, KIND_FOLDER, size_bytes=disk_size(path), problem=str(error))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        return ModelFacts(entry, KIND_FOLDER, size_bytes=disk_size(path),
                          problem=tr("Its files could not be read: {error}", error=str(error)))
    try:
        estimate = memory_estimate.estimate_path(path, device, dtype, context_limit)
    except Exception as error:  # the facts stand without an estimate
        log.info("no memory estimate for %s: %s", entry, error)
        return facts
    ways = tuple(memory_estimate.way_out_message(way) for way in estimate.ways_out)
    return _with_estimate(facts, estimate, ways)


def _with_estimate(facts: ModelFacts, estimate: memory_estimate.MemoryEstimate,
                   ways: tuple[str, ...]) -> ModelFacts:
    import dataclasses

    return dataclasses.replace(facts, needed_bytes=estimate.total_bytes,
                               free_bytes=estimate.free_bytes, fits=estimate.fits,
                               engine=estimate.engine, ways_out=ways)


def _gguf_facts(entry: str, file: Path) -> ModelFacts:
    info = read_gguf_info(file)
    return ModelFacts(entry, KIND_GGUF, model_format=f"GGUF {info.file_type}",
                      architecture=info.architecture, parameter_count=info.parameter_count,
                      context_length=info.context_length, size_bytes=info.file_size)


def _folder_facts(entry: str, folder: Path) -> ModelFacts:
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    shape = memory_estimate.shape_of_folder(folder)
    architectures = config.get("architectures") or []
    return ModelFacts(entry, KIND_FOLDER, model_format=_folder_format(folder),
                      architecture=architectures[0] if architectures
                      else str(config.get("model_type", "")),
                      parameter_count=shape.parameter_count,
                      context_length=shape.max_context, size_bytes=disk_size(folder))


def _folder_format(folder: Path) -> str:
    files = sorted(folder.glob("*.safetensors"))
    if not files:
        return "PyTorch .bin" if any(folder.glob("*.bin")) else ""
    dtypes = {SAFETENSORS_NAMES.get(dtype, dtype.lower())
              for _, _, dtype in memory_estimate.safetensors_tensors(files[0])}
    return f"safetensors ({', '.join(sorted(dtypes))})" if dtypes else "safetensors"


def disk_size(path: Path) -> int:
    """Bytes on disk: the file, or every file under the folder (links not followed)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
    return total

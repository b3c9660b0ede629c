"""Describe a model on disk without loading it: format, size, parameters, context length,
and the memory estimate (engine/memory_estimate.py) with the current settings, for the
engine, device and precision the engines would choose (``estimate_path``).

Called on a pool thread by the worker for the model picker and the Models page; headers
only (safetensors JSON headers, GGUF metadata), never the weights.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from pathlib import Path

from desktop_chat.core.inference import ENGINE_TRANSFORMERS, EngineError
from desktop_chat.core.model_facts import KIND_FOLDER, KIND_GGUF, KIND_SERVER, ModelFacts
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.user_message import tr
from desktop_chat.engine import memory_estimate
from desktop_chat.engine.gguf_info import read_gguf_info
from desktop_chat.engine.llama_devices import device_names, gpu_offload
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
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        return ModelFacts(entry, KIND_FOLDER, size_bytes=disk_size(path),
                          problem=tr("Its files could not be read: {error}", error=str(error)))
    try:
        estimate = estimate_path(path, device, dtype, context_limit)
    except Exception as error:  # the facts stand without an estimate
        log.info("no memory estimate for %s: %s", entry, error)
        return facts
    ways = tuple(memory_estimate.way_out_message(way) for way in estimate.ways_out)
    return _with_estimate(facts, estimate, ways)


def estimate_path(path: str | Path, device: str = "auto", dtype: str = "auto",
                  context_limit: int = 0) -> memory_estimate.MemoryEstimate:
    """A model folder or a GGUF file (or a folder holding one), opened by the engine the
    registry would choose, with the settings' device, precision and context limit."""
    gguf = gguf_file_of(path)
    if gguf is not None and _installed("llama_cpp"):
        return memory_estimate.estimate_gguf(gguf, device=_llama_cpp_device(device),
                                             context_limit=context_limit)
    resolved_device, resolved_dtype = _transformers_choice(path, gguf, device, dtype)
    if gguf is not None:
        return memory_estimate.estimate_gguf(gguf, engine=ENGINE_TRANSFORMERS,
                                             device=resolved_device, dtype=resolved_dtype,
                                             context_limit=context_limit)
    return memory_estimate.estimate_folder(Path(path), device=resolved_device,
                                           dtype=resolved_dtype, context_limit=context_limit)


def _installed(module: str) -> bool:
    return module in sys.modules or importlib.util.find_spec(module) is not None


def _llama_cpp_device(device: str) -> str:
    return device_names(gpu_offload(device), 1)[0]


def _transformers_choice(path: str | Path, gguf: Path | None, device: str,
                         dtype: str) -> tuple[str, str]:
    """The device and dtype transformers would use (imports torch)."""
    from desktop_chat.engine.transformers_engine.device import choose_device

    model_type = None
    if gguf is None:
        try:
            model_type = json.loads((Path(path) / "config.json").read_text()).get("model_type")
        except (OSError, ValueError, AttributeError):
            pass
    choice = choose_device(device, dtype, model_type)
    int4 = memory_estimate.INT4
    return choice.device, int4 if choice.quantization == int4 else choice.dtype_name


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

"""Model folders: check them before loading, with a message for each way they can be wrong,
then load with real progress that can be cancelled.

A model folder is what Hugging Face hosts: config.json, tokenizer files, weights
(*.safetensors, or pickle *.bin loaded with ``weights_only``), and usually a chat template.
A folder holding a single .gguf file (or that file itself) loads through transformers'
GGUF support. Checks run before any weight is read, so a broken folder fails in
milliseconds and the model already loaded keeps working.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import torch
import transformers
from transformers import AutoModelForCausalLM, AutoTokenizer
from transformers.models.auto.configuration_auto import CONFIG_MAPPING_NAMES
from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
from transformers.utils import logging as hf_logging

from desktop_chat.core.inference import ProgressCallback
from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import (
    LoadCancelled,
    ModelLoadError,
    RemoteCodeRequired,
    failure_details,
)
from desktop_chat.engine.model_files import gguf_file_of
from desktop_chat.engine.prompt import PLAIN_CHAT_TEMPLATE
from desktop_chat.engine.safetensors_header import read_header
from desktop_chat.engine.transformers_engine.device import (
    INT4,
    DeviceChoice,
    empty_accelerator_cache,
)

TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json", "spiece.model")
CHAT_TEMPLATE_FILES = ("chat_template.jinja", "chat_template.json")
SAFETENSORS_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4,
                           "I16": 2, "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}


@dataclass
class ModelFolder:
    path: Path  # the folder
    name: str
    gguf_file: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    model_type: str | None = None
    weight_files: list[Path] = field(default_factory=list)
    parameter_count: int | None = None  # from safetensors headers, when known
    has_chat_template: bool = True
    uses_remote_code: bool = False


@dataclass
class LoadedModel:
    model: Any  # a transformers PreTrainedModel
    tokenizer: Any
    folder: ModelFolder
    choice: DeviceChoice
    context_size: int
    notices: list[str]
    model_defaults: dict[str, Any]  # sampling values from the model's generation_config.json

    @property
    def weights_bytes(self) -> int:
        """Bytes of the weights as they are held (packed, for a quantized model)."""
        return sum(_tensor_bytes(t) for t in self.model.state_dict().values())

    @property
    def precision(self) -> str:
        if self.folder.gguf_file:  # transformers dequantizes GGUF weights on load
            return f"{self.choice.precision} (from GGUF)"
        return self.choice.precision


def _tensor_bytes(tensor: Any) -> int:
    """Storage of a tensor; tensor subclasses (torchao's packed int4) count their parts."""
    inner = getattr(tensor, "__tensor_flatten__", None)
    if inner is not None and type(tensor) is not torch.Tensor:
        names, _ = inner()
        return sum(_tensor_bytes(getattr(tensor, name)) for name in names)
    return tensor.numel() * tensor.element_size()


def inspect_model_folder(path: str | Path, allow_remote_code: bool = False) -> ModelFolder:
    """Check a model folder without loading weights; raise ModelLoadError saying what's wrong."""
    path = Path(path).expanduser()
    gguf_file = gguf_file_of(path)
    if gguf_file is not None:
        return _inspect_gguf(gguf_file)
    config_path = path / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if not isinstance(config, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as error:
        raise ModelLoadError(tr("The model's config.json is damaged."), str(error)) from None

    folder = ModelFolder(path=path, name=path.name, config=config,
                         model_type=config.get("model_type"))
    _check_architecture(folder, allow_remote_code)
    _check_tokenizer(folder)
    _check_weights(folder)
    return folder


def _inspect_gguf(file: Path) -> ModelFolder:
    try:
        import gguf  # noqa: F401  transformers' GGUF reader needs it
    except ImportError:
        raise ModelLoadError(tr("Opening .gguf files needs the 'gguf' package.")) from None
    return ModelFolder(path=file.parent, name=file.stem, gguf_file=file.name,
                       weight_files=[file])


def _check_architecture(folder: ModelFolder, allow_remote_code: bool) -> None:
    model_type = folder.model_type
    architectures = folder.config.get("architectures") or []
    native = model_type in CONFIG_MAPPING_NAMES
    if "auto_map" in folder.config and not native:
        if not allow_remote_code:
            raise RemoteCodeRequired(
                tr("This model runs Python code from its own folder (custom code). "
                   "Allow that only for models from a source you trust."),
                f"config.json names custom classes: {folder.config['auto_map']}",
            )
        folder.uses_remote_code = True
        return
    if not native:
        raise ModelLoadError(
            tr("The installed transformers {version} does not know the architecture "
               "“{architecture}”.", version=transformers.__version__,
               architecture=model_type or ", ".join(architectures) or "unnamed"),
            tr("Update Desktop Chat (or transformers), or choose another model."),
        )
    causal_classes = set(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES.values())
    named_causal = any(a in causal_classes or a.endswith(("ForCausalLM", "LMHeadModel"))
                       for a in architectures)
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES or (architectures and
                                                                not named_causal):
        kind = ", ".join(architectures) or model_type
        raise ModelLoadError(
            tr("“{name}” is not a text-generation model ({kind}).", name=folder.name,
               kind=kind),
            tr("Desktop Chat needs a causal language model (…ForCausalLM), the kind that "
               "continues text."),
        )


def _check_tokenizer(folder: ModelFolder) -> None:
    if not any((folder.path / name).exists() for name in TOKENIZER_FILES):
        raise ModelLoadError(
            tr("“{name}” has no tokenizer.", name=folder.name),
            tr("Expected one of {files} beside config.json.",
               files=", ".join(TOKENIZER_FILES)),
        )
    tokenizer_config = folder.path / "tokenizer_config.json"
    in_config = False
    if tokenizer_config.exists():
        try:
            in_config = bool(json.loads(tokenizer_config.read_text(encoding="utf-8"))
                             .get("chat_template"))
        except (OSError, ValueError, AttributeError):
            raise ModelLoadError(tr("The model's tokenizer_config.json is damaged.")) from None
    folder.has_chat_template = in_config or any(
        (folder.path / name).exists() for name in CHAT_TEMPLATE_FILES)


def _check_weights(folder: ModelFolder) -> None:
    path = folder.path
    for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        index = path / index_name
        if index.exists():
            try:
                shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
            except (OSError, ValueError, KeyError, AttributeError) as error:
                raise ModelLoadError(tr("The weights index {name} is damaged.",
                                        name=index_name), str(error)) from None
            missing = [s for s in shards if not (path / s).exists()]
            if missing:
                raise ModelLoadError(
                    tr("Weight files are missing from “{name}” (the download may be "
                       "incomplete).", name=folder.name),
                    tr("Missing: {files}", files=", ".join(missing)))
            folder.weight_files = [path / s for s in shards]
            break
    else:
        folder.weight_files = sorted(path.glob("*.safetensors")) or sorted(
            path.glob("pytorch_model*.bin"))
    if not folder.weight_files:
        raise ModelLoadError(
            tr("“{name}” has no weights.", name=folder.name),
            tr("Expected model.safetensors (or model-00001-of-000NN.safetensors, or "
               "pytorch_model.bin). Download every file of the model into the folder."),
        )
    if all(f.suffix == ".safetensors" for f in folder.weight_files):
        folder.parameter_count = sum(_safetensors_elements(f) for f in folder.weight_files)


def _safetensors_elements(file: Path) -> int:
    """Check a safetensors file's header against its size; return its element count."""
    size = file.stat().st_size
    damaged = tr("The weights file “{name}” is truncated or damaged (the download may be "
                 "incomplete). Download it again.", name=file.name)
    try:
        header, header_size = read_header(file)
        end = 0
        elements = 0
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            end = max(end, int(entry["data_offsets"][1]))
            count = 1
            for dim in entry["shape"]:
                count *= int(dim)
            elements += count
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise ModelLoadError(damaged, f"{type(error).__name__}: {error}") from None
    expected = 8 + header_size + end
    if size != expected:
        raise ModelLoadError(damaged, f"{file.name}: {size} bytes, the header describes "
                                      f"{expected} bytes")
    return elements


class _ProgressBar:
    """Stands in for the tqdm bars transformers opens while loading; reports and cancels."""

    def __init__(self, report: Callable[[_ProgressBar], None], iterable: Any = None,
                 *args: Any, **kwargs: Any) -> None:
        self._report = report
        self.iterable = iterable
        self.desc = kwargs.get("desc") or ""
        total = kwargs.get("total")
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.total = total
        self.n = 0

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.update(1)

    def update(self, n: float = 1) -> None:
        self.n += n
        self._report(self)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None  # set_description, refresh, set_postfix, ...


def load_model(folder: ModelFolder, choice: DeviceChoice, progress: ProgressCallback,
               cancel: threading.Event, cache_dir: Path | None = None) -> LoadedModel:
    """Load tokenizer and weights onto ``choice.device``; raises ModelLoadError.

    Call ``check_memory`` first: it refuses a model that cannot fit before any weight is read.
    A quantized choice (int4) keeps its quantized weights in ``cache_dir`` for the next load.
    """
    progress(0.0, tr("Reading the tokenizer"))
    # local_files_only: a model folder is opened, never downloaded; nothing leaves the machine.
    common: dict[str, Any] = {"trust_remote_code": folder.uses_remote_code,
                              "local_files_only": True}
    if folder.gguf_file:
        common["gguf_file"] = folder.gguf_file
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder.path, **common)
    except Exception as error:  # tokenizers raise many types for a bad file
        raise ModelLoadError(tr("The model's tokenizer could not be read."),
                             failure_details(error)) from None
    notices = []
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = PLAIN_CHAT_TEMPLATE
        notices.append(tr("This model has no chat template; a plain “User: / Assistant:” "
                          "format is used, and answers may be weaker."))
    if cancel.is_set():
        raise LoadCancelled()

    def report(bar: _ProgressBar) -> None:
        if cancel.is_set():
            raise LoadCancelled()
        if bar.total:
            progress(min(bar.n / bar.total, 1.0), tr("Loading weights"))

    previous_hook = hf_logging.set_tqdm_hook(
        lambda factory, args, kwargs: _ProgressBar(report, *args, **kwargs))
    try:
        model = AutoModelForCausalLM.from_pretrained(
            folder.path, dtype=choice.dtype, device_map=choice.device, weights_only=True,
            **common,
        )
    except LoadCancelled:
        gc.collect()
        raise
    except (torch.OutOfMemoryError, MemoryError) as error:
        gc.collect()
        empty_accelerator_cache(choice.device)
        raise ModelLoadError(
            tr("There is not enough memory on the {device} for this model in {precision}.",
               device=choice.device_name, precision=choice.dtype_name),
            failure_details(error)) from None
    except Exception as error:
        gc.collect()
        raise ModelLoadError(tr("The model's weights could not be loaded."),
                             failure_details(error)) from None
    finally:
        hf_logging.set_tqdm_hook(previous_hook)
    model.eval()
    if folder.gguf_file:
        _check_gguf_vocabulary(model, tokenizer)
    if choice.quantization == INT4:
        _quantize(model, folder, progress, cancel, cache_dir)
    progress(1.0, tr("Ready"))
    return LoadedModel(
        model=model, tokenizer=tokenizer, folder=folder, choice=choice,
        context_size=_context_size(model, tokenizer), notices=notices,
        model_defaults=_model_defaults(folder),
    )


def _check_gguf_vocabulary(model: Any, tokenizer: Any) -> None:
    """transformers rebuilds a GGUF file's tokenizer itself, and for some (DeepSeek-R1's
    among them) it byte-encodes the control tokens and appends them again past the model's
    vocabulary: the first message then fails deep in the embedding. Refuse at load, with
    the way out, instead."""
    rows = model.get_input_embeddings().weight.shape[0]
    beyond = sorted(i for i in tokenizer.all_special_ids if i >= rows)
    if len(tokenizer) > rows or beyond:
        raise ModelLoadError(
            tr("transformers cannot read this GGUF file's tokenizer correctly: its special "
               "tokens land outside the model's vocabulary. Install llama-cpp-python, which "
               "runs GGUF files as they are (pip install \"desktop-chat[llama-cpp]\"), or "
               "open the model's Hugging Face folder instead."),
            f"tokenizer size {len(tokenizer)}, embedding rows {rows}, special ids past "
            f"them: {beyond}")


def _quantize(model: Any, folder: ModelFolder, progress: ProgressCallback,
              cancel: threading.Event, cache_dir: Path | None) -> None:
    from desktop_chat.engine.transformers_engine.quantize import quantize_int4

    try:
        quantize_int4(model, progress, cancel, cache_dir=cache_dir,
                      cache_key=_weights_fingerprint(folder) if cache_dir else None)
    except LoadCancelled:
        raise
    except (torch.OutOfMemoryError, MemoryError) as error:
        raise ModelLoadError(tr("There is not enough memory to quantize this model to int4."),
                             failure_details(error)) from None
    except Exception as error:  # a kernel missing on this CPU, a layer torchao refuses
        raise ModelLoadError(tr("The model could not be quantized to int4: {error}",
                                error=str(error)), failure_details(error)) from None


def _weights_fingerprint(folder: ModelFolder) -> str:
    """Names the quantized weights of exactly these files (their paths, sizes and times)."""
    import hashlib

    digest = hashlib.sha256()
    for file in folder.weight_files:
        stat = file.stat()
        digest.update(f"{file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def unload(loaded: LoadedModel | None) -> None:
    """Free a model's memory, on the accelerator too."""
    if loaded is None:
        return
    device = loaded.choice.device
    loaded.model = None
    loaded.tokenizer = None
    gc.collect()
    empty_accelerator_cache(device)


def free_memory(device: str) -> int:
    """Bytes free for a model on ``device`` now."""
    if device == "cuda":
        free, _ = torch.cuda.mem_get_info()
        return int(free)
    return int(psutil.virtual_memory().available)  # CPU, and Apple GPUs: system memory


def kv_bytes_per_token(config: Any, choice: DeviceChoice) -> int:
    """What one token of context adds to the KV cache (keys and values, every layer)."""
    from desktop_chat.core.context_budget import kv_bytes_per_token as per_token

    text = config.get_text_config() if hasattr(config, "get_text_config") else config
    heads = getattr(text, "num_attention_heads", 0) or 0
    head_dim = getattr(text, "head_dim", None) or (text.hidden_size // heads if heads else 0)
    kv_heads = getattr(text, "num_key_value_heads", None) or heads
    layers = getattr(text, "num_hidden_layers", 0) or 0
    # The cache is kept in the compute dtype (bfloat16 for an int4 model).
    value_bytes = torch.tensor([], dtype=choice.dtype).element_size()
    return per_token(layers, kv_heads, head_dim, value_bytes)


def check_memory(folder: ModelFolder, choice: DeviceChoice, context_limit: int = 0) -> None:
    """Refuse, before any weight is read, a model that will not fit: weights in the dtype
    transformers will hold (a GGUF file dequantized), the KV cache for the context and the
    runtime overhead, against the memory free on the device (engine/memory_estimate.py).
    The error names the ways out: a smaller context, a quantized build, the CPU."""
    from desktop_chat.engine import memory_estimate

    dtype = memory_estimate.INT4 if choice.quantization == INT4 else choice.dtype_name
    if folder.gguf_file:
        estimate = memory_estimate.estimate_gguf(
            folder.path / folder.gguf_file, engine="transformers", device=choice.device,
            dtype=dtype, context_limit=context_limit)
    else:
        try:
            estimate = memory_estimate.estimate_folder(folder.path, device=choice.device,
                                                       dtype=dtype, context_limit=context_limit)
        except (OSError, ValueError, KeyError, TypeError):
            return  # headers the estimate cannot read: the load itself will say what's wrong
    memory_estimate.refuse_if_too_big(estimate)


def _context_size(model: Any, tokenizer: Any) -> int:
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") \
        else model.config
    size = getattr(config, "max_position_embeddings", None)
    if not size:
        size = tokenizer.model_max_length if tokenizer.model_max_length < 10**7 else 2048
    return int(size)


def _model_defaults(folder: ModelFolder) -> dict[str, Any]:
    """Sampling values the model's authors set in generation_config.json."""
    path = folder.path / "generation_config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = ("temperature", "top_p", "top_k", "repetition_penalty", "do_sample")
    return {k: data[k] for k in keys if k in data}

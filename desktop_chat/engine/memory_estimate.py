"""How much memory a model will take, told before any weight is read, and whether it fits.

    needed = weights + overhead + max(KV cache + working buffers, load-time extra)

- weights: in the form the engine holds them. transformers converts every weight to the
  compute dtype (bfloat16/float16/float32; a GGUF file is dequantized to it), int4
  (torchao, CPU) keeps 4 bits + a bfloat16 scale and zero per group of 32 weights for the
  linear layers and the compute dtype for the rest; llama.cpp runs a GGUF file as it is
  (its size on disk). Read from the safetensors headers / GGUF tensor infos, or, for a
  model not downloaded yet, from config.json and the file sizes (``estimate_config``).
- KV cache: layers x KV heads x head dim x 2 (keys, values) x bytes per value x tokens, for
  the context the engine will use (``core.context_budget``: the settings' limit, else what
  fits in half the memory left, capped by the model's maximum and llama.cpp's 32,768).
  llama.cpp allocates it when it opens the file; transformers as the conversation grows.
- runtime overhead: measured by ``bench/memory_estimate.py`` (peak RSS after load minus
  RSS before): the libraries a load imports (torch and transformers counted only when this
  process has not imported them yet), the tokenizer, the allocator's slack.
- working buffers: scratch that generating touches but loading does not: llama.cpp's
  compute graph (logits for a batch, attention scores over the context).
- load-time extra: what exists only while loading: the file's mapped pages while
  transformers converts its dtype, int4's bfloat16 staging, and the float32 copy of every
  tensor through which transformers dequantizes a GGUF file.

Compared with the memory free on the device the engine will use: CUDA's free memory, the
Apple GPU's recommended working set, otherwise the system's available RAM (psutil).

Entry points, all cheap (headers only; torch is imported to ask a GPU), for the engine,
device and precision given: which ones the engines would choose is theirs to say, so the
estimate with the settings' "auto" lives above them (``model_survey.estimate_path``):
- ``estimate_folder`` / ``estimate_gguf``: a model folder, or a GGUF file run by
  llama.cpp or dequantized by transformers;
- ``estimate_config(config, weights_bytes, ...)``: a model not downloaded yet, from its
  config.json (a dict) and the size of its weight files (safetensors or one GGUF file).

Each returns a ``MemoryEstimate``: the parts, the total, ``fits``, and ``ways_out`` when it
does not (smaller context, a quantized variant, the CPU). ``refuse_if_too_big`` raises
the ModelLoadError the loaders raise; ``too_big_message`` and ``way_out_message`` are the
translatable sentences (core/user_message.py) for anyone showing an estimate.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from desktop_chat.core.context_budget import (
    MIN_CONTEXT,
    ROUND_TO,
    automatic_context,
)
from desktop_chat.core.inference import ENGINE_LLAMA_CPP, ENGINE_TRANSFORMERS
from desktop_chat.core.user_message import UserMessage, join, tr
from desktop_chat.engine import safetensors_header
from desktop_chat.engine.errors import ModelLoadError
from desktop_chat.engine.gguf_info import KV_BYTES_PER_VALUE, read_gguf_info

MiB = 2**20
MEMORY_SHARE = 0.9  # of the free memory a model may plan to use; the rest is for the system
LLAMA_CPP_MAX_CONTEXT = 32_768  # llama_cpp_engine.DEFAULT_MAX_CONTEXT (kept in step by a test)
LLAMA_CPP_BATCH = 512  # llama_cpp_engine's n_batch
DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2}
SAFETENSORS_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2,
                     "I8": 1, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}
INT4 = "int4"
INT4_GROUP = 32  # quantize.GROUP_SIZES
INT4_BYTES_PER_WEIGHT = 0.5 + 2 * 2 / INT4_GROUP  # 4 bits + bfloat16 scale and zero a group
Q4_K_M_BYTES_PER_WEIGHT = 0.60  # measured: 4.8 bits a weight over a whole Q4_K_M model

# Runtime overhead, measured by bench/memory_estimate.py on Linux x86-64 (CPU, transformers
# 5.24, torch 2.13, llama-cpp-python 0.3.36): RSS after load minus RSS before, less weights.
TORCH_IMPORT_BYTES = 200 * MiB  # when this process has not imported torch yet
TRANSFORMERS_IMPORT_BYTES = 30 * MiB  # likewise transformers
# What loading imports on the way (modeling code, torchao, safetensors), the tokenizer's
# fixed part and the allocator's slack: 140 MiB after loading tiny-r1 (0.4 MB of weights),
# transformers' own import included.
TRANSFORMERS_MODEL_BYTES = 110 * MiB
TOKENIZER_BYTES_PER_FILE_BYTE = 8  # a parsed tokenizer.json (SmolLM2: 3.5 MB -> +30 MiB)
CUDA_CONTEXT_BYTES = 300 * MiB  # cuBLAS workspaces and allocator slack on the GPU
LLAMA_CPP_IMPORT_BYTES = 40 * MiB  # libllama + ggml, when not loaded yet
LLAMA_CPP_MODEL_BYTES = 30 * MiB  # vocabulary, graph metadata


# ----- the result ----------------------------------------------------------------------------

WAY_SMALLER_CONTEXT = "smaller_context"  # detail: the largest context (tokens) that fits
WAY_QUANTIZED = "quantized"  # detail: "int4" (transformers on the CPU) or "Q4_K_M" (GGUF)
WAY_CPU = "cpu"  # detail: the bytes it would need there
WAY_SMALLER_MODEL = "smaller_model"  # nothing else fits: close programs or pick a smaller one


@dataclass(frozen=True)
class WayOut:
    kind: str  # WAY_*
    detail: int | str = 0  # tokens for WAY_SMALLER_CONTEXT, a precision, bytes for WAY_CPU


@dataclass(frozen=True)
class MemoryEstimate:
    engine: str  # ENGINE_TRANSFORMERS or ENGINE_LLAMA_CPP
    device: str  # "cuda", "mps", "metal" or "cpu"
    precision: str  # the weights as held: "bfloat16", "int4", "Q4_K_M", ...
    parameter_count: int
    weights_bytes: int
    context_tokens: int
    kv_cache_bytes: int  # for context_tokens
    kv_allocated_at_load: bool  # llama.cpp: yes; transformers: grows with the conversation
    overhead_bytes: int
    working_bytes: int  # touched while generating, not at load (llama.cpp's compute graph)
    load_extra_bytes: int  # only while loading (int4 staging, GGUF dequantization)
    free_bytes: int  # on the device, now; 0 when unknown
    context_reason: str = ""
    ways_out: tuple[WayOut, ...] = ()

    @property
    def total_bytes(self) -> int:
        running = self.kv_cache_bytes + self.working_bytes
        return self.weights_bytes + self.overhead_bytes + max(running, self.load_extra_bytes)

    @property
    def at_load_bytes(self) -> int:
        """What loading takes at its peak (what bench/memory_estimate.py measures)."""
        kv = self.kv_cache_bytes if self.kv_allocated_at_load else 0
        return self.weights_bytes + self.overhead_bytes + max(kv, self.load_extra_bytes)

    @property
    def fits(self) -> bool:
        return not self.free_bytes or self.total_bytes <= self.free_bytes * MEMORY_SHARE


DEVICE_WORDS = {"cpu": "computer", "cuda": "GPU", "mps": "Apple GPU", "metal": "Apple GPU"}


def gigabytes(size: int) -> str:
    return f"{size / 2**30:.1f}"


def too_big_message(estimate: MemoryEstimate) -> UserMessage:
    """What it needs against what is free, in one sentence."""
    return tr("This model needs about {needed} GB of memory ({precision}, {context} tokens of "
              "context), but only {free} GB is free on the {device}.",
              needed=gigabytes(estimate.total_bytes), precision=estimate.precision,
              context=f"{estimate.context_tokens:,}", free=gigabytes(estimate.free_bytes),
              device=tr(DEVICE_WORDS.get(estimate.device, "computer")))


def way_out_message(way: WayOut) -> UserMessage:
    if way.kind == WAY_SMALLER_CONTEXT:
        return tr("Set a context limit of {tokens} tokens or less in the settings.",
                  tokens=f"{int(way.detail):,}")
    if way.kind == WAY_QUANTIZED and way.detail == INT4:
        return tr("Choose int4 as the precision in the settings.")
    if way.kind == WAY_QUANTIZED:
        return tr("Open a quantized build of the model (a {type} GGUF file, run by "
                  "llama.cpp).", type=str(way.detail))
    if way.kind == WAY_CPU:
        return tr("Choose the CPU as the device in the settings (it needs about {needed} GB "
                  "of system memory).", needed=gigabytes(int(way.detail)))
    return tr("Close other programs, or choose a smaller model.")


def breakdown(estimate: MemoryEstimate) -> str:
    """The parts, for the details of an error (English: for the curious and bug reports)."""
    return (f"weights {gigabytes(estimate.weights_bytes)} GB ({estimate.precision}, "
            f"{estimate.parameter_count:,} parameters), KV cache "
            f"{gigabytes(estimate.kv_cache_bytes)} GB for {estimate.context_tokens:,} tokens, "
            f"runtime {gigabytes(estimate.overhead_bytes + estimate.working_bytes)} GB, "
            f"while loading {gigabytes(estimate.load_extra_bytes)} GB more; "
            f"free on {estimate.device}: {gigabytes(estimate.free_bytes)} GB "
            f"(a model may plan on {MEMORY_SHARE:.0%} of it)")


def refuse_if_too_big(estimate: MemoryEstimate) -> None:
    """Raise ModelLoadError naming the ways out when the estimate does not fit."""
    if estimate.fits:
        return
    ways = [way_out_message(way) for way in estimate.ways_out]
    raise ModelLoadError(join(too_big_message(estimate), *ways), breakdown(estimate))


# ----- the model's shape ---------------------------------------------------------------------

@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs to know about a model, from whichever source."""

    parameter_count: int
    linear_parameters: int  # in layers int4 would quantize (not embeddings, head, norms)
    kv_per_token_values: int  # layers x kv heads x (key dim + value dim)
    max_context: int
    vocab_size: int
    heads: int = 0  # attention heads (query)
    tokenizer_bytes: int = 0  # size of tokenizer.json, when known
    file_bytes: int = 0  # the weights as stored (safetensors), when known


def shape_from_config(config: dict[str, Any], parameter_count: int = 0,
                      linear_parameters: int = 0) -> ModelShape:
    """A model's shape from config.json; counts computed for a dense decoder when not given."""
    text = config.get("text_config") or config
    hidden = int(text.get("hidden_size") or text.get("n_embd") or 0)
    heads = int(text.get("num_attention_heads") or text.get("n_head") or 1)
    kv_heads = int(text.get("num_key_value_heads") or heads)
    head_dim = int(text.get("head_dim") or hidden // heads)
    layers = int(text.get("num_hidden_layers") or text.get("n_layer") or 0)
    vocab = int(text.get("vocab_size") or 0)
    if not parameter_count:
        parameter_count, linear_parameters = _dense_parameters(text, hidden, heads, kv_heads,
                                                               head_dim, layers, vocab)
    return ModelShape(
        parameter_count=parameter_count,
        linear_parameters=linear_parameters or parameter_count,
        kv_per_token_values=layers * kv_heads * head_dim * 2,
        max_context=int(text.get("max_position_embeddings") or 0),
        vocab_size=vocab, heads=heads,
    )


def _dense_parameters(text: dict[str, Any], hidden: int, heads: int, kv_heads: int,
                      head_dim: int, layers: int, vocab: int) -> tuple[int, int]:
    """Parameters of a Llama/Qwen-style decoder (attention, gated MLP, two norms a layer),
    and those in its linear layers."""
    intermediate = int(text.get("intermediate_size") or 4 * hidden)
    attention = hidden * heads * head_dim * 2 + hidden * kv_heads * head_dim * 2
    bias = (heads + 2 * kv_heads) * head_dim if (
        text.get("attention_bias") or text.get("model_type") == "qwen2") else 0
    mlp = 3 * hidden * intermediate
    linear = layers * (attention + mlp)
    embeddings = vocab * hidden * (1 if text.get("tie_word_embeddings") else 2)
    return linear + layers * (bias + 2 * hidden) + hidden + embeddings, linear


def shape_of_folder(folder: Path) -> ModelShape:
    """From config.json and the safetensors headers (exact counts) of a model folder."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    files = _weight_files(folder)
    total = linear = stored = 0
    for file in files:
        for name, shape, dtype in safetensors_tensors(file):
            count = _product(shape)
            total += count
            stored += count * SAFETENSORS_BYTES.get(dtype, 2)
            if _is_linear_weight(name, shape):
                linear += count
    tokenizer = folder / "tokenizer.json"
    return dataclasses.replace(
        shape_from_config(config, total, linear), file_bytes=stored,
        tokenizer_bytes=tokenizer.stat().st_size if tokenizer.exists() else 0)


def _weight_files(folder: Path) -> list[Path]:
    index = folder / "model.safetensors.index.json"
    if index.exists():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        return [folder / s for s in shards]
    return sorted(folder.glob("*.safetensors"))


def safetensors_tensors(file: Path) -> list[tuple[str, list[int], str]]:
    """Each tensor's name, shape and dtype, from the file's JSON header (ValueError when
    it is damaged)."""
    return safetensors_header.tensors(file)


def _is_linear_weight(name: str, shape: list[int]) -> bool:
    """What quantize.py turns into int4: 2-D weights but the embeddings and the LM head."""
    return len(shape) == 2 and name.endswith(".weight") and not any(
        part in name for part in ("embed", "lm_head", "wte", "wpe"))


def _product(shape: list[int]) -> int:
    count = 1
    for dim in shape:
        count *= dim
    return count


# ----- free memory ---------------------------------------------------------------------------

def free_memory(device: str) -> int:
    """Bytes free for a model on ``device`` now: CUDA's free memory, the Apple GPU's
    recommended working set less what Metal holds, else the system's available RAM."""
    system = int(psutil.virtual_memory().available)
    if device == "cuda" and _installed("torch"):
        import torch

        if torch.cuda.is_available():
            return int(torch.cuda.mem_get_info()[0])
    if device in ("mps", "metal") and _installed("torch"):
        import torch

        if torch.backends.mps.is_available():
            working_set = int(torch.mps.recommended_max_memory())
            return min(system, working_set - int(torch.mps.driver_allocated_memory()))
    return system


def _installed(module: str) -> bool:
    return module in sys.modules or importlib.util.find_spec(module) is not None


# ----- the estimates -------------------------------------------------------------------------

def estimate_folder(folder: Path, *, device: str = "cpu", dtype: str = "bfloat16",
                    context_limit: int = 0) -> MemoryEstimate:
    """A Hugging Face folder run by transformers in ``dtype`` (a DTYPE_BYTES name or int4)."""
    shape = shape_of_folder(Path(folder))
    return _estimate_transformers(shape, device, dtype, context_limit, gguf_bytes=0)


def estimate_gguf(file: Path, *, engine: str = ENGINE_LLAMA_CPP, device: str = "cpu",
                  dtype: str = "bfloat16", context_limit: int = 0) -> MemoryEstimate:
    """A GGUF file: as it is with llama.cpp, dequantized to ``dtype`` with transformers."""
    info = read_gguf_info(Path(file))
    per_token = info.block_count * info.head_count_kv * (info.key_length + info.value_length)
    shape = ModelShape(info.parameter_count, info.parameter_count, per_token,
                       info.context_length, info.vocab_size, info.head_count)
    if engine == ENGINE_LLAMA_CPP:
        return _estimate_llama_cpp(shape, info.file_size, info.file_type, device,
                                   context_limit)
    return _estimate_transformers(shape, device, dtype, context_limit,
                                  gguf_bytes=info.file_size)


def estimate_config(config: dict[str, Any], weights_bytes: int = 0, *,
                    engine: str = ENGINE_TRANSFORMERS, device: str = "cpu",
                    dtype: str = "bfloat16", gguf_type: str = "Q4_K_M",
                    context_limit: int = 0) -> MemoryEstimate:
    """A model not downloaded yet, from its config.json and the size of its weights.

    transformers: ``weights_bytes`` is the safetensors files' total (parameters are
    counted from it and the config's dtype; from the config's shape when 0). llama.cpp:
    ``weights_bytes`` is the GGUF file's size (estimated as ``gguf_type`` when 0)."""
    shape = shape_from_config(config)
    file_bytes = DTYPE_BYTES.get(str(config.get("torch_dtype") or config.get("dtype")), 2)
    if weights_bytes and engine == ENGINE_TRANSFORMERS:
        counted = weights_bytes // file_bytes
        share = shape.linear_parameters / max(shape.parameter_count, 1)
        shape = dataclasses.replace(shape, parameter_count=counted,
                                    linear_parameters=round(counted * share))
    if engine == ENGINE_LLAMA_CPP:
        size = weights_bytes or int(shape.parameter_count * Q4_K_M_BYTES_PER_WEIGHT)
        return _estimate_llama_cpp(shape, size, gguf_type, device, context_limit)
    return _estimate_transformers(shape, device, dtype, context_limit, gguf_bytes=0)


def _estimate_transformers(shape: ModelShape, device: str, dtype: str, context_limit: int,
                           gguf_bytes: int) -> MemoryEstimate:
    compute = "bfloat16" if dtype == INT4 else dtype
    value_bytes = DTYPE_BYTES.get(compute, 2)
    full = shape.parameter_count * value_bytes
    load_extra = 0
    if shape.file_bytes and shape.file_bytes != full:
        # Converting the file's dtype (bfloat16 to float32 on a CPU without native
        # bfloat16), the file's mapped pages are resident beside the converted copy.
        load_extra = shape.file_bytes
    if dtype == INT4:  # loaded in bfloat16, then the linear layers are packed
        packed = int(shape.linear_parameters * INT4_BYTES_PER_WEIGHT)
        weights = full - shape.linear_parameters * value_bytes + packed
        load_extra = max(load_extra, full - weights)
    else:
        weights = full
    if gguf_bytes:  # transformers dequantizes every tensor through float32 first
        load_extra = max(load_extra, shape.parameter_count * 4)
    overhead = _transformers_overhead(shape, device)
    per_token = shape.kv_per_token_values * value_bytes
    free = free_memory(device)
    context, reason = _context(per_token, free - weights - overhead, shape.max_context,
                               context_limit, engine_cap=0)
    estimate = MemoryEstimate(
        engine=ENGINE_TRANSFORMERS, device=device, precision=dtype,
        parameter_count=shape.parameter_count, weights_bytes=weights,
        context_tokens=context, kv_cache_bytes=per_token * context,
        kv_allocated_at_load=False, overhead_bytes=overhead, working_bytes=0,
        load_extra_bytes=load_extra, free_bytes=free, context_reason=reason)
    return _with_ways_out(estimate, shape, per_token)


def _estimate_llama_cpp(shape: ModelShape, file_size: int, file_type: str, device: str,
                        context_limit: int) -> MemoryEstimate:
    per_token = shape.kv_per_token_values * KV_BYTES_PER_VALUE
    overhead = _llama_cpp_overhead(shape)
    free = free_memory(device)
    # llama_cpp_engine sizes its automatic context from the RAM left after the file.
    context, reason = _context(per_token, free - file_size, shape.max_context or
                               LLAMA_CPP_MAX_CONTEXT, context_limit,
                               engine_cap=LLAMA_CPP_MAX_CONTEXT)
    estimate = MemoryEstimate(
        engine=ENGINE_LLAMA_CPP, device=device, precision=file_type,
        parameter_count=shape.parameter_count, weights_bytes=file_size,
        context_tokens=context, kv_cache_bytes=per_token * context,
        kv_allocated_at_load=True, overhead_bytes=overhead,
        working_bytes=_llama_cpp_compute_bytes(shape, context), load_extra_bytes=0,
        free_bytes=free, context_reason=reason)
    return _with_ways_out(estimate, shape, per_token)


def _context(per_token: int, free_after_weights: int, model_max: int, limit: int,
             engine_cap: int) -> tuple[int, str]:
    from desktop_chat.core.context_budget import chosen_context

    model_max = model_max or LLAMA_CPP_MAX_CONTEXT
    if limit:
        budget = chosen_context(limit, model_max)
    else:
        budget = automatic_context(per_token, max(free_after_weights, 0), model_max,
                                   engine_cap)
    return budget.tokens, budget.reason


def _transformers_overhead(shape: ModelShape, device: str) -> int:
    overhead = TRANSFORMERS_MODEL_BYTES + shape.tokenizer_bytes * TOKENIZER_BYTES_PER_FILE_BYTE
    if device == "cuda":
        return overhead + CUDA_CONTEXT_BYTES  # the libraries live in system RAM
    if "torch" not in sys.modules:
        overhead += TORCH_IMPORT_BYTES
    if "transformers" not in sys.modules:
        overhead += TRANSFORMERS_IMPORT_BYTES
    return overhead


def _llama_cpp_overhead(shape: ModelShape) -> int:
    overhead = LLAMA_CPP_MODEL_BYTES
    if "llama_cpp" not in sys.modules:
        overhead += LLAMA_CPP_IMPORT_BYTES
    return overhead


def _llama_cpp_compute_bytes(shape: ModelShape, context: int) -> int:
    """The compute buffer llama.cpp reserves (without flash attention): float32 logits for
    a batch, and attention scores of a batch over the context. Allocated at load but touched
    only by long prompts. Measured on SmolLM2: 99 MiB at 2,048 tokens, 166 MiB at 8,192;
    this gives 119 and 176."""
    return LLAMA_CPP_BATCH * 4 * (shape.vocab_size + context * max(shape.heads, 1) // 2)


# ----- ways out ------------------------------------------------------------------------------

def _with_ways_out(estimate: MemoryEstimate, shape: ModelShape,
                   per_token: int) -> MemoryEstimate:
    if estimate.fits:
        return estimate
    budget = int(estimate.free_bytes * MEMORY_SHARE)
    ways: list[WayOut] = []
    room = budget - estimate.weights_bytes - estimate.overhead_bytes
    fitting = room // max(per_token, 1) // ROUND_TO * ROUND_TO
    if fitting >= MIN_CONTEXT and estimate.load_extra_bytes <= room:
        ways.append(WayOut(WAY_SMALLER_CONTEXT, int(min(fitting, estimate.context_tokens))))
    minimal_kv = per_token * MIN_CONTEXT
    if estimate.engine == ENGINE_TRANSFORMERS or estimate.precision in ("F32", "F16", "BF16"):
        quantized = int(shape.parameter_count * Q4_K_M_BYTES_PER_WEIGHT)
        if quantized + estimate.overhead_bytes + minimal_kv <= budget:
            ways.append(WayOut(WAY_QUANTIZED, "Q4_K_M"))
        # int4 loads in bfloat16 first, so it helps only where bfloat16 fits.
        if (estimate.engine == ENGINE_TRANSFORMERS and estimate.device == "cpu"
                and estimate.precision == "float32"
                and 2 * shape.parameter_count + estimate.overhead_bytes <= budget):
            ways.append(WayOut(WAY_QUANTIZED, INT4))
    if estimate.device != "cpu":
        system = int(psutil.virtual_memory().available)
        needed = estimate.total_bytes - estimate.kv_cache_bytes + minimal_kv
        if needed <= system * MEMORY_SHARE:
            ways.append(WayOut(WAY_CPU, needed))
    ways.append(WayOut(WAY_SMALLER_MODEL))
    return _replace(estimate, ways_out=tuple(ways))


def _replace(estimate: MemoryEstimate, **changes: Any) -> MemoryEstimate:
    return dataclasses.replace(estimate, **changes)


def memory_in_use() -> int:
    """This process's resident memory plus what PyTorch holds on a CUDA GPU: the worker
    compares it before and after a load (Model Info's measured memory). llama.cpp's GPU
    buffers are not seen here."""
    used = int(psutil.Process().memory_info().rss)
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        used += int(torch.cuda.memory_reserved())
    return used

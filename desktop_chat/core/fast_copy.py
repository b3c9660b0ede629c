"""The fast copy of a model folder: whether to offer one, in which quantization, how big.

A model folder opened with transformers on a CPU (or on Apple Silicon, through MPS) runs far
slower than llama.cpp does on the same weights (issue 25: 0.14 to 0.3 of its speed). The
app then offers to convert the folder once into a GGUF file in the cache dir
(``engine/fast_copy``), which llama.cpp runs. This module holds the decisions, in pure
Python, so the ui can make the offer: which models, which quantization, what it will take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_chat.core.inference import ENGINE_TRANSFORMERS, ModelInfo
from desktop_chat.core.user_message import UserMessage, tr

# The architectures engine/fast_copy/gguf_convert.py writes (config.json "architectures").
SUPPORTED_ARCHITECTURES = ("Qwen2ForCausalLM", "LlamaForCausalLM")
# Devices on which llama.cpp is much faster than transformers: the CPU, and Apple Silicon
# (llama.cpp's Metal kernels against torch's MPS).
SLOW_DEVICES = ("cpu", "mps")

# Quality before speed, measured by bench/fast_copy_quality.py (perplexity on a fixed text,
# as a ratio to the original's in transformers float32). SmolLM2-135M: F16 1.000, Q8_0 1.010,
# Q4_K_M 1.059 (top-1 agreement 0.996, 0.947, 0.875): a small model keeps 8 bits, within 2%
# at half F16's size. From 1B up Q4_K_M (issue 25 measured it on the 1.5B R1 distill).
SMALL_MODEL_PARAMETERS = 1_000_000_000
SMALL_MODEL_QUANTIZATION = "Q8_0"
LARGE_MODEL_QUANTIZATION = "Q4_K_M"
# Bits per weight of the written file, embeddings and norms included (Q4_K_M keeps some
# matrices at Q6_K: DeepSeek-R1-Distill-Qwen-1.5B's file is 1.12 GB for 1.78 B weights).
BITS_PER_WEIGHT = {"Q4_K_M": 5.0, "Q8_0": 8.5, "F16": 16.0}
# Weights converted per second, measured on a busy 2-core EPYC (bench/
# fast_copy_quality.py prints it): reading, converting, quantizing and writing together.
WEIGHTS_PER_SECOND = 20_000_000


def quantization_for(parameter_count: int) -> str:
    """The quantization the fast copy of a model this size gets."""
    if parameter_count and parameter_count < SMALL_MODEL_PARAMETERS:
        return SMALL_MODEL_QUANTIZATION
    return LARGE_MODEL_QUANTIZATION


@dataclass(frozen=True)
class FastCopyOffer:
    """What the user is asked about one model folder."""

    folder: str
    name: str  # the folder's name, for the question
    quantization: str  # "Q4_K_M", "Q8_0", ...
    size_bytes: int  # about
    minutes: int  # about, at least 1
    unsupported: UserMessage | None = None  # why no copy can be made: then none is offered


def offer_for(info: ModelInfo) -> FastCopyOffer | None:
    """The offer for a model just opened, or None when a copy would not help (another
    engine, a GPU, a server)."""
    if info.engine != ENGINE_TRANSFORMERS or info.device not in SLOW_DEVICES:
        return None
    if info.source.is_server:
        return None
    folder = info.source.location
    quantization = quantization_for(info.parameter_count)
    unsupported = None
    if info.architecture not in SUPPORTED_ARCHITECTURES:
        unsupported = tr("A fast copy cannot be made of this model: llama.cpp's converter in "
                         "this app does not know its architecture ({architecture}). It keeps "
                         "running on transformers.",
                         architecture=info.architecture or "?")
    return FastCopyOffer(folder, info.name, quantization,
                         size_bytes=int(info.parameter_count * BITS_PER_WEIGHT[quantization] / 8),
                         minutes=max(1, math.ceil(info.parameter_count / WEIGHTS_PER_SECOND / 60)),
                         unsupported=unsupported)


def copy_precision(quantization: str, folder_name: str) -> UserMessage:
    """What Model Info and the status bar say a fast copy runs in."""
    return tr("{quantization} copy of {folder}", quantization=quantization, folder=folder_name)

"""What the Models page and the model picker show about a model on disk, before it is
opened: format, size, parameters, context length, and whether it fits in memory now.

Read by ``engine/model_survey.py`` on a pool thread (through the worker, which hands it to
the ui); plain data, so the ui reads it without knowing any engine.
"""

from __future__ import annotations

from dataclasses import dataclass

KIND_FOLDER = "folder"  # a Hugging Face model folder (transformers)
KIND_GGUF = "gguf"  # a .gguf file, or a folder holding one (llama.cpp)
KIND_SERVER = "server"  # nothing on disk to describe


@dataclass(frozen=True)
class ModelFacts:
    entry: str  # the model source string (as in Recent Models)
    kind: str  # KIND_*
    model_format: str = ""  # "safetensors (bf16)", "GGUF Q4_K_M", "PyTorch .bin"
    architecture: str = ""  # "Qwen2ForCausalLM", "llama", ...
    parameter_count: int = 0
    context_length: int = 0  # the model's maximum
    size_bytes: int = 0  # on disk
    needed_bytes: int = 0  # the memory estimate with the current settings; 0 if unknown
    free_bytes: int = 0  # on the device the engine would use
    fits: bool = True
    engine: str = ""  # which engine would run it
    ways_out: tuple[str, ...] = ()  # sentences (UserMessages) when it does not fit
    problem: str = ""  # why it cannot be described (missing, damaged); a UserMessage

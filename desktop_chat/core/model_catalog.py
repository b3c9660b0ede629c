"""The short list of models the "Get a Model" dialog offers, each in two builds: the full
safetensors folder (transformers; the choice with a GPU) and one GGUF Q4_K_M file from a
well-known GGUF repository (llama.cpp; the choice on a CPU: several times the decode speed
of bfloat16 transformers, in half the memory).

Sizes are what the Hub listed when this was written; the dialog refreshes them from the
Hub's API when it can reach it. The config shapes let the memory estimate work before
anything is downloaded (engine/memory_estimate.py's ``estimate_config``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_chat.core.user_message import tr

FORMAT_SAFETENSORS = "safetensors"  # engine/hub_download.py uses the same names
FORMAT_GGUF = "gguf"

_QWEN2_1_5B = {"model_type": "qwen2", "hidden_size": 1536, "intermediate_size": 8960,
               "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2,
               "vocab_size": 151936, "torch_dtype": "bfloat16"}


@dataclass(frozen=True)
class CatalogModel:
    title: str
    repo_id: str  # the safetensors folder
    gguf_repo: str
    gguf_file: str  # its Q4_K_M build
    safetensors_bytes: int
    gguf_bytes: int
    note: str  # a translatable template (core/user_message.py)
    config: dict[str, Any]

    def repo_for(self, model_format: str) -> str:
        return self.gguf_repo if model_format == FORMAT_GGUF else self.repo_id

    def size_for(self, model_format: str) -> int:
        return self.gguf_bytes if model_format == FORMAT_GGUF else self.safetensors_bytes


CATALOG: tuple[CatalogModel, ...] = (
    CatalogModel(
        "DeepSeek-R1-Distill-Qwen-1.5B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
        "bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF",
        "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf", 3_554_214_752, 1_117_320_736,
        tr("Thinks before it answers; small enough for any recent computer."),
        {**_QWEN2_1_5B, "max_position_embeddings": 131072, "tie_word_embeddings": False}),
    CatalogModel(
        "DeepSeek-R1-Distill-Qwen-7B", "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
        "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF",
        "DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf", 15_231_233_024, 4_683_073_184,
        tr("Thinks before it answers; better answers, needs more memory and time."),
        {"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944,
         "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4,
         "vocab_size": 152064, "torch_dtype": "bfloat16",
         "max_position_embeddings": 131072, "tie_word_embeddings": False}),
    CatalogModel(
        "Qwen2.5-1.5B-Instruct", "Qwen/Qwen2.5-1.5B-Instruct",
        "bartowski/Qwen2.5-1.5B-Instruct-GGUF", "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf",
        3_087_467_144, 986_048_480,
        tr("Answers at once, without thinking first; quick on any computer."),
        {**_QWEN2_1_5B, "max_position_embeddings": 32768, "tie_word_embeddings": True}),
)

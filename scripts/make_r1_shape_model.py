"""Write a random-weight model of DeepSeek-R1-Distill-Qwen-1.5B's exact shape, for benchmarks.

    .venv/bin/python scripts/make_r1_shape_model.py OUT_DIR [--seed 0]

A Qwen2ForCausalLM folder (bf16 safetensors, about 3.5 GB): hidden 1536, intermediate 8960,
28 layers, 12 heads, 2 KV heads, vocabulary 151936, untied output head, like the real model,
so its speed is the real model's. Its text is noise: tokenizer, chat template and special
ids are tests/fixtures/tiny-r1's, whose few hundred tokens leave most embedding rows unused
(as Qwen's 151936 rows already exceed its tokenizer). Nothing is downloaded. The weights are
generated and written one tensor at a time, so memory stays near one tensor (about 1 GB).
"""

from __future__ import annotations

import argparse
import json
import shutil
import struct
from pathlib import Path

import torch

TINY_R1 = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "tiny-r1"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja",
                   "generation_config.json")
HIDDEN, INTERMEDIATE, LAYERS, HEADS, KV_HEADS, VOCAB = 1536, 8960, 28, 12, 2, 151936


def config() -> dict:
    """config.json: R1-Distill-Qwen-1.5B's, with tiny-r1's special token ids."""
    tiny = json.loads((TINY_R1 / "config.json").read_text(encoding="utf-8"))
    return {
        "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "dtype": "bfloat16",
        "hidden_act": "silu", "hidden_size": HIDDEN, "intermediate_size": INTERMEDIATE,
        "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
        "num_key_value_heads": KV_HEADS, "vocab_size": VOCAB,
        "max_position_embeddings": 131072, "rms_norm_eps": 1e-6,
        "rope_parameters": {"rope_theta": 10000.0, "rope_type": "default"},
        "tie_word_embeddings": False, "use_sliding_window": False, "sliding_window": None,
        "max_window_layers": 21, "attention_dropout": 0.0, "initializer_range": 0.02,
        "use_cache": True, "bos_token_id": tiny["bos_token_id"],
        "eos_token_id": tiny["eos_token_id"], "pad_token_id": tiny["pad_token_id"],
    }


def shapes() -> dict[str, tuple[int, ...]]:
    head_dim = HIDDEN // HEADS
    kv = KV_HEADS * head_dim
    out = {"model.embed_tokens.weight": (VOCAB, HIDDEN)}
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        out |= {
            p + "input_layernorm.weight": (HIDDEN,),
            p + "self_attn.q_proj.weight": (HIDDEN, HIDDEN), p + "self_attn.q_proj.bias": (HIDDEN,),
            p + "self_attn.k_proj.weight": (kv, HIDDEN), p + "self_attn.k_proj.bias": (kv,),
            p + "self_attn.v_proj.weight": (kv, HIDDEN), p + "self_attn.v_proj.bias": (kv,),
            p + "self_attn.o_proj.weight": (HIDDEN, HIDDEN),
            p + "post_attention_layernorm.weight": (HIDDEN,),
            p + "mlp.gate_proj.weight": (INTERMEDIATE, HIDDEN),
            p + "mlp.up_proj.weight": (INTERMEDIATE, HIDDEN),
            p + "mlp.down_proj.weight": (HIDDEN, INTERMEDIATE),
        }
    return out | {"model.norm.weight": (HIDDEN,), "lm_head.weight": (VOCAB, HIDDEN)}


def make(out: Path, seed: int = 0) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    for name in TOKENIZER_FILES:
        shutil.copy(TINY_R1 / name, out / name)
    (out / "config.json").write_text(json.dumps(config(), indent=2) + "\n", encoding="utf-8")
    # safetensors' own save_file wants every tensor in memory at once (and copies them), so
    # the file is written by hand: JSON header of dtypes/shapes/offsets, then raw data.
    tensors = shapes()
    header, offset = {}, 0
    for name, shape in tensors.items():
        size = 2 * torch.Size(shape).numel()
        header[name] = {"dtype": "BF16", "shape": list(shape),
                        "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {"format": "pt"}
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)  # data starts 8-byte aligned
    generator = torch.Generator().manual_seed(seed)
    with open(out / "model.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob)
        for name, shape in tensors.items():
            if name.endswith("norm.weight"):
                t = torch.ones(shape)  # RMSNorm gains of a freshly initialised model
            else:  # std 0.02 (initializer_range); biases too, so attention is not uniform
                t = torch.randn(shape, generator=generator).mul_(0.02)
            t.to(torch.bfloat16).view(torch.int16).numpy().tofile(f)
            del t
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    print(make(arguments.out, arguments.seed))

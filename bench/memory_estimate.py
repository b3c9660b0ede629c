"""The memory estimate against what a load really takes.

    .venv/bin/python bench/memory_estimate.py [--gguf-dir DIR]

Each model loads in a fresh process, as the app's worker does: the engine registry is
imported, the estimate made (``engine.model_survey.estimate_path``, with the app's
default settings), the RSS taken as the baseline (what "free memory now" already
excludes), then the model planned, checked and loaded through the engine registry. Printed:
the estimate of what loading takes (weights + overhead + the KV cache where the engine
allocates it at load, or the load-time extra), the measured peak RSS after load minus the
baseline, and the difference. Target: within 15% for the tiny model, SmolLM2 safetensors
and SmolLM2 GGUF. The 1.5B and 7B shapes are estimated from their config alone (no
weights). The GGUF files are made with scripts/hf_to_gguf.py (f16) into --gguf-dir.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TINY_R1 = ROOT / "tests" / "fixtures" / "tiny-r1"
R1_1_5B_CONFIG = ROOT / "tests" / "fixtures" / "r1-distill-qwen-1.5b" / "config.json"
# Qwen2.5-Math-7B's shape, as DeepSeek-R1-Distill-Qwen-7B has it.
R1_7B_CONFIG = {"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944,
                "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4,
                "vocab_size": 152064, "max_position_embeddings": 131072,
                "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
MiB = 2**20


def measure(path: str) -> dict:
    """In this (fresh) process: estimate, then load and measure. Returns the figures."""
    import threading

    import psutil

    from desktop_chat.core.inference import LoadRequest
    from desktop_chat.engine import registry
    from desktop_chat.engine.model_survey import estimate_path

    estimate = estimate_path(path)
    process = psutil.Process()
    baseline = process.memory_info().rss
    plan = registry.plan_load(LoadRequest.for_path(path))
    plan.check_fits()
    engine = plan.load(lambda fraction, what: None, threading.Event())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    after = process.memory_info().rss
    return {"engine": estimate.engine, "precision": estimate.precision,
            "context": estimate.context_tokens, "estimate": estimate.at_load_bytes,
            "total": estimate.total_bytes, "weights": estimate.weights_bytes,
            "overhead": estimate.overhead_bytes, "kv": estimate.kv_cache_bytes,
            "peak": peak - baseline, "after": after - baseline,
            "info_memory": engine.info.memory_bytes}


def measure_in_child(path: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", str(path)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"measuring {path} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def config_only(name: str, config: dict) -> None:
    from desktop_chat.core.inference import ENGINE_LLAMA_CPP
    from desktop_chat.engine.memory_estimate import estimate_config

    for engine, dtype in (("transformers", "bfloat16"), (ENGINE_LLAMA_CPP, "Q4_K_M")):
        estimate = estimate_config(config, engine=engine, dtype=dtype, device="cpu")
        print(f"{name:<22} {engine:<12} {estimate.precision:<9} "
              f"params {estimate.parameter_count / 1e9:5.2f} B  weights "
              f"{estimate.weights_bytes / 2**30:5.2f} GB  KV {estimate.context_tokens:>7,} "
              f"tokens {estimate.kv_cache_bytes / 2**30:5.2f} GB  total "
              f"{estimate.total_bytes / 2**30:5.2f} GB  fits here: {estimate.fits}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--gguf-dir", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    from desktop_chat.core.paths import demo_model_dir

    sys.path.insert(0, str(ROOT / "scripts"))
    from hf_to_gguf import convert

    demo = demo_model_dir()
    gguf_dir = args.gguf_dir or Path(tempfile.mkdtemp(prefix="memory-estimate-"))
    smol_gguf = gguf_dir / "SmolLM2-135M-f16.gguf"
    if not smol_gguf.exists():
        convert(demo, smol_gguf, "f16")
    print(f"{'model':<22} {'engine':<12} {'precision':<16} {'context':>7}  "
          f"{'estimate':>9} {'measured':>9} {'off':>6}   (MiB; measured: peak RSS after "
          f"load minus RSS before)")
    for name, path in (("tiny-r1 (safetensors)", TINY_R1), ("SmolLM2 (safetensors)", demo),
                       ("SmolLM2 (GGUF f16)", smol_gguf)):
        figures = measure_in_child(path)
        off = figures["estimate"] / figures["peak"] - 1
        print(f"{name:<22} {figures['engine']:<12} {figures['precision']:<16} "
              f"{figures['context']:>7,}  {figures['estimate'] / MiB:9.1f} "
              f"{figures['peak'] / MiB:9.1f} {off:+6.0%}   (weights "
              f"{figures['weights'] / MiB:.1f}, overhead {figures['overhead'] / MiB:.1f}, "
              f"KV {figures['kv'] / MiB:.1f}; RSS after load {figures['after'] / MiB:.1f}; "
              f"Model Info says {figures['info_memory'] / MiB:.1f})")
    print()
    config_only("R1-Distill-Qwen-1.5B", json.loads(R1_1_5B_CONFIG.read_text()))
    config_only("R1-Distill-Qwen-7B", R1_7B_CONFIG)


if __name__ == "__main__":
    main()

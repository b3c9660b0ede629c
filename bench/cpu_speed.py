"""Each CPU path's decode speed and time to first token, as ratios to llama.cpp Q4_K_M on
the same weights, and how closely the quantized paths follow the unquantized model.

    python dev.py bench cpu_speed [--models smollm2,r1] [--tokens 128] [--runs 2]

Models: SmolLM2-135M-Instruct (the demo model: real weights) and a random-weight model of
DeepSeek-R1-Distill-Qwen-1.5B's exact shape (scripts/make_r1_shape_model.py, 3.5 GB, made
once in the cache dir with its GGUF files; the first run takes ~10 minutes more).
Every path runs through the app's own engine (what users get): transformers in float32,
bfloat16 and int4 (torchao), and llama.cpp on GGUF files made by scripts/hf_to_gguf.py
from the same weights (F16 and Q4_K_M). The reference is llama-cpp-python driven
directly on the Q4_K_M file, in this process (OMP_WAIT_POLICY=PASSIVE, as the app runs)
and in a child process with llama.cpp's default busy-waiting threads.

Figures: decode tokens/s (greedy, best of --runs) and TTFT for a ~60-token prompt;
targets: the fastest app path >= 0.9 of the reference's decode, int4 >= 2.5x bfloat16;
the share of the first 64 greedy tokens of 5 prompts that each quantized path gets the
same as bfloat16 on SmolLM2 (tokens up to the first difference).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as desktop_chat.app sets it
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.inference import GenerationRequest, LoadRequest  # noqa: E402
from desktop_chat.core.model_source import ModelSource  # noqa: E402
from desktop_chat.core.paths import AppPaths, demo_model_dir  # noqa: E402
from desktop_chat.core.settings import GenerationSettings  # noqa: E402

PROMPT = ("Write a long, detailed story about a lighthouse keeper who finds a message in a "
          "bottle, and describe the sea, the weather and the town around the lighthouse.")
QUALITY_PROMPTS = [
    "What is the capital of France?",
    "Explain why the sky is blue in two sentences.",
    "Write a Python function that reverses a string.",
    "List three fruits that are red.",
    "Summarise the water cycle for a child.",
]
QUALITY_TOKENS = 64
TRANSFORMERS_PATHS = {"transformers float32": "float32", "transformers bfloat16": "bfloat16",
                      "transformers int4": "int4"}


def open_engine(path: Path, dtype: str = "auto"):
    from desktop_chat.engine.registry import plan_load

    plan = plan_load(LoadRequest(ModelSource.local(path), device="cpu", dtype=dtype),
                     AppPaths.resolve().cache_dir)
    plan.check_fits()
    return plan.load(lambda fraction, what: None, threading.Event())


def generate(engine, text: str, tokens: int):
    events: list = []
    settings = GenerationSettings(do_sample=False, max_new_tokens=tokens)
    engine.generate(GenerationRequest((Message(role="user", content=text),), settings),
                    threading.Event(), events.append)
    return events[-1].result


def speed(engine, tokens: int, runs: int) -> tuple[float, float, int]:
    """Best decode tokens/s and TTFT over ``runs`` (a busy machine only ever slows a run)."""
    rates, ttfts, counts = [], [], []
    for _ in range(runs):
        if hasattr(engine, "_drop_cache"):
            engine._drop_cache()  # transformers: read the prompt again, as llama.cpp does
        elif hasattr(engine, "llm"):
            engine.llm.reset()
        stats = generate(engine, PROMPT, tokens).stats
        rates.append(stats.decode_tokens_per_s)
        ttfts.append(stats.time_to_first_token_s)
        counts.append(stats.reasoning_tokens + stats.answer_tokens)
    return max(rates), min(ttfts), max(counts)


REFERENCE = """
import sys, time, json, os
from llama_cpp import Llama
path, tokens, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
llm = Llama(model_path=path, n_ctx=2048, n_threads=threads, n_threads_batch=threads,
            verbose=False)
ids = llm.tokenize(sys.argv[4].encode(), add_bos=False, special=True)
best = (0.0, 1e9)
for _ in range(int(sys.argv[5])):
    llm.reset()
    start = time.perf_counter(); n = 0
    for token in llm.generate(ids, temp=0.0, top_k=1):
        n += 1
        if n == 1:
            first = time.perf_counter()
        if n > tokens:
            break
    rate = tokens / (time.perf_counter() - first)
    best = (max(best[0], rate), min(best[1], first - start))
print(json.dumps({"rate": best[0], "ttft": best[1],
                  "policy": os.environ.get("OMP_WAIT_POLICY", "default (busy-wait)")}))
"""


def reference(gguf: Path, prompt_text: str, tokens: int, runs: int,
              policy: str | None) -> dict:
    """llama-cpp-python on its own, in a child process (OpenMP reads its policy at start)."""
    import psutil

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if policy:
        env["OMP_WAIT_POLICY"] = policy
    threads = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    out = subprocess.run([sys.executable, "-c", REFERENCE, str(gguf), str(tokens),
                          str(threads), prompt_text, str(runs)],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ggufs(model: Path, folder: Path) -> dict[str, Path]:
    """F16 and Q4_K_M GGUF files of ``model`` (made once)."""
    from hf_to_gguf import convert, quantize_gguf

    folder.mkdir(parents=True, exist_ok=True)
    f16, q4 = folder / f"{model.name}-F16.gguf", folder / f"{model.name}-Q4_K_M.gguf"
    if not f16.exists():
        print(f"  converting {model.name} to GGUF (once)...", flush=True)
        convert(model, f16, "f16")
    if not q4.exists():
        print(f"  quantizing {model.name} to Q4_K_M (once)...", flush=True)
        quantize_gguf(f16, q4, "Q4_K_M")
    return {"llama.cpp F16": f16, "llama.cpp Q4_K_M": q4}


def r1_shape_model(cache: Path) -> Path:
    folder = cache / "bench" / "r1-shape"
    if not (folder / "config.json").exists():
        print("  writing the random R1-Distill-1.5B-shape model (once, 3.5 GB)...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_r1_shape_model.py"),
                        str(folder)], check=True)
    return folder


def rendered_prompt(engine) -> str:
    messages = [{"role": "user", "content": PROMPT}]
    return engine.template.render(messages, True)


def measure(name: str, model: Path, gguf_dir: Path, tokens: int, runs: int,
            quality: bool) -> None:
    print(f"\n{name} ({model})", flush=True)
    files = ggufs(model, gguf_dir)
    rows: dict[str, tuple[float, float, int]] = {}
    answers: dict[str, list[str]] = {}
    prompt_text = ""
    for path_name, target in [*TRANSFORMERS_PATHS.items(), *files.items()]:
        engine = open_engine(target if isinstance(target, Path) else model,
                             "auto" if isinstance(target, Path) else target)
        prompt_text = prompt_text or rendered_prompt(engine)
        rows[path_name] = speed(engine, tokens, runs)
        if quality:
            answers[path_name] = [generate(engine, p, QUALITY_TOKENS).answer
                                  for p in QUALITY_PROMPTS]
        print(f"  {path_name:24s} {rows[path_name][0]:7.2f} tok/s  TTFT "
              f"{rows[path_name][1]:6.2f} s  ({rows[path_name][2]} tokens)", flush=True)
        engine.close()
        del engine
        gc.collect()
    passive = reference(files["llama.cpp Q4_K_M"], prompt_text, tokens, runs, "PASSIVE")
    active = reference(files["llama.cpp Q4_K_M"], prompt_text, tokens, runs, None)
    base = passive["rate"]
    print(f"  reference llama-cpp-python Q4_K_M: {base:.2f} tok/s, TTFT "
          f"{passive['ttft']:.2f} s (PASSIVE); busy-waiting threads: {active['rate']:.2f} "
          f"tok/s, TTFT {active['ttft']:.2f} s")
    for path_name, (rate, ttft, _) in rows.items():
        print(f"    {path_name:24s} decode {rate / base:5.2f}x  TTFT "
              f"{ttft / passive['ttft']:5.2f}x the reference")
    fastest = max(rows, key=lambda k: rows[k][0])
    print(f"  fastest app path: {fastest}, {rows[fastest][0] / base:.2f} of the reference "
          f"(target >= 0.9)")
    print(f"  int4 over bfloat16 decode: "
          f"{rows['transformers int4'][0] / rows['transformers bfloat16'][0]:.2f}x "
          f"(target >= 2.5); over float32: "
          f"{rows['transformers int4'][0] / rows['transformers float32'][0]:.2f}x")
    if quality:
        print_quality(model, answers)


def print_quality(model: Path, answers: dict[str, list[str]]) -> None:
    """Greedy agreement with bfloat16 (the target's reference) and with float32 (the
    highest precision: bfloat16 differs from it as much as the quantized paths may)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model)

    def ids(answer: str) -> list[int]:
        return tokenizer(answer, add_special_tokens=False).input_ids[:QUALITY_TOKENS]

    for reference in ("transformers bfloat16", "transformers float32"):
        expected = [ids(a) for a in answers[reference]]
        for path_name in ("transformers int4", "llama.cpp Q4_K_M", "llama.cpp F16",
                          "transformers float32", "transformers bfloat16"):
            if path_name == reference:
                continue
            shares = []
            for want, answer in zip(expected, answers[path_name], strict=True):
                got = ids(answer)
                same = next((i for i, (a, b) in enumerate(zip(want, got, strict=False))
                             if a != b), min(len(want), len(got)))
                shares.append(same / max(1, len(want)))
            print(f"  same greedy tokens as {reference.split()[-1]} (first {QUALITY_TOKENS}, "
                  f"5 prompts), {path_name}: {sum(shares) / len(shares):.2f} "
                  f"({', '.join(f'{s:.2f}' for s in shares)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="smollm2,r1")
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    cache = AppPaths.resolve().cache_dir
    started = time.monotonic()
    if "smollm2" in args.models:
        measure("SmolLM2-135M-Instruct", demo_model_dir(), cache / "bench" / "gguf",
                args.tokens, args.runs, quality=True)
    if "r1" in args.models:
        measure("random DeepSeek-R1-Distill-Qwen-1.5B shape", r1_shape_model(cache),
                cache / "bench" / "gguf", args.tokens, args.runs, quality=False)
    print(f"\n{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

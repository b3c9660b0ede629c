"""Each CPU path's decode speed, time to first token and long-prompt prefill, as ratios to
llama.cpp on the same Q4_K_M file as its users run it, on an idle machine and with another
busy process on every core; and how closely the quantized paths follow the unquantized model.

    python dev.py bench cpu_speed [--models smollm2,r1] [--tokens 128] [--runs 2]
                                  [--no-contention] [--no-prefill]

Models: SmolLM2-135M-Instruct (the demo model: real weights) and a random-weight model of
DeepSeek-R1-Distill-Qwen-1.5B's exact shape (scripts/make_r1_shape_model.py, 3.5 GB, made
once in the cache dir with its GGUF files; the first run takes ~10 minutes more).
Every path runs through the app's own engine, with the app's thread settings (what users
get): transformers in float32, bfloat16 and int4 (torchao), and llama.cpp on GGUF files
made by scripts/hf_to_gguf.py from the same weights (F16 and Q4_K_M). The reference is
llama-cpp-python on the Q4_K_M file in a child process with llama.cpp's defaults (OpenMP
threads that busy-wait, one per physical core); the same with OMP_WAIT_POLICY=PASSIVE (how
the app ran before engine/thread_budget.py) is printed beside it.

Figures: decode tokens/s (greedy, best of --runs), TTFT for a ~60-token prompt, prefill
tokens/s for a ~2,000-token prompt. Targets: the fastest app path >= 0.95 of the
reference's decode; under contention (one busy process per core) the app's llama.cpp path
>= the PASSIVE figure; 2,000-token prefill of the fastest path >= transformers bfloat16;
int4 >= 2.5x bfloat16; the share of the first 64 greedy tokens of 5 prompts that each
quantized path gets the same as bfloat16 on SmolLM2 (tokens up to the first difference).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

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
# ~2,000 tokens of varied prose, for the prefill figure
WINDS = ("north", "south", "east", "west")
LONG_PROMPT = " ".join(
    f"Chapter {n}: the keeper climbed the {n * 7} steps of the tower, counted {n * 3} ships "
    f"in the bay and wrote in the log that the wind came from the {WINDS[n % 4]}."
    for n in range(1, 52)) + " Summarise the log."
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
path, tokens, threads, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[5])
llm = Llama(model_path=path, n_ctx=4096, n_threads=threads, n_threads_batch=threads,
            verbose=False)
ids = llm.tokenize(sys.argv[4].encode(), add_bos=False, special=True)
best = (0.0, 1e9)
for _ in range(runs):
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
prefill = 0.0
if len(sys.argv) > 6:
    long_ids = llm.tokenize(sys.argv[6].encode(), add_bos=False, special=True)
    for _ in range(runs):
        llm.reset()
        start = time.perf_counter()
        llm.eval(long_ids)
        prefill = max(prefill, len(long_ids) / (time.perf_counter() - start))
print(json.dumps({"rate": best[0], "ttft": best[1], "prefill": prefill}))
"""


def reference(gguf: Path, prompt_text: str, tokens: int, runs: int, policy: str | None,
              long_text: str = "") -> dict:
    """llama-cpp-python on its own with llama.cpp's defaults, in a child process (OpenMP
    reads its policy at start); ``policy`` sets OMP_WAIT_POLICY."""
    from desktop_chat.engine.thread_budget import physical_cores

    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    if policy:
        env["OMP_WAIT_POLICY"] = policy
    out = subprocess.run([sys.executable, "-c", REFERENCE, str(gguf), str(tokens),
                          str(physical_cores()), prompt_text, str(runs),
                          *([long_text] if long_text else [])],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def busy_cores():
    """One process per physical core spinning, as a compile or a game would."""
    from desktop_chat.engine.thread_budget import physical_cores

    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                for _ in range(physical_cores())]
    time.sleep(1.0)
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def prefill_rate(engine, runs: int) -> tuple[float, int]:
    """Prompt tokens/s for LONG_PROMPT: its length over the time to the first token."""
    best, length = 0.0, 0
    for _ in range(runs):
        if hasattr(engine, "_drop_cache"):
            engine._drop_cache()
        elif hasattr(engine, "llm"):
            engine.llm.reset()
        stats = generate(engine, LONG_PROMPT, 1).stats
        length = stats.prompt_tokens
        best = max(best, length / stats.time_to_first_token_s)
    return best, length


def ggufs(model: Path, folder: Path, extra: str) -> dict[str, Path]:
    """F16, Q4_K_M and ``extra``-quantized GGUF files of ``model`` (made once)."""
    from hf_to_gguf import convert, quantize_gguf

    folder.mkdir(parents=True, exist_ok=True)
    f16 = folder / f"{model.name}-F16.gguf"
    if not f16.exists():
        print(f"  converting {model.name} to GGUF (once)...", flush=True)
        convert(model, f16, "f16")
    files = {"llama.cpp F16": f16}
    for quantization in dict.fromkeys(["Q4_K_M", extra]):
        if quantization == "F16":
            continue
        path = folder / f"{model.name}-{quantization}.gguf"
        if not path.exists():
            print(f"  quantizing {model.name} to {quantization} (once)...", flush=True)
            quantize_gguf(f16, path, quantization)
        files[f"llama.cpp {quantization}"] = path
    return files


def fast_copy(model: Path) -> tuple[str, object]:
    """The app's fast copy of the folder (made once in the cache, as the app makes it) and
    the engine that opens it."""
    from desktop_chat.core.fast_copy import quantization_for
    from desktop_chat.engine.fast_copy.cache import FastCopyCache
    from desktop_chat.engine.memory_estimate import shape_of_folder

    cache = AppPaths.resolve().cache_dir
    quantization = quantization_for(shape_of_folder(model).parameter_count)
    copies = FastCopyCache(cache)
    if copies.find(model) is None:
        print(f"  making the app's fast copy ({quantization}, once)...", flush=True)
        copies.make(model, quantization, lambda *_: None, threading.Event())
    from desktop_chat.engine.registry import plan_load

    plan = plan_load(LoadRequest(ModelSource.local(model), device="cpu", fast_copy=True), cache)
    return quantization, plan.load(lambda fraction, what: None, threading.Event())


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


def measure(name: str, model: Path, gguf_dir: Path, options: argparse.Namespace,
            quality: bool) -> None:
    print(f"\n{name} ({model})", flush=True)
    tokens, runs = options.tokens, options.runs
    copy_quantization, copy_engine = fast_copy(model)
    files = ggufs(model, gguf_dir, copy_quantization)
    rows: dict[str, tuple[float, float, int]] = {}
    prefills: dict[str, float] = {}
    answers: dict[str, list[str]] = {}
    prompt_text = ""
    copy_name = f"app fast copy {copy_quantization}"
    paths = [*TRANSFORMERS_PATHS.items(), *files.items(), (copy_name, None)]
    for path_name, target in paths:
        engine = copy_engine if target is None else open_engine(
            target if isinstance(target, Path) else model,
            "auto" if isinstance(target, Path) else target)
        prompt_text = prompt_text or rendered_prompt(engine)
        rows[path_name] = speed(engine, tokens, runs)
        line = (f"  {path_name:24s} {rows[path_name][0]:7.2f} tok/s  TTFT "
                f"{rows[path_name][1]:6.2f} s  ({rows[path_name][2]} tokens)")
        if options.prefill:
            prefills[path_name], length = prefill_rate(engine, runs)
            line += f"  prefill {prefills[path_name]:7.1f} tok/s ({length} tokens)"
        if quality:
            answers[path_name] = [generate(engine, p, QUALITY_TOKENS).answer
                                  for p in QUALITY_PROMPTS]
        print(line, flush=True)
        engine.close()
        del engine
        gc.collect()
    q4 = files["llama.cpp Q4_K_M"]
    long_text = LONG_PROMPT if options.prefill else ""
    default = reference(q4, prompt_text, tokens, runs, None, long_text)
    passive = reference(q4, prompt_text, tokens, runs, "PASSIVE")
    base = default["rate"]
    print(f"  reference, llama-cpp-python Q4_K_M with llama.cpp's defaults: {base:.2f} tok/s, "
          f"TTFT {default['ttft']:.2f} s" + (f", prefill {default['prefill']:.1f} tok/s"
                                             if options.prefill else ""))
    print(f"  the same with OMP_WAIT_POLICY=PASSIVE: {passive['rate']:.2f} tok/s "
          f"({passive['rate'] / base:.2f} of the defaults)")
    for path_name, (rate, ttft, _) in rows.items():
        print(f"    {path_name:24s} decode {rate / base:5.2f}x  TTFT "
              f"{ttft / default['ttft']:5.2f}x the reference")
    fastest = max(rows, key=lambda k: rows[k][0])
    print(f"  fastest app path: {fastest}, {rows[fastest][0] / base:.2f} of the reference "
          f"(target >= 0.95)")
    same = f"llama.cpp {copy_quantization}"
    print(f"  the fast copy of the folder: {rows[copy_name][0] / rows[same][0]:.2f} of the "
          f"{copy_quantization} GGUF file's decode (target >= 0.95)")
    if options.prefill:
        print(f"  2,000-token prefill of the fastest path: {prefills[fastest]:.1f} tok/s, "
              f"{prefills[fastest] / prefills['transformers bfloat16']:.2f} of transformers "
              f"bfloat16 (target >= 1)")
    print(f"  int4 over bfloat16 decode: "
          f"{rows['transformers int4'][0] / rows['transformers bfloat16'][0]:.2f}x "
          f"(target >= 2.5); over float32: "
          f"{rows['transformers int4'][0] / rows['transformers float32'][0]:.2f}x")
    if options.contention:
        contended(q4, prompt_text, tokens, runs)
    if quality:
        print_quality(model, answers)


def contended(q4: Path, prompt_text: str, tokens: int, runs: int) -> None:
    """Decode with one busy process per physical core: the app (its thread budget) against
    llama.cpp's defaults and PASSIVE waiting."""
    engine = open_engine(q4)
    with busy_cores():
        app = speed(engine, tokens, runs)[0]
        default = reference(q4, prompt_text, tokens, runs, None)["rate"]
        passive = reference(q4, prompt_text, tokens, runs, "PASSIVE")["rate"]
    engine.close()
    print(f"  contended (a busy process per core), Q4_K_M decode: app {app:.2f} tok/s, "
          f"llama.cpp defaults {default:.2f}, PASSIVE {passive:.2f}; app / PASSIVE "
          f"{app / passive:.2f} (target >= 1)")


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
    parser.add_argument("--no-contention", dest="contention", action="store_false")
    parser.add_argument("--no-prefill", dest="prefill", action="store_false")
    args = parser.parse_args()
    cache = AppPaths.resolve().cache_dir
    started = time.monotonic()
    if "smollm2" in args.models:
        measure("SmolLM2-135M-Instruct", demo_model_dir(), cache / "bench" / "gguf", args,
                quality=True)
    if "r1" in args.models:
        measure("random DeepSeek-R1-Distill-Qwen-1.5B shape", r1_shape_model(cache),
                cache / "bench" / "gguf", args, quality=False)
    print(f"\n{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

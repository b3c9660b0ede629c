"""Inference figures on SmolLM2-135M-Instruct (the demo model), each a ratio from one run.

    python dev.py bench inference [--model PATH] [--tokens 256]

1. decode tokens/s through the worker (QThread, signals, splitter, coalescing) over bare
   ``model.generate`` on the same greedy reply (target >= 0.98);
2. time to first token at the sixth turn of a ~3,000-token conversation, with KV-cache
   reuse over full re-prefill (target <= 0.25);
3. decode tokens/s of the default CPU dtype over float32;
4. peak RSS after loading over the weights' size in the chosen dtype.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.inference import GenerationRequest, LoadRequest  # noqa: E402
from desktop_chat.core.paths import demo_model_dir  # noqa: E402
from desktop_chat.core.settings import GenerationSettings  # noqa: E402

STORY = "Write a long story about a dragon who learns to paint."
FILLER = ("The history of the river valley is long and full of small events that people "
          "remembered in songs. Farmers planted wheat and barley along the banks, traders "
          "carried salt and cloth between the towns, and every spring the water rose. ")


def load_direct(path: str, dtype: str):
    from desktop_chat.engine.transformers_engine.device import choose_device
    from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

    folder = inspect_model_folder(path)
    choice = choose_device("cpu", dtype, folder.model_type)
    return load_model(folder, choice, lambda f, s: None, threading.Event())


def bare_decode_rate(loaded, prompt_ids: list[int], tokens: int) -> float:
    """Tokens/s of plain model.generate, prefill taken out (same greedy reply each time)."""
    import torch

    model = loaded.model
    ids = torch.tensor([prompt_ids])
    kwargs = dict(do_sample=False, pad_token_id=loaded.tokenizer.eos_token_id,
                  temperature=None, top_p=None, top_k=None)
    start = time.perf_counter()
    model.generate(ids, max_new_tokens=1, **kwargs)
    prefill = time.perf_counter() - start
    start = time.perf_counter()
    out = model.generate(ids, max_new_tokens=tokens, **kwargs)
    total = time.perf_counter() - start
    generated = out.shape[1] - ids.shape[1]
    return (generated - 1) / (total - prefill)


def worker_rates(path: str, tokens: int, runs: int) -> tuple[list[float], list[float], int]:
    """Decode tokens/s through the real worker, and bare generate on the worker's own model."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    from desktop_chat.workers.inference import InferenceWorker

    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841
    worker = InferenceWorker()
    loop = QEventLoop()
    results = []
    chunks = []
    worker.model_loaded.connect(lambda info, load_id: loop.quit())
    worker.model_load_failed.connect(lambda failure: (print("load failed:", failure.message),
                                                      loop.quit()))
    worker.generation_finished.connect(lambda result: (results.append(result), loop.quit()))
    worker.generation_failed.connect(lambda *a: (print("failed:", a[0]), loop.quit()))
    worker.chunk_received.connect(lambda kind, text: chunks.append(text))
    worker.start()
    worker.request_load(LoadRequest.for_path(path, device="cpu"))
    loop.exec()
    session = worker.engine
    settings = GenerationSettings(do_sample=False, max_new_tokens=tokens)
    messages = (Message(role="user", content=STORY),)
    prompt_ids = session.prepare(messages, settings).input_ids
    through, bare = [], []
    for _ in range(runs):  # alternate, so both see the same machine load
        session._drop_cache()
        worker.request_generation(GenerationRequest(messages, settings))
        loop.exec()
        through.append(results[-1].stats.decode_tokens_per_s)
        bare.append(bare_decode_rate(session.loaded, prompt_ids, tokens))
    signals = len(chunks) // runs
    worker.shutdown()
    return through, bare, signals


def reply(engine, history: list[Message], settings: GenerationSettings):
    """The result of one generation through the engine contract."""
    events: list = []
    engine.generate(GenerationRequest(tuple(history), settings), threading.Event(),
                    events.append)
    return events[-1].result


def long_conversation_ttft(path: str) -> tuple[float, float, int]:
    """TTFT of turn six with reuse, and with a full re-prefill of the same prompt."""
    from desktop_chat.engine.transformers_engine.chat import TransformersEngine

    loaded = load_direct(path, "auto")
    settings = GenerationSettings(do_sample=False, max_new_tokens=24)
    session = TransformersEngine(loaded, reuse_cache=True)
    history: list[Message] = []
    for turn in range(6):
        history.append(Message(role="user", content=f"Part {turn + 1}. " + FILLER * 10
                               + "Summarise this part in one sentence."))
        result = reply(session, history, settings)
        history.append(Message(role="assistant", content=result.answer))
    reuse_ttft = result.stats.time_to_first_token_s
    prompt_tokens = result.stats.prompt_tokens
    fresh = TransformersEngine(loaded, reuse_cache=False)
    full = reply(fresh, history[:-1], settings)
    return reuse_ttft, full.stats.time_to_first_token_s, prompt_tokens


def dtype_rates(path: str, tokens: int) -> dict[str, float]:
    from desktop_chat.engine.transformers_engine.chat import TransformersEngine

    rates = {}
    for dtype in ("auto", "float32"):
        loaded = load_direct(path, dtype)
        prompt = TransformersEngine(loaded).prepare((Message(role="user", content=STORY),),
                                                    GenerationSettings()).input_ids
        rates[loaded.choice.dtype_name if dtype == "auto" else dtype] = statistics.median(
            bare_decode_rate(loaded, prompt, tokens) for _ in range(2))
    return rates


MEMORY_PROBE = """
import sys, threading, psutil
sys.path.insert(0, sys.argv[2])
from desktop_chat.engine.transformers_engine.device import choose_device
from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

def peak_rss():
    # Not ru_maxrss: Linux carries it across exec, so it would include the parent's size.
    if sys.platform.startswith("linux"):
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    info = psutil.Process().memory_info()
    return getattr(info, "peak_wset", info.rss)

folder = inspect_model_folder(sys.argv[1])
choice = choose_device("cpu", "auto", folder.model_type)
before = psutil.Process().memory_info().rss
loaded = load_model(folder, choice, lambda f, s: None, threading.Event())
print(loaded.weights_bytes, before, peak_rss(), choice.dtype_name)
"""


def memory_figures(path: str) -> tuple[int, int, int, str]:
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, path,
                          str(Path(__file__).resolve().parents[1])],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]), int(out[2]), out[3]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=str(demo_model_dir()))
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"model: {args.model}")

    through, bare, signals = worker_rates(args.model, args.tokens, args.runs)
    print(f"1. decode through the worker: {statistics.median(through):.1f} tok/s, bare "
          f"generate: {statistics.median(bare):.1f} tok/s -> ratio "
          f"{statistics.median(through) / statistics.median(bare):.3f} (target >= 0.98; "
          f"{signals} chunk signals for {args.tokens} tokens)")

    reuse, full, prompt_tokens = long_conversation_ttft(args.model)
    print(f"2. TTFT at turn 6 ({prompt_tokens} prompt tokens): reuse {reuse * 1000:.0f} ms, "
          f"full prefill {full * 1000:.0f} ms -> ratio {reuse / full:.3f} (target <= 0.25)")

    rates = dtype_rates(args.model, min(args.tokens, 128))
    default = next(k for k in rates if k != "float32") if len(rates) > 1 else "float32"
    print(f"3. decode {default}: {rates[default]:.1f} tok/s, float32: "
          f"{rates['float32']:.1f} tok/s -> ratio {rates[default] / rates['float32']:.2f}")

    weights, before, peak, dtype = memory_figures(args.model)
    print(f"4. weights in {dtype}: {weights / 2**20:.0f} MiB; peak RSS {peak / 2**20:.0f} MiB "
          f"-> ratio {peak / weights:.2f} (growth over the RSS before loading, "
          f"{before / 2**20:.0f} MiB with torch imported: {(peak - before) / weights:.2f})")


if __name__ == "__main__":
    main()

"""What the server engine costs: tokens/s of a streamed reply read through the app against the
same stream read raw (SSE lines over HTTP, nothing parsed but the JSON), from a real
llama-cpp-python server on this machine serving the demo model as a GGUF file.

    python dev.py bench server_overhead [--tokens 256] [--runs 3]

Both read the same greedy reply; the rate is chunks after the first over the time from the
first to the last (the server's own speed sets both). Through the app means the server
engine and the worker: its reader thread, the OpenAI client, the reasoning splitter, the
coalesced Qt signals. Target: >= 0.95 of the raw rate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.inference import GenerationRequest, LoadRequest  # noqa: E402
from desktop_chat.core.model_source import ModelSource  # noqa: E402
from desktop_chat.core.paths import demo_model_dir  # noqa: E402
from desktop_chat.core.settings import GenerationSettings  # noqa: E402

PROMPT = "Write a long story about a lighthouse keeper and the sea."


def raw_rate(base_url: str, model: str, tokens: int) -> tuple[float, int]:
    """Chunks/s of the stream read with nothing but an HTTP client and json.loads."""
    try:
        import httpx2 as httpx  # what openai 3 uses; httpx elsewhere
    except ImportError:
        import httpx

    body = {"model": model, "stream": True, "max_tokens": tokens, "temperature": 0.0,
            "messages": [{"role": "user", "content": PROMPT}]}
    stamps = []
    with httpx.Client(timeout=600) as client, \
            client.stream("POST", f"{base_url}/chat/completions", json=body) as response:
        for line in response.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                chunk = json.loads(line[6:])
                if any(c["delta"].get("content") for c in chunk.get("choices", [])):
                    stamps.append(time.perf_counter())
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]), len(stamps)


def app_rate(worker, tokens: int) -> tuple[float, int]:
    """Tokens/s through the worker and the server engine (its own stats: the same span)."""
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    results = []
    worker.generation_finished.connect(lambda result: (results.append(result), loop.quit()))
    worker.generation_failed.connect(lambda message, result: (print(message), loop.quit()))
    worker.request_generation(GenerationRequest(
        (Message(role="user", content=PROMPT),),
        GenerationSettings(do_sample=False, max_new_tokens=tokens)))
    loop.exec()
    worker.generation_finished.disconnect()
    worker.generation_failed.disconnect()
    stats = results[-1].stats
    return stats.decode_tokens_per_s, stats.answer_tokens + stats.reasoning_tokens


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from hf_to_gguf import convert
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from servers import start_llama_cpp_server

    from desktop_chat.workers.inference import InferenceWorker

    app = QCoreApplication.instance() or QCoreApplication([])  # noqa: F841
    with tempfile.TemporaryDirectory() as folder:
        gguf = convert(demo_model_dir(), Path(folder) / "smollm2.gguf", "f16")
        server = start_llama_cpp_server(gguf, alias="smollm2", n_threads=1)
        worker = InferenceWorker()
        loop = QEventLoop()
        worker.model_loaded.connect(lambda info, load_id: loop.quit())
        worker.start()
        worker.request_load(LoadRequest(ModelSource.server(server.base_url, "smollm2")))
        loop.exec()
        raw, through = [], []
        try:
            for _ in range(args.runs):  # alternate, so both see the same machine load
                rate, chunks = raw_rate(server.base_url, "smollm2", args.tokens)
                raw.append(rate)
                rate, counted = app_rate(worker, args.tokens)
                through.append(rate)
        finally:
            worker.shutdown()
            server.stop()
    print(f"server: llama-cpp-python, SmolLM2-135M F16, {chunks} chunks per reply "
          f"(the app counted {counted} tokens)")
    print(f"raw stream: {statistics.median(raw):.1f} tok/s; through the app: "
          f"{statistics.median(through):.1f} tok/s -> ratio "
          f"{statistics.median(through) / statistics.median(raw):.3f} (target >= 0.95)")


if __name__ == "__main__":
    main()

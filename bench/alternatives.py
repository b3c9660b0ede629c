"""Three answers to one prompt: one batched ``generate`` against three runs one after another
(the transformers engine, SmolLM2-135M-Instruct, the demo model, on CPU).

    python bench/alternatives.py [--model PATH] [--tokens 128] [--count 3] [--runs 2]

Both ways sample with the same settings and a fixed seed, from the same prompt, with the
kept caches cleared first (the runs one after another then reuse the prompt's cache, as
the app does). Printed: wall time, tokens generated, and tokens per second over all the
answers; the best of ``--runs``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.alternatives import alternative_settings  # noqa: E402
from desktop_chat.core.conversation import Message  # noqa: E402
from desktop_chat.core.inference import Failed, Finished, GenerationRequest  # noqa: E402
from desktop_chat.core.paths import demo_model_dir  # noqa: E402
from desktop_chat.core.settings import GenerationSettings  # noqa: E402

PROMPT = "Write a short story about a lighthouse keeper who finds a message in a bottle."


def answers(engine, request: GenerationRequest) -> list:
    results: list = []
    engine.generate(request, threading.Event(),
                    lambda e: results.append(e.result) if isinstance(e, (Finished, Failed))
                    else None)
    assert all(r.error is None for r in results), [r.error for r in results]
    return results


def batched(engine, request: GenerationRequest) -> tuple[float, int]:
    engine.prefixes.clear()
    start = time.perf_counter()
    results = answers(engine, request)
    return time.perf_counter() - start, sum(_tokens(r) for r in results)


def one_after_another(engine, request: GenerationRequest) -> tuple[float, int]:
    engine.prefixes.clear()
    start, tokens = time.perf_counter(), 0
    for sequence in range(request.alternatives):
        one = dataclasses.replace(request, alternatives=1,
                                  settings=alternative_settings(request.settings, sequence))
        tokens += sum(_tokens(r) for r in answers(engine, one))
    return time.perf_counter() - start, tokens


def _tokens(result) -> int:
    return result.stats.reasoning_tokens + result.stats.answer_tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(demo_model_dir()))
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    from desktop_chat.engine.transformers_engine.chat import TransformersEngine
    from desktop_chat.engine.transformers_engine.device import choose_device
    from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model

    folder = inspect_model_folder(args.model)
    loaded = load_model(folder, choose_device("cpu", "auto", folder.model_type),
                        lambda f, s: None, threading.Event())
    engine = TransformersEngine(loaded)
    settings = GenerationSettings(max_new_tokens=args.tokens, temperature=0.8, seed=7)
    request = GenerationRequest((Message(role="user", content=PROMPT),), settings,
                                alternatives=args.count)
    answers(engine, dataclasses.replace(request, alternatives=1))  # warm up
    figures = {"one batch": [], "one after another": []}
    for _ in range(args.runs):  # alternate, so both see the same machine load
        figures["one batch"].append(batched(engine, request))
        figures["one after another"].append(one_after_another(engine, request))
    print(f"model {folder.name} on {loaded.choice.device_name}, {loaded.choice.dtype_name}; "
          f"{args.count} answers of at most {args.tokens} tokens")
    best = {name: min(runs) for name, runs in figures.items()}
    for name, (seconds, tokens) in best.items():
        print(f"{name:<20}{seconds:>8.2f} s{tokens:>6} tokens{tokens / seconds:>8.1f} tok/s")
    batch_rate = best["one batch"][1] / best["one batch"][0]
    serial_rate = best["one after another"][1] / best["one after another"][0]
    print(f"batch over one after another: {batch_rate / serial_rate:.2f}x the tokens per "
          f"second, {best['one batch'][0] / best['one after another'][0]:.2f} of the time")


if __name__ == "__main__":
    main()

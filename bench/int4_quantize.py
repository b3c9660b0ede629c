"""Int4 weight-only quantization figures on DeepSeek-R1-Distill-Qwen-1.5B's shape (random
bf16 weights, nothing downloaded), plus int4's effect on perplexity with real weights (the
SmolLM2 demo model, when prepared). Prints figures; passes or fails nothing. About 4
minutes on 2 cores.

    .venv/bin/python bench/int4_quantize.py

1. quantizing: wall and CPU seconds, peak RSS, cache write; then loading from that cache;
2. decode tokens/s over 64 greedy tokens, best of a few runs (a shared machine's other work
   only ever slows a run): bf16, int4 (groups of 32, LM head kept bf16), int4 with the LM
   head int4 too, int4 at group 128;
3. SmolLM2-135M perplexity of README.md: bf16, int4, int4 with its LM head untied and
   quantized too, and int4 at group 128.
"""

from __future__ import annotations

import gc
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import psutil
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, Qwen2Config, Qwen2ForCausalLM
from transformers.initialization import no_init_weights

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.paths import demo_model_dir  # noqa: E402
from desktop_chat.engine.transformers_engine import quantize  # noqa: E402

TOKENS = 64
GIB = 1024**3
R1_SHAPE = Qwen2Config(
    hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
    num_key_value_heads=2, vocab_size=151936, max_position_embeddings=4096,
    tie_word_embeddings=False,
)
PROMPT = torch.arange(100, 116).unsqueeze(0)


class PeakRss:
    """Samples this process's RSS every 5 ms: the peak of one phase, not of the process."""

    def __enter__(self) -> PeakRss:
        self.process = psutil.Process()
        self.before = self.peak = self.process.memory_info().rss
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.005):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.after = self.process.memory_info().rss
        self.peak = max(self.peak, self.after)

    def __str__(self) -> str:
        return (f"RSS {self.before / GIB:.2f} GiB before, peak {self.peak / GIB:.2f}, "
                f"{self.after / GIB:.2f} after")


def random_model() -> Qwen2ForCausalLM:
    """Normal values (std 0.02) copied from one 16M-value pool: transformers' own random init
    of 1.8B values takes over 30 s here, and speed and memory do not depend on the values."""
    generator = torch.Generator().manual_seed(0)
    pool = torch.empty(1 << 24, dtype=torch.bfloat16).normal_(0, 0.02, generator=generator)
    torch.set_default_dtype(torch.bfloat16)
    try:
        with no_init_weights():
            model = Qwen2ForCausalLM(R1_SHAPE)
    finally:
        torch.set_default_dtype(torch.float32)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.ndim == 1 and not name.endswith("bias"):
                continue  # norms: ones, as constructed
            flat = parameter.view(-1)
            for start in range(0, flat.numel(), pool.numel()):
                part = flat[start:start + pool.numel()]
                offset = int(torch.randint(0, pool.numel() - part.numel() + 1, (1,),
                                           generator=generator))
                part.copy_(pool[offset:offset + part.numel()])
    return model.eval()


def decode(model: torch.nn.Module, runs: int) -> tuple[float, torch.Tensor]:
    """Best tokens/s of ``runs`` greedy decodes of TOKENS tokens, and the tokens."""
    model.generate(PROMPT, max_new_tokens=2, min_new_tokens=2, do_sample=False)  # warm up
    best = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        out = model.generate(PROMPT, max_new_tokens=TOKENS, min_new_tokens=TOKENS,
                             do_sample=False)
        best = max(best, TOKENS / (time.perf_counter() - start))
    return best, out[0, PROMPT.shape[1]:]


def quantize_timed(model: torch.nn.Module, cache_dir: Path | None) -> dict[str, float]:
    """Wall seconds at each first progress message, at the end, and CPU seconds in all."""
    marks: dict[str, float] = {}
    start, cpu = time.perf_counter(), time.process_time()

    def progress(_fraction: float, message: str) -> None:
        marks.setdefault(message, time.perf_counter() - start)

    quantize.quantize_int4(model, progress, threading.Event(), cache_dir=cache_dir,
                           cache_key="bench" if cache_dir else None)
    marks["end"] = time.perf_counter() - start
    marks["cpu"] = time.process_time() - cpu
    return marks


def quantize_head(model: torch.nn.Module) -> None:
    """What quantize_int4 deliberately does not do."""
    head = model.get_output_embeddings()
    group = next(g for g in quantize.GROUP_SIZES if head.in_features % g == 0)
    quantize._quantize_layers([quantize._Layer("lm_head", head, group)], lambda *_: None,
                              threading.Event())


@contextmanager
def group_sizes(*sizes: int) -> Iterator[None]:
    saved = quantize.GROUP_SIZES
    quantize.GROUP_SIZES = sizes
    try:
        yield
    finally:
        quantize.GROUP_SIZES = saved


def shape_figures() -> None:
    print(f"1.5B Qwen2 shape, random bf16 weights; {torch.get_num_threads()} threads, "
          f"{torch.backends.cpu.get_cpu_capability()}")
    start = time.perf_counter()
    model = random_model()
    print(f"  built in {time.perf_counter() - start:.1f} s, "
          f"RSS {psutil.Process().memory_info().rss / GIB:.2f} GiB")
    bf16_rate, _ = decode(model, runs=2)
    print(f"  decode bf16: {bf16_rate:.2f} tok/s")
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        with PeakRss() as rss:
            marks = quantize_timed(model, cache)
        saving = marks.get("Saving the int4 weights for the next load", marks["end"])
        size = sum(file.stat().st_size for file in cache.iterdir()) / GIB
        print(f"  quantize: {saving:.1f} s ({marks['cpu']:.1f} CPU s in all), then "
              f"{marks['end'] - saving:.1f} s writing the {size:.2f} GiB cache; {rss}")
        int4_rate, int4_tokens = decode(model, runs=2)
        print(f"  decode int4: {int4_rate:.2f} tok/s ({int4_rate / bf16_rate:.1f}x bf16)")
        quantize_head(model)  # does int4's speed in the LM head pay for its loss?
        head_rate, _ = decode(model, runs=2)
        print(f"  decode int4 with the LM head int4 too: {head_rate:.2f} tok/s")
        del model
        gc.collect()

        model = random_model()
        with PeakRss() as rss:
            marks = quantize_timed(model, cache)
        _, cached_tokens = decode(model, runs=1)
        # The cached weights stay memory-mapped: resident only once decoding reads them.
        print(f"  load from the int4 cache: {marks['end']:.2f} s; {rss}, "
              f"{psutil.Process().memory_info().rss / GIB:.2f} after decoding; same tokens "
              f"as just quantized: {torch.equal(cached_tokens, int4_tokens)}")
    del model
    gc.collect()

    model = random_model()
    with group_sizes(128):
        quantize_timed(model, None)
    rate, _ = decode(model, runs=2)
    print(f"  decode int4 at group 128: {rate:.2f} tok/s")
    del model
    gc.collect()


def demo_model_figures() -> None:
    folder = demo_model_dir()
    if not (folder / "config.json").exists():
        print("SmolLM2: the demo model is not prepared (python dev.py test); skipped")
        return
    tokenizer = AutoTokenizer.from_pretrained(folder)
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    ids = tokenizer(text, return_tensors="pt").input_ids[:, :512]
    figures = []
    for variant in ("bf16", "int4 (groups of 32)", "int4 + untied int4 LM head",
                    "int4 at group 128"):
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.bfloat16).eval()
        if variant != "bf16":
            with group_sizes(128, 64) if variant.endswith("128") else nullcontext():
                quantize.quantize_int4(model, lambda *_: None, threading.Event())
        if variant.endswith("head"):
            model.lm_head.weight = torch.nn.Parameter(model.lm_head.weight.clone())
            quantize_head(model)
        with torch.no_grad():
            figures.append(f"{variant} {torch.exp(model(ids, labels=ids).loss):.2f}")
    print(f"SmolLM2-135M perplexity of README.md ({ids.shape[1]} tokens; at 'group 128' "
          f"its 576-wide layers take groups of 64): " + ", ".join(figures))


def main() -> None:
    reason = quantize.int4_available()
    if reason:
        print(f"int4 is not available: {reason}")
        return
    shape_figures()
    demo_model_figures()


if __name__ == "__main__":
    main()

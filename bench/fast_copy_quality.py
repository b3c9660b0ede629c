"""How much a fast copy of a model folder loses: perplexity of the original (transformers)
and of each candidate copy (llama.cpp on GGUF files made by the app's converter) on a fixed
text, with real weights.

    python bench/fast_copy_quality.py [--models smollm2,/path/to/folder] [--types F16,Q8_0,Q4_K_M]

Figures per model: perplexity (lower is better) and its ratio to the original's; top-1
agreement, the share of the text's positions where the copy's most likely next token is the
original's; the file's size and the seconds the conversion took (core/fast_copy.py's
estimates come from these). core/fast_copy.py's ``quantization_for`` is chosen from them:
the smallest type whose perplexity stays within 2% of the original's.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # as desktop_chat.app sets it
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from desktop_chat.core.fast_copy import quantization_for  # noqa: E402
from desktop_chat.core.paths import demo_model_dir  # noqa: E402

# A fixed text (written for this bench): plain English prose, about 700 tokens.
TEXT = """\
The lighthouse stood at the end of a narrow spit of rock, a mile beyond the last house of the
town. For most of the year the keeper saw no one but the man who brought oil and bread on
Thursdays, and in winter, when the sea ran high, not even him. He did not mind. He had come
to the light after thirty years at sea, and he liked the way the days arranged themselves
around a few fixed duties: trimming the wicks at dusk, winding the clockwork that turned the
lens, writing the weather into the log at midnight and again at dawn.

The weather was the only thing that changed. In spring the fog came in from the west and sat
on the water for days, so thick that the beam seemed to stop a few yards from the glass. In
summer the air was clear and the keeper could see the fishing boats going out before
sunrise, their sails grey, then white, then gold as the light reached them. Autumn brought
the gales. The tower shook, the windows hummed, and spray rose over the gallery rail a
hundred feet above the rocks.

Water moves through the world in a great circle. The sun warms the surface of the sea, and
some of the water rises into the air as vapour. High above the ground the vapour cools and
gathers into tiny droplets, which we see as clouds. When the droplets grow heavy enough they
fall as rain or snow. The rain runs into streams and rivers, soaks into the soil, or is taken
up by plants, and sooner or later most of it returns to the sea, where the circle begins
again. Nothing is lost: the same water has been travelling this way for billions of years.

A good recipe for bread needs only four things: flour, water, salt and yeast. Mix the flour
and the salt in a large bowl, dissolve the yeast in warm water, and pour it in. Stir until
the dough comes together, then knead it on a floured table for ten minutes, until it is
smooth and springs back when pressed. Leave it covered in a warm place for an hour, until it
has doubled in size. Shape it into a loaf, let it rise once more, and bake it in a hot oven
for about forty minutes. The loaf is done when it sounds hollow when tapped underneath.

In 1854 a physician in London noticed that the people who fell ill with cholera in one
neighbourhood had all drawn their water from the same public pump. He marked each case on a
map, and the pattern was plain to see: the deaths clustered around the pump and thinned out
with distance from it. He persuaded the local council to remove the pump's handle, and the
outbreak, which was already declining, came to an end. His map is often called the
beginning of modern epidemiology, the study of how diseases spread through populations.

To sort a list of numbers, a computer can compare neighbouring pairs and swap them when they
are in the wrong order, passing over the list again and again until no swaps are needed.
This method is easy to understand but slow for long lists. Faster methods divide the list
into smaller parts, sort each part, and then merge the sorted parts together. Merging is
cheap, because the smallest remaining number is always at the front of one of the parts.
With such methods a million numbers can be sorted in well under a second.

When the keeper finally retired, the light was made automatic. A small electric lamp now
turns where the great wicks once burned, and no one climbs the stairs at dusk. The log books
went to the town museum, where visitors can read, in a careful hand, that on the night of
the ninth of November the wind was from the south-west, force nine, the sea very rough, and
the light was kept burning until dawn.
"""

DEFAULT_TYPES = ("F16", "Q8_0", "Q4_K_M")
MODELS = {"smollm2": demo_model_dir}


def original_log_probs(folder: Path, ids: list[int], dtype_name: str) -> np.ndarray:
    """Log-probabilities of every next token from transformers, shape (n - 1, vocab)."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(folder, dtype=getattr(torch, dtype_name))
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, :-1].float()
    del model
    gc.collect()
    return torch.log_softmax(logits, dim=-1).numpy()


def copy_log_probs(gguf: Path, ids: list[int]) -> np.ndarray:
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf), n_ctx=max(512, len(ids) + 8), n_batch=512,
                logits_all=True, verbose=False)
    llm.eval(ids)
    logits = np.array(llm.scores[:len(ids) - 1], dtype=np.float64)
    llm.close()
    logits -= logits.max(axis=-1, keepdims=True)
    return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))


def perplexity(log_probs: np.ndarray, ids: list[int]) -> float:
    targets = np.array(ids[1:])
    return float(np.exp(-log_probs[np.arange(len(targets)), targets].mean()))


def bench_model(name: str, folder: Path, types: list[str], work: Path) -> None:
    from transformers import AutoTokenizer

    from desktop_chat.engine.fast_copy.gguf_convert import convert

    ids = AutoTokenizer.from_pretrained(folder)(TEXT)["input_ids"]
    print(f"\n{name}: {folder} ({len(ids)} tokens of text)")
    print(f"{'path':34} {'perplexity':>10} {'ratio':>6} {'top-1 agree':>11} "
          f"{'size MB':>8} {'convert s':>9}")
    reference = original_log_probs(folder, ids, "float32")
    base = perplexity(reference, ids)
    top1 = reference.argmax(axis=-1)
    print(f"{'transformers float32 (original)':34} {base:10.3f} {1.0:6.3f} {1.0:11.3f}")
    bf16 = original_log_probs(folder, ids, "bfloat16")
    print(f"{'transformers bfloat16':34} {perplexity(bf16, ids):10.3f} "
          f"{perplexity(bf16, ids) / base:6.3f} {(bf16.argmax(-1) == top1).mean():11.3f}")
    params = 0
    for kind in types:
        out = work / f"{name}-{kind}.gguf"
        start = time.perf_counter()
        convert(folder, out, "f16", None if kind == "F16" else kind)
        seconds = time.perf_counter() - start
        probs = copy_log_probs(out, ids)
        ppl = perplexity(probs, ids)
        print(f"{'llama.cpp ' + kind + ' copy':34} {ppl:10.3f} {ppl / base:6.3f} "
              f"{(probs.argmax(-1) == top1).mean():11.3f} {out.stat().st_size / 1e6:8.1f} "
              f"{seconds:9.1f}")
        if kind == "F16":
            params = out.stat().st_size // 2
        out.unlink()
    if params:
        print(f"the app would choose {quantization_for(params)} for {params / 1e6:.0f}M weights")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="smollm2",
                        help="comma-separated: smollm2 (the demo model) or model folders")
    parser.add_argument("--types", default=",".join(DEFAULT_TYPES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fast-copy-bench-") as work:
        for entry in args.models.split(","):
            folder = MODELS[entry]() if entry in MODELS else Path(entry)
            if not (folder / "config.json").exists():
                print(f"{entry}: no model folder at {folder} (scripts/prepare_demo_model.py "
                      "prepares the demo model)")
                continue
            bench_model(entry if entry in MODELS else folder.name, folder,
                        args.types.split(","), Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())

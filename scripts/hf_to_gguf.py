"""Convert a Hugging Face model folder to a GGUF file that llama.cpp loads.

    .venv/bin/python scripts/hf_to_gguf.py MODEL_DIR OUT.gguf [--outtype f16] [--quantize Q4_K_M]

The converter itself is the app's (desktop_chat/engine/fast_copy/gguf_convert.py, which makes
the fast copy of a model folder); this is its command line, for tests and benches.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_chat.engine.fast_copy.gguf_convert import (  # noqa: E402
    OUTTYPES,
    convert,
    quantize_gguf,
)

__all__ = ["convert", "quantize_gguf", "main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("out_file", type=Path)
    parser.add_argument("--outtype", choices=sorted(OUTTYPES), default="f16")
    parser.add_argument("--quantize", metavar="TYPE",
                        help="quantize with llama.cpp afterwards: Q8_0, Q4_K_M, Q6_K, ...")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = convert(args.model_dir, args.out_file, args.outtype, args.quantize)
    size = out.stat().st_size / 1e6
    print(f"wrote {out} ({size:.1f} MB) in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

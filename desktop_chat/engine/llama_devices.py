"""Where llama.cpp runs: whether this build offloads to a GPU, and the device's names.

A leaf module: the llama.cpp engine and the model survey (``estimate_path``) both ask it,
so the memory estimate names the device the engine will really use. ``llama_cpp`` is
imported only when a GPU is asked about.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import sys
from pathlib import Path

from desktop_chat.core.user_message import tr

log = logging.getLogger(__name__)


def gpu_offload(device: str) -> bool:
    """Offload all layers to the GPU when this build of llama.cpp has one (Metal, CUDA)."""
    import llama_cpp

    load_backends()
    return device != "cpu" and bool(llama_cpp.llama_supports_gpu_offload())


@functools.cache
def load_backends() -> None:
    """Builds with GGML_BACKEND_DL (the packaged apps) keep the CPU code for each
    instruction set in a library of its own (libggml-cpu-haswell, -skylakex...), and
    llama.cpp looks for those only next to the executable. Point it at them once, before
    anything asks for a backend; llama.cpp picks the best one this processor runs. pip
    installs them into site-packages/bin, the packaged app beside libllama. A plain build
    has its CPU code linked in: nothing to do."""
    import llama_cpp

    lib_dir = Path(llama_cpp.__file__).parent / "lib"
    found = [d for d in (lib_dir, lib_dir.parents[1] / "bin") if any(d.glob("*ggml-cpu-*"))]
    # The copy libllama itself loaded (by its soname): a wheel cannot hold symlinks, so
    # libggml.so and libggml.so.0 are two files, and two registries once both are loaded.
    ggml = next((lib_dir / n for n in ("libggml.so.0", "libggml.so", "libggml.0.dylib",
                                       "libggml.dylib", "ggml.dll")
                 if (lib_dir / n).exists()), None)
    if not found or ggml is None:
        return
    library = ctypes.CDLL(str(ggml))
    library.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
    library.ggml_backend_load_all_from_path(str(found[0]).encode())
    log.info("llama.cpp CPU backends loaded from %s", found[0])


def device_names(gpu: bool, threads: int) -> tuple[str, str]:
    """The device llama.cpp runs on ("cpu", "metal", "cuda") and its name for the user."""
    if not gpu:
        return "cpu", tr("CPU ({n} threads)", n=threads)
    if sys.platform == "darwin":
        return "metal", tr("Apple GPU (Metal)")
    return "cuda", tr("GPU (llama.cpp)")

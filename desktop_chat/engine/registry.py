"""Which engine opens which model.

- an OpenAI-compatible server (a URL): the server engine;
- a ``.gguf`` file (or a folder holding one): llama.cpp, which runs the file as it is;
  transformers' GGUF loader (dequantized, slower, more memory) when llama-cpp-python is
  not installed, and Model Info says so;
- a Hugging Face model folder: transformers; llama.cpp on the folder's fast copy
  (``engine/fast_copy``) when the request asks for it and the copy exists, unless the
  settings name a GPU llama.cpp cannot use (the copy was made for the CPU).

Opening is two steps, so the worker can make room in between: ``plan_load`` inspects the
model without reading weights (a broken folder fails in milliseconds) and
``LoadPlan.check_fits`` compares what it needs with free memory; ``LoadPlan.load`` then
does the heavy work.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

from desktop_chat.core.inference import ChatEngine, LoadRequest, ProgressCallback
from desktop_chat.core.user_message import tr
from desktop_chat.engine.model_files import gguf_file_of

LLAMA_CPP_MISSING = tr(
    "llama-cpp-python is not installed, so this GGUF file runs through transformers: its "
    "weights are dequantized (more memory, slower). Install it with "
    "pip install \"desktop-chat[llama-cpp]\" for the fast engine.")


class LoadPlan(Protocol):
    name: str  # the model, for messages

    def check_fits(self) -> None:
        """Raise ModelLoadError when the model cannot fit in the memory free now."""

    def load(self, progress: ProgressCallback, cancel: threading.Event) -> ChatEngine:
        """Open the model; raise ModelLoadError (LoadCancelled when cancelled)."""


def plan_load(request: LoadRequest, cache_dir: Path | None = None) -> LoadPlan:
    source = request.source
    if source.is_server:
        from desktop_chat.engine.server_engine import ServerPlan

        return ServerPlan(request)
    gguf = gguf_file_of(source.location)
    if gguf is None and request.fast_copy and cache_dir is not None and _copy_fits(request):
        from desktop_chat.engine.fast_copy.cache import FastCopyCache

        copy = FastCopyCache(cache_dir).find(source.location)
        if copy is not None:
            from desktop_chat.engine.fast_copy.plan import FastCopyPlan

            return FastCopyPlan(request, copy)
    if gguf is not None and llama_cpp_installed():
        from desktop_chat.engine.llama_cpp_engine import LlamaCppPlan

        return LlamaCppPlan(request, gguf)
    from desktop_chat.engine.transformers_engine.plan import TransformersPlan

    notices = (LLAMA_CPP_MISSING,) if gguf is not None else ()
    return TransformersPlan(request, cache_dir, notices)


def _copy_fits(request: LoadRequest) -> bool:
    """Whether a folder's fast copy (made for the CPU or Apple's GPU) suits the device in
    the settings: a GPU chosen there runs the folder, unless llama.cpp offloads to it too."""
    if not llama_cpp_installed():
        return False
    if request.device in ("cuda", "xpu"):
        from desktop_chat.engine.llama_devices import gpu_offload

        return gpu_offload(request.device)
    return True


def llama_cpp_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("llama_cpp") is not None

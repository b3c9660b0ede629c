"""Opening a model folder through its fast copy: llama.cpp on the GGUF file, reported as
the folder (its name, its place in Recent Models and in conversations), with the copy's
quantization and origin in the precision ("Q4_K_M copy of tiny-r1")."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from desktop_chat.core.fast_copy import copy_precision
from desktop_chat.core.inference import LoadRequest, ProgressCallback
from desktop_chat.core.user_message import tr
from desktop_chat.engine.fast_copy.cache import FastCopy
from desktop_chat.engine.llama_cpp_engine import LlamaCppEngine, LlamaCppPlan


class FastCopyPlan(LlamaCppPlan):
    def __init__(self, request: LoadRequest, copy: FastCopy) -> None:
        super().__init__(request, copy.path)
        self.copy = copy
        self.name = Path(copy.folder).name

    def load(self, progress: ProgressCallback, cancel: threading.Event) -> LlamaCppEngine:
        engine = super().load(progress, cancel)
        engine.info = dataclasses.replace(
            engine.info, name=self.name, source=self.request.source,
            precision=copy_precision(self.copy.quantization, self.name),
            reason=tr("llama.cpp runs the fast copy of this folder ({quantization}, made "
                      "once and kept in the cache); the folder itself is unchanged",
                      quantization=self.copy.quantization))
        return engine

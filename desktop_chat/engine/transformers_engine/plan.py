"""Opening a model with transformers: inspect, choose device and precision, check memory, load."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

from desktop_chat.core.inference import LoadRequest, ProgressCallback
from desktop_chat.engine.transformers_engine.chat import TransformersEngine
from desktop_chat.engine.transformers_engine.device import choose_device
from desktop_chat.engine.transformers_engine.loader import (
    LoadedModel,
    check_memory,
    inspect_model_folder,
    load_model,
)


class TransformersPlan:
    def __init__(self, request: LoadRequest, cache_dir: Path | None,
                 notices: tuple[str, ...] = ()) -> None:
        self.request = request
        self.folder = inspect_model_folder(request.source.location, request.allow_remote_code)
        self.choice = choose_device(request.device, request.dtype, self.folder.model_type)
        self.name = self.folder.name
        self.cache_dir = cache_dir / "quantized" if cache_dir else None
        self.notices = notices

    def check_fits(self) -> None:
        check_memory(self.folder, self.choice, self.request.context_limit)

    def load(self, progress: ProgressCallback, cancel: threading.Event) -> TransformersEngine:
        loaded = load_model(self.folder, self.choice, progress, cancel, self.cache_dir)
        engine = TransformersEngine(loaded, self.request.source)
        if self.notices:
            engine.info = dataclasses.replace(
                engine.info, notices=engine.info.notices + self.notices)
        engine.info = dataclasses.replace(engine.info, **_described(loaded))
        return engine


def _described(loaded: LoadedModel) -> dict[str, Any]:
    """What Model Info shows beyond the engine's own info."""
    config = loaded.model.config
    architectures = getattr(config, "architectures", None) or []
    return {"architecture": architectures[0] if architectures else str(config.model_type),
            "parameter_count": sum(p.numel() for p in loaded.model.parameters()),
            "chat_template": str(getattr(loaded.tokenizer, "chat_template", "") or "")}

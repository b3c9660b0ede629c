"""What streaming a reply needs, shared by one reply (chat.py) and a batch of alternatives
(alternatives.py): token ids to text as they come, and cancel between generated tokens."""

from __future__ import annotations

import threading
from typing import Any

import torch
from transformers import StoppingCriteria

from desktop_chat.engine.thread_budget import ThreadBudget


class CancelCriteria(StoppingCriteria):
    """Stops every row of ``generate`` once ``cancel`` is set (checked after each token)."""

    def __init__(self, cancel: threading.Event) -> None:
        self.cancel = cancel

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        return torch.full((input_ids.shape[0],), self.cancel.is_set(), dtype=torch.bool,
                          device=input_ids.device)


class ThreadsFollowLoad(StoppingCriteria):
    """Decodes on the CPU with the cores other programs leave free (engine/thread_budget.py),
    checked after each token; never stops anything. ``restore`` puts torch's count back."""

    def __init__(self, device: torch.device) -> None:
        self.budget = ThreadBudget(torch.get_num_threads()) if device.type == "cpu" else None
        self.initial = torch.get_num_threads()

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        if self.budget is not None:
            threads = self.budget.threads()
            if threads != torch.get_num_threads():
                torch.set_num_threads(threads)
        return torch.zeros((input_ids.shape[0],), dtype=torch.bool, device=input_ids.device)

    def restore(self) -> None:
        if torch.get_num_threads() != self.initial:
            torch.set_num_threads(self.initial)


class IncrementalDecoder:
    """Token ids to text as they come, never splitting a UTF-8 character."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        backend = getattr(tokenizer, "backend_tokenizer", None)
        if backend is not None:
            from tokenizers.decoders import DecodeStream

            self._backend = backend
            self._stream = DecodeStream(skip_special_tokens=True)
        else:
            self._stream = None
            self._ids: list[int] = []
            self._emitted = ""

    def step(self, token_id: int) -> str:
        if self._stream is not None:
            return self._stream.step(self._backend, token_id) or ""
        # Slow tokenizers: decode the whole reply, emit once no character is left half-done.
        self._ids.append(token_id)
        text = self.tokenizer.decode(self._ids, skip_special_tokens=True)
        if text.endswith("\ufffd"):
            return ""
        new, self._emitted = text[len(self._emitted):], text
        return new

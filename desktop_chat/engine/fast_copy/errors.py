"""What making a fast copy can end with, besides a copy; light to import (no torch)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]  # steps done, steps in all


class UnsupportedModel(ValueError):
    """The folder holds a model this converter cannot write (architecture, tokenizer, RoPE)."""


class ConversionCancelled(Exception):
    """``cancel`` was set; nothing was left behind."""


class FolderChanged(RuntimeError):
    """The folder's files changed while it was being copied; nothing was kept."""

"""PySide6 widgets. Never imports torch, transformers or the engine (tests enforce it)."""

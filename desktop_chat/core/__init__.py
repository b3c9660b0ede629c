"""Pure-Python domain logic: no Qt, no torch, no transformers (tests enforce it)."""

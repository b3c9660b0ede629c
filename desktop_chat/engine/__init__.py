"""torch + transformers: devices, model loading and generation. No Qt (tests enforce it)."""

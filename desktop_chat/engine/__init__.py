"""Chat engines: transformers (torch), llama.cpp (GGUF files) and OpenAI-compatible servers,
each behind the contract in ``desktop_chat.core.inference``. No Qt (tests enforce it).
``registry.open_engine`` decides which engine opens a model."""

"""The Hugging Face transformers engine: model folders (and GGUF files, dequantized) on torch."""

"""The fast copy of a model folder: the folder converted to GGUF and quantized with
llama.cpp's own code paths (the ``gguf`` package, ``llama_model_quantize``), kept in the
cache dir by the folder's content and opened with llama.cpp instead of the folder.

- ``gguf_convert.py``: the converter (``scripts/hf_to_gguf.py`` is its command line);
- ``cache.py``: where copies live, named by content; making, finding, removing them;
- ``plan.py``: opening a folder through its copy (``engine/registry.py`` asks).

What to offer and in which quantization is decided in ``core/fast_copy.py``.
"""

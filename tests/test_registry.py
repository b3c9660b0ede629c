"""Which engine opens what."""

import pytest
from conftest import TINY_R1

from desktop_chat.core.inference import LoadRequest
from desktop_chat.core.model_source import ModelSource
from desktop_chat.engine import registry
from desktop_chat.engine.errors import ModelLoadError


def test_a_folder_goes_to_transformers_a_gguf_to_llama_cpp_a_url_to_the_server(tiny_r1_gguf):
    assert type(registry.plan_load(LoadRequest.for_path(str(TINY_R1)))).__name__ \
        == "TransformersPlan"
    assert type(registry.plan_load(LoadRequest.for_path(str(tiny_r1_gguf)))).__name__ \
        == "LlamaCppPlan"
    folder = tiny_r1_gguf.parent  # a folder holding one .gguf file is that file
    assert registry.plan_load(LoadRequest.for_path(str(folder))).file == tiny_r1_gguf
    server = registry.plan_load(LoadRequest(ModelSource.server("localhost:1", "m")))
    assert type(server).__name__ == "ServerPlan"


def test_without_llama_cpp_a_gguf_goes_to_transformers_and_says_so(tiny_r1_gguf, monkeypatch):
    monkeypatch.setattr(registry, "llama_cpp_installed", lambda: False)
    plan = registry.plan_load(LoadRequest.for_path(str(tiny_r1_gguf)))
    assert type(plan).__name__ == "TransformersPlan"
    assert plan.notices == (registry.LLAMA_CPP_MISSING,)


def test_a_damaged_gguf_is_refused_before_llama_cpp_sees_it(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\xff" * 8)
    with pytest.raises(ModelLoadError, match="not a readable GGUF file"):
        registry.plan_load(LoadRequest.for_path(str(bad)))
    bad.write_bytes(b"nope")
    with pytest.raises(ModelLoadError, match="not a GGUF file"):
        registry.plan_load(LoadRequest.for_path(str(bad)))


def test_a_gguf_too_big_for_memory_says_how_much_it_needs(tiny_r1_gguf, monkeypatch):
    import psutil

    plan = registry.plan_load(LoadRequest.for_path(str(tiny_r1_gguf)))
    real = psutil.virtual_memory()
    monkeypatch.setattr(psutil, "virtual_memory",
                        lambda: real._replace(available=plan.gguf.file_size // 2))
    with pytest.raises(ModelLoadError, match="needs about .* GB of memory .* tokens of context"):
        plan.check_fits()


def test_a_truncated_gguf_fails_to_load_with_a_message(tiny_r1_gguf, tmp_path):
    import threading

    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_r1_gguf.read_bytes()[: tiny_r1_gguf.stat().st_size // 2])
    plan = registry.plan_load(LoadRequest.for_path(str(cut)))
    with pytest.raises(ModelLoadError, match="llama.cpp could not load this GGUF file"):
        plan.load(lambda fraction, what: None, threading.Event())

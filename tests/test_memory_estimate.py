"""The memory estimate: the formula on DeepSeek-R1-Distill-Qwen-1.5B's config, the parts read
from real files (tiny-r1, its GGUF), and the refusal with ways out before a load."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, TINY_R1

from desktop_chat.core.inference import ENGINE_LLAMA_CPP, ENGINE_TRANSFORMERS, LoadRequest
from desktop_chat.engine import memory_estimate
from desktop_chat.engine.errors import ModelLoadError
from desktop_chat.engine.memory_estimate import (
    INT4,
    WAY_CPU,
    WAY_QUANTIZED,
    WAY_SMALLER_CONTEXT,
    estimate_config,
    estimate_folder,
    estimate_gguf,
)

R1_1_5B = json.loads((FIXTURES / "r1-distill-qwen-1.5b" / "config.json").read_text())
GiB = 2**30


def plenty(monkeypatch, free=512 * GiB):
    monkeypatch.setattr(memory_estimate, "free_memory", lambda device: free)


def test_the_1_5b_config_gives_its_parameters_weights_and_kv_cache(monkeypatch):
    plenty(monkeypatch)
    estimate = estimate_config(R1_1_5B, device="cpu", dtype="bfloat16",
                               context_limit=32_768)
    embeddings = 151936 * 1536 * 2  # untied: input embeddings and LM head
    attention = 1536 * 1536 * 2 + 1536 * 2 * 128 * 2 + (1536 + 2 * 2 * 128)  # q, o; k, v; bias
    mlp = 3 * 1536 * 8960
    layer = attention + mlp + 2 * 1536  # two RMS norms
    parameters = embeddings + 28 * layer + 1536  # the final norm
    assert estimate.parameter_count == parameters == 1_777_088_000
    assert estimate.weights_bytes == parameters * 2  # bfloat16
    per_token = 28 * 2 * 128 * 2 * 2  # layers x kv heads x head dim x (k, v) x bytes
    assert estimate.context_tokens == 32_768
    assert estimate.kv_cache_bytes == per_token * 32_768
    assert not estimate.kv_allocated_at_load  # transformers grows its cache
    assert estimate.total_bytes == (estimate.weights_bytes + estimate.overhead_bytes
                                    + max(estimate.kv_cache_bytes, estimate.load_extra_bytes))
    assert estimate.fits and not estimate.ways_out


def test_the_automatic_context_is_the_models_maximum_when_memory_allows(monkeypatch):
    plenty(monkeypatch)
    estimate = estimate_config(R1_1_5B, device="cuda", dtype="bfloat16")
    assert estimate.context_tokens == 131_072
    assert estimate.kv_cache_bytes == 28 * 2 * 128 * 2 * 2 * 131_072


def test_llama_cpp_holds_the_gguf_as_it_is_and_allocates_the_kv_cache(monkeypatch):
    plenty(monkeypatch)
    q4_bytes = 1_117_320_736  # the Q4_K_M file's size
    estimate = estimate_config(R1_1_5B, q4_bytes, engine=ENGINE_LLAMA_CPP, device="cpu")
    assert estimate.weights_bytes == q4_bytes and estimate.precision == "Q4_K_M"
    assert estimate.context_tokens == memory_estimate.LLAMA_CPP_MAX_CONTEXT  # its cap
    assert estimate.kv_cache_bytes == 28 * 2 * 128 * 2 * 2 * 32_768  # float16
    assert estimate.kv_allocated_at_load
    assert estimate.at_load_bytes == q4_bytes + estimate.overhead_bytes + \
        estimate.kv_cache_bytes


def test_int4_packs_the_linear_layers_but_loads_in_bfloat16_first(monkeypatch):
    plenty(monkeypatch)
    bf16 = estimate_config(R1_1_5B, device="cpu", dtype="bfloat16", context_limit=4096)
    int4 = estimate_config(R1_1_5B, device="cpu", dtype=INT4, context_limit=4096)
    linear = 28 * (1536 * 1536 * 2 + 1536 * 256 * 2 + 3 * 1536 * 8960)
    assert int4.weights_bytes == bf16.weights_bytes - linear * 2 + int(linear * 0.625)
    assert int4.load_extra_bytes >= bf16.weights_bytes - int4.weights_bytes


def test_the_download_size_stands_in_for_the_parameter_count(monkeypatch):
    plenty(monkeypatch)
    estimate = estimate_config(R1_1_5B, 3_554_214_752, device="cpu", dtype="float32")
    assert abs(estimate.parameter_count - 1_777_088_000) < 100_000  # the headers' bytes
    assert estimate.weights_bytes == estimate.parameter_count * 4


def test_the_llama_cpp_cap_is_the_engines():
    from desktop_chat.engine import llama_cpp_engine

    assert memory_estimate.LLAMA_CPP_MAX_CONTEXT == llama_cpp_engine.DEFAULT_MAX_CONTEXT


def test_a_folder_is_counted_from_its_safetensors_headers(monkeypatch):
    from desktop_chat.engine.transformers_engine.loader import inspect_model_folder

    plenty(monkeypatch)
    estimate = estimate_folder(TINY_R1, device="cpu", dtype="float32")
    assert estimate.parameter_count == inspect_model_folder(TINY_R1).parameter_count
    assert estimate.weights_bytes == estimate.parameter_count * 4
    assert estimate.context_tokens == 1024  # tiny-r1's maximum
    assert estimate.kv_cache_bytes == 2 * 2 * 16 * 2 * 4 * 1024


def test_a_gguf_is_counted_from_its_tensor_infos(tiny_r1_gguf, monkeypatch):
    plenty(monkeypatch)
    as_is = estimate_gguf(tiny_r1_gguf, device="cpu")
    assert as_is.engine == ENGINE_LLAMA_CPP and as_is.precision == "F32"
    assert as_is.weights_bytes == tiny_r1_gguf.stat().st_size
    dequantized = estimate_gguf(tiny_r1_gguf, engine=ENGINE_TRANSFORMERS, dtype="bfloat16")
    assert dequantized.weights_bytes == as_is.parameter_count * 2
    assert dequantized.load_extra_bytes == as_is.parameter_count * 4  # the float32 copy


def test_too_little_memory_names_the_ways_out(monkeypatch):
    plenty(monkeypatch, free=6 * GiB)
    estimate = estimate_config(R1_1_5B, device="cpu", dtype="float32", context_limit=131_072)
    assert not estimate.fits
    ways = [(way.kind, way.detail) for way in estimate.ways_out]
    assert (WAY_QUANTIZED, "Q4_K_M") in ways and (WAY_QUANTIZED, INT4) in ways
    assert WAY_SMALLER_CONTEXT not in dict(ways)  # float32 weights alone take 6.6 GB
    on_gpu = estimate_config(R1_1_5B, device="cuda", dtype="bfloat16",
                             context_limit=131_072)
    fitting = dict((way.kind, way.detail) for way in on_gpu.ways_out)[WAY_SMALLER_CONTEXT]
    assert 2048 <= fitting < 131_072
    assert WAY_CPU in {way.kind for way in on_gpu.ways_out} or \
        memory_estimate.psutil.virtual_memory().available < 8 * GiB
    with pytest.raises(ModelLoadError, match="needs about .* GB") as refused:
        memory_estimate.refuse_if_too_big(on_gpu)
    assert f"context limit of {fitting:,} tokens" in str(refused.value)
    assert "weights 3.3 GB" in refused.value.details


def test_a_load_that_cannot_fit_is_refused_before_reading_weights(monkeypatch):
    from desktop_chat.engine import registry
    from desktop_chat.engine.transformers_engine import loader

    plan = registry.plan_load(LoadRequest.for_path(str(TINY_R1), context_limit=1024))
    monkeypatch.setattr(memory_estimate, "free_memory", lambda device: 50 * 2**20)
    monkeypatch.setattr(loader, "load_model", lambda *a, **k: pytest.fail("loaded anyway"))
    with pytest.raises(ModelLoadError, match="needs about"):
        plan.check_fits()


def test_a_gguf_that_cannot_fit_is_refused_before_llama_cpp_opens_it(tiny_r1_gguf,
                                                                      monkeypatch):
    from desktop_chat.engine import registry

    plan = registry.plan_load(LoadRequest.for_path(str(tiny_r1_gguf)))
    plenty(monkeypatch)
    needed = estimate_gguf(tiny_r1_gguf).total_bytes
    exactly = int(needed / memory_estimate.MEMORY_SHARE) + 1
    monkeypatch.setattr(memory_estimate, "free_memory", lambda device: exactly)
    plan.check_fits()
    monkeypatch.setattr(memory_estimate, "free_memory", lambda device: exactly * 3 // 4)
    with pytest.raises(ModelLoadError, match="needs about .* 1,024 tokens of context"):
        plan.check_fits()


HOSTILE_HEADERS = {
    "shorter than its length field": b"\x01\x02\x03",
    "a length of a terabyte": (1 << 40).to_bytes(8, "little") + b"{}",
    "a length past the end of the file": (5000).to_bytes(8, "little") + b"{}" * 10,
    "not JSON": (4).to_bytes(8, "little") + b"\xff\xfe{[",
    "JSON nested past the recursion limit": (200_000).to_bytes(8, "little")
    + b"[" * 100_000 + b"]" * 100_000,
    "not a table": (2).to_bytes(8, "little") + b"[]",
    "a tensor that is not a table": (12).to_bytes(8, "little") + b'{"w": [1, 2]}',
    "a shape that is not numbers": (37).to_bytes(8, "little")
    + b'{"w": {"shape": "ab", "dtype": "F16"}}',
}


@pytest.mark.parametrize("content", HOSTILE_HEADERS.values(), ids=list(HOSTILE_HEADERS))
def test_a_hostile_safetensors_header_is_a_problem_the_survey_reports(tmp_path, content):
    # A hostile header must not pull gigabytes into memory, and no decode error escapes the
    # survey, which never raises.
    from desktop_chat.engine.model_survey import read_model_facts

    folder = tmp_path / "model"
    folder.mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (folder / name).write_bytes((TINY_R1 / name).read_bytes())
    (folder / "model.safetensors").write_bytes(content)
    with pytest.raises(ValueError):
        memory_estimate.safetensors_tensors(folder / "model.safetensors")
    facts = read_model_facts(str(folder))
    assert "could not be read" in facts.problem


def test_a_config_nested_past_the_recursion_limit_is_a_problem_the_survey_reports(tmp_path):
    from desktop_chat.engine.model_survey import read_model_facts

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "model.safetensors").write_bytes((TINY_R1 / "model.safetensors").read_bytes())
    assert "could not be read" in read_model_facts(str(folder)).problem

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import torch
from conftest import TINY_R1
from safetensors import safe_open
from torch import nn
from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

from desktop_chat.engine.errors import LoadCancelled
from desktop_chat.engine.transformers_engine import quantize
from desktop_chat.engine.transformers_engine.quantize import int4_available, quantize_int4

pytestmark = pytest.mark.skipif(int4_available() is not None,
                                reason=f"int4 cannot run here: {int4_available()}")

PROMPT = torch.tensor([[3, 14, 15, 92, 65, 35, 89, 79]])


def synthetic() -> Qwen2ForCausalLM:
    """In and out features all multiples of 128, LM head untied."""
    torch.manual_seed(0)
    config = Qwen2Config(hidden_size=256, intermediate_size=512, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, vocab_size=1024,
                         tie_word_embeddings=False)
    return Qwen2ForCausalLM(config).to(torch.bfloat16).eval()


def tiny() -> nn.Module:
    return AutoModelForCausalLM.from_pretrained(TINY_R1, dtype=torch.bfloat16).eval()


def logits(model: nn.Module) -> torch.Tensor:
    with torch.no_grad():
        return model(PROMPT).logits.float()


def int4_layers(model: nn.Module) -> dict[str, int]:
    """Name -> group size of the Linear layers now holding int4 weights."""
    return {name: module.weight.block_size[1] for name, module in model.named_modules()
            if isinstance(module, nn.Linear) and hasattr(module.weight, "qdata")}


def run(model: nn.Module, cache_dir=None, cache_key=None, cancel=None) -> list[str]:
    messages: list[str] = []
    quantize_int4(model, lambda fraction, message: messages.append(message),
                  cancel or threading.Event(), cache_dir=cache_dir, cache_key=cache_key)
    return messages


def dequantized(weight: torch.Tensor) -> torch.Tensor:
    """The weight an int4 layer multiplies by: the kernel run on the identity matrix."""
    with torch.no_grad():
        return nn.functional.linear(torch.eye(weight.shape[1], dtype=torch.bfloat16), weight).T


def relative_error(value: torch.Tensor, reference: torch.Tensor) -> float:
    return float((value.float() - reference.float()).norm() / reference.float().norm())


def test_synthetic_model_quantizes_every_linear_in_groups_of_32_and_stays_close():
    model = synthetic()
    reference = logits(model)
    weights = {name: m.weight.detach().clone() for name, m in model.named_modules()
               if isinstance(m, nn.Linear) and name != "lm_head"}
    run(model)
    assert int4_layers(model) == dict.fromkeys(weights, 32)
    assert len(weights) == 14
    # The head stays bf16 even untied: int4 there cost quality for little speed (measured).
    assert model.lm_head.weight.dtype == torch.bfloat16
    assert not hasattr(model.lm_head.weight, "qdata")
    # Int4 with groups of 32 errs by under 10% on Gaussian weights (a 4-bit grid over
    # each group's range); a packing or layout mistake would be near 100%.
    for name, weight in weights.items():
        assert relative_error(dequantized(model.get_submodule(name).weight), weight) < 0.12
    # Random weights compound those errors through every layer and leave tiny logit
    # margins, so end to end is only loosely close (a trained model fares much better).
    assert relative_error(logits(model), reference) < 0.35


def test_tiny_model_quantizes_every_layer_and_keeps_the_tied_head():
    model = tiny()
    reference = logits(model)
    run(model)
    groups = int4_layers(model)
    assert set(groups.values()) == {32}
    assert len(groups) == 14  # every Linear of both layers
    # The tied head is the embedding's weight, which lookups need unquantized.
    assert "lm_head" not in groups
    assert model.lm_head.weight is model.model.embed_tokens.weight
    assert model.lm_head.weight.dtype == torch.bfloat16
    quantized = logits(model)
    # How far int4 moves the logits is bounded on any CPU; which token wins where two are
    # nearly tied is not: the AVX-512 kernel packs and sums 64 rows, AVX2's 32.
    assert torch.isfinite(quantized).all()
    assert relative_error(quantized, reference) < 0.2


def test_layers_the_kernel_cannot_take_are_left_as_they_are():
    model = nn.Sequential(nn.Linear(48, 64),  # in_features not a multiple of 32
                          nn.Linear(64, 40),  # out_features not a multiple of 16
                          nn.Linear(40, 32),  # neither
                          nn.Linear(32, 16)).to(torch.bfloat16)
    run(model)
    assert int4_layers(model) == {"3": 32}
    assert all(model[i].weight.dtype == torch.bfloat16 and not hasattr(model[i].weight, "qdata")
               for i in range(3))
    assert model(torch.ones(2, 48, dtype=torch.bfloat16)).shape == (2, 16)


def test_greedy_generate_works_after_quantizing():
    for model in (tiny(), synthetic()):
        run(model)
        out = model.generate(PROMPT, max_new_tokens=6, min_new_tokens=6, do_sample=False)
        assert out.shape == (1, PROMPT.shape[1] + 6)
        again = model.generate(PROMPT, max_new_tokens=6, min_new_tokens=6, do_sample=False)
        assert torch.equal(out, again)


def test_chunked_quantization_packs_exactly_as_the_whole(monkeypatch):
    # Row chunks bound memory on big layers; the packed layout must not depend on them.
    whole = synthetic()
    run(whole)
    chunked = synthetic()
    monkeypatch.setattr(quantize, "CHUNK_ROWS", 64)  # 512-row gate_proj in 8 chunks
    run(chunked)
    for name, module in whole.named_modules():
        if hasattr(getattr(module, "weight", None), "qdata"):
            other = chunked.get_submodule(name).weight
            assert torch.equal(module.weight.qdata, other.qdata), name
            assert torch.equal(module.weight.scale_and_zero, other.scale_and_zero), name


def test_progress_rises_to_one():
    fractions: list[float] = []
    quantize_int4(synthetic(), lambda fraction, _: fractions.append(fraction),
                  threading.Event())
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0


def test_cancel_raises_load_cancelled(tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(LoadCancelled):
        run(synthetic(), cancel=cancel)

    model = synthetic()
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if fraction > 0.3:
            cancel.set()

    with pytest.raises(LoadCancelled):
        quantize_int4(model, progress, cancel, cache_dir=tmp_path, cache_key="k")
    assert 0 < len(int4_layers(model)) < 14  # stopped part way
    assert list(tmp_path.iterdir()) == []  # and wrote no cache


def test_cancel_while_reading_the_cache(tmp_path):
    run(synthetic(), tmp_path, "k")
    cancel = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if message == "Reading the int4 weights" and fraction > 0.3:
            cancel.set()

    with pytest.raises(LoadCancelled):
        quantize_int4(synthetic(), progress, cancel, cache_dir=tmp_path, cache_key="k")


def test_cache_round_trip_gives_identical_logits(tmp_path, monkeypatch):
    first = synthetic()
    messages = run(first, tmp_path, "weights-v1")
    assert "Quantizing to int4" in messages
    assert len(list(tmp_path.glob("int4-*.safetensors"))) == 1

    # The second load must not quantize at all.
    def refuse(*args, **kwargs):
        raise AssertionError("quantized although the cache is valid")

    monkeypatch.setattr(quantize._int4_tensor_class(), "from_hp", refuse)
    second = synthetic()
    messages = run(second, tmp_path, "weights-v1")
    assert "Reading the int4 weights" in messages and "Quantizing to int4" not in messages
    assert int4_layers(second) == int4_layers(first)
    assert torch.equal(logits(second), logits(first))


def test_cache_of_other_weights_is_not_used(tmp_path):
    run(synthetic(), tmp_path, "k")
    # Same key, different model: the recorded layer shapes differ, so it quantizes again.
    model = tiny()
    messages = run(model, tmp_path, "k")
    assert "Quantizing to int4" in messages
    fresh = tiny()
    run(fresh)
    assert torch.equal(logits(model), logits(fresh))
    # A different key names a different file.
    messages = run(synthetic(), tmp_path, "other")
    assert "Quantizing to int4" in messages
    assert len(list(tmp_path.glob("int4-*.safetensors"))) == 2


def same_cache(path, other) -> bool:
    # Compared parsed: safetensors may order its header differently from one write to another.
    with safe_open(path, framework="pt") as one, safe_open(other, framework="pt") as two:
        return (one.metadata() == two.metadata() and set(one.keys()) == set(two.keys())
                and all(torch.equal(one.get_tensor(key), two.get_tensor(key))
                        for key in one.keys()))


def test_cache_from_a_cpu_with_another_packing_is_not_used(tmp_path, monkeypatch):
    # The kernel packs rows in blocks of 32 on AVX2 and 64 on AVX512: layouts differ.
    run(synthetic(), tmp_path, "k")
    other = "AVX512" if torch.backends.cpu.get_cpu_capability() != "AVX512" else "AVX2"
    monkeypatch.setattr(torch.backends.cpu, "get_cpu_capability", lambda: other)
    assert "Quantizing to int4" in run(synthetic(), tmp_path, "k")


MAKE_CACHE_ELSEWHERE = """
import sys, torch
sys.path.insert(0, sys.argv[2])
from test_quantize import run, synthetic
run(synthetic(), sys.argv[1], "k")
print(torch.backends.cpu.get_cpu_capability())
"""


def test_a_cache_made_under_another_cpu_capability_is_remade(tmp_path):
    # A real process with another ATen CPU capability packs for its own kernel: its cache
    # must not be used here, and is replaced by one made for this CPU.
    here = torch.backends.cpu.get_cpu_capability()
    other = "default" if here != "DEFAULT" else "avx2"
    made = subprocess.run(
        [sys.executable, "-c", MAKE_CACHE_ELSEWHERE, str(tmp_path), str(Path(__file__).parent)],
        env={**os.environ, "ATEN_CPU_CAPABILITY": other}, capture_output=True, text=True,
        check=True, timeout=600)
    there = made.stdout.split()[-1]
    if there == here:
        pytest.skip(f"this CPU offers no capability but {here}")
    [cache] = tmp_path.glob("int4-*.safetensors")
    with safe_open(cache, framework="pt") as cached:
        assert cached.metadata()["cpu_capability"] == there

    assert "Quantizing to int4" in run(synthetic(), tmp_path, "k")
    with safe_open(cache, framework="pt") as cached:
        assert cached.metadata()["cpu_capability"] == here
        assert cached.metadata()["torch"] == torch.__version__
    assert "Quantizing to int4" not in run(synthetic(), tmp_path, "k")


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "missing its last byte": lambda data: data[:-1],
    "garbage": lambda data: b"\xff" * 64,
    "empty": lambda data: b"",
    "header lies about its size": lambda data: (10**9).to_bytes(8, "little") + data[8:],
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=list(DAMAGE))
def test_damaged_cache_falls_back_to_quantizing_and_is_rewritten(tmp_path, damage):
    reference = synthetic()
    run(reference, tmp_path, "k")
    [cache] = tmp_path.glob("int4-*.safetensors")
    good_copy = tmp_path.parent / "good.safetensors"
    good_copy.write_bytes(cache.read_bytes())
    cache.write_bytes(damage(good_copy.read_bytes()))

    model = synthetic()
    messages = run(model, tmp_path, "k")
    assert "Quantizing to int4" in messages
    assert torch.equal(logits(model), logits(reference))
    assert same_cache(cache, good_copy)  # rewritten whole
    assert [p.name for p in tmp_path.iterdir()] == [cache.name]  # no temporary file left

    messages = run(synthetic(), tmp_path, "k")
    assert "Quantizing to int4" not in messages


def test_a_cache_that_cannot_be_written_does_not_fail_the_load(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    model = synthetic()
    run(model, blocker, "k")
    assert len(int4_layers(model)) == 14
    assert blocker.read_text() == ""


def test_without_a_key_nothing_is_cached(tmp_path):
    run(synthetic(), tmp_path, None)
    assert list(tmp_path.iterdir()) == []

"""engine/fast_copy/cache.py: copies named by the folder's content, written under a temp name,
found again without hashing, and nothing half-written ever found; core/fast_copy.py's
choices."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from conftest import TINY_R1
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_chat.core.fast_copy import offer_for, quantization_for
from desktop_chat.core.inference import ENGINE_LLAMA_CPP, ENGINE_TRANSFORMERS, ModelInfo
from desktop_chat.core.model_source import ModelSource
from desktop_chat.engine.fast_copy import gguf_convert
from desktop_chat.engine.fast_copy.cache import (
    INDEX_NAME,
    MAX_INDEX_BYTES,
    FastCopyCache,
    fingerprint,
)
from desktop_chat.engine.fast_copy.errors import (
    ConversionCancelled,
    FolderChanged,
    UnsupportedModel,
)

pytest.importorskip("llama_cpp", reason="copies are quantized by llama-cpp-python")


def make(cache: FastCopyCache, folder: Path, cancel: threading.Event | None = None):
    return cache.make(folder, "Q8_0", lambda done, total: None, cancel or threading.Event())


def test_a_crash_mid_write_leaves_nothing_that_is_found_or_kept(tmp_path, monkeypatch):
    cache = FastCopyCache(tmp_path / "cache")
    real = gguf_convert.quantize_gguf

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gguf_convert, "quantize_gguf", crash)
    with pytest.raises(OSError):
        make(cache, TINY_R1)
    assert cache.find(TINY_R1) is None
    assert [p.name for p in cache.root.iterdir()] == []  # neither the f16 step nor the copy
    monkeypatch.setattr(gguf_convert, "quantize_gguf", real)
    made = make(cache, TINY_R1)
    assert cache.find(TINY_R1) == made and made.path.name.endswith("-Q8_0.gguf")


def test_the_same_content_elsewhere_reuses_the_copy_and_a_change_makes_a_new_one(tmp_path):
    cache = FastCopyCache(tmp_path / "cache")
    before = fingerprint(TINY_R1)
    first = make(cache, TINY_R1)
    moved = shutil.copytree(TINY_R1, tmp_path / "elsewhere")
    assert cache.find(moved) is None  # never opened there: its content is hashed once
    again = make(cache, moved)
    assert again.path == first.path and first.path.stat().st_mtime_ns == \
        again.path.stat().st_mtime_ns
    assert cache.find(moved) == again
    (moved / "generation_config.json").write_text("{}", encoding="utf-8")
    assert cache.find(moved) is None  # changed since: its copy no longer fits
    assert make(cache, moved).path != first.path
    assert fingerprint(TINY_R1) == before
    assert cache.remove(TINY_R1) and cache.find(TINY_R1) is None
    assert {c.folder for c in cache.copies()} == {str(moved)}


def test_a_cancel_during_the_quantizer_keeps_nothing(tmp_path, monkeypatch):
    cache = FastCopyCache(tmp_path / "cache")
    cancel = threading.Event()
    real = gguf_convert.quantize_gguf

    def quantize_then_cancelled(*args, **kwargs):  # llama.cpp's call cannot be stopped
        out = real(*args, **kwargs)
        cancel.set()
        return out

    monkeypatch.setattr(gguf_convert, "quantize_gguf", quantize_then_cancelled)
    with pytest.raises(ConversionCancelled):
        make(cache, TINY_R1, cancel)
    assert cache.find(TINY_R1) is None
    assert [p.name for p in cache.root.iterdir()] == []


def test_cancel_and_unsupported_leave_no_file(tmp_path):
    cache = FastCopyCache(tmp_path / "cache")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ConversionCancelled):
        make(cache, TINY_R1, cancel)
    assert [p.name for p in cache.root.iterdir()] == []
    odd = shutil.copytree(TINY_R1, tmp_path / "odd")
    config = (odd / "config.json").read_text(encoding="utf-8")
    (odd / "config.json").write_text(config.replace('"qwen2"', '"mistral"'), encoding="utf-8")
    with pytest.raises(UnsupportedModel):
        make(cache, odd)
    assert [p.name for p in cache.root.iterdir()] == []


def _info(engine=ENGINE_TRANSFORMERS, device="cpu", architecture="Qwen2ForCausalLM",
          parameters=1_777_088_000) -> ModelInfo:
    return ModelInfo("m", ModelSource.local("/models/m"), engine, device, "CPU", "bfloat16",
                     4096, architecture=architecture, parameter_count=parameters)


def test_what_is_offered_and_in_which_quantization():
    offer = offer_for(_info())
    assert (offer.quantization, offer.folder, offer.unsupported) == ("Q4_K_M", "/models/m", None)
    assert 1.0e9 < offer.size_bytes < 1.2e9  # DeepSeek-R1-Distill-Qwen-1.5B: 1.12 GB
    assert offer.minutes >= 1
    assert quantization_for(134_515_008) == "Q8_0"  # SmolLM2-135M
    assert offer_for(_info(device="cuda")) is None
    assert offer_for(_info(engine=ENGINE_LLAMA_CPP)) is None
    assert offer_for(_info(device="mps")) is not None  # Apple Silicon: llama.cpp on Metal
    assert "GPT2LMHeadModel" in offer_for(_info(architecture="GPT2LMHeadModel")).unsupported


def test_copies_of_folders_that_are_gone_go_at_the_next_make(tmp_path):
    cache = FastCopyCache(tmp_path / "cache")
    gone = shutil.copytree(TINY_R1, tmp_path / "gone")
    (gone / "README.md").write_text("another content, another copy", encoding="utf-8")
    orphan = make(cache, gone).path
    shutil.rmtree(gone)  # deleted on the Models page, or by hand
    stray = cache.root / f"{'0' * 64}-Q8_0.gguf"  # removed while open (Windows refused)
    stray.write_bytes(b"GGUF")
    kept = make(cache, TINY_R1)
    assert not orphan.exists() and not stray.exists() and kept.path.exists()
    assert [c.folder for c in cache.copies()] == [str(TINY_R1)]


@pytest.mark.parametrize("index", [
    "[" * 100_000,  # nested past the recursion limit
    '{"%s": {"key": [], "fingerprint": []}}',  # a key no set can hold
    '{"%s": {"key": {"a": 1}, "fingerprint": 5}}',
    '{"%s": {"key": "/etc/passwd", "fingerprint": null}}',  # a pattern glob refuses
    '{"%s": {"key": "../outside", "fingerprint": %f}}',  # a file outside the cache dir
    '{"%s": {"key": "*", "fingerprint": %f}}',
    '{"%s": {"key": 7}}',
    '{"%s": []}',
    "[1, 2]",
    "null",
    '"text"',
    "\xff\xfe not utf-8",
])
def test_a_hostile_index_finds_nothing_and_makes_anew(tmp_path, index):
    cache = FastCopyCache(tmp_path / "cache")
    cache.root.mkdir(parents=True)
    outside = tmp_path / "outside-Q8_0.gguf"
    outside.write_bytes(b"GGUF")
    text = index.replace("%s", str(TINY_R1.resolve()).replace("\\", "\\\\")).replace(
        "%f", json.dumps(fingerprint(TINY_R1)))
    (cache.root / INDEX_NAME).write_bytes(text.encode("latin-1" if "\xff" in text else "utf-8"))
    assert cache.find(TINY_R1) is None
    assert cache.copies() == []
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ConversionCancelled):  # got as far as hashing the folder
        make(cache, TINY_R1, cancel)
    assert cache.remove(TINY_R1) is False
    assert outside.exists()


def test_an_index_past_its_size_bound_is_not_read(tmp_path):
    cache = FastCopyCache(tmp_path / "cache")
    make(cache, TINY_R1)
    index = cache.root / INDEX_NAME
    text = index.read_text(encoding="utf-8")
    index.write_text(text + " " * MAX_INDEX_BYTES, encoding="utf-8")  # still valid JSON
    assert cache.find(TINY_R1) is None  # as if there were none: hashed and found again
    assert make(cache, TINY_R1).path.exists()
    assert cache.find(TINY_R1) is not None


def test_a_copy_cut_short_by_a_crash_is_neither_found_nor_reused(tmp_path):
    """A power cut can leave the renamed copy shorter than written (its data never reached
    the disk): llama.cpp would fail on it at every open."""
    cache = FastCopyCache(tmp_path / "cache")
    whole = make(cache, TINY_R1)
    data = whole.path.read_bytes()
    whole.path.write_bytes(data[: len(data) // 2])
    assert cache.find(TINY_R1) is None  # the folder opens as it is
    again = make(cache, TINY_R1)
    assert again.path.read_bytes() == data  # made anew, not the half kept
    assert cache.find(TINY_R1) == again


def test_a_file_rewritten_with_its_size_and_time_kept_is_a_change(tmp_path):
    """rsync -t, tar or cp -p can put new weights of the same shape (the same size) in place
    with the old modification time: the copy of the old ones must not be opened."""
    import os

    folder = shutil.copytree(TINY_R1, tmp_path / "fine-tuned")
    cache = FastCopyCache(tmp_path / "cache")
    make(cache, folder)
    weights = folder / "model.safetensors"
    before = weights.stat()
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # the last weight's last byte
    weights.write_bytes(bytes(data))
    os.utime(weights, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert weights.stat().st_size == before.st_size
    assert cache.find(folder) is None


def test_a_folder_that_changes_while_it_is_copied_gets_no_copy(tmp_path, monkeypatch):
    """Its content was hashed before the change and converted after: the copy would be
    kept under a name that says the old content (and served to a folder holding it)."""
    folder = shutil.copytree(TINY_R1, tmp_path / "model")
    cache = FastCopyCache(tmp_path / "cache")
    real = gguf_convert.quantize_gguf

    def edited_meanwhile(*args, **kwargs):
        (folder / "generation_config.json").write_text('{"temperature": 0.1}', encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(gguf_convert, "quantize_gguf", edited_meanwhile)
    with pytest.raises(FolderChanged):
        make(cache, folder)
    assert [p.name for p in cache.root.iterdir()] == []
    monkeypatch.setattr(gguf_convert, "quantize_gguf", real)
    made = make(cache, folder)  # made again, as it is now
    assert cache.find(folder) == made


def test_a_gpu_chosen_in_the_settings_runs_the_folder_not_a_cpu_copy(tmp_path, monkeypatch):
    """The copy was made for the CPU; a user who later chooses CUDA in the settings gets
    the folder on the GPU (or hears that it has none), not llama.cpp on the CPU."""
    import llama_cpp

    from desktop_chat.core.inference import LoadRequest
    from desktop_chat.engine.fast_copy.plan import FastCopyPlan
    from desktop_chat.engine.registry import plan_load
    from desktop_chat.engine.transformers_engine.device import DeviceUnavailableError

    monkeypatch.setattr(llama_cpp, "llama_supports_gpu_offload", lambda: False)  # a CPU build
    cache_dir = tmp_path / "cache"
    make(FastCopyCache(cache_dir), TINY_R1)
    on_cpu = plan_load(LoadRequest.for_path(str(TINY_R1), device="cpu", fast_copy=True),
                       cache_dir)
    assert isinstance(on_cpu, FastCopyPlan)
    try:
        on_gpu = plan_load(LoadRequest.for_path(str(TINY_R1), device="cuda", fast_copy=True),
                           cache_dir)
    except DeviceUnavailableError:
        on_gpu = None  # this machine has no CUDA: said so, as for any folder
    assert not isinstance(on_gpu, FastCopyPlan)


_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
            | st.sampled_from([10**400, -1, "", "*", "../x", "/", "0" * 64]))
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=12)
# Entries near the shape make writes, so the readers' later steps are reached too.
_entries = st.fixed_dictionaries({}, optional={
    "key": _json | st.just("a" * 64), "fingerprint": _json | st.just([]),
    "bytes": _json | st.just(0), "name": _json})


@given(_json | st.builds(lambda entry: {str(TINY_R1.resolve()): entry}, _entries | _json))
@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_index_is_read_without_an_error(tmp_path, index):
    cache = FastCopyCache(tmp_path / "cache")
    cache.root.mkdir(parents=True, exist_ok=True)
    (cache.root / INDEX_NAME).write_text(json.dumps(index), encoding="utf-8")
    cache.find(TINY_R1)
    cache.copies()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ConversionCancelled):
        make(cache, TINY_R1, cancel)
    cache.remove(TINY_R1)


def test_a_folder_without_safetensors_is_refused_before_any_work(tmp_path):
    """transformers opens pytorch_model.bin; the converter reads safetensors only. Refused
    (said once, remembered) rather than failing after hashing, and offered at every start."""
    import torch
    from safetensors.torch import load_file

    folder = shutil.copytree(TINY_R1, tmp_path / "pickled")
    torch.save(load_file(folder / "model.safetensors"), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    cache = FastCopyCache(tmp_path / "cache")
    with pytest.raises(UnsupportedModel, match="safetensors"):
        make(cache, folder)
    assert not cache.root.exists() or not any(cache.root.iterdir())

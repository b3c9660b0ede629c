import pytest
import torch

from desktop_chat.engine.transformers_engine import device
from desktop_chat.engine.transformers_engine.device import DeviceUnavailableError, choose_device


@pytest.fixture
def cpu_only(monkeypatch):
    monkeypatch.setattr(device, "detect_accelerator", lambda: "cpu")


@pytest.mark.parametrize("native, expected", [(True, torch.bfloat16), (False, torch.float32)])
def test_cpu_takes_bf16_only_where_the_processor_has_it(cpu_only, monkeypatch, native, expected):
    monkeypatch.setattr(device, "cpu_has_native_bf16", lambda: native)
    choice = choose_device("auto", "auto", "qwen2")
    assert choice.device == "cpu"
    assert choice.dtype is expected
    assert "processor" in choice.reason


def test_this_machine_reports_a_reason_for_its_choice():
    choice = choose_device()
    assert choice.device in ("cpu", "cuda", "mps", "xpu")
    assert choice.dtype_name in ("bfloat16", "float16", "float32")
    assert "detected" in choice.reason


def test_a_cuda_gpu_without_bf16_never_gets_fp16_for_qwen2(monkeypatch):
    monkeypatch.setattr(device, "detect_accelerator", lambda: "cuda")
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    monkeypatch.setattr(device, "device_name", lambda d: "Old GPU")
    assert choose_device("auto", "auto", "qwen2").dtype is torch.float32
    assert choose_device("auto", "auto", "llama").dtype is torch.float16


def test_user_overrides_win_and_fp16_on_qwen2_is_flagged(cpu_only):
    choice = choose_device("cpu", "float16", "qwen2")
    assert choice.dtype is torch.float16
    assert "overflow" in choice.reason and "chosen in the settings" in choice.reason


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_an_unavailable_device_is_refused_with_a_message():
    with pytest.raises(DeviceUnavailableError, match="CUDA .* not available"):
        choose_device("cuda")

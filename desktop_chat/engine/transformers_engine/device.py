"""Which accelerator runs the model, and in which precision, with the reason why.

Precision policy (each choice can be overridden by the user):
- never float16 by default for model families whose activations overflow it (Qwen2 and
  relatives turn into NaN, shown as "!!!!"); float16 otherwise only where bfloat16 is not
  supported on a GPU;
- CUDA and XPU: bfloat16 where the device supports it;
- Apple MPS: bfloat16 on macOS 14 and newer, else float32;
- CPU: bfloat16 where the processor computes it natively (AVX512-BF16 or AMX on x86,
  the BF16 extension on Arm), else float32: emulated bfloat16 is slower than float32;
- CPU, on request: int4 weight-only (torchao), loaded in bfloat16 and then quantized:
  about 3x the decode speed of bfloat16, for a small loss in quality.
"""

from __future__ import annotations

import functools
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import torch

from desktop_chat.core.user_message import tr
from desktop_chat.engine.errors import ModelLoadError

FP16_UNSAFE_MODEL_TYPES = frozenset({"qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma",
                                     "gemma2", "gemma3", "gemma3_text", "t5"})
DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
INT4 = "int4"  # weight-only quantization after loading; the CPU only


class DeviceUnavailableError(ModelLoadError):
    """The device or precision chosen in the settings cannot run here."""


@dataclass(frozen=True)
class DeviceChoice:
    device: str  # a torch device string: "cuda", "mps", "xpu" or "cpu"
    dtype: torch.dtype
    device_name: str  # for people: "NVIDIA H200", "Apple M2", "CPU (16 threads)"
    reason: str  # why this device and precision, in words
    quantization: str | None = None  # INT4: weights quantized after loading in ``dtype``

    @property
    def dtype_name(self) -> str:
        return str(self.dtype).removeprefix("torch.")

    @property
    def precision(self) -> str:
        return "int4 (torchao)" if self.quantization == INT4 else self.dtype_name


def detect_accelerator() -> str:
    """The best available device type: cuda, mps, xpu or cpu."""
    accelerator_api = getattr(torch, "accelerator", None)
    if accelerator_api is not None and accelerator_api.is_available():
        current = accelerator_api.current_accelerator()
        if current is not None and current.type in ("cuda", "mps", "xpu"):
            return current.type
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    if hasattr(torch, "xpu") and torch.xpu.is_available():
        return "xpu"
    return "cpu"


def choose_device(device: str = "auto", dtype: str = "auto",
                  model_type: str | None = None) -> DeviceChoice:
    """Resolve the user's preferences (``auto`` or a name) into a device and dtype."""
    if device == "auto":
        device = detect_accelerator()
        device_reason = tr("{device} was detected", device=_describe(device))
    else:
        if device != "cpu" and not _available(device):
            raise DeviceUnavailableError(tr(
                "The device {device} was chosen in the settings but is not available on this "
                "computer. Choose Automatic or CPU.", device=device.upper()))
        device_reason = tr("{device} was chosen in the settings", device=_describe(device))
    if dtype == INT4:
        return _int4_choice(device, device_reason)
    if dtype == "auto":
        chosen, dtype_reason = _default_dtype(device, model_type)
    else:
        chosen = DTYPES[dtype]
        dtype_reason = tr("{precision} was chosen in the settings", precision=dtype)
        if chosen is torch.float16 and model_type in FP16_UNSAFE_MODEL_TYPES:
            dtype_reason = tr("{precision} was chosen in the settings (float16 can overflow "
                              "with {model} models)", precision=dtype, model=model_type)
    return DeviceChoice(device, chosen, device_name(device), tr(
        "{device_reason}; {precision_reason}", device_reason=device_reason,
        precision_reason=dtype_reason))


def _int4_choice(device: str, device_reason: str) -> DeviceChoice:
    from desktop_chat.engine.transformers_engine.quantize import int4_available

    if device != "cpu":
        raise DeviceUnavailableError(tr(
            "int4 (torchao) runs on the CPU only. Choose the CPU as the device, or another "
            "precision."))
    if (missing := int4_available()) is not None:
        raise DeviceUnavailableError(tr("int4 precision is not available here: {why}",
                                        why=missing))
    return DeviceChoice(device, torch.bfloat16, device_name(device), tr(
        "{device_reason}; {precision_reason}", device_reason=device_reason,
        precision_reason=tr("int4 weight-only was chosen in the settings")),
        quantization=INT4)


def _default_dtype(device: str, model_type: str | None) -> tuple[torch.dtype, str]:
    fp16_ok = model_type not in FP16_UNSAFE_MODEL_TYPES
    if device == "cuda":
        if torch.cuda.is_bf16_supported():
            return torch.bfloat16, tr("bfloat16: supported by this GPU")
        if fp16_ok:
            return torch.float16, tr("float16: this GPU has no bfloat16")
        return torch.float32, tr("float32: this GPU has no bfloat16 and {model} overflows "
                                 "float16", model=model_type)
    if device == "xpu":
        if torch.xpu.is_bf16_supported():
            return torch.bfloat16, tr("bfloat16: supported by this GPU")
        return torch.float32, tr("float32: this GPU has no bfloat16")
    if device == "mps":
        if torch.backends.mps.is_macos_or_newer(14, 0):
            return torch.bfloat16, tr("bfloat16: supported by Metal on macOS 14 and newer")
        return torch.float32, tr("float32: bfloat16 needs macOS 14 on Apple GPUs")
    if cpu_has_native_bf16():
        return torch.bfloat16, tr("bfloat16: this processor computes it natively")
    return torch.float32, tr("float32: this processor has no native bfloat16")


def _available(device: str) -> bool:
    if device == "cuda":
        return torch.cuda.is_available()
    if device == "mps":
        return torch.backends.mps.is_available()
    if device == "xpu":
        return hasattr(torch, "xpu") and torch.xpu.is_available()
    return device == "cpu"


def _describe(device: str) -> str:
    return {"cuda": tr("a CUDA GPU"), "mps": tr("the Apple GPU (Metal)"),
            "xpu": tr("an Intel GPU"), "cpu": tr("the CPU")}[device]


def device_name(device: str) -> str:
    if device == "cuda":
        return torch.cuda.get_device_name(0)
    if device == "xpu":
        return torch.xpu.get_device_name(0)
    if device == "mps":
        return tr("Apple GPU ({machine})", machine=platform.machine())
    return tr("CPU ({n} threads)", n=torch.get_num_threads())


@functools.cache
def cpu_has_native_bf16() -> bool:
    try:
        if sys.platform.startswith("linux"):
            text = Path("/proc/cpuinfo").read_text(errors="replace")
            flags = set()
            for line in text.splitlines():
                if line.startswith(("flags", "Features")):
                    flags.update(line.split(":", 1)[1].split())
            return bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})
        if sys.platform == "darwin":
            result = subprocess.run(["sysctl", "-n", "hw.optional.arm.FEAT_BF16"],
                                    capture_output=True, text=True, timeout=5)
            return result.stdout.strip() == "1"
        if sys.platform == "win32":
            import cpuinfo  # py-cpuinfo reads CPUID; Windows has no /proc/cpuinfo

            flags = set(cpuinfo.get_cpu_info().get("flags", []))
            return bool(flags & {"avx512_bf16", "amx_bf16"})
    except (OSError, subprocess.SubprocessError, ImportError, ValueError):
        pass
    return False


def empty_accelerator_cache(device: str) -> None:
    if device == "cuda":
        torch.cuda.empty_cache()
    elif device == "mps":
        torch.mps.empty_cache()
    elif device == "xpu":
        torch.xpu.empty_cache()

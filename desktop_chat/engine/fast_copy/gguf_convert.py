"""Convert a Hugging Face model folder to a GGUF file that llama.cpp loads.

A short relative of llama.cpp's convert_hf_to_gguf.py for the models this project tests and
benchmarks with: Qwen2ForCausalLM (tests/fixtures/tiny-r1, DeepSeek-R1-Distill-Qwen's shape)
and LlamaForCausalLM with SmolLM's tokenizer (the SmolLM2-135M-Instruct demo model). Input is a
folder of safetensors, config.json, tokenizer.json and tokenizer_config.json (+ an optional
chat_template.jinja); the tokenizer must be a byte-level BPE one. ``--quantize`` re-quantizes
the written file with llama.cpp's own quantizer (llama-cpp-python's binding).

The fast copy of a model folder (``cache.py``) is made here; ``scripts/hf_to_gguf.py`` is the
command line for tests and benches. ``progress(done, total)`` is called after each tensor
(the quantization afterwards counts as much as all of them); ``cancel`` is checked between
them and ends the conversion with ``ConversionCancelled``, the unfinished file removed.
"""

from __future__ import annotations

import ctypes
import json
import logging
import threading
from collections.abc import Iterator
from hashlib import sha256
from pathlib import Path

import gguf
import numpy as np
import torch
from safetensors import safe_open

from desktop_chat.engine.fast_copy.errors import ConversionCancelled, Progress, UnsupportedModel

ARCHS = {"qwen2": gguf.MODEL_ARCH.QWEN2, "llama": gguf.MODEL_ARCH.LLAMA}
# tokenizer.ggml.pre names the split regex llama.cpp applies before BPE (src/llama-vocab.cpp);
# it must be the one the model's tokenizer.json uses, or ids silently differ from HF's.
PRE_TOKENIZERS = {"qwen2": "qwen2", "llama": "smollm"}
# convert_hf_to_gguf.py recognises SmolLM's tokenizer by the ids of this text; other Llama
# tokenizers (Llama 3, SentencePiece ones) need other pre-tokenizers, so they are refused.
SMOLLM_CHECK = (
    "\n \n\n \n\n\n \t \t\t \t\n  \n   \n    \n     \n🚀 (normal) 😶\u200d🌫️ (multiple emojis "
    "concatenated) ✅ 🦙🦙 3 33 333 3333 33333 333333 3333333 33333333 3.3 3..3 3...3 "
    "កាន់តែពិសេសអាច😁 ?我想在apple工作1314151天～ ------======= нещо на Български "
    "''''''```````\"\"\"\"......!!!!!!?????? I've been 'told he's there, 'RE you sure? 'M not "
    "sure I'll make it, 'D you like some tea? We'Ve a'lL"
)
SMOLLM_HASH = "855059429035d75a914d1eda9f10a876752e281a054a7a3d421ef0533e5b6249"

def _no_progress(done: int, total: int) -> None:
    pass

Q = gguf.GGMLQuantizationType
OUTTYPES = {  # --outtype: (general.file_type, torch dtype, GGML type) of the matrices
    "f32": (gguf.LlamaFileType.ALL_F32, torch.float32, Q.F32),
    "f16": (gguf.LlamaFileType.MOSTLY_F16, torch.float16, Q.F16),
    "bf16": (gguf.LlamaFileType.MOSTLY_BF16, torch.bfloat16, Q.BF16),
}


def _vocab(model_dir: Path, n_vocab: int, pre: str) -> tuple[list[str], list[int], bool, bool]:
    """Tokens and token types as convert_hf_to_gguf's get_vocab_base writes them, and whether
    the HF tokenizer adds BOS / EOS to a plain encode (llama.cpp must do the same)."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    check = str(tok.encode(SMOLLM_CHECK)).encode()
    if pre == "smollm" and sha256(check).hexdigest() != SMOLLM_HASH:
        raise UnsupportedModel(f"{model_dir}: a Llama model without SmolLM's tokenizer is "
                               "unsupported")
    by_id = {i: text for text, i in tok.get_vocab().items()}
    if max(by_id) >= n_vocab:
        raise UnsupportedModel(f"the tokenizer has ids beyond the model's {n_vocab} embedding rows")
    added = tok.added_tokens_decoder
    tokens, types = [], []
    for i in range(n_vocab):
        if i not in by_id:  # embedding rows no token uses (Qwen pads its vocab to 151936)
            tokens.append(f"[PAD{i}]")
            types.append(gguf.TokenType.UNUSED)
            continue
        tokens.append(by_id[i])
        if i not in added:
            types.append(gguf.TokenType.NORMAL)
        # Like HF, llama.cpp only matches CONTROL tokens in text when asked to parse specials,
        # USER_DEFINED ones (R1's <think>, </think>) always.
        elif added[i].special:
            types.append(gguf.TokenType.CONTROL)
        else:
            types.append(gguf.TokenType.USER_DEFINED)
    ids = tok("a")["input_ids"]
    add_bos = tok.bos_token_id is not None and ids[0] == tok.bos_token_id
    add_eos = tok.eos_token_id is not None and ids[-1] == tok.eos_token_id
    return tokens, types, add_bos, add_eos


def _permute(w: torch.Tensor, n_head: int) -> torch.Tensor:
    """HF Llama rotates the two halves of each head (NeoX order); llama.cpp's LLAMA graph
    rotates interleaved pairs, so q/k rows are reordered (convert_hf_to_gguf's permute)."""
    heads = w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
    return heads.swapaxes(1, 2).reshape(w.shape)


def _tensors(model_dir: Path, config: dict) -> Iterator[tuple[str, str, Path]]:
    """(HF name, GGUF name, safetensors file) of every tensor to write, in file order."""
    arch = ARCHS[config["model_type"]]
    names = gguf.get_tensor_name_map(arch, config["num_hidden_layers"])
    files = sorted(model_dir.glob("*.safetensors"))
    if not files:
        raise FileNotFoundError(f"no *.safetensors in {model_dir}")
    for file in files:
        with safe_open(file, framework="pt") as f:
            for name in f.keys():
                if name.endswith("rotary_emb.inv_freq"):
                    continue  # recomputed by llama.cpp from rope.freq_base
                if name == "lm_head.weight" and config.get("tie_word_embeddings"):
                    continue  # llama.cpp falls back to token_embd when output.weight is absent
                new = names.get_name(name, try_suffixes=(".weight", ".bias"))
                if new is None:
                    raise UnsupportedModel(f"cannot map tensor {name!r} to GGUF")
                yield name, new, file


def _rope_theta(config: dict) -> float:
    rope = config.get("rope_parameters") or {}  # transformers 5; older configs: rope_theta
    if rope.get("rope_type", "default") != "default" or config.get("rope_scaling"):
        raise UnsupportedModel(f"unsupported RoPE scaling: {rope or config['rope_scaling']}")
    return float(rope.get("rope_theta", config.get("rope_theta", 10000.0)))


def check_supported(model_dir: Path) -> dict:
    """The folder's config.json; UnsupportedModel when its architecture cannot be written."""
    config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    model_type = config.get("model_type")
    if model_type not in ARCHS:
        raise UnsupportedModel(
            f"unsupported model_type {model_type!r}; supported: {sorted(ARCHS)}")
    _rope_theta(config)
    if not any(Path(model_dir).glob("*.safetensors")):
        raise UnsupportedModel("its weights are not in safetensors files, the only ones the "
                               "converter reads")
    return config


def convert(model_dir: Path, out_file: Path, outtype: str = "f16",
            quantize: str | None = None, progress: Progress = _no_progress,
            cancel: threading.Event | None = None) -> Path:
    """Write ``model_dir`` as a GGUF file; with ``quantize`` (e.g. "Q8_0", "Q4_K_M") the
    ``outtype`` file is an intermediate that llama.cpp quantizes into ``out_file``."""
    model_dir, out_file = Path(model_dir), Path(out_file)
    if quantize and quantize.upper() != outtype.upper():
        tmp = out_file.with_name(f"{out_file.name}.{outtype}.tmp")
        # Writing the tensors is the first half, llama.cpp's quantizer (one call that
        # reports nothing) the second: about as long on a CPU.
        steps = [0]

        def written(done: int, total: int) -> None:
            steps[0] = 2 * total
            progress(done, 2 * total)

        try:
            convert(model_dir, tmp, outtype, None, written, cancel)
            if cancel is not None and cancel.is_set():
                raise ConversionCancelled()
            quantize_gguf(tmp, out_file, quantize)
            progress(steps[0], steps[0])
            return out_file
        finally:
            tmp.unlink(missing_ok=True)

    config = check_supported(model_dir)
    model_type = config["model_type"]
    file_type, dtype, qtype = OUTTYPES[outtype]
    n_head, n_kv = config["num_attention_heads"], config["num_key_value_heads"]
    head_dim = config.get("head_dim") or config["hidden_size"] // n_head
    pre = PRE_TOKENIZERS[model_type]
    tokens, types, add_bos, add_eos = _vocab(model_dir, config["vocab_size"], pre)

    out_file.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(out_file, gguf.MODEL_ARCH_NAMES[ARCHS[model_type]])
    w.add_type(gguf.GGUFType.MODEL)
    w.add_name(model_dir.name)
    w.add_file_type(file_type)
    w.add_context_length(config["max_position_embeddings"])
    w.add_embedding_length(config["hidden_size"])
    w.add_feed_forward_length(config["intermediate_size"])
    w.add_block_count(config["num_hidden_layers"])
    w.add_head_count(n_head)
    w.add_head_count_kv(n_kv)
    w.add_key_length(head_dim)
    w.add_value_length(head_dim)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(_rope_theta(config))
    w.add_layer_norm_rms_eps(config["rms_norm_eps"])
    w.add_tokenizer_model("gpt2")  # llama.cpp's name for byte-level BPE
    w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    # Merges, bos/eos/unk/pad ids (tokenizer_config.json, config.json), chat template
    # (tokenizer_config.json or chat_template.jinja).
    special = gguf.SpecialVocab(model_dir, load_merges=True, n_vocab=len(tokens))
    special.add_special_token.update(bos=add_bos, eos=add_eos)
    special.add_to_gguf(w, quiet=True)

    # Tensor infos go into the header before any data: describe all, then stream them one by
    # one, so a 1.5B model never sits in memory whole.
    plan = []
    for name, new, file in _tensors(model_dir, config):
        with safe_open(file, framework="pt") as f:
            shape = f.get_slice(name).get_shape()
        # 1-D tensors (norms, biases) stay F32, as llama.cpp's kernels expect.
        t_dtype, t_qtype = (torch.float32, Q.F32) if len(shape) == 1 else (dtype, qtype)
        nbytes = int(np.prod(shape)) * t_dtype.itemsize
        np_dtype = {Q.F32: np.float32, Q.F16: np.float16, Q.BF16: np.uint16}[t_qtype]
        w.add_tensor_info(new, shape, np.dtype(np_dtype), nbytes, raw_dtype=t_qtype)
        plan.append((name, file, t_dtype))
    try:
        w.write_header_to_file()
        w.write_kv_data_to_file()
        w.write_ti_data_to_file()
        for step, (name, file, t_dtype) in enumerate(plan):
            if cancel is not None and cancel.is_set():
                raise ConversionCancelled()
            with safe_open(file, framework="pt") as f:
                data = f.get_tensor(name).to(torch.float32)
            if model_type == "llama" and name.endswith(("q_proj.weight", "q_proj.bias")):
                data = _permute(data, n_head)
            elif model_type == "llama" and name.endswith(("k_proj.weight", "k_proj.bias")):
                data = _permute(data, n_kv)
            data = data.to(t_dtype)
            # numpy has no bfloat16: write its raw 16-bit patterns.
            bf16 = t_dtype == torch.bfloat16
            w.write_tensor_data(data.view(torch.int16).numpy().view(np.uint16) if bf16
                                else data.numpy())
            progress(step + 1, len(plan))
    except BaseException:
        w.close()
        out_file.unlink(missing_ok=True)  # a truncated GGUF would only fail later, obscurely
        raise
    w.close()
    return out_file


def quantize_gguf(src: Path, dst: Path, kind: str) -> Path:
    """Quantize a GGUF file with llama.cpp (``kind``: a LLAMA_FTYPE_MOSTLY_* suffix)."""
    try:
        import llama_cpp
    except ImportError as error:
        raise RuntimeError("--quantize needs llama-cpp-python (llama_cpp)") from error
    ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{kind.upper()}", None)
    if ftype is None:
        raise ValueError(f"unknown quantization {kind!r}")
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    # llama_cpp's log callback prints by this logger's level; ERROR, as Llama(verbose=False)
    # sets it, keeps llama.cpp's warnings but hides its per-tensor progress and metadata dump
    # (whose cut-off multi-byte tokens trip the callback's utf-8 decode).
    log = logging.getLogger("llama-cpp-python")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        status = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(),
                                                ctypes.byref(params))
    finally:
        log.setLevel(level)
    if status != 0:
        raise RuntimeError(f"llama_model_quantize failed ({status}) for {src}")
    return dst

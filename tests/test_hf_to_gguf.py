"""scripts/hf_to_gguf.py: llama.cpp tokenizes and generates with the GGUF as HF does."""

from __future__ import annotations

import sys
from pathlib import Path

import gguf
import pytest
from conftest import DEMO_MODEL, TINY_R1

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from hf_to_gguf import convert  # noqa: E402

QUESTION = "What is the capital of France?"
ANSWER = ("The user asks for the capital of France. France is in Europe; its capital is Paris."
          "\n</think>\n\nThe capital of France is **Paris**.")
TEXTS = ["Hello world", "法国的首都是哪里？", "  two  spaces\n\nand lines\t2024 3.14 🗼",
         "<think>\nhmm\n</think>\n\n**bold**", "<｜User｜>hi<｜Assistant｜><|endoftext|>"]


def _llama_cpp():
    return pytest.importorskip("llama_cpp", reason="llama-cpp-python (llama_cpp) is not "
                               "installed: it loads the converted GGUF files")


def _hf_tokenizer(model_dir: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir)


def _chat(tokenizer, question: str) -> tuple[str, list[int]]:
    """The chat-rendered prompt for ``question``, as text and as HF's token ids."""
    text = tokenizer.apply_chat_template([{"role": "user", "content": question}],
                                         tokenize=False, add_generation_prompt=True)
    return text, tokenizer(text, add_special_tokens=False)["input_ids"]


def _load(path: Path, **options):
    return _llama_cpp().Llama(model_path=str(path), n_ctx=512, verbose=False, **options)


def _greedy(llm, prompt: list[int], n: int) -> list[int]:
    """Up to ``n`` greedy tokens, stopping after EOS."""
    out: list[int] = []
    for token in llm.generate(prompt, temp=0.0, top_k=1, repeat_penalty=1.0):
        out.append(token)
        if token == llm.token_eos() or len(out) == n:
            break
    return out


@pytest.fixture(scope="module")
def tiny_f32(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(TINY_R1, tmp_path_factory.mktemp("gguf") / "tiny-r1-f32.gguf", "f32")


def test_metadata(tiny_f32: Path) -> None:
    fields = gguf.GGUFReader(tiny_f32).fields
    value = {name: field.contents() for name, field in fields.items()
             if name not in ("tokenizer.ggml.tokens", "tokenizer.ggml.merges",
                             "tokenizer.ggml.token_type")}
    assert value["general.architecture"] == "qwen2"
    assert value["tokenizer.ggml.pre"] == "qwen2"
    assert value["qwen2.context_length"] == 1024
    assert value["qwen2.rope.freq_base"] == 10000.0
    assert (value["tokenizer.ggml.bos_token_id"], value["tokenizer.ggml.eos_token_id"],
            value["tokenizer.ggml.padding_token_id"]) == (0, 1, 4)
    assert value["tokenizer.ggml.add_bos_token"] is False  # as the HF tokenizer
    template = (TINY_R1 / "chat_template.jinja").read_text(encoding="utf-8")
    assert value["tokenizer.chat_template"] == template
    assert len(fields["tokenizer.ggml.tokens"].data) == 403


def test_tiny_r1_tokenizes_and_answers_as_hf(tiny_f32: Path) -> None:
    llm = _load(tiny_f32)
    tokenizer = _hf_tokenizer(TINY_R1)
    rendered, prompt = _chat(tokenizer, QUESTION)
    for text in [*TEXTS, rendered]:
        expected = tokenizer(text, add_special_tokens=False)["input_ids"]
        assert llm.tokenize(text.encode(), add_bos=False, special=True) == expected, text
    assert llm.metadata["tokenizer.chat_template"] == tokenizer.chat_template
    assert llm.token_bos() == 0 and llm.token_eos() == 1

    answer = _greedy(llm, prompt, 80)
    assert answer == tokenizer(ANSWER, add_special_tokens=False)["input_ids"] + [1]
    assert llm.detokenize(answer[:-1]).decode() == ANSWER


def test_q8_0_quantized_file_still_answers(tiny_f32: Path, tmp_path: Path) -> None:
    _llama_cpp()
    q8 = convert(TINY_R1, tmp_path / "tiny-r1-q8_0.gguf", "f32", quantize="Q8_0")
    assert q8.stat().st_size < tiny_f32.stat().st_size
    assert gguf.GGUFReader(q8).fields["general.file_type"].contents() == 7  # MOSTLY_Q8_0
    _, prompt = _chat(_hf_tokenizer(TINY_R1), QUESTION)
    assert _greedy(_load(q8), prompt, 10) == _greedy(_load(tiny_f32), prompt, 10)


@pytest.mark.slow
def test_smollm2_matches_transformers(tmp_path: Path) -> None:
    if not (DEMO_MODEL / "config.json").exists():
        pytest.skip(f"the demo model is not prepared at {DEMO_MODEL}")
    _llama_cpp()
    import numpy as np
    import torch
    from transformers import AutoModelForCausalLM

    llm = _load(convert(DEMO_MODEL, tmp_path / "smollm2-f16.gguf", "f16"), logits_all=True)
    assert llm.metadata["tokenizer.ggml.pre"] == "smollm"
    tokenizer = _hf_tokenizer(DEMO_MODEL)
    model = AutoModelForCausalLM.from_pretrained(DEMO_MODEL, dtype=torch.float32)
    for question in (QUESTION, "Write a short poem about the sea."):
        rendered, prompt = _chat(tokenizer, question)
        for text in [*TEXTS, rendered]:
            expected = tokenizer(text, add_special_tokens=False)["input_ids"]
            assert llm.tokenize(text.encode(), add_bos=False, special=True) == expected, text

        with torch.no_grad():
            reference = model(torch.tensor([prompt])).logits[0].numpy()
            generated = model.generate(torch.tensor([prompt]), max_new_tokens=16,
                                       do_sample=False)
        llm.reset()
        llm.eval(prompt)
        # Measured: llama.cpp's f16 logits stay within 0.08 of transformers' float32 ones.
        assert np.abs(np.array(llm.scores[:len(prompt)]) - reference).max() < 0.2
        hf = generated[0, len(prompt):].tolist()
        ours = _greedy(llm, prompt, 16)
        cut = next((i for i, (a, b) in enumerate(zip(hf, ours, strict=False)) if a != b), None)
        if cut is None:
            assert hf == ours
        else:  # a near-tie flipped by f16 rounding; past it the texts legitimately part
            with torch.no_grad():
                logits = model(torch.tensor([prompt + hf[:cut]])).logits[0, -1]
            gap = (logits[hf[cut]] - logits[ours[cut]]).item()
            assert gap < 0.2, f"diverged at token {cut} by {gap:.3f}: {hf} != {ours}"

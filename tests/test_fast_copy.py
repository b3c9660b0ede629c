"""The fast copy of a model folder through the real window: offered once when a folder
opens with transformers on the CPU, made in the background by the app's converter and
llama.cpp's quantizer, then answering through llama.cpp as the folder did; reused at the
next start; a cancel keeps nothing; a model the converter cannot copy says so."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from conftest import ENGINE_START_TIMEOUT_MS, TINY_R1, close, make_window, send
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton

from desktop_chat.core.inference import ENGINE_LLAMA_CPP, ENGINE_TRANSFORMERS
from desktop_chat.engine.fast_copy.cache import FOLDER_NAME, fingerprint

pytest.importorskip("llama_cpp", reason="the fast copy runs on llama-cpp-python")

COPY_TIMEOUT_MS = 120_000
DIALOGS = ["What is the capital of France?", "And of Italy?"]


def copies_dir(data_dir: Path) -> Path:
    return data_dir / "cache" / FOLDER_NAME


def offer_dialog(qtbot, window) -> QDialog:
    qtbot.waitUntil(lambda: window.findChild(QDialog, "fastCopyDialog") is not None,
                    timeout=10_000)
    return window.findChild(QDialog, "fastCopyDialog")


def open_folder(qtbot, window, folder: Path):
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS) as ready:
        window.models.open(str(folder))
    return ready.args[0]


def converse(qtbot, window) -> list[tuple[str, str]]:
    """A new conversation of two turns; (thinking, answer) of each."""
    window.chat.new_conversation()
    return [(m.reasoning_content, m.content) for m in (send(qtbot, window, q) for q in DIALOGS)]


def click(qtbot, dialog, name: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_a_folder_offers_a_fast_copy_that_answers_as_the_folder_and_is_reused(
        qtbot, window, data_dir):
    before = fingerprint(TINY_R1)
    info = open_folder(qtbot, window, TINY_R1)
    assert (info.engine, info.device) == (ENGINE_TRANSFORMERS, "cpu")
    dialog = offer_dialog(qtbot, window)
    make = dialog.findChild(QPushButton, "fastCopyMakeButton")
    # A tiny model keeps 8 bits (bench/fast_copy_quality.py: Q4_K_M costs small ones most)
    assert make.text().startswith("Make a fast copy (Q8_0, about ")
    assert make.text().endswith(", about a minute)")
    on_transformers = converse(qtbot, window)
    assert on_transformers[0][1] == "The capital of France is **Paris**."
    assert on_transformers[1] == ("Now Italy. Its capital is Rome.",
                                  "The capital of Italy is **Rome**.")

    with qtbot.waitSignal(window.models.model_ready, timeout=COPY_TIMEOUT_MS) as ready:
        click(qtbot, dialog, "fastCopyMakeButton")  # made in the background, then opened
    copy = ready.args[0]
    assert (copy.engine, copy.name, copy.path) == (ENGINE_LLAMA_CPP, "tiny-r1", str(TINY_R1))
    assert copy.precision == "Q8_0 copy of tiny-r1"
    status = window.status.model_status.text()
    assert status.startswith("tiny-r1 · llama.cpp · CPU") and status.endswith(
        "Q8_0 copy of tiny-r1")
    info_dialog = window.model_dialogs.show_model_info()
    precision = info_dialog.findChild(QLabel, "modelInfoPrecision")
    assert precision is not None and precision.text() == "Q8_0 copy of tiny-r1"
    info_dialog.close()
    assert dialog.findChild(QLabel, "fastCopyMessage").text().startswith(
        "The fast copy of “tiny-r1” is ready")
    # The same thinking, the same answers, the earlier answer sent without its thinking.
    assert converse(qtbot, window) == on_transformers
    assert window.settings.fast_copy_choices == {str(TINY_R1): True}
    [made] = list(copies_dir(data_dir).glob("*.gguf"))
    assert fingerprint(TINY_R1) == before  # the folder itself is never touched
    close(qtbot, window)

    again = make_window(qtbot, data_dir)  # the next start opens the last model: the folder
    with qtbot.waitSignal(again.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS) as ready:
        again.start_engine()
    reopened = ready.args[0]
    assert reopened.path == str(TINY_R1)
    assert (reopened.engine, reopened.precision) == (ENGINE_LLAMA_CPP, "Q8_0 copy of tiny-r1")
    assert list(copies_dir(data_dir).glob("*.gguf")) == [made]
    assert again.findChild(QDialog, "fastCopyDialog") is None  # offered once
    assert converse(qtbot, again)[1] == on_transformers[1]

    # Removed from the Models page: the folder opens as it is again, now and later.
    library = again.model_dialogs.show_models_library()
    assert library.selected_entry() == str(TINY_R1)
    remove = library.findChild(QPushButton, "modelsRemoveCopyButton")
    assert remove.isVisible()
    with qtbot.waitSignal(again.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS) as ready:
        qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert ready.args[0].engine == ENGINE_TRANSFORMERS
    assert not remove.isVisible()
    assert list(copies_dir(data_dir).glob("*.gguf")) == []
    assert again.settings.fast_copy_choices == {str(TINY_R1): False}
    library.close()
    close(qtbot, again)


def test_cancel_keeps_nothing_half_written_and_the_folder_keeps_running(
        qtbot, window, data_dir, monkeypatch):
    import gguf

    seen: list[list[str]] = []
    real_write = gguf.GGUFWriter.write_tensor_data

    def slow_write(self, *args, **kwargs):  # time to cancel mid-way; what is on disk then
        seen.append(sorted(p.name for p in copies_dir(data_dir).iterdir()))
        time.sleep(0.05)
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(gguf.GGUFWriter, "write_tensor_data", slow_write)
    open_folder(qtbot, window, TINY_R1)
    dialog = offer_dialog(qtbot, window)
    fast_copy = window.model_dialogs.fast_copy
    with qtbot.waitSignal(fast_copy.progressed, timeout=COPY_TIMEOUT_MS):
        click(qtbot, dialog, "fastCopyMakeButton")
    with qtbot.waitSignal(fast_copy.cancelled, timeout=COPY_TIMEOUT_MS):
        click(qtbot, dialog, "fastCopyCancelButton")
    assert seen and all(not name.endswith(".gguf") or name.startswith(".tmp-")
                        for names in seen for name in names)  # only ever a temp name
    left = sorted(p.name for p in copies_dir(data_dir).iterdir())
    assert left == []  # no copy, no temp file, no index entry
    assert "nothing was kept" in dialog.findChild(QLabel, "fastCopyMessage").text()
    assert window.models.model.engine == ENGINE_TRANSFORMERS
    assert send(qtbot, window, DIALOGS[0]).content == "The capital of France is **Paris**."
    dialog.close()
    qtbot.waitUntil(lambda: window.findChild(QDialog, "fastCopyDialog") is None)
    with qtbot.waitSignal(window.models.model_ready, timeout=ENGINE_START_TIMEOUT_MS):
        window.models.reload_with_settings()
    assert window.findChild(QDialog, "fastCopyDialog") is None  # asked once a session


def _as_architecture(source: Path, target: Path, architecture: str, model_type: str,
                     *, biases: bool = True, **config) -> Path:
    """tiny-r1's weights as another architecture transformers opens (answers aside)."""
    from safetensors.torch import load_file, save_file

    shutil.copytree(source, target)
    path = target / "config.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(architectures=[architecture], model_type=model_type, **config)
    path.write_text(json.dumps(data), encoding="utf-8")
    if not biases:
        weights = target / "model.safetensors"
        tensors = load_file(weights)
        save_file({k: v for k, v in tensors.items() if not k.endswith(".bias")}, weights,
                  metadata={"format": "pt"})
    return target


def test_a_model_the_converter_cannot_copy_says_so_and_keeps_transformers(
        qtbot, window, data_dir, tmp_path):
    # An architecture the converter does not know: said when it opens, once; no offer.
    mistral = _as_architecture(TINY_R1, tmp_path / "tiny-mistral", "MistralForCausalLM",
                               "mistral", biases=False, head_dim=16)
    with qtbot.waitSignal(window.model_dialogs.fast_copy.unsupported) as said:
        info = open_folder(qtbot, window, mistral)
    assert info.engine == ENGINE_TRANSFORMERS
    assert said.args[0] == str(mistral)
    assert "does not know its architecture (MistralForCausalLM)" in said.args[1]
    assert "keeps running on transformers" in window.status.currentMessage()
    assert window.findChild(QDialog, "fastCopyDialog") is None
    assert window.settings.fast_copy_choices[str(mistral)] is False

    # A known architecture with a tokenizer the converter refuses: said once it tries.
    llama = _as_architecture(TINY_R1, tmp_path / "tiny-llama", "LlamaForCausalLM", "llama",
                             attention_bias=True)
    open_folder(qtbot, window, llama)
    dialog = offer_dialog(qtbot, window)
    with qtbot.waitSignal(window.model_dialogs.fast_copy.unsupported,
                          timeout=COPY_TIMEOUT_MS) as refused:
        click(qtbot, dialog, "fastCopyMakeButton")
    assert refused.args[0] == str(llama)
    assert "without SmolLM's tokenizer is unsupported" in refused.args[1]
    assert "keeps running on transformers" in dialog.findChild(QLabel, "fastCopyMessage").text()
    assert window.models.model.engine == ENGINE_TRANSFORMERS
    assert window.settings.fast_copy_choices[str(llama)] is False
    assert not list(copies_dir(data_dir).glob("*.gguf"))


def test_an_offer_shows_only_what_happens_to_its_own_folder(qtbot, window, tmp_path):
    """Offers are not modal: one left open while another folder opens must not take the
    other folder's news (here: that it cannot be copied) for its own."""
    open_folder(qtbot, window, TINY_R1)
    offer = offer_dialog(qtbot, window)
    message = offer.findChild(QLabel, "fastCopyMessage")
    asked = message.text()
    mistral = _as_architecture(TINY_R1, tmp_path / "tiny-mistral", "MistralForCausalLM",
                               "mistral", biases=False, head_dim=16)
    with qtbot.waitSignal(window.model_dialogs.fast_copy.unsupported):
        open_folder(qtbot, window, mistral)
    assert message.text() == asked
    assert offer.findChild(QPushButton, "fastCopyMakeButton").isVisible()
    assert not offer.findChild(QPushButton, "fastCopyCloseButton").isVisible()
    offer.close()

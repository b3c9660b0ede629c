"""Cases of the download engine found in review (issue 12): a server or mirror that
answers differently from huggingface.co, and repositories with unusual files."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import fake_hf
import pytest
from conftest import TINY_R1
from fake_hf import FakeHub

from desktop_chat.engine import hub_download as hd

REPO = "test-org/tiny-r1"


@pytest.fixture
def repo_folder(tmp_path) -> Path:
    folder = tmp_path / "repo"
    shutil.copytree(TINY_R1, folder)
    return folder


@pytest.fixture
def hub(repo_folder, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(hd, "CHUNK_BYTES", 16 * 1024)
    monkeypatch.setattr(hd, "PROGRESS_INTERVAL_S", 0.0)
    monkeypatch.setattr(hd, "RETRY_DELAYS_S", (0.01,) * 5)
    with FakeHub({REPO: repo_folder}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def cancel_halfway(plan: hd.DownloadPlan) -> Path:
    """Start ``plan``, cancel it in the middle of the weights; the partial file."""
    weights = next(f for f in plan.files if f.name == "model.safetensors")
    cancel = threading.Event()
    with pytest.raises(hd.DownloadError):
        hd.download(plan, cancel=cancel, on_progress=lambda p: p.file == weights.name
                    and p.done_bytes > plan.total_bytes // 2 and cancel.set())
    partial = plan.staging / (weights.name + hd.PARTIAL_SUFFIX)
    assert 0 < partial.stat().st_size < weights.size
    return partial


def test_a_server_that_ignores_range_gives_the_whole_file_not_a_mixed_one(
        hub, monkeypatch, tmp_path):
    models = tmp_path / "models"
    plan = hd.plan_download(REPO, models)
    hub.switches.bytes_per_s = 2_000_000
    cancel_halfway(plan)
    hub.switches.bytes_per_s = None
    monkeypatch.setattr(fake_hf, "_range_start", lambda header: 0)  # 200 and the whole body
    path = hd.download(hd.plan_download(REPO, models))
    assert (path / "model.safetensors").read_bytes() == \
        (TINY_R1 / "model.safetensors").read_bytes()


def test_a_mirror_under_a_path_prefix_works(hub, monkeypatch, tmp_path):
    monkeypatch.setattr(fake_hf, "API", fake_hf.re.compile(
        r"^/hf/api/models/([^/]+/[^/]+)(?:/revision/([^/]+))?$"))
    monkeypatch.setattr(fake_hf, "RESOLVE", fake_hf.re.compile(
        r"^/hf/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$"))
    monkeypatch.setenv("HF_ENDPOINT", hub.url + "/hf/")
    path = hd.download(hd.plan_download(REPO, tmp_path / "models"))
    assert (path / "config.json").read_bytes() == (TINY_R1 / "config.json").read_bytes()


def test_an_empty_file_in_the_repository_is_downloaded_as_empty(hub, repo_folder, tmp_path):
    (repo_folder / "added_tokens.json").write_bytes(b"")  # a zero-byte file the Hub lists
    path = hd.download(hd.plan_download(REPO, tmp_path / "models"))
    assert (path / "added_tokens.json").read_bytes() == b""
    assert (path / "model.safetensors").exists()


def test_mistral_style_consolidated_weights_are_not_downloaded_twice(hub, repo_folder,
                                                                     tmp_path):
    # Mistral's repositories hold the weights twice: transformers' shards and
    # consolidated.safetensors for mistral-inference; transformers needs only the first.
    shutil.copy(repo_folder / "model.safetensors", repo_folder / "consolidated.safetensors")
    plan = hd.plan_download(REPO, tmp_path / "models")
    assert "consolidated.safetensors" not in {f.name for f in plan.files}


# ----- the Models page and what a GGUF download leaves -------------------------------------

class _NoFacts:
    """The worker's one signal the page listens to; these tests are about the rows."""

    def __init__(self) -> None:
        from PySide6.QtCore import QObject, Signal

        class Relay(QObject):
            model_facts_read = Signal(object)

        self.relay = Relay()
        self.model_facts_read = self.relay.model_facts_read

    def request_model_facts(self, *args: object) -> None:
        pass


def library_with_a_downloaded_gguf(qtbot, tmp_path):
    """A GGUF download as download() leaves it: <models>/<owner>--<name>/<file>.gguf,
    opened from that file path (so Recent Models names the file)."""
    import dataclasses

    from desktop_chat.core.settings import SettingsFile
    from desktop_chat.ui.dialogs.models_library import ModelsLibraryDialog

    models = tmp_path / "models"
    folder = models / "org--tiny-GGUF"
    folder.mkdir(parents=True)
    gguf = folder / "tiny-Q4_K_M.gguf"
    gguf.write_bytes(b"GGUF" + bytes(64))
    holder = SettingsFile(tmp_path / "settings.json")
    holder.update_settings(dataclasses.replace(holder.settings, recent_models=(str(gguf),)))
    library = ModelsLibraryDialog(_NoFacts(), holder, models, None)
    qtbot.addWidget(library)
    return library, holder, folder, gguf


def test_a_downloaded_gguf_is_listed_once(qtbot, tmp_path):
    library, _, _, _ = library_with_a_downloaded_gguf(qtbot, tmp_path)
    assert library.table.rowCount() == 1, [e for e, _ in library.entries()]


def test_deleting_a_model_folder_drops_the_recent_entries_inside_it(qtbot, tmp_path,
                                                                    monkeypatch):
    from PySide6.QtCore import QFile

    library, holder, folder, gguf = library_with_a_downloaded_gguf(qtbot, tmp_path)
    trash = tmp_path / "trash"

    def move_to_trash(path: str) -> bool:  # this container has no trash
        shutil.move(path, trash)
        return True

    monkeypatch.setattr(QFile, "moveToTrash", move_to_trash)
    assert library.delete(str(folder))
    assert str(gguf) not in holder.settings.recent_models
    assert library.table.rowCount() == 0


def test_a_stale_token_does_not_block_public_repositories(repo_folder, monkeypatch, tmp_path):
    """huggingface.co answers 401 "Invalid credentials" to a mistyped or revoked token even
    for a public repository: a bad token kept in the keyring must not stop every download."""
    real_handler = fake_hf._handler

    def refusing_invalid_tokens(hub):
        base = real_handler(hub)

        class Handler(base):
            def _refused(self, repo):
                if self.headers.get("Authorization"):  # no token is valid on this Hub
                    self._error(401, "", "Invalid credentials in Authorization header")
                    return True
                return super()._refused(repo)

        return Handler

    monkeypatch.setattr(fake_hf, "_handler", refusing_invalid_tokens)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    with FakeHub({REPO: repo_folder}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        plan = hd.plan_download(REPO, tmp_path / "models", token="hf_revoked")
        path = hd.download(plan, token="hf_revoked")
    assert (path / "model.safetensors").read_bytes() == \
        (TINY_R1 / "model.safetensors").read_bytes()


# ----- the memory check before a GGUF load -----------------------------------------------------

def test_a_gguf_checked_for_the_gpu_is_checked_for_the_context_it_will_get(tiny_r1_gguf,
                                                                          monkeypatch):
    """llama.cpp on a GPU: what check_fits approves must be what load() allocates.

    An 8B-shaped model (Q4_K_M, 128 KB of KV cache a token, 128K context) on a machine with
    plenty of RAM and a GPU with 7 GB free: sizing the context from the RAM gives 32,768
    tokens (4 GB of cache on the GPU beside 4.9 GB of weights), which the GPU cannot hold."""
    import dataclasses

    from desktop_chat.core.inference import LoadRequest
    from desktop_chat.engine import llama_cpp_engine, llama_devices, memory_estimate

    GiB = 2**30
    real = llama_cpp_engine.read_gguf_info(tiny_r1_gguf)
    eight_b = dataclasses.replace(real, file_size=int(4.9 * GiB), context_length=131_072,
                                  block_count=32, head_count_kv=8, key_length=128,
                                  value_length=128, head_count=32, file_type="Q4_K_M")
    monkeypatch.setattr(llama_cpp_engine, "read_gguf_info", lambda file: eight_b)
    monkeypatch.setattr(memory_estimate, "read_gguf_info", lambda file: eight_b)
    monkeypatch.setattr(llama_cpp_engine, "gpu_offload", lambda device: True)
    monkeypatch.setattr(llama_devices.sys, "platform", "linux")
    ram = memory_estimate.psutil.virtual_memory()
    monkeypatch.setattr(memory_estimate.psutil, "virtual_memory",
                        lambda: ram._replace(available=60 * GiB))
    monkeypatch.setattr(memory_estimate, "free_memory",
                        lambda device: 7 * GiB if device == "cuda" else 60 * GiB)
    plan = llama_cpp_engine.LlamaCppPlan(LoadRequest.for_path(str(tiny_r1_gguf),
                                                              device="auto"), tiny_r1_gguf)
    plan.check_fits()  # a context that fits the GPU is chosen: no refusal
    allocated = memory_estimate.estimate_gguf(tiny_r1_gguf, device="cuda",
                                              context_limit=plan.context.tokens)
    assert allocated.fits, (plan.context.tokens, memory_estimate.breakdown(allocated))


# ----- quitting while a download job is still busy ---------------------------------------------

def test_shutdown_never_leaves_a_job_running(qtbot, tmp_path, monkeypatch):
    """A job inside a blocking call (a stalled read waits READ_TIMEOUT_S; importing torch
    for the accelerator takes seconds) outlives the shutdown timeout; the app exits right
    after shutdown(), and a thread torn down while running aborts the process."""
    import threading
    import time

    from desktop_chat.workers import downloads as download_worker

    began, ended = threading.Event(), []

    def slow_probe():
        began.set()
        time.sleep(0.5)  # cannot see the cancel
        ended.append(True)
        return "cpu"

    monkeypatch.setattr(download_worker, "_detect_accelerator", slow_probe)
    downloads = download_worker.DownloadWorker(tmp_path / "models")
    downloads.find_accelerator()
    assert began.wait(10)
    assert not downloads.shutdown(timeout_ms=10)  # not within the timeout...
    assert ended  # ...but it has ended before shutdown returns


def test_bytes_another_writer_appends_are_never_moved_into_place(hub, monkeypatch, tmp_path):
    """Two downloads of one repository into one models folder (two app instances sharing a
    models folder) append to the same partial file. Each hashes the bytes it received,
    which match; the file on disk holds both streams and must not become the model."""
    real_open = Path.open
    interfered = []

    def open_with_a_second_writer(self, mode="r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        if mode == "ab" and self.name.startswith("model.safetensors") and not interfered:
            interfered.append(self)
            with real_open(self, "ab") as other:
                other.write(b"\0" * 1000)  # the other instance's first chunk
        return handle

    plan = hd.plan_download(REPO, tmp_path / "models")
    monkeypatch.setattr(Path, "open", open_with_a_second_writer)
    try:
        path = hd.download(plan)
    except hd.DownloadError as error:
        assert error.kind == hd.CHECKSUM
        assert not plan.target.exists()
    else:
        assert (path / "model.safetensors").read_bytes() == \
            (TINY_R1 / "model.safetensors").read_bytes()

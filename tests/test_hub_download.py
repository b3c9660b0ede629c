"""The download engine against a local fake Hugging Face endpoint (tests/fake_hf.py)."""

from __future__ import annotations

import errno
import shutil
import threading
from pathlib import Path

import pytest
from conftest import TINY_R1
from fake_hf import FakeHub

from desktop_chat.engine import hub_download as hd

REPO = "test-org/tiny-r1"
GGUF_REPO = "test-org/tiny-r1-GGUF"


@pytest.fixture
def repo_folder(tmp_path) -> Path:
    """tiny-r1 as the Hub holds it: with files a model does not need."""
    folder = tmp_path / "repo"
    shutil.copytree(TINY_R1, folder)
    (folder / "README.md").write_text("# tiny-r1\n")
    (folder / "pytorch_model.bin").write_bytes(b"old weights" * 100)
    (folder / "extra").mkdir()
    (folder / "extra" / "notes.txt").write_text("not needed")
    return folder


@pytest.fixture
def gguf_folder(tmp_path, tiny_r1_gguf) -> Path:
    folder = tmp_path / "gguf-repo"
    folder.mkdir()
    shutil.copy(tiny_r1_gguf, folder / "tiny-r1-Q4_K_M.gguf")
    (folder / "tiny-r1-Q8_0.gguf").write_bytes(tiny_r1_gguf.read_bytes()[:5000])
    return folder


@pytest.fixture
def hub(repo_folder, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setattr(hd, "CHUNK_BYTES", 16 * 1024)  # progress within the tiny files
    monkeypatch.setattr(hd, "PROGRESS_INTERVAL_S", 0.0)
    monkeypatch.setattr(hd, "RETRY_DELAYS_S", (0.01,) * 5)
    with FakeHub({REPO: repo_folder}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        yield server


def assert_same_files(folder: Path, expected: Path) -> None:
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(p.name for p in expected.iterdir())
    for name in names:
        assert (folder / name).read_bytes() == (expected / name).read_bytes(), name


def test_downloads_what_a_model_needs_verified_into_the_models_folder(hub, tmp_path):
    models = tmp_path / "models"
    plan = hd.plan_download(REPO, models)
    assert plan.format == hd.FORMAT_SAFETENSORS
    assert {f.name for f in plan.files} == {p.name for p in TINY_R1.iterdir()}
    seen: list[hd.DownloadProgress] = []
    path = hd.download(plan, on_progress=seen.append)
    assert path == models / "test-org--tiny-r1"
    assert_same_files(path, TINY_R1)
    assert not (models / hd.STAGING_DIR / "test-org--tiny-r1").exists()
    done = [p.done_bytes for p in seen]
    assert done == sorted(done) and done[-1] == plan.total_bytes
    assert all(p.total_bytes == plan.total_bytes for p in seen)
    assert not any(p == "GET" and "README" in path for p, path, _ in hub.requests)
    # a second start finds it there and fetches nothing
    requests = len(hub.requests)
    assert hd.download(hd.plan_download(REPO, models)) == path
    assert all("/resolve/" not in p for _, p, _ in hub.requests[requests:])


def test_a_gguf_repository_gives_one_q4_k_m_file(hub, gguf_folder, tmp_path):
    hub.repos[GGUF_REPO] = gguf_folder
    plan = hd.plan_download(GGUF_REPO, tmp_path / "models", prefer=hd.FORMAT_GGUF)
    assert [f.name for f in plan.files] == ["tiny-r1-Q4_K_M.gguf"]
    path = hd.download(plan)
    assert path == tmp_path / "models" / "test-org--tiny-r1-GGUF" / "tiny-r1-Q4_K_M.gguf"
    assert path.read_bytes() == (gguf_folder / "tiny-r1-Q4_K_M.gguf").read_bytes()
    assert not hub.ranges("tiny-r1-Q8_0.gguf")


def test_cancel_keeps_the_partial_file_and_the_next_start_continues_it(hub, tmp_path):
    models = tmp_path / "models"
    plan = hd.plan_download(REPO, models)
    weights = next(f for f in plan.files if f.name == "model.safetensors")
    hub.switches.bytes_per_s = 2_000_000
    cancel = threading.Event()

    def cancel_midway(progress: hd.DownloadProgress) -> None:
        if progress.file == weights.name and progress.done_bytes > plan.total_bytes // 2:
            cancel.set()

    with pytest.raises(hd.DownloadError) as raised:
        hd.download(plan, on_progress=cancel_midway, cancel=cancel)
    assert raised.value.kind == hd.CANCELLED
    partial = plan.staging / (weights.name + hd.PARTIAL_SUFFIX)
    kept = partial.stat().st_size
    assert 0 < kept < weights.size
    assert not plan.target.exists()  # nothing half-downloaded where the app looks

    hub.switches.bytes_per_s = None
    seen: list[hd.DownloadProgress] = []
    path = hd.download(hd.plan_download(REPO, models), on_progress=seen.append)
    assert hub.ranges(weights.name)[-1] == f"bytes={kept}-"
    assert seen[0].resumed_bytes >= kept
    assert_same_files(path, TINY_R1)


def test_a_dropped_connection_is_resumed_with_a_range_request(hub, tmp_path):
    hub.switches.drop_after_bytes = 100_000
    hub.switches.drops_left = 1
    path = hd.download(hd.plan_download(REPO, tmp_path / "models"))
    assert_same_files(path, TINY_R1)
    ranges = hub.ranges("model.safetensors")
    assert len(ranges) == 2 and ranges[0] is None and ranges[1].startswith("bytes=")


def test_a_server_dying_mid_file_keeps_the_partial_for_later(hub, monkeypatch, tmp_path):
    monkeypatch.setattr(hd, "RETRY_DELAYS_S", ())
    hub.switches.drop_after_bytes = 100_000
    hub.switches.drops_left = 1
    models = tmp_path / "models"
    plan = hd.plan_download(REPO, models)
    with pytest.raises(hd.DownloadError) as raised:
        hd.download(plan)
    assert raised.value.kind == hd.CONNECTION_LOST
    partial = plan.staging / ("model.safetensors" + hd.PARTIAL_SUFFIX)
    assert partial.stat().st_size > 0
    assert not plan.target.exists()
    assert_same_files(hd.download(plan), TINY_R1)
    assert hub.ranges("model.safetensors")[-1].startswith("bytes=")


def test_an_unknown_repository_is_not_found(hub, tmp_path):
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download("test-org/no-such-model", tmp_path)
    assert raised.value.kind == hd.NOT_FOUND
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download("not a repo id", tmp_path)
    assert raised.value.kind == hd.NOT_FOUND


@pytest.mark.parametrize("typed", ["C:/x", "a\\..\\../b", "../x", "org/..", "org/a:b"])
def test_a_repository_id_that_would_be_a_path_is_not_asked_for(hub, tmp_path, typed):
    # the folder is named after the id: on Windows "C:--x" is a path on drive C:
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download(typed, tmp_path / "models")
    assert raised.value.kind == hd.NOT_FOUND
    assert not any(p.startswith("/api/") for _, p, _ in hub.requests)


def test_a_pasted_model_page_address_names_its_repository():
    assert hd.normalize_repo_id(" https://huggingface.co/org/name/tree/main ") == "org/name"
    assert hd.normalize_repo_id("org/name/") == "org/name"


def test_a_partial_file_of_another_version_is_started_again(hub, repo_folder, tmp_path):
    models = tmp_path / "models"
    plan = hd.plan_download(REPO, models)
    weights = next(f for f in plan.files if f.name == "model.safetensors")
    cancel = threading.Event()
    hub.switches.bytes_per_s = 2_000_000
    with pytest.raises(hd.DownloadError):
        hd.download(plan, cancel=cancel, on_progress=lambda p: p.file == weights.name
                    and p.done_bytes > plan.total_bytes // 2 and cancel.set())
    assert (plan.staging / (weights.name + hd.PARTIAL_SUFFIX)).exists()
    hub.switches.bytes_per_s = None
    changed = bytearray((repo_folder / weights.name).read_bytes())
    changed[-1] ^= 0xFF  # the repository has a new version of the weights
    (repo_folder / weights.name).write_bytes(bytes(changed))
    path = hd.download(hd.plan_download(REPO, models))
    assert hub.ranges(weights.name)[-1] is None  # fetched whole, not continued
    assert (path / weights.name).read_bytes() == bytes(changed)


def test_a_gated_repository_asks_for_a_token_and_refuses_a_wrong_one(hub, tmp_path):
    hub.switches.required_token = "hf_right"
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download(REPO, tmp_path)
    assert raised.value.kind == hd.NEEDS_TOKEN
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download(REPO, tmp_path, token="hf_wrong")
    assert raised.value.kind == hd.TOKEN_REFUSED
    plan = hd.plan_download(REPO, tmp_path / "models", token="hf_right")
    assert_same_files(hd.download(plan, token="hf_right"), TINY_R1)


def test_no_network_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: refused
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download(REPO, tmp_path)
    assert raised.value.kind == hd.OFFLINE


def test_too_little_disk_space_refuses_before_the_first_byte(hub, monkeypatch, tmp_path):
    plan = hd.plan_download(REPO, tmp_path / "models")
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(hd.shutil, "disk_usage",
                        lambda path: usage._replace(free=plan.total_bytes))
    with pytest.raises(hd.DownloadError) as raised:
        hd.download(plan)
    assert raised.value.kind == hd.DISK_FULL
    assert not any("/resolve/" in p for _, p, _ in hub.requests)


def test_a_disk_filling_up_mid_file_is_disk_full(hub, monkeypatch, tmp_path):
    real_open = Path.open

    def open_then_fill(self, mode="r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        if mode == "ab" and self.name.startswith("model.safetensors"):
            def full(data):
                raise OSError(errno.ENOSPC, "No space left on device")
            handle.write = full
        return handle

    plan = hd.plan_download(REPO, tmp_path / "models")
    monkeypatch.setattr(Path, "open", open_then_fill)
    with pytest.raises(hd.DownloadError) as raised:
        hd.download(plan)
    assert raised.value.kind == hd.DISK_FULL
    assert not plan.target.exists()


def test_a_file_that_differs_from_its_hash_is_refused_and_not_kept(hub, tmp_path):
    hub.switches.corrupt = {"model.safetensors"}
    plan = hd.plan_download(REPO, tmp_path / "models")
    with pytest.raises(hd.DownloadError) as raised:
        hd.download(plan)
    assert raised.value.kind == hd.CHECKSUM
    assert raised.value.detail == "model.safetensors"
    assert not (plan.staging / ("model.safetensors" + hd.PARTIAL_SUFFIX)).exists()
    assert not plan.target.exists()


def resumed_after_a_drop(hub) -> None:
    hub.switches.drop_after_bytes = 100_000
    hub.switches.drops_left = 1


@pytest.mark.parametrize("bad_range", ["shifted", "no_content_range", "other_total", "ignore"])
def test_a_resume_answered_with_other_bytes_starts_the_file_again(hub, tmp_path, bad_range):
    # A server (or proxy) that answers a Range request with another part of the file, or
    # without saying which part, must not have its bytes appended to the partial file.
    resumed_after_a_drop(hub)
    hub.switches.bad_range = bad_range
    path = hd.download(hd.plan_download(REPO, tmp_path / "models"))
    assert_same_files(path, TINY_R1)
    ranges = hub.ranges("model.safetensors")
    assert ranges[0] is None and ranges[1].startswith("bytes=") and ranges[2] is None
    assert len(ranges) == 3


def test_an_empty_file_listed_without_a_hash_is_downloaded(hub, repo_folder, tmp_path):
    (repo_folder / "merges.txt").write_bytes(b"")
    hub.switches.unhashed = {"merges.txt"}
    path = hd.download(hd.plan_download(REPO, tmp_path / "models"))
    assert (path / "merges.txt").read_bytes() == b""
    assert (path / "model.safetensors").read_bytes() == (TINY_R1 / "model.safetensors").read_bytes()


UNSAFE_NAMES = ["..\\evil.safetensors", "C:evil.safetensors", "C:\\evil.safetensors",
                "\\\\server\\share\\evil.safetensors", "NUL.safetensors", "con.gguf",
                "COM1.safetensors", "lpt9.gguf", "model.safetensors.", "model.gguf ",
                "model.safetensors:stream", "a\x01.gguf", "..", ".", "", "a/b.gguf",
                "/etc/evil.gguf", "aux .gguf"]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_a_file_name_that_is_a_path_or_a_device_somewhere_is_refused(name):
    with pytest.raises(hd.DownloadError) as raised:
        hd.check_file_name(name)
    assert raised.value.kind == hd.SERVER_ERROR and repr(name) in raised.value.detail


@pytest.mark.parametrize("name", ["model.safetensors", "model-00001-of-00002.safetensors",
                                  "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf", "tokenizer.json",
                                  "console.gguf", "nullable.safetensors", ".hidden.gguf"])
def test_plain_file_names_pass(name):
    hd.check_file_name(name)


@pytest.mark.parametrize("name", ["..\\evil.safetensors", "C:evil.safetensors",
                                  "NUL.safetensors"])
def test_a_repository_listing_an_unsafe_weights_name_is_refused(hub, repo_folder, tmp_path,
                                                                 name):
    (repo_folder / name).write_bytes(b"weights")
    models = tmp_path / "models"
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download(REPO, models)
    assert raised.value.kind == hd.SERVER_ERROR and repr(name) in raised.value.detail
    assert not models.exists()


def test_an_unsafe_gguf_name_is_refused(hub, gguf_folder, tmp_path):
    hub.repos[GGUF_REPO] = gguf_folder
    (gguf_folder / "tiny-r1-Q4_K_M.gguf").rename(gguf_folder / "..\\tiny-r1-Q4_K_M.gguf")
    with pytest.raises(hd.DownloadError) as raised:
        hd.plan_download(GGUF_REPO, tmp_path / "models", prefer=hd.FORMAT_GGUF)
    assert raised.value.kind == hd.SERVER_ERROR


def test_a_plan_with_an_unsafe_name_writes_and_removes_nothing(hub, tmp_path):
    models = tmp_path / "models"
    plan = hd.DownloadPlan(REPO, "main", (hd.HubFile("..\\evil.safetensors", 7),), models,
                           hd.FORMAT_SAFETENSORS)
    with pytest.raises(hd.DownloadError) as raised:
        hd.download(plan)
    assert raised.value.kind == hd.SERVER_ERROR
    assert not models.exists()
    assert not any("/resolve/" in p for _, p, _ in hub.requests)

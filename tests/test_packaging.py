"""The frozen app (packaging/build.py): it answers through its worker, splits reasoning
from answer, finds its resources and its dependencies' data files, runs from a folder
with a space and a non-ASCII name, writes only to the platform's user dirs, and logs a
crash.

Marked slow: it builds the bundle first when dist/ has none (a few minutes here).
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_R1

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "DesktopChat"
EXECUTABLE = BUNDLE / ("DesktopChat.exe" if sys.platform == "win32" else "DesktopChat")
_spec = importlib.util.spec_from_file_location("bundle_data",
                                               ROOT / "packaging" / "bundle_data.py")
bundle_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_data)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the Linux bundle is the one built "
                       "here; macOS and Windows are built and tested by the workflow"),
]


@pytest.fixture(scope="module")
def executable():
    if not EXECUTABLE.exists():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True,
                       cwd=ROOT, timeout=3000)
    return EXECUTABLE


def fresh_user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "DESKTOP_CHAT_", "PYTHON"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return env


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_the_frozen_app_answers_through_its_worker(executable, tmp_path):
    before = listing(BUNDLE)
    result = subprocess.run([str(executable), "--self-test", str(TINY_R1)],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(outcome["checks"].values()), outcome
    assert outcome["answer"] == "The capital of France is **Paris**."
    assert listing(BUNDLE) == before, "the app wrote next to itself"


def test_the_frozen_app_runs_a_gguf_file_with_llama_cpp(executable, tiny_r1_gguf, tmp_path):
    result = subprocess.run([str(executable), "--self-test", str(tiny_r1_gguf)],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["engine"] == "llama.cpp" and all(outcome["checks"].values()), outcome
    assert outcome["answer"] == "The capital of France is **Paris**."


def test_the_frozen_app_makes_a_fast_copy_and_answers_through_it(executable, tmp_path):
    result = subprocess.run([str(executable), "--self-test-fast-copy", str(TINY_R1)],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["checks"]["fast_copy"] and all(outcome["checks"].values()), outcome
    assert outcome["precision"] == "Q8_0 copy of tiny-r1"
    assert outcome["answer"] == "The capital of France is **Paris**."


def test_a_fresh_home_gets_platform_dirs_and_a_crash_leaves_a_log(executable, tmp_path):
    before = listing(BUNDLE)
    result = subprocess.run([str(executable), "--crash-for-test"],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 70, result.stdout + result.stderr
    assert (tmp_path / ".local" / "share" / "DesktopChat" / "conversations").is_dir()
    log = tmp_path / ".local" / "state" / "DesktopChat" / "log" / "desktop-chat.log"
    text = log.read_text(encoding="utf-8")
    assert "unhandled exception" in text and "a crash asked for by --crash-for-test" in text
    assert "(frozen: True)" in text
    assert listing(BUNDLE) == before, "the app wrote next to itself"


def bundled_modules(executable: Path, internal: Path) -> list[tuple[str, str, str]]:
    """What the frozen app imports, as TOC entries: the modules in its archive and the
    extension modules beside it."""
    from PyInstaller.archive.readers import pkg_archive_contents

    entries = [(name, "", "PYMODULE") for name in pkg_archive_contents(str(executable))]
    entries += [(p.relative_to(internal).as_posix(), "", "EXTENSION")
                for p in internal.rglob("*.so") if ".cpython-" in p.name or ".abi3" in p.name]
    return entries


def test_every_data_file_of_every_imported_dependency_is_in_the_bundle(executable):
    """kernels' python_depends.json was missing: transformers 5.25 could load no model."""
    internal = BUNDLE / "_internal"
    modules = bundled_modules(executable, internal)
    assert any(name.startswith("kernels") for name, _, _ in modules)
    expected = {f"{folder}/{Path(source).name}"
                for source, folder in bundle_data.dependency_data(modules)}
    expected = {name for name in expected if bundle_data.used(name)}
    assert "kernels/_internals/python_depends.json" in expected
    missing = sorted(name for name in expected if not (internal / name).is_file())
    assert not missing, missing


def test_the_frozen_app_answers_from_a_folder_with_a_space_and_a_non_ascii_name(
        executable, tiny_r1_gguf, tmp_path):
    """The workflow's Linux leg, run here: a copy of the bundle, both engines, forced onto
    the CPU, the JSON through --self-test-out."""
    env = fresh_user_env(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "verify.py"), "copy-and-self-test",
         str(BUNDLE), str(tmp_path / "Desktop Chat 测试"), str(TINY_R1), str(tiny_r1_gguf)],
        env=env, capture_output=True, text=True, encoding="utf-8", timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"engine": "transformers"' in result.stdout, result.stdout
    assert '"engine": "llama.cpp"' in result.stdout, result.stdout


def test_the_multiprocessing_helpers_it_relaunches_itself_as_run(executable, tmp_path):
    """macOS: tqdm's lock starts multiprocessing's resource tracker, which runs this
    executable with "-c ..."; without freeze_support() the app's parser rejected that."""
    # How multiprocessing starts it: the interpreter's flags (the frozen one's: no bytecode
    # written, no site, isolated), then -c.
    result = subprocess.run(
        [str(executable), "-B", "-S", "-I", "-c",
         "from multiprocessing.resource_tracker import main; main(0)"],
        env=fresh_user_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True,
        text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unrecognized arguments" not in result.stderr


def test_the_frozen_app_fetches_https_with_the_certificates_it_carries(executable, tmp_path):
    """Get a Model needs TLS: the frozen app verifies a real https server's certificate
    with what it bundles (PyPI: the one server this machine's tests may reach)."""
    from desktop_chat.self_test import fetch

    url = "https://pypi.org/simple/pip/"
    if "status" not in fetch(url):
        pytest.skip(f"no network here: {fetch(url)}")
    out = tmp_path / "self-test.json"
    result = subprocess.run([str(executable), "--self-test", str(TINY_R1), "--self-test-out",
                             str(out), "--self-test-url", url],
                            env=fresh_user_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    outcome = json.loads(out.read_text(encoding="utf-8"))
    assert result.returncode == 0 and outcome["checks"]["url_answered"], outcome
    assert outcome["url"]["status"] == 200, outcome

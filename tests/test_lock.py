"""The locked install (requirements/, written by scripts/lock.py): complete, hashed, current
with pyproject.toml, the CPU build of torch on Linux, and what dev.py installs from.
"""

import re
import sys
from pathlib import Path

import pytest
import tomllib
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCKS = sorted((ROOT / "requirements").glob("*/*.txt"))
# What each lock's system looks like to environment markers (CPython 3.11).
MARKERS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
              "platform_machine": "x86_64"},
    "macos": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
              "platform_machine": "arm64"},
    "windows": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                "platform_machine": "AMD64"},
}
OUTSIDE_THE_LOCK = {"llama-cpp-python", "desktop-chat"}  # built by dev.py / the project


def pins(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from a requirements file in pip's hash-checking form."""
    found: dict[str, tuple[str, list[str]]] = {}
    text = lock.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        if line.strip() and not line.startswith(("#", "-")):
            requirement, *options = line.split()
            name, _, version = requirement.partition("==")
            assert version, f"{lock.name}: {requirement} is not pinned"
            found[canonicalize_name(name)] = (version, [o for o in options if o.startswith(
                "--hash=sha256:")])
    return found


def requirements_of(extra: str, environment: dict) -> list[Requirement]:
    """pyproject's requirements for ``extra``, its own extras followed, under ``environment``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pending = [Requirement(r) for r in project["dependencies"]]
    pending += [Requirement(r) for r in project["optional-dependencies"][extra]]
    wanted = []
    while pending:
        requirement = pending.pop()
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        if canonicalize_name(requirement.name) == "desktop-chat":
            for name in requirement.extras:
                pending += [Requirement(r) for r in project["optional-dependencies"][name]]
            continue
        wanted.append(requirement)
    return wanted


def test_there_is_a_test_and_a_package_lock_for_each_system():
    assert {f"{p.parent.name}/{p.stem}" for p in LOCKS} == {
        f"{system}/{extra}" for system in MARKERS for extra in ("test", "package")}


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_every_locked_package_is_pinned_with_a_hash(lock):
    locked = pins(lock)
    assert len(locked) > 50
    assert all(hashes for _, hashes in locked.values()), [n for n, (_, h) in locked.items()
                                                          if not h]


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_the_lock_satisfies_pyproject(lock):
    """A dependency added to or raised in pyproject.toml without running scripts/lock.py."""
    environment = {**default_environment(), **MARKERS[lock.parent.name],
                   "python_version": "3.11", "python_full_version": "3.11.9",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    locked = pins(lock)
    for requirement in requirements_of(lock.stem, environment):
        name = canonicalize_name(requirement.name)
        if name in OUTSIDE_THE_LOCK:
            continue
        assert name in locked, f"{lock.parent.name}/{lock.name} lacks {name}"
        version = Version(locked[name][0])
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)


def test_linux_takes_the_cpu_build_of_torch_and_nothing_of_cuda():
    for extra in ("test", "package"):
        locked = pins(ROOT / "requirements" / "linux" / f"{extra}.txt")
        assert locked["torch"][0].endswith("+cpu")
        assert not [name for name in locked if name.startswith(("nvidia-", "triton", "cuda"))]


def test_llama_cpp_python_is_pinned_to_its_source_archive_hash():
    text = (ROOT / "requirements" / "llama-cpp-python.txt").read_text(encoding="utf-8")
    assert re.search(r"^llama-cpp-python==[\d.]+ \\\n\s+--hash=sha256:[0-9a-f]{64}$", text, re.M)


def test_dev_py_reinstalls_when_the_lock_changes(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(ROOT))
    import dev

    lock = tmp_path / "test.txt"
    lock.write_text("torch==2.13.0 --hash=sha256:" + "0" * 64 + "\n")
    before = dev.install_fingerprint(lock)
    lock.write_text("torch==2.13.1 --hash=sha256:" + "1" * 64 + "\n")
    assert dev.install_fingerprint(lock) != before
    if sys.platform.startswith("linux") and sys.version_info[:2] == (3, 11):
        assert dev.locked_requirements() == ROOT / "requirements" / "linux" / "test.txt"
        assert dev.locked_requirements("package").parent.name == "linux"

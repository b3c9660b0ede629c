"""Set up a virtual environment and run Desktop Chat or its tests.

    python dev.py run  [app arguments]     set up, then open the app
    python dev.py test [pytest arguments]  set up, then run the whole test suite
    python dev.py bench NAME               set up, then run bench/NAME.py
    python dev.py install package          set up with the packaging lock only (the workflow)

Standard library only: this is the one file that runs before anything is installed.
The environment lives in .venv next to this file. It holds exactly the versions locked
in requirements/<os>/test.txt (with hashes; scripts/lock.py writes them) and is
reinstalled only when pyproject.toml or the lock change.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shlex
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "desktop-chat-installed.sha256"
REQUIREMENTS = ROOT / "requirements"
LLAMA_PIN = REQUIREMENTS / "llama-cpp-python.txt"  # its source archive, with its hash
# The systems the lock covers (scripts/lock.py): the CPython it was made for, and per
# system the machine its wheels run on.
LOCKED_PYTHON = (3, 11)
LOCKED_SYSTEMS = {"linux": "x86_64", "darwin": "arm64", "win32": "AMD64"}
# The Linux lock takes torch's CPU build (PyPI's is the CUDA one), which PyTorch serves.
TORCH_CPU_WHEELS = "https://download.pytorch.org/whl/torch/"


def locked_requirements(extra: str = "test") -> Path:
    """requirements/<os>/<extra>.txt: every dependency of the tests (or of the packaging
    build), pinned with hashes."""
    system = "linux" if sys.platform.startswith("linux") else sys.platform
    machine = LOCKED_SYSTEMS.get(system)
    if sys.version_info[:2] != LOCKED_PYTHON or platform.machine() != machine:
        wanted = ".".join(map(str, LOCKED_PYTHON))
        raise SystemExit(
            f"The locked dependencies (requirements/) are made for Python {wanted} on "
            "x86-64 Linux, Apple silicon macOS and x64 Windows; this is Python "
            f"{platform.python_version()} on {sys.platform} {platform.machine()}. "
            f"Run dev.py with Python {wanted}, or see scripts/lock.py.")
    folder = {"linux": "linux", "darwin": "macos", "win32": "windows"}[system]
    lock = REQUIREMENTS / folder / f"{extra}.txt"
    if not lock.is_file():
        raise SystemExit(f"No lock {lock.relative_to(ROOT)}: the extras locked are "
                         + ", ".join(p.stem for p in sorted(lock.parent.glob("*.txt"))))
    return lock


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def llama_cmake_args() -> str:
    """How pip compiles llama.cpp here (CMAKE_ARGS, unless set already).

    Its multimodal library is of no use to the app, and skipping it saves a good part of
    the ten minutes. On x86-64 Linux, -march=native turns on ggml's AMX kernels on Xeons
    since Sapphire Rapids, which crash in matrix products (llama.cpp #20824; seen here on
    a Q8_0 model): GCC keeps an explicit -mno-amx-* over the -march=native that follows.
    """
    args = ["-DLLAVA_BUILD=OFF"]
    if sys.platform.startswith("linux") and platform.machine() == "x86_64":
        no_amx = "-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
        args += [f"-DCMAKE_C_FLAGS={no_amx}", f"-DCMAKE_CXX_FLAGS={no_amx}"]
    return os.environ.get("CMAKE_ARGS", shlex.join(args))


def pinned_llama_version() -> str:
    for line in LLAMA_PIN.read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip() == "llama-cpp-python":
            return version.split()[0]
    raise SystemExit(f"{LLAMA_PIN} must pin llama-cpp-python")


def wheel_cache_root() -> Path:
    if "DESKTOP_CHAT_WHEEL_CACHE" in os.environ:  # the workflow keeps it in its cache
        return Path(os.environ["DESKTOP_CHAT_WHEEL_CACHE"]).resolve()
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))


def ensure_llama_wheel(python: Path) -> Path:
    """Compile llama-cpp-python once per release, build flags and Python (about ten minutes).

    pip's own wheel cache is keyed by the source archive alone, so it hands back a wheel
    built with other flags (on CI, one compiled before the AMX flags above, which crashed
    the tests). Our wheels live in a folder named after everything that went into them;
    pip checks the source archive against the hash in requirements/llama-cpp-python.txt.
    """
    version = pinned_llama_version()
    recipe = f"{version} {llama_cmake_args()} {sys.implementation.cache_tag} {platform.machine()}"
    key = hashlib.sha256(recipe.encode()).hexdigest()[:16]
    folder = wheel_cache_root() / "desktop-chat" / "llama-cpp-wheels" / key
    print(f"llama-cpp-python wheels for {recipe!r}: {folder}", flush=True)
    wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    if not wheels:
        print(f"Compiling llama-cpp-python {version} (about ten minutes) ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "wheel", "--disable-pip-version-check", "--no-cache-dir",
             "--no-deps", "--no-binary", "llama-cpp-python", "--require-hashes",
             "-r", str(LLAMA_PIN), "--wheel-dir", str(folder)],
            check=True, env={**os.environ, "CMAKE_ARGS": llama_cmake_args()},
        )
        wheels = sorted(folder.glob("llama_cpp_python-*.whl"))
    return wheels[-1]


def locked_entry(lock: Path, name: str) -> str:
    """One requirement of the lock, with its hashes (the lines up to the next one)."""
    entry: list[str] = []
    for line in lock.read_text().splitlines():
        if entry and not line.startswith((" ", "\t")):
            break
        if entry or line.startswith(f"{name}=="):
            entry.append(line)
    return "\n".join(entry) + "\n"


def install_torch_cpu(pip: list[str], lock: Path) -> None:
    """Install the lock's torch alone, with PyTorch's page of CPU wheels to look in.

    Alone, because pip would fetch a --find-links page for every package of the lock
    (each fetch retried where that page is out of reach, as on offline machines with
    the wheel in a local --find-links folder). Already installed, pip leaves it be later.
    """
    entry = locked_entry(lock, "torch")
    if "+cpu" not in entry.partition("\\")[0]:
        return
    pinned = VENV / "torch-requirement.txt"
    pinned.write_text(entry)
    subprocess.run([*pip, "--require-hashes", "--no-deps", "--find-links", TORCH_CPU_WHEELS,
                    "-r", str(pinned)], check=True)


def install_fingerprint(lock: Path) -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", lock, LLAMA_PIN):
        digest.update(path.read_bytes())
    digest.update(llama_cmake_args().encode())
    return digest.hexdigest()


def ensure_environment(extra: str = "test") -> Path:
    lock = locked_requirements(extra)
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = install_fingerprint(lock)
    if not STAMP.exists() or STAMP.read_text().strip() != fingerprint:
        print(f"Installing Desktop Chat and its dependencies ({lock.relative_to(ROOT)}) ...",
              flush=True)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
        llama_wheel = ensure_llama_wheel(python)
        # Exactly the locked versions, each file checked against its hash; then our own
        # wheel of llama.cpp and the app itself, whose dependencies the lock already holds.
        install_torch_cpu(pip, lock)
        subprocess.run([*pip, "--require-hashes", "-r", str(lock)], check=True)
        subprocess.run([*pip, "--no-deps", str(llama_wheel), "-e", str(ROOT)], check=True)
        STAMP.write_text(fingerprint)
    return python


def prepare_demo_model(python: Path) -> Path | None:
    """Convert the SmolLM2 demo model once (see scripts/prepare_demo_model.py)."""
    result = subprocess.run(
        [str(python), str(ROOT / "scripts" / "prepare_demo_model.py")],
        stdout=subprocess.PIPE,
        text=True,
    )
    if result.returncode != 0:
        print("The demo model could not be prepared; the app starts without it.", flush=True)
        return None
    return Path(result.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "install"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "install":
        print(ensure_environment(*rest[:1]))
        return 0
    python = ensure_environment()
    if command == "run":
        demo = prepare_demo_model(python)
        extra = ["--demo-model", str(demo)] if demo else []
        return subprocess.call([str(python), "-m", "desktop_chat", *extra, *rest], cwd=ROOT)
    if command == "test":
        if prepare_demo_model(python) is None:
            return 1  # the real-model tests need it: fail loudly rather than skip them
        return subprocess.call([str(python), "-m", "pytest", *rest], cwd=ROOT)
    if not rest:
        print("Name a benchmark: " + ", ".join(p.stem for p in sorted(ROOT.glob("bench/*.py"))))
        return 2
    script = ROOT / "bench" / f"{rest[0]}.py"
    return subprocess.call([str(python), str(script), *rest[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Regenerate the locked requirements: every dependency pinned, with hashes, per system.

    python -m pip install uv==0.13.10      (any environment; uv resolves, pip installs)
    python scripts/lock.py                 (writes requirements/, about a minute)

Writes ``requirements/<os>/<extra>.txt`` for each system the app runs on (linux, macos,
windows) and each install (``test``: dev.py and CI; ``package``: the packaging workflow),
resolved by ``uv pip compile`` from pyproject.toml for CPython 3.11, and
``requirements/llama-cpp-python.txt``: the one dependency PyPI has only as source, pinned
with its source archive's hash. dev.py and the workflow compile it themselves, with the
build flags of each machine, so it stays out of the platform locks.

Upgrading a dependency is a commit of pyproject.toml (or of ``LLAMA_CPP_PYTHON`` below) and
of what this script writes, and it runs the whole suite, frozen app included.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "requirements"
PYTHON_VERSION = "3.11"
EXTRAS = ("test", "package")
LLAMA_CPP_PYTHON = "0.3.36"
TORCH = "2.13.0"
# On Linux PyPI's torch is the CUDA build (gigabytes of nvidia-* wheels): the lock takes the
# CPU build from PyTorch's own page, which pip reads as --find-links.
TORCH_CPU_PAGE = "https://download.pytorch.org/whl/torch/"
# uv's names for the systems the app is built and tested on, and what each one needs.
PLATFORMS = {
    # glibc 2.34: AlmaLinux/RHEL 9 (the workflow's Linux leg), Ubuntu 22.04, Debian 12.
    "linux": {"target": "x86_64-manylinux_2_34", "torch": f"{TORCH}+cpu"},
    # Apple silicon only; torch 2.13's wheel is tagged macosx_14_0_arm64.
    "macos": {"target": "aarch64-apple-darwin", "torch": TORCH, "macos": "14.0"},
    "windows": {"target": "x86_64-pc-windows-msvc", "torch": TORCH},
}
HEADER = """\
# The locked {extra} install for {system} (CPython {python}), written by scripts/lock.py:
# edit pyproject.toml, then run that script. Install with
#   pip install --require-hashes -r {path}
# llama-cpp-python is built from requirements/llama-cpp-python.txt (dev.py, the workflow).
"""


def uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    return [sys.executable, "-m", "uv"]


def torch_wheels(system: str, local: list[str]) -> list[str]:
    """uv's --find-links for the Linux CPU build: a local folder holding it, else PyTorch's."""
    if system != "linux":
        return []
    wanted = f"torch-{PLATFORMS['linux']['torch']}-cp311"
    for folder in local:
        if any(Path(folder).glob(f"{wanted}-*.whl")):
            return ["--find-links", folder]
    return ["--find-links", TORCH_CPU_PAGE]


def compile_lock(system: str, extra: str, local_wheels: list[str]) -> Path:
    spec = PLATFORMS[system]
    target = REQUIREMENTS / system / f"{extra}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    constraints = target.parent / ".torch-constraint.txt"
    constraints.write_text(f"torch=={spec['torch']}\n")
    env = {**os.environ}
    if "macos" in spec:
        env["MACOSX_DEPLOYMENT_TARGET"] = spec["macos"]
    try:
        subprocess.run(
            [*uv(), "pip", "compile", "pyproject.toml", "--extra", extra, "--quiet",
             "--generate-hashes", "--python-platform", spec["target"],
             "--python-version", PYTHON_VERSION, "--constraint", str(constraints),
             *torch_wheels(system, local_wheels),
             "--no-emit-package", "llama-cpp-python", "--no-header", "--no-annotate",
             "--output-file", str(target)],
            check=True, cwd=ROOT, env=env,
        )
    finally:
        constraints.unlink()
    body = target.read_text(encoding="utf-8")
    links = ""
    if system == "linux":  # not a --find-links line: pip would fetch that page per package
        links = f"# torch+cpu is on {TORCH_CPU_PAGE} (dev.py installs it from there first).\n"
    header = HEADER.format(extra=extra, system=system, python=PYTHON_VERSION,
                           path=target.relative_to(ROOT).as_posix())
    if system == "macos":
        header += macos_minimum_note(target)
    target.write_text(header + links + body, encoding="utf-8")
    return target


MACOS_BUILD_HOST = (15, 0)  # the workflow's macos-15 runner: pip takes the newest tag <= this
MACOS_WHEEL = re.compile(
    r"-(cp311|abi3|py3|py2\.py3)-[^-]+-macosx_(\d+)_(\d+)_(arm64|universal2)\.whl$")


def locked_hashes(lock: Path) -> dict[str, tuple[str, set[str]]]:
    """name -> (version, sha256 hashes), read back from a lock written above."""
    found: dict[str, tuple[str, set[str]]] = {}
    name = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line):
            name = match[1]
            found[name] = (match[2], set())
        elif name and (match := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            found[name][1].add(match[1])
    return found


def macos_wheel_minimum(name: str, hashes: set[str]) -> tuple[tuple[int, int], str]:
    """The macOS the locked wheel pip takes on the build host needs, and its file name."""
    request = urllib.request.Request(f"https://pypi.org/simple/{name}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        files = json.load(response)["files"]
    best: tuple[tuple[int, int], str] = ((0, 0), "")
    for file in files:
        match = MACOS_WHEEL.search(file["filename"])
        if match and file["hashes"].get("sha256") in hashes:
            needs = (int(match[2]), int(match[3]))
            if best[0] < needs <= MACOS_BUILD_HOST:
                best = (needs, file["filename"])
    return best


def macos_minimum_note(lock: Path) -> str:
    """A comment naming the locked wheel that needs the newest macOS: the app's minimum
    (the spec's LSMinimumSystemVersion; tests/test_workflow.py compares them)."""
    needs, wheel = max(macos_wheel_minimum(name, hashes)
                       for name, (_, hashes) in locked_hashes(lock).items())
    return f"# macOS minimum: {needs[0]}.{needs[1]} ({wheel})\n"


def lock_llama_cpp_python() -> Path:
    """The source archive's hash, from PyPI: the same file on every system."""
    url = "https://pypi.org/pypi/llama-cpp-python/json"
    with urllib.request.urlopen(url, timeout=60) as response:
        files = json.load(response)["releases"][LLAMA_CPP_PYTHON]
    sdist = next(f for f in files if f["packagetype"] == "sdist")
    target = REQUIREMENTS / "llama-cpp-python.txt"
    target.write_text(
        "# Source only on PyPI: dev.py and the workflow compile it per machine and build\n"
        "# flags (scripts/lock.py writes this file).\n"
        f"llama-cpp-python=={LLAMA_CPP_PYTHON} \\\n"
        f"    --hash=sha256:{sdist['digests']['sha256']}\n",
        encoding="utf-8",
    )
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--system", choices=sorted(PLATFORMS), action="append",
                        help="lock only this system (repeatable; default: all)")
    args = parser.parse_args(argv)
    local_wheels = os.environ.get("PIP_FIND_LINKS", "").split()
    for system in args.system or PLATFORMS:
        for extra in EXTRAS:
            print(compile_lock(system, extra, local_wheels).relative_to(ROOT), flush=True)
    print(lock_llama_cpp_python().relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

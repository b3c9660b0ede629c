"""Checks the packaging workflow runs on a built app (also by hand, on a user's machine).

    python packaging/verify.py self-test APP MODEL [--device cpu] [--expect TEXT] [--url URL]
    python packaging/verify.py macos-binaries "dist/Desktop Chat.app" 14.0
    python packaging/verify.py windows-dlls dist/DesktopChat
    python packaging/verify.py windows-install SETUP.exe "C:\\...\\Desktop Chat 测试" MODEL
    python packaging/verify.py copy-and-self-test dist/DesktopChat "/tmp/Desktop Chat 测试" MODEL

Each prints what it checked and exits non-zero with the reason when a check fails.
Standard library only: it runs beside the build, not inside it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MACHO_MAGICS = {b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"\xce\xfa\xed\xfe"}
# What a Windows build may load from the system: the OS's own DLLs. The C++ runtime and
# OpenMP (vcruntime, msvcp, vcomp, libomp) are on the build machine but not on every PC.
NOT_SYSTEM_DLLS = re.compile(r"^(vcruntime|msvcp|vcomp|libomp|concrt|ucrtbased)", re.I)
SELF_TEST_TIMEOUT_S = 900


def engine_for(model: str) -> str:
    return "llama.cpp" if model.lower().endswith(".gguf") else "transformers"


def self_test(app: Path, model: str, device: str = "cpu", expect: str = "Paris",
              url: str | None = None) -> dict:
    """Run the app's self-test (its JSON to a file: a windowed app has no stdout); with
    ``url``, the app also fetches it over HTTPS (its bundled certificates)."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "self-test.json"
        command = [str(app), "--self-test", model, "--self-test-out", str(out),
                   "--self-test-device", device, "--self-test-expect", expect,
                   *(["--self-test-url", url] if url else [])]
        print("$", subprocess.list2cmdline(command), flush=True)
        result = subprocess.run(command, timeout=SELF_TEST_TIMEOUT_S)
        outcome = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    print(json.dumps(outcome, ensure_ascii=False, indent=2), flush=True)
    problems = []
    if result.returncode != 0:
        problems.append(f"exit status {result.returncode}")
    if outcome.get("engine") != engine_for(model):
        problems.append(f"engine {outcome.get('engine')!r}, not {engine_for(model)!r}")
    if outcome.get("device") != device:
        problems.append(f"device {outcome.get('device')!r}, not {device!r}")
    if expect not in outcome.get("answer", ""):
        problems.append(f"answer {outcome.get('answer')!r} without {expect!r}")
    if url and "status" not in outcome.get("url", {}):
        problems.append(f"{url} not fetched: {outcome.get('url')}")
    if problems:
        raise SystemExit(f"self-test of {model} failed: " + "; ".join(problems))
    return outcome


def copy_and_self_test(bundle: Path, target: Path, models: list[str],
                       url: str | None = None) -> None:
    """The bundle from a folder with a space and a non-ASCII character in its path."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(bundle, target, symlinks=True)
    executable = target / ("DesktopChat.exe" if os.name == "nt" else "DesktopChat")
    for model in models:
        self_test(executable, model, url=url)


def macho_files(bundle: Path) -> list[Path]:
    found = []
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) in MACHO_MAGICS:
                    found.append(path)
    return found


def version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def minimum_versions(show_build: str) -> list[str]:
    """The minimum macOS of each architecture in ``vtool -show-build``'s output."""
    found = []
    for block in show_build.split("Load command"):
        if "LC_BUILD_VERSION" in block:
            found += re.findall(r"^\s*minos\s+(\d+(?:\.\d+)*)", block, re.M)
        elif "LC_VERSION_MIN_MACOSX" in block:
            found += re.findall(r"^\s*version\s+(\d+(?:\.\d+)*)", block, re.M)
    return found


def macos_binaries(bundle: Path, minimum: str) -> None:
    """No Mach-O needs a newer macOS than the plist says; none links Homebrew's or
    /usr/local's libraries (absent on users' Macs)."""
    problems = []
    files = macho_files(bundle)
    for path in files:
        build = subprocess.run(["vtool", "-show-build", str(path)], capture_output=True,
                               text=True).stdout
        for found in minimum_versions(build):
            if version_tuple(found) > version_tuple(minimum):
                problems.append(f"{path}: needs macOS {found}")
        links = subprocess.run(["otool", "-L", str(path)], capture_output=True, text=True).stdout
        for line in links.splitlines()[1:]:
            if line.strip().startswith(("/opt/homebrew", "/usr/local")):
                problems.append(f"{path}: links {line.strip()}")
    print(f"{len(files)} Mach-O files checked against macOS {minimum}", flush=True)
    if problems:
        raise SystemExit("\n".join(problems))


def windows_dlls(bundle: Path) -> None:
    """Each DLL an .exe, .dll or .pyd of the bundle depends on is in the bundle or the OS."""
    bundled = {p.name.lower() for p in bundle.rglob("*") if p.is_file()}
    system = Path(os.environ.get("SystemRoot", r"C:\Windows")) / "System32"
    problems = []
    files = [p for p in bundle.rglob("*") if p.suffix.lower() in (".exe", ".dll", ".pyd")]
    for path in files:
        listing = subprocess.run(["dumpbin", "/nologo", "/dependents", str(path)],
                                 capture_output=True, text=True).stdout
        for name in re.findall(r"^\s+(\S+\.dll)\s*$", listing, re.M | re.I):
            lower = name.lower()
            if lower in bundled or lower.startswith(("api-ms-win-", "ext-ms-")):
                continue
            if (system / name).exists() and not NOT_SYSTEM_DLLS.match(lower):
                continue
            problems.append(f"{path.relative_to(bundle)} needs {name}, not bundled")
    print(f"{len(files)} Windows binaries checked", flush=True)
    if problems:
        raise SystemExit("\n".join(sorted(set(problems))))


def windows_install(setup: Path, target: Path, models: list[str],
                    url: str | None = None) -> None:
    """Install silently into ``target`` (a space, a non-ASCII name), self-test, uninstall."""
    log = target.parent / "install.log"
    subprocess.run([str(setup), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART",
                    "/CURRENTUSER", f"/DIR={target}", f"/LOG={log}"], check=True, timeout=1800)
    executable = target / "DesktopChat.exe"
    if not executable.exists():
        raise SystemExit(f"the installer put no DesktopChat.exe in {target}")
    for model in models:
        self_test(executable, model, url=url)
    subprocess.run([str(target / "unins000.exe"), "/VERYSILENT", "/SUPPRESSMSGBOXES",
                    "/NORESTART"], check=True, timeout=600)
    # The uninstaller hands over to a copy of itself and returns at once: wait for it.
    deadline = time.monotonic() + 300
    while executable.exists() and time.monotonic() < deadline:
        time.sleep(5)
    if executable.exists():
        raise SystemExit(f"uninstalling left {executable}")
    print(f"installed into {target}, self-tested, uninstalled", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("self-test")
    one.add_argument("app", type=Path)
    one.add_argument("models", nargs="+")
    one.add_argument("--device", default="cpu")
    one.add_argument("--expect", default="Paris")
    one.add_argument("--url", help="also fetch this https URL from the app")
    copy = commands.add_parser("copy-and-self-test")
    copy.add_argument("bundle", type=Path)
    copy.add_argument("target", type=Path)
    copy.add_argument("models", nargs="+")
    copy.add_argument("--url", help="also fetch this https URL from the app")
    macos = commands.add_parser("macos-binaries")
    macos.add_argument("bundle", type=Path)
    macos.add_argument("minimum")
    dlls = commands.add_parser("windows-dlls")
    dlls.add_argument("bundle", type=Path)
    install = commands.add_parser("windows-install")
    install.add_argument("setup", type=Path)
    install.add_argument("target", type=Path)
    install.add_argument("models", nargs="+")
    install.add_argument("--url", help="also fetch this https URL from the app")
    args = parser.parse_args(argv)
    if args.command == "self-test":
        for model in args.models:
            self_test(args.app, model, args.device, args.expect, args.url)
    elif args.command == "copy-and-self-test":
        copy_and_self_test(args.bundle, args.target, args.models, args.url)
    elif args.command == "macos-binaries":
        macos_binaries(args.bundle, args.minimum)
    elif args.command == "windows-dlls":
        windows_dlls(args.bundle)
    else:
        windows_install(args.setup, args.target, args.models, args.url)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

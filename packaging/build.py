"""Build the packaged app with PyInstaller: a one-folder app, and on macOS a .app (+ .dmg).

    .venv/bin/python packaging/build.py            (pip install -e ".[package]" first)

Output: dist/DesktopChat/ (Linux, Windows: DesktopChat.exe inside), dist/Desktop Chat.app
and dist/DesktopChat-<version>.dmg (macOS, when hdiutil exists). Prints the bundle's size,
what dominates it, and how long the build took.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
# PyInstaller only warns when a library a bundled binary links or a named hidden import is
# missing, or when signing the bundle fails: each of those is an app that breaks on a
# user's machine. (Its "Library X required via ctypes not found" are guesses from source
# code, mostly other systems' libraries: not these.)
FATAL_WARNING = re.compile(r"WARNING: (Library not found|Hidden import .* not found|.*[Cc]odesign"
                           r"|.*[Ff]ailed to sign)")
# Warnings seen and judged harmless, each with its reason.
HARMLESS_WARNINGS = (
    # Linux: Qt's X11 (xcb) platform plugin and GTK theme link the desktop's own X and GTK
    # libraries, present wherever there is a desktop (and not on a bare build machine).
    re.compile(r"could not resolve '(libxcb-[a-z0-9-]+|libgtk-3|libgdk-3)\.so"),
    # torch's hook names CUDA libraries; the CPU and macOS builds have none.
    re.compile(r"could not resolve '(libcu|libnv|libcudnn)"),
)


def version() -> str:
    from importlib.metadata import version as installed_version

    return installed_version("desktop-chat")


def write_windows_version_file(ver: str) -> None:
    """The version resource Windows shows in the file's Properties."""
    parts = [int(p) for p in ver.split(".")[:3] if p.isdigit()] + [0, 0, 0, 0]
    numbers = ", ".join(str(n) for n in parts[:4])
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers=({numbers}), prodvers=({numbers})),
  kids=[
    StringFileInfo([StringTable('040904B0', [
      StringStruct('CompanyName', 'Desktop Chat'),
      StringStruct('FileDescription', 'Desktop Chat'),
      StringStruct('FileVersion', '{ver}'),
      StringStruct('InternalName', 'DesktopChat'),
      StringStruct('OriginalFilename', 'DesktopChat.exe'),
      StringStruct('ProductName', 'Desktop Chat'),
      StringStruct('ProductVersion', '{ver}')])]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
    target = ROOT / "build" / "windows-version.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def report_size(bundle: Path) -> None:
    total = folder_size(bundle)
    print(f"bundle: {bundle} {total / 2**20:.0f} MiB")
    internal = bundle / "_internal" if (bundle / "_internal").exists() else bundle
    parts = [(folder_size(p) if p.is_dir() else p.stat().st_size, p.name)
             for p in internal.iterdir()]
    for size, name in sorted(parts, reverse=True)[:8]:
        print(f"  {size / 2**20:8.0f} MiB  {name}")


def make_dmg(app: Path, ver: str) -> None:
    if shutil.which("hdiutil") is None:
        print("hdiutil not found: no .dmg")
        return
    dmg = DIST / f"DesktopChat-{ver}.dmg"
    dmg.unlink(missing_ok=True)
    # hdiutil fails now and then on build machines ("Resource busy"): try again a few times.
    run_with_retries(["hdiutil", "create", "-volname", "Desktop Chat", "-srcfolder", str(app),
                      "-ov", "-format", "UDZO", str(dmg)])
    run_with_retries(["hdiutil", "verify", str(dmg)])
    print(f"disk image: {dmg}")


def run_with_retries(command: list[str], attempts: int = 5, pause_s: float = 10) -> None:
    for attempt in range(1, attempts + 1):
        if subprocess.run(command).returncode == 0:
            return
        print(f"{command[0]} {command[1]} failed (try {attempt} of {attempts})", flush=True)
        time.sleep(pause_s * attempt)
    raise SystemExit(f"{' '.join(command)} failed {attempts} times")


def fatal_warnings(lines: list[str]) -> list[str]:
    return [line for line in lines if FATAL_WARNING.search(line)
            and not any(harmless.search(line) for harmless in HARMLESS_WARNINGS)]


def run_pyinstaller(env: dict[str, str]) -> None:
    """PyInstaller, its log passed through; a missing library or import fails the build."""
    process = subprocess.Popen(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK),
         str(ROOT / "packaging" / "desktop_chat.spec")],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        encoding="utf-8", errors="replace",
    )
    lines = []
    for line in process.stdout:
        print(line, end="", flush=True)
        lines.append(line.rstrip())
    if process.wait() != 0:
        raise SystemExit(f"PyInstaller failed (exit status {process.returncode})")
    if fatal := fatal_warnings(lines):
        raise SystemExit("PyInstaller could not find what the app needs:\n" + "\n".join(fatal))


def main() -> int:
    started = time.monotonic()
    ver = version()
    subprocess.run([sys.executable, str(ROOT / "packaging" / "make_icons.py")], check=True)
    write_windows_version_file(ver)
    env = {**os.environ, "DESKTOP_CHAT_VERSION": ver}
    run_pyinstaller(env)
    report_size(DIST / "DesktopChat")
    if sys.platform == "darwin":
        make_dmg(DIST / "Desktop Chat.app", ver)
    print(f"built Desktop Chat {ver} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

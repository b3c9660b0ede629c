"""Build the packaged app with PyInstaller: a one-folder app, and on macOS a .app (+ .dmg).

    .venv/bin/python packaging/build.py            (pip install -e ".[package]" first)

Output: dist/DesktopChat/ (Linux, Windows: DesktopChat.exe inside), dist/Desktop Chat.app
and dist/DesktopChat-<version>.dmg (macOS, when hdiutil exists). Prints the bundle's size,
what dominates it, and how long the build took.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


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
    subprocess.run(["hdiutil", "create", "-volname", "Desktop Chat", "-srcfolder", str(app),
                    "-ov", "-format", "UDZO", str(dmg)], check=True)
    print(f"disk image: {dmg}")


def main() -> int:
    started = time.monotonic()
    ver = version()
    subprocess.run([sys.executable, str(ROOT / "packaging" / "make_icons.py")], check=True)
    write_windows_version_file(ver)
    env = {**os.environ, "DESKTOP_CHAT_VERSION": ver}
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(WORK),
         str(ROOT / "packaging" / "desktop_chat.spec")],
        check=True, env=env, cwd=ROOT,
    )
    report_size(DIST / "DesktopChat")
    if sys.platform == "darwin":
        make_dmg(DIST / "Desktop Chat.app", ver)
    print(f"built Desktop Chat {ver} in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Every app icon from the one source, resources/app-icon.svg.

    .venv/bin/python packaging/make_icons.py

Renders the SVG with Qt at each size, then writes:
- desktop_chat/resources/icons/app-icon-<N>.png (the window icon, shipped in the package);
- build/icons/app-icon.ico (Windows, several sizes) and build/icons/app-icon.icns (macOS),
  with Pillow, for packaging/build.py.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "app-icon.svg"
PACKAGE_ICONS = ROOT / "desktop_chat" / "resources" / "icons"
BUILD_ICONS = ROOT / "build" / "icons"
PACKAGE_SIZES = (16, 32, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"{SOURCE} is not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(target)):
        raise SystemExit(f"could not write {target}")


def main() -> int:
    from PIL import Image

    BUILD_ICONS.mkdir(parents=True, exist_ok=True)
    for size in PACKAGE_SIZES:
        render_png(size, PACKAGE_ICONS / f"app-icon-{size}.png")
    largest = BUILD_ICONS / "app-icon-1024.png"
    render_png(1024, largest)
    for size in set(ICO_SIZES) | set(ICNS_SIZES):
        render_png(size, BUILD_ICONS / f"app-icon-{size}.png")
    with Image.open(largest) as image:
        image.save(BUILD_ICONS / "app-icon.ico", sizes=[(s, s) for s in ICO_SIZES])
        image.save(BUILD_ICONS / "app-icon.icns",
                   append_images=[Image.open(BUILD_ICONS / f"app-icon-{s}.png")
                                  for s in ICNS_SIZES if s != 1024])
    print(f"icons written to {PACKAGE_ICONS} and {BUILD_ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

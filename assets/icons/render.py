"""Render gatewatch.svg to the PNG sizes the platforms need and a multi-size .ico.

Run after editing the SVG: ``.venv/bin/python assets/icons/render.py``. The
outputs are committed so a build needs neither Qt's SVG module nor this script.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int, renderer: QSvgRenderer) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> None:
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(HERE / "gatewatch.svg"))
    if not renderer.isValid():
        raise SystemExit("gatewatch.svg did not parse")
    for size in SIZES:
        render(size, renderer).save(str(HERE / f"gatewatch-{size}.png"))
    # Pillow writes every requested size into one .ico, from the largest render.
    big = Image.open(HERE / "gatewatch-512.png").convert("RGBA")
    big.save(HERE / "gatewatch.ico", sizes=[(s, s) for s in ICO_SIZES])


if __name__ == "__main__":
    main()

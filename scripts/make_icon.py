#!/usr/bin/env python3
"""Render ``assets/digitpad.svg`` into the PNG (window icon) and ICO
(Windows executable) files, so the app itself never needs the SVG module.

    python scripts/make_icon.py
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ASSETS = Path(__file__).resolve().parent.parent / "assets"


def main() -> int:
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - Qt needs it to paint
    renderer = QSvgRenderer(str(ASSETS / "digitpad.svg"))
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    png = ASSETS / "digitpad.png"
    image.save(str(png))
    Image.open(png).save(ASSETS / "digitpad.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64),
                                                          (128, 128), (256, 256)])
    print("wrote", png, ASSETS / "digitpad.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Thumbnails of 28x28 digits for grids of pictures (the misclassified test
digits, the user's samples): one size everywhere, pixels enlarged without
smoothing so the learner sees the network's own pixels, and the same
picture when selected (Qt would otherwise tint the digit).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QImage, QPixmap

THUMBNAIL = 56


def digit_icon(image: np.ndarray) -> QIcon:
    """An icon of a ``(28, 28)`` uint8 digit (bright ink on black), ``THUMBNAIL`` pixels square."""
    pixels = np.ascontiguousarray(image, dtype=np.uint8)
    height, width = pixels.shape
    picture = QImage(pixels.data, width, height, width, QImage.Format.Format_Grayscale8).copy()
    pixmap = QPixmap.fromImage(picture.scaled(THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.FastTransformation))
    icon = QIcon()
    icon.addPixmap(pixmap, QIcon.Mode.Normal)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon

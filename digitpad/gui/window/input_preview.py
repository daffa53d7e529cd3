"""A magnified view of the 28x28 image the network actually receives, drawn
pixel by pixel (no smoothing) with a faint grid, so a user can see how their
drawing was cropped, scaled and centred the MNIST way.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class InputPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inputPreview")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(112, 112)
        self.setToolTip("The 28×28 image the network sees: your ink cropped, scaled into a "
                        "20×20 box and centred by its centre of mass, exactly as MNIST digits were made.")
        self._pixels = np.zeros((28, 28), np.uint8)
        self._image: np.ndarray | None = None

    def image(self) -> np.ndarray | None:
        return None if self._image is None else self._image.copy()

    def setImage(self, image: np.ndarray | None) -> None:
        """Show a ``(28, 28)`` float image in [0, 1] (white ink on black), or nothing."""
        if image is None:
            self._image = None
        else:
            image = np.asarray(image, dtype=np.float32)
            if image.shape != (28, 28):
                raise ValueError(f"expected a 28x28 image, got {image.shape}")
            self._image = image.copy()
            self._pixels = np.ascontiguousarray(np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(196, 196)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        side = min(self.width(), self.height())
        frame = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter.fillRect(frame, QColor(0, 0, 0))
        if self._image is not None:
            picture = QImage(self._pixels.data, 28, 28, 28, QImage.Format.Format_Grayscale8)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            painter.drawImage(frame, picture)
        else:
            painter.setPen(QColor(140, 140, 150))
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, "28 × 28\ninput")
        cell = side / 28
        if cell >= 4:
            painter.setPen(QPen(QColor(255, 255, 255, 22), 1))
            for index in range(1, 28):
                offset = index * cell
                painter.drawLine(frame.left() + offset, frame.top(), frame.left() + offset, frame.bottom())
                painter.drawLine(frame.left(), frame.top() + offset, frame.right(), frame.top() + offset)
        painter.end()

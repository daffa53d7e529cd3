"""Random samples, painted: a grid of 28 × 28 digits, pixel by pixel (no
smoothing), each with its label in the corner, as many columns as suit
the view. Pointing at one tells its number and label; clicking it sends
it out (``sampleClicked``) to go on the canvas.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.dataview import texts

GAP = 4.0
LABEL_BACK = QColor(38, 110, 220)


class SampleGrid(QWidget):
    sampleClicked = Signal(int)         # the sample's index in its split

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sampleGrid")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._images: list[np.ndarray] = []
        self._labels: list[int] = []
        self._indices: list[int] = []
        self._split = "train"

    def setSamples(self, images: np.ndarray, labels: np.ndarray, indices: np.ndarray, split: str) -> None:
        """Show ``images[indices]`` (uint8 ``(N, 28, 28)``) with their ``labels``."""
        self._indices = [int(index) for index in indices]
        self._images = [np.ascontiguousarray(images[index], np.uint8) for index in self._indices]
        self._labels = [int(labels[index]) for index in self._indices]
        self._split = split
        self.update()

    def samples(self) -> list[int]:
        """The indices shown, in order."""
        return list(self._indices)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 130)

    def sizeHint(self) -> QSize:
        return QSize(460, 240)

    def _grid(self) -> tuple[int, float]:
        """(columns, side of a cell) giving the largest cells that fit."""
        count = max(len(self._images), 1)
        best = (1, 0.0)
        for columns in range(1, count + 1):
            rows = math.ceil(count / columns)
            side = min((self.width() - GAP * (columns - 1)) / columns, (self.height() - GAP * (rows - 1)) / rows)
            if side > best[1]:
                best = (columns, side)
        return best

    def cell(self, position: int) -> QRectF:
        columns, side = self._grid()
        rows = math.ceil(max(len(self._images), 1) / columns)
        left = (self.width() - columns * side - (columns - 1) * GAP) / 2
        top = (self.height() - rows * side - (rows - 1) * GAP) / 2
        return QRectF(left + (position % columns) * (side + GAP), top + (position // columns) * (side + GAP),
                      side, side)

    def positionAt(self, point: QPointF) -> int | None:
        for position in range(len(self._images)):
            if self.cell(position).contains(point):
                return position
        return None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if not self._images:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Loading…")
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 6.0))
        small.setBold(True)
        painter.setFont(small)
        for position, (pixels, label) in enumerate(zip(self._images, self._labels)):
            box = self.cell(position)
            painter.drawImage(box, QImage(pixels.data, 28, 28, 28, QImage.Format.Format_Grayscale8))
            chip = QRectF(box.left(), box.top(), max(box.width() * 0.3, 12), max(box.height() * 0.3, 12))
            painter.fillRect(chip, LABEL_BACK)
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, str(label))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        position = self.positionAt(event.position())
        if position is not None and event.button() == Qt.MouseButton.LeftButton:
            self.sampleClicked.emit(self._indices[position])

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            position = self.positionAt(QPointF(event.pos()))
            if position is not None:
                QToolTip.showText(event.globalPos(), texts.sample_tip(self._indices[position],
                                                                      self._labels[position], self._split), self)
                return True
        return super().event(event)

"""The ten average digits, painted pixel by pixel (no smoothing, so the
28 × 28 grid shows), as light ink on black the way the network receives
them, each with its digit below; two rows of five, or one row of ten when
the view is wide. Pointing at one tells how many digits it averages.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.data.mnist.summary import SplitSummary
from digitpad.gui.dataview import texts

GAP = 8.0


class AverageDigits(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("averageDigits")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._summary: SplitSummary | None = None
        self._pixels: list[np.ndarray] = []

    def setSummary(self, summary: SplitSummary) -> None:
        self._summary = summary
        # As they are, not brightened: how much ink a pixel has on average is the point.
        self._pixels = [np.ascontiguousarray(np.clip(mean * 255 + 0.5, 0, 255).astype(np.uint8))
                        for mean in summary.mean_images]
        self.update()

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 130)

    def sizeHint(self) -> QSize:
        return QSize(460, 240)

    def _layout(self) -> tuple[int, float]:
        """(columns, side of a picture) that fit the view best."""
        label = QFontMetricsF(self.font()).height() + 2
        best = (5, 0.0)
        for columns in (5, 10):
            rows = 10 // columns
            side = min((self.width() - GAP * (columns - 1)) / columns,
                       (self.height() - rows * label - GAP * (rows - 1)) / rows)
            if side > best[1]:
                best = (columns, side)
        return best

    def cell(self, digit: int) -> QRectF:
        """Where the picture of ``digit`` is painted."""
        columns, side = self._layout()
        label = QFontMetricsF(self.font()).height() + 2
        rows = 10 // columns
        width = columns * side + (columns - 1) * GAP
        height = rows * (side + label) + (rows - 1) * GAP
        left = (self.width() - width) / 2 + (digit % columns) * (side + GAP)
        top = (self.height() - height) / 2 + (digit // columns) * (side + label + GAP)
        return QRectF(left, top, side, side)

    def digitAt(self, point: QPointF) -> int | None:
        for digit in range(10):
            if self.cell(digit).contains(point):
                return digit
        return None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if self._summary is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Loading…")
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        label = QFontMetricsF(self.font()).height() + 2
        for digit, pixels in enumerate(self._pixels):
            box = self.cell(digit)
            painter.fillRect(box, QColor(0, 0, 0))
            painter.drawImage(box, QImage(pixels.data, 28, 28, 28, QImage.Format.Format_Grayscale8))
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(box.left(), box.bottom() + 1, box.width(), label),
                             Qt.AlignmentFlag.AlignCenter, str(digit))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._summary is not None:
            digit = self.digitAt(QPointF(event.pos()))
            if digit is not None:
                QToolTip.showText(event.globalPos(), texts.average_tip(digit, self._summary), self)
                return True
        return super().event(event)

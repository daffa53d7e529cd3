"""The point map's legend, painted on the map's dark background: the ten
digits' colours in two rows of five, then the marks — the ring of a digit
read wrongly and the star of the drawing. Clicking a digit picks it out on
the map (``digitPicked``; clicking it again shows all digits alike).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.pointmap.digit_colours import (BACKGROUND, DIGIT_COLOURS, DIMMED_ALPHA, DRAWING, FAINT_TEXT,
                                                 MISTAKE_RING, SELECTED, TEXT)

COLUMNS = 5
MARGIN = 8.0


def star_path(centre: QPointF, radius: float) -> QPainterPath:
    """A five-pointed star, as pyqtgraph draws the drawing's."""
    path = QPainterPath()
    for corner in range(10):
        reach = radius if corner % 2 == 0 else radius * 0.45
        angle = math.pi / 2 + corner * math.pi / 5
        point = QPointF(centre.x() + reach * math.cos(angle), centre.y() - reach * math.sin(angle))
        if corner == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    path.closeSubpath()
    return path


class DigitLegend(QWidget):
    digitPicked = Signal(object)        # the digit picked out, or None for all

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pointMapLegend")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._picked: int | None = None

    def picked(self) -> int | None:
        return self._picked

    def setPicked(self, digit: int | None) -> None:
        if digit != self._picked:
            self._picked = digit
            self.update()
            self.digitPicked.emit(digit)

    def _row_height(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.6

    def sizeHint(self) -> QSize:
        return QSize(230, int(self._row_height() * 3 + MARGIN * 2))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.sizeHint().height())

    def _cell(self, digit: int) -> QRectF:
        width = (self.width() - 2 * MARGIN) / COLUMNS
        height = self._row_height()
        return QRectF(MARGIN + (digit % COLUMNS) * width, MARGIN + (digit // COLUMNS) * height, width, height)

    def digitAt(self, point: QPointF) -> int | None:
        for digit in range(10):
            if self._cell(digit).contains(point):
                return digit
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        digit = self.digitAt(event.position())
        if digit is not None:
            self.setPicked(None if digit == self._picked else digit)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), BACKGROUND)
        radius = 5.0
        for digit, colour in enumerate(DIGIT_COLOURS):
            cell = self._cell(digit)
            faded = self._picked is not None and digit != self._picked
            shown = QColor(colour)
            if faded:
                shown.setAlpha(DIMMED_ALPHA * 3)
            if digit == self._picked:
                painter.setPen(QPen(SELECTED, 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(cell.adjusted(2, 2, -2, -2), 4, 4)
            centre = QPointF(cell.left() + 8 + radius, cell.center().y())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shown)
            painter.drawEllipse(centre, radius, radius)
            painter.setPen(FAINT_TEXT if faded else TEXT)
            painter.drawText(QRectF(centre.x() + radius + 5, cell.top(), cell.width(), cell.height()),
                             Qt.AlignmentFlag.AlignVCenter, str(digit))
        self._paint_marks(painter, MARGIN + 2 * self._row_height())
        painter.end()

    def _paint_marks(self, painter: QPainter, top: float) -> None:
        height = self._row_height()
        middle = top + height / 2
        half = (self.width() - 2 * MARGIN) / 2
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(MISTAKE_RING, 1.3))
        painter.drawEllipse(QPointF(MARGIN + 13, middle), 6.5, 6.5)
        painter.setBrush(DIGIT_COLOURS[0])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(MARGIN + 13, middle), 3.5, 3.5)
        painter.setBrush(DRAWING)
        painter.setPen(QPen(BACKGROUND, 1))
        painter.drawPath(star_path(QPointF(MARGIN + half + 13, middle), 9))
        painter.setPen(TEXT)
        for left, words in ((MARGIN + 26, "read wrongly"), (MARGIN + half + 26, "your drawing")):
            painter.drawText(QRectF(left, top, half - 26, height), Qt.AlignmentFlag.AlignVCenter, words)

"""A 28 × 28 grid of numbers drawn as a picture: the image the network reads
(white ink on black, like MNIST) or, tinted orange and blue, a unit's 784
weights or the products of those weights with the pixels. When the cells
are big enough each shows its number; hovering a cell explains it (the
text comes from the owner, which knows what the numbers mean).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.stepping.colours import TEXT, tint_array
from digitpad.gui.stepping.numbers import wide_tip

SIDE = 28
# Cells at least this many pixels wide show their number.
NUMBERS_FROM = 17


def pixel_text(value: float) -> str:
    """A pixel's value in the few characters a cell has: ``0``, ``.82``, ``1``."""
    if value <= 0:
        return "0"
    if value >= 0.995:
        return "1"
    return f"{value:.2f}"[1:]


class PixelGrid(QWidget):
    def __init__(self, diverging: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._diverging = diverging
        self._values: np.ndarray | None = None
        self._scale = 1.0
        self._describe: Callable[[int, int], str] | None = None
        self._empty_text = "nothing to show"
        self._rgb: np.ndarray | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(112, 112)
        self.setMouseTracking(True)

    def values(self) -> np.ndarray | None:
        return None if self._values is None else self._values.copy()

    def setValues(self, values: np.ndarray | None, scale: float | None = None) -> None:
        """Show a ``(28, 28)`` array (None: nothing); a diverging grid tints
        by ``|value| / scale`` (default: the largest ``|value|``)."""
        self._values = None if values is None else np.asarray(values, dtype=np.float64).reshape(SIDE, SIDE)
        if self._values is not None:
            self._scale = scale if scale else float(np.abs(self._values).max()) or 1.0
        self.update()

    def setDescriber(self, describe: Callable[[int, int], str]) -> None:
        """``describe(row, column)``: the rich-text explanation of a cell, for its tooltip."""
        self._describe = describe

    def setEmptyText(self, text: str) -> None:
        self._empty_text = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(300, 300)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def frame(self) -> QRectF:
        """The square the grid is drawn in, a whole number of pixels per cell when it can be."""
        cell = min(self.width(), self.height()) / SIDE
        cell = max(1.0, float(int(cell))) if cell >= 4 else cell
        side = cell * SIDE
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def cellAt(self, x: float, y: float) -> tuple[int, int] | None:
        frame = self.frame()
        if not frame.contains(x, y):
            return None
        cell = frame.width() / SIDE
        return min(SIDE - 1, int((y - frame.top()) / cell)), min(SIDE - 1, int((x - frame.left()) / cell))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            place = self.cellAt(event.pos().x(), event.pos().y())
            if place is not None and self._values is not None and self._describe is not None:
                frame, (row, column) = self.frame(), place
                cell = frame.width() / SIDE
                area = QRect(int(frame.left() + column * cell), int(frame.top() + row * cell),
                             max(1, int(cell)), max(1, int(cell)))
                QToolTip.showText(event.globalPos(), wide_tip(self._describe(row, column)), self, area)
            else:
                QToolTip.showText(event.globalPos(), self.toolTip(), self)
            return True
        return super().event(event)

    def _picture(self) -> QImage:
        """The 28 × 28 values as an image, one pixel per cell."""
        if self._diverging:
            rgb = tint_array(self._values, self._scale)
        else:
            level = np.round(np.clip(self._values, 0.0, 1.0) * 255).astype(np.uint8)
            rgb = np.repeat(level[..., None], 3, axis=2)
        self._rgb = np.ascontiguousarray(rgb)       # kept alive while the image is painted
        return QImage(self._rgb.data, SIDE, SIDE, SIDE * 3, QImage.Format.Format_RGB888)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        frame = self.frame()
        if self._values is None:
            painter.fillRect(frame, QColor(0, 0, 0) if not self._diverging else QColor(245, 246, 248))
            painter.setPen(QColor(140, 140, 150))
            painter.drawText(frame, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._empty_text)
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.drawImage(frame, self._picture())
        cell = frame.width() / SIDE
        if cell >= NUMBERS_FROM and not self._diverging:
            self._paint_numbers(painter, frame, cell)
        if cell >= 4:
            painter.setPen(QPen(QColor(128, 128, 128, 60) if not self._diverging else QColor(0, 0, 0, 25), 1))
            lines = []
            for index in range(1, SIDE):
                offset = index * cell
                lines.append(QLineF(frame.left() + offset, frame.top(), frame.left() + offset, frame.bottom()))
                lines.append(QLineF(frame.left(), frame.top() + offset, frame.right(), frame.top() + offset))
            painter.drawLines(lines)
        painter.end()

    def _paint_numbers(self, painter: QPainter, frame: QRectF, cell: float) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(7, int(cell * 0.42)))
        painter.setFont(font)
        for row in range(SIDE):
            for column in range(SIDE):
                value = float(self._values[row, column])
                painter.setPen(QColor(90, 90, 90) if value <= 0 else (TEXT if value > 0.55
                                                                       else QColor(255, 255, 255)))
                painter.drawText(QRectF(frame.left() + column * cell, frame.top() + row * cell, cell, cell),
                                 Qt.AlignmentFlag.AlignCenter, pixel_text(value))

"""A 28×28 picture of signed numbers, one per input pixel — a first-layer
unit's weights, or those weights times the drawing — orange where positive,
blue where negative, dark at zero, under a title and over its range. For
the unit detail. Pointing at a pixel gives its number.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.network import colours


class WeightPicture(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # It paints every pixel itself: Qt need not paint what lies behind it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._title = title
        self._values: np.ndarray | None = None
        self._image = QImage()
        self._limit = 1.0
        self._empty_text = ""

    def values(self) -> np.ndarray | None:
        return None if self._values is None else self._values.copy()

    def setValues(self, values: np.ndarray | None, ink: np.ndarray | None = None, empty_text: str = "") -> None:
        """Show ``values`` ``(28, 28)`` (None: ``empty_text`` instead); ``ink`` shows the drawing through."""
        if (values is not None and ink is None and self._values is not None and empty_text == self._empty_text
                and np.array_equal(self._values, np.reshape(values, (28, 28)))):
            return                          # the same weights again: nothing to repaint
        self._empty_text = empty_text
        if values is None:
            self._values, self._image = None, QImage()
        else:
            self._values = np.asarray(values, np.float32).reshape(28, 28).copy()
            self._limit = colours.symmetric_limit(self._values, quantile=1.0)
            self._image = colours.image_from_argb(colours.diverging_pixels(self._values, self._limit, ink))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(190, 220)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 150)

    def _picture(self) -> QRectF:
        line = QFontMetricsF(self.font()).height() + 4
        side = max(min(self.width() - 8, self.height() - 2 * line - 8), 28)
        return QRectF((self.width() - side) / 2, line + 2, side, side)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), colours.BACKGROUND)
        picture = self._picture()
        line = picture.top() - 2
        painter.setPen(colours.TEXT)
        painter.drawText(QRectF(0, 0, self.width(), line), Qt.AlignmentFlag.AlignCenter, self._title)
        painter.fillRect(picture, colours.NEUTRAL)
        painter.setPen(colours.FAINT_TEXT)
        below = QRectF(0, picture.bottom() + 4, self.width(), line)
        if self._values is None:
            painter.drawText(picture, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._empty_text)
        else:
            painter.drawImage(picture, self._image)
            low, high = float(self._values.min()), float(self._values.max())
            painter.drawText(below, Qt.AlignmentFlag.AlignCenter, f"from {low:+.3f} to {high:+.3f}")
        painter.end()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._values is not None:
            picture, point = self._picture(), QPointF(event.pos())
            if picture.contains(point):
                column = min(int((point.x() - picture.left()) / picture.width() * 28), 27)
                row = min(int((point.y() - picture.top()) / picture.height() * 28), 27)
                QToolTip.showText(event.globalPos(), f"<b>{self._title}</b><br>row {row + 1}, column {column + 1}: "
                                                     f"{float(self._values[row, column]):+.4f}", self)
                return True
        return super().event(event)

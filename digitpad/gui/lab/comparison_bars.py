"""Two columns of ten probability bars, side by side: the model in use
(blue) and the edited network (orange) reading the same drawing, one row
per digit, so a learner sees at a glance which digits an edit moved. Each
column's answer is drawn in full colour with its percentage in bold; the
other bars are lighter. With no drawing the tracks stay empty.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.common.percent import percent

IN_USE = QColor(38, 110, 220)
EDITED = QColor(220, 110, 40)
COLUMNS = (("Model in use", IN_USE), ("Edited", EDITED))


class ComparisonBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comparisonBars")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 190)
        self._values: tuple[np.ndarray | None, np.ndarray | None] = (None, None)

    def probabilities(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """``(model in use, edited)``: 10 probabilities each, or None."""
        return tuple(None if values is None else values.copy() for values in self._values)

    def setProbabilities(self, in_use: np.ndarray | None, edited: np.ndarray | None) -> None:
        self._values = tuple(None if values is None else np.asarray(values, np.float32).reshape(10).copy()
                             for values in (in_use, edited))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(330, 230)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        track = self.palette().color(QPalette.ColorRole.Window).darker(112)
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetricsF(bold)
        header = metrics.height() + 4
        digit_width = metrics.horizontalAdvance("0") + 10
        percent_width = metrics.horizontalAdvance("100.0%") + 6
        column_width = (self.width() - digit_width) / 2
        row_height = (self.height() - header) / 10
        painter.setFont(bold)
        for column, (title, colour) in enumerate(COLUMNS):
            painter.setPen(colour)
            painter.drawText(QRectF(digit_width + column * column_width, 0, column_width, header),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        for digit in range(10):
            top = header + digit * row_height
            painter.setFont(self.font())
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, top, digit_width, row_height), Qt.AlignmentFlag.AlignCenter, str(digit))
            for column, (title, colour) in enumerate(COLUMNS):
                left = digit_width + column * column_width
                bar = QRectF(left, top + row_height * 0.2, max(column_width - percent_width - 8, 8),
                             max(row_height * 0.6, 2))
                self._paint_bar(painter, bar, digit, self._values[column], colour, track, text_colour, bold)
        painter.end()

    def _paint_bar(self, painter: QPainter, bar: QRectF, digit: int, values: np.ndarray | None,
                   colour: QColor, track: QColor, text_colour: QColor, bold: QFont) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        if values is None:
            return
        value = float(values[digit])
        winner = digit == int(values.argmax())
        filled = QRectF(bar.left(), bar.top(), bar.width() * value, bar.height())
        if filled.width() >= 1:
            painter.setBrush(colour if winner else colour.lighter(150))
            painter.drawRoundedRect(filled, 3, 3)
        painter.setFont(bold if winner else self.font())
        painter.setPen(text_colour)
        painter.drawText(QRectF(bar.right() + 6, bar.top() - bar.height(), 200, bar.height() * 3),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, percent(value))

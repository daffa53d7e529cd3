"""The strongest inputs of one unit as bars, strongest first: each bar is an
input's push into the unit — its activation times its weight while a digit
is drawn, else the weight alone — growing right in orange when it pushes
the unit up and left in blue when it holds it back. For the detail of a
unit past the first layer, whose inputs are units rather than pixels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.network import colours

BARS = 12


class InputBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # It paints every pixel itself: Qt need not paint what lies behind it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._title = ""
        self._labels: list[str] = []
        self._values = np.zeros(0, np.float32)

    def bars(self) -> list[tuple[str, float]]:
        """What is shown: ``(label, value)`` per bar, strongest first."""
        return list(zip(self._labels, (float(value) for value in self._values)))

    def setBars(self, title: str, labels: list[str], values: np.ndarray) -> None:
        self._title, self._labels = title, list(labels)
        self._values = np.asarray(values, np.float32)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(400, 260)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 180)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), colours.BACKGROUND)
        metrics = QFontMetricsF(self.font())
        line = metrics.height() + 4
        painter.setPen(colours.TEXT)
        painter.drawText(QRectF(8, 2, self.width() - 16, line), Qt.AlignmentFlag.AlignCenter, self._title)
        if not len(self._values):
            painter.end()
            return
        label_width = max(metrics.horizontalAdvance(label) for label in self._labels) + 10
        number_width = metrics.horizontalAdvance("+00.000") + 8
        track = QRectF(8 + label_width, line + 6, self.width() - 16 - label_width - number_width,
                       self.height() - line - 12)
        row = track.height() / max(len(self._values), BARS)
        scale = float(np.abs(self._values).max()) or 1.0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for index, (label, value) in enumerate(zip(self._labels, self._values)):
            top = track.top() + index * row
            painter.setPen(colours.FAINT_TEXT)
            painter.drawText(QRectF(8, top, label_width - 6, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
            length = track.width() / 2 * abs(float(value)) / scale
            centre = track.center().x()
            bar = QRectF(centre if value >= 0 else centre - length, top + row * 0.18, length, row * 0.64)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colours.signed_colour(float(value)))
            painter.drawRoundedRect(bar, 2, 2)
            painter.setPen(colours.TEXT)
            painter.drawText(QRectF(track.right() + 4, top, number_width, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{float(value):+.3f}")
        painter.setPen(colours.FAINT_TEXT)
        centre = track.center().x()
        painter.drawLine(centre, track.top(), centre, track.top() + row * len(self._values))
        painter.end()

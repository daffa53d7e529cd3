"""Ten horizontal bars, one per digit, showing the network's probabilities
with percentages. The most probable digit is highlighted; when even the top
probability is low the bars turn muted and the widget says it is not sure;
with no input they are empty. Clicking a bar emits ``digitClicked`` (used to
label a drawing with its true digit).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.gui.common.percent import percent
from digitpad.model.recognition import NOT_SURE_BELOW

ACCENT = QColor(38, 110, 220)
MUTED = QColor(150, 160, 180)
UNSURE = QColor(220, 140, 40)


class ProbabilityBars(QWidget):
    digitClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityBars")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 220)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("How likely the network thinks each digit is.\n"
                        "Click a digit (or press its key) to tell digitpad the right answer.")
        self._probabilities: np.ndarray | None = None

    def probabilities(self) -> np.ndarray | None:
        """The probabilities shown (10 floats), or None when nothing is shown."""
        return None if self._probabilities is None else self._probabilities.copy()

    def setProbabilities(self, probabilities: np.ndarray | None) -> None:
        if probabilities is None:
            self._probabilities = None
        else:
            values = np.asarray(probabilities, dtype=np.float32).reshape(-1)
            if values.shape != (10,):
                raise ValueError(f"expected 10 probabilities, got {values.shape}")
            self._probabilities = values.copy()
        self.update()

    def isUnsure(self) -> bool:
        return self._probabilities is not None and float(self._probabilities.max()) < NOT_SURE_BELOW

    def sizeHint(self) -> QSize:
        return QSize(260, 300)

    def _row_rect(self, digit: int) -> QRectF:
        row_height = self.height() / 10
        return QRectF(0, digit * row_height, self.width(), row_height)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        track = palette.color(QPalette.ColorRole.Base).darker(108)
        values = self._probabilities
        winner = int(values.argmax()) if values is not None else -1
        unsure = self.isUnsure()
        font = QFont(self.font())
        widest = QFont(self.font())
        widest.setBold(True)
        widest.setPointSizeF(self.font().pointSizeF() * 1.25)
        widest_metrics = QFontMetricsF(widest)
        metrics_width = widest_metrics.horizontalAdvance(">99.9%") + 8
        label_width = widest_metrics.horizontalAdvance("0") * 2 + 8
        for digit in range(10):
            row = self._row_rect(digit)
            bar_height = min(row.height() * 0.62, 26)
            top = row.center().y() - bar_height / 2
            highlighted = digit == winner
            font.setBold(highlighted)
            font.setPointSizeF(self.font().pointSizeF() * (1.25 if highlighted else 1.1))
            painter.setFont(font)
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, row.top(), label_width, row.height()),
                             Qt.AlignmentFlag.AlignCenter, str(digit))
            track_rect = QRectF(label_width, top, max(self.width() - label_width - metrics_width, 10),
                                bar_height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(track_rect, 4, 4)
            if values is None:
                continue
            value = float(values[digit])
            colour = (UNSURE if unsure else ACCENT) if highlighted else MUTED
            filled = QRectF(track_rect.left(), top, max(track_rect.width() * value, 0.0), bar_height)
            if filled.width() >= 1:
                painter.setBrush(colour)
                painter.drawRoundedRect(filled, 4, 4)
            painter.setPen(text_colour)
            painter.drawText(QRectF(track_rect.right() + 6, row.top(), metrics_width, row.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             percent(value))
        painter.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            digit = int(event.position().y() // (self.height() / 10))
            if 0 <= digit <= 9:
                self.digitClicked.emit(digit)
                event.accept()
                return
        super().mousePressEvent(event)

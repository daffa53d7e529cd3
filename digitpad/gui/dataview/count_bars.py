"""Digits of each kind, painted: one row per digit with two bars — the
training set's and the test set's — each as long as the digit's share of
its set, with the count at its end, a legend above and a scale of shares
below. Shares rather than counts make the two sets comparable although
one is six times the other. Pointing at a row tells its numbers.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.data.mnist.summary import SplitSummary
from digitpad.gui.dataview import texts

TRAIN = QColor(38, 110, 220)
TEST = QColor(232, 128, 40)
GRID = QColor(0, 0, 0, 28)
LABEL_COLUMN = 22.0


class CountBars(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("countBars")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self._train: SplitSummary | None = None
        self._test: SplitSummary | None = None

    def setSummaries(self, train: SplitSummary, test: SplitSummary) -> None:
        self._train, self._test = train, test
        self.update()

    def minimumSizeHint(self) -> QSize:
        return QSize(280, 220)

    def sizeHint(self) -> QSize:
        return QSize(460, 280)

    # -- geometry -------------------------------------------------------------------------
    def _line(self) -> float:
        return QFontMetricsF(self.font()).height()

    def _plot_area(self) -> QRectF:
        """Where the rows go: below the legend, above the scale."""
        line = self._line()
        metrics = QFontMetricsF(self.font())
        # Room at the right for the longest count written after a bar.
        right = metrics.horizontalAdvance("6,742") + 8
        return QRectF(LABEL_COLUMN, line * 1.6, self.width() - LABEL_COLUMN - right,
                      self.height() - line * 4.2)

    def _scale_top(self) -> float:
        return max(float(texts.shares(self._train.counts).max()), float(texts.shares(self._test.counts).max()),
                   0.01)

    def rowAt(self, point: QPointF) -> int | None:
        area = self._plot_area()
        if self._train is None or not area.top() <= point.y() < area.bottom():
            return None
        return int((point.y() - area.top()) / (area.height() / 10))

    # -- painting -------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._train is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Loading…")
            return
        self._paint_legend(painter)
        area = self._plot_area()
        top = math.ceil(self._scale_top() * 100 / 2) * 2 / 100      # the scale ends at an even percent
        self._paint_scale(painter, area, top)
        row_height = area.height() / 10
        bar = min(row_height * 0.36, 14.0)
        small = QFont(self.font())
        # The two counts of a row, one beside each bar, must not run into each other.
        small.setPixelSize(max(7, min(round(QFontMetricsF(self.font()).height() * 0.8), round(bar + 2))))
        for digit in range(10):
            middle = area.top() + row_height * (digit + 0.5)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, middle - row_height / 2, LABEL_COLUMN - 6, row_height),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(digit))
            for summary, colour, offset in ((self._train, TRAIN, -bar - 1), (self._test, TEST, 1)):
                share = summary.counts[digit] / max(summary.size, 1)
                box = QRectF(area.left(), middle + offset, area.width() * share / top, bar)
                painter.fillRect(box, colour)
                painter.setPen(self.palette().text().color())
                painter.setFont(small)
                painter.drawText(QRectF(box.right() + 4, box.top() - 4, 80, bar + 8),
                                 Qt.AlignmentFlag.AlignVCenter, f"{summary.counts[digit]:,}")
                painter.setFont(self.font())

    def _paint_legend(self, painter: QPainter) -> None:
        line = self._line()
        left = LABEL_COLUMN
        metrics = QFontMetricsF(self.font())
        for summary, colour in ((self._train, TRAIN), (self._test, TEST)):
            painter.fillRect(QRectF(left, line * 0.3, 12, 12), colour)
            words = f"{texts.SPLIT_NAMES[summary.name]} ({summary.size:,})"
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(left + 17, 0, metrics.horizontalAdvance(words) + 4, line * 1.3),
                             Qt.AlignmentFlag.AlignVCenter, words)
            left += 17 + metrics.horizontalAdvance(words) + 18

    def _paint_scale(self, painter: QPainter, area: QRectF, top: float) -> None:
        step = 0.02 if top <= 0.16 else 0.05
        value = 0.0
        while value <= top + 1e-9:
            x = area.left() + area.width() * value / top
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(QRectF(x - 30, area.bottom() + 2, 60, self._line() * 1.2),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"{value:.0%}")
            value += step
        painter.drawText(QRectF(area.left(), area.bottom() + self._line() * 1.1, area.width(), self._line() * 1.2),
                         Qt.AlignmentFlag.AlignHCenter, "share of its set")

    # -- pointing -------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            row = self.rowAt(QPointF(event.pos()))
            if row is not None:
                QToolTip.showText(event.globalPos(), texts.count_row(row, self._train, self._test), self)
                return True
        return super().event(event)

    def shares(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Each digit's share of the training and of the test set (None until loaded)."""
        if self._train is None:
            return None
        return texts.shares(self._train.counts), texts.shares(self._test.counts)

"""A clickable 10x10 confusion matrix: rows are the true digit, columns the
prediction, each cell the number of test digits. Mistakes are tinted by how
many there are; clicking a cell emits ``cellClicked(true, predicted)`` so the
misclassified browser can show exactly those digits.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MISTAKE = QColor(220, 70, 60)
CORRECT = QColor(38, 110, 220)
SELECTED = QColor(30, 30, 30)


class ConfusionMatrixView(QWidget):
    cellClicked = Signal(int, int)

    def __init__(self, matrix: np.ndarray, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionMatrix")
        self.setMinimumSize(300, 300)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Rows: true digit. Columns: predicted digit.\nClick a cell to show those digits.")
        self.setWhatsThis(
            "A confusion matrix counts the test digits by what they really are (rows) and what the model "
            "read (columns). The blue diagonal holds the right answers; every other cell is a kind of "
            "mistake, redder the more often it happens — a 4 read as a 9, say. Click a cell to see those "
            "digits.")
        self._matrix = np.asarray(matrix, dtype=np.int64)
        self._selected: tuple[int | None, int | None] = (None, None)
        off_diagonal = self._matrix[~np.eye(len(self._matrix), dtype=bool)]
        self._largest_mistake = int(off_diagonal.max()) if off_diagonal.size else 0

    def matrix(self) -> np.ndarray:
        return self._matrix.copy()

    def setSelection(self, true_digit: int | None, predicted_digit: int | None) -> None:
        self._selected = (true_digit, predicted_digit)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 360)

    def _geometry(self) -> tuple[float, float, float]:
        """``(left, top, cell)``: the grid's origin and cell size, leaving room for headers."""
        size = len(self._matrix)
        header = max(self.fontMetrics().height() * 1.6, 22)
        cell = max(min((self.width() - header) / size, (self.height() - header) / size), 8)
        return header, header, cell

    def cellRect(self, row: int, column: int) -> QRectF:
        """Where the cell of true digit ``row`` and prediction ``column`` is drawn."""
        left, top, cell = self._geometry()
        return QRectF(left + column * cell, top + row * cell, cell, cell)

    def cellAt(self, x: float, y: float) -> tuple[int, int] | None:
        """``(true digit, predicted digit)`` of the cell at ``(x, y)``, None outside the grid."""
        left, top, cell = self._geometry()
        row, column = math.floor((y - top) / cell), math.floor((x - left) / cell)
        size = len(self._matrix)
        return (row, column) if 0 <= row < size and 0 <= column < size else None

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        size = len(self._matrix)
        left, top, cell = self._geometry()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, min(self.font().pointSizeF(), cell * 0.32)))
        painter.setFont(font)
        painter.setPen(text)
        for index in range(size):
            painter.drawText(QRectF(left + index * cell, 0, cell, top), Qt.AlignmentFlag.AlignCenter, str(index))
            painter.drawText(QRectF(0, top + index * cell, left, cell), Qt.AlignmentFlag.AlignCenter, str(index))
        selected_row, selected_column = self._selected
        for row in range(size):
            for column in range(size):
                count = int(self._matrix[row, column])
                rect = self.cellRect(row, column).adjusted(1, 1, -1, -1)
                if row == column:
                    fill = QColor(CORRECT)
                    fill.setAlpha(40)
                elif count:
                    fill = QColor(MISTAKE)
                    strength = math.log1p(count) / math.log1p(max(self._largest_mistake, 1))
                    fill.setAlpha(int(40 + 200 * strength))
                else:
                    fill = self.palette().color(QPalette.ColorRole.Base)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(fill)
                painter.drawRoundedRect(rect, 3, 3)
                in_row = selected_row is None or selected_row == row
                in_column = selected_column is None or selected_column == column
                if (selected_row is not None or selected_column is not None) and in_row and in_column \
                        and row != column:
                    painter.setPen(QPen(SELECTED, 2))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRoundedRect(rect, 3, 3)
                if count:
                    painter.setPen(text if row == column or fill.alpha() < 150 else QColor("white"))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        painter.end()

    def mousePressEvent(self, event) -> None:
        cell = self.cellAt(event.position().x(), event.position().y())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*cell)
            event.accept()
        else:
            super().mousePressEvent(event)

"""Training digits in pairs, painted pixel for pixel: each digit as stored
in MNIST beside the version the network is shown this time (or alone when
the run distorts nothing), light ink on black as the network sees it, its
label in the corner, as many pairs to a row as suit the view. Pointing at
a pair says which digit it is; a click asks for others (``clicked``).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.network import colours

INNER_GAP = 2.0         # between a digit and its distorted version
OUTER_GAP = 12.0        # between pairs
LABEL_BACK = QColor(38, 110, 220)


def grey_image(pixels: np.ndarray) -> QImage:
    """A QImage (owning its pixels) of a digit ``(784,)`` in [0, 1]."""
    grey = np.ascontiguousarray(np.clip(np.rint(np.reshape(pixels, (28, 28)) * 255), 0, 255).astype(np.uint8))
    return QImage(grey.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()


class DigitPairsView(QWidget):
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitPairs")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._originals: list[QImage] = []
        self._distorted: list[QImage] = []
        self._labels: list[int] = []
        self._indices: list[int] = []
        self._empty_text = "The training digits appear when training starts."

    def setPairs(self, originals: np.ndarray, distorted: np.ndarray | None, labels, indices) -> None:
        """Show ``originals`` ``(n, 784)`` beside ``distorted`` (None: the originals alone)."""
        self._originals = [grey_image(image) for image in originals]
        self._distorted = [] if distorted is None else [grey_image(image) for image in distorted]
        self._labels = [int(label) for label in labels]
        self._indices = [int(index) for index in indices]
        self.update()

    def clearPairs(self, empty_text: str | None = None) -> None:
        self._originals, self._distorted, self._labels, self._indices = [], [], [], []
        if empty_text is not None:
            self._empty_text = empty_text
        self.update()

    def count(self) -> int:
        return len(self._originals)

    def indices(self) -> list[int]:
        return list(self._indices)

    def sizeHint(self) -> QSize:
        return QSize(520, 260)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 100)

    def _members(self) -> int:
        return 2 if self._distorted else 1

    def _grid(self) -> tuple[int, float]:
        """(pairs per row, side of one digit) giving the largest digits that fit."""
        count, members = max(self.count(), 1), self._members()
        best = (1, 0.0)
        for columns in range(1, count + 1):
            rows = math.ceil(count / columns)
            pair_extra = (members - 1) * INNER_GAP
            side = min((self.width() - OUTER_GAP * (columns - 1) - pair_extra * columns) / (members * columns),
                       (self.height() - OUTER_GAP * (rows - 1)) / rows)
            if side > best[1]:
                best = (columns, side)
        return best

    def pairRect(self, position: int) -> QRectF:
        columns, side = self._grid()
        members = self._members()
        width = members * side + (members - 1) * INNER_GAP
        rows = math.ceil(max(self.count(), 1) / columns)
        left = (self.width() - columns * width - (columns - 1) * OUTER_GAP) / 2
        top = (self.height() - rows * side - (rows - 1) * OUTER_GAP) / 2
        return QRectF(left + (position % columns) * (width + OUTER_GAP),
                      top + (position // columns) * (side + OUTER_GAP), width, side)

    def positionAt(self, point: QPointF) -> int | None:
        return next((position for position in range(self.count()) if self.pairRect(position).contains(point)),
                    None)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if not self._originals:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(QRectF(self.rect()).adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._empty_text)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.8, 6.0))
        small.setBold(True)
        painter.setFont(small)
        chip_side = painter.fontMetrics().height() + 2
        for position, label in enumerate(self._labels):
            pair = self.pairRect(position)
            side = pair.height()
            painter.drawImage(QRectF(pair.left(), pair.top(), side, side), self._originals[position])
            if self._distorted:
                box = QRectF(pair.left() + side + INNER_GAP, pair.top(), side, side)
                painter.drawImage(box, self._distorted[position])
                painter.setPen(colours.PUSH)
                painter.drawRect(box.adjusted(0.5, 0.5, -0.5, -0.5))
            chip = QRectF(pair.left(), pair.top(), chip_side, chip_side)
            painter.fillRect(chip, LABEL_BACK)
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, str(label))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            position = self.positionAt(QPointF(event.pos()))
            if position is not None:
                what = ("left: as stored, right (orange frame): as the network sees it this time"
                        if self._distorted else "as stored, and as the network sees it")
                QToolTip.showText(event.globalPos(), f"<b>Training digit {self._indices[position]}</b>, "
                                                     f"a {self._labels[position]}<br>{what}<br>"
                                                     f"<i>Click for other digits.</i>", self)
                return True
        return super().event(event)

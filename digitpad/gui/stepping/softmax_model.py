"""The softmax as a table: a row per digit, a column per step — the score
``z``, ``z − max``, divided by the temperature, ``exp``, divided by the sum
(the probability ``p``) and the digit's part of the entropy ``−p·log₂p``.
Cells are tinted by value, the answer's row is bold, and hovering a cell
explains its arithmetic; ``Qt.UserRole`` gives the exact number.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from digitpad.gui.stepping.colours import TEXT, tint
from digitpad.gui.stepping.numbers import number, wide_tip
from digitpad.gui.stepping.softmax_texts import SoftmaxTexts
from digitpad.inside import SoftmaxSteps

SCORE, MINUS_MAX, DIVIDED, EXPONENTIAL, PROBABILITY, ENTROPY = range(6)
TITLES = ["z\nscore", "z − max\n", "÷ T\n", "exp(…)\n", "÷ sum\n= p", "−p·log₂p\nbits"]
HEADER_TIPS = [
    "<p><b>z</b>: the output layer's score for each digit.</p>",
    "<p><b>z − max</b>: each score minus the largest one, so the largest becomes 0.</p>",
    "<p><b>(z − max) ÷ T</b>: divided by the temperature T.</p>",
    "<p><b>exp</b>: e ≈ 2.718 raised to that power — always positive, 1 for the largest.</p>",
    "<p><b>p = exp ÷ sum</b>: each exp's share of their sum — the probability.</p>",
    "<p><b>−p·log₂p</b>: each digit's part of the entropy, in bits; they add up to the entropy.</p>",
]


class SoftmaxTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._steps: SoftmaxSteps | None = None
        self._texts: SoftmaxTexts | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def setSteps(self, steps: SoftmaxSteps | None) -> None:
        self.beginResetModel()
        self._steps = steps
        self._texts = None if steps is None else SoftmaxTexts(steps)
        self.endResetModel()

    def steps(self) -> SoftmaxSteps | None:
        return self._steps

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self._steps is None else len(self._steps.scores)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(TITLES)

    def value(self, digit: int, column: int) -> float:
        steps = self._steps
        if column == SCORE:
            return float(steps.scores[digit])
        if column == MINUS_MAX:
            return float(steps.scores[digit] - steps.scores.max())
        if column == DIVIDED:
            return float(steps.shifted[digit])
        if column == EXPONENTIAL:
            return float(steps.exponentials[digit])
        p = float(steps.probabilities[digit])
        if column == PROBABILITY:
            return p
        return -p * math.log2(p) if p > 0 else 0.0

    def _scale(self, column: int) -> float:
        if column in (EXPONENTIAL, PROBABILITY):
            return 1.0
        if column == ENTROPY:
            return 0.53         # the largest -p log2 p can be (at p = 1/e)
        values = [self.value(digit, column) for digit in range(self.rowCount())]
        return float(np.abs(values).max()) or 1.0

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._steps is None:
            return None
        digit, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return number(self.value(digit, column))
        if role == Qt.ItemDataRole.UserRole:
            return self.value(digit, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return tint(self.value(digit, column), self._scale(column))
        if role == Qt.ItemDataRole.ForegroundRole:
            return TEXT
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and digit == int(np.argmax(self._steps.probabilities)):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            texts = self._texts
            return wide_tip([texts.score, texts.minusMax, texts.divided, texts.exponential, texts.probability,
                             texts.entropyTerm][column](digit))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"digit {section}"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return TITLES[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return wide_tip(HEADER_TIPS[section])
        return None

"""The lab's figures for the MNIST test set: accuracy, loss and mean
confidence of the model in use → the edited network, with the change
coloured better or worse. While new figures are being computed the old ones
stay, greyed, so nothing jumps about as the user edits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.lab import lab_texts as texts
from digitpad.gui.lab.comparison_bars import EDITED, IN_USE
from digitpad.inside import Scores

BETTER, WORSE, SAME, STALE = "#1f8a4c", "#c0392b", "#5a6070", "#9aa0ad"
# (Scores field, row title, explanation, shown as a percentage, larger is better)
ROWS = [("accuracy", "Accuracy", texts.ACCURACY, True, True),
        ("loss", "Loss", texts.LOSS, False, False),
        ("confidence", "Mean confidence", texts.CONFIDENCE, True, None)]


def _format(value: float, percent: bool) -> str:
    return f"{value * 100:.2f}%" if percent else f"{value:.3f}"


def _change(before: float, after: float, percent: bool, larger_is_better: bool | None) -> tuple[str, str]:
    """The change in words (percentage points or plain) and its colour."""
    difference = after - before
    text = f"{difference * 100:+.2f} pts" if percent else f"{difference:+.3f}"
    if abs(difference) < (5e-5 if percent else 5e-4) or larger_is_better is None:
        return ("±0" if abs(difference) < (5e-5 if percent else 5e-4) else text), SAME
    return text, BETTER if (difference > 0) == larger_is_better else WORSE


class TestScoresPanel(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("MNIST test set", parent)
        self.setObjectName("testScores")
        explain(self, "Your edits measured on the 10,000 MNIST test digits", texts.TEST_GROUP)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(14)
        headers = (("Model in use", IN_USE.name(), "The model in use, as it is"),
                   ("Edited", EDITED.name(), "Your edited network"), ("Change", SAME, texts.CHANGE))
        for column, (title, colour, explanation) in enumerate(headers, start=1):
            header = explain(QLabel(f"<b style='color:{colour}'>{title}</b>"), explanation, explanation)
            header.setAlignment(Qt.AlignmentFlag.AlignRight)
            grid.addWidget(header, 0, column)
        self._cells: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        bold = QFont(self.font())
        bold.setBold(True)
        widest = QFontMetrics(bold).horizontalAdvance("−100.00 pts") + 4
        for row, (name, title, explanation, _, _) in enumerate(ROWS, start=1):
            grid.addWidget(explain(QLabel(title), title, explanation), row, 0)
            cells = tuple(QLabel("—") for _ in range(3))
            for column, cell in enumerate(cells, start=1):
                cell.setObjectName(f"{name}{('Before', 'After', 'Change')[column - 1]}")
                cell.setTextFormat(Qt.TextFormat.RichText)
                cell.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                # As wide as the widest figure from the start, so no figure is ever cut off.
                cell.setMinimumWidth(widest)
                explain(cell, title, texts.CHANGE if column == 3 else explanation)
                grid.addWidget(cell, row, column)
            self._cells[name] = cells
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("testStatus")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.statusLabel.setStyleSheet(f"color: {SAME}")
        explain(self.statusLabel, "Where the figures stand", texts.STATUS)
        grid.addWidget(self.statusLabel, len(ROWS) + 1, 0, 1, 4)
        glossary = QLabel(texts.GLOSSARY)
        glossary.setWordWrap(True)
        glossary.setStyleSheet(f"color: {SAME}")
        grid.addWidget(explain(glossary, "What the three figures mean", texts.TEST_GROUP), len(ROWS) + 2, 0, 1, 4)
        grid.setRowStretch(len(ROWS) + 3, 1)
        grid.setColumnStretch(0, 1)
        self._scores: tuple[Scores, Scores] | None = None

    def scores(self) -> tuple[Scores, Scores] | None:
        """``(before, after)`` as shown, or None before the first figures."""
        return self._scores

    def setScores(self, before: Scores, after: Scores) -> None:
        self._scores = (before, after)
        for name, title, explanation, percent, larger_is_better in ROWS:
            first, second = getattr(before, name), getattr(after, name)
            change, colour = _change(first, second, percent, larger_is_better)
            texts_and_colours = ((_format(first, percent), ""), (f"<b>{_format(second, percent)}</b>", ""),
                                 (change, colour))
            for cell, (text, text_colour) in zip(self._cells[name], texts_and_colours):
                cell.setText(f"<span style='color:{text_colour}'>{text}</span>" if text_colour else text)
                explain(cell, f"{title}: {_format(first, percent)} → {_format(second, percent)} ({change})",
                        texts.with_value(explanation, f"{_format(first, percent)} → {_format(second, percent)}"))
        self.setStale(False)

    def setStale(self, stale: bool) -> None:
        """Grey the edited figures while newer ones are being computed."""
        for name, *_ in ROWS:
            for cell in self._cells[name][1:]:
                cell.setStyleSheet(f"color: {STALE}" if stale else "")

    def setStatus(self, text: str) -> None:
        self.statusLabel.setText(text)

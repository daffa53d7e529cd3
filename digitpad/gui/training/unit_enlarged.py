"""One first-layer unit enlarged, in a small window beside the training
lab: its 28 × 28 weights when training started, now, and the change
between them, side by side (each
picture on its own colour scale, its range written below it), with its
numbers — the range of its
weights, their size (norm) at the start and now, and how far they have
moved since the start. It follows training live while open; pointing at
a pixel reads its weight.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.common.messages import plain_label
from digitpad.gui.network.weight_picture import WeightPicture
from digitpad.gui.training import lab_texts as texts


def unit_numbers(start: np.ndarray | None, now: np.ndarray) -> str:
    """A unit's weights in words: range, size and movement since the start."""
    now = np.asarray(now, np.float64)
    words = f"Weights from {now.min():+.3f} to {now.max():+.3f}; size (norm) "
    if start is None:
        return words + f"{np.linalg.norm(now):.3f}."
    start = np.asarray(start, np.float64)
    moved = np.linalg.norm(now - start)
    return (words + f"{np.linalg.norm(start):.3f} at the start, {np.linalg.norm(now):.3f} now; "
            f"moved {moved:.3f} since the start.")


class UnitEnlarged(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitEnlarged")
        self.setWindowFlag(Qt.WindowType.Tool, True)
        self.setModal(False)
        self.startPicture = explain(WeightPicture("at the start"), texts.ENLARGED_TIP, texts.ENLARGED)
        self.nowPicture = explain(WeightPicture("now"), texts.ENLARGED_TIP, texts.ENLARGED)
        self.changePicture = explain(WeightPicture("change"), texts.ENLARGED_TIP, texts.ENLARGED)
        self.startPicture.setObjectName("unitStart")
        self.nowPicture.setObjectName("unitNow")
        self.changePicture.setObjectName("unitChange")
        self.numbers = plain_label()
        self.numbers.setObjectName("unitNumbers")
        self.numbers.setWordWrap(True)
        pictures = QHBoxLayout()
        pictures.addWidget(self.startPicture)
        pictures.addWidget(self.nowPicture)
        pictures.addWidget(self.changePicture)
        layout = QVBoxLayout(self)
        layout.addLayout(pictures, 1)
        layout.addWidget(self.numbers)
        explain(self, texts.ENLARGED_TIP, texts.ENLARGED)
        self._unit: int | None = None
        self._start: np.ndarray | None = None
        self.resize(620, 320)

    def unit(self) -> int | None:
        return self._unit

    def setUnit(self, unit: int, layer_title: str, start: np.ndarray | None, now: np.ndarray) -> None:
        """Show ``unit`` of ``layer_title``: its 784 weights at the start (None if
        unknown) and now."""
        self._unit = unit
        self._start = None if start is None else np.asarray(start, np.float32).copy()
        self.setWindowTitle(f"Unit {unit} of {layer_title}")
        self.startPicture.setValues(self._start, empty_text="not seen")
        self.setNow(now)

    def setNow(self, now: np.ndarray) -> None:
        """The unit's weights now, live."""
        self.nowPicture.setValues(now)
        if self._start is None:
            self.changePicture.setValues(None, empty_text="not seen")
        else:
            self.changePicture.setValues(np.asarray(now, np.float32) - self._start)
        self.numbers.setText(unit_numbers(self._start, now))

"""The first step: the digit as the network receives it — not a picture but
784 numbers, one per pixel of the 28 × 28 image, 0 for black and 1 for full
ink. Hovering a pixel tells its value and which input ``x`` of the first
layer it becomes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.stepping.layer_texts import input_symbol
from digitpad.gui.stepping.numbers import precise
from digitpad.gui.stepping.pixel_grid import SIDE, PixelGrid


class InputPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inputStep")
        self._image: np.ndarray | None = None
        title = QLabel("<b>Step 1 · The input: 784 numbers</b>")
        title.setObjectName("stepTitle")
        text = QLabel("The network does not see a picture: it receives 784 numbers, one per pixel of the "
                      "28 × 28 image, read row by row — <i>x</i>₀ is the top-left pixel, <i>x</i>₇₈₃ the "
                      "bottom-right one. 0 is black (no ink), 1 is full ink; “.82” means 0.82. "
                      "Hover a pixel to see its number.")
        text.setWordWrap(True)
        self.pixelGrid = explain(
            PixelGrid(), "The 28 × 28 image the network reads, with each pixel's value.\nHover a pixel to see "
            "which input x it becomes.",
            "The digit exactly as the network receives it: 784 numbers between 0 (black) and 1 (full ink), "
            "one per pixel. Your drawing was cropped, scaled into a 20 × 20 box and centred in 28 × 28 the "
            "way the MNIST digits were made. Hover a pixel to see its value and its name x (its position "
            "when the rows are laid end to end).")
        self.pixelGrid.setObjectName("inputPixels")
        self.pixelGrid.setEmptyText("Draw a digit on the canvas,\nor choose an MNIST test digit")
        self.pixelGrid.setDescriber(self._describe)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(self.pixelGrid, 1)

    def setImage(self, image: np.ndarray | None) -> None:
        """The ``(784,)`` input, or None."""
        self._image = None if image is None else np.asarray(image, dtype=np.float32).reshape(-1)
        self.pixelGrid.setValues(None if image is None else self._image.reshape(SIDE, SIDE))

    def _describe(self, row: int, column: int) -> str:
        index = row * SIDE + column
        value = float(self._image[index])
        ink = "black: no ink" if value == 0 else ("full ink" if value >= 1 else "partly inked")
        return (f"<p><b>{input_symbol(index)} = {precise(value)}</b></p><p>Pixel row {row}, column {column} "
                f"({ink}). Read row by row, it is number 28 × {row} + {column} = {index}, so it becomes input "
                f"{input_symbol(index)} of hidden layer 1.</p>")

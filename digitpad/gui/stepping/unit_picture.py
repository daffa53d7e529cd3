"""A first-layer unit, pictured: its 784 weights laid out as the 28 × 28
image they apply to — orange where ink raises the unit's sum, blue where
ink lowers it — and beside them the products with this digit's pixels,
which is what the drawing actually adds. Together they show what pattern
the unit looks for and how much of it this digit has.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.stepping.layer_texts import input_symbol, weight_symbol
from digitpad.gui.stepping.numbers import bracketed, number, precise
from digitpad.gui.stepping.pixel_grid import SIDE, PixelGrid
from digitpad.inside import LayerView


class UnitPicture(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitPicture")
        self._layer: LayerView | None = None
        self._inputs: np.ndarray | None = None
        self._unit = 0
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.weightsGrid = explain(
            PixelGrid(diverging=True), "The chosen unit's 784 weights, one per pixel.\nOrange: ink there raises "
            "its sum; blue: ink there lowers it.",
            "The weights of the chosen unit of hidden layer 1, laid out like the image they multiply: the "
            "weight for each pixel sits where the pixel is. Orange pixels raise the unit's weighted sum when "
            "they are inked, blue ones lower it: the picture shows the pattern of ink this unit responds to. "
            "Choose another unit by clicking its row in the table.")
        self.productsGrid = explain(
            PixelGrid(diverging=True), "Each pixel times its weight: what this digit adds to the unit's sum.",
            "Each pixel's value times the unit's weight for it — the products the unit adds up. Black pixels "
            "(0) add nothing, so only the ink shows: orange ink pushes the unit's sum up, blue ink pulls it "
            "down. Their total, plus the bias, is the unit's z.")
        self.weightsGrid.setDescriber(self._describe_weight)
        self.productsGrid.setDescriber(self._describe_product)
        self.weightsCaption = QLabel("Its weights W")
        self.productsCaption = QLabel("This digit's x·W")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        for caption, grid in ((self.weightsCaption, self.weightsGrid), (self.productsCaption, self.productsGrid)):
            caption.setObjectName("caption")
            layout.addWidget(caption)
            layout.addWidget(grid, 1)

    def setUnit(self, layer: LayerView, inputs: np.ndarray | None, unit: int) -> None:
        """Show ``unit`` of ``layer`` (a layer reading the 784 pixels) for ``inputs`` (None: no digit)."""
        self._layer, self._inputs, self._unit = layer, inputs, unit
        weights = layer.weights[:, unit]
        self.title.setText(f"<b>Unit {unit}, pictured</b>")
        # Scaled to the unit's own weights (but for the few largest), so its pattern shows clearly.
        self.weightsGrid.setValues(weights.reshape(SIDE, SIDE), float(np.percentile(np.abs(weights), 98)) or 1.0)
        if inputs is None:
            self.productsGrid.setValues(None)
            return
        products = inputs * weights
        # The same scale as the weights would wash out the products of faint ink.
        self.productsGrid.setValues(products.reshape(SIDE, SIDE), float(np.abs(products).max()) or 1.0)

    def _describe_weight(self, row: int, column: int) -> str:
        index = row * SIDE + column
        weight = float(self._layer.weights[index, self._unit])
        effect = "adds" if weight >= 0 else "takes"
        return (f"<p><b>{weight_symbol(index, self._unit)} = {precise(weight)}</b></p><p>The weight of pixel "
                f"row {row}, column {column} ({input_symbol(index)}) into unit {self._unit}: a fully inked pixel "
                f"there {effect} {number(abs(weight))} {'to' if weight >= 0 else 'from'} the unit's sum, a "
                "half-inked one half as much.</p>")

    def _describe_product(self, row: int, column: int) -> str:
        index = row * SIDE + column
        x, weight = float(self._inputs[index]), float(self._layer.weights[index, self._unit])
        return (f"<p><b>{input_symbol(index)}·{weight_symbol(index, self._unit)} = {number(x)} × "
                f"{bracketed(weight)} = {precise(x * weight)}</b></p><p>What pixel row {row}, column {column} "
                f"adds to unit {self._unit}'s sum{' — nothing, as it is black' if x == 0 else ''}.</p>")

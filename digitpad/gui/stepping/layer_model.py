"""The numbers of one layer as a table: a row per unit, listed in the order
the page chose; first the unit's sum of products ``Σ x·W``, its bias ``b``,
its weighted sum ``z`` and (for a hidden layer) its activation ``a``, then
along the row its weights ``W`` — or the products ``x·W`` — one column per
input, the inputs in the order the page chose, each column headed by the
input's value. Every cell is tinted by its value and explains its
arithmetic when hovered; ``Qt.UserRole`` gives the exact number.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QFont

from digitpad.gui.stepping.colours import TEXT, tint
from digitpad.gui.stepping.layer_texts import LayerTexts, input_symbol
from digitpad.gui.stepping.numbers import cell, number, wide_tip
from digitpad.inside import LayerTrace, LayerView

SUM, BIAS, Z, ACTIVATION = range(4)
DISPLAY, BACKGROUND, FOREGROUND = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                                   Qt.ItemDataRole.ForegroundRole)
ALIGNMENT, FONT, TOOLTIP, EXACT = (Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.FontRole,
                                   Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole)
_ANSWERED = {DISPLAY, BACKGROUND, FOREGROUND, ALIGNMENT, FONT, TOOLTIP, EXACT}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class LayerTableModel(QAbstractTableModel):
    def __init__(self, layer: LayerView, previous_name: str | None, parent=None) -> None:
        super().__init__(parent)
        self._layer, self._previous = layer, previous_name
        self._frozen = 3 if layer.is_output else 4
        self._step: LayerTrace | None = None
        self._texts: LayerTexts | None = None
        self._units = np.arange(layer.units)
        self._inputs = np.arange(layer.fan_in)
        self._sums = np.zeros(layer.units)
        self._show_products = False
        self._chosen: int | None = None
        # Weights are compared with the layer's weights: the 99th percentile,
        # so a few large ones do not wash out all the others.
        self._weight_scale = float(np.percentile(np.abs(layer.weights), 99)) or 1.0
        self._bias_scale = float(np.abs(layer.bias).max()) or 1.0
        self._sum_scale = self._product_scale = 1.0
        self._bold = QFont()
        self._bold.setBold(True)

    # -- what the page sets -------------------------------------------------------
    def layer(self) -> LayerView:
        return self._layer

    def frozenColumns(self) -> int:
        """How many columns of each unit's own numbers come before the weights."""
        return self._frozen

    def setTrace(self, step: LayerTrace | None, units: np.ndarray, inputs: np.ndarray) -> None:
        """Show ``step`` (None: nothing traced) with units and inputs in these orders."""
        self._step = step
        self._units, self._inputs = np.asarray(units), np.asarray(inputs)
        if step is not None:
            self._texts = LayerTexts(step, self._previous)
            # Σ x·W is z less the bias: the network's own sum, so Σ + b = z exactly.
            self._sums = step.z.astype(np.float64) - self._layer.bias
            self._sum_scale = float(np.abs(step.z).max()) or 1.0
            active = np.abs(step.inputs[step.inputs != 0])
            self._product_scale = (float(np.percentile(active, 90)) if len(active) else 1.0) * self._weight_scale
        self._changed()

    def setShowProducts(self, products: bool) -> None:
        """Cells show the products ``x·W`` instead of the weights ``W``."""
        self._show_products = products
        self._changed()

    def setChosenUnit(self, unit: int | None) -> None:
        """Mark ``unit``'s row (the one the page's pictures and orders follow)."""
        self._chosen = unit
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    def showsProducts(self) -> bool:
        return self._show_products

    def hasTrace(self) -> bool:
        return self._step is not None

    def unitAt(self, row: int) -> int:
        return int(self._units[row])

    def rowOfUnit(self, unit: int) -> int:
        return int(np.flatnonzero(self._units == unit)[0])

    def inputAt(self, column: int) -> int | None:
        """The input shown in ``column`` (None for the unit's own numbers)."""
        return None if column < self._frozen else int(self._inputs[column - self._frozen])

    def columnOfInput(self, index: int) -> int:
        return self._frozen + int(np.flatnonzero(self._inputs == index)[0])

    def _changed(self) -> None:
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    # -- the table --------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._layer.units

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._frozen + self._layer.fan_in

    def value(self, row: int, column: int) -> float:
        """The exact number in a cell."""
        unit, step = self.unitAt(row), self._step
        if column == SUM:
            return float(self._sums[unit])
        if column == BIAS:
            return float(self._layer.bias[unit])
        if column == Z:
            return float(step.z[unit])
        if column == ACTIVATION and not self._layer.is_output:
            return float(step.a[unit])
        index = self.inputAt(column)
        weight = float(self._layer.weights[index, unit])
        return float(step.inputs[index]) * weight if self._show_products else weight

    def _scale(self, column: int) -> float:
        if column == BIAS:
            return self._bias_scale
        if column < self._frozen:
            return self._sum_scale
        return self._product_scale if self._show_products else self._weight_scale

    def explanation(self, row: int, column: int) -> str:
        unit, texts = self.unitAt(row), self._texts
        if column < self._frozen:
            return [texts.total, texts.bias, texts.z, texts.activation][column](unit)
        index = self.inputAt(column)
        return texts.product(index, unit) if self._show_products else texts.weight(index, unit)

    def data(self, index: QModelIndex, role=DISPLAY):
        # Called for every role of every visible cell on each repaint: the
        # roles that have nothing to say are turned away first.
        if role not in _ANSWERED or self._step is None or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DISPLAY:
            return cell(self.value(row, column))
        if role == BACKGROUND:
            return tint(self.value(row, column), self._scale(column))
        if role == FOREGROUND:
            return TEXT
        if role == ALIGNMENT:
            return _RIGHT
        if role == FONT:
            return self._bold if column in (Z, ACTIVATION) and column < self._frozen else None
        if role == TOOLTIP:
            return wide_tip(self.explanation(row, column))
        return self.value(row, column)

    def headerData(self, section: int, orientation: Qt.Orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            return self._unit_header(section, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if section < self._frozen:
                return self._own_titles()[section]
            index = self.inputAt(section)
            value = "" if self._step is None else number(self._step.inputs[index])
            return f"{input_symbol(index)}\n{value}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if section < self._frozen:
                return wide_tip(self._own_explanations()[section])
            return None if self._texts is None else wide_tip(self._texts.inputHeader(self.inputAt(section)))
        return None

    def _unit_header(self, row: int, role):
        unit = self.unitAt(row)
        if role == Qt.ItemDataRole.DisplayRole:
            name = f"digit {unit}" if self._layer.is_output else f"unit {unit}"
            return f"▸ {name}" if unit == self._chosen else name
        if role == Qt.ItemDataRole.FontRole and unit == self._chosen:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole and self._texts is not None:
            return wide_tip(self._texts.unitHeader(unit))
        return None

    def _own_titles(self) -> list[str]:
        activation = "ReLU(z)" if self._layer.activation_name == "relu" else f"{self._layer.activation_name}(z)"
        return ["Σ x·W\nproducts", "+ b\nbias", "= z\nscore" if self._layer.is_output else "= z\nweighted",
                f"a\n{activation}"][:self._frozen]

    def _own_explanations(self) -> list[str]:
        fan_in = self._layer.fan_in
        return [f"<p><b>Σ x·W</b>: each unit multiplies its {fan_in} inputs by its weights and adds the "
                f"{fan_in} products up. Hover a cell to see its sum worked out.</p>",
                "<p><b>b</b>, the bias: a number each unit learnt in training, added to its sum whatever "
                "the input.</p>",
                "<p><b>z = Σ x·W + b</b>, the weighted sum"
                + (": the digit's score, which goes to the softmax.</p>" if self._layer.is_output else
                   ", which goes through the activation.</p>"),
                "<p><b>a</b>, the activation: what the unit passes on to the next layer. ReLU keeps a "
                "positive z and turns a negative one into 0.</p>"][:self._frozen]

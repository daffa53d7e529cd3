"""One layer of the network, as a step: what it computes in words, then its
real numbers in a table — a row per unit with its sum of products, bias,
weighted sum ``z`` and activation kept in view, and its weights (or the
products with the inputs) running along the row, one column per input.
Menus choose which units and inputs come first, so the few that matter for
this digit are on screen and the rest a scroll away; "Go to unit" jumps to
any unit. For the first layer the chosen unit's weights are also pictured
as the 28 × 28 image they apply to.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QSpinBox,
                               QVBoxLayout, QWidget)

from digitpad.gui.common.explain import explain
from digitpad.gui.stepping import orders
from digitpad.gui.stepping.colours import legend_html
from digitpad.gui.stepping.frozen_table import FrozenColumnsTable
from digitpad.gui.stepping.layer_model import LayerTableModel
from digitpad.gui.stepping.layer_texts import activation_formula
from digitpad.gui.stepping.numbers import number
from digitpad.gui.stepping.unit_picture import UnitPicture
from digitpad.inside import LayerView, Trace


def layer_summary(layer: LayerView, previous_name: str | None) -> str:
    """What the layer computes, in words, for the learner."""
    source = "the 784 pixels" if previous_name is None else f"the {layer.fan_in:,} outputs of {previous_name}"
    if layer.is_output:
        return (f"Each of the {layer.units} units — one per digit — multiplies each of its {layer.fan_in:,} inputs "
                f"(the outputs of {previous_name}) by its own weight W, adds the products up and adds its bias "
                "b: z = Σ xᵢ·Wᵢ + b. There is no activation here: the ten z's are the digits' scores, and the "
                "softmax (next step) turns them into probabilities.")
    return (f"Each of the {layer.units:,} units works out a weighted sum of its {layer.fan_in:,} inputs x "
            f"({source}): it multiplies every input by its own weight W — a number learnt in training — adds "
            "the products up and adds its bias b: z = Σ xᵢ·Wᵢ + b. Then the activation decides what it "
            f"passes on: {activation_formula(layer.activation_name)}, so a negative sum becomes 0 (the unit "
            "stays silent). A row per unit; its weights run along the row. Hover any number to see how it "
            "was worked out.")


class LayerPage(QWidget):
    def __init__(self, layer: LayerView, previous_name: str | None, step_number: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"layerStep{layer.index}")
        self._layer, self._previous = layer, previous_name
        self._trace: Trace | None = None
        self._picked: int | None = None
        self._updating = False
        kind = "scores" if layer.is_output else "units"
        activation = "" if layer.is_output else f", then {layer.activation_name.replace('relu', 'ReLU')}"
        title = QLabel(f"<b>Step {step_number} · {layer.name.capitalize()}: {layer.fan_in:,} inputs → "
                       f"{layer.units:,} {kind}{activation}</b>")
        title.setObjectName("stepTitle")
        summary = QLabel(layer_summary(layer, previous_name))
        summary.setWordWrap(True)
        self.model = LayerTableModel(layer, previous_name, self)
        controls = self._build_controls()
        self._build_table()
        self.unitPicture = UnitPicture() if previous_name is None else None
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        if self.unitPicture is not None:
            self.unitPicture.setFixedWidth(170)
            body.addWidget(self.unitPicture)
        legend = QLabel(legend_html())
        legend.setObjectName("legend")
        legend.setWhatsThis("How to read the colours: orange cells hold positive numbers, blue ones negative "
                            "numbers, white ones 0; the stronger the colour, the further the number is from 0 "
                            "(compared with the other numbers of its kind in this layer).")
        self.activeLabel = QLabel()
        self.activeLabel.setObjectName("activeUnits")
        self.activeLabel.setWhatsThis("For a hidden layer: how many of its units have a positive weighted sum z "
                                      "for this digit, so that ReLU lets something through. The others output 0 "
                                      "and play no part in this answer. For the output layer: the digit with "
                                      "the highest score.")
        footer = QHBoxLayout()
        footer.addWidget(legend)
        footer.addStretch(1)
        footer.addWidget(self.activeLabel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addLayout(controls)
        layout.addLayout(body, 1)
        layout.addLayout(footer)
        self.setTrace(None)

    # -- parts -------------------------------------------------------------------------
    def _build_controls(self) -> QHBoxLayout:
        layer = self._layer
        unit_orders = orders.OUTPUT_UNIT_ORDERS if layer.is_output else orders.HIDDEN_UNIT_ORDERS
        self.unitOrderCombo = self._combo(unit_orders, "Which units come first: the order of the rows",
                                          "The order of the rows, one per unit. “Biggest push to the answer” "
                                          "puts first the units that do most to raise the score of the digit "
                                          "the network answers (the unit's output times how strongly the "
                                          "answer's score depends on it). “Most active” puts first the units "
                                          "with the largest output a. “Highest score” puts first the digits "
                                          "with the highest z. “In order” lists them by number.")
        pixel = self._previous is None
        input_orders = [(key, "Brightest pixels" if pixel and key == orders.LARGEST_INPUT else label)
                        for key, label in orders.INPUT_ORDERS]
        self.inputOrderCombo = self._combo(input_orders, "Which inputs come first: the order of the columns",
                                           "The order of the weight columns, one per input x. “Largest inputs” "
                                           "(for the first layer “Brightest pixels”) puts the biggest inputs "
                                           "first: inputs that are 0 add nothing, whatever their weight. "
                                           "“Biggest products” puts first the inputs that add most to the "
                                           "chosen unit's sum (marked ▸), up or down. “In order” lists them "
                                           "by number.")
        self.cellsCombo = self._combo([("weights", "Weights W"), ("products", "Products x·W")],
                                      "What the cells along each row show",
                                      "Weights W: the numbers the network learnt, one per input and unit. "
                                      "Products x·W: each weight times its input — what that input adds to "
                                      "the unit's sum. All the products of a row add up to its Σ x·W.")
        self.unitSpin = explain(QSpinBox(), "", "Type or step to a unit's number to jump to its row and choose "
                                "it (its row is marked with ▸).")
        self.unitSpin.setRange(0, layer.units - 1)
        self.unitSpin.setObjectName("goToUnit")
        self.unitOrderCombo.currentIndexChanged.connect(self._refresh)
        self.inputOrderCombo.currentIndexChanged.connect(self._refresh)
        self.cellsCombo.currentIndexChanged.connect(self._cells_changed)
        self.unitSpin.valueChanged.connect(self.chooseUnit)
        row = QHBoxLayout()
        for caption, widget in (("Rows:", self.unitOrderCombo), ("Columns:", self.inputOrderCombo),
                                ("Cells:", self.cellsCombo), ("Go to " + ("digit" if layer.is_output else "unit")
                                                              + ":", self.unitSpin)):
            label = QLabel(caption)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
            row.addSpacing(6)
        row.addStretch(1)
        return row

    @staticmethod
    def _combo(items: list[tuple[str, str]], tip: str, whats_this: str) -> QComboBox:
        combo = explain(QComboBox(), tip, whats_this)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, label in items:
            combo.addItem(label, key)
        return combo

    def _build_table(self) -> None:
        self.table = explain(
            FrozenColumnsTable(), "This layer's real numbers for this digit.\nHover any number to see how it "
            "was worked out; click a row to choose its unit.",
            "One row per unit of the layer. On the left, kept in view: the sum of the unit's inputs times its "
            "weights (Σ x·W), its bias b, its weighted sum z = Σ x·W + b and, for a hidden layer, its "
            "activation a, which it passes on. To the right, scrolling sideways: the unit's weights W (or the "
            "products x·W), one column per input; each column is headed by the input's name and value. "
            "Orange numbers are positive, blue negative. Hover a number for its arithmetic.")
        self.table.setObjectName("layerTable")
        self.table.setModel(self.model)
        self.table.setFrozenColumns(self.model.frozenColumns())
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        metrics = QFontMetrics(self.table.font())
        horizontal = self.table.horizontalHeader()
        horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        horizontal.setDefaultSectionSize(metrics.horizontalAdvance("−0.0000") + 12)
        horizontal.setFixedHeight(metrics.height() * 2 + 12)
        horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        for column in range(self.model.frozenColumns()):
            self.table.setColumnWidth(column, metrics.horizontalAdvance("weighted") + 16)
        vertical = self.table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(metrics.height() + 8)
        vertical.setFixedWidth(metrics.horizontalAdvance("▸ unit 00000") + 10)
        self.table.frozenView.verticalHeader().setDefaultSectionSize(metrics.height() + 8)
        self.table.setFrozenColumns(self.model.frozenColumns())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

    # -- what the dialog sets ---------------------------------------------------------
    def layer(self) -> LayerView:
        return self._layer

    def setTrace(self, recorded: Trace | None) -> None:
        """Show this layer's part of ``recorded`` (None: nothing to show)."""
        self._trace = recorded
        self._refresh()

    def chosenUnit(self) -> int:
        """The unit the learner picked, else the one in the first row."""
        return self._picked if self._picked is not None else self.model.unitAt(0)

    @Slot(int)
    def chooseUnit(self, unit: int) -> None:
        """Pick ``unit``: mark its row, scroll to it, and follow it in the orders and the picture."""
        self._picked = int(unit)
        self._refresh()
        # Only when asked: a new reading of the drawing never scrolls the table away from what is read.
        row = self.model.rowOfUnit(self._picked)
        self._updating = True
        self.table.setCurrentIndex(self.model.index(row, max(self.table.currentIndex().column(), 0)))
        self._updating = False
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def _row_changed(self, current, previous) -> None:
        # A row clicked (or reached with the keys) is already in view: no scrolling.
        if not self._updating and current.isValid():
            self._picked = self.model.unitAt(current.row())
            self._refresh()

    # -- keeping the view up to date --------------------------------------------------
    @Slot()
    def _refresh(self) -> None:
        step = None if self._trace is None else self._trace.layers[self._layer.index]
        unit_kind, input_kind = self.unitOrderCombo.currentData(), self.inputOrderCombo.currentData()
        units = (np.arange(self._layer.units) if step is None
                 else orders.unit_order(unit_kind, self._trace, self._layer.index))
        chosen = self._picked if self._picked is not None else int(units[0])
        inputs = (np.arange(self._layer.fan_in) if step is None
                  else orders.input_order(input_kind, step.inputs, self._layer.weights, chosen))
        self.model.setTrace(step, units, inputs)
        self.model.setChosenUnit(chosen)
        self.unitSpin.blockSignals(True)
        self.unitSpin.setValue(chosen)
        self.unitSpin.blockSignals(False)
        self.table.setEnabled(step is not None)
        self._describe(step, chosen)
        if self.unitPicture is not None:
            self.unitPicture.setUnit(self._layer, None if step is None else step.inputs, chosen)

    def _describe(self, step, chosen: int) -> None:
        noun = "digit" if self._layer.is_output else "unit"
        self.unitSpin.setToolTip(f"Go to a {noun} by its number (now {noun} {chosen}, marked ▸ in the table)")
        if step is None:
            self.activeLabel.setText("Nothing traced yet")
        elif self._layer.is_output:
            best = int(np.argmax(step.z))
            self.activeLabel.setText(f"Highest score: digit {best} (z = {number(step.z[best])})")
        else:
            active = int(np.count_nonzero(step.z > 0))
            self.activeLabel.setText(f"{active:,} of {self._layer.units:,} units active (z > 0) for this digit")

    @Slot()
    def _cells_changed(self) -> None:
        self.model.setShowProducts(self.cellsCombo.currentData() == "products")

"""The lab's controls for one unit at a time: pick a unit by its layer and
number (or the one most active on the drawing), see what it outputs for the
drawing before → after, and switch it off, shift its bias or scale its
incoming weights. Every unit changed is listed, to pick again or undo.
Emits ``changed`` whenever the edits change; ``changes()`` gives them as the
``UnitChange`` tuples of ``ModelEdits``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QListWidget, QListWidgetItem, QSpinBox, QVBoxLayout, QWidget)

from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.lab import lab_texts as texts
from digitpad.inside.edits import UnitChange
from digitpad.inside.layers import LayerView


@dataclass(frozen=True)
class UnitState:
    off: bool = False
    bias_shift: float = 0.0
    weight_scale: float = 1.0

    def describe(self) -> str:
        parts = ["switched off"] if self.off else []
        parts += [f"bias {self.bias_shift:+.2f}"] if self.bias_shift else []
        parts += [f"weights ×{self.weight_scale:g}"] if self.weight_scale != 1.0 else []
        return ", ".join(parts)


def _spin(minimum: float, maximum: float, step: float, value: float, prefix: str = "") -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(minimum, maximum)
    spin.setSingleStep(step)
    spin.setDecimals(2)
    spin.setValue(value)
    spin.setPrefix(prefix)
    spin.setAccelerated(True)
    return spin


class UnitEditor(QGroupBox):
    changed = Signal()

    def __init__(self, layers: list[LayerView], parent: QWidget | None = None) -> None:
        super().__init__("One unit", parent)
        self.setObjectName("unitEditor")
        explain(self, "Change a single unit (an artificial neuron) of the network", texts.UNIT_GROUP)
        self._layers: list[tuple[str, int, bool]] = []
        self._states: dict[tuple[int, int], UnitState] = {}
        self._outputs: tuple[list[np.ndarray] | None, list[np.ndarray] | None] = (None, None)
        self._build()
        self.setLayers(layers)

    def _build(self) -> None:
        self.layerCombo = QComboBox()
        self.unitSpin = QSpinBox()
        self.unitSpin.setAccelerated(True)
        self.mostActiveButton = explained_button("Most active", self.pickMostActive,
                                                 "Pick the unit of this layer that responds most to your drawing",
                                                 texts.MOST_ACTIVE)
        self.outputLabel = QLabel()
        self.outputLabel.setObjectName("unitOutput")
        self.offCheck = QCheckBox("Switched off")
        self.biasSpin = _spin(-20.0, 20.0, 0.25, 0.0)
        self.scaleSpin = _spin(-5.0, 5.0, 0.1, 1.0, "× ")
        unit_row = QHBoxLayout()
        unit_row.addWidget(self.unitSpin, 1)
        unit_row.addWidget(self.mostActiveButton)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        captions = [("Layer", "Which layer the unit is in", texts.LAYER),
                    ("Unit", "The unit's number in its layer", texts.UNIT),
                    ("Output", "What the unit outputs for your drawing", texts.OUTPUT),
                    ("", "", ""),
                    ("Bias shift", "Added to the unit's bias", texts.BIAS),
                    ("Weight scale", "The unit's incoming weights multiplied by this", texts.SCALE)]
        fields = (self.layerCombo, unit_row, self.outputLabel, self.offCheck, self.biasSpin, self.scaleSpin)
        for (caption, tip, whats_this), field in zip(captions, fields):
            form.addRow(explain(QLabel(caption), tip, whats_this) if caption else None, field)
        self.unitList = explain(QListWidget(), "Every unit you changed", texts.UNIT_LIST)
        self.unitList.setObjectName("changedUnits")
        self.unitList.setMinimumHeight(54)
        self.undoUnitButton = explained_button("Undo unit", self.undoUnit, "Put the chosen unit back as it was",
                                               "Removes every change to the unit chosen above.")
        self.undoAllButton = explained_button("Undo all units", self.clear, "Put every unit back as it was",
                                              "Removes the changes to every unit; the whole-network edits stay.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.undoUnitButton)
        buttons.addWidget(self.undoAllButton)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(explain(QLabel("Changed units"), "Every unit you changed", texts.UNIT_LIST))
        layout.addWidget(self.unitList, 1)
        layout.addLayout(buttons)
        self.layerCombo.currentIndexChanged.connect(self._layer_chosen)
        self.unitSpin.valueChanged.connect(self._show_unit)
        self.offCheck.toggled.connect(self._controls_changed)
        self.biasSpin.valueChanged.connect(self._controls_changed)
        self.scaleSpin.valueChanged.connect(self._controls_changed)
        self.unitList.itemClicked.connect(self._list_clicked)

    def setLayers(self, layers: list[LayerView]) -> None:
        """Edit a network with these layers (from ``network_layers``); forgets every unit edit."""
        self._layers = [(layer.name, layer.units, layer.is_output) for layer in layers]
        self._states = {}
        self._outputs = (None, None)
        self.layerCombo.blockSignals(True)
        self.layerCombo.clear()
        for name, units, _ in self._layers:
            self.layerCombo.addItem(f"{name} — {units:,} units")
        self.layerCombo.blockSignals(False)
        self._layer_chosen(0)
        self._refresh()

    # -- what it edits -------------------------------------------------------------
    def changes(self) -> tuple[tuple[UnitChange, ...], tuple[UnitChange, ...], tuple[UnitChange, ...]]:
        """``(units_off, bias_shifts, weight_scales)`` for ``ModelEdits``."""
        ordered = sorted(self._states.items())
        return (tuple(UnitChange(layer, unit) for (layer, unit), state in ordered if state.off),
                tuple(UnitChange(layer, unit, state.bias_shift) for (layer, unit), state in ordered
                      if state.bias_shift),
                tuple(UnitChange(layer, unit, state.weight_scale) for (layer, unit), state in ordered
                      if state.weight_scale != 1.0))

    def setChanges(self, units_off=(), bias_shifts=(), weight_scales=()) -> None:
        """Show these edits (replacing all unit edits) without announcing them."""
        states: dict[tuple[int, int], UnitState] = {}
        for change in units_off:
            states[(change.layer, change.unit)] = UnitState(off=True)
        for name, changes in (("bias_shift", bias_shifts), ("weight_scale", weight_scales)):
            for change in changes:
                state = states.get((change.layer, change.unit), UnitState())
                states[(change.layer, change.unit)] = replace(state, **{name: float(change.value)})
        self._states = states
        self._refresh()

    @Slot()
    def clear(self) -> None:
        if self._states:
            self._states = {}
            self._refresh()
            self.changed.emit()

    @Slot()
    def undoUnit(self) -> None:
        if self._states.pop(self.selectedUnit(), None) is not None:
            self._refresh()
            self.changed.emit()

    # -- which unit -------------------------------------------------------------
    def selectedUnit(self) -> tuple[int, int]:
        return self.layerCombo.currentIndex(), self.unitSpin.value()

    @Slot(int, int)
    def selectUnit(self, layer: int, unit: int) -> None:
        """Pick unit ``unit`` of layer ``layer`` (0: the first hidden layer)."""
        if 0 <= layer < len(self._layers) and 0 <= unit < self._layers[layer][1]:
            self.layerCombo.setCurrentIndex(layer)
            self.unitSpin.setValue(unit)

    @Slot()
    def pickMostActive(self) -> None:
        original = self._outputs[0]
        if original is not None:
            self.unitSpin.setValue(int(np.argmax(original[self.layerCombo.currentIndex()])))

    def setOutputs(self, original: list[np.ndarray] | None, edited: list[np.ndarray] | None) -> None:
        """Every layer's outputs for the drawing, in the model in use and the edited network (None: no drawing)."""
        self._outputs = (original, edited)
        self.mostActiveButton.setEnabled(original is not None)
        self._show_output()

    # -- keeping the controls in step ---------------------------------------------------
    @Slot(int)
    def _layer_chosen(self, layer: int) -> None:
        name, units, is_output = self._layers[layer]
        self.unitSpin.setRange(0, units - 1)
        explain(self.layerCombo, f"Which layer the unit is in: now {name}",
                texts.with_value(texts.LAYER, f"{name}, {units:,} units"))
        self._show_unit()

    def _show_unit(self, *_) -> None:
        """Show the chosen unit's edits in the controls, without announcing a change."""
        layer, unit = self.selectedUnit()
        name, units, is_output = self._layers[layer]
        state = self._states.get((layer, unit), UnitState())
        for widget in (self.offCheck, self.biasSpin, self.scaleSpin):
            widget.blockSignals(True)
        self.offCheck.setChecked(state.off and not is_output)
        self.offCheck.setEnabled(not is_output)
        self.biasSpin.setValue(state.bias_shift)
        self.scaleSpin.setValue(state.weight_scale)
        for widget in (self.offCheck, self.biasSpin, self.scaleSpin):
            widget.blockSignals(False)
        what = f"digit {unit}'s score" if is_output else f"unit {unit} of {name}"
        explain(self.unitSpin, f"Unit {unit} of {name} (0 to {units - 1})", texts.with_value(texts.UNIT, what))
        explain(self.offCheck, "Only hidden units can be switched off" if is_output else
                f"Switch {what} off: it passes nothing on",
                texts.with_value(texts.OFF, "switched off" if state.off else "working"))
        explain(self.biasSpin, f"Added to the bias of {what}: {state.bias_shift:+.2f}",
                texts.with_value(texts.BIAS, f"{state.bias_shift:+.2f}"))
        explain(self.scaleSpin, f"The weights into {what} multiplied by {state.weight_scale:g}",
                texts.with_value(texts.SCALE, f"× {state.weight_scale:g}"))
        self.undoUnitButton.setEnabled((layer, unit) in self._states)
        self._show_output()

    def _show_output(self) -> None:
        layer, unit = self.selectedUnit()
        original, edited = self._outputs
        if original is None:
            text = "— (draw a digit in the main window)"
        else:
            before = float(original[layer][unit])
            text = f"{before:.2f} → {float(edited[layer][unit]):.2f}" if edited is not None else f"{before:.2f}"
        self.outputLabel.setText(text)
        explain(self.outputLabel, f"What this unit outputs for your drawing: {text}",
                texts.with_value(texts.OUTPUT, text))

    @Slot()
    def _controls_changed(self) -> None:
        key = self.selectedUnit()
        is_output = self._layers[key[0]][2]
        state = UnitState(self.offCheck.isChecked() and not is_output, round(self.biasSpin.value(), 6),
                          round(self.scaleSpin.value(), 6))
        if state == UnitState():
            self._states.pop(key, None)
        else:
            self._states[key] = state
        self._refresh()
        self.changed.emit()

    def _refresh(self) -> None:
        self.unitList.clear()
        for (layer, unit), state in sorted(self._states.items()):
            item = QListWidgetItem(f"{self._layers[layer][0]}, unit {unit}: {state.describe()}")
            item.setData(Qt.ItemDataRole.UserRole, (layer, unit))
            self.unitList.addItem(item)
        self.undoAllButton.setEnabled(bool(self._states))
        self._show_unit()

    @Slot(QListWidgetItem)
    def _list_clicked(self, item: QListWidgetItem) -> None:
        self.selectUnit(*item.data(Qt.ItemDataRole.UserRole))

"""The training lab's live settings: learning rate, momentum, weight decay,
dropout and the distortion of the training digits, changed while a run
trains. A new value goes to the run's ``TrainingControl`` as soon as it is
entered (Enter, an arrow, or leaving the field) and takes effect from the
next batch; a value the run cannot take is refused with the reason written
under the fields (never in a message box) and the field goes back to the
value in effect. Settings this run cannot vary (momentum under Adam, dropout
in a network built without it) are disabled, with the reason as tooltip.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QDoubleSpinBox, QFormLayout, QGridLayout,
                               QGroupBox, QLabel, QWidget)

from digitpad.gui.common.messages import escape
from digitpad.train.changes import settings_at
from digitpad.train.config import TrainConfig, setting_named
from digitpad.train.control import TrainingControl
from digitpad.train.settings import format_value

# (setting, lowest, highest, decimals, adaptive steps) of each spin box.
# Ranges are wide on purpose: a learner may try an absurd learning rate and
# see it diverge; what the run cannot take at all is refused with a reason.
SPIN_BOXES = (("learning_rate", 0.0, 10.0, 5, True), ("momentum", 0.0, 1.0, 2, False),
              ("weight_decay", 0.0, 1.0, 5, True), ("dropout", 0.0, 0.95, 2, False),
              ("augment_strength", 0.0, 3.0, 2, False))
LIVE_SETTINGS = ("learning_rate", "momentum", "weight_decay", "dropout", "augment", "augment_strength")
_ERROR_COLOUR = "#b3261e"


def _reason(error: Exception) -> str:
    """The reason without the position in the run's list of changes."""
    return re.sub(r"^changes\[\d+\]: ", "", str(error))


class LiveSettingsPanel(QGroupBox):
    changeRequested = Signal(str, object)     # a change the run accepted (setting, value)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Change while it trains", parent)
        self.setObjectName("liveSettings")
        self._control: TrainingControl | None = None
        self._values: dict[str, Any] = {}
        self._editors: dict[str, QWidget] = {}
        # Two columns of three keep the strip under the charts low.
        columns = [QFormLayout(), QFormLayout()]
        for index, (name, low, high, decimals, adaptive) in enumerate(SPIN_BOXES):
            editor = QDoubleSpinBox()
            editor.setRange(low, high)
            editor.setDecimals(decimals)
            editor.setSingleStep(setting_named(name).step)
            if adaptive:
                editor.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
            editor.setKeyboardTracking(False)       # one change per value entered, not per key
            editor.valueChanged.connect(lambda value, name=name: self.request(name, value))
            self._add(columns[index // 3], name, editor)
        augment = QCheckBox(setting_named("augment").label)
        augment.toggled.connect(lambda on: self.request("augment", on))
        self._add(columns[1], "augment", augment)
        self.messageLabel = QLabel()
        self.messageLabel.setObjectName("liveSettingsMessage")
        self.messageLabel.setWordWrap(True)
        self.messageLabel.setTextFormat(Qt.TextFormat.RichText)
        grid = QGridLayout(self)
        grid.addLayout(columns[0], 0, 0)
        grid.addLayout(columns[1], 0, 1)
        grid.addWidget(self.messageLabel, 1, 0, 1, 2)
        grid.setRowStretch(2, 1)
        self.setRun(None, TrainConfig())

    def _add(self, rows: QFormLayout, name: str, editor: QWidget) -> None:
        item = setting_named(name)
        editor.setObjectName("live" + "".join(part.capitalize() for part in name.split("_")))
        self._editors[name] = editor
        editor.setProperty("explanation", f"<p><b>{escape(item.label)}</b></p><p>{escape(item.help.rstrip('.'))}. "
                                          "Changed here, it takes effect from the next batch.</p>")
        editor.setToolTip(editor.property("explanation"))
        editor.setWhatsThis(f"<p><b>{escape(item.label)}, while it trains</b></p>"
                            f"<p>{escape(item.explanation)}</p><p>A new value is used from the next "
                            "batch on, recorded in the run's config.json and metrics.csv, and marked "
                            "in the charts and the log.</p>")
        if isinstance(editor, QCheckBox):
            rows.addRow(editor)
        else:
            rows.addRow(item.label, editor)
            label = rows.labelForField(editor)
            label.setToolTip(editor.toolTip())
            label.setWhatsThis(editor.whatsThis())

    # -- what it shows ---------------------------------------------------------
    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def message(self) -> str:
        return self.messageLabel.text()

    def setRun(self, control: TrainingControl | None, config: TrainConfig) -> None:
        """Show ``config``'s values (as in effect now); with a ``control``
        the fields change the running run, without one they are read-only."""
        self._control = control
        self._values = settings_at(config, 2**62)
        for name in LIVE_SETTINGS:
            self._show_value(name, self._values[name])
        self.refreshAvailability()
        self.messageLabel.clear()

    def detach(self) -> None:
        """The run has ended: keep its last values, read-only."""
        self._control = None
        self.refreshAvailability()

    def refreshAvailability(self) -> None:
        """Enable what this run can change; the rest say why not."""
        unavailable = self._control.unavailable_settings() if self._control is not None else {}
        for name, editor in self._editors.items():
            reason = unavailable.get(name)
            editor.setEnabled(self._control is not None and reason is None)
            tip = editor.property("explanation")
            if reason:
                tip += f"<p><i>Not in this run: {escape(reason)}.</i></p>"
            elif self._control is None:
                tip += "<p><i>Start a run to change it while it trains.</i></p>"
            editor.setToolTip(tip)

    def showChange(self, change) -> None:
        """A change the run has applied (its ``SettingChange``)."""
        self._values[change.setting] = change.value
        self._show_value(change.setting, change.value)
        label = setting_named(change.setting).label
        self._say(f"{label} is now {format_value(None, change.value)} (from update {change.step + 1}).")

    def _show_value(self, name: str, value: Any) -> None:
        editor = self._editors[name]
        editor.blockSignals(True)
        if isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        else:
            editor.setValue(float(value))
        editor.blockSignals(False)

    def _say(self, text: str, error: bool = False) -> None:
        colour = f" style='color:{_ERROR_COLOUR}'" if error else ""
        self.messageLabel.setText(f"<span{colour}>{escape(text)}</span>")

    # -- changing ----------------------------------------------------------------
    def request(self, name: str, value: Any) -> bool:
        """Ask the run to change ``name`` to ``value``; False (with the reason
        shown) when it refuses."""
        label = setting_named(name).label
        try:
            if self._control is None:
                raise ValueError("no run is training; start one first")
            self._control.change(name, value)
        except (ValueError, RuntimeError) as error:
            self._show_value(name, self._values[name])
            self._say(f"{label} not changed: {_reason(error)}", error=True)
            return False
        self.showPending(name, value)
        self.changeRequested.emit(name, value)
        return True

    def showPending(self, name: str, value: Any) -> None:
        """A change the run accepted, to be applied at the next batch."""
        self._values[name] = value
        self._show_value(name, value)
        self._say(f"{setting_named(name).label} → {format_value(None, value)}: from the next batch on.")

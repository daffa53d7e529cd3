"""The lab's controls for the whole network: prune the smallest share of
each layer's weights (0–99%), add seeded noise to every weight (0–10 times a
typical weight's size) and set the softmax temperature (0.1–10 in round
steps, 1 in the middle). Each slider names its value beside it and in its
explanations. Emits ``changed``; ``values()`` gives the matching
``ModelEdits`` fields.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QSlider, QSpinBox, QWidget

from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.lab import lab_texts as texts

MAX_PRUNE_PERCENT = 99
NOISE_STEPS_PER_UNIT = 10               # the noise slider moves in tenths
MAX_NOISE = 10.0
# Round numbers a learner can reason with, 1 (the network as trained) in the middle.
TEMPERATURES = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
                1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
MAX_SEED = 9999


CAPTIONS = {"Prune": ("Set each layer's smallest weights to zero", texts.PRUNE),
            "Noise": ("Add random noise to every weight", texts.NOISE),
            "Temperature": ("Make the network sound surer or less sure", texts.TEMPERATURE)}


def _slider(maximum: int, minimum: int = 0) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(minimum, maximum)
    slider.setMinimumWidth(120)
    return slider


def _value_label() -> QLabel:
    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setMinimumWidth(label.fontMetrics().horizontalAdvance("T = 10.00") + 4)
    return label


class NetworkEditor(QGroupBox):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("The whole network", parent)
        self.setObjectName("networkEditor")
        explain(self, "Change every weight of the network at once", texts.NETWORK_GROUP)
        self.pruneSlider = _slider(MAX_PRUNE_PERCENT)
        self.noiseSlider = _slider(round(MAX_NOISE * NOISE_STEPS_PER_UNIT))
        self.temperatureSlider = _slider(len(TEMPERATURES) - 1)
        self.temperatureSlider.setValue(TEMPERATURES.index(1.0))
        self.seedSpin = QSpinBox()
        self.seedSpin.setRange(0, MAX_SEED)
        self.seedSpin.setPrefix("seed ")
        self.newSeedButton = explained_button("New noise", self.nextSeed, "Draw different noise of the same size",
                                              texts.NEW_SEED)
        self.pruneLabel, self.noiseLabel, self.temperatureLabel = (_value_label() for _ in range(3))
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        rows = [("Prune", self.pruneSlider, self.pruneLabel), ("Noise", self.noiseSlider, self.noiseLabel)]
        for row, (name, slider, label) in enumerate(rows):
            grid.addWidget(explain(QLabel(name), *CAPTIONS[name]), row, 0)
            grid.addWidget(slider, row, 1)
            grid.addWidget(label, row, 2)
        grid.addWidget(self.seedSpin, 2, 1)
        grid.addWidget(self.newSeedButton, 2, 2)
        grid.addWidget(explain(QLabel("Temperature"), *CAPTIONS["Temperature"]), 3, 0)
        grid.addWidget(self.temperatureSlider, 3, 1)
        grid.addWidget(self.temperatureLabel, 3, 2)
        for control in (self.pruneSlider, self.noiseSlider, self.temperatureSlider, self.seedSpin):
            control.valueChanged.connect(self._value_changed)
        self._explain()

    def values(self) -> dict:
        """``prune_fraction``, ``noise``, ``noise_seed`` and ``temperature`` for ``ModelEdits``."""
        return {"prune_fraction": self.pruneSlider.value() / 100,
                "noise": self.noiseSlider.value() / NOISE_STEPS_PER_UNIT,
                # Without noise the seed changes nothing: leave it out of the edits.
                "noise_seed": self.seedSpin.value() if self.noiseSlider.value() else 0,
                "temperature": TEMPERATURES[self.temperatureSlider.value()]}

    def setValues(self, prune_fraction: float = 0.0, noise: float = 0.0, noise_seed: int = 0,
                  temperature: float = 1.0) -> None:
        """Show these values (the nearest each slider can) without announcing them."""
        controls = (self.pruneSlider, self.noiseSlider, self.seedSpin, self.temperatureSlider)
        for control in controls:
            control.blockSignals(True)
        self.pruneSlider.setValue(round(prune_fraction * 100))
        self.noiseSlider.setValue(round(noise * NOISE_STEPS_PER_UNIT))
        self.seedSpin.setValue(min(int(noise_seed), MAX_SEED))
        nearest = min(TEMPERATURES, key=lambda value: abs(math.log(value / temperature)))
        self.temperatureSlider.setValue(TEMPERATURES.index(nearest))
        for control in controls:
            control.blockSignals(False)
        self._explain()

    @Slot()
    def nextSeed(self) -> None:
        self.seedSpin.setValue((self.seedSpin.value() + 1) % (MAX_SEED + 1))

    @Slot()
    def _value_changed(self) -> None:
        self._explain()
        self.changed.emit()

    def _explain(self) -> None:
        values = self.values()
        prune, noise, temperature = values["prune_fraction"], values["noise"], values["temperature"]
        self.pruneLabel.setText(f"{prune:.0%}")
        self.noiseLabel.setText(f"{noise:.1f}×")
        self.temperatureLabel.setText(f"T = {temperature:.2f}")
        for widget in (self.pruneSlider, self.pruneLabel):
            explain(widget, texts.prune_tip(prune), texts.with_value(texts.PRUNE, f"{prune:.0%} pruned"))
        noise_now = f"{noise:.1f} × a typical weight, seed {self.seedSpin.value()}"
        for widget in (self.noiseSlider, self.noiseLabel):
            explain(widget, texts.noise_tip(noise), texts.with_value(texts.NOISE, noise_now))
        for widget in (self.temperatureSlider, self.temperatureLabel):
            explain(widget, texts.temperature_tip(temperature),
                    texts.with_value(texts.TEMPERATURE, f"T = {temperature:.2f}"))
        seed = self.seedSpin.value()
        explain(self.seedSpin, f"Which random noise: seed {seed} (the same seed, the same noise)",
                texts.with_value(texts.SEED, f"seed {seed}"))
        self.seedSpin.setEnabled(noise > 0)
        self.newSeedButton.setEnabled(noise > 0)

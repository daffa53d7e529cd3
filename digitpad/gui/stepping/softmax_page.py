"""The last step: the softmax taken apart — the ten scores, minus the
largest, divided by a temperature the learner can change, exponentiated,
added up and divided into probabilities — and the entropy of the result,
with a plain reading of how unsure the network is. The probabilities are
also drawn as bars.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QSlider,
                               QTableView, QVBoxLayout, QWidget)

from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.stepping.numbers import number, wide_tip
from digitpad.gui.stepping.softmax_model import SoftmaxTableModel
from digitpad.gui.stepping.softmax_texts import NO_IDEA_BITS, TEMPERATURE_EXPLANATION, SoftmaxTexts, \
    entropy_reading
from digitpad.gui.window.probability_bars import ProbabilityBars
from digitpad.inside import SoftmaxSteps

LOWEST, HIGHEST = 0.1, 10.0
# The slider moves T on a log scale: equal steps multiply T by equal factors.
SLIDER_STEPS = 200

SUMMARY = ("The output layer gave each digit a score z. The softmax turns the ten scores into probabilities "
           "that are all positive and add up to 1, step by step from left to right: take the largest score "
           "from every score, divide by the temperature T, apply exp, add the ten exps up, and divide each "
           "by the sum. Hover any number to see its arithmetic.")


def _slider_position(temperature: float) -> int:
    fraction = math.log(temperature / LOWEST) / math.log(HIGHEST / LOWEST)
    return round(min(max(fraction, 0.0), 1.0) * SLIDER_STEPS)


class SoftmaxPage(QWidget):
    temperatureChanged = Signal(float)

    def __init__(self, step_number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("softmaxStep")
        self._steps: SoftmaxSteps | None = None
        # The model's calibration temperature: what its probabilities really use.
        self._calibrated = 1.0
        title = QLabel(f"<b>Step {step_number} · Softmax: from scores to probabilities</b>")
        title.setObjectName("stepTitle")
        summary = QLabel(SUMMARY)
        summary.setWordWrap(True)
        self.model = SoftmaxTableModel(self)
        self._build_table()
        self.bars = explain(ProbabilityBars(), "The probabilities p as bars",
                            "The last column of the table as bars: the probability the network gives each "
                            "digit at this temperature. The digit with the longest bar is its answer.")
        self.bars.setCursor(Qt.CursorShape.ArrowCursor)
        self.bars.setMinimumSize(170, 200)
        self.bars.setFixedWidth(200)
        body = QHBoxLayout()
        body.addWidget(self.table, 1)
        body.addWidget(self.bars)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addLayout(self._build_temperature())
        layout.addLayout(body, 1)
        layout.addLayout(self._build_entropy())
        self.setSteps(None)

    def _build_table(self) -> None:
        self.table = explain(
            QTableView(), "The softmax, one step per column, one digit per row.\nHover a number for its "
            "arithmetic.",
            "Each row is a digit; read the columns from left to right. z: the score from the output layer. "
            "z − max: the largest score taken away, so the largest is 0. ÷ T: divided by the temperature. "
            "exp: e raised to that power, always positive. ÷ sum = p: the probability. −p·log₂p: the digit's "
            "part of the entropy. The answer's row is bold.")
        self.table.setObjectName("softmaxTable")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        metrics = QFontMetrics(self.table.font())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setFixedHeight(metrics.height() * 2 + 12)
        header.setMinimumSectionSize(metrics.horizontalAdvance("−0.000000") + 10)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows.setMinimumSectionSize(metrics.height() + 6)

    def _build_temperature(self) -> QHBoxLayout:
        self.temperatureSlider = explain(QSlider(Qt.Orientation.Horizontal), "", TEMPERATURE_EXPLANATION)
        self.temperatureSlider.setObjectName("temperatureSlider")
        self.temperatureSlider.setRange(0, SLIDER_STEPS)
        self.temperatureSpin = explain(QDoubleSpinBox(), "", TEMPERATURE_EXPLANATION)
        self.temperatureSpin.setObjectName("temperature")
        self.temperatureSpin.setRange(LOWEST, HIGHEST)
        self.temperatureSpin.setDecimals(2)
        self.temperatureSpin.setSingleStep(0.1)
        self.resetButton = explained_button("T = 1", lambda: self.setTemperature(self._calibrated),
                                            "Back to T = 1, what the network really uses",
                                            "Sets the temperature back to the one the network really uses: "
                                            "the probabilities it really gives.")
        self.temperatureSlider.valueChanged.connect(self._slider_moved)
        self.temperatureSpin.valueChanged.connect(self._spin_changed)
        row = QHBoxLayout()
        label = QLabel("Temperature T:")
        label.setBuddy(self.temperatureSpin)
        row.addWidget(label)
        row.addWidget(QLabel(f"{LOWEST:g}"))
        row.addWidget(self.temperatureSlider, 1)
        row.addWidget(QLabel(f"{HIGHEST:g}"))
        row.addWidget(self.temperatureSpin)
        row.addWidget(self.resetButton)
        self.setTemperature(1.0)
        return row

    def _build_entropy(self) -> QVBoxLayout:
        self.sumLabel = QLabel()
        self.sumLabel.setObjectName("sumOfExps")
        self.sumLabel.setWhatsThis("The ten exps (the fourth column) added up. Dividing each exp by this sum "
                                   "gives the probabilities, which therefore add up to 1.")
        self.entropyMeter = QProgressBar()
        self.entropyMeter.setObjectName("entropyMeter")
        self.entropyMeter.setRange(0, 1000)
        self.entropyMeter.setTextVisible(True)
        self.entropyMeter.setWhatsThis(
            "The entropy H = −Σ p·log₂p measures how unsure the network is, in bits: 0 means certain (one "
            f"digit has all the probability), log₂ 10 ≈ {NO_IDEA_BITS:.2f} bits means no idea (all ten digits "
            "equally likely). Raising the temperature raises it.")
        self.readingLabel = QLabel()
        self.readingLabel.setObjectName("entropyReading")
        self.readingLabel.setWordWrap(True)
        self.readingLabel.setWhatsThis("The entropy in plain words: how sure the network is of its answer. "
                                       "2 raised to the entropy is the number of equally likely digits that "
                                       "would make a pick just as uncertain.")
        row = QHBoxLayout()
        row.addWidget(self.sumLabel)
        row.addSpacing(12)
        row.addWidget(QLabel("Entropy (how unsure):"))
        row.addWidget(self.entropyMeter, 1)
        box = QVBoxLayout()
        box.addLayout(row)
        box.addWidget(self.readingLabel)
        return box

    # -- what the dialog sets ---------------------------------------------------------------
    def temperature(self) -> float:
        """The T shown; the model's exact calibration temperature while the box shows it rounded."""
        value = float(self.temperatureSpin.value())
        return self._calibrated if value == round(self._calibrated, 2) else value

    def calibratedTemperature(self) -> float:
        return self._calibrated

    def setCalibratedTemperature(self, temperature: float) -> None:
        """The model's calibration temperature (fitted so its confidence can be
        taken at its word): the reset button goes back to it."""
        self._calibrated = float(temperature)
        if self._calibrated == 1.0:
            text, tip = "T = 1", "Back to T = 1, what the network really uses"
        else:
            text = f"Calibrated T = {self._calibrated:.2f}"
            tip = (f"Back to T = {self._calibrated:.3g}, what the network really uses: its calibration "
                   "temperature, fitted on validation digits so that its confidence is honest")
        self.resetButton.setText(text)
        self.resetButton.setToolTip(tip)

    def setTemperature(self, temperature: float) -> None:
        self.temperatureSpin.setValue(min(max(float(temperature), LOWEST), HIGHEST))

    def setSteps(self, steps: SoftmaxSteps | None) -> None:
        """Show ``steps`` (None: nothing traced)."""
        self._steps = steps
        self.model.setSteps(steps)
        self.bars.setProbabilities(None if steps is None else steps.probabilities)
        if steps is None:
            self.sumLabel.setText("Sum of the exps: —")
            self.entropyMeter.setValue(0)
            self.entropyMeter.setFormat("—")
            self.readingLabel.setText("Nothing traced yet.")
            return
        texts = SoftmaxTexts(steps)
        self.sumLabel.setText(f"Sum of the exps: <b>{number(steps.total, 4)}</b>")
        self.sumLabel.setToolTip(wide_tip(texts.total()))
        self.entropyMeter.setValue(round(steps.entropy_bits / NO_IDEA_BITS * 1000))
        self.entropyMeter.setFormat(f"H = {number(steps.entropy_bits)} bits (0 = certain, "
                                    f"{NO_IDEA_BITS:.2f} = no idea)")
        self.entropyMeter.setToolTip(wide_tip(texts.entropy()))
        self.readingLabel.setText(entropy_reading(steps))

    # -- the temperature controls --------------------------------------------------------------
    @Slot(int)
    def _slider_moved(self, position: int) -> None:
        temperature = LOWEST * (HIGHEST / LOWEST) ** (position / SLIDER_STEPS)
        # Round to what the box shows, so the two agree.
        self.temperatureSpin.setValue(round(temperature, 2))

    @Slot(float)
    def _spin_changed(self, temperature: float) -> None:
        self.temperatureSlider.blockSignals(True)
        self.temperatureSlider.setValue(_slider_position(temperature))
        self.temperatureSlider.blockSignals(False)
        tip = f"Temperature T = {temperature:g}: every score is divided by it before exp"
        if self.temperature() == self._calibrated != 1.0:
            tip += f" (the model's calibration temperature, {self._calibrated:.4g})"
        self.temperatureSlider.setToolTip(tip)
        self.temperatureSpin.setToolTip(tip)
        self.temperatureChanged.emit(self.temperature())

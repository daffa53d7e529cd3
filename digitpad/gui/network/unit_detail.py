"""The detail of one unit, opened by clicking it in the network view and
kept up to date while the user draws: its weighted sum z, bias and
activation now; for a first-layer unit its 784 incoming weights as a 28×28
picture and those weights times the drawing (what each pixel adds to z);
for a later unit its strongest inputs as bars; and how often it is active
on the MNIST test digits — measured in the background when first needed
(``measureRequested``), a unit never active being called dead.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain, explained_button, now
from digitpad.gui.common.messages import escape
from digitpad.gui.common.percent import percent
from digitpad.gui.network import colours
from digitpad.gui.network.input_bars import BARS, InputBars
from digitpad.gui.network.readings import activity_words, contributions, read_unit, sentence, strongest, unit_name
from digitpad.gui.network.weight_picture import WeightPicture
from digitpad.inside import LayerTrace, LayerView

DEAD_COLOUR, ACTIVE_COLOUR, SILENT_COLOUR = "#b4323f", "#c8610f", "#6a7184"

NUMBERS_HELP = (
    "<p><b>The unit's numbers for your drawing.</b> The <i>weighted sum z</i> is every input "
    "multiplied by the weight between it and this unit, all added up, plus the <i>bias</i> — a number "
    "the unit starts from before any input, learnt in training like the weights. The <i>activation "
    "a</i> is what the unit passes on to the next layer: for ReLU, z when z is positive and 0 "
    "otherwise. An output unit's z is its <i>score</i>; the softmax turns the ten scores into "
    "probabilities.</p>")
PICTURES_HELP = (
    "<p><b>Left: the unit's weights</b>, one per input pixel, laid out like the picture. Orange "
    "weights make the unit more active where there is ink; blue ones make it less active. The "
    "pattern is what the unit looks for — often a stroke in one place with blue around it.</p>"
    "<p><b>Right: the weights times your drawing</b> — what each pixel adds to z now. Pixels without "
    "ink add nothing. Their sum plus the bias is z.</p>")
BARS_HELP = (
    "<p><b>The unit's strongest inputs.</b> This unit listens to every unit of the layer before it. "
    "While a digit is drawn, each bar is one of those units' activation times its weight into this "
    "unit: orange bars push it up, blue bars hold it back, longest first. With nothing drawn, the bars "
    "are the largest weights themselves.</p>")
ACTIVITY_HELP = (
    "<p><b>How often the unit is active</b> (z above 0) across the 10,000 MNIST test digits — "
    "handwriting the network never trained on. A unit active on almost every digit, or almost none, "
    "tells little apart. A unit never active is <i>dead</i>: whatever is drawn it passes nothing on, "
    "and since no error flows back through it, training can no longer change its weights.</p>")


class UnitDetail(QDialog):
    measureRequested = Signal()         # the user asked to measure activity on the test digits

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitDetail")
        self.setWindowTitle("Unit detail")
        self._layer: LayerView | None = None
        self._unit = 0
        self._layer_trace: LayerTrace | None = None
        self._image: np.ndarray | None = None
        self._fraction: float | None = None
        self._build()
        self.resize(540, 470)

    def _build(self) -> None:
        self.headline = explain(QLabel(), "Which unit this is and what it is doing now",
                                "The unit shown: its layer and its number in the layer, and whether it is "
                                "active (passing something on), silent or dead.")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.numbers = explain(QLabel(), "The unit's weighted sum, bias and activation for your drawing",
                               NUMBERS_HELP)
        self.numbers.setTextFormat(Qt.TextFormat.RichText)
        self.activity = explain(QLabel(), "How often this unit is active on the MNIST test digits", ACTIVITY_HELP)
        self.activity.setTextFormat(Qt.TextFormat.RichText)
        self.activity.setWordWrap(True)
        self.measureButton = explained_button(
            "Measure on test digits", self.measureRequested.emit,
            "Run the network on the 10,000 MNIST test digits to see how often each unit is active",
            "Runs the network on the 10,000 MNIST test digits in the background (a fraction of a second "
            "once they are on this computer) and counts how often each unit is active.")
        self.weights = WeightPicture("Its weights")
        self.weightsTimesDrawing = WeightPicture("Weights × your drawing")
        self.inputBars = explain(InputBars(), "The unit's strongest inputs: orange pushes it up, blue holds it back",
                                 BARS_HELP)
        for picture in (self.weights, self.weightsTimesDrawing):
            explain(picture, "Orange: positive, blue: negative, dark: zero. Point at a pixel for its number.",
                    PICTURES_HELP)
        pictures = QWidget()
        row = QHBoxLayout(pictures)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.weights)
        row.addWidget(self.weightsTimesDrawing)
        self.pages = QStackedWidget()
        self.pages.addWidget(pictures)
        self.pages.addWidget(self.inputBars)
        self.key = explain(QLabel(), "How to read the colours", PICTURES_HELP)
        self.key.setTextFormat(Qt.TextFormat.RichText)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        activity_row = QHBoxLayout()
        activity_row.addWidget(self.activity, 1)
        activity_row.addWidget(self.measureButton)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        explain(buttons.button(QDialogButtonBox.StandardButton.Close), "Close the detail (the unit is no longer selected)",
                "Closes this window. The unit stops being selected in the network view; click any unit to "
                "open its detail again.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.numbers)
        layout.addLayout(activity_row)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.key)
        layout.addWidget(buttons)

    # -- what to show ------------------------------------------------------------------
    def unit(self) -> tuple[int, int] | None:
        """``(layer, unit)`` shown, or None."""
        return None if self._layer is None else (self._layer.index, self._unit)

    def showUnit(self, layer: LayerView, unit: int, layer_trace: LayerTrace | None,
                 image: np.ndarray | None) -> None:
        """Show ``unit`` of ``layer`` for the drawing ``image`` followed
        through the layer (``layer_trace``; both None when nothing is drawn)."""
        changed = self.unit() != (layer.index, unit) or self._layer is not layer
        self._layer, self._unit, self._layer_trace, self._image = layer, unit, layer_trace, image
        if changed:
            self._fraction = None
        self.setWindowTitle(f"{sentence(unit_name(layer, unit))} — digitpad")
        self._show_numbers()
        if layer.index == 0 and layer.fan_in == 784:
            self._show_pictures()
        else:
            self._show_bars()

    def showActivity(self, fractions: np.ndarray | None, tested: int, note: str = "",
                     measuring: bool = False) -> None:
        """How often the shown unit's layer is active (``fractions`` for every
        unit of it; None while unknown, with ``note`` saying why, or while
        ``measuring``)."""
        layer = self._layer
        if layer is not None and layer.is_output:
            self.activity.setText("An output unit is never switched off: all ten scores go to the softmax.")
            self.measureButton.hide()
            self._fraction = None
        elif fractions is None:
            self.activity.setText(note or "How often it is active on the MNIST test digits is not measured yet.")
            self.measureButton.setVisible(not measuring)
            self._fraction = None
        else:
            self._fraction = float(fractions[self._unit])
            words = sentence(activity_words(self._fraction, tested))
            if self._fraction <= 0:
                words = f"<span style='color:{DEAD_COLOUR}'>{words} — it passes nothing on, whatever is drawn</span>"
            self.activity.setText(words + ".")
            self.measureButton.hide()
        self.activity.setWhatsThis(now(ACTIVITY_HELP, self.activity.text()))
        self._show_numbers()

    def _show_numbers(self) -> None:
        layer, unit = self._layer, self._unit
        if layer is None:
            return
        reading = read_unit(layer, unit, self._layer_trace)
        dead = self._fraction is not None and self._fraction <= 0
        if dead:
            state, colour = "dead", DEAD_COLOUR
        elif reading.z is None:
            state, colour = "nothing drawn", SILENT_COLOUR
        elif layer.is_output:
            state, colour = f"probability {escape(percent(self._probability()))}", ACTIVE_COLOUR
        else:
            state, colour = ("active now", ACTIVE_COLOUR) if reading.is_active else ("silent now", SILENT_COLOUR)
        self.headline.setText(f"<span style='font-size:14pt; font-weight:600'>{sentence(unit_name(layer, unit))}"
                              f"</span> &nbsp; <span style='color:{colour}; font-weight:600'>{state}</span>")
        self.numbers.setText(_numbers_html(layer, reading))
        self.numbers.setWhatsThis(now(NUMBERS_HELP, f"{_numbers_plain(layer, reading)}."))

    def _probability(self) -> float:
        scores = self._layer_trace.z.astype(np.float64)
        exponentials = np.exp(scores - scores.max())
        return float(exponentials[self._unit] / exponentials.sum())

    def _show_pictures(self) -> None:
        self.pages.setCurrentIndex(0)
        self.key.setText(_key("dark: zero"))
        weights = self._layer.weights[:, self._unit].reshape(28, 28)
        self.weights.setValues(weights)
        value = f"the weights go from {weights.min():+.3f} to {weights.max():+.3f}"
        if self._layer_trace is None:
            self.weightsTimesDrawing.setValues(None, empty_text="Draw a digit")
            value += "; nothing is drawn, so the pixels add nothing to z."
        else:
            drawing = self._layer_trace.inputs.reshape(28, 28)
            pushes = weights * drawing
            self.weightsTimesDrawing.setValues(pushes, ink=drawing)
            value += (f"; your drawing's pixels add {pushes[pushes > 0].sum():+.3f} and "
                      f"{pushes[pushes < 0].sum():+.3f} to z, {pushes.sum():+.3f} in all.")
        for picture in (self.weights, self.weightsTimesDrawing):
            picture.setWhatsThis(now(PICTURES_HELP, value))

    def _show_bars(self) -> None:
        self.pages.setCurrentIndex(1)
        self.key.setText(_key())
        source = "hidden layer" if self._layer.index > 0 else "the input"
        before = f"{source} {self._layer.index}" if self._layer.index > 0 else source
        if self._layer_trace is None:
            values = self._layer.weights[:, self._unit]
            title = f"Largest weights from {before}"
        else:
            values = contributions(self._layer_trace, self._unit)
            title = f"Strongest pushes from {before} (activation × weight)"
        chosen = strongest(values, BARS)
        self.inputBars.setBars(title, [f"unit {index}" for index in chosen], values[chosen])
        top = ", ".join(f"unit {index}: {values[index]:+.3f}" for index in chosen[:3])
        self.inputBars.setWhatsThis(now(BARS_HELP, f"{title.lower()}: {top or 'none'}."))


def _key(*more: str) -> str:
    """The colours' meaning, in one line of rich text."""
    parts = [f"<span style='color:{colours.PUSH.name()}'>■</span> positive: pushes z up",
             f"<span style='color:{colours.HOLD.name()}'>■</span> negative: holds z down", *more]
    return " &nbsp;&nbsp; ".join(parts)


def _numbers_html(layer: LayerView, reading) -> str:
    def row(name: str, value: str, note: str) -> str:
        return (f"<tr><td>{name}</td><td align='right' style='padding:0 10px'><b>{value}</b></td>"
                f"<td style='color:#6a7184'>{note}</td></tr>")

    what = "score z" if layer.is_output else "weighted sum z"
    z = "—" if reading.z is None else f"{reading.z:+.3f}"
    rows = [row(what, z, f"its {layer.fan_in:,} inputs × their weights, added up, plus the bias"),
            row("bias b", f"{reading.bias:+.3f}", "where z starts before any input")]
    if not layer.is_output:
        a = "—" if reading.a is None else f"{reading.a:.3f}"
        rule = "z when z is positive, else 0" if layer.activation_name == "relu" else layer.activation_name
        rows.append(row("activation a", a, f"what it passes on: {rule}"))
    return "<table cellspacing='2'>" + "".join(rows) + "</table>"


def _numbers_plain(layer: LayerView, reading) -> str:
    if reading.z is None:
        return f"nothing is drawn; the bias is {reading.bias:+.3f}"
    text = f"z = {reading.z:+.3f}, bias = {reading.bias:+.3f}"
    return text if layer.is_output else text + f", activation = {reading.a:.3f}"

"""The words of the views inside the network, for a learner: what each view
shows and how to read it (its "What's This?" text, with the values it shows
now) and the tooltip of every unit. Plain words first; each term is said
what it means where it first appears. The texts hold only numbers and names
made by digitpad, never anything a user typed, so they need no escaping.
"""

from __future__ import annotations

import numpy as np

from digitpad.gui.common.messages import escape
from digitpad.gui.common.percent import percent
from digitpad.gui.network.readings import TOP_CONNECTIONS, UnitReading, activity_words, sentence, unit_name
from digitpad.inside import LayerView, Trace

NETWORK_TIP = ("Every layer of the network while you draw: brighter squares are busier units. "
               "Lines show the strongest pushes into the answer and into the unit you clicked. "
               "Point at a unit for its numbers, click it for more.")

NETWORK_HELP = (
    "<p><b>The network, unit by unit.</b> From left to right (or top to bottom): the <i>input</i> — "
    "the 28×28 picture of your drawing the network receives, one square per pixel; then each "
    "<i>hidden layer</i>, one square per unit; then the <i>output layer</i>, one unit per digit.</p>"
    "<p>A <i>unit</i> adds up what comes in, each input multiplied by its <i>weight</i> (a number "
    "learnt in training), adds its <i>bias</i>, and gets the <i>weighted sum z</i>. A hidden unit then "
    "passes on its <i>activation</i>: z itself when z is positive, else nothing (this rule is called "
    "ReLU). Brighter squares are more active units (the brightest is the busiest unit of its layer "
    "now); dark squares are silent. A unit that is never active on any MNIST test digit is "
    "<i>dead</i> and drawn dark red once that has been measured.</p>"
    f"<p>The lines are the {TOP_CONNECTIONS} strongest pushes into the answer (and into the unit you "
    "clicked): each is an input's activation times its weight. <b>Orange</b> pushes the unit up, "
    "<b>blue</b> holds it back; thicker lines push harder.</p>"
    "<p>Point at a unit to see its numbers; click a hidden or output unit to select it and open its "
    "detail.</p>")

ATTRIBUTION_TIP = ("Which pixels made the network choose its answer (left) and its second choice "
                   "(right): orange pixels pushed towards that digit, blue pixels pushed away.")

ATTRIBUTION_HELP = (
    "<p><b>Why this answer.</b> Each picture is your digit as the network sees it, coloured by how "
    "much each pixel changed the network's <i>score</i> for one digit (the number it turns into a "
    "probability). <b>Orange</b> pixels pushed the score up — evidence <i>for</i> that digit; "
    "<b>blue</b> pixels pushed it down — evidence <i>against</i> it. Stronger colour, bigger push; "
    "both pictures use the same scale, so they can be compared.</p>"
    "<p>Left: the answer. Right: the runner-up, the digit it was most nearly confused with. If your 4 "
    "was read as a 9, the right-hand picture shows which strokes looked like a 9 — often a top that "
    "closes.</p>"
    "<p>How it is worked out: the network is run on faint copies of your drawing, from blank up to "
    "the full drawing, and each pixel's effect on the score is added up along the way (a method "
    "called <i>integrated gradients</i>). The pushes of all pixels add up to how much the drawing "
    "raised the score above a blank canvas.</p>")


def layer_title(layer: LayerView | None) -> str:
    """'Input', 'Hidden layer 1', 'Output'."""
    if layer is None:
        return "Input"
    return "Output" if layer.is_output else layer.name.capitalize()


def _activation_words(layer: LayerView, reading: UnitReading) -> str:
    name = layer.activation_name
    if name == "relu":
        state = "passes z on" if reading.is_active else "silent: z is not positive, so it passes on 0"
        return f"activation a = {reading.a:.3f} ({state})"
    return f"activation a = {name}(z) = {reading.a:.3f}"


def unit_tooltip(reading: UnitReading, probability: float | None, activity: float | None,
                 tested: int) -> str:
    """Rich text for the unit under the pointer."""
    layer, unit = reading.layer, reading.unit
    lines = [f"<b>{sentence(unit_name(layer, unit))}</b>"]
    what = "score" if layer.is_output else "weighted sum"
    if reading.z is None:
        lines.append("Nothing drawn yet.")
    else:
        lines.append(f"{what} z = {reading.z:.3f} <span style='color:gray'>(its {layer.fan_in:,} inputs × "
                     "their weights, plus the bias)</span>")
    lines.append(f"bias b = {reading.bias:.3f}")
    if reading.z is not None:
        lines.append(f"probability {escape(percent(probability))} <span style='color:gray'>(the softmax of the ten "
                     "scores)</span>" if layer.is_output else _activation_words(layer, reading))
    if activity is not None:
        lines.append(sentence(activity_words(activity, tested)))
    lines.append("<i>Click for its detail.</i>")
    return "<br>".join(lines)


def pixel_tooltip(index: int, value: float | None, side: int = 28) -> str:
    row, column = divmod(index, side)
    amount = "nothing drawn yet" if value is None else f"{value:.2f}"
    return (f"<b>Input pixel, row {row + 1}, column {column + 1}</b><br>value {amount} "
            "<span style='color:gray'>(0 = no ink, 1 = full ink)</span>")


def network_now(trace: Trace | None, selected: tuple[LayerView, int] | None) -> str:
    """The network view's current values, in words, for its What's This."""
    if trace is None:
        return "<p><b>Now:</b> nothing is drawn, so every unit is silent.</p>"
    parts = [f"the network reads <b>{trace.digit}</b> at {escape(percent(trace.probabilities[trace.digit]))}"]
    for record in trace.layers[:-1]:
        active = int(np.count_nonzero(record.z > 0))
        parts.append(f"{active} of {record.layer.units} units of {record.layer.name} are active")
    text = "<p><b>Now:</b> " + "; ".join(parts) + "."
    if selected is not None:
        layer, unit = selected
        text += f" Selected: {unit_name(layer, unit)}."
    return text + "</p>"


def attribution_now(digits: list[int], probabilities: np.ndarray, totals: list[float]) -> str:
    """The attribution view's current values, in words."""
    if not digits:
        return "<p><b>Now:</b> nothing is drawn.</p>"
    said = [f"{digit} ({escape(percent(probabilities[digit]))}, your ink raised its score by {total:+.2f})"
            for digit, total in zip(digits, totals)]
    return "<p><b>Now:</b> the answer " + " and the runner-up ".join(said) + ".</p>"

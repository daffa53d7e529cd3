"""What hovering a number of a layer's table says: each number with the
arithmetic that made it, in words and in figures — a weight and the
product it makes with its input, the sum of all the products, the bias, the
weighted sum ``z`` and the activation. Rich text (so tooltips wrap), built
from the layer's real numbers; Qt-free, so it is tested as plain strings.
"""

from __future__ import annotations

import numpy as np

from digitpad.gui.stepping.numbers import bracketed, number, precise, signed, subscript
from digitpad.inside import LayerTrace

IMAGE_SIDE = 28


def input_symbol(index: int) -> str:
    return f"x{subscript(index)}"


def weight_symbol(index: int, unit: int) -> str:
    return f"W{subscript(index)},{subscript(unit)}"


def activation_formula(name: str, negative_slope: float = 0.01) -> str:
    """The activation as a formula of ``z``."""
    return {"relu": "ReLU(z) = max(0, z)", "leaky_relu": f"z if z > 0, else {negative_slope:g}·z",
            "sigmoid": "sigmoid(z) = 1 / (1 + exp(−z))", "tanh": "tanh(z)"}.get(name, f"{name}(z)")


def _paragraphs(*parts: str) -> str:
    return "".join(f"<p>{part}</p>" for part in parts if part)


class LayerTexts:
    """The explanations for one layer's numbers, for one traced digit."""

    def __init__(self, step: LayerTrace, previous_name: str | None) -> None:
        self._step = step
        self._layer = step.layer
        self._previous = previous_name          # None for the first layer: its inputs are pixels
        self._zeros = int(np.count_nonzero(step.inputs == 0))

    # -- names ------------------------------------------------------------------
    def unitName(self, unit: int) -> str:
        return f"digit {unit}'s output unit" if self._layer.is_output else f"unit {unit}"

    def inputMeaning(self, index: int) -> str:
        if self._previous is None:
            row, column = divmod(index, IMAGE_SIDE)
            return f"pixel {index}: row {row}, column {column} of the 28 × 28 image (0 = black, 1 = full ink)"
        return f"what unit {index} of {self._previous} passes on (its a{subscript(index)})"

    def inputHeader(self, index: int) -> str:
        value = float(self._step.inputs[index])
        return _paragraphs(f"<b>{input_symbol(index)} = {precise(value)}</b>", f"Input {index}: "
                           f"{self.inputMeaning(index)}. Every unit of this layer multiplies it by its own "
                           f"weight; the column below holds those weights (or products).")

    def unitHeader(self, unit: int) -> str:
        step, fan_in = self._step, self._layer.fan_in
        if self._layer.is_output:
            result = (f"its weighted sum z = {number(step.z[unit])}: the score for digit {unit}, which the "
                      "softmax turns into a probability")
        else:
            result = (f"its weighted sum z = {number(step.z[unit])} and its activation a = "
                      f"{number(step.a[unit])}, which it passes on to the next layer")
        return _paragraphs(f"<b>{self.unitName(unit).capitalize()}</b>",
                           f"Its row: the sum of its {fan_in} products, its bias, {result}. Further along "
                           f"the row: its {fan_in} weights, one per input.")

    # -- the numbers ------------------------------------------------------------
    def sum(self, unit: int) -> float:
        """Σ x_i·W_i,unit, added up exactly from the layer's float32 numbers."""
        return float(np.dot(self._step.inputs.astype(np.float64),
                            self._layer.weights[:, unit].astype(np.float64)))

    def weight(self, index: int, unit: int) -> str:
        x, w = float(self._step.inputs[index]), float(self._layer.weights[index, unit])
        return _paragraphs(f"<b>{weight_symbol(index, unit)} = {precise(w)}</b>",
                           f"The weight from input {input_symbol(index)} into {self.unitName(unit)}: a number "
                           "learnt in training. A positive weight means this input raises the unit's sum, "
                           "a negative one that it lowers it.",
                           self._product_sentence(index, unit, x, w))

    def product(self, index: int, unit: int) -> str:
        x, w = float(self._step.inputs[index]), float(self._layer.weights[index, unit])
        return _paragraphs(f"<b>{input_symbol(index)}·{weight_symbol(index, unit)} = {number(x)} × "
                           f"{bracketed(w)} = {precise(x * w)}</b>",
                           f"What input {input_symbol(index)} ({self.inputMeaning(index)}) adds to the sum "
                           f"of {self.unitName(unit)}.",
                           self._zero_input_sentence(x))

    def _product_sentence(self, index: int, unit: int, x: float, w: float) -> str:
        if x == 0:
            return self._zero_input_sentence(x)
        return (f"Here {input_symbol(index)} = {number(x)}, so this input adds {input_symbol(index)}·"
                f"{weight_symbol(index, unit)} = {number(x)} × {bracketed(w)} = {precise(x * w)} to the sum.")

    def _zero_input_sentence(self, x: float) -> str:
        if x != 0:
            return ""
        why = "a black pixel" if self._previous is None else "that unit is silent for this digit"
        return f"This input is 0 ({why}), so its product is 0 whatever the weight: it adds nothing."

    def total(self, unit: int) -> str:
        step, fan_in = self._step, self._layer.fan_in
        products = step.inputs.astype(np.float64) * self._layer.weights[:, unit]
        biggest = np.argsort(-np.abs(products), kind="stable")[:3]
        listed = ", ".join(f"{signed(products[index])} from {input_symbol(index)}" for index in biggest
                           if products[index] != 0)
        zeros = (f"{self._zeros} of the {fan_in} inputs are 0 here, so their products are 0 whatever the "
                 "weight. " if self._zeros else "")
        return _paragraphs(f"<b>Σ xᵢ·Wᵢ,{subscript(unit)} = {precise(self.sum(unit))}</b>",
                           f"{self.unitName(unit).capitalize()} multiplies each of its {fan_in} inputs by its "
                           f"weight and adds the {fan_in} products up. {zeros}"
                           + (f"The biggest products: {listed}." if listed else ""))

    def bias(self, unit: int) -> str:
        b = float(self._layer.bias[unit])
        return _paragraphs(f"<b>b{subscript(unit)} = {precise(b)}</b>",
                           f"The bias of {self.unitName(unit)}: a number learnt in training that is added to "
                           "the sum whatever the input. A high bias makes the unit easy to switch on, a low "
                           "(negative) one makes it need strong inputs.")

    def z(self, unit: int) -> str:
        z, b, fan_in = float(self._step.z[unit]), float(self._layer.bias[unit]), self._layer.fan_in
        then = ("It is the score for this digit, which goes to the softmax." if self._layer.is_output
                else "The activation comes next.")
        return _paragraphs(f"<b>z{subscript(unit)} = Σ xᵢ·Wᵢ,{subscript(unit)} + b{subscript(unit)} = "
                           f"{precise(z)}</b>",
                           f"(the {fan_in} products add up to {number(self.sum(unit))}, plus the bias "
                           f"{number(b)}). This is the weighted sum of {self.unitName(unit)}. {then}")

    def activation(self, unit: int) -> str:
        z, a = float(self._step.z[unit]), float(self._step.a[unit])
        name = self._layer.activation_name
        symbol = f"a{subscript(unit)}"
        if name == "relu":
            formula = f"{symbol} = ReLU(z{subscript(unit)}) = max(0, {number(z)}) = {precise(a)}"
            reading = ("z is positive, so ReLU passes it on unchanged: the unit is active." if z > 0 else
                       "z is not positive, so ReLU gives 0: the unit is silent for this digit and passes "
                       "nothing on.")
        else:
            negative_slope = getattr(self._layer.activation, "negative_slope", 0.01)
            formula = f"{symbol} = {name}(z{subscript(unit)}) = {name}({number(z)}) = {precise(a)}"
            reading = f"The activation here is {activation_formula(name, negative_slope)}."
        return _paragraphs(f"<b>{formula}</b>",
                           f"{reading} The activation is what a unit passes on to the next layer; ReLU "
                           "(rectified linear unit) keeps positive sums and turns negative ones into 0.")

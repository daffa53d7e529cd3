"""The step-through's Qt-free parts: how numbers are written, which units
come first (the push toward the answer is what a unit adds to the answer's
score), and the explanations of the softmax and the entropy."""

import math

import numpy as np
import pytest

from digitpad.gui.stepping import orders
from digitpad.gui.stepping.layer_texts import LayerTexts
from digitpad.gui.stepping.numbers import cell, number, percent, subscript
from digitpad.gui.stepping.softmax_texts import SoftmaxTexts, entropy_reading
from digitpad.inside import ModelEdits, edit_model, softmax_steps, trace
from digitpad.inside.edits import UnitChange


def test_numbers_are_written_for_learners():
    assert number(3.2134) == "3.21"
    assert number(-0.041234) == "−0.0412"
    assert number(123.4) == "123"
    assert number(0) == "0"
    assert number(4.5e-9) == "4.50×10⁻⁹"
    assert cell(-0.0112) == "−0.011" and cell(1.854) == "1.85"
    assert subscript(350) == "₃₅₀"
    assert percent(0.0164) == "1.64%"


@pytest.fixture(scope="module")
def recorded(bundled, mnist_test_split):
    images, labels = mnist_test_split
    return trace(bundled[0], images[0])


def test_the_push_of_a_last_hidden_unit_is_what_it_adds_to_the_answer(bundled, recorded):
    model = bundled[0]
    last = len(recorded.layers) - 2
    push = orders.answer_push(recorded, last)
    output = recorded.layers[-1].layer
    np.testing.assert_allclose(push, recorded.layers[last].a * output.weights[:, recorded.digit], rtol=1e-5)
    top = int(orders.unit_order(orders.ANSWER_PUSH, recorded, last)[0])
    assert push[top] == push.max() > 0
    silenced = edit_model(model, ModelEdits(units_off=(UnitChange(last, top),)))
    without = trace(silenced, recorded.image).layers[-1].z[recorded.digit]
    assert recorded.layers[-1].z[recorded.digit] - without == pytest.approx(push[top], rel=1e-4)


def test_orders_of_units_and_inputs(recorded):
    first = recorded.layers[0]
    active = orders.unit_order(orders.MOST_ACTIVE, recorded, 0)
    assert np.all(np.diff(first.a[active]) <= 0)
    np.testing.assert_array_equal(orders.unit_order(orders.IN_ORDER, recorded, 0), np.arange(len(first.z)))
    weights = first.layer.weights
    by_product = orders.input_order(orders.BIGGEST_PRODUCT, first.inputs, weights, 7)
    assert np.all(np.diff(np.abs(first.inputs * weights[:, 7])[by_product]) <= 0)
    assert np.all(np.diff(first.inputs[orders.input_order(orders.LARGEST_INPUT, first.inputs, weights, 7)]) <= 0)


def test_layer_texts_name_black_pixels_and_silent_units(recorded):
    texts = LayerTexts(recorded.layers[0], None)
    black = int(np.flatnonzero(recorded.layers[0].inputs == 0)[0])
    assert "a black pixel" in texts.weight(black, 3) and "adds nothing" in texts.weight(black, 3)
    silent = int(np.flatnonzero(recorded.layers[0].z <= 0)[0])
    assert "silent" in texts.activation(silent) and "max(0, −" in texts.activation(silent)
    zeros = int((recorded.layers[0].inputs == 0).sum())
    assert f"{zeros} of the 784 inputs are 0" in texts.total(3)


def test_softmax_texts_and_the_entropy_reading():
    steps = softmax_steps(np.array([2.0, 1.0, 0.1, -1, -1, -1, -1, -1, -1, -1]), 1.0)
    texts = SoftmaxTexts(steps)
    assert f"exp({number(steps.shifted[1])}) = " in texts.exponential(1)
    assert f"÷ {number(steps.total, 4)} = " in texts.probability(1)
    assert "bits" in texts.entropyTerm(0) and "log₂" in texts.entropy()
    certain = softmax_steps(np.array([30.0] + [0.0] * 9))
    assert entropy_reading(certain).startswith("Practically certain: nearly all the probability is on 0")
    even = softmax_steps(np.zeros(10))
    assert even.entropy_bits == pytest.approx(math.log2(10))
    assert "no idea" in entropy_reading(even) and "between 10 equally likely" in entropy_reading(even)

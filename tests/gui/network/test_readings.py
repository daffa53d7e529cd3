"""What the views inside the network read off a trace, without Qt: layer
grids, each input's push into a unit (they add up to its z), the strongest
pushes, and the explanation of an answer (its maps add up to how much the
drawing raised each score)."""

import numpy as np
import pytest

from digitpad.gui.network.readings import (TOP_CONNECTIONS, activity_words, contributions, explain_answer,
                                           grid_shape, read_unit, strongest)
from digitpad.inside import trace


@pytest.mark.parametrize("units, shape", [(1024, (32, 32)), (784, (28, 28)), (128, (8, 16)), (100, (10, 10)),
                                          (300, (15, 20)), (97, (10, 10)), (2, (1, 2)), (1, (1, 1))])
def test_a_layer_is_drawn_as_the_nearest_sensible_grid(units, shape):
    rows, columns = grid_shape(units)
    assert (rows, columns) == shape and rows * columns >= units and columns <= 2 * rows


def test_pushes_into_a_unit_add_up_to_its_weighted_sum(bundled, mnist_test_split):
    model = bundled[0]
    image = mnist_test_split[0][0]
    followed = trace(model, image)
    for record in followed.layers:
        for unit in (0, record.layer.units - 1, int(np.argmax(record.z))):
            pushes = contributions(record, unit)
            assert pushes.shape == (record.layer.fan_in,)
            assert pushes.sum() + record.layer.bias[unit] == pytest.approx(float(record.z[unit]), abs=1e-3)
            reading = read_unit(record.layer, unit, record)
            assert reading.z == pytest.approx(float(record.z[unit])) and reading.is_active == (record.z[unit] > 0)


def test_the_strongest_pushes_come_first_and_zeros_are_left_out():
    values = np.array([0.0, -3.0, 1.0, 0.0, 2.5, -0.5])
    assert strongest(values, 3).tolist() == [1, 4, 2]
    assert strongest(values, 10).tolist() == [1, 4, 2, 5]
    assert strongest(np.zeros(5)).tolist() == []
    many = np.random.default_rng(0).normal(size=1024)
    chosen = strongest(many)
    assert len(chosen) == TOP_CONNECTIONS
    assert np.all(np.diff(np.abs(many[chosen])) <= 0)
    assert np.abs(many[chosen]).min() >= np.sort(np.abs(many))[-TOP_CONNECTIONS]


def test_the_explanation_covers_the_answer_and_the_runner_up(bundled, mnist_test_split):
    model = bundled[0]
    images, labels = mnist_test_split
    image = images[0].reshape(28, 28)
    probabilities = model.predict_proba(image)[0]
    explanation = explain_answer(model, image, probabilities)
    order = np.argsort(-probabilities)
    assert explanation.digits == (int(order[0]), int(order[1])) and explanation.digits[0] == labels[0]
    assert explanation.maps.shape == (2, 28, 28)
    assert np.all(explanation.maps[:, image == 0] == 0)         # no ink, no push
    blank = model.logits(np.zeros((1, 784), np.float32))[0]
    drawn = model.logits(image.reshape(1, 784))[0]
    rise = drawn[list(explanation.digits)] - blank[list(explanation.digits)]
    assert np.allclose(explanation.totals, rise, rtol=0.15, atol=0.3)


def test_activity_in_words():
    assert activity_words(0.0, 10_000) == "dead: never active on any of the 10,000 MNIST test digits"
    assert activity_words(0.2345, 10_000) == "active on 23.4% of the 10,000 MNIST test digits"

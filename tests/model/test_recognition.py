"""Recognising drawn ink: every template digit, rendered through the canvas's
rasteriser at several sizes and pen widths, is recognised; blank ink and
specks give no answer at all."""

import numpy as np
import pytest

from digitpad.data.ink.digit_templates import digit_strokes
from digitpad.data.ink.strokes import Stroke, render_strokes
from digitpad.model.checkpoint import bundled_checkpoint_path, load_checkpoint
from digitpad.model.recognition import NOT_SURE_BELOW, recognise


@pytest.fixture(scope="module")
def model():
    return load_checkpoint(bundled_checkpoint_path())[0]


@pytest.mark.parametrize("digit", range(10))
def test_drawn_digits_are_recognised_at_several_sizes_and_pens(model, digit):
    for height, pen in ((120, 8), (300, 22), (300, 40), (600, 30)):
        ink = render_strokes(digit_strokes(digit, 40, 30, height, pen), height + 60, height + 60)
        result = recognise(model, ink)
        assert result.digit == digit, (height, pen, result.probabilities.round(2))
        assert result.mnist_image.shape == (28, 28)
        assert result.probabilities.sum() == pytest.approx(1.0, abs=1e-5)


def test_blank_and_speck_give_no_recognition(model):
    assert recognise(model, np.zeros((300, 400), np.float32)) is None
    speck = render_strokes([Stroke(4, np.array([[100, 100, 1]], np.float32))], 300, 400)
    assert recognise(model, speck) is None
    dab = render_strokes([Stroke(24, np.array([[100, 100, 1]], np.float32))], 300, 400)
    assert recognise(model, dab, min_extent=1.6 * 24) is None


def test_unsure_when_the_top_probability_is_low(model):
    ink = np.zeros((200, 200), np.float32)
    ink[60:140, 60:140] = np.random.default_rng(0).random((80, 80)) > 0.5
    result = recognise(model, ink)
    assert result is not None
    assert result.unsure == (result.confidence < NOT_SURE_BELOW) and NOT_SURE_BELOW == 0.5
    assert result.runner_up() != result.digit


def written_number(text, gap=0.3, pen=16, **options):
    from digitpad.data.ink.digit_templates import number_strokes

    strokes = number_strokes(text, 40, 40, 200, pen, gap=gap, **options)
    width = int(max(stroke.points[:, 0].max() for stroke in strokes)) + 60
    return render_strokes(strokes, 280, width)


@pytest.mark.parametrize("text", ["12", "305", "2026", "74159", "683920"])
def test_numbers_are_read_digit_by_digit(model, text):
    from digitpad.model.recognition import recognise_number

    result = recognise_number(model, written_number(text))
    assert result.text == text and len(result) == len(text)
    boxes = [box[2] for box in result.boxes]
    assert boxes == sorted(boxes)
    assert 0 < result.confidence <= 1


def test_touching_digits_are_cut_only_when_that_reads_better(model):
    from digitpad.model.recognition import recognise_number

    assert recognise_number(model, written_number("23", gap=-0.03)).text == "23"
    wide_zero = written_number("0", width_scales={0: 1.8})
    assert recognise_number(model, wide_zero).text == "0"


def test_a_single_digit_number_is_exactly_the_single_recognition(model):
    from digitpad.model.recognition import recognise_number

    ink = written_number("6")
    number, single = recognise_number(model, ink), recognise(model, ink)
    np.testing.assert_array_equal(number.digits[0].probabilities, single.probabilities)
    assert recognise_number(model, np.zeros((50, 50), np.float32)) is None


@pytest.mark.parametrize("text, gap", [("23", -0.03), ("407", -0.05), ("58", 0.0), ("16", 0.3)])
def test_cuts_are_judged_on_the_probabilities_as_trained(model, text, gap):
    from digitpad.model.recognition import recognise_number

    ink = written_number(text, gap=gap)
    calibrated = recognise_number(model, ink)
    temperature, model.temperature = model.temperature, 1.0
    try:
        as_trained = recognise_number(model, ink)
    finally:
        model.temperature = temperature
    assert temperature != 1.0
    assert calibrated.text == as_trained.text and calibrated.boxes == as_trained.boxes

"""Whole numbers written on the real canvas: the ink is split into digits,
each is read, the number is shown digit by digit and each digit is outlined
on the canvas. A single digit still behaves exactly as before."""

import numpy as np
import pytest

from digitpad.gui.common.synthetic_input import write_digit, write_number
from digitpad.model.recognition import recognise, speck_extent


@pytest.mark.parametrize("text", ["47", "2026", "10", "358", "90125", "671834"])
def test_numbers_written_on_the_canvas_are_read(window, text):
    window.resize(1300, 640)
    window.canvas.setPenWidth(10 if len(text) > 4 else 14)
    write_number(window.canvas, text, height_fraction=0.35 if len(text) > 4 else 0.45)
    number = window.numberRecognition()
    assert number is not None and number.text == text
    assert len(window.canvas.highlights()) == len(text)
    labels = [label.split()[0] for _, label in window.canvas.highlights()]
    assert "".join(labels) == text
    for digit in text:
        assert digit in window.resultPanel.resultLabel.text()
    # The bars follow the digit being written: the last one.
    assert int(window.resultPanel.probabilityBars.probabilities().argmax()) == int(text[-1])


def test_a_one_next_to_a_wide_zero(window):
    write_number(window.canvas, "10", width_scales={0: 1.7}, gap=0.15)
    assert window.numberRecognition().text == "10"


def test_touching_digits_are_split(window):
    window.resize(1200, 640)
    write_number(window.canvas, "23", gap=-0.03)
    assert window.numberRecognition().text == "23"


def test_a_single_digit_reads_exactly_as_before(window):
    write_digit(window.canvas, 8)
    number = window.numberRecognition()
    assert len(number) == 1 and window.canvas.highlights() == []
    widths = [stroke.width for stroke in window.canvas.strokes()]
    single = recognise(window.model(), window.canvas.image(), speck_extent(widths, window.canvas.deviceScale()))
    np.testing.assert_array_equal(number.digits[0].probabilities, single.probabilities)
    np.testing.assert_array_equal(window.resultPanel.probabilityBars.probabilities(), single.probabilities)

"""Segmenting written numbers: digits side by side come apart, pieces of one
digit stay together, specks are dropped, and wide pieces get cut candidates."""

import numpy as np

from digitpad.data.ink.digit_templates import number_strokes
from digitpad.data.ink.segmentation import segment_digits, split_candidates
from digitpad.data.ink.strokes import Stroke, render_strokes


def written(text, gap=0.3, height=200, **options):
    strokes = number_strokes(text, 40, 40, height, 16, gap=gap, **options)
    width = int(max(stroke.points[:, 0].max() for stroke in strokes)) + 60
    return render_strokes(strokes, height + 80, width)


def test_digits_side_by_side_come_apart_left_to_right():
    segments = segment_digits(written("2026"))
    assert len(segments) == 4
    lefts = [segment.box[2] for segment in segments]
    assert lefts == sorted(lefts)
    for segment in segments:
        assert segment.ink.shape == (segment.height, segment.width) and segment.ink.max() > 0.9


def test_separate_strokes_of_one_digit_stay_together():
    # The 5's top bar and the 4's two strokes are separate pieces of ink.
    assert len(segment_digits(written("5"))) == 1
    assert len(segment_digits(written("45"))) == 2


def test_a_one_beside_a_wide_zero_and_specks():
    ink = written("10", gap=0.12, width_scales={0: 1.7})
    ink[5:7, 5:7] = 1.0                      # a speck far away
    segments = segment_digits(ink)
    assert len(segments) == 2 and segments[0].width < segments[1].width / 3


def test_blank_ink_has_no_segments_and_narrow_ones_no_cuts():
    assert segment_digits(np.zeros((100, 100), np.float32)) == []
    one = segment_digits(written("7"))[0]
    assert split_candidates(one) == []


def test_touching_digits_get_cut_candidates_near_the_join():
    ink = written("23", gap=-0.03)
    segments = segment_digits(ink)
    assert len(segments) == 1
    candidates = split_candidates(segments[0])
    assert candidates and len(candidates[0]) == 2
    left, right = candidates[0]
    assert abs(left.box[3] - segments[0].box[2] - segments[0].width / 2) < segments[0].width * 0.2
    assert right.box[2] == left.box[3]


def test_large_canvas_is_segmented_on_a_reduced_copy():
    ink = render_strokes([Stroke(30, np.array([[100, 100, 1], [100, 1500, 1]], np.float32)),
                          Stroke(30, np.array([[900, 100, 1], [900, 1500, 1]], np.float32))], 1600, 1200)
    segments = segment_digits(ink)
    assert len(segments) == 2 and segments[1].box[2] > 800

"""The stroke rasteriser the canvas uses: anti-aliased capsules, max
compositing (so redrawing changes nothing), pressure and scale."""

import numpy as np
import pytest

from digitpad.data.ink.strokes import Stroke, draw_capsule, pressure_factor, render_strokes


def test_capsule_covers_its_radius_with_an_antialiased_edge():
    image = np.zeros((40, 40), np.float32)
    draw_capsule(image, (10.0, 20.0), (30.0, 20.0), 5.0, 5.0)
    assert image[20, 20] == 1.0 and image[16, 20] == 1.0
    assert 0.0 < image[25, 20] < 1.0        # the edge pixel, half covered
    assert image[27, 20] == 0.0
    assert image[20, 3] == 0.0 and image[20, 6] == 1.0   # round cap reaches 5 px past the end
    np.testing.assert_allclose(image, image[::-1, :][::-1, :])
    assert image.max() <= 1.0


def test_drawing_twice_changes_nothing():
    stroke = Stroke(8.0, np.array([[5, 5, 1], [30, 12, 1], [12, 30, 0.5]], np.float32))
    once = render_strokes([stroke], 40, 40)
    twice = render_strokes([stroke, stroke], 40, 40)
    np.testing.assert_array_equal(once, twice)


def test_pressure_thins_the_stroke_but_never_to_nothing():
    assert pressure_factor(1.0) == 1.0
    assert 0.3 < pressure_factor(0.0) < 0.5
    heavy = render_strokes([Stroke(10, np.array([[5, 20, 1.0], [35, 20, 1.0]], np.float32))], 40, 40)
    light = render_strokes([Stroke(10, np.array([[5, 20, 0.0], [35, 20, 0.0]], np.float32))], 40, 40)
    assert light.sum() < 0.6 * heavy.sum() and light.sum() > 0


def test_scale_renders_at_device_resolution():
    stroke = Stroke(6, np.array([[10, 10, 1], [30, 10, 1]], np.float32))
    single = render_strokes([stroke], 20, 40)
    double = render_strokes([stroke], 40, 80, scale=2.0)
    assert double.sum() == pytest.approx(4 * single.sum(), rel=0.05)


def test_a_single_point_is_a_dot():
    dot = Stroke(10, np.array([[20, 20, 1]], np.float32))
    image = render_strokes([dot], 40, 40)
    assert image[19, 19] == 1.0 and image[19, 30] == 0.0
    assert dot.to_list() == {"width": 10.0, "points": [[20.0, 20.0, 1.0]]}
    dot.add_point(25, 22, 0.5)
    assert dot.points.shape == (2, 3) and dot.bounds() == (15.0, 15.0, 30.0, 27.0)

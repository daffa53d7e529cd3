"""Thinning, skeleton tracing and redrawing: the skeleton is one pixel wide
and keeps the digit's shape; tracing covers it; redrawn digits look like
pen strokes of the chosen width."""

import numpy as np

from digitpad.data.ink.skeleton import distance_to_skeleton, image_to_strokes, redraw, thin, trace
from digitpad.data.ink.stroke_width import stroke_width
from digitpad.data.ink.strokes import render_strokes


def thick_ring():
    rows, columns = np.indices((28, 28))
    radius = np.hypot(rows - 14, columns - 14)
    return ((radius > 6) & (radius < 10)).astype(np.float32)


def test_thinning_a_thick_bar_leaves_a_one_pixel_line():
    bar = np.zeros((20, 30), bool)
    bar[8:13, 4:26] = True
    skeleton = thin(bar)
    assert skeleton.sum() > 0
    assert skeleton.sum(axis=0).max() == 1          # one pixel high everywhere
    assert set(np.flatnonzero(skeleton.any(axis=1))) <= {9, 10, 11}


def test_thinning_keeps_a_ring_closed_and_tracing_covers_it():
    skeleton = thin(thick_ring() > 0.5)
    paths = trace(skeleton)
    covered = {(int(y), int(x)) for path in paths for x, y in path}
    assert covered == {(int(y), int(x)) for y, x in zip(*np.nonzero(skeleton))}
    # A closed loop: every skeleton pixel has two neighbours.
    assert len(paths) == 1 and np.allclose(paths[0][0], paths[0][-1], atol=1.5)


def test_batch_thinning_matches_one_at_a_time(mnist_test_split):
    images = mnist_test_split[0][:20].reshape(-1, 28, 28) > 0.5
    np.testing.assert_array_equal(thin(images), np.stack([thin(image) for image in images]))


def test_redrawing_gives_the_requested_stroke_width(mnist_test_split):
    images = mnist_test_split[0][:50].reshape(-1, 28, 28)
    distances = distance_to_skeleton(images)
    assert distances.dtype == np.float16 and distances.shape == images.shape
    thin_pen, thick_pen = redraw(distances, 0.6), redraw(distances, 2.0)
    thin_width, thick_width = np.median(stroke_width(thin_pen)), np.median(stroke_width(thick_pen))
    assert thin_width < 1.6 and thick_width > thin_width + 1.2


def test_image_to_strokes_replays_the_digit(mnist_test_split):
    image = mnist_test_split[0][0].reshape(28, 28)
    strokes = image_to_strokes(image, 10, 10, 280, 20)
    redrawn = render_strokes(strokes, 300, 300)
    small = redrawn[10:290, 10:290].reshape(28, 10, 28, 10).max(axis=(1, 3))
    overlap = ((small > 0.5) & (image > 0.5)).sum() / (image > 0.5).sum()
    assert overlap > 0.8

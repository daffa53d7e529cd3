"""Digits as a slowly sampled pen records them: a few points of each pen
path, joined by straight lines — the ends kept, the digit still recognisably
itself, reproducible from the generator, and only as often as asked."""

import numpy as np
import pytest

from digitpad.data.augment.slow_sampling import angular, keep_every
from digitpad.data.augment.training import TrainingAugmentation
from digitpad.data.ink.strokes import draw_capsule


def ring(radius=8.0):
    image = np.zeros((28, 28), np.float32)
    angles = np.linspace(0, 2 * np.pi, 200)
    points = [(14 + radius * np.cos(a), 14 + radius * np.sin(a)) for a in angles]
    for start, end in zip(points[:-1], points[1:]):
        draw_capsule(image, start, end, 1.4, 1.4)
    return image


def test_keep_every_keeps_both_ends_and_one_point_per_spacing():
    path = np.stack([np.arange(21, dtype=np.float32), np.zeros(21, np.float32)], axis=1)   # 20 px long
    kept = keep_every(path, 5.0)
    np.testing.assert_array_equal(kept[[0, -1]], path[[0, -1]])
    assert len(kept) == 5                               # at 0, 5, 10, 15 and the end
    assert len(keep_every(path[:2], 5.0)) == 2


def test_a_ring_becomes_a_polygon_of_straight_sides():
    circle = ring()
    polygon = angular(circle[None], np.random.default_rng(0))[0]
    assert polygon.shape == (28, 28) and 0 <= polygon.min() and polygon.max() <= 1.0

    def radius_spread(image):
        rows, columns = np.nonzero(image > 0.5)
        centre_y, centre_x = rows.mean(), columns.mean()
        distances = np.hypot(rows - centre_y, columns - centre_x)
        return distances.std() / distances.mean()

    # A polygon's corners stick out and its sides sag in: its ink is spread
    # over more distances from the centre than a circle's.
    assert radius_spread(polygon) > radius_spread(circle) * 1.2
    assert np.corrcoef(polygon.ravel(), circle.ravel())[0, 1] > 0.5     # still a 0


def test_mnist_digits_keep_their_shape_and_the_generator_decides(mnist_test_split):
    images, labels = mnist_test_split
    digits = images[:40].reshape(-1, 28, 28)
    first = angular(digits, np.random.default_rng(5))
    np.testing.assert_array_equal(first, angular(digits, np.random.default_rng(5)))
    similarity = [np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(first, digits)]
    assert np.median(similarity) > 0.6
    assert not np.array_equal(first, digits)


def test_a_blank_digit_stays_blank():
    np.testing.assert_array_equal(angular(np.zeros((2, 28, 28), np.float32), np.random.default_rng(0)), 0)


@pytest.mark.parametrize("probability", [0.0, 0.3, 1.0])
def test_the_training_batch_has_as_many_angular_digits_as_asked(mnist_test_split, probability):
    images, labels = mnist_test_split
    augmentation = TrainingAugmentation(None, angular_probability=probability)
    assert augmentation.is_identity == (probability == 0)
    indices = np.arange(200)
    result = augmentation(images[indices], np.random.default_rng(1), indices)
    changed = np.abs(result - images[indices]).max(axis=1) > 0.1
    assert abs(changed.mean() - probability) < 0.1
    with pytest.raises(ValueError):
        TrainingAugmentation(None, angular_probability=1.5)

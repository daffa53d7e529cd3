"""What the trainer does to batches: redrawing with a round pen, continental
1s and 7s, slashed 0s, curled 9s and round-cornered 4s, thick pens, and the distortions — reproducible from the generator, only on
the digits they are meant for."""

import numpy as np
import pytest

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.data.augment.styles import (STYLE_SHARE, add_crossbar, add_flag, add_slash, add_tail_curl,
                                          round_corners)
from digitpad.data.augment.slow_sampling import retrace
from digitpad.data.augment.training import THICK_PEN_SHARE, TrainingAugmentation
from digitpad.data.ink.skeleton import thin
from digitpad.data.ink.stroke_width import stroke_width


@pytest.fixture(scope="module")
def digits(mnist_test_split):
    images, labels = mnist_test_split
    return images[:400], labels[:400]


def test_redraw_and_styles_are_reproducible_and_targeted(digits):
    images, labels = digits
    augmentation = TrainingAugmentation(None, redraw_probability=0.5, train_images=images,
                                        style_probability=1.0, train_labels=labels)
    indices = np.arange(128)
    first = augmentation(images[indices], np.random.default_rng(3), indices)
    second = augmentation(images[indices], np.random.default_rng(3), indices)
    np.testing.assert_array_equal(first, second)
    changed = np.abs(first - images[indices]).max(axis=1) > 0.1
    assert 0.3 < changed.mean() < 1.0
    assert augmentation.redrawable.mean() > 0.85


def test_only_digits_with_a_style_change_style_and_as_often_as_their_share(digits):
    images, labels = digits
    augmentation = TrainingAugmentation(None, style_probability=1.0, train_labels=labels)
    indices = np.arange(400)
    result = augmentation(images[indices], np.random.default_rng(0), indices)
    changed = np.abs(result - images[indices]).max(axis=1) > 0.1
    assert set(labels[indices][changed]) <= {0, 1, 4, 7, 9}
    assert changed[np.isin(labels[indices], [1, 7])].mean() > 0.9
    rare = np.isin(labels[indices], [0, 4, 9])
    assert STYLE_SHARE[0] == STYLE_SHARE[4] == STYLE_SHARE[9] == 0.3
    assert 0.15 < changed[rare].mean() < 0.45


def _ink_box(image):
    rows, columns = np.nonzero(image > 0.5)
    return rows.min(), rows.max(), columns.min(), columns.max()


def test_slash_crosses_the_zero_from_lower_left_to_upper_right(digits):
    images, labels = digits
    zero = images[labels == 0][0].reshape(28, 28)
    slashed = add_slash(zero, np.random.default_rng(2))
    top, bottom, left, right = _ink_box(slashed)
    # A ring leaves the corners of its box empty; the slash fills two of them.
    assert slashed[bottom - 2:bottom + 1, left:left + 3].max() > 0.5
    assert slashed[top:top + 3, right - 2:right + 1].max() > 0.5
    assert slashed[top:top + 3, left:left + 3].max() < 0.5
    assert slashed.shape == (28, 28) and slashed.max() <= 1.0


def test_tail_curl_hooks_left_below_the_nine(digits):
    images, labels = digits

    def bottom_ink_position(image):
        """How far left the ink of the lowest fifth reaches, from 0 (the box's left) to 1 (its right)."""
        top, bottom, left, right = _ink_box(image)
        band = image[bottom - (bottom - top) // 5:bottom + 1]
        return (np.nonzero(band > 0.5)[1].min() - left) / (right - left + 1)

    nines = images[labels == 9][:10].reshape(-1, 28, 28)
    rng = np.random.default_rng(4)
    curled = [add_tail_curl(nine, rng) for nine in nines]
    moved = [bottom_ink_position(c) - bottom_ink_position(n) for n, c in zip(nines, curled)]
    assert np.median(moved) < -0.15          # the digit now ends further left: the curl
    for nine, nine_curled in zip(nines, curled):
        assert nine_curled.shape == (28, 28) and nine_curled.max() <= 1.0
        # Framed as MNIST frames digits: 20 pixels tall at most, centred.
        top, bottom, _, _ = _ink_box(nine_curled)
        assert bottom - top <= 20 and 2 <= top and bottom <= 25


def test_a_blank_image_has_no_style_to_change():
    blank = np.zeros((28, 28), np.float32)
    for change in (add_flag, add_crossbar, add_slash, add_tail_curl, round_corners):
        np.testing.assert_array_equal(change(blank, np.random.default_rng(0)), blank)


def test_flag_and_crossbar_add_ink_where_expected(digits):
    images, labels = digits
    rng = np.random.default_rng(1)
    one = images[labels == 1][0].reshape(28, 28)
    flagged = add_flag(one, rng)
    added = (flagged - one) > 0.3
    rows, columns = np.nonzero(added)
    ink_columns = np.nonzero(one > 0.5)[1]
    assert added.sum() > 3 and columns.mean() < ink_columns.mean()      # on the left
    seven = images[labels == 7][0].reshape(28, 28)
    crossed = add_crossbar(seven, rng) - seven > 0.3
    assert crossed.sum() > 3
    assert np.ptp(np.nonzero(crossed)[1]) > np.ptp(np.nonzero(crossed)[0])   # a horizontal bar


def test_round_corners_cuts_the_corners_of_a_square_and_keeps_its_sides():
    square = np.zeros((28, 28), np.float32)
    square[6:22, 6:8] = square[6:22, 20:22] = square[6:8, 6:22] = square[20:22, 6:22] = 1.0
    traced_as_it_is = retrace(square, thin(square[None] > 0.5)[0], lambda path: path)

    def corner_ink(image):
        top, bottom, left, right = _ink_box(image)
        return np.array([image[rows, columns].sum() for rows in (slice(top, top + 3), slice(bottom - 2, bottom + 1))
                         for columns in (slice(left, left + 3), slice(right - 2, right + 1))])

    for seed in range(5):
        rounded = round_corners(square, np.random.default_rng(seed))
        top, bottom, left, right = _ink_box(rounded)
        middle_row, middle_column = (top + bottom) // 2, (left + right) // 2
        assert rounded[middle_row, left:left + 3].max() > 0.5 and rounded[middle_row, right - 2:right + 1].max() > 0.5
        assert rounded[top:top + 3, middle_column].max() > 0.5
        # The loop is traced from one corner, where the pen starts and stops;
        # at the others it turns early.
        assert (corner_ink(rounded) < 0.9 * corner_ink(traced_as_it_is)).sum() >= 2


def test_some_redrawn_digits_get_a_thick_pen_like_a_digit_drawn_small(digits):
    images, labels = digits
    augmentation = TrainingAugmentation(None, redraw_probability=1.0, train_images=images)
    indices = np.flatnonzero(augmentation.redrawable)[:300]
    result = augmentation(images[indices], np.random.default_rng(5), indices)
    widths = stroke_width(result.reshape(-1, 28, 28))
    # A radius of 2 px or more draws strokes over 4 px wide; MNIST's own are about 2.
    thick = (widths > 3.6).mean()
    assert 0.5 * THICK_PEN_SHARE < thick < 2.5 * THICK_PEN_SHARE


def test_identity_and_validation():
    assert TrainingAugmentation(AugmentConfig().scaled(0)).is_identity
    with pytest.raises(ValueError):
        TrainingAugmentation(None, redraw_probability=0.5)
    with pytest.raises(ValueError):
        TrainingAugmentation(None, style_probability=2.0, train_labels=np.zeros(3))

"""What the trainer does to batches: redrawing with a round pen, continental
1s and 7s, and the distortions — reproducible from the generator, only on
the digits they are meant for."""

import numpy as np
import pytest

from digitpad.data.augment.distortions import AugmentConfig
from digitpad.data.augment.styles import add_crossbar, add_flag
from digitpad.data.augment.training import TrainingAugmentation


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


def test_only_ones_and_sevens_change_style(digits):
    images, labels = digits
    augmentation = TrainingAugmentation(None, style_probability=1.0, train_labels=labels)
    indices = np.arange(200)
    result = augmentation(images[indices], np.random.default_rng(0), indices)
    changed = np.abs(result - images[indices]).max(axis=1) > 0.1
    assert set(labels[indices][changed]) <= {1, 7}
    assert changed[np.isin(labels[indices], [1, 7])].mean() > 0.9


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


def test_identity_and_validation():
    assert TrainingAugmentation(AugmentConfig().scaled(0)).is_identity
    with pytest.raises(ValueError):
        TrainingAugmentation(None, redraw_probability=0.5)
    with pytest.raises(ValueError):
        TrainingAugmentation(None, style_probability=2.0, train_labels=np.zeros(3))

"""MNIST at a glance in numbers (``digitpad.data.mnist.summary``), on the
real files: the counts are ``np.bincount`` of the labels, the average digit
is the mean of that digit's pictures, the histogram counts every pixel once,
the bins add up, and random samples are distinct, of the digit asked for and
fixed by the generator's seed."""

import numpy as np
import pytest

from digitpad.data.mnist import load_mnist
from digitpad.data.mnist.summary import (LEVELS, binned, class_counts, intensity_histogram, mean_images,
                                         random_samples, summarise_split)


@pytest.fixture(scope="module", params=["test", "train"])
def split(request, mnist_dir):
    images, labels = load_mnist(request.param, mnist_dir, download=False)
    return request.param, images, labels


@pytest.fixture(scope="module")
def summary(split):
    return summarise_split(*split)


def test_counts_are_the_bincount_of_the_labels(split, summary):
    name, images, labels = split
    assert np.array_equal(summary.counts, np.bincount(labels, minlength=10))
    assert summary.size == len(labels) == (60_000 if name == "train" else 10_000)
    assert np.array_equal(class_counts(np.array([3, 3, 9])), [0, 0, 0, 2, 0, 0, 0, 0, 0, 1])


def test_the_average_digit_is_the_mean_of_its_pictures(split, summary):
    _, images, labels = split
    assert summary.mean_images.shape == (10, 28, 28) and summary.mean_images.dtype == np.float32
    for digit in (0, 1, 7):
        expected = images[labels == digit].astype(np.float64).mean(axis=0) / 255.0
        assert np.allclose(summary.mean_images[digit], expected, atol=1e-6)
    # Round digits are hollow in the middle, ones are a stroke through it.
    assert summary.mean_images[0][14, 14] < 0.2 < summary.mean_images[1][14, 14]


def test_the_histogram_counts_every_pixel_once(split, summary):
    _, images, _ = split
    assert summary.histogram.shape == (LEVELS,) and summary.pixels == images.size
    assert np.array_equal(summary.histogram, np.bincount(images.reshape(-1), minlength=256))
    assert 0.75 < summary.blank_share < 0.85            # most of every picture is background
    assert summary.full_share == pytest.approx(summary.histogram[250:].sum() / (images > 0).sum())


def test_bins_add_up():
    histogram = np.arange(LEVELS, dtype=np.int64)
    starts, counts = binned(histogram, 8)
    assert starts[0] == 1 and counts.sum() == histogram[1:].sum() and len(starts) == len(counts) == 32
    starts, counts = binned(histogram, 8, skip_blank=False)
    assert starts[0] == 0 and counts.sum() == histogram.sum() and counts[0] == sum(range(8))


def test_random_samples_are_distinct_of_the_digit_and_seeded():
    labels = np.random.default_rng(0).integers(0, 10, 5000)
    picked = random_samples(labels, 24, np.random.default_rng(7), digit=4)
    assert len(np.unique(picked)) == 24 and np.all(labels[picked] == 4)
    assert np.array_equal(picked, random_samples(labels, 24, np.random.default_rng(7), digit=4))
    assert len(random_samples(labels[:10], 24, np.random.default_rng(1))) == 10


def test_a_malformed_split_is_refused():
    with pytest.raises(ValueError):
        summarise_split("test", np.zeros((3, 28, 28), np.float32), np.zeros(3))
    with pytest.raises(ValueError):
        summarise_split("test", np.zeros((3, 28, 28), np.uint8), np.zeros(4))
    assert np.array_equal(mean_images(np.zeros((2, 28, 28), np.uint8), np.array([1, 1]))[0], np.zeros((28, 28)))
    assert intensity_histogram(np.full((2, 28, 28), 255, np.uint8))[255] == 2 * 784

"""The stratified validation split and mini-batching: proportions kept,
disjoint, exact sizes, reproducible from the seed; the split checked against
scikit-learn's ``train_test_split(stratify=...)`` where scikit-learn is
installed, and shown not to depend on it."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitpad.data.mnist.batches import batch_count, batch_indices, iterate_minibatches
from digitpad.data.mnist.split import stratified_split, subset_indices

REPO_ROOT = Path(__file__).resolve().parents[3]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_LIKE = np.repeat(np.arange(10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])


def shuffled_labels(counts, seed=0):
    """Labels with ``counts[c]`` digits of class ``c``, in a random order."""
    return np.random.default_rng(seed).permutation(np.repeat(np.arange(len(counts)), counts))


# (class counts, validation sizes): MNIST's own, unbalanced classes, a tiny class.
SPLIT_CASES = [
    (MNIST_TRAIN_COUNTS, [10, 500, 5000, 59990]),
    ([3000, 50, 700, 2, 90, 2000, 333, 12, 5, 808], [10, 37, 1000, 6990]),
    ([2, 3, 2, 3, 2, 3, 2, 3, 2, 3], [10, 15]),
]


def assert_a_stratified_split(labels, validation_size, train, validation):
    assert len(validation) == validation_size and len(train) == len(labels) - validation_size
    assert np.all(np.diff(train) > 0) and np.all(np.diff(validation) > 0)
    np.testing.assert_array_equal(np.union1d(train, validation), np.arange(len(labels)))
    counts = np.bincount(labels)
    exact = counts * validation_size / len(labels)
    held_out = np.bincount(labels[validation], minlength=len(counts))
    # Each class gives the floor or the ceiling of its exact share.
    assert np.all((np.floor(exact) <= held_out) & (held_out <= np.ceil(exact)))


def test_split_is_stratified_disjoint_and_reproducible():
    labels = MNIST_LIKE
    train, validation = stratified_split(labels, 1000, seed=3)
    assert_a_stratified_split(labels, 1000, train, validation)
    again = stratified_split(labels, 1000, seed=3)
    np.testing.assert_array_equal(again[0], train)
    np.testing.assert_array_equal(again[1], validation)
    assert not np.array_equal(stratified_split(labels, 1000, seed=4)[1], validation)
    subset = subset_indices(labels, 500, seed=1)
    assert len(subset) == 500 and np.all(np.diff(subset) > 0)
    np.testing.assert_array_equal(subset, stratified_split(labels, 500, seed=1)[1])
    np.testing.assert_array_equal(subset_indices(labels, len(labels), seed=1), np.arange(len(labels)))
    for size in (0, len(labels)):
        with pytest.raises(ValueError):
            stratified_split(labels, size, seed=1)


@pytest.mark.parametrize("counts, sizes", SPLIT_CASES)
def test_split_per_class_counts_match_scikit_learn(counts, sizes):
    model_selection = pytest.importorskip("sklearn.model_selection")
    labels = shuffled_labels(counts)
    for size in sizes:
        for seed in (0, 1, 12345):
            train, validation = stratified_split(labels, size, seed)
            assert_a_stratified_split(labels, size, train, validation)
            _, theirs = model_selection.train_test_split(
                np.arange(len(labels)), test_size=size, random_state=seed, shuffle=True, stratify=labels)
            ours_per_class = np.bincount(labels[validation], minlength=len(counts))
            theirs_per_class = np.bincount(labels[theirs], minlength=len(counts))
            assert np.abs(ours_per_class - theirs_per_class).max() <= 1, (size, seed)
            assert ours_per_class.sum() == theirs_per_class.sum() == size


def test_split_draws_every_digit_of_a_class_alike():
    """Over many seeds each digit of a class is held out about equally often,
    as in a uniform draw; a split that favoured the first digits would not."""
    labels = shuffled_labels([40, 60])
    held_out = np.zeros(len(labels))
    for seed in range(2000):
        held_out[stratified_split(labels, 10, seed)[1]] += 1
    # Class 0 gives 4 of its 40 digits each time, class 1 6 of 60: 200 each.
    assert np.abs(held_out - 200).max() < 60


def test_split_and_report_need_no_scikit_learn():
    """Identical whatever is installed: computed again in a Python where
    ``import sklearn`` fails, the split and the report metrics are the same."""
    from digitpad.train.report import class_metrics

    script = (
        "import sys; sys.modules['sklearn'] = None\n"
        "import numpy as np\n"
        "from digitpad.data.mnist.split import stratified_split, subset_indices\n"
        "from digitpad.train.report import class_metrics\n"
        "labels = np.random.default_rng(0).permutation(np.repeat(np.arange(10), 100))\n"
        "predictions = np.where(np.arange(1000) % 3 == 0, (labels + 1) % 10, labels)\n"
        "print(stratified_split(labels, 100, 5)[1].tolist())\n"
        "print(subset_indices(labels, 50, 6).tolist())\n"
        "print([np.asarray(part).tolist() for part in class_metrics(labels, predictions, 10)])\n"
    )
    lines = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, cwd=REPO_ROOT).stdout.splitlines()
    labels = np.random.default_rng(0).permutation(np.repeat(np.arange(10), 100))
    predictions = np.where(np.arange(1000) % 3 == 0, (labels + 1) % 10, labels)
    assert lines[0] == str(stratified_split(labels, 100, 5)[1].tolist())
    assert lines[1] == str(subset_indices(labels, 50, 6).tolist())
    assert lines[2] == str([np.asarray(part).tolist() for part in class_metrics(labels, predictions, 10)])


def test_batches_cover_every_index_once():
    order = np.random.default_rng(0).permutation(1000)
    batches = list(batch_indices(order, 128))
    assert batch_count(1000, 128) == len(batches) == 8
    np.testing.assert_array_equal(np.concatenate([indices for _, indices in batches]), order)
    assert [number for number, _ in batch_indices(order, 128, start_batch=6)] == [6, 7]
    images, labels = np.arange(10)[:, None] * np.ones((1, 3)), np.arange(10)
    seen = [batch_labels for _, batch_labels in iterate_minibatches(images, labels, 4, np.random.default_rng(1))]
    assert sorted(np.concatenate(seen).tolist()) == list(range(10)) and len(seen[-1]) == 2

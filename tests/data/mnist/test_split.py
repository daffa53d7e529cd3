"""The stratified validation split and mini-batching: proportions kept,
disjoint, exact sizes, reproducible from the seed — with scikit-learn and
with the NumPy version the standalone app uses."""

import numpy as np
import pytest

from digitpad.data.mnist.batches import batch_count, batch_indices, iterate_minibatches
from digitpad.data.mnist.split import stratified_split, subset_indices


@pytest.fixture(params=["scikit-learn", "numpy"])
def without_sklearn(request):
    if request.param == "numpy":
        request.getfixturevalue("hide_sklearn")
    return request.param


def test_split_is_stratified_disjoint_and_reproducible(without_sklearn):
    labels = np.repeat(np.arange(10), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    train, validation = stratified_split(labels, 1000, seed=3)
    assert len(validation) == 1000 and len(train) == len(labels) - 1000
    assert not np.intersect1d(train, validation).size
    expected = np.bincount(labels) * 1000 / len(labels)
    assert np.all(np.abs(np.bincount(labels[validation]) - expected) <= 1)
    again = stratified_split(labels, 1000, seed=3)
    np.testing.assert_array_equal(again[1], validation)
    assert not np.array_equal(stratified_split(labels, 1000, seed=4)[1], validation)
    subset = subset_indices(labels, 500, seed=1)
    assert len(subset) == 500 and np.all(np.diff(subset) > 0)
    with pytest.raises(ValueError):
        stratified_split(labels, 0, seed=1)


def test_batches_cover_every_index_once():
    order = np.random.default_rng(0).permutation(1000)
    batches = list(batch_indices(order, 128))
    assert batch_count(1000, 128) == len(batches) == 8
    np.testing.assert_array_equal(np.concatenate([indices for _, indices in batches]), order)
    assert [number for number, _ in batch_indices(order, 128, start_batch=6)] == [6, 7]
    images, labels = np.arange(10)[:, None] * np.ones((1, 3)), np.arange(10)
    seen = [batch_labels for _, batch_labels in iterate_minibatches(images, labels, 4, np.random.default_rng(1))]
    assert sorted(np.concatenate(seen).tolist()) == list(range(10)) and len(seen[-1]) == 2

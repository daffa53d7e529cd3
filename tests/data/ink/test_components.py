"""Connected-component labelling against SciPy's, on random and hand-made masks."""

import numpy as np
import pytest
from scipy import ndimage

from digitpad.data.ink.components import component_boxes, component_sums, label_components


def same_partition(ours, theirs):
    """Two labellings describe the same components (labels may be numbered differently)."""
    pairs = set(zip(ours.ravel().tolist(), theirs.ravel().tolist()))
    return len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})


@pytest.mark.parametrize("density", [0.2, 0.45, 0.6])
def test_matches_scipy_with_8_connectivity(density):
    rng = np.random.default_rng(int(density * 100))
    for _ in range(5):
        mask = rng.random((60, 80)) < density
        ours, count = label_components(mask)
        theirs, their_count = ndimage.label(mask, structure=np.ones((3, 3)))
        assert count == their_count
        assert same_partition(ours, theirs)


def test_diagonal_touch_joins_and_gap_separates():
    mask = np.zeros((5, 5), bool)
    mask[0, 0] = mask[1, 1] = mask[2, 2] = True     # a diagonal line: one piece
    mask[4, 4] = True                               # separated by a gap
    labels, count = label_components(mask)
    assert count == 2
    assert labels[0, 0] == labels[2, 2] != labels[4, 4]


def test_empty_sums_and_boxes():
    labels, count = label_components(np.zeros((4, 4), bool))
    assert count == 0 and not labels.any()
    mask = np.zeros((10, 10), bool)
    mask[1:3, 1:4] = True
    mask[6:9, 5:6] = True
    labels, count = label_components(mask)
    values = np.where(mask, 0.5, 0.0)
    np.testing.assert_allclose(component_sums(values, labels, count), [3.0, 1.5])
    np.testing.assert_array_equal(component_boxes(labels, count), [[1, 3, 1, 4], [6, 9, 5, 6]])

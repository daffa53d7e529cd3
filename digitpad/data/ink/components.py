"""Connected components of ink: which pixels of a binary mask touch each
other (8-connectivity, so diagonal strokes hold together). Used to keep the
digit and drop specks in photos, and to split a written number into digits.
Works on horizontal runs of pixels with union-find, so the Python-level work
grows with the number of runs, not pixels; NumPy only (no SciPy, which would
triple the size of the standalone app).
"""

from __future__ import annotations

import numpy as np


def _row_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, starts, ends)`` of every horizontal run of True pixels (ends exclusive)."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), np.int8)
    padded[:, 1:-1] = mask
    changes = np.diff(padded, axis=1)
    start_rows, starts = np.nonzero(changes == 1)
    end_rows, ends = np.nonzero(changes == -1)
    # nonzero walks row by row, left to right, so starts and ends pair up in order.
    return start_rows, starts, ends


def label_components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """Label the 8-connected components of a 2-D boolean ``mask``.

    Returns ``(labels, count)``: ``labels`` is int32 of the mask's shape, 0
    for background and 1..count for the components, numbered in the order
    their top-most run is met (top to bottom, left to right).
    """
    mask = np.asarray(mask, dtype=bool)
    labels = np.zeros(mask.shape, np.int32)
    rows, starts, ends = _row_runs(mask)
    run_count = len(rows)
    if run_count == 0:
        return labels, 0
    parent = list(range(run_count))

    def find(run: int) -> int:
        while parent[run] != run:
            parent[run] = parent[parent[run]]
            run = parent[run]
        return run

    # Index of the first run of each row, to compare a row only with the one above.
    row_first = np.searchsorted(rows, np.arange(mask.shape[0] + 1))
    for row in range(1, mask.shape[0]):
        above = range(row_first[row - 1], row_first[row])
        current = range(row_first[row], row_first[row + 1])
        if not above or not current:
            continue
        pointer = above.start
        for run in current:
            # 8-connectivity: runs touch if they overlap or meet at a corner.
            while pointer < above.stop and ends[pointer] < starts[run]:
                pointer += 1
            other = pointer
            while other < above.stop and starts[other] <= ends[run]:
                root_run, root_other = find(run), find(other)
                if root_run != root_other:
                    parent[max(root_run, root_other)] = min(root_run, root_other)
                other += 1
    roots = np.array([find(run) for run in range(run_count)])
    unique_roots, run_labels = np.unique(roots, return_inverse=True)
    for run in range(run_count):
        labels[rows[run], starts[run]:ends[run]] = run_labels[run] + 1
    return labels, len(unique_roots)


def component_sums(values: np.ndarray, labels: np.ndarray, count: int) -> np.ndarray:
    """Sum of ``values`` over each component 1..count, as a ``(count,)`` float64 array."""
    return np.bincount(labels.ravel(), weights=np.asarray(values, dtype=np.float64).ravel(),
                       minlength=count + 1)[1:]


def component_boxes(labels: np.ndarray, count: int) -> np.ndarray:
    """``(count, 4)`` int array of ``top, bottom, left, right`` (exclusive) per component."""
    boxes = np.zeros((count, 4), np.int64)
    rows, columns = np.nonzero(labels)
    ids = labels[rows, columns] - 1
    boxes[:, 0] = np.full(count, labels.shape[0])
    boxes[:, 2] = np.full(count, labels.shape[1])
    np.minimum.at(boxes[:, 0], ids, rows)
    np.maximum.at(boxes[:, 1], ids, rows + 1)
    np.minimum.at(boxes[:, 2], ids, columns)
    np.maximum.at(boxes[:, 3], ids, columns + 1)
    return boxes

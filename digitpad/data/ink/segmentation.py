"""Splitting ink that holds a written number into one piece per digit.
Connected pieces of ink are found on a reduced copy of the image (fast even
for a large canvas), pieces that sit above one another (the bar of a 5, the
stem of an open 4, the dot-free parts of one digit) are merged, specks are
dropped, and the digits are returned left to right. Pieces much wider than
a digit may be touching digits: ``split_candidates`` proposes where to cut
them, and the recogniser keeps a cut only when it reads better.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from digitpad.data.ink.components import component_boxes, component_sums, label_components
from digitpad.data.ink.thresholds import SEGMENT_INK_FRACTION, SEGMENT_SPECK_FRACTION

# Segmentation looks at a copy no taller than this (pixels), max-pooled so
# that thin strokes survive the reduction.
ANALYSIS_HEIGHT = 120
# Two pieces belong to one digit when their horizontal extents overlap by at
# least this fraction of the narrower one.
SAME_DIGIT_OVERLAP = 0.5
# A piece wider than this multiple of its height may be touching digits.
WIDE_RATIO = 1.15


class Segment:
    """One digit's ink: ``box`` is ``(top, bottom, left, right)`` in pixels of
    the original image (bottom/right exclusive); ``ink`` is that image with
    everything but this digit's pieces cleared, cropped to ``box``. The crop is
    made on first use: a lone digit is read from the whole image and never
    needs it, which keeps the live prediction fast."""

    def __init__(self, box: tuple[int, int, int, int], ink: np.ndarray | None = None,
                 make_ink: Callable[[], np.ndarray] | None = None) -> None:
        self.box = box
        self._ink = ink
        self._make_ink = make_ink

    @property
    def ink(self) -> np.ndarray:
        if self._ink is None:
            self._ink = self._make_ink()
        return self._ink

    @property
    def height(self) -> int:
        return self.box[1] - self.box[0]

    @property
    def width(self) -> int:
        return self.box[3] - self.box[2]


def _max_pool(image: np.ndarray, factor: int, axis: int) -> np.ndarray:
    """Maximum over runs of ``factor`` along ``axis`` (the last run may be shorter)."""
    image = np.moveaxis(image, axis, 0)
    pooled = image[::factor].copy()
    for offset in range(1, factor):
        part = image[offset::factor]
        np.maximum(pooled[:len(part)], part, out=pooled[:len(part)])
    return np.moveaxis(pooled, 0, axis)


def _reduced_mask(ink: np.ndarray) -> tuple[np.ndarray, int]:
    """Boolean ink mask max-pooled by an integer factor; returns ``(mask, factor)``.

    Pooling one axis at a time with strided slices is many times faster than
    a reshape-and-reduce over two axes, which matters on the drawing path.
    """
    factor = max(1, int(np.ceil(ink.shape[0] / ANALYSIS_HEIGHT)))
    pooled = _max_pool(_max_pool(ink, factor, 0), factor, 1) if factor > 1 else ink
    return pooled > SEGMENT_INK_FRACTION * float(ink.max()), factor


def segment_digits(ink: np.ndarray) -> list[Segment]:
    """The digits in ``ink`` (2-D, bright on dark, [0, 1]), left to right.

    Returns an empty list for blank ink. Touching digits come back as one
    segment; see ``split_candidates``.
    """
    ink = np.asarray(ink, dtype=np.float32)
    if ink.size == 0 or float(ink.max()) <= 0.05:
        return []
    mask, factor = _reduced_mask(ink)
    labels, count = label_components(mask)
    if count == 0:
        return []
    boxes = component_boxes(labels, count)
    mass = component_sums(mask, labels, count)
    keep = mass >= SEGMENT_SPECK_FRACTION * mass.max()
    groups = [[index] for index in np.flatnonzero(keep)]
    group_boxes = [boxes[index].copy() for index in np.flatnonzero(keep)]

    merged = True
    while merged:
        merged = False
        for first in range(len(groups)):
            for second in range(first + 1, len(groups)):
                a, b = group_boxes[first], group_boxes[second]
                overlap = min(a[3], b[3]) - max(a[2], b[2])
                narrower = min(a[3] - a[2], b[3] - b[2])
                if overlap >= SAME_DIGIT_OVERLAP * narrower:
                    groups[first] += groups.pop(second)
                    group_boxes[first] = np.array([min(a[0], b[0]), max(a[1], b[1]),
                                                   min(a[2], b[2]), max(a[3], b[3])])
                    group_boxes.pop(second)
                    merged = True
                    break
            if merged:
                break

    def crop(members: list[int], reduced_box: np.ndarray, box: tuple[int, int, int, int]):
        def make() -> np.ndarray:
            top, bottom, left, right = box
            member_mask = np.isin(labels[reduced_box[0]:reduced_box[1], reduced_box[2]:reduced_box[3]],
                                  np.asarray(members) + 1)
            # Back at full resolution: keep the pixels whose reduced cell belongs to this digit.
            full_mask = np.repeat(np.repeat(member_mask, factor, axis=0), factor, axis=1)
            pixels = ink[top:bottom, left:right]
            return np.where(full_mask[:pixels.shape[0], :pixels.shape[1]], pixels, 0.0)
        return make

    segments = []
    for members, reduced_box in sorted(zip(groups, group_boxes), key=lambda pair: pair[1][2]):
        top, bottom, left, right = (int(value) * factor for value in reduced_box)
        box = (top, min(bottom, ink.shape[0]), left, min(right, ink.shape[1]))
        segments.append(Segment(box, make_ink=crop(members, reduced_box, box)))
    return segments


def split_candidates(segment: Segment, max_parts: int = 4) -> list[list[Segment]]:
    """Ways to cut a wide segment into touching digits, best guesses first:
    for 2..``max_parts`` digits of about equal width, cut at the column with
    the least ink near each expected boundary. Empty for segments no wider
    than a digit."""
    height, width = segment.height, segment.width
    if width <= WIDE_RATIO * height:
        return []
    columns = segment.ink.sum(axis=0)
    options = []
    for parts in range(2, max_parts + 1):
        if width < parts * 0.35 * height:
            break
        cuts = []
        for boundary in range(1, parts):
            centre = width * boundary / parts
            window = max(2, int(width / parts * 0.35))
            low, high = max(1, int(centre - window)), min(width - 1, int(centre + window))
            if low >= high:
                break
            cuts.append(low + int(np.argmin(columns[low:high])))
        if len(cuts) != parts - 1:
            continue
        edges = [0, *cuts, width]
        pieces = []
        for start, stop in zip(edges[:-1], edges[1:]):
            part = segment.ink[:, start:stop]
            rows = np.flatnonzero(part.max(axis=1) > 0.05)
            if len(rows) == 0 or stop - start < 2:
                break
            top, left = segment.box[0], segment.box[2]
            pieces.append(Segment((top + int(rows[0]), top + int(rows[-1]) + 1, left + start, left + stop),
                                  part[rows[0]:rows[-1] + 1]))
        if len(pieces) == parts:
            options.append(pieces)
    return options

"""One labelled drawing of the user's ("My handwriting") and the limits a
sample must keep: the 28x28 image the network saw, the pen strokes (a
bounded number of them and of points, widths and coordinates finite and in
range), the digit and when it was labelled. The schema of a sample's JSON is
shared by the journal the samples live in and by exported files, so both
are read by the same rules, and ``storable_strokes`` makes any drawing fit
them before it is saved, so digitpad never writes what it would refuse.
"""

from __future__ import annotations

import datetime as _datetime
import uuid
from dataclasses import dataclass, field

import numpy as np

from digitpad.data.ink.strokes import Stroke
from digitpad.storage.schema import ListOf, Number, NumberRows, Record as Fields, SchemaError, String

IMAGE_SIZE = 28


# What one sample may hold. A drawing with more is saved with its strokes
# thinned out to these limits (the image is kept as it is), so the app never
# writes what it would refuse to read.
MAX_SAMPLES = 100_000


MAX_STROKES = 64


MAX_POINTS = 4096                       # all strokes of a sample together


PEN_WIDTH_RANGE = (0.5, 400.0)


COORDINATE_LIMIT = 100_000.0


SAMPLE_ID = String(64, pattern=r"[0-9A-Za-z_-]{1,64}")


STROKE = Fields({
    "width": Number(*PEN_WIDTH_RANGE),
    "points": NumberRows(3, [(-COORDINATE_LIMIT, COORDINATE_LIMIT)] * 2 + [(0.0, 1.0)],
                         min_rows=1, max_rows=MAX_POINTS),
}, required=("width", "points"))


STROKES = ListOf(STROKE, max_length=MAX_STROKES)


SAMPLE_FIELDS = {"id": SAMPLE_ID, "created": String(64), "strokes": STROKES}


class SampleFileError(Exception):
    """A samples file could not be read, trusted or written; the message names it."""


@dataclass
class PersonalSample:
    label: int
    image: np.ndarray                    # (28, 28) uint8, what the network saw
    strokes: list[Stroke] = field(default_factory=list)
    sample_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: str = field(default_factory=lambda: _datetime.datetime.now(
        _datetime.timezone.utc).isoformat(timespec="seconds"))

    def float_image(self) -> np.ndarray:
        """The image as ``(28, 28)`` float32 in [0, 1]."""
        return self.image.astype(np.float32) / 255


def to_uint8_image(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise ValueError(f"a sample image must be 28x28, got {image.shape}")
    if image.dtype == np.uint8:
        return image.copy()
    return np.clip(np.nan_to_num(np.asarray(image, np.float32)) * 255 + 0.5, 0, 255).astype(np.uint8)


def storable_strokes(strokes: list[Stroke]) -> list[Stroke]:
    """Copies of ``strokes`` within the limits a sample may hold: empty ones
    dropped, widths and coordinates clamped, long traces thinned out evenly
    (keeping each stroke's ends). Too many strokes keep none — the image
    alone still teaches the network."""
    kept = [stroke for stroke in strokes if len(stroke.points)]
    if len(kept) > MAX_STROKES:
        return []
    total = sum(len(stroke.points) for stroke in kept)
    step = -(-total // MAX_POINTS) if total > MAX_POINTS else 1
    result = []
    for stroke in kept:
        points = np.nan_to_num(np.asarray(stroke.points, np.float32))
        if step > 1:
            chosen = np.unique(np.r_[np.arange(0, len(points) - 1, step), len(points) - 1])
            points = points[chosen]
        points = points.copy()
        np.clip(points[:, :2], -COORDINATE_LIMIT, COORDINATE_LIMIT, out=points[:, :2])
        np.clip(points[:, 2], 0.0, 1.0, out=points[:, 2])
        width = float(np.clip(np.nan_to_num(stroke.width, nan=PEN_WIDTH_RANGE[0]), *PEN_WIDTH_RANGE))
        result.append(Stroke(width, points))
    while sum(len(stroke.points) for stroke in result) > MAX_POINTS:   # ends kept by every stroke
        result.pop(0)
    return result


def strokes_from(entries: list[dict], where: str) -> list[Stroke]:
    """Strokes from validated JSON entries (the points are already arrays)."""
    if sum(len(entry["points"]) for entry in entries) > MAX_POINTS:
        raise SchemaError(where, f"more than {MAX_POINTS} pen points in one sample")
    return [Stroke(entry["width"], entry["points"]) for entry in entries]


def sample_json(sample: PersonalSample) -> dict:
    return {"id": sample.sample_id, "created": sample.created,
            "strokes": [stroke.to_list() for stroke in sample.strokes]}

"""The user's own labelled handwriting ("My handwriting"): each sample keeps
the pen strokes and the 28x28 image the network saw, with the digit the user
says it is. The whole set is one ``.npz`` file in the per-user data folder —
images and labels as arrays, ids, dates and strokes as JSON — read without
pickle, validated, and written atomically; the same file format is used to
export and import a set. A damaged file is never overwritten: it is moved
aside and reported.
"""

from __future__ import annotations

import datetime as _datetime
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from digitpad.data.npz_files import NpzFileError, decode_json, encode_json, read_npz, write_npz_atomically
from digitpad.data.strokes import Stroke

FORMAT_NAME = "digitpad-samples"
FORMAT_VERSION = 1
METADATA_KEY = "metadata.json"


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
    if image.shape != (28, 28):
        raise ValueError(f"a sample image must be 28x28, got {image.shape}")
    if image.dtype == np.uint8:
        return image.copy()
    return np.clip(np.asarray(image, np.float32) * 255 + 0.5, 0, 255).astype(np.uint8)


def write_samples(path: str | os.PathLike, samples: list[PersonalSample]) -> None:
    """Write ``samples`` to ``path`` (atomically); raises SampleFileError."""
    path = Path(path)
    images = np.stack([sample.image for sample in samples]) if samples else np.zeros((0, 28, 28), np.uint8)
    metadata = {
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION,
        "samples": [{"id": sample.sample_id, "created": sample.created,
                     "strokes": [stroke.to_list() for stroke in sample.strokes]} for sample in samples],
    }
    try:
        write_npz_atomically(path, {"images": images.astype(np.uint8),
                                    "labels": np.array([sample.label for sample in samples], np.uint8),
                                    METADATA_KEY: encode_json(metadata)}, "samples file")
    except (NpzFileError, ValueError) as error:
        raise SampleFileError(str(error) if isinstance(error, NpzFileError) else f"{path}: {error}") from error


def read_samples(path: str | os.PathLike) -> list[PersonalSample]:
    """Read and validate a samples file; raises SampleFileError naming the problem."""
    path = Path(path)
    try:
        arrays = read_npz(path, "samples file")
    except NpzFileError as error:
        raise SampleFileError(str(error)) from error

    def fail(problem: str) -> SampleFileError:
        return SampleFileError(f"{path}: {problem}")

    unexpected = sorted(set(arrays) - {"images", "labels", METADATA_KEY})
    if unexpected or METADATA_KEY not in arrays or "images" not in arrays or "labels" not in arrays:
        raise fail("not a digitpad samples file (it needs images, labels and metadata.json"
                   + (f"; unexpected {', '.join(unexpected)})" if unexpected else ")"))
    try:
        metadata = decode_json(arrays[METADATA_KEY], METADATA_KEY)
    except ValueError as error:
        raise fail(str(error)) from error
    if metadata.get("format") != FORMAT_NAME:
        raise fail(f"not a digitpad samples file (format is {metadata.get('format')!r})")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise fail(f"unsupported samples format version {metadata.get('format_version')!r}")
    images, labels, entries = arrays["images"], arrays["labels"], metadata.get("samples")
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise fail(f"images must be uint8 (N, 28, 28), got {images.dtype} {images.shape}")
    if labels.dtype != np.uint8 or labels.shape != (len(images),) or (labels > 9).any():
        raise fail("labels must be one digit 0-9 per image")
    if not isinstance(entries, list) or len(entries) != len(images):
        raise fail("the sample list does not match the images")
    samples = []
    for image, label, entry in zip(images, labels, entries):
        try:
            strokes = [Stroke.from_list(stroke) for stroke in entry["strokes"]]
            sample_id, created = str(entry["id"]), str(entry["created"])
        except (KeyError, TypeError, ValueError) as error:
            raise fail(f"a sample entry is malformed ({error})") from error
        if not all(np.isfinite(stroke.points).all() for stroke in strokes):
            raise fail("a sample has non-finite stroke coordinates")
        samples.append(PersonalSample(int(label), image.copy(), strokes, sample_id, created))
    if len({sample.sample_id for sample in samples}) != len(samples):
        raise fail("sample ids are not unique")
    return samples


class PersonalSamples:
    """The set of samples stored at ``path``; every change is saved at once."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.samples: list[PersonalSample] = []

    def load(self) -> str | None:
        """Read the file if there is one. A damaged file is renamed (so it is
        never overwritten) and an empty set is used; the returned message
        explains that, or is None when all went well."""
        self.samples = []
        if not self.path.exists():
            return None
        try:
            self.samples = read_samples(self.path)
            return None
        except SampleFileError as error:
            stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = self.path.with_name(f"{self.path.stem}.damaged-{stamp}{self.path.suffix}")
            try:
                os.replace(self.path, aside)
            except OSError:
                return f"{error}\n\nYour samples cannot be used until this file is repaired or removed."
            return f"{error}\n\nThe file was kept as {aside}; starting a new set."

    def save(self) -> None:
        write_samples(self.path, self.samples)

    def __len__(self) -> int:
        return len(self.samples)

    def counts(self) -> np.ndarray:
        """How many samples of each digit, ``(10,)``."""
        return np.bincount([sample.label for sample in self.samples], minlength=10)

    def add(self, label: int, image: np.ndarray, strokes: list[Stroke] | None = None) -> PersonalSample:
        if not 0 <= int(label) <= 9:
            raise ValueError(f"label must be a digit 0-9, got {label}")
        sample = PersonalSample(int(label), to_uint8_image(image),
                                [Stroke(stroke.width, stroke.points.copy()) for stroke in strokes or []])
        self.samples.append(sample)
        try:
            self.save()
        except SampleFileError:
            self.samples.pop()
            raise
        return sample

    def _find(self, sample_id: str) -> PersonalSample:
        for sample in self.samples:
            if sample.sample_id == sample_id:
                return sample
        raise KeyError(sample_id)

    def relabel(self, sample_ids: list[str], label: int) -> None:
        if not 0 <= int(label) <= 9:
            raise ValueError(f"label must be a digit 0-9, got {label}")
        chosen = [self._find(sample_id) for sample_id in sample_ids]
        previous = [sample.label for sample in chosen]
        for sample in chosen:
            sample.label = int(label)
        try:
            self.save()
        except SampleFileError:
            for sample, old in zip(chosen, previous):
                sample.label = old
            raise

    def delete(self, sample_ids: list[str]) -> None:
        doomed = set(sample_ids)
        kept = [sample for sample in self.samples if sample.sample_id not in doomed]
        previous, self.samples = self.samples, kept
        try:
            self.save()
        except SampleFileError:
            self.samples = previous
            raise

    def export_to(self, path: str | os.PathLike) -> None:
        write_samples(path, self.samples)

    def import_from(self, path: str | os.PathLike) -> int:
        """Add the samples of another file (skipping ones already here); returns how many were added."""
        incoming = read_samples(path)
        known = {sample.sample_id for sample in self.samples}
        new = [sample for sample in incoming if sample.sample_id not in known]
        if new:
            self.samples += new
            try:
                self.save()
            except SampleFileError:
                del self.samples[-len(new):]
                raise
        return len(new)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(images (N, 784) float32 in [0, 1], labels (N,) int64)``."""
        if not self.samples:
            return np.zeros((0, 784), np.float32), np.zeros(0, np.int64)
        images = np.stack([sample.image for sample in self.samples]).reshape(len(self.samples), -1)
        return images.astype(np.float32) / 255, np.array([sample.label for sample in self.samples], np.int64)

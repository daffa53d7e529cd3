"""Exported handwriting: a whole set of samples in one ``.npz`` file —
images and labels as arrays, ids, dates and strokes as JSON — for moving
samples between computers or keeping a copy. Written atomically, read
through the guarded archive reader and validated against the sample
schema; any problem is a ``SampleFileError`` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from digitpad.data.handwriting.samples import (IMAGE_SIZE, MAX_SAMPLES, SAMPLE_FIELDS, PersonalSample,
                                               SampleFileError, sample_json, strokes_from)
from digitpad.storage.npz_archive import ArchiveError, NpzArchive, encode_json, write_npz
from digitpad.storage.schema import ListOf, Literal, Record as Fields, SchemaError

FORMAT_NAME = "digitpad-samples"


FORMAT_VERSION = 1


METADATA_KEY = "metadata.json"


MAX_EXPORT_BYTES = 1 << 30


MAX_EXPORT_METADATA_BYTES = 256 << 20


EXPORT_METADATA = Fields({
    "format": Literal(FORMAT_NAME),
    "format_version": Literal(FORMAT_VERSION),
    "samples": ListOf(Fields(SAMPLE_FIELDS, required=SAMPLE_FIELDS), max_length=MAX_SAMPLES),
}, required=("format", "format_version", "samples"))


# -- the export file (.npz) ------------------------------------------------------
def write_samples(path: str | os.PathLike, samples: list[PersonalSample]) -> None:
    """Write ``samples`` to ``path`` (atomically); raises SampleFileError."""
    path = Path(path)
    images = np.stack([sample.image for sample in samples]) if samples else \
        np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), np.uint8)
    metadata = {"format": FORMAT_NAME, "format_version": FORMAT_VERSION,
                "samples": [sample_json(sample) for sample in samples]}
    try:
        write_npz(path, {"images": images.astype(np.uint8),
                         "labels": np.array([sample.label for sample in samples], np.uint8),
                         METADATA_KEY: encode_json(metadata)}, "samples file")
    except ArchiveError as error:
        raise SampleFileError(str(error)) from error
    except ValueError as error:
        raise SampleFileError(f"{path}: {error}") from error


def read_samples(path: str | os.PathLike) -> list[PersonalSample]:
    """Read and validate a samples file; raises SampleFileError naming the problem."""
    path = Path(path)

    def fail(problem: str) -> SampleFileError:
        return SampleFileError(f"{path}: {problem}")

    try:
        with NpzArchive(path, "samples file", max_file_bytes=MAX_EXPORT_BYTES) as archive:
            names = set(archive.names)
            if names != {"images", "labels", METADATA_KEY}:
                unexpected = sorted(names - {"images", "labels", METADATA_KEY})
                raise fail("not a digitpad samples file (it needs images, labels and metadata.json"
                           + (f"; unexpected {', '.join(unexpected)})" if unexpected else ")"))
            raw = archive.read_json(METADATA_KEY, MAX_EXPORT_METADATA_BYTES)
            if raw.get("format") != FORMAT_NAME:
                raise fail(f"not a digitpad samples file (format is {str(raw.get('format'))[:60]!r})")
            try:
                metadata = EXPORT_METADATA.validate(raw, "metadata")
            except SchemaError as error:
                raise fail(str(error)) from None
            count = len(metadata["samples"])
            images = archive.read("images", np.uint8, (count, IMAGE_SIZE, IMAGE_SIZE))
            labels = archive.read("labels", np.uint8, (count,))
    except ArchiveError as error:
        raise SampleFileError(str(error)) from None
    if (labels > 9).any():
        raise fail("labels must be one digit 0-9 per image")
    samples = []
    for index, (image, label, entry) in enumerate(zip(images, labels, metadata["samples"])):
        try:
            strokes = strokes_from(entry["strokes"], f"metadata.samples[{index}].strokes")
        except SchemaError as error:
            raise fail(str(error)) from None
        samples.append(PersonalSample(int(label), image.copy(), strokes, entry["id"], entry["created"]))
    if len({sample.sample_id for sample in samples}) != len(samples):
        raise fail("sample ids are not unique")
    return samples

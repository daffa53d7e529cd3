"""The user's labelled handwriting as it is kept between sessions: an
append-only journal in the per-user data folder. Labelling a drawing
appends one record, so it costs the same with ten thousand samples as with
ten, and every change is made under a lock after reading what other running
copies of the app appended, so two copies never lose each other's samples.
A damaged journal is set aside under a dated name, never overwritten, with
whatever could be read kept as the new set; a samples ``.npz`` from before
the journal is imported once.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from digitpad.data.handwriting.export_file import read_samples, write_samples
from digitpad.data.handwriting.samples import (COORDINATE_LIMIT, IMAGE_SIZE, MAX_POINTS, MAX_SAMPLES, MAX_STROKES,
                                               PEN_WIDTH_RANGE, SAMPLE_ID, PersonalSample, SampleFileError,
                                               storable_strokes, to_uint8_image)
from digitpad.data.ink.strokes import Stroke
from digitpad.storage.backup import set_aside
from digitpad.storage.file_lock import FileLock, LockTimeout
from digitpad.storage.journal import Journal, JournalError, Record, encode_record
from digitpad.storage.schema import Integer, ListOf, Literal, Number, Record as Fields, SchemaError, String

JOURNAL_FORMAT = "digitpad-samples-journal"


JOURNAL_VERSION = 1


# Rewrite the journal once superseded records outnumber the live samples by this much.
COMPACT_AFTER_SUPERSEDED = 1000


_LABEL = Integer(0, 9)


_IDS = ListOf(SAMPLE_ID, min_length=1, max_length=MAX_SAMPLES)


# In the journal a stroke's points travel as float32 (x, y, pressure) rows
# after the image in the record's bytes; the JSON says how many each has.
_POINT_BOUNDS = np.array([COORDINATE_LIMIT, COORDINATE_LIMIT, 1.0], np.float32)


_JOURNAL_STROKE = Fields({"width": Number(*PEN_WIDTH_RANGE), "points": Integer(1, MAX_POINTS)},
                         required=("width", "points"))


JOURNAL_RECORDS = {
    "add": Fields({"op": Literal("add"), "label": _LABEL, "id": SAMPLE_ID, "created": String(64),
                   "strokes": ListOf(_JOURNAL_STROKE, max_length=MAX_STROKES)},
                  required=("op", "label", "id", "created", "strokes")),
    "relabel": Fields({"op": Literal("relabel"), "ids": _IDS, "label": _LABEL},
                      required=("op", "ids", "label")),
    "delete": Fields({"op": Literal("delete"), "ids": _IDS}, required=("op", "ids")),
}


# -- the store (journal) -----------------------------------------------------------
def _add_record(sample: PersonalSample) -> bytes:
    points = [np.ascontiguousarray(stroke.points, "<f4") for stroke in sample.strokes]
    data = {"op": "add", "label": sample.label, "id": sample.sample_id, "created": sample.created,
            "strokes": [{"width": float(stroke.width), "points": len(rows)}
                        for stroke, rows in zip(sample.strokes, points)]}
    return encode_record(data, sample.image.astype(np.uint8).tobytes() + b"".join(
        rows.tobytes() for rows in points))


def _sample_from_record(data: dict, blob: bytes) -> PersonalSample | None:
    """The sample a validated "add" record describes, or None if its bytes do not fit."""
    counts = [stroke["points"] for stroke in data["strokes"]]
    total = sum(counts)
    image_bytes = IMAGE_SIZE * IMAGE_SIZE
    if total > MAX_POINTS or len(blob) != image_bytes + 12 * total:
        return None
    points = np.frombuffer(blob, "<f4", offset=image_bytes).reshape(total, 3).astype(np.float32)
    if not (np.isfinite(points).all() and (np.abs(points) <= _POINT_BOUNDS).all()
            and (points[:, 2] >= 0).all()):
        return None
    image = np.frombuffer(blob, np.uint8, count=image_bytes).reshape(IMAGE_SIZE, IMAGE_SIZE).copy()
    ends = np.cumsum(counts)
    strokes = [Stroke(stroke["width"], points[end - count:end])
               for stroke, count, end in zip(data["strokes"], counts, ends)]
    return PersonalSample(data["label"], image, strokes, data["id"], data["created"])


class PersonalSamples:
    """The set of samples stored at ``path``; every change is saved at once.

    ``legacy_path`` is a samples ``.npz`` from before the journal existed:
    it is imported once and then set aside.
    """

    def __init__(self, path: str | os.PathLike, legacy_path: str | os.PathLike | None = None) -> None:
        self.path = Path(path)
        self.legacy_path = Path(legacy_path) if legacy_path else None
        self._journal = Journal(self.path, JOURNAL_FORMAT, JOURNAL_VERSION, "handwriting samples file")
        self._lock = FileLock(self.path.with_name(self.path.name + ".lock"))
        self._by_id: dict[str, PersonalSample] = {}
        self._header: dict | None = None
        self._end = 0
        self._superseded = 0

    # -- reading -----------------------------------------------------------
    @property
    def samples(self) -> list[PersonalSample]:
        """The samples, oldest first."""
        return list(self._by_id.values())

    def load(self) -> str | None:
        """Read the store (importing a legacy file if there is one). A damaged
        store is set aside and what could be read is kept; the returned message
        explains that, or is None when all went well."""
        self._by_id, self._header, self._end, self._superseded = {}, None, 0, 0
        try:
            with self._lock:
                if not self._journal.exists():
                    return self._import_legacy()
                return self._catch_up()
        except LockTimeout as error:
            return f"{error}\n\nYour samples are not shown; restart digitpad to try again."
        except SampleFileError as error:
            return f"{error}\n\nThe file was left as it is; new samples cannot be saved until it is moved."

    def refresh(self) -> bool:
        """Take in what other running copies saved; True if anything changed."""
        before = (self._header, self._end)
        try:
            with self._lock:
                self._catch_up()
        except (LockTimeout, SampleFileError):
            return False
        return before != (self._header, self._end)

    def _catch_up(self) -> str | None:
        """Apply the records appended since we last read (all of them if the
        file was rewritten). Called with the lock held."""
        if not self._journal.exists():
            self._header, self._end = None, 0
            return None
        try:
            content = self._journal.read(self._end, self._header)
        except JournalError as error:
            if not error.damaged:
                raise SampleFileError(str(error)) from None
            return self._set_aside(str(error), recovered=0)
        if content.restarted:
            self._by_id, self._superseded = {}, 0
        skipped = sum(not self._apply(record) for record in content.records)
        self._header, self._end = content.header, content.end
        if content.damage or skipped:
            problem = "; ".join(filter(None, [
                content.damage, f"{skipped} records do not describe valid samples" if skipped else None]))
            return self._set_aside(f"{self.path}: {problem}", recovered=len(self._by_id))
        if self._superseded > COMPACT_AFTER_SUPERSEDED + len(self._by_id):
            self._rewrite()
        return None

    def _apply(self, record: Record) -> bool:
        """Replay one record; False if it is not a valid one (it is then ignored)."""
        schema = JOURNAL_RECORDS.get(record.data.get("op"))
        if schema is None:
            return False
        try:
            data = schema.validate(record.data, "record")
            if data["op"] == "add":
                sample = _sample_from_record(data, record.blob)
                if sample is None:
                    return False
                if sample.sample_id in self._by_id:      # the same sample imported twice
                    self._superseded += 1
                else:
                    self._by_id[sample.sample_id] = sample
            elif data["op"] == "relabel":
                for sample_id in data["ids"]:
                    if sample_id in self._by_id:
                        self._by_id[sample_id].label = data["label"]
                self._superseded += 1
            else:
                for sample_id in data["ids"]:
                    if self._by_id.pop(sample_id, None) is not None:
                        self._superseded += 1
                self._superseded += 1
        except SchemaError:
            return False
        return True

    def _set_aside(self, problem: str, recovered: int) -> str:
        """Keep the damaged store under a dated name and start again from what was read."""
        try:
            backup = set_aside(self.path)
        except OSError as error:
            raise SampleFileError(f"{problem}\n\nIt could not be set aside "
                                  f"({error.strerror or error}); nothing was changed.") from None
        self._header, self._end = None, 0
        if self._by_id:
            self._rewrite()
        kept = (f"the {recovered} samples that could be read are kept" if recovered
                else "starting a new set")
        return f"{problem}\n\nThe file was kept as {backup}; {kept}."

    def _import_legacy(self) -> str | None:
        legacy = self.legacy_path
        if legacy is None or not legacy.exists():
            return None
        try:
            samples = read_samples(legacy)
        except SampleFileError as error:
            try:
                backup = set_aside(legacy)
            except OSError:
                return f"{error}\n\nYour samples cannot be used until this file is repaired or removed."
            return f"{error}\n\nThe file was kept as {backup}; starting a new set."
        self._by_id = {sample.sample_id: sample for sample in samples}
        self._rewrite()
        try:
            set_aside(legacy, "imported")
        except OSError:
            pass
        return None

    def _rewrite(self) -> None:
        try:
            self._header, self._end = self._journal.rewrite(_add_record(sample) for sample in self._by_id.values())
        except JournalError as error:
            raise SampleFileError(str(error)) from None
        self._superseded = 0

    # -- changing -----------------------------------------------------------
    def _save(self, records: list[bytes], apply, check=None) -> None:
        """Under the lock: take in others' changes, ``check()`` the change
        still makes sense, append ``records``, then ``apply()`` them to the
        set in memory."""
        try:
            with self._lock:
                self._catch_up()
                if check is not None:
                    check()
                if self._header is None:
                    self._rewrite()
                self._end = self._journal.append(records, self._end)
        except LockTimeout as error:
            raise SampleFileError(f"{error}; nothing was saved, try again") from None
        except JournalError as error:
            raise SampleFileError(str(error)) from None
        apply()

    def __len__(self) -> int:
        return len(self._by_id)

    def counts(self) -> np.ndarray:
        """How many samples of each digit, ``(10,)``."""
        return np.bincount([sample.label for sample in self._by_id.values()], minlength=10)

    def add(self, label: int, image: np.ndarray, strokes: list[Stroke] | None = None) -> PersonalSample:
        if not 0 <= int(label) <= 9:
            raise ValueError(f"label must be a digit 0-9, got {label}")
        sample = PersonalSample(int(label), to_uint8_image(image), storable_strokes(strokes or []))

        def apply() -> None:
            self._by_id[sample.sample_id] = sample

        self._save([_add_record(sample)], apply)
        return sample

    def relabel(self, sample_ids: list[str], label: int) -> None:
        if not 0 <= int(label) <= 9:
            raise ValueError(f"label must be a digit 0-9, got {label}")

        def check() -> None:
            missing = [sample_id for sample_id in sample_ids if sample_id not in self._by_id]
            if missing:
                raise KeyError(missing[0])

        def apply() -> None:
            for sample_id in sample_ids:
                if sample_id in self._by_id:
                    self._by_id[sample_id].label = int(label)

        self._save([encode_record({"op": "relabel", "ids": list(sample_ids), "label": int(label)})],
                   apply, check)

    def delete(self, sample_ids: list[str]) -> None:
        if not sample_ids:
            return

        def apply() -> None:
            for sample_id in sample_ids:
                self._by_id.pop(sample_id, None)

        self._save([encode_record({"op": "delete", "ids": list(sample_ids)})], apply)

    def export_to(self, path: str | os.PathLike) -> None:
        self.refresh()
        write_samples(path, self.samples)

    def import_from(self, path: str | os.PathLike) -> int:
        """Add the samples of another file (skipping ones already here); returns how many were added."""
        incoming = read_samples(path)
        self.refresh()
        new = [sample for sample in incoming if sample.sample_id not in self._by_id]
        if new:
            def apply() -> None:
                for sample in new:
                    self._by_id.setdefault(sample.sample_id, sample)

            self._save([_add_record(sample) for sample in new], apply)
        return len(new)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """``(images (N, 784) float32 in [0, 1], labels (N,) int64)``."""
        samples = self.samples
        if not samples:
            return np.zeros((0, IMAGE_SIZE * IMAGE_SIZE), np.float32), np.zeros(0, np.int64)
        images = np.stack([sample.image for sample in samples]).reshape(len(samples), -1)
        return images.astype(np.float32) / 255, np.array([sample.label for sample in samples], np.int64)

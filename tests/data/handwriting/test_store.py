"""The personal handwriting set: samples persist across sessions with their
strokes, can be relabelled, deleted, exported and imported; two running
copies never lose each other's samples; damaged or hostile files are
reported by name, set aside under a dated name and never overwritten."""

import json
import struct
import zlib

import numpy as np
import pytest

from digitpad.data.handwriting.export_file import read_samples, write_samples
from digitpad.data.handwriting.samples import MAX_POINTS, SampleFileError
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.data.ink.strokes import Stroke
from digitpad.storage.journal import encode_record
from digitpad.storage.npz_archive import encode_json


def image(seed):
    return np.random.default_rng(seed).random((28, 28)).astype(np.float32)


def stroke():
    return Stroke(12.0, np.array([[10, 10, 1], [40, 80, 0.5]], np.float32))


@pytest.fixture
def store(tmp_path):
    samples = PersonalSamples(tmp_path / "samples.journal")
    assert samples.load() is None and len(samples) == 0
    return samples


def reopened(store):
    again = PersonalSamples(store.path)
    assert again.load() is None
    return again


def test_samples_persist_with_their_strokes(store):
    first = store.add(7, image(1), [stroke()])
    store.add(1, image(2))
    again = reopened(store)
    assert [sample.label for sample in again.samples] == [7, 1]
    restored = again.samples[0]
    assert restored.sample_id == first.sample_id and restored.created == first.created
    np.testing.assert_array_equal(restored.image, first.image)
    assert restored.image.dtype == np.uint8
    np.testing.assert_allclose(restored.strokes[0].points, stroke().points, atol=0.01)
    assert restored.strokes[0].width == 12.0
    assert list(again.counts()) == [0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
    images, labels = again.arrays()
    assert images.shape == (2, 784) and images.dtype == np.float32 and labels.tolist() == [7, 1]


def test_relabel_and_delete(store):
    a = store.add(4, image(1))
    b = store.add(9, image(2))
    store.relabel([a.sample_id], 1)
    store.delete([b.sample_id])
    again = reopened(store)
    assert [(sample.sample_id, sample.label) for sample in again.samples] == [(a.sample_id, 1)]
    with pytest.raises(ValueError):
        store.add(10, image(3))
    with pytest.raises(KeyError):
        store.relabel(["nope"], 2)


def test_labelling_appends_instead_of_rewriting(store):
    for seed in range(20):
        store.add(seed % 10, image(seed))
    size = store.path.stat().st_size
    store.add(3, image(99))
    # One record: the 784-byte image, its JSON and a 12-byte frame.
    assert 784 < store.path.stat().st_size - size < 784 + 400


def test_export_and_import_merge_without_duplicates(store, tmp_path):
    store.add(2, image(1), [stroke()])
    store.add(3, image(2))
    exported = tmp_path / "mine.npz"
    store.export_to(exported)
    other = PersonalSamples(tmp_path / "other.journal")
    other.load()
    other.add(5, image(3))
    assert other.import_from(exported) == 2
    assert other.import_from(exported) == 0
    assert sorted(sample.label for sample in other.samples) == [2, 3, 5]
    assert sorted(sample.label for sample in reopened(other).samples) == [2, 3, 5]


def test_two_running_copies_never_lose_each_others_samples(tmp_path):
    path = tmp_path / "samples.journal"
    first, second = PersonalSamples(path), PersonalSamples(path)
    first.load(), second.load()
    for seed in range(5):
        first.add(seed, image(seed))
    lone = second.add(9, image(50))          # second has not seen first's five
    assert len(second) == 6
    first.relabel([lone.sample_id], 8)
    second.delete([second.samples[0].sample_id])
    assert first.refresh() and len(first) == 5
    final = PersonalSamples(path)
    final.load()
    assert sorted(sample.label for sample in final.samples) == [1, 2, 3, 4, 8]
    assert [sample.sample_id for sample in final.samples] == [sample.sample_id for sample in first.samples]


def test_a_copy_that_compacted_the_file_does_not_confuse_the_other(tmp_path, monkeypatch):
    import digitpad.data.handwriting.store as module

    path = tmp_path / "samples.journal"
    first, second = PersonalSamples(path), PersonalSamples(path)
    first.load(), second.load()
    kept = first.add(1, image(1))
    for seed in range(6):
        doomed = first.add(2, image(seed + 10))
        first.delete([doomed.sample_id])
    monkeypatch.setattr(module, "COMPACT_AFTER_SUPERSEDED", 3)
    second.refresh()                          # replays, finds it wasteful, rewrites the file
    assert path.stat().st_size < 2 * 1000 and len(second) == 1
    first.add(5, image(5))                    # first's read position is now meaningless
    final = PersonalSamples(path)
    final.load()
    assert sorted(sample.label for sample in final.samples) == [1, 5]
    assert final.samples[0].sample_id == kept.sample_id


def test_a_failed_save_changes_nothing(store, monkeypatch):
    import os

    store.add(6, image(1))
    before = store.path.read_bytes()

    def disk_full(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(SampleFileError, match="No space left"):
        store.add(8, image(2))
    monkeypatch.undo()
    assert [sample.label for sample in store.samples] == [6]
    assert store.path.read_bytes() == before
    store.add(8, image(2))
    assert [sample.label for sample in reopened(store).samples] == [6, 8]


def test_long_strokes_are_thinned_and_bad_numbers_made_safe_before_saving(store):
    trace = np.zeros((200_000, 3), np.float32)
    trace[:, 0] = np.linspace(0, 300, len(trace))
    trace[:, 1] = 50
    trace[:, 2] = 1.0
    trace[5, 0] = np.nan
    sample = store.add(1, image(1), [Stroke(float("inf"), trace)])
    stored = sample.strokes[0]
    assert len(stored.points) <= MAX_POINTS and np.isfinite(stored.points).all()
    assert stored.points[0, 0] == 0 and stored.points[-1, 0] == 300 and np.isfinite(stored.width)
    assert len(reopened(store).samples[0].strokes[0].points) == len(stored.points)


def frame(data_text: bytes, blob: bytes = b"") -> bytes:
    """A well-framed record around arbitrary JSON text (which encode_record would refuse)."""
    payload = struct.pack("<I", len(data_text)) + data_text + blob
    return b"DPJ1" + struct.pack("<II", len(payload), zlib.crc32(payload)) + payload


def add_text(width: str, points: int = 2) -> bytes:
    return (f'{{"created":"now","id":"bad","label":3,"op":"add",'
            f'"strokes":[{{"points":{points},"width":{width}}}]}}').encode()


def points(*rows) -> bytes:
    return np.array(rows, "<f4").tobytes()


@pytest.mark.parametrize("record, problem", [
    (frame(add_text("NaN"), bytes(784) + points([1, 2, 1], [3, 4, 1])), "not plain JSON"),
    (frame(add_text("1e400"), bytes(784) + points([1, 2, 1], [3, 4, 1])), "records do not describe valid samples"),
    (frame(add_text("2"), bytes(784) + points([1, 2, 1], [np.nan, 4, 1])), "records do not describe valid samples"),
    (frame(add_text("2", 1), bytes(784) + points([1e9, 2, 1])), "records do not describe valid samples"),
    (frame(add_text("2", 200_000), bytes(784) + points([1, 2, 1])), "records do not describe valid samples"),
    (frame(add_text("2", 1), bytes(10)), "records do not describe valid samples"),
    (frame(b'{"op":"explode"}'), "records do not describe valid samples"),
    (frame(b"[" * 100_000), "nested too deeply"),
    (b"DPJ1" + struct.pack("<II", 10**9, 0), "impossible length"),
    (encode_record({"op": "delete", "ids": ["x"]})[:-3], "cut short"),
    (b"\x00" * 40, "is not a record"),
])
def test_bad_records_are_set_aside_and_the_good_samples_kept(store, tmp_path, record, problem):
    good = [store.add(digit, image(digit)) for digit in (4, 5, 6)]
    with open(store.path, "ab") as stream:
        stream.write(record)
    damaged = store.path.read_bytes()
    again = PersonalSamples(store.path)
    message = again.load()
    assert message is not None and str(store.path) in message
    assert __import__("re").search(problem, message)
    assert "3 samples that could be read are kept" in message
    assert [sample.sample_id for sample in again.samples] == [sample.sample_id for sample in good]
    backups = [item for item in tmp_path.iterdir() if ".damaged-" in item.name]
    assert len(backups) == 1 and backups[0].read_bytes() == damaged
    again.add(7, image(7))                    # labelling works again
    assert reopened(again).counts()[7] == 1 and len(reopened(again)) == 4


def test_a_damaged_store_is_moved_aside_not_overwritten(tmp_path):
    path = tmp_path / "samples.journal"
    path.write_bytes(b"damaged")
    store = PersonalSamples(path)
    message = store.load()
    assert str(path) in message and "damaged-" in message and "starting a new set" in message
    aside = [item for item in tmp_path.iterdir() if "damaged" in item.name]
    assert len(aside) == 1 and aside[0].read_bytes() == b"damaged"
    store.add(1, image(1))
    assert len(reopened(store)) == 1


def test_damaged_files_set_aside_in_the_same_second_keep_separate_backups(tmp_path):
    path = tmp_path / "samples.journal"
    for content in (b"first", b"second", b"third"):
        path.write_bytes(content)
        assert PersonalSamples(path).load() is not None
    backups = sorted(item.read_bytes() for item in tmp_path.iterdir() if "damaged" in item.name)
    assert backups == [b"first", b"second", b"third"]


def test_a_newer_format_is_left_alone(tmp_path):
    path = tmp_path / "samples.journal"
    header = {"format": "digitpad-samples-journal", "format_version": 9, "generation": "x"}
    path.write_bytes(encode_record(header))
    before = path.read_bytes()
    message = PersonalSamples(path).load()
    assert "newer digitpad" in message
    assert path.read_bytes() == before and len(list(tmp_path.iterdir())) == 2   # plus the lock file


def test_a_symlinked_store_stays_a_symlink(tmp_path, monkeypatch):
    import digitpad.data.handwriting.store as module

    real = tmp_path / "elsewhere" / "my-samples.journal"
    real.parent.mkdir()
    link = tmp_path / "samples.journal"
    link.symlink_to(real)
    store = PersonalSamples(link)
    store.load()
    monkeypatch.setattr(module, "COMPACT_AFTER_SUPERSEDED", 0)
    for seed in range(4):
        store.delete([store.add(seed, image(seed)).sample_id])
    store.add(2, image(2))
    store.refresh()
    assert link.is_symlink() and real.is_file()
    assert [sample.label for sample in reopened(store).samples] == [2]


def test_a_legacy_samples_file_is_imported_once(tmp_path):
    legacy = tmp_path / "samples.npz"
    write_samples(legacy, [])
    old = PersonalSamples(tmp_path / "x.journal")
    old.load()
    old.add(3, image(3), [stroke()])
    old.export_to(legacy)
    store = PersonalSamples(tmp_path / "samples.journal", legacy_path=legacy)
    assert store.load() is None and [sample.label for sample in store.samples] == [3]
    assert not legacy.exists() and any(".imported-" in item.name for item in tmp_path.iterdir())
    store.delete([store.samples[0].sample_id])
    assert len(PersonalSamples(store.path, legacy_path=legacy).load() or "") == 0


# -- the export file --------------------------------------------------------------
def corrupt_file(path, **changes):
    entries = [{"id": "a", "created": "now", "strokes": []}]
    arrays = {"images": np.zeros((1, 28, 28), np.uint8), "labels": np.full(1, 3, np.uint8),
              "metadata.json": encode_json({"format": "digitpad-samples", "format_version": 1,
                                            "samples": entries})}
    arrays.update(changes)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)
    return path


@pytest.mark.parametrize("changes, message", [
    ({"labels": np.array([12], np.uint8)}, "labels"),
    ({"images": np.zeros((1, 28, 28), np.float32)}, "uint8"),
    ({"images": np.zeros((2, 28, 28), np.uint8)}, r"shape \(2, 28, 28\), expected \(1, 28, 28\)"),
    ({"metadata.json": encode_json({"format": "other"})}, "not a digitpad samples file"),
    ({"metadata.json": np.frombuffer(b"{broken", np.uint8)}, "JSON"),
    ({"extra": np.zeros(3)}, "unexpected extra"),
    ({"metadata.json": encode_json({"format": "digitpad-samples", "format_version": 1,
                                    "samples": [{"id": "a", "created": "now", "strokes": [],
                                                 "label": "x"}], "more": [1]})}, None),
])
def test_malformed_files_are_refused_by_name(tmp_path, changes, message):
    path = corrupt_file(tmp_path / "bad.npz", **changes)
    if message is None:                        # unknown fields are ignored, known ones still checked
        assert len(read_samples(path)) == 1
        return
    with pytest.raises(SampleFileError, match=message) as error:
        read_samples(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize("stroke_entry, message", [
    ({"width": float("inf"), "points": [[1, 2, 1]]}, "strokes"),
    ({"width": 12, "points": [[1, 2, 1]] * 200_000}, r"strokes\[0\].points"),
    ({"width": 12, "points": [[1, 2]]}, "points"),
    ({"width": 12, "points": [["1", 2, 1]]}, "points"),
    ({"width": True, "points": [[1, 2, 1]]}, "width"),
])
def test_hostile_strokes_are_refused_on_read(tmp_path, stroke_entry, message):
    entries = [{"id": "a", "created": "now", "strokes": [stroke_entry]}]
    text = json.dumps({"format": "digitpad-samples", "format_version": 1, "samples": entries})
    path = corrupt_file(tmp_path / "bad.npz", **{"metadata.json": np.frombuffer(text.encode(), np.uint8)})
    with pytest.raises(SampleFileError, match=message):
        read_samples(path)


def test_random_bytes_and_pickles_are_refused(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(300))
    with pytest.raises(SampleFileError, match="not a zip archive"):
        read_samples(path)
    pickled = corrupt_file(tmp_path / "pickled.npz", images=np.array([object()], dtype=object))
    with pytest.raises(SampleFileError, match="Python objects"):
        read_samples(pickled)


def test_writing_and_reading_an_empty_set(tmp_path):
    write_samples(tmp_path / "empty.npz", [])
    assert read_samples(tmp_path / "empty.npz") == []

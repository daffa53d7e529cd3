"""The personal handwriting set: samples persist across sessions with their
strokes, can be relabelled, deleted, exported and imported; damaged files are
reported by name and never overwritten."""

import numpy as np
import pytest

from digitpad.data.npz_files import encode_json
from digitpad.data.personal_samples import (PersonalSamples, SampleFileError, read_samples,
                                            write_samples)
from digitpad.data.strokes import Stroke


def image(seed):
    return np.random.default_rng(seed).random((28, 28)).astype(np.float32)


def stroke():
    return Stroke(12.0, np.array([[10, 10, 1], [40, 80, 0.5]], np.float32))


@pytest.fixture
def store(tmp_path):
    samples = PersonalSamples(tmp_path / "samples.npz")
    assert samples.load() is None and len(samples) == 0
    return samples


def test_samples_persist_with_their_strokes(store):
    first = store.add(7, image(1), [stroke()])
    store.add(1, image(2))
    again = PersonalSamples(store.path)
    assert again.load() is None
    assert [sample.label for sample in again.samples] == [7, 1]
    restored = again.samples[0]
    assert restored.sample_id == first.sample_id and restored.created == first.created
    np.testing.assert_array_equal(restored.image, first.image)
    assert restored.image.dtype == np.uint8
    np.testing.assert_allclose(restored.strokes[0].points, stroke().points, atol=0.01)
    assert list(again.counts()) == [0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
    images, labels = again.arrays()
    assert images.shape == (2, 784) and images.dtype == np.float32 and labels.tolist() == [7, 1]


def test_relabel_and_delete(store):
    a = store.add(4, image(1))
    b = store.add(9, image(2))
    store.relabel([a.sample_id], 1)
    store.delete([b.sample_id])
    again = PersonalSamples(store.path)
    again.load()
    assert [(sample.sample_id, sample.label) for sample in again.samples] == [(a.sample_id, 1)]
    with pytest.raises(ValueError):
        store.add(10, image(3))
    with pytest.raises(KeyError):
        store.relabel(["nope"], 2)


def test_export_and_import_merge_without_duplicates(store, tmp_path):
    store.add(2, image(1), [stroke()])
    store.add(3, image(2))
    exported = tmp_path / "mine.npz"
    store.export_to(exported)
    other = PersonalSamples(tmp_path / "other.npz")
    other.load()
    other.add(5, image(3))
    assert other.import_from(exported) == 2
    assert other.import_from(exported) == 0
    assert sorted(sample.label for sample in other.samples) == [2, 3, 5]


def test_a_failed_save_changes_nothing(store, tmp_path):
    store.add(6, image(1))
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    store.path = blocker / "samples.npz"
    with pytest.raises(SampleFileError, match="cannot write"):
        store.add(8, image(2))
    assert [sample.label for sample in store.samples] == [6]


def corrupt_file(path, **changes):
    arrays = {"images": np.zeros((1, 28, 28), np.uint8), "labels": np.array([3], np.uint8),
              "metadata.json": encode_json({"format": "digitpad-samples", "format_version": 1,
                                            "samples": [{"id": "a", "created": "now", "strokes": []}]})}
    arrays.update(changes)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)
    return path


@pytest.mark.parametrize("changes, message", [
    ({"labels": np.array([12], np.uint8)}, "labels"),
    ({"images": np.zeros((1, 28, 28), np.float32)}, "uint8"),
    ({"images": np.zeros((2, 28, 28), np.uint8)}, "labels"),
    ({"metadata.json": encode_json({"format": "other"})}, "not a digitpad samples file"),
    ({"metadata.json": np.frombuffer(b"{broken", np.uint8)}, "JSON"),
    ({"extra": np.zeros(3)}, "unexpected extra"),
])
def test_malformed_files_are_refused_by_name(tmp_path, changes, message):
    path = corrupt_file(tmp_path / "bad.npz", **changes)
    with pytest.raises(SampleFileError, match=message) as error:
        read_samples(path)
    assert str(path) in str(error.value)


def test_random_bytes_and_pickles_are_refused(tmp_path):
    path = tmp_path / "noise.npz"
    path.write_bytes(np.random.default_rng(0).bytes(300))
    with pytest.raises(SampleFileError, match=str(path)):
        read_samples(path)
    pickled = tmp_path / "pickled.npz"
    with open(pickled, "wb") as stream:
        np.savez(stream, images=np.array([object()], dtype=object))
    with pytest.raises(SampleFileError, match="pickled or object"):
        read_samples(pickled)


def test_a_damaged_store_is_moved_aside_not_overwritten(tmp_path):
    path = tmp_path / "samples.npz"
    path.write_bytes(b"damaged")
    store = PersonalSamples(path)
    message = store.load()
    assert str(path) in message and "damaged-" in message
    aside = [item for item in tmp_path.iterdir() if "damaged" in item.name]
    assert len(aside) == 1 and aside[0].read_bytes() == b"damaged"
    store.add(1, image(1))
    assert len(read_samples(path)) == 1


def test_writing_and_reading_an_empty_set(tmp_path):
    write_samples(tmp_path / "empty.npz", [])
    assert read_samples(tmp_path / "empty.npz") == []

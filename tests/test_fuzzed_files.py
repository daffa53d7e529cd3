"""Thousands of seeded random corruptions — byte flips (many of them in the
zip headers and directory, where they do the most harm), truncations and
zeroed blocks — of a valid checkpoint (with optimiser and training state),
a valid handwriting store and a valid exported samples file. Every outcome
must be a clean load of usable data or the project's own error; nothing
else may escape."""

import numpy as np
import pytest

from digitpad.data.handwriting.export_file import read_samples
from digitpad.data.handwriting.samples import SampleFileError
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.data.ink.strokes import Stroke
from digitpad.model.checkpoint import CheckpointError, read_checkpoint, save_checkpoint
from digitpad.nn import MLP, Adam

CASES = 2000


def mutations(data: bytes, seed: int):
    """``CASES`` corrupted copies of ``data``, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    size = len(data)
    for case in range(CASES):
        damaged = bytearray(data)
        kind = case % 3
        if kind == 0:                                   # byte flips
            for _ in range(int(rng.integers(1, 9))):
                if rng.random() < 0.5:                  # headers and the zip directory
                    position = int(rng.integers(0, min(size, 256))) if rng.random() < 0.5 \
                        else int(rng.integers(max(0, size - 600), size))
                else:
                    position = int(rng.integers(0, size))
                damaged[position] ^= int(rng.integers(1, 256))
        elif kind == 1:                                 # truncation
            del damaged[int(rng.integers(0, size)):]
        else:                                           # a zeroed block
            start = int(rng.integers(0, size))
            damaged[start:start + int(rng.integers(1, 4096))] = bytes(
                len(damaged[start:start + int(rng.integers(1, 4096))]))
        yield case, bytes(damaged)


def test_fuzzed_checkpoints_load_cleanly_or_raise_checkpoint_error(tmp_path):
    rng = np.random.default_rng(0)
    model = MLP(784, (12, 8), 10, dropout=0.1, rng=rng)
    optimizer = Adam([parameter.value for parameter in model.parameters()])
    original = save_checkpoint(model, tmp_path / "last.npz", {"metrics": {"test_accuracy": 0.5}},
                               optimizer=optimizer,
                               state_arrays={"permutation": rng.permutation(100)}).read_bytes()
    path = tmp_path / "fuzzed.npz"
    outcomes = {"loaded": 0, "refused": 0}
    for case, data in mutations(original, seed=1):
        path.write_bytes(data)
        try:
            checkpoint = read_checkpoint(path)
        except CheckpointError as error:
            assert str(path) in str(error), f"case {case}"
            outcomes["refused"] += 1
            continue
        probabilities = checkpoint.model.predict_proba(np.zeros((1, 784), np.float32))
        assert probabilities.shape == (1, 10) and np.isfinite(probabilities).all(), f"case {case}"
        outcomes["loaded"] += 1
    assert outcomes["refused"] > CASES // 2 and sum(outcomes.values()) == CASES


def sample_strokes(seed):
    points = np.random.default_rng(seed).uniform(0, 200, (30, 3)).astype(np.float32)
    points[:, 2] = 1.0
    return [Stroke(20.0, points[:15]), Stroke(14.0, points[15:])]


@pytest.fixture
def samples_store(tmp_path):
    store = PersonalSamples(tmp_path / "original" / "samples.journal")
    store.load()
    for seed in range(12):
        sample = store.add(seed % 10, np.random.default_rng(seed).random((28, 28)), sample_strokes(seed))
    store.relabel([sample.sample_id], 3)
    store.delete([store.samples[0].sample_id])
    return store


def check_samples(samples, case):
    for sample in samples:
        assert 0 <= sample.label <= 9 and sample.image.shape == (28, 28) and sample.image.dtype == np.uint8
        for stroke in sample.strokes:
            assert np.isfinite(stroke.points).all() and np.isfinite(stroke.width), f"case {case}"


def test_fuzzed_handwriting_stores_load_cleanly_or_are_set_aside(samples_store, tmp_path):
    original = samples_store.path.read_bytes()
    folder = tmp_path / "fuzzed"
    folder.mkdir()
    refused = 0
    for case, data in mutations(original, seed=2):
        path = folder / f"{case}.journal"
        path.write_bytes(data)
        store = PersonalSamples(path)
        problem = store.load()                          # never raises
        if problem is not None:
            assert str(path) in problem, f"case {case}"
            refused += 1
        check_samples(store.samples, case)
        assert len(store) <= 12                         # a cut-off delete leaves one more
    assert refused > CASES // 2


def test_fuzzed_exported_samples_read_cleanly_or_raise_sample_file_error(samples_store, tmp_path):
    exported = tmp_path / "export.npz"
    samples_store.export_to(exported)
    original = exported.read_bytes()
    path = tmp_path / "fuzzed.npz"
    refused = 0
    for case, data in mutations(original, seed=3):
        path.write_bytes(data)
        try:
            samples = read_samples(path)
        except SampleFileError as error:
            assert str(path) in str(error), f"case {case}"
            refused += 1
            continue
        check_samples(samples, case)
    assert refused > CASES // 2

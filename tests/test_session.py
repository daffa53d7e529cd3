"""The session without any Qt: it holds the model in use, the personal
samples and the cached test predictions, and tells its observers about every
change — and about nothing that did not happen."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitpad.data.handwriting.samples import SampleFileError
from digitpad.model.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from digitpad.nn import MLP
from digitpad.session import Event, Session, predict_test_set

REPO_ROOT = Path(__file__).resolve().parent.parent


def tiny_model(seed=0, hidden=8):
    return MLP(784, (hidden,), 10, rng=np.random.default_rng(seed))


class Heard:
    """Every event of a session, in order, as ``(name, arguments)``."""

    def __init__(self, session):
        self.events = []
        for name in ("model_changed", "checkpoint_saved", "samples_changed", "personal_changed"):
            getattr(session, name).connect(lambda *arguments, name=name: self.events.append((name, arguments)))

    def names(self):
        return [name for name, _ in self.events]


@pytest.fixture
def session(tmp_path):
    path = save_checkpoint(tiny_model(), tmp_path / "first.npz", {"trainer": {"epoch": 3}})
    model, metadata = load_checkpoint(path)
    return Session.start(model, path, metadata, tmp_path / "data")


def test_events_call_their_observers_in_order_and_can_be_left():
    event, calls = Event(), []
    first = lambda value: calls.append(("first", value))          # noqa: E731
    event.connect(first)
    event.connect(lambda value: calls.append(("second", value)))
    event.emit(1)
    event.disconnect(first)
    event.disconnect(first)                                         # twice is harmless
    event.emit(2)
    assert calls == [("first", 1), ("second", 1), ("second", 2)] and len(event) == 1


def test_an_observer_may_disconnect_while_it_is_told():
    event, calls = Event(), []

    def once():
        calls.append("once")
        event.disconnect(once)

    event.connect(once)
    event.connect(lambda: calls.append("always"))
    event.emit()
    event.emit()
    assert calls == ["once", "always", "always"]


def test_a_new_session_has_its_model_and_no_samples(session, tmp_path):
    assert session.model_path == tmp_path / "first.npz" and session.model.hidden_sizes == (8,)
    assert len(session.samples) == 0 and session.samples_problem is None
    assert session.test_predictions is None


def test_opening_a_checkpoint_switches_the_model_and_drops_the_predictions(session, tmp_path):
    heard = Heard(session)
    old_model = session.model
    assert session.set_test_predictions(old_model, "predictions of the first model")
    other = save_checkpoint(tiny_model(1, hidden=16), tmp_path / "other.npz")
    session.open_checkpoint(other)
    assert session.model.hidden_sizes == (16,) and session.model_path == other
    assert session.test_predictions is None and heard.names() == ["model_changed"]
    # Predictions of the old model arriving late are not kept.
    assert not session.set_test_predictions(old_model, "late") and session.test_predictions is None


def test_unit_activity_is_kept_for_the_model_that_was_measured_and_dropped_with_it(session, tmp_path):
    from digitpad.inside import unit_activity

    assert session.unit_activity is None
    old_model = session.model
    images = np.random.default_rng(0).random((50, 784), dtype=np.float32)
    assert session.set_unit_activity(old_model, unit_activity(old_model, images))
    kept = session.unit_activity
    assert len(kept) == 1 and kept[0].shape == (8,) and ((0 <= kept[0]) & (kept[0] <= 1)).all()
    session.open_checkpoint(save_checkpoint(tiny_model(1, hidden=16), tmp_path / "other.npz"))
    assert session.unit_activity is None
    # Activity of the old model arriving late is not kept.
    assert not session.set_unit_activity(old_model, kept) and session.unit_activity is None
    assert session.set_unit_activity(session.model, unit_activity(session.model, images))
    assert session.unit_activity[0].shape == (16,)


def test_a_checkpoint_that_cannot_be_opened_changes_nothing(session, tmp_path):
    heard = Heard(session)
    model, path = session.model, session.model_path
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="broken.npz"):
        session.open_checkpoint(broken)
    assert session.model is model and session.model_path == path and heard.events == []


def test_saving_leaves_out_the_state_of_the_training_run(session, tmp_path):
    heard = Heard(session)
    target = tmp_path / "copy.npz"
    session.save_checkpoint(target)
    model, metadata = load_checkpoint(target)
    assert "trainer" not in metadata and "trainer" in session.metadata
    assert model.architecture() == session.model.architecture()
    assert heard.events == [("checkpoint_saved", (target,))]
    assert session.model_path == tmp_path / "first.npz"          # still the model in use
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("x")
    with pytest.raises(CheckpointError):
        session.save_checkpoint(blocked / "model.npz")
    assert len(heard.events) == 1


def test_every_change_of_the_samples_is_told(session, tmp_path):
    heard = Heard(session)
    first = session.add_sample(3, np.zeros((28, 28), np.float32))
    second = session.add_sample(5, np.ones((28, 28), np.float32))
    session.relabel_samples([first.sample_id], 8)
    session.delete_samples([second.sample_id])
    assert [sample.label for sample in session.samples.samples] == [8]
    exported = tmp_path / "mine.npz"
    session.export_samples(exported)
    assert session.import_samples(exported) == 0
    assert heard.names() == ["samples_changed"] * 5


def test_a_failed_change_of_the_samples_is_not_told(session, tmp_path):
    heard = Heard(session)
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"nonsense")
    with pytest.raises(SampleFileError):
        session.import_samples(bad)
    with pytest.raises(ValueError):
        session.add_sample(12, np.zeros((28, 28), np.float32))
    assert heard.events == [] and len(session.samples) == 0


def test_samples_are_kept_in_the_data_folder(session, tmp_path):
    session.add_sample(4, np.zeros((28, 28), np.float32))
    again = Session.start(session.model, session.model_path, session.metadata, tmp_path / "data")
    assert [sample.label for sample in again.samples.samples] == [4]


def test_the_reader_is_the_personal_memory_only_when_it_is_on_holds_samples_and_fits_the_model(session, tmp_path):
    from digitpad.model.personal_memory import PersonalMemory

    heard = Heard(session)
    image = np.zeros((28, 28), np.uint8)
    image[5:23, 13:15] = 255
    sample = session.add_sample(7, image)
    assert session.reader is session.model and session.personal is None
    memory = PersonalMemory.empty(session.model).updated([sample])
    assert not session.set_personal(PersonalMemory.empty(tiny_model(seed=1)).updated([sample]))
    assert session.set_personal(memory) and session.personal is memory
    assert session.reader is memory.layer
    session.set_personalise(False)
    assert session.reader is session.model and not session.personalise
    session.set_personalise(False)                      # no change, not told
    session.set_personalise(True)
    assert heard.names() == ["samples_changed", "personal_changed", "personal_changed", "personal_changed"]
    # A new model drops the memory made over the old one.
    session.set_model(tiny_model(seed=2), tmp_path / "other.npz", {})
    assert session.personal is None and session.reader is session.model
    assert heard.names()[-2:] == ["model_changed", "personal_changed"]


def test_test_set_predictions(session):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (20, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 20)
    predictions = predict_test_set(session.model, images, labels)
    expected = session.model.predict_proba(images.reshape(20, -1).astype(np.float32) / 255)
    np.testing.assert_allclose(predictions.probabilities, expected, rtol=1e-5, atol=1e-6)
    assert predictions.labels.dtype == np.int64 and predictions.images is images


def test_the_session_needs_no_qt():
    code = ("import sys, digitpad.session; "
            "sys.exit(any(name.split('.')[0] in ('PySide6', 'pyqtgraph') for name in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, timeout=60).returncode == 0

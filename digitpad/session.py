"""The session: what the app is working on, without any Qt — the model in
use with the checkpoint it came from and its metadata, the user's labelled
handwriting samples with the personal memory taught them (which reads
drawings when personalisation is on), and what has been measured of the model on the MNIST
test set once it has been computed — its predictions, how often each hidden
unit is active — kept until the model changes. Every change goes through
the session, which tells its observers by ``Event`` (plain callbacks), so
each window shows the state it observes instead of being refreshed by
whoever changed it. Asking the user for files, running long
work and reporting errors are the app's part.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from digitpad.data.handwriting.samples import PersonalSample
from digitpad.data.handwriting.store import PersonalSamples
from digitpad.model.checkpoint import load_checkpoint, save_checkpoint
from digitpad.model.personal_memory import PersonalMemory
from digitpad.nn import MLP

if TYPE_CHECKING:
    from digitpad.train.report import DigitPredictions

# Metadata about a training run in progress (optimiser state, trainer
# position): a copy saved by the user is a finished model and leaves it out.
RUN_STATE_KEYS = ("optimizer", "trainer")


class Event:
    """Something observers are told about: the connected callbacks are called
    in the order they were connected, with the event's arguments."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable) -> None:
        """Stop calling ``callback`` (nothing happens if it was not connected)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *arguments) -> None:
        # A copy: an observer may disconnect (or connect another) while told.
        for callback in list(self._callbacks):
            callback(*arguments)

    def __len__(self) -> int:
        return len(self._callbacks)


def predict_test_set(model: MLP, images: np.ndarray, labels: np.ndarray) -> "DigitPredictions":
    """``model``'s predictions on MNIST test digits (``(N, 28, 28)`` uint8), for browsing its mistakes."""
    from digitpad.data.mnist import as_float_images
    from digitpad.train.report import DigitPredictions

    return DigitPredictions(images, np.asarray(labels, np.int64), model.predict_proba(as_float_images(images)))


class Session:
    """The model in use, the personal samples and the cached test-set measures.

    Events: ``model_changed()`` (the model was replaced; cached test
    predictions and unit activity were dropped with it),
    ``checkpoint_saved(path)`` (a copy of the model was written),
    ``samples_changed()`` (samples added, relabelled, deleted or imported)
    and ``personal_changed()`` (the personal memory was replaced, or
    personalisation switched on or off: what ``reader`` reads with changed).
    """

    def __init__(self, model: MLP, model_path: str | Path, metadata: dict, samples: PersonalSamples,
                 samples_problem: str | None = None, personalise: bool = True) -> None:
        self._model, self._model_path, self._metadata = model, Path(model_path), metadata
        self._personal: PersonalMemory | None = None
        self._personalise = personalise
        self._samples = samples
        self._samples_problem = samples_problem
        self._test_predictions: DigitPredictions | None = None
        self._unit_activity: list[np.ndarray] | None = None
        self.model_changed = Event()
        self.checkpoint_saved = Event()
        self.samples_changed = Event()
        self.personal_changed = Event()

    @classmethod
    def start(cls, model: MLP, model_path: str | Path, metadata: dict, data_dir: Path,
              personalise: bool = True) -> "Session":
        """A session whose samples are kept in ``data_dir``, read now: one that
        cannot be read is set aside and explained in ``samples_problem``."""
        samples = PersonalSamples(Path(data_dir) / "samples.journal",
                                  legacy_path=Path(data_dir) / "samples.npz")
        problem = samples.load()
        return cls(model, model_path, metadata, samples, problem, personalise)

    # -- the model in use -------------------------------------------------------
    @property
    def model(self) -> MLP:
        return self._model

    @property
    def model_path(self) -> Path:
        return self._model_path

    @property
    def metadata(self) -> dict:
        return self._metadata

    def set_model(self, model: MLP, path: str | Path, metadata: dict) -> None:
        self._model, self._model_path, self._metadata = model, Path(path), metadata
        self._test_predictions = None
        self._unit_activity = None
        had_personal, self._personal = self._personal is not None, None
        self.model_changed.emit()
        if had_personal:
            self.personal_changed.emit()

    def open_checkpoint(self, path: str | Path) -> None:
        """Use the model saved at ``path``; raises ``CheckpointError`` (naming the
        file and the problem) and keeps the current model if it cannot be used."""
        model, metadata = load_checkpoint(path)
        self.set_model(model, Path(path), metadata)

    def save_checkpoint(self, path: str | Path) -> None:
        """Save the model in use to ``path``; raises ``CheckpointError``."""
        kept = {key: value for key, value in self._metadata.items() if key not in RUN_STATE_KEYS}
        save_checkpoint(self._model, path, kept)
        self.checkpoint_saved.emit(Path(path))

    # -- personal samples -----------------------------------------------------------
    @property
    def samples(self) -> PersonalSamples:
        """The store, to read; change it through the session so observers hear of it."""
        return self._samples

    @property
    def samples_problem(self) -> str | None:
        """Why the saved samples could not all be read at the start (None if they could)."""
        return self._samples_problem

    def add_sample(self, label: int, image: np.ndarray, strokes=None) -> PersonalSample:
        """Save a labelled drawing; raises ``SampleFileError`` and changes nothing if it cannot be saved."""
        sample = self._samples.add(label, image, strokes)
        self.samples_changed.emit()
        return sample

    def relabel_samples(self, sample_ids: list[str], label: int) -> None:
        self._samples.relabel(sample_ids, label)
        self.samples_changed.emit()

    def delete_samples(self, sample_ids: list[str]) -> None:
        self._samples.delete(sample_ids)
        self.samples_changed.emit()

    def import_samples(self, path: str | Path) -> int:
        """Add the samples in ``path`` not already here; returns how many were added."""
        added = self._samples.import_from(path)
        # Importing also takes in what other running copies saved meanwhile.
        self.samples_changed.emit()
        return added

    def export_samples(self, path: str | Path) -> None:
        self._samples.export_to(path)

    # -- instant personal learning ----------------------------------------------------
    @property
    def personal(self) -> PersonalMemory | None:
        """The memory of the samples over the model in use, once taught (None until then)."""
        return self._personal

    @property
    def personalise(self) -> bool:
        """Whether drawings are read with the personal memory."""
        return self._personalise

    def set_personalise(self, on: bool) -> None:
        if bool(on) != self._personalise:
            self._personalise = bool(on)
            self.personal_changed.emit()

    def set_personal(self, memory: PersonalMemory) -> bool:
        """Read with ``memory`` from now on; False (and nothing kept) when it
        was taught over a model no longer in use."""
        if memory.model is not self._model:
            return False
        self._personal = memory
        self.personal_changed.emit()
        return True

    @property
    def reader(self):
        """What reads drawings: the personal memory's layer when
        personalisation is on and it holds samples, else the model. Both have
        ``predict_proba`` and ``temperature``; every other drawing gets
        exactly the model's probabilities either way."""
        memory = self._personal
        if self._personalise and memory is not None and len(memory) and memory.model is self._model:
            return memory.layer
        return self._model

    # -- predictions on the MNIST test set -----------------------------------------
    @property
    def test_predictions(self) -> "DigitPredictions | None":
        """The model in use on the MNIST test set, once computed (None until then)."""
        return self._test_predictions

    def set_test_predictions(self, model: MLP, predictions: "DigitPredictions") -> bool:
        """Keep ``predictions`` made by ``model``; False (and nothing kept) when
        that model is no longer the one in use."""
        if model is not self._model:
            return False
        self._test_predictions = predictions
        return True

    # -- how often each hidden unit is active on the MNIST test set ---------------
    @property
    def unit_activity(self) -> list[np.ndarray] | None:
        """For each hidden layer of the model in use, the fraction ``(units,)``
        of the MNIST test digits on which each unit is active, once measured
        (None until then); a unit at 0 is dead."""
        return self._unit_activity

    def set_unit_activity(self, model: MLP, activity: list[np.ndarray]) -> bool:
        """Keep ``activity`` measured on ``model``; False (and nothing kept)
        when that model is no longer the one in use."""
        if model is not self._model:
            return False
        self._unit_activity = [np.asarray(fractions, dtype=np.float64) for fractions in activity]
        return True

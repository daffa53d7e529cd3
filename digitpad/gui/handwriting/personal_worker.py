"""Background job for instant personal learning: bring the personal memory
in step with the saved samples (building it over the model in use the first
time), read the MNIST anchors when asked — from this computer, never
downloading them for this; the first label is learnt without waiting for
them, and the memory is rebuilt with them by the next job — and, when
asked to explain (for My handwriting, once the labels pause), list each
sample's effect and measure the personalised model on the MNIST test
digits. Nothing here touches a widget; the new memory goes back by signal
and the window swaps it in, so reading never waits for teaching.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PySide6.QtCore import Signal

from digitpad.data.handwriting.samples import PersonalSample
from digitpad.data.mnist import MnistError, as_float_images
from digitpad.data.mnist.dataset import load_mnist
from digitpad.gui.common.background import CancellableWorker, Cancelled, leaving_a_core_for_the_window
from digitpad.model.personal import SampleEffect
from digitpad.model.personal_memory import PersonalMemory, anchor_digits
from digitpad.nn import MLP


@dataclass
class PersonalUpdate:
    """What one run of the worker found."""

    memory: PersonalMemory
    seconds: float                                   # from the samples to a memory that reads them
    effects: dict[str, SampleEffect] | None = None   # asked for only while My handwriting is open
    mnist: tuple[float, float, int] | None = None    # (personalised, network, readings changed)


@dataclass
class MnistAtHand:
    """Where MNIST may be read from without asking (nothing is downloaded),
    and what was read of it before, so it is read once a session. The
    controller keeps it and lends it to one worker at a time, which fills
    in what it reads."""

    data_dir: Path | None
    cache_dir: Path | None
    anchors: tuple[np.ndarray, np.ndarray] | None = None
    anchors_tried: bool = False
    test_set: tuple[np.ndarray, np.ndarray] | None = None
    test_set_tried: bool = False
    # The test digits' features for one model, so each measure after a label
    # only compares them with the samples: (model, features, network readings).
    test_features: tuple[MLP, np.ndarray, np.ndarray] | None = None

    def notes(self) -> str:
        """What could not be done for want of MNIST, in words ("" when nothing)."""
        notes = []
        if self.anchors_tried and self.anchors is None:
            notes.append("the MNIST training digits are not on this computer, so your samples are not kept "
                         "away from other people's digits")
        if self.test_set_tried and self.test_set is None:
            notes.append("the MNIST test digits are not on this computer, so the check on them is not made")
        return "; ".join(notes)


class PersonalWorker(CancellableWorker):
    memoryReady = Signal(object)    # PersonalUpdate with the new memory, as soon as it is taught
    succeeded = Signal(object)      # the same, with the effects and the MNIST measure asked for

    expected_errors = (MnistError, ValueError)
    task = "Learning your handwriting"

    def __init__(self, model: MLP, base: PersonalMemory | None, samples: Sequence[PersonalSample],
                 mnist: MnistAtHand, load_anchors: bool = False, explain: bool = False) -> None:
        super().__init__()
        self._model, self._base_memory, self._samples = model, base, list(samples)
        self._mnist, self._load_anchors, self._explain = mnist, load_anchors, explain

    def _read(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        return load_mnist(split, self._mnist.data_dir, download=False, cache_dir=self._mnist.cache_dir)

    def _read_anchors(self) -> None:
        mnist = self._mnist
        if self._load_anchors and mnist.anchors is None:
            mnist.anchors_tried = True
            try:
                mnist.anchors = anchor_digits(*self._read("train"))
            except MnistError:
                pass                # MnistAtHand.notes says so

    def _measure(self, update: PersonalUpdate) -> tuple[float, float, int] | None:
        """The personalised model and the network alone on the MNIST test digits."""
        mnist = self._mnist
        if mnist.test_set is None:
            if mnist.test_set_tried:
                return None
            mnist.test_set_tried = True
            try:
                images, labels = self._read("test")
                mnist.test_set = (as_float_images(images), labels.astype(np.int64))
            except MnistError:
                return None         # MnistAtHand.notes says so
        layer = update.memory.layer
        if mnist.test_features is None or mnist.test_features[0] is not self._model:
            mnist.test_features = (self._model, *layer.features(mnist.test_set[0]))
        _, features, network = mnist.test_features
        return layer.accuracy_from_features(features, network, mnist.test_set[1], stop=self.isCancelRequested)

    def _base(self) -> PersonalMemory:
        """The memory to update: the current one, or a new one over the model
        (with the anchors, when they are at hand)."""
        base = self._base_memory
        anchors = self._mnist.anchors
        if base is None or base.model is not self._model or (anchors is not None and not base.has_anchors):
            base = PersonalMemory.empty(self._model, anchors)
        return base

    def work(self) -> None:
        # It runs unasked, while the user draws: the live readings keep a core.
        with leaving_a_core_for_the_window():
            self._work()

    def _work(self) -> None:
        update = PersonalUpdate(memory=None, seconds=0.0)
        self._read_anchors()
        started = time.perf_counter()
        base = self._base()
        update.memory = base if base.matches(self._samples) else base.updated(self._samples)
        update.seconds = time.perf_counter() - started
        self.memoryReady.emit(update)
        if not self._explain:
            return
        # The rest is for an open window: it gives way to Cancel (a newer
        # label, or the window closing) between chunks.
        update.effects = update.memory.effects(stop=self.isCancelRequested)
        if update.effects is None:
            raise Cancelled
        update.mnist = self._measure(update)
        if self.isCancelRequested():
            raise Cancelled
        self.succeeded.emit(update)

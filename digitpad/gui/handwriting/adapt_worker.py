"""Background job for Model → Adapt to my handwriting: load MNIST (to mix in
and to measure on), fine-tune a copy of the model on the user's samples with
``adapt_to_handwriting``, report progress per batch, stop within one batch
when cancelled, and hand back the result by signal.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Signal

from digitpad.data.mnist import MnistError, as_float_images
from digitpad.gui.common.background import Cancelled, MnistSource, MnistWorker
from digitpad.nn import MLP
from digitpad.train import Callback
from digitpad.train.adapt import AdaptConfig, adapt_to_handwriting
from digitpad.train.status import RunStatus


class _Progress(Callback):
    def __init__(self, worker: "AdaptWorker") -> None:
        self.worker = worker
        self._last = 0.0

    def on_batch_end(self, trainer, batch, logs) -> None:
        if self.worker.isCancelRequested():
            trainer.stop_training = True
            return
        now = time.monotonic()
        if now - self._last > 0.1:
            self._last = now
            done = trainer.epoch * trainer.batches_per_epoch + batch + 1
            self.worker.progress.emit(done / (trainer.epochs * trainer.batches_per_epoch))


class AdaptWorker(MnistWorker):
    status = Signal(str)
    progress = Signal(float)        # fraction of the fine-tuning done
    succeeded = Signal(object)      # AdaptationResult

    def __init__(self, model: MLP, images: np.ndarray, labels: np.ndarray, source: MnistSource,
                 config: AdaptConfig = AdaptConfig(), mnist=None) -> None:
        super().__init__(source.data_dir, source.download, source.cache_dir)
        self._model, self._images, self._labels = model, images, labels
        self._config = config
        self._mnist = mnist         # preloaded ((train images, labels), (test images, labels)) for tests

    def _load(self):
        if self._mnist is not None:
            return self._mnist
        self.status.emit("Loading MNIST…")
        loaded = []
        for split in ("train", "test"):
            images, labels = self.loadMnist(split)
            loaded.append((as_float_images(images), labels))
        return loaded

    expected_errors = (MnistError, ValueError)
    task = "Adapting"

    def work(self) -> None:
        mnist_train, mnist_test = self._load()
        self.status.emit("Learning your handwriting…")
        result = adapt_to_handwriting(self._model, self._images, self._labels, mnist_train, mnist_test,
                                      self._config, callbacks=[_Progress(self)])
        if result.status == RunStatus.STOPPED:
            raise Cancelled
        self.succeeded.emit(result)

"""Background job: find (or download) the MNIST test set and run a model on
all 10,000 digits, for "Evaluate" and the misclassified-digits browser. It
reports download progress, can be cancelled, and hands back a
``DigitPredictions`` or an error message by signal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.gui.background import MnistWorker
from digitpad.nn import MLP
from digitpad.train.report import DigitPredictions


class EvaluationWorker(MnistWorker):
    succeeded = Signal(object)                 # DigitPredictions

    def __init__(self, model: MLP, data_dir: Path | None, download: bool,
                 cache_dir: Path | None = None) -> None:
        super().__init__(data_dir, download, cache_dir)
        self._model = model

    expected_errors = (MnistError,)
    task = "Evaluation"

    def work(self) -> None:
        images, labels = self.loadMnist("test")
        probabilities = self._model.predict_proba(images.reshape(len(images), -1) / np.float32(255))
        self.succeeded.emit(DigitPredictions(images, labels, probabilities))

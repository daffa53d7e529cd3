"""Background job: find (or download) the MNIST test set and run a model on
all 10,000 digits, for "Evaluate" and the misclassified-digits browser. It
reports download progress, can be cancelled, and hands back a
``DigitPredictions`` or an error message by signal.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal, Slot

from digitpad.data import MnistError
from digitpad.gui.background import Cancelled, MnistWorker
from digitpad.nn import MLP
from digitpad.train.report import DigitPredictions


class EvaluationWorker(MnistWorker):
    succeeded = Signal(object)                 # DigitPredictions

    def __init__(self, model: MLP, data_dir: Path | None, download: bool,
                 cache_dir: Path | None = None) -> None:
        super().__init__(data_dir, download, cache_dir)
        self._model = model

    @Slot()
    def run(self) -> None:
        try:
            images, labels = self.loadMnist("test")
            probabilities = self._model.predict_proba(images.reshape(len(images), -1) / np.float32(255))
            self.succeeded.emit(DigitPredictions(images, labels, probabilities))
        except Cancelled:
            self.cancelled.emit()
        except MnistError as error:
            self.failed.emit(str(error))
        except Exception as error:  # a worker must always report back
            self.failed.emit(f"Evaluation failed unexpectedly: {error!r}")
        finally:
            self.done.emit()

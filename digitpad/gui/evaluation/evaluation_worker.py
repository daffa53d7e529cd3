"""Background job: find (or download) the MNIST test set and run a model on
all 10,000 digits, for "Evaluate" and the misclassified-digits browser. It
reports download progress, can be cancelled, and hands back a
``DigitPredictions`` or an error message by signal.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.gui.common.background import MnistSource, MnistWorker
from digitpad.nn import MLP
from digitpad.session import predict_test_set


class EvaluationWorker(MnistWorker):
    succeeded = Signal(object)                 # DigitPredictions

    expected_errors = (MnistError,)
    task = "Evaluation"

    def __init__(self, model: MLP, source: MnistSource) -> None:
        super().__init__(source.data_dir, source.download, source.cache_dir)
        self._model = model

    def work(self) -> None:
        images, labels = self.loadMnist("test")
        self.succeeded.emit(predict_test_set(self._model, images, labels))

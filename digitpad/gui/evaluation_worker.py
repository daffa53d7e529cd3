"""Background job: find (or download) the MNIST test set and run a model on
all 10,000 digits, for "Evaluate" and the misclassified-digits browser. Runs
on a worker thread, reports download progress, can be cancelled, and hands
back a ``DigitPredictions`` or an error message by signal.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from digitpad.data import MnistError, load_mnist
from digitpad.nn import MLP
from digitpad.train.report import DigitPredictions


class _Cancelled(Exception):
    pass


class EvaluationWorker(QObject):
    downloadProgress = Signal(str, int, int)   # file name, bytes done, bytes total (-1 unknown)
    succeeded = Signal(object)                 # DigitPredictions
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, model: MLP, data_dir: Path | None, download: bool,
                 cache_dir: Path | None = None) -> None:
        super().__init__()
        self._model = model
        self._data_dir = data_dir
        self._download = download
        self._cache_dir = cache_dir
        self._cancel_requested = False

    def cancel(self) -> None:
        """Thread-safe: stop at the next chance (downloads stop within one chunk)."""
        self._cancel_requested = True

    def _progress(self, name: str, done: int, total: int | None) -> None:
        if self._cancel_requested:
            raise _Cancelled
        self.downloadProgress.emit(name, done, -1 if total is None else total)

    @Slot()
    def run(self) -> None:
        try:
            images, labels = load_mnist("test", self._data_dir, self._download,
                                        cache_dir=self._cache_dir, progress=self._progress)
            if self._cancel_requested:
                raise _Cancelled
            probabilities = self._model.predict_proba(images.reshape(len(images), -1) / 255.0)
            self.succeeded.emit(DigitPredictions(images, labels.astype(int), probabilities))
        except _Cancelled:
            self.cancelled.emit()
        except MnistError as error:
            self.failed.emit(str(error))
        except Exception as error:  # a worker must always report back
            self.failed.emit(f"Evaluation failed unexpectedly: {error!r}")
        finally:
            self.done.emit()

"""Background job for Model → Retrain: a complete ``run_training`` on a
worker thread, steered by a ``TrainingControl`` (pause, step, slow motion,
settings changed while it trains). It loads MNIST first (so the training
digits can be shown), reports what it is doing, download and batch
progress, each finished epoch and everything the training lab shows by
signal through a ``TrainingBridge``, never touches widgets, and stops within
one batch when cancelled — at once when paused. A cancelled run's folder is
removed; a finished run's folder (under the per-user data folder) keeps the
new model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.gui.common.background import CancellableWorker, Cancelled
from digitpad.gui.training.training_bridge import PROGRESS_INTERVAL, TrainingBridge
from digitpad.model.checkpoint import CheckpointError
from digitpad.train import RunError, TrainConfig, TrainingDiverged, load_training_data, run_training
from digitpad.train.control import TrainingControl
from digitpad.train.status import RunStatus

__all__ = ["PROGRESS_INTERVAL", "TrainingWorker"]


class TrainingWorker(CancellableWorker):
    status = Signal(str)
    batchProgress = Signal(dict)
    epochEnded = Signal(dict)
    succeeded = Signal(object)                 # RunResult
    diverged = Signal(str, list)               # message, the run's findings
    # The training lab's signals (see TrainingBridge).
    trainingBegan = Signal(list)               # [(layer name, activation or None)]
    trainingDigits = Signal(object, object, object)   # images, labels, augmentation
    weightsReady = Signal(dict)                # {layer name: a copy of its weights}
    diagnosticsReady = Signal(list)            # [DiagnosticsRecord]
    findingFound = Signal(object)              # Finding
    settingChanged = Signal(object)            # SettingChange
    paused = Signal(dict)                      # step, epoch, batch, batches, epochs
    continued = Signal()

    def __init__(self, config: TrainConfig, run_dir: Path, data_dir: Path | None, download: bool,
                 cache_dir: Path | None = None, data=None,
                 control: TrainingControl | None = None) -> None:
        super().__init__()
        self._config = config
        self._run_dir = Path(run_dir)
        self._data_dir = data_dir
        self._download = download
        self._cache_dir = cache_dir
        self._data = data
        self.control = control if control is not None else TrainingControl()

    expected_errors = (MnistError, CheckpointError, RunError)
    task = "Training"

    def cancel(self) -> None:
        """Thread-safe: stops within a batch, and at once when paused."""
        super().cancel()
        self.control.stop()

    def on_cancelled(self) -> None:
        shutil.rmtree(self._run_dir, ignore_errors=True)

    def work(self) -> None:
        self.status.emit("Loading MNIST…")
        data = self._data
        if data is None:
            data = load_training_data(self._config, self._data_dir, download=self._download,
                                      cache_dir=self._cache_dir, download_progress=self.reportDownload)
        if self.isCancelRequested():
            raise Cancelled
        try:
            result = run_training(self._config, self._run_dir, data=data,
                                  callbacks=[TrainingBridge(self, data)], control=self.control)
        except TrainingDiverged as error:
            self.diverged.emit(str(error), list(error.findings))
            return
        if result.status == RunStatus.STOPPED:
            raise Cancelled
        self.succeeded.emit(result)

"""Background job for Model → Retrain: a complete ``run_training`` on a
worker thread. It reports what it is doing, download and batch progress and
each finished epoch by signal, never touches widgets, and stops within one
batch when cancelled. A cancelled run's folder is removed; a finished run's
folder (under the per-user data folder) keeps the new model.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from PySide6.QtCore import Signal

from digitpad.data.mnist.idx import MnistError
from digitpad.gui.common.background import CancellableWorker, Cancelled
from digitpad.model.checkpoint import CheckpointError
from digitpad.train import Callback, RunError, TrainConfig, TrainingDiverged, run_training
from digitpad.train.status import RunStatus

# Batch progress is reported at most this often (seconds): enough for a live
# bar and curve without flooding the GUI thread with signals.
PROGRESS_INTERVAL = 0.1


class _ProgressBridge(Callback):
    """Forwards training progress to the worker's signals and applies Cancel."""

    # Weight of the newest batch in the smoothed curves: a running mean that,
    # unlike the per-epoch average, does not jump back at each epoch start.
    SMOOTHING = 0.05

    def __init__(self, worker: "TrainingWorker") -> None:
        self.worker = worker
        self._last_report = 0.0
        self._smoothed: dict[str, float] = {}

    def on_train_begin(self, trainer) -> None:
        self.worker.status.emit("Training…")

    def on_batch_end(self, trainer, batch, logs) -> None:
        if self.worker.isCancelRequested():
            trainer.stop_training = True
            return
        for name in ("loss", "accuracy"):
            value = logs[f"batch_{name}"]
            previous = self._smoothed.get(name, value)
            self._smoothed[name] = previous + self.SMOOTHING * (value - previous)
        now = time.monotonic()
        if now - self._last_report < PROGRESS_INTERVAL and batch != trainer.batches_per_epoch - 1:
            return
        self._last_report = now
        done = trainer.epoch * trainer.batches_per_epoch + batch + 1
        self.worker.batchProgress.emit({
            "epoch": trainer.epoch + 1, "epochs": trainer.epochs, "batch": batch + 1,
            "batches": trainer.batches_per_epoch,
            "fraction": done / (trainer.epochs * trainer.batches_per_epoch),
            "loss": logs["loss"], "accuracy": logs["accuracy"],
            "smoothed_loss": self._smoothed["loss"], "smoothed_accuracy": self._smoothed["accuracy"],
            "learning_rate": logs["learning_rate"],
        })

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        self.worker.epochEnded.emit(dict(logs))


class TrainingWorker(CancellableWorker):
    status = Signal(str)
    batchProgress = Signal(dict)
    epochEnded = Signal(dict)
    succeeded = Signal(object)                 # RunResult

    def __init__(self, config: TrainConfig, run_dir: Path, data_dir: Path | None, download: bool,
                 cache_dir: Path | None = None, data=None) -> None:
        super().__init__()
        self._config = config
        self._run_dir = Path(run_dir)
        self._data_dir = data_dir
        self._download = download
        self._cache_dir = cache_dir
        self._data = data

    expected_errors = (MnistError, CheckpointError, RunError, TrainingDiverged)
    task = "Training"

    def on_cancelled(self) -> None:
        shutil.rmtree(self._run_dir, ignore_errors=True)

    def work(self) -> None:
        self.status.emit("Loading MNIST…")
        result = run_training(self._config, self._run_dir, data=self._data, data_dir=self._data_dir,
                              download=self._download, cache_dir=self._cache_dir,
                              download_progress=self.reportDownload,
                              callbacks=[_ProgressBridge(self)])
        if result.status == RunStatus.STOPPED:
            raise Cancelled
        self.succeeded.emit(result)

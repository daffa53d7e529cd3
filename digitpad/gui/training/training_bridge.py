"""The training thread's messenger to the Retrain dialog. ``TrainingBridge``
is a training callback that runs on the training thread and turns what the
run does into the worker's signals: where the run is (rate-limited batch
progress, each epoch's end), the network's layers, copies of its weights
(at the start, about twice a second, at every pause and at the end), the
training digits and their augmentation, diagnostics records (sent in
bundles), findings, settings changed while it trains, and pauses. Every
array it sends is a copy made here, between two batches, so the GUI thread
never touches the model being trained. It also applies Cancel.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING

from digitpad.nn import Activation, Dense
from digitpad.train import Callback

if TYPE_CHECKING:
    from digitpad.gui.training.training_worker import TrainingWorker

# Batch progress is reported at most this often (seconds): enough for a live
# bar and curve without flooding the GUI thread with signals.
PROGRESS_INTERVAL = 0.1
# Copies of the weights are sent at most this often while the run goes on.
WEIGHTS_INTERVAL = 0.5
# Diagnostics records are bundled and sent at most this often.
DIAGNOSTICS_INTERVAL = 0.2


def dense_layers(model) -> list[tuple[str, Dense, str | None]]:
    """``(name, Dense layer, the activation right after it or None)``, input
    side first; the name is its parameters' prefix (``layers.0``)."""
    layers = []
    for index, layer in enumerate(model.layers):
        if isinstance(layer, Dense):
            following = model.layers[index + 1] if index + 1 < len(model.layers) else None
            activation = following.type_name if isinstance(following, Activation) else None
            layers.append((layer.weight.name.rsplit(".", 1)[0], layer, activation))
    return layers


class TrainingBridge(Callback):
    """Forwards a run to ``worker``'s signals (see the module's docstring)."""

    # Weight of the newest batch in the smoothed curves: a running mean that,
    # unlike the per-epoch average, does not jump back at each epoch start.
    SMOOTHING = 0.05

    def __init__(self, worker: "TrainingWorker", data=None) -> None:
        self.worker = worker
        self.data = data                  # the run's MnistData, for its training digits
        self._last_report = 0.0
        self._last_weights = 0.0
        self._last_diagnostics = 0.0
        self._smoothed: dict[str, float] = {}
        self._unsent: dict | None = None  # the newest progress not reported yet
        self._records: list = []

    # -- the run ---------------------------------------------------------
    def on_train_begin(self, trainer) -> None:
        self.worker.status.emit("Training…")
        layers = dense_layers(trainer.model)
        self.worker.trainingBegan.emit([(name, activation) for name, _, activation in layers])
        if self.data is not None:
            self.worker.trainingDigits.emit(self.data.train_images, self.data.train_labels,
                                            copy.copy(trainer.augment))
        self._send_weights(trainer)

    def on_batch_end(self, trainer, batch, logs) -> None:
        if self.worker.isCancelRequested():
            trainer.stop_training = True
            return
        for name in ("loss", "accuracy"):
            value = logs[f"batch_{name}"]
            previous = self._smoothed.get(name, value)
            self._smoothed[name] = previous + self.SMOOTHING * (value - previous)
        self._unsent = self._progress(trainer, batch, logs)
        now = time.monotonic()
        if now - self._last_report >= PROGRESS_INTERVAL or batch == trainer.batches_per_epoch - 1:
            self._flush_progress(now)
        if now - self._last_weights >= WEIGHTS_INTERVAL:
            self._send_weights(trainer)
        if now - self._last_diagnostics >= DIAGNOSTICS_INTERVAL:
            self._flush_diagnostics(now)

    def on_epoch_end(self, trainer, epoch, logs) -> None:
        self._flush_diagnostics()
        self.worker.epochEnded.emit(dict(logs))

    def on_train_end(self, trainer, status) -> None:
        self._flush_progress()
        self._flush_diagnostics()
        self._send_weights(trainer)

    # -- what the run announces -----------------------------------------
    def on_diagnostics(self, trainer, record) -> None:
        self._records.append(record)

    def on_finding(self, trainer, finding) -> None:
        self.worker.findingFound.emit(finding)

    def on_setting_changed(self, trainer, change) -> None:
        self.worker.settingChanged.emit(change)
        if change.setting in ("augment", "augment_strength") and self.data is not None:
            self.worker.trainingDigits.emit(self.data.train_images, self.data.train_labels,
                                            copy.copy(trainer.augment))

    def on_paused(self, trainer) -> None:
        # What a step did shows at once: its progress, records and weights.
        self._flush_progress()
        self._flush_diagnostics()
        self._send_weights(trainer)
        self.worker.paused.emit({"step": trainer.global_step, "epoch": trainer.epoch,
                                 "batch": trainer.batch_index, "batches": trainer.batches_per_epoch,
                                 "epochs": trainer.epochs})

    def on_continued(self, trainer) -> None:
        self.worker.continued.emit()

    # -- sending -----------------------------------------------------------
    def _progress(self, trainer, batch: int, logs) -> dict:
        done = trainer.epoch * trainer.batches_per_epoch + batch + 1
        return {
            "step": trainer.global_step, "epoch": trainer.epoch + 1, "epochs": trainer.epochs,
            "batch": batch + 1, "batches": trainer.batches_per_epoch,
            "fraction": done / (trainer.epochs * trainer.batches_per_epoch),
            "loss": logs["loss"], "accuracy": logs["accuracy"],
            "batch_loss": logs["batch_loss"], "batch_accuracy": logs["batch_accuracy"],
            "smoothed_loss": self._smoothed["loss"], "smoothed_accuracy": self._smoothed["accuracy"],
            "learning_rate": logs["learning_rate"],
        }

    def _flush_progress(self, now: float | None = None) -> None:
        if self._unsent is not None:
            self.worker.batchProgress.emit(self._unsent)
            self._unsent = None
            self._last_report = time.monotonic() if now is None else now

    def _flush_diagnostics(self, now: float | None = None) -> None:
        if self._records:
            self.worker.diagnosticsReady.emit(self._records)
            self._records = []
        self._last_diagnostics = time.monotonic() if now is None else now

    def _send_weights(self, trainer) -> None:
        weights = {name: dense.weight.value.copy() for name, dense, _ in dense_layers(trainer.model)}
        self.worker.weightsReady.emit(weights)
        self._last_weights = time.monotonic()

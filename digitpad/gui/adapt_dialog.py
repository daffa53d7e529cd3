"""Model → Adapt to my handwriting: fine-tunes the model in use on the
user's labelled samples mixed with MNIST, in the background with progress
and Cancel, then shows accuracy before and after on samples held back from
the fine-tuning and on the MNIST test set. The model in use is untouched
unless the user keeps the result, which is then saved in the per-user data
folder and switched to.
"""

from __future__ import annotations

import datetime as _datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from digitpad.model.checkpoint import CheckpointError, save_checkpoint
from digitpad.gui.adapt_worker import AdaptWorker
from digitpad.gui.background import start_worker
from digitpad.gui.messages import plain_label, warn
from digitpad.nn import MLP
from digitpad.train.adapt import MIN_SAMPLES, AdaptConfig


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class AdaptDialog(QDialog):
    useModel = Signal(str)          # path of the saved, adapted checkpoint

    def __init__(self, model: MLP, model_path: Path, metadata: dict, images: np.ndarray, labels: np.ndarray,
                 adapted_dir: Path, data_dir: Path | None, download: bool, cache_dir: Path | None,
                 parent: QWidget | None = None, config: AdaptConfig = AdaptConfig(), mnist=None) -> None:
        super().__init__(parent)
        self.setObjectName("adaptDialog")
        self.setWindowTitle("Adapt to my handwriting")
        self._model, self._model_path, self._metadata = model, Path(model_path), metadata
        self._images, self._labels = images, labels
        self._adapted_dir = Path(adapted_dir)
        self._data_dir, self._download, self._cache_dir = data_dir, download, cache_dir
        self._config, self._mnist = config, mnist
        self._thread = self._worker = self._result = None

        counts = np.bincount(labels, minlength=10) if len(labels) else np.zeros(10, int)
        intro = QLabel(
            f"Teach <b>{self._model_path.name}</b> your handwriting from your <b>{len(labels)}</b> samples "
            f"({', '.join(f'{digit}: {count}' for digit, count in enumerate(counts) if count)}). About a "
            f"quarter of each digit's samples are held back to measure the result; the rest are mixed "
            f"with MNIST so the model does not forget it. Your current model is kept unless you choose "
            f"the new one.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.progressBar = QProgressBar()
        self.progressBar.setRange(0, 1000)
        self.statusLabel = plain_label("Ready.")
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("adaptResult")
        self.resultLabel.setTextFormat(Qt.TextFormat.RichText)
        self.startButton = QPushButton("Start")
        self.startButton.clicked.connect(self.start)
        self.cancelButton = QPushButton("Cancel")
        self.cancelButton.clicked.connect(self.cancel)
        self.keepButton = QPushButton("Keep the adapted model")
        self.keepButton.setObjectName("keepAdapted")
        self.keepButton.clicked.connect(self.keep)
        self.discardButton = QPushButton("Discard")
        self.discardButton.clicked.connect(self.discard)
        buttons = QHBoxLayout()
        for button in (self.startButton, self.cancelButton):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.keepButton, self.discardButton):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.progressBar)
        layout.addWidget(self.statusLabel)
        layout.addWidget(self.resultLabel)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(560, 360)
        enough = len(labels) >= MIN_SAMPLES
        if not enough:
            self.statusLabel.setText(f"At least {MIN_SAMPLES} samples are needed: draw digits in the main "
                                     "window and press their keys to add them.")
        self.startButton.setEnabled(enough)
        self._set_running(False)

    def result(self):
        return self._result

    def isRunning(self) -> bool:
        return self._thread is not None

    def _set_running(self, running: bool) -> None:
        self.startButton.setEnabled(not running and len(self._labels) >= MIN_SAMPLES)
        self.cancelButton.setEnabled(running)
        self.keepButton.setEnabled(not running and self._result is not None)
        self.discardButton.setEnabled(not running and self._result is not None)

    @Slot()
    def start(self) -> None:
        if self.isRunning():
            return
        self._result = None
        self.resultLabel.clear()
        worker = AdaptWorker(self._model, self._images, self._labels, self._data_dir, self._download,
                             self._cache_dir, self._config, self._mnist)
        worker.status.connect(self.statusLabel.setText)
        worker.downloadProgress.connect(self._downloading)
        worker.progress.connect(self._progress)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        worker.done.connect(self._done)
        self._worker = worker
        self._set_running(True)
        self._thread = start_worker(worker, self)

    @Slot()
    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.statusLabel.setText("Cancelling…")

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(f"Downloading {name}: {done / 1e6:.1f} MB")

    @Slot(float)
    def _progress(self, fraction: float) -> None:
        self.progressBar.setValue(round(fraction * 1000))

    @Slot(object)
    def _succeeded(self, result) -> None:
        self._result = result
        self.progressBar.setValue(1000)
        self.statusLabel.setText(f"Done in {result.seconds:.0f} s. Keep the adapted model?")
        rows = [(f"Your held-back samples ({result.holdout_count})", "personal_holdout"),
                ("MNIST test digits (10,000)", "mnist_test")]
        cells = "".join(f"<tr><td>{label}</td><td align='right'>{_percent(result.before.get(key))}</td>"
                        f"<td align='right'><b>{_percent(result.after.get(key))}</b></td></tr>"
                        for label, key in rows)
        self.resultLabel.setText("<table cellspacing='6'><tr><th align='left'>Accuracy</th>"
                                 f"<th>before</th><th>after</th></tr>{cells}</table>")

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.statusLabel.setText("Adapting failed.")
        warn(self, "Adapt to my handwriting", f"{message}\n\nThe model in use is unchanged.")

    @Slot()
    def _cancelled(self) -> None:
        self.progressBar.setValue(0)
        self.statusLabel.setText("Cancelled. The model in use is unchanged.")

    @Slot()
    def _done(self) -> None:
        self._thread = self._worker = None
        self._set_running(False)

    @Slot()
    def keep(self) -> None:
        """Save the adapted model in the per-user data folder and switch to it."""
        if self._result is None:
            return
        stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = self._adapted_dir / f"{self._model_path.stem}-adapted-{stamp}.npz"
        counter = 1
        while path.exists():            # two kept in one second: never replace the first
            counter += 1
            path = self._adapted_dir / f"{self._model_path.stem}-adapted-{stamp}-{counter}.npz"
        metadata = {key: value for key, value in self._metadata.items() if key not in ("optimizer", "trainer")}
        metrics = dict(metadata.get("metrics", {}))
        metrics.pop("test_accuracy", None)      # the old model's score is not this one's
        if self._result.after.get("mnist_test") is not None:
            metrics["test_accuracy"] = self._result.after["mnist_test"]
        metadata["metrics"] = metrics
        metadata["adaptation"] = {"from": str(self._model_path), "samples": int(len(self._labels)),
                                  "held_back": self._result.holdout_count, "before": self._result.before,
                                  "after": self._result.after}
        try:
            save_checkpoint(self._result.model, path, metadata)
        except CheckpointError as error:
            warn(self, "Keep the adapted model", str(error))
            return
        self.useModel.emit(str(path))
        self.accept()

    @Slot()
    def discard(self) -> None:
        self._result = None
        self.reject()

    def stopAndWait(self) -> None:
        if self._thread is not None:
            self._worker.cancel()
            self._thread.quit()
            self._thread.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stopAndWait()
        super().closeEvent(event)

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
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from digitpad.gui.common.background import BackgroundTask, MnistSource, describe_download
from digitpad.gui.common.explain import explained_button
from digitpad.gui.common.messages import escape, plain_label, warn
from digitpad.gui.handwriting.adapt_worker import AdaptWorker
from digitpad.model.checkpoint import CheckpointError, save_checkpoint
from digitpad.nn import MLP
from digitpad.train.adapt import MIN_SAMPLES, AdaptConfig


_PROGRESS_HELP = ("Fine-tuning shows the network your samples (mixed with MNIST digits) a few more times "
                  "and nudges its weights towards answering them right. The bar shows how far it has got.")
_RESULT_HELP = ("Accuracy before and after, measured on samples of yours the fine-tuning never saw (so it "
                "shows whether the model learnt your style, not just your samples) and on the 10,000 MNIST "
                "test digits (so you see whether it forgot anything).")
_START_HELP = ("Fine-tunes a copy of the model in use on your samples, in the background. Your model is "
               "untouched until you choose to keep the result.")
_KEEP_HELP = ("Saves the adapted model in your digitpad data folder and switches to it. The file of the "
              "model you had is not changed: File → Open checkpoint switches back to it.")


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


class AdaptDialog(QDialog):
    useModel = Signal(str)          # path of the saved, adapted checkpoint

    def __init__(self, model: MLP, model_path: Path, metadata: dict, images: np.ndarray, labels: np.ndarray,
                 adapted_dir: Path, source: MnistSource, parent: QWidget | None = None,
                 config: AdaptConfig = AdaptConfig(), mnist=None) -> None:
        super().__init__(parent)
        self.setObjectName("adaptDialog")
        self.setWindowTitle("Adapt to my handwriting")
        self._model, self._model_path, self._metadata = model, Path(model_path), metadata
        self._images, self._labels = images, labels
        self._adapted_dir = Path(adapted_dir)
        self._source, self._config, self._mnist = source, config, mnist
        self._result = None
        self._task = BackgroundTask(self)
        self._task.finished.connect(lambda: self._set_running(False))
        self._build()
        if len(labels) < MIN_SAMPLES:
            self.statusLabel.setText(f"At least {MIN_SAMPLES} samples are needed: draw digits in the main "
                                     "window and press their keys to add them.")
        self._set_running(False)

    def _build(self) -> None:
        counts = np.bincount(self._labels, minlength=10) if len(self._labels) else np.zeros(10, int)
        intro = QLabel(
            f"Teach <b>{escape(self._model_path.name)}</b> your handwriting from your <b>{len(self._labels)}"
            f"</b> samples ({', '.join(f'{digit}: {count}' for digit, count in enumerate(counts) if count)}). "
            f"About a quarter of each digit's samples are held back to measure the result; the rest are "
            f"mixed with MNIST so the model does not forget it. Your current model is kept unless you "
            f"choose the new one.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.progressBar = QProgressBar()
        self.progressBar.setRange(0, 1000)
        self.progressBar.setToolTip("How far the fine-tuning has got")
        self.progressBar.setWhatsThis(_PROGRESS_HELP)
        self.statusLabel = plain_label("Ready.")
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("adaptResult")
        self.resultLabel.setTextFormat(Qt.TextFormat.RichText)
        self.resultLabel.setToolTip("Accuracy before and after adapting")
        self.resultLabel.setWhatsThis(_RESULT_HELP)
        self.startButton = explained_button("Start", self.start, "Start fine-tuning a copy of the model",
                                            _START_HELP)
        self.cancelButton = explained_button("Cancel", self.cancel, "Stop fine-tuning; the model in use is kept",
                                             "Stops the fine-tuning within a moment. Nothing changes.")
        self.keepButton = explained_button("Keep the adapted model", self.keep,
                                           "Save the adapted model and use it", _KEEP_HELP)
        self.keepButton.setObjectName("keepAdapted")
        self.discardButton = explained_button("Discard", self.discard, "Forget the adapted model",
                                              "Closes this window and keeps the model you had; the adapted "
                                              "copy is thrown away.")
        buttons = QHBoxLayout()
        for button in (self.startButton, self.cancelButton):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.keepButton, self.discardButton):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        for widget in (intro, self.progressBar, self.statusLabel, self.resultLabel):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(560, 360)

    def result(self):
        return self._result

    def isRunning(self) -> bool:
        return self._task.isRunning()

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
        worker = AdaptWorker(self._model, self._images, self._labels, self._source, self._config, self._mnist)
        worker.status.connect(self.statusLabel.setText)
        worker.downloadProgress.connect(self._downloading)
        worker.progress.connect(self._progress)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        self._task.start(worker)
        self._set_running(True)

    @Slot()
    def cancel(self) -> None:
        if self.isRunning():
            self._task.cancel()
            self.statusLabel.setText("Cancelling…")

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(describe_download(name, done, total))

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
        self._task.stopAndWait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stopAndWait()
        super().closeEvent(event)

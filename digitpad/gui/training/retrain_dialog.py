"""Model → Retrain: choose a preset and change any hyperparameter of the
training command line in a form generated from the settings description
(``digitpad.gui.training.training_form``), say where MNIST is (found or downloaded
automatically, or a chosen folder), and train in the background with a
progress bar, an ETA, live loss and accuracy curves and a Cancel button
that stops within one batch. The model in use is untouched; when training
succeeds the dialog shows the test accuracy, the new model is already saved
in the per-user data folder, and "Use this model" switches the app to it.
"""

from __future__ import annotations

import datetime as _datetime
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QDialog, QFileDialog, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton, QRadioButton,
                               QVBoxLayout, QWidget)

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.background import BackgroundTask, describe_download
from digitpad.gui.common.messages import ask, escape, plain_label, warn
from digitpad.gui.settings import AppSettings
from digitpad.gui.training.training_curves import TrainingCurves
from digitpad.gui.training.training_form import TrainingForm
from digitpad.gui.training.training_worker import TrainingWorker
from digitpad.train.config import PRESETS, TrainConfig, config_from_preset

# The preset the dialog opens with: quick, and close to the bundled model.
FIRST_PRESET = "fast"


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class RetrainDialog(QDialog):
    useModel = Signal(str)          # path of the new best.npz
    trainingFinished = Signal(object)
    trainingProgress = Signal(dict)  # each progress report of the running training (epoch, fraction, loss…)

    def __init__(self, settings: AppSettings, paths: AppPaths, parent: QWidget | None = None,
                 data=None) -> None:
        super().__init__(parent)
        self.setObjectName("retrainDialog")
        self.setWindowTitle("Retrain the network")
        # The title bar's "?" puts the form into What's This mode, where a
        # click on any setting explains it.
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, True)
        self._settings = settings
        self._paths = paths
        self._data = data        # preloaded MnistData (tests); None loads MNIST
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._worker_done)
        self._result = None
        self._started_at = 0.0
        self._build()
        self.presetCombo.setCurrentText(FIRST_PRESET)
        self._apply_preset(FIRST_PRESET)
        self._set_running(False)

    # -- layout ------------------------------------------------------------
    def _build(self) -> None:
        self.settingsForm = TrainingForm()
        self.settingsForm.setObjectName("trainingSettings")
        layout = QVBoxLayout(self)
        layout.addLayout(self._preset_row())
        layout.addWidget(self.settingsForm)
        layout.addWidget(self._data_box())
        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("trainingProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setFormat("%p%")
        layout.addWidget(self.progressBar)
        self.statusLabel = plain_label("Ready.")
        self.statusLabel.setObjectName("trainingStatus")
        layout.addWidget(self.statusLabel)
        self.curves = TrainingCurves()
        layout.addWidget(self.curves, 1)
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("trainingResult")
        self.resultLabel.setWordWrap(True)
        self.resultLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.resultLabel)
        layout.addLayout(self._button_row())
        # Fits a 1280x720 screen with room for the title bar and a panel.
        self.resize(940, 660)

    def _preset_row(self) -> QHBoxLayout:
        self.presetCombo = QComboBox()
        self.presetCombo.setObjectName("preset")
        self.presetCombo.addItems(list(PRESETS))
        self.presetCombo.currentTextChanged.connect(self._apply_preset)
        self.presetDescription = QLabel()
        self.presetDescription.setStyleSheet("color: #5a6070")
        row = QHBoxLayout()
        row.addWidget(QLabel("Preset"))
        row.addWidget(self.presetCombo)
        row.addWidget(self.presetDescription, 1)
        return row

    def _data_box(self) -> QGroupBox:
        self.autoData = QRadioButton("Find MNIST or download it (about 11 MB, checksums verified)")
        self.folderData = QRadioButton("Use the MNIST files in:")
        self.dataFolder = QLineEdit(self._settings.mnist_dir())
        self.dataFolder.setObjectName("mnistFolder")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_data)
        group = QButtonGroup(self)
        group.addButton(self.autoData)
        group.addButton(self.folderData)
        (self.folderData if self._settings.mnist_dir() else self.autoData).setChecked(True)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folderData)
        folder_row.addWidget(self.dataFolder, 1)
        folder_row.addWidget(browse)
        self.dataBox = QGroupBox("MNIST")
        data_layout = QVBoxLayout(self.dataBox)
        data_layout.addWidget(self.autoData)
        data_layout.addLayout(folder_row)
        return self.dataBox

    def _button_row(self) -> QHBoxLayout:
        self.startButton = QPushButton("Start training")
        self.startButton.setObjectName("startTraining")
        self.startButton.setDefault(True)
        self.startButton.clicked.connect(self.startTraining)
        self.cancelButton = QPushButton("Cancel training")
        self.cancelButton.setObjectName("cancelTraining")
        self.cancelButton.clicked.connect(self.cancelTraining)
        self.useButton = QPushButton("Use this model")
        self.useButton.setObjectName("useModel")
        self.useButton.clicked.connect(self._use_model)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.startButton)
        buttons.addWidget(self.cancelButton)
        buttons.addStretch(1)
        buttons.addWidget(self.useButton)
        buttons.addWidget(close)
        return buttons

    # -- settings -------------------------------------------------------------
    @Slot(str)
    def _apply_preset(self, preset: str) -> None:
        summary = PRESETS[preset].summary
        self.presetDescription.setText(summary[0].upper() + summary[1:] + ".")
        self.settingsForm.setConfig(config_from_preset(preset))

    def config(self) -> TrainConfig:
        """The config the form describes; raises ValueError with a readable message."""
        return self.settingsForm.config()

    @Slot()
    def _browse_data(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with the MNIST files", self.dataFolder.text())
        if folder:
            self.dataFolder.setText(folder)
            self.folderData.setChecked(True)

    # -- training ------------------------------------------------------------
    def isRunning(self) -> bool:
        return self._task.isRunning()

    def result(self):
        return self._result

    def _set_running(self, running: bool) -> None:
        self.settingsForm.setEditable(not running)
        self.dataBox.setEnabled(not running)
        self.presetCombo.setEnabled(not running)
        self.startButton.setEnabled(not running)
        self.cancelButton.setEnabled(running)
        self.useButton.setEnabled(not running and self._result is not None)

    @Slot()
    def startTraining(self) -> None:
        if self.isRunning():
            return
        try:
            config = self.config()
        except ValueError as error:
            warn(self, "Check the settings", str(error))
            return
        data_dir = None
        if self.folderData.isChecked():
            folder = self.dataFolder.text().strip()
            if not folder or not Path(folder).is_dir():
                warn(self, "MNIST folder", f"{folder or '(empty)'}: not a folder. "
                                    "Choose the folder that holds the MNIST files, or let digitpad find them.")
                return
            data_dir = Path(folder)
            self._settings.set_mnist_dir(folder)
        self._result = None
        self.curves.clear()
        self.resultLabel.clear()
        self.progressBar.setValue(0)
        worker = TrainingWorker(config, self._new_run_dir(config), data_dir,
                                download=not self.folderData.isChecked(),
                                cache_dir=self._paths.mnist_cache_dir, data=self._data)
        worker.status.connect(self.statusLabel.setText)
        worker.downloadProgress.connect(self._download_progress)
        worker.batchProgress.connect(self._batch_progress)
        worker.epochEnded.connect(self.curves.addEpoch)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        self._started_at = time.monotonic()
        self._set_running(True)
        self._task.start(worker)

    def _new_run_dir(self, config: TrainConfig) -> Path:
        """A folder for the run that no other run has: date, time, preset."""
        stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        run_dir = self._paths.runs_dir / f"{stamp}-{config.preset}"
        suffix = 1
        while run_dir.exists():
            suffix += 1
            run_dir = self._paths.runs_dir / f"{stamp}-{config.preset}-{suffix}"
        return run_dir

    @Slot()
    def cancelTraining(self) -> None:
        if self.isRunning():
            self._task.cancel()
            self.statusLabel.setText("Cancelling…")
            self.cancelButton.setEnabled(False)

    @Slot(str, int, int)
    def _download_progress(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(describe_download(name, done, total))

    @Slot(dict)
    def _batch_progress(self, progress: dict) -> None:
        fraction = progress["fraction"]
        self.progressBar.setValue(round(fraction * 1000))
        elapsed = time.monotonic() - self._started_at
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
        self.statusLabel.setText(
            f"Epoch {progress['epoch']}/{progress['epochs']} · loss {progress['loss']:.4f} · "
            f"accuracy {progress['accuracy'] * 100:.2f}% · elapsed {format_duration(elapsed)} · "
            f"about {format_duration(eta)} left")
        self.curves.addBatchProgress(progress)
        self.trainingProgress.emit(progress)

    @Slot(object)
    def _succeeded(self, result) -> None:
        self._result = result
        self.progressBar.setValue(1000)
        self.statusLabel.setText(f"Finished in {format_duration(result.train_seconds)}.")
        self.resultLabel.setText(
            f"<b>Test accuracy {result.test_accuracy * 100:.2f}%</b> on the 10,000 MNIST test digits. "
            f"Saved to {escape(result.best_path)}")
        self.trainingFinished.emit(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.statusLabel.setText("Training failed.")
        warn(self, "Training failed", f"{message}\n\nThe model in use is unchanged.")

    @Slot()
    def _cancelled(self) -> None:
        self.progressBar.setValue(0)
        self.statusLabel.setText("Cancelled. The model in use is unchanged.")

    @Slot()
    def _worker_done(self) -> None:
        self._set_running(False)

    @Slot()
    def _use_model(self) -> None:
        if self._result is not None:
            self.useModel.emit(str(self._result.best_path))

    def stopAndWait(self) -> None:
        """Cancel a running training and wait for its thread to finish."""
        self._task.stopAndWait()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isRunning():
            answer = ask(self, "Training is running", "Stop training? The new model will not be saved.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.stopAndWait()
        super().closeEvent(event)

"""Model → Retrain: choose a preset or every hyperparameter of the training
command line, say where MNIST is (found or downloaded automatically, or a
chosen folder), and train in the background with a progress bar, an ETA,
live loss and accuracy curves and a Cancel button that stops within one
batch. The model in use is untouched; when training succeeds the dialog
shows the test accuracy, the new model is already saved in the per-user data
folder, and "Use this model" switches the app to it.
"""

from __future__ import annotations

import datetime as _datetime
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDoubleSpinBox,
                               QFileDialog, QGridLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton,
                               QRadioButton, QSpinBox, QVBoxLayout, QWidget)

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.background import start_worker
from digitpad.gui.messages import ask, plain_label, warn
from digitpad.gui.settings import AppSettings
from digitpad.gui.training_curves import TrainingCurves
from digitpad.gui.training_worker import TrainingWorker
from digitpad.train.config import PRESETS, SCHEDULES, TrainConfig, config_from_preset

PRESET_DESCRIPTIONS = {
    "fast": "About half a minute on two cores; about 99% on MNIST.",
    "bundled": "The recipe of the shipped model: 99.3% on MNIST, about 20 minutes.",
    "tiny": "A few seconds on a subset of MNIST, to try things out.",
    "default": "Plain settings without augmentation; a starting point for experiments.",
}


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class RetrainDialog(QDialog):
    useModel = Signal(str)          # path of the new best.npz
    trainingFinished = Signal(object)

    def __init__(self, settings: AppSettings, paths: AppPaths, parent: QWidget | None = None,
                 data=None) -> None:
        super().__init__(parent)
        self.setObjectName("retrainDialog")
        self.setWindowTitle("Retrain the network")
        self._settings = settings
        self._paths = paths
        self._data = data        # preloaded MnistData (tests); None loads MNIST
        self._thread = None
        self._worker = None
        self._result = None
        self._started_at = 0.0
        self._build()
        self.presetCombo.setCurrentText("fast")
        self._apply_preset("fast")
        self._set_running(False)

    # -- layout ------------------------------------------------------------
    def _build(self) -> None:
        self.presetCombo = QComboBox()
        self.presetCombo.setObjectName("preset")
        self.presetCombo.addItems([name for name in ("fast", "bundled", "tiny", "default") if name in PRESETS])
        self.presetCombo.currentTextChanged.connect(self._apply_preset)
        self.presetDescription = QLabel()
        self.presetDescription.setStyleSheet("color: #5a6070")
        preset_row = QHBoxLayout()
        preset_row.addWidget(QLabel("Preset"))
        preset_row.addWidget(self.presetCombo)
        preset_row.addWidget(self.presetDescription, 1)

        self.hiddenSizes = QLineEdit()
        self.hiddenSizes.setObjectName("hiddenSizes")
        self.hiddenSizes.setToolTip("Units of each hidden layer, e.g. 512, 256")
        self.activation = self._combo("activation", ["relu", "leaky_relu", "sigmoid", "tanh"])
        self.dropout = self._double("dropout", 0.0, 0.9, 0.05, 2)
        self.optimizer = self._combo("optimizer", ["adam", "adamw", "sgd"])
        self.learningRate = self._double("learningRate", 1e-5, 1.0, 1e-4, 5)
        self.schedule = self._combo("schedule", list(SCHEDULES))
        self.batchSize = self._int("batchSize", 1, 4096)
        self.epochs = self._int("epochs", 1, 1000)
        self.weightDecay = self._double("weightDecay", 0.0, 1.0, 1e-4, 5)
        self.labelSmoothing = self._double("labelSmoothing", 0.0, 0.5, 0.05, 2)
        self.augment = QCheckBox("Distort training digits (rotate, scale, shift, elastic)")
        self.augment.setObjectName("augment")
        self.augmentStrength = self._double("augmentStrength", 0.0, 3.0, 0.1, 2)
        self.augmentThickness = self._double("augmentThickness", 0.0, 1.0, 0.1, 2)
        self.validationSize = self._int("validationSize", 0, 30000)
        self.seed = self._int("seed", 0, 2**31 - 1)
        self.trainSubset = self._int("trainSubset", 0, 60000)
        self.trainSubset.setSpecialValueText("all")

        grid = QGridLayout()
        fields = [("Hidden layers", self.hiddenSizes), ("Activation", self.activation),
                  ("Dropout", self.dropout), ("Optimiser", self.optimizer),
                  ("Learning rate", self.learningRate), ("Schedule", self.schedule),
                  ("Batch size", self.batchSize), ("Epochs", self.epochs),
                  ("Weight decay", self.weightDecay), ("Label smoothing", self.labelSmoothing),
                  ("Augmentation strength", self.augmentStrength),
                  ("Stroke-width variation", self.augmentThickness),
                  ("Validation digits", self.validationSize), ("Seed", self.seed),
                  ("Training digits", self.trainSubset)]
        for index, (label, widget) in enumerate(fields):
            row, column = divmod(index, 2)
            grid.addWidget(QLabel(label), row, column * 2)
            grid.addWidget(widget, row, column * 2 + 1)
        grid.addWidget(self.augment, (len(fields) + 1) // 2, 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.settingsBox = QGroupBox("Hyperparameters")
        self.settingsBox.setLayout(grid)

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
        data_layout = QVBoxLayout()
        data_layout.addWidget(self.autoData)
        data_layout.addLayout(folder_row)
        self.dataBox = QGroupBox("MNIST")
        self.dataBox.setLayout(data_layout)

        self.progressBar = QProgressBar()
        self.progressBar.setObjectName("trainingProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setFormat("%p%")
        self.statusLabel = plain_label("Ready.")
        self.statusLabel.setObjectName("trainingStatus")
        self.curves = TrainingCurves()
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("trainingResult")
        self.resultLabel.setWordWrap(True)
        self.resultLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

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

        layout = QVBoxLayout(self)
        layout.addLayout(preset_row)
        layout.addWidget(self.settingsBox)
        layout.addWidget(self.dataBox)
        layout.addWidget(self.progressBar)
        layout.addWidget(self.statusLabel)
        layout.addWidget(self.curves, 1)
        layout.addWidget(self.resultLabel)
        layout.addLayout(buttons)
        self.resize(820, 860)

    @staticmethod
    def _combo(name: str, items: list[str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItems(items)
        return combo

    @staticmethod
    def _double(name: str, low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(decimals)
        return box

    @staticmethod
    def _int(name: str, low: int, high: int) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        return box

    # -- settings <-> config -------------------------------------------------------
    @Slot(str)
    def _apply_preset(self, preset: str) -> None:
        config = config_from_preset(preset)
        self.presetDescription.setText(PRESET_DESCRIPTIONS.get(preset, ""))
        self.hiddenSizes.setText(", ".join(str(size) for size in config.hidden_sizes))
        self.activation.setCurrentText(config.activation)
        self.dropout.setValue(config.dropout)
        self.optimizer.setCurrentText(config.optimizer)
        self.learningRate.setValue(config.learning_rate)
        self.schedule.setCurrentText(config.schedule)
        self.batchSize.setValue(config.batch_size)
        self.epochs.setValue(config.epochs)
        self.weightDecay.setValue(config.weight_decay)
        self.labelSmoothing.setValue(config.label_smoothing)
        self.augment.setChecked(config.augment)
        self.augmentStrength.setValue(config.augment_strength)
        self.augmentThickness.setValue(config.augment_thickness)
        self.validationSize.setValue(config.validation_size)
        self.seed.setValue(config.seed)
        self.trainSubset.setValue(config.train_subset)
        self._preset_config = config

    def config(self) -> TrainConfig:
        """The config the form describes; raises ValueError with a readable message."""
        try:
            hidden = tuple(int(part) for part in self.hiddenSizes.text().replace(",", " ").split())
        except ValueError:
            raise ValueError("hidden layers must be whole numbers separated by commas, e.g. 512, 256") from None
        config = self._preset_config.replace(
            hidden_sizes=hidden, activation=self.activation.currentText(), dropout=self.dropout.value(),
            optimizer=self.optimizer.currentText(), learning_rate=self.learningRate.value(),
            schedule=self.schedule.currentText(), batch_size=self.batchSize.value(),
            epochs=self.epochs.value(), weight_decay=self.weightDecay.value(),
            label_smoothing=self.labelSmoothing.value(), augment=self.augment.isChecked(),
            augment_strength=self.augmentStrength.value(),
            augment_thickness=self.augmentThickness.value(),
            validation_size=self.validationSize.value(), seed=self.seed.value(),
            train_subset=self.trainSubset.value())
        if config.warmup_epochs >= config.epochs:
            config = config.replace(warmup_epochs=0.0)
        config.validate()
        return config

    @Slot()
    def _browse_data(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with the MNIST files", self.dataFolder.text())
        if folder:
            self.dataFolder.setText(folder)
            self.folderData.setChecked(True)

    # -- training ------------------------------------------------------------
    def isRunning(self) -> bool:
        return self._thread is not None

    def result(self):
        return self._result

    def _set_running(self, running: bool) -> None:
        self.settingsBox.setEnabled(not running)
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
        stamp = _datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        run_dir = self._paths.runs_dir / f"{stamp}-{config.preset}"
        suffix = 1
        while run_dir.exists():
            suffix += 1
            run_dir = self._paths.runs_dir / f"{stamp}-{config.preset}-{suffix}"
        self._result = None
        self.curves.clear()
        self.resultLabel.clear()
        self.progressBar.setValue(0)
        worker = TrainingWorker(config, run_dir, data_dir, download=not self.folderData.isChecked(),
                                cache_dir=self._paths.mnist_cache_dir, data=self._data)
        worker.status.connect(self.statusLabel.setText)
        worker.downloadProgress.connect(self._download_progress)
        worker.batchProgress.connect(self._batch_progress)
        worker.epochEnded.connect(self.curves.addEpoch)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.cancelled.connect(self._cancelled)
        worker.done.connect(self._worker_done)
        self._worker = worker
        self._started_at = time.monotonic()
        self._set_running(True)
        self._thread = start_worker(worker, self)

    @Slot()
    def cancelTraining(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self.statusLabel.setText("Cancelling…")
            self.cancelButton.setEnabled(False)

    @Slot(str, int, int)
    def _download_progress(self, name: str, done: int, total: int) -> None:
        size = f" of {total / 1e6:.1f} MB" if total > 0 else ""
        self.statusLabel.setText(f"Downloading {name}: {done / 1e6:.1f} MB{size}")

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

    @Slot(object)
    def _succeeded(self, result) -> None:
        self._result = result
        self.progressBar.setValue(1000)
        self.statusLabel.setText(f"Finished in {format_duration(result.train_seconds)}.")
        self.resultLabel.setText(
            f"<b>Test accuracy {result.test_accuracy * 100:.2f}%</b> on the 10,000 MNIST test digits. "
            f"Saved to {result.best_path}")
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
        self._thread = None
        self._worker = None
        self._set_running(False)

    @Slot()
    def _use_model(self) -> None:
        if self._result is not None:
            self.useModel.emit(str(self._result.best_path))

    def stopAndWait(self) -> None:
        """Cancel a running training and wait for its thread to finish."""
        thread = self._thread
        if thread is not None:
            self._worker.cancel()
            thread.quit()
            thread.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isRunning():
            answer = ask(self, "Training is running", "Stop training? The new model will not be saved.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.stopAndWait()
        super().closeEvent(event)

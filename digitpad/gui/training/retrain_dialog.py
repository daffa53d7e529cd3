"""Model → Retrain, the training lab: choose a preset (or "Learn it from
scratch") and change any hyperparameter in a form generated from the
settings description (``digitpad.gui.training.training_form``), say where
MNIST is (found or downloaded automatically, or a chosen folder), and train
in the background with a progress bar, an ETA and Cancel — and watch it
learn: the lab's charts (loss, weights, gradients, dead units, the training
digits), Pause/Continue, one batch or one epoch at a time, slow motion,
settings changed while it trains, and the findings of the run's diagnosis
with a one-click Apply. The model in use is untouched; when training
succeeds the dialog shows the test accuracy, the new model is already saved
in the per-user data folder, and "Use this model" switches the app to it.
"""

from __future__ import annotations

import datetime as _datetime
import time
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox,
                               QProgressBar, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.background import BackgroundTask, describe_download
from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.common.messages import ask, escape, plain_label, warn
from digitpad.gui.common.screen_fit import fit_to_screen
from digitpad.gui.settings import AppSettings
from digitpad.gui.training import retrain_texts as texts
from digitpad.gui.training.findings_panel import FindingsPanel
from digitpad.gui.training.lab_feed import LabFeed, curves_of, make_charts
from digitpad.gui.training.live_settings_panel import LiveSettingsPanel
from digitpad.gui.training.mnist_source_box import MnistSourceBox
from digitpad.gui.training.run_controls import RunControls
from digitpad.gui.training.run_log import RunLog
from digitpad.gui.training.training_form import TrainingForm
from digitpad.gui.training.training_worker import TrainingWorker
from digitpad.train.config import PRESETS, TrainConfig, config_from_preset
from digitpad.train.control import TrainingControl

# The preset the dialog opens with: quick, and close to the bundled model.
FIRST_PRESET = "fast"
# The preset of "Learn it from scratch", first in the list too.
SCRATCH_PRESET = "scratch"


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
        self.setWindowTitle("Retrain the network — training lab")
        # The title bar's "?" puts the dialog into What's This mode, where a
        # click on any control explains it.
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, True)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setSizeGripEnabled(True)
        self._settings = settings
        self._paths = paths
        self._data = data        # preloaded MnistData (tests); None loads MNIST
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._worker_done)
        self._result = None
        self._started_at = 0.0
        self._paused_at: float | None = None     # pauses are left out of the elapsed time
        self._paused_seconds = 0.0
        self._build()
        self.presetCombo.setCurrentText(FIRST_PRESET)
        self._apply_preset(FIRST_PRESET)
        self._set_running(False)

    # -- layout ------------------------------------------------------------
    def _build(self) -> None:
        self.charts = make_charts()
        self.curves = curves_of(self.charts)
        self.runControls = RunControls()
        self.liveSettings = LiveSettingsPanel()
        strip = QHBoxLayout()
        strip.addWidget(self.runControls, 2)
        strip.addWidget(self.liveSettings, 3)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.charts, 1)
        right_layout.addLayout(strip)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("labSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._side_panel())
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 860])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(self._status_rows())
        layout.addLayout(self._button_row())
        self.feed = LabFeed(self.charts, self.runControls, self.liveSettings, self.findingsPanel,
                            self.runLog, self.settingsForm)
        self.feed.findingShown.connect(lambda: self.sideTabs.setCurrentWidget(self.findingsPanel))
        self.setMinimumSize(960, 600)
        fit_to_screen(self, QSize(1240, 700))

    def _side_panel(self) -> QWidget:
        self.settingsForm = TrainingForm(columns=1)
        self.settingsForm.setObjectName("trainingSettings")
        self.findingsPanel = FindingsPanel()
        self.findingsPanel.countChanged.connect(self._findings_counted)
        self.runLog = RunLog()
        self.sideTabs = QTabWidget()
        self.sideTabs.setObjectName("sideTabs")
        self.sideTabs.addTab(self.settingsForm, "Settings")
        self.dataBox = MnistSourceBox(self._settings.mnist_dir())
        self.dataBox.browseButton.clicked.connect(self._browse_data)
        self.autoData, self.folderData = self.dataBox.autoData, self.dataBox.folderData
        self.dataFolder = self.dataBox.dataFolder
        self.sideTabs.addTab(self.dataBox, "MNIST")
        self.sideTabs.addTab(self.findingsPanel, "Findings")
        self.sideTabs.addTab(self.runLog, "Log")
        side = QWidget()
        side.setMinimumWidth(340)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._preset_row())
        layout.addWidget(self.presetDescription)
        layout.addWidget(self.sideTabs, 1)
        return side

    def _preset_row(self) -> QHBoxLayout:
        self.presetCombo = explain(QComboBox(), *texts.preset_explanation(PRESETS))
        self.presetCombo.setObjectName("preset")
        self.presetCombo.addItems([SCRATCH_PRESET] + [name for name in PRESETS if name != SCRATCH_PRESET])
        self.presetCombo.currentTextChanged.connect(self._apply_preset)
        self.scratchButton = explained_button("Learn it from scratch", self.learnFromScratch, *texts.SCRATCH)
        self.scratchButton.setObjectName("learnFromScratch")
        self.presetDescription = QLabel()
        self.presetDescription.setWordWrap(True)
        self.presetDescription.setStyleSheet("color: #5a6070")
        row = QHBoxLayout()
        row.addWidget(QLabel("Preset"))
        row.addWidget(self.presetCombo, 1)
        row.addWidget(self.scratchButton)
        return row

    def _status_rows(self) -> QHBoxLayout:
        self.progressBar = explain(QProgressBar(), *texts.PROGRESS)
        self.progressBar.setObjectName("trainingProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setFormat("%p%")
        self.statusLabel = plain_label("Ready.")
        self.statusLabel.setObjectName("trainingStatus")
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("trainingResult")
        self.resultLabel.setWordWrap(True)
        self.resultLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.progressBar, 1)
        row.addWidget(self.statusLabel, 2)
        return row

    def _button_row(self) -> QHBoxLayout:
        self.startButton = explained_button("Start training", self.startTraining, *texts.START)
        self.startButton.setObjectName("startTraining")
        self.startButton.setDefault(True)
        self.cancelButton = explained_button("Cancel training", self.cancelTraining, *texts.CANCEL)
        self.cancelButton.setObjectName("cancelTraining")
        self.useButton = explained_button("Use this model", self._use_model, *texts.USE)
        self.useButton.setObjectName("useModel")
        close = explained_button("Close", self.close, *texts.CLOSE)
        buttons = QHBoxLayout()
        for widget, stretch in ((self.startButton, 0), (self.cancelButton, 0), (self.resultLabel, 1),
                                (self.useButton, 0), (close, 0)):
            buttons.addWidget(widget, stretch)
        return buttons

    # -- settings -------------------------------------------------------------
    @Slot(str)
    def _apply_preset(self, preset: str) -> None:
        summary = PRESETS[preset].summary
        self.presetDescription.setText(summary[0].upper() + summary[1:] + ".")
        self.settingsForm.setConfig(config_from_preset(preset))
        self.liveSettings.setRun(None, self.settingsForm.config())

    @Slot()
    def learnFromScratch(self) -> None:
        """The 'scratch' preset, started paused before its first batch."""
        if self.isRunning():
            return
        self.presetCombo.setCurrentText(SCRATCH_PRESET)
        self.runControls.startPaused.setChecked(True)
        self.startTraining()

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

    def control(self) -> TrainingControl | None:
        """The running run's control (None when nothing trains)."""
        return self.runControls.control()

    def _set_running(self, running: bool) -> None:
        self.settingsForm.setEditable(not running)
        self.dataBox.setEnabled(not running)
        self.presetCombo.setEnabled(not running)
        self.scratchButton.setEnabled(not running)
        self.startButton.setEnabled(not running)
        self.cancelButton.setEnabled(running)
        self.useButton.setEnabled(not running and self._result is not None)
        if not running:
            self.feed.runEnded()

    def _checked_start(self) -> tuple[TrainConfig, Path | None] | None:
        """The config and MNIST folder to train with, or None (and a warning)."""
        try:
            config = self.config()
        except ValueError as error:
            warn(self, "Check the settings", str(error))
            return None
        if not self.folderData.isChecked():
            return config, None
        folder = self.dataFolder.text().strip()
        if not folder or not Path(folder).is_dir():
            warn(self, "MNIST folder", f"{folder or '(empty)'}: not a folder. "
                                "Choose the folder that holds the MNIST files, or let digitpad find them.")
            return None
        self._settings.set_mnist_dir(folder)
        return config, Path(folder)

    @Slot()
    def startTraining(self) -> None:
        if self.isRunning() or (checked := self._checked_start()) is None:
            return
        config, data_dir = checked
        self._result = None
        self.resultLabel.clear()
        self.progressBar.setValue(0)
        control = TrainingControl(paused=self.runControls.startPaused.isChecked(),
                                  delay_seconds=self.runControls.delaySeconds())
        worker = TrainingWorker(config, self._new_run_dir(config), data_dir,
                                download=not self.folderData.isChecked(),
                                cache_dir=self._paths.mnist_cache_dir, data=self._data, control=control)
        self.feed.connectWorker(worker, config)
        worker.status.connect(self.statusLabel.setText)
        worker.downloadProgress.connect(self._download_progress)
        worker.batchProgress.connect(self._batch_progress)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        worker.diverged.connect(self._diverged)
        worker.cancelled.connect(self._cancelled)
        worker.paused.connect(self._run_paused)
        worker.continued.connect(self._run_continued)
        self._started_at, self._paused_at, self._paused_seconds = time.monotonic(), None, 0.0
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
            self._task.cancel()         # stops the control too: a paused run leaves its pause
            self.statusLabel.setText("Cancelling…")
            self.cancelButton.setEnabled(False)

    @Slot(str, int, int)
    def _download_progress(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(describe_download(name, done, total))

    @Slot(dict)
    def _batch_progress(self, progress: dict) -> None:
        fraction = progress["fraction"]
        self.progressBar.setValue(round(fraction * 1000))
        elapsed = self._training_seconds()
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
        self.statusLabel.setText(
            f"Epoch {progress['epoch']}/{progress['epochs']} · loss {progress['loss']:.4f} · "
            f"accuracy {progress['accuracy'] * 100:.2f}% · elapsed {format_duration(elapsed)} · "
            f"about {format_duration(eta)} left")
        self.runControls.showProgress(progress)
        self.trainingProgress.emit(progress)

    def _training_seconds(self) -> float:
        """Time since the start, less the pauses."""
        now = time.monotonic()
        paused = self._paused_seconds + (now - self._paused_at if self._paused_at is not None else 0.0)
        return now - self._started_at - paused

    @Slot(dict)
    def _run_paused(self, _where: dict) -> None:
        if self._paused_at is None:
            self._paused_at = time.monotonic()

    @Slot()
    def _run_continued(self) -> None:
        if self._paused_at is not None:
            self._paused_seconds += time.monotonic() - self._paused_at
            self._paused_at = None

    # -- what the run reports ---------------------------------------------------
    @Slot(int)
    def _findings_counted(self, count: int) -> None:
        index = self.sideTabs.indexOf(self.findingsPanel)
        self.sideTabs.setTabText(index, f"Findings ({count})" if count else "Findings")

    @Slot(object)
    def _succeeded(self, result) -> None:
        self._result = result
        self.progressBar.setValue(1000)
        self.statusLabel.setText(f"Finished in {format_duration(result.train_seconds)}.")
        self.resultLabel.setText(
            f"<b>Test accuracy {result.test_accuracy * 100:.2f}%</b> on the 10,000 MNIST test digits. "
            f"Saved to {escape(result.best_path)}")
        self.runLog.addEntry(f"Finished: test accuracy {result.test_accuracy * 100:.2f}%.")
        self.trainingFinished.emit(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.statusLabel.setText("Training failed.")
        warn(self, "Training failed", f"{message}\n\nThe model in use is unchanged.")

    @Slot(str, list)
    def _diverged(self, message: str, findings: list) -> None:
        """A diverged run is a lesson, not an error box: say so and show why."""
        self.feed.diverged(findings)
        self.statusLabel.setText("Training diverged.")
        self.resultLabel.setText(f"<b>The run diverged.</b> {escape(message)}. The model in use is "
                                 "unchanged; see Findings for what to change.")
        self.runLog.addEntry("Diverged: the loss or the weights stopped being numbers.")

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
        """Cancel a running training (paused or not) and wait for its thread to finish."""
        self._task.stopAndWait()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isRunning():
            answer = ask(self, "Training is running", "Stop training? The new model will not be saved.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.stopAndWait()
        super().closeEvent(event)

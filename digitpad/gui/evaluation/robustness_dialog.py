"""Model → Robustness report: how the model in use copes with rotated,
scaled, shifted, thicker or thinner, and noisy digits, and with digits
redrawn as pen strokes — computed in the background and plotted curve by
curve as the results arrive. The charts can be saved as a PNG.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget

from digitpad.gui.common.background import BackgroundTask, MnistSource, describe_download
from digitpad.gui.common.messages import plain_label, warn
from digitpad.gui.common.save_path import ask_save_path
from digitpad.gui.evaluation.robustness_plots import RobustnessPlots
from digitpad.gui.evaluation.robustness_worker import RobustnessWorker
from digitpad.nn import MLP
from digitpad.storage.atomic import write_bytes_atomically
from digitpad.train.robustness import PERTURBATIONS, PartMeasured

# mnist, the five perturbations, the redrawn digits, the templates
PARTS = 1 + len(PERTURBATIONS) + 2


class RobustnessDialog(QDialog):
    def __init__(self, model: MLP, model_name: str, source: MnistSource, parent: QWidget | None = None,
                 sample: int = 2000, drawn_sample: int = 300) -> None:
        super().__init__(parent)
        self.setObjectName("robustnessDialog")
        self.setWindowTitle(f"Robustness report — {model_name}")
        self._report = None
        self._build()
        worker = RobustnessWorker(model, source, sample, drawn_sample)
        worker.downloadProgress.connect(self._downloading)
        worker.partMeasured.connect(self._part_measured)
        worker.succeeded.connect(self._succeeded)
        worker.failed.connect(self._failed)
        self._task = BackgroundTask(self)
        self._task.start(worker)

    def _build(self) -> None:
        self.plots = RobustnessPlots()
        self.progressBar = QProgressBar()
        self.progressBar.setRange(0, PARTS)
        self.progressBar.setValue(0)
        self.progressBar.setToolTip("How many parts of the report are done")
        self.progressBar.setWhatsThis(
            "The report has eight parts: plain MNIST, five ways of changing the test digits, the digits "
            "redrawn with a pen, and the pen templates. Each chart appears as soon as its part is done.")
        self.statusLabel = plain_label("Loading the MNIST test digits…")
        self.saveButton = QPushButton("Save image…")
        self.saveButton.setEnabled(False)
        self.saveButton.setToolTip("Save the charts as a PNG picture")
        self.saveButton.setWhatsThis("Saves all six charts and the headline figures as one PNG picture, "
                                     "for a report or to compare two models side by side.")
        self.saveButton.clicked.connect(self.saveImage)
        close = QPushButton("Close")
        close.setToolTip("Close the report (a report being made is stopped)")
        close.setWhatsThis("Closes this window. A report still being computed is stopped; nothing is lost.")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.statusLabel, 1)
        buttons.addWidget(self.saveButton)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.progressBar)
        layout.addLayout(buttons)
        self.resize(1120, 800)

    def report(self):
        return self._report

    def isRunning(self) -> bool:
        return self._task.isRunning()

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(describe_download(name, done, total))

    @Slot(object)
    def _part_measured(self, part: PartMeasured) -> None:
        if part.curve is not None:
            self.plots.addCurve(part.curve)
        if part.accuracy is not None:
            self.plots.setFigure(part.step, part.accuracy)
        self.progressBar.setValue(self.progressBar.value() + 1)
        self.statusLabel.setText("Measuring…" if self.progressBar.value() < PARTS else "Done.")

    @Slot(object)
    def _succeeded(self, report) -> None:
        self._report = report
        self.saveButton.setEnabled(True)
        self.statusLabel.setText("Done.")

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.statusLabel.setText("The report could not be made.")
        warn(self, "Robustness report", message)

    @Slot()
    def saveImage(self) -> None:
        path = ask_save_path(self, "Save robustness charts", Path.home() / "robustness.png",
                             "PNG images (*.png)", ".png")
        if path is None:
            return
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        try:
            if not self.plots.grab().save(buffer, "PNG"):
                raise OSError(0, "the charts could not be turned into a PNG image")
            write_bytes_atomically(path, bytes(buffer.data()))
        except OSError as error:
            warn(self, "Save image", f"{path}: the image could not be written ({error.strerror or error}).")

    def closeEvent(self, event: QCloseEvent) -> None:
        self._task.stopAndWait()
        super().closeEvent(event)

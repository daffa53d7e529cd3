"""Model → Robustness report: how the model in use copes with rotated,
scaled, shifted, thicker or thinner, and noisy digits, and with digits
redrawn as pen strokes — computed in the background and plotted curve by
curve as the results arrive. The charts can be saved as a PNG.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from digitpad.gui.background import start_worker
from digitpad.gui.robustness_plots import RobustnessPlots
from digitpad.gui.robustness_worker import RobustnessWorker
from digitpad.nn import MLP
from digitpad.train.robustness import PERTURBATIONS, Curve

# mnist, the five perturbations, the redrawn digits, the templates
PARTS = 1 + len(PERTURBATIONS) + 2


class RobustnessDialog(QDialog):
    def __init__(self, model: MLP, model_name: str, data_dir: Path | None, download: bool,
                 cache_dir: Path | None, parent: QWidget | None = None, sample: int = 2000,
                 drawn_sample: int = 300) -> None:
        super().__init__(parent)
        self.setObjectName("robustnessDialog")
        self.setWindowTitle(f"Robustness report — {model_name}")
        self.plots = RobustnessPlots()
        self.progressBar = QProgressBar()
        self.progressBar.setRange(0, PARTS)
        self.progressBar.setValue(0)
        self.statusLabel = QLabel("Loading the MNIST test digits…")
        self.saveButton = QPushButton("Save image…")
        self.saveButton.setEnabled(False)
        self.saveButton.clicked.connect(self.saveImage)
        close = QPushButton("Close")
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
        self._report = None
        self._worker = RobustnessWorker(model, data_dir, download, cache_dir, sample, drawn_sample)
        self._worker.downloadProgress.connect(self._downloading)
        self._worker.partReady.connect(self._part_ready)
        self._worker.succeeded.connect(self._succeeded)
        self._worker.failed.connect(self._failed)
        self._worker.done.connect(self._done)
        self._thread = start_worker(self._worker, self)

    def report(self):
        return self._report

    def isRunning(self) -> bool:
        return self._thread is not None

    @Slot(str, int, int)
    def _downloading(self, name: str, done: int, total: int) -> None:
        self.statusLabel.setText(f"Downloading {name}: {done / 1e6:.1f} MB" + (f" of {total / 1e6:.1f} MB" if total > 0 else ""))

    @Slot(str, object)
    def _part_ready(self, step: str, result) -> None:
        if isinstance(result, Curve):
            self.plots.addCurve(result)
            if step == "drawn":
                means = [sum(series) / len(series) for series in result.accuracy.values()]
                self.plots.setFigure("drawn", sum(means) / len(means))
        else:
            self.plots.setFigure(step, float(result))
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
        QMessageBox.warning(self, "Robustness report", message)

    @Slot()
    def _done(self) -> None:
        self._thread = None

    @Slot()
    def saveImage(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save robustness charts", str(Path.home() / "robustness.png"),
                                              "PNG images (*.png)")
        if path and not self.plots.grab().save(path if path.endswith(".png") else path + ".png"):
            QMessageBox.warning(self, "Save image", f"{path}: the image could not be written.")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._thread is not None:
            self._worker.cancel()
            self._thread.quit()
            self._thread.wait()
        super().closeEvent(event)

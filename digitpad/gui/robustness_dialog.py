"""Model → Robustness report: how the model in use copes with rotated,
scaled, shifted, thicker or thinner, and noisy digits, and with digits
redrawn as pen strokes — computed in the background and plotted curve by
curve as the results arrive. The charts can be saved as a PNG.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)

from digitpad.gui.background import start_worker
from digitpad.gui.messages import plain_label, warn
from digitpad.gui.robustness_plots import RobustnessPlots
from digitpad.gui.robustness_worker import RobustnessWorker
from digitpad.gui.save_path import ask_save_path
from digitpad.nn import MLP
from digitpad.storage.atomic import write_bytes_atomically
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
        self.statusLabel = plain_label("Loading the MNIST test digits…")
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
        warn(self, "Robustness report", message)

    @Slot()
    def _done(self) -> None:
        self._thread = None

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
        if self._thread is not None:
            self._worker.cancel()
            self._thread.quit()
            self._thread.wait()
        super().closeEvent(event)

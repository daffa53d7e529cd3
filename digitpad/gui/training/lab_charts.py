"""The training lab's live charts, one tab each: loss and accuracy, each
layer's gradient size (log scale), its inactive units, its weights now
against the start, the first layer's units as a live mosaic, and the
training digits beside the distorted versions the network is shown. The
dialog feeds it from the training's progress reports, diagnostics records
and weight copies (all on the GUI thread); each call only updates what it
concerns and keeps a bounded amount, so a long run costs the same as a
short one, and the weight pictures are redrawn only on their own tab. ``exportState`` says what each chart holds, for tests.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.training import lab_plotting as plotting
from digitpad.gui.training import lab_texts as texts
from digitpad.gui.training.first_layer_panel import FirstLayerPanel
from digitpad.gui.training.gradient_chart import GradientChart
from digitpad.gui.training.inactive_chart import InactiveChart
from digitpad.gui.training.loss_chart import LossChart
from digitpad.gui.training.training_digits_preview import TrainingDigitsPreview
from digitpad.gui.training.weight_histograms import WeightHistograms

# (attribute, tab title, tooltip) in tab order.
TABS = (("lossChart", "Loss", texts.LOSS_TIP), ("gradientChart", "Gradients", texts.GRADIENTS_TIP),
        ("inactiveChart", "Inactive units", texts.INACTIVE_TIP), ("weightHistograms", "Weights", texts.WEIGHTS_TIP),
        ("firstLayer", "First layer", texts.MOSAIC_TIP), ("trainingDigits", "Training digits", texts.DIGITS_TIP))


class LabCharts(QTabWidget):
    unitClicked = Signal(int)       # a first-layer unit was clicked (and enlarged)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labCharts")
        self.setDocumentMode(True)
        self.lossChart = LossChart()
        self.gradientChart = GradientChart()
        self.inactiveChart = InactiveChart()
        self.weightHistograms = WeightHistograms()
        self.firstLayer = FirstLayerPanel()
        self.trainingDigits = TrainingDigitsPreview()
        for index, (attribute, title, tip) in enumerate(TABS):
            self.addTab(getattr(self, attribute), title)
            self.setTabToolTip(index, tip)
        self.firstLayer.unitClicked.connect(self.unitClicked)
        explain(self, texts.TABS_TIP, texts.TABS)
        self._layers: list[tuple[str, str | None]] = []
        self._batches = 0               # batches per epoch, once known
        self._records = 0
        self._weights_seen = 0
        self.startRun([])

    def startRun(self, layers: list[tuple[str, str | None]]) -> None:
        """Clear every chart for a run of these Dense ``layers``: (name, activation after it),
        input side first."""
        self._layers = [(str(name), activation) for name, activation in layers]
        self._batches, self._records, self._weights_seen = 0, 0, 0
        titles = plotting.layer_titles(self._layers)
        placed = [(position, name, activation) for position, (name, activation) in enumerate(self._layers)]
        self.lossChart.clear()
        self.gradientChart.setLayers(placed, titles)
        self.inactiveChart.setLayers(placed, titles)
        self.weightHistograms.setLayers(placed, titles)
        first = self._layers[0][0] if self._layers else None
        self.firstLayer.clear(titles.get(first, "the first layer"))

    def addBatch(self, progress: dict) -> None:
        """A progress report of the running training (see the module's docstring)."""
        self._batches = max(self._batches, int(progress.get("batches") or 0))
        self.lossChart.addBatch(progress)

    def addEpoch(self, logs: dict) -> None:
        self.lossChart.addEpoch(logs)

    def addDiagnostics(self, record) -> None:
        """A ``digitpad.train.diagnostics.DiagnosticsRecord``, or a list of them
        (as ``TrainingWorker.diagnosticsReady`` sends them)."""
        if isinstance(record, (list, tuple)):
            for each in record:
                self.addDiagnostics(each)
            return
        if record.epoch_end:
            self._batches = max(self._batches, record.batch)
        x = plotting.epoch_position(record.epoch, record.batch, max(self._batches, record.batch))
        self._records += 1
        self.gradientChart.addRecord(x, record)
        self.inactiveChart.addRecord(x, record)

    def showWeights(self, weights: dict[str, np.ndarray]) -> None:
        """Copies of the Dense layers' weights; the first call of a run is its start."""
        is_start = self._weights_seen == 0
        self._weights_seen += 1
        self.weightHistograms.setWeights(weights, is_start)
        first = self._layers[0][0] if self._layers else next(iter(weights), None)
        if first in weights:
            self.firstLayer.setWeights(weights[first], is_start)

    def setTrainingDigits(self, images: np.ndarray, labels: np.ndarray, augment) -> None:
        """The training set (by reference) and the run's augmentation, or None."""
        self.trainingDigits.setTrainingDigits(images, labels, augment)

    def exportState(self) -> dict:
        """What each chart holds now: counts of points, histograms, units shown…"""
        return {"layers": list(self._layers), "batches_per_epoch": self._batches, "records": self._records,
                "weights_seen": self._weights_seen, "loss": self.lossChart.state(),
                "gradients": self.gradientChart.state(), "gradient_signal": self.gradientChart.signal(),
                "gradient_log_scale": self.gradientChart.isLogScale(), "inactive": self.inactiveChart.state(),
                "weights": self.weightHistograms.state(), "first_layer": self.firstLayer.state(),
                "training_digits": self.trainingDigits.state()}

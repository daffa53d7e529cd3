"""The lab's loss and accuracy, side by side against epochs: each batch's
own loss faint behind its smoothed trend, a dot per epoch for the epoch's
mean on the training digits and, in orange, for the validation digits.
Accuracy is drawn the same way (smoothed, per epoch, validation). Batch
lines keep at most ``MAX_POINTS`` points, thinning out as a run grows; a
check box puts the loss on a logarithmic axis.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.training import lab_plotting as plotting
from digitpad.gui.training import lab_texts as texts
from digitpad.gui.training.lab_plotting import DecimatedSeries

MAX_POINTS = 2000
# (chart, series) of the lines fed by batches, then of those fed by epochs.
BATCH_LINES = (("loss", "batch"), ("loss", "smoothed"), ("accuracy", "smoothed"))
EPOCH_LINES = (("loss", "epoch"), ("loss", "val"), ("accuracy", "epoch"), ("accuracy", "val"))


class LossChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the training dialog only, never at start-up

        self._pg = pyqtgraph
        self.setObjectName("lossChart")
        self._series = {key: DecimatedSeries(MAX_POINTS) for key in BATCH_LINES + EPOCH_LINES}
        self._lines = {}
        self._waiting = {}
        self.lossPlot = self._make_plot("loss", "Loss (lower is better)", "loss", texts.LOSS_TIP, texts.LOSS)
        self.accuracyPlot = self._make_plot("accuracy", "Accuracy (higher is better)", "accuracy (%)",
                                            texts.ACCURACY_TIP, texts.ACCURACY)
        self.logScale = explain(QCheckBox("Logarithmic loss axis"), texts.LOG_LOSS_TIP, texts.LOG_LOSS)
        self.logScale.setObjectName("logLoss")
        self.logScale.toggled.connect(lambda on: self.lossPlot.setLogMode(y=on))
        plots = QHBoxLayout()
        plots.setContentsMargins(0, 0, 0, 0)
        plots.addWidget(self.lossPlot)
        plots.addWidget(self.accuracyPlot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(plots, 1)
        layout.addWidget(self.logScale)
        explain(self, texts.LOSS_TIP, texts.LOSS)
        self.clear()

    def _make_plot(self, chart: str, title: str, axis: str, tip: str, whats_this: str):
        pg = self._pg
        plot = explain(plotting.make_plot(pg, title, axis), tip, whats_this)
        plot.setObjectName(f"{chart}Plot")
        self._waiting[chart] = plotting.add_waiting_text(pg, plot)
        if chart == "loss":
            plotting.follow_log_ticks(plot)
            plotting.add_legend(plot)
            self._lines[(chart, "batch")] = plot.plot(name="each batch", pen=pg.mkPen(plotting.BATCH_COLOUR, width=1))
        else:
            plotting.add_legend(plot, offset=(-8, -30))      # accuracy rises: bottom right is free
        self._lines[(chart, "smoothed")] = plot.plot(name="training, smoothed",
                                                     pen=pg.mkPen(plotting.TRAIN_COLOUR, width=2))
        self._lines[(chart, "epoch")] = plot.plot(name="training, epoch mean", pen=None, symbol="o", symbolSize=7,
                                                  symbolBrush=plotting.TRAIN_COLOUR, symbolPen="w")
        self._lines[(chart, "val")] = plot.plot(name="validation", pen=pg.mkPen(plotting.VALIDATION_COLOUR, width=2),
                                                symbol="o", symbolSize=7,
                                                symbolBrush=plotting.VALIDATION_COLOUR, symbolPen="w")
        return plot

    def clear(self) -> None:
        for series in self._series.values():
            series.clear()
        for line in self._lines.values():
            line.setData([], [])
        for waiting in self._waiting.values():
            waiting.setVisible(True)
        self.lossPlot.setXRange(0, 1, padding=0.02)
        self.accuracyPlot.setXRange(0, 1, padding=0.02)
        self.lossPlot.enableAutoRange(x=True, y=True)
        self.accuracyPlot.enableAutoRange(x=True, y=True)

    def _append(self, key: tuple[str, str], x: float, y) -> None:
        if y is None or not math.isfinite(y):
            return                  # a diverged run's inf or nan would flatten the chart
        series = self._series[key]
        if key[0] == "accuracy":
            y = 100.0 * y
        if series.append(x, y):
            self._lines[key].setData(*series.data())
            self._waiting[key[0]].setVisible(False)

    def addBatch(self, progress: dict) -> None:
        x = plotting.epoch_position(progress["epoch"], progress["batch"], progress["batches"])
        self._append(("loss", "batch"), x, progress.get("batch_loss"))
        self._append(("loss", "smoothed"), x, progress.get("smoothed_loss"))
        self._append(("accuracy", "smoothed"), x, progress.get("smoothed_accuracy"))

    def addEpoch(self, logs: dict) -> None:
        epoch = logs["epoch"]
        # An epoch's training mean is taken over the whole epoch: it is drawn in its middle.
        self._append(("loss", "epoch"), epoch - 0.5, logs.get("train_loss"))
        self._append(("accuracy", "epoch"), epoch - 0.5, logs.get("train_accuracy"))
        self._append(("loss", "val"), epoch, logs.get("val_loss"))
        self._append(("accuracy", "val"), epoch, logs.get("val_accuracy"))

    def points(self, chart: str, series: str) -> tuple[list[float], list[float]]:
        """The plotted ``(x, y)`` of ``chart`` ("loss"/"accuracy", in %) and ``series``
        ("batch", "smoothed", "epoch", "val")."""
        xs, ys = self._series[(chart, series)].data()
        return xs.tolist(), ys.tolist()

    def state(self) -> dict:
        return {f"{chart}/{series}": data.count for (chart, series), data in self._series.items()}

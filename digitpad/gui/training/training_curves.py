"""Live training curves for the retrain dialog: loss and accuracy against
epochs, for the training batches (an exponentially smoothed value, updated while an
epoch is under way) and the validation digits (one point per epoch). Drawn with
pyqtgraph, which redraws quickly enough to follow training live.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

TRAIN_COLOUR = (38, 110, 220)
VALIDATION_COLOUR = (220, 110, 40)


class TrainingCurves(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # imported with the dialog, never at start-up

        self.setObjectName("trainingCurves")
        pyqtgraph.setConfigOptions(antialias=True, background="w", foreground=(60, 60, 70))
        self._plots = {}
        self._lines = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # Loss falls and accuracy rises: keep each legend in the corner the curves leave free.
        for name, label, legend_offset in (("loss", "Loss", (-10, 10)), ("accuracy", "Accuracy", (-10, -40))):
            plot = pyqtgraph.PlotWidget()
            plot.setObjectName(f"{name}Plot")
            plot.setMinimumHeight(170)
            plot.setTitle(label)
            plot.setLabel("bottom", "epoch")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.addLegend(offset=legend_offset)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            self._plots[name] = plot
            self._lines[(name, "train")] = plot.plot([], [], name="training",
                                                     pen=pyqtgraph.mkPen(TRAIN_COLOUR, width=2))
            self._lines[(name, "val")] = plot.plot([], [], name="validation",
                                                   pen=pyqtgraph.mkPen(VALIDATION_COLOUR, width=2),
                                                   symbol="o", symbolSize=6,
                                                   symbolBrush=VALIDATION_COLOUR, symbolPen=None)
            layout.addWidget(plot)
        self.clear()

    def clear(self) -> None:
        self._data = {key: ([], []) for key in self._lines}
        for line in self._lines.values():
            line.setData([], [])

    def points(self, name: str, series: str) -> tuple[list[float], list[float]]:
        """The plotted ``(x, y)`` of ``name`` ("loss"/"accuracy") and ``series`` ("train"/"val")."""
        xs, ys = self._data[(name, series)]
        return list(xs), list(ys)

    def _append(self, name: str, series: str, x: float, y: float) -> None:
        xs, ys = self._data[(name, series)]
        xs.append(x)
        ys.append(y)
        self._lines[(name, series)].setData(xs, ys)

    def addBatchProgress(self, progress: dict) -> None:
        x = progress["epoch"] - 1 + progress["batch"] / progress["batches"]
        self._append("loss", "train", x, progress["smoothed_loss"])
        self._append("accuracy", "train", x, progress["smoothed_accuracy"])

    def addEpoch(self, logs: dict) -> None:
        if logs.get("val_loss") is not None:
            self._append("loss", "val", logs["epoch"], logs["val_loss"])
            self._append("accuracy", "val", logs["epoch"], logs["val_accuracy"])

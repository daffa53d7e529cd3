"""The lab's gradient chart: the size (norm) of each layer's weight
gradient over the run, one line per layer on a logarithmic axis, because
layers can differ a thousandfold. A choice beside it shows instead how big
each step is against the weights it changes (the update-to-weight ratio),
whose rule-of-thumb healthy value, about 0.001, is marked.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.training import lab_texts as texts
from digitpad.gui.training.layer_lines_chart import LayerLinesChart

# (signal, choice's words, chart title, axis)
SIGNALS = (("grad_norm", "Gradient size", "Gradient size per layer (log scale)", "gradient norm"),
           ("update_ratio", "Step size ÷ weight size", "Each step against the weights (log scale)",
            "update ÷ weights"))
HEALTHY_RATIO = 1e-3


class GradientChart(LayerLinesChart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(SIGNALS[0][2], SIGNALS[0][3], tuple(signal for signal, *_ in SIGNALS),
                         log_y=True, parent=parent)
        self.setObjectName("gradientChart")
        self.plot.setObjectName("gradientPlot")
        self.signalChoice = explain(QComboBox(), texts.GRADIENT_SIGNAL_TIP, texts.GRADIENT_SIGNAL)
        self.signalChoice.setObjectName("gradientSignal")
        for signal, words, *_ in SIGNALS:
            self.signalChoice.addItem(words, signal)
        self.signalChoice.currentIndexChanged.connect(
            lambda index: self.setSignal(self.signalChoice.itemData(index)))
        self._healthy = self._pg.InfiniteLine(
            math.log10(HEALTHY_RATIO), angle=0, pen=self._pg.mkPen((150, 155, 165), width=1, style=Qt.PenStyle.DashLine),
            label="about right", labelOpts={"position": 0.06, "color": (120, 124, 136), "anchors": [(0, 1), (0, 1)]})
        row = QHBoxLayout()
        row.addWidget(QLabel("Show:"))
        row.addWidget(self.signalChoice)
        row.addStretch(1)
        self._layout.addLayout(row)
        explain(self.plot, texts.GRADIENTS_TIP, texts.GRADIENTS)
        explain(self, texts.GRADIENTS_TIP, texts.GRADIENTS)

    def setSignal(self, signal: str) -> None:
        _, _, title, axis = next(entry for entry in SIGNALS if entry[0] == signal)
        self.plot.setTitle(title, size="9pt")
        self.plot.setLabel("left", axis)
        if signal == "update_ratio":
            # On a log axis the view's coordinates are powers of ten, and a line is placed in them.
            self._healthy.setValue(math.log10(HEALTHY_RATIO))
            if self._healthy.scene() is None:
                self.plot.addItem(self._healthy)
        elif self._healthy.scene() is not None:
            self.plot.removeItem(self._healthy)
        super().setSignal(signal)
        if self.signalChoice.currentData() != signal:
            self.signalChoice.setCurrentIndex(self.signalChoice.findData(signal))

    def isLogScale(self) -> bool:
        return bool(self.plot.getPlotItem().ctrl.logYCheck.isChecked())

"""How bright the pixels are: a pyqtgraph bar chart of the ink levels of
one split's pixels, in groups of 8 levels, as a share of the inked pixels
(blank ones, most of every picture, are left out and counted in the
title instead). Pointing at a bar puts its numbers in the tooltip.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from digitpad.data.mnist.summary import LEVELS, SplitSummary, binned
from digitpad.gui.dataview import texts

BIN = 8
BAR_COLOUR = (70, 80, 100)


class PixelHistogram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with this window only, never at start-up

        self._pg = pyqtgraph
        self.setObjectName("pixelHistogram")
        self.plot = pyqtgraph.PlotWidget(background="w")
        self.plot.setObjectName("pixelHistogramChart")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMinimumSize(260, 170)
        self.plot.showGrid(x=False, y=True, alpha=0.2)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pyqtgraph.mkPen((60, 60, 70)))
            axis.setTextPen(pyqtgraph.mkPen((60, 60, 70)))
            axis.enableAutoSIPrefix(False)
        self.plot.setLabel("left", "share of inked pixels (%)")
        self.plot.setLabel("bottom", "ink level (1 = faintest, 255 = full ink)")
        self.plot.getAxis("bottom").setTicks([[(value, str(value)) for value in (1, 64, 128, 192, 255)]])
        self.plot.setXRange(-2, LEVELS + 6, padding=0)
        self._bars = None
        self._starts = np.zeros(0, np.int64)
        self._counts = np.zeros(0, np.int64)
        self._summary: SplitSummary | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.plot.scene().sigMouseMoved.connect(self._pointer_moved)

    def setSummary(self, summary: SplitSummary) -> None:
        self._summary = summary
        self._starts, self._counts = binned(summary.histogram, BIN)
        heights = self._counts / max(int(self._counts.sum()), 1) * 100
        if self._bars is not None:
            self.plot.removeItem(self._bars)
        self._bars = self._pg.BarGraphItem(x0=self._starts, width=BIN * 0.85, height=heights,
                                           brush=self._pg.mkBrush(BAR_COLOUR), pen=None)
        self.plot.addItem(self._bars)
        self.plot.setYRange(0, float(heights.max()) * 1.08, padding=0)
        self.plot.setTitle(f"{summary.blank_share:.0%} of all pixels are blank (level 0) and not shown",
                           size="9pt", color="#505060")

    def shares(self) -> np.ndarray:
        """The bars' heights: each group's share of the inked pixels (0 to 1)."""
        return self._counts / max(int(self._counts.sum()), 1)

    def barAt(self, level: float) -> int | None:
        """The bar covering ink ``level`` (None outside the bars)."""
        if not len(self._starts) or level < self._starts[0] or level >= LEVELS:
            return None
        return int(min((level - self._starts[0]) // BIN, len(self._starts) - 1))

    def _pointer_moved(self, position: QPointF) -> None:
        bar = self.barAt(self.plot.getViewBox().mapSceneToView(position).x())
        if bar is None or self._summary is None:
            self.plot.setToolTip(texts.HISTOGRAM_TIP)
            return
        start = int(self._starts[bar])
        end = min(start + BIN - 1, LEVELS - 1)
        self.plot.setToolTip(texts.histogram_bar(start, end, int(self._counts[bar]), int(self._counts.sum())))

"""A reliability diagram: can the model's confidence be taken at its word?
The MNIST test digits are sorted by the confidence the model gave its answer
into equal-width bins; for each bin the chart shows the share it read right
against the confidence, before calibration (T = 1, orange points) and after
(the model's temperature, blue bars), with the diagonal where the two are
equal. A small chart below counts the digits in each bin (log scale), and a
line of text gives the expected calibration error before and after in words.
The numbers come from the checkpoint's ``calibration`` record, so nothing is
computed when the window opens.
"""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.model.calibration import Reliability

BEFORE_COLOUR = (225, 120, 40)
AFTER_COLOUR = (38, 110, 220)

DIAGRAM_HELP = (
    "A reliability diagram. The MNIST test digits are sorted by how sure the model was of its answer "
    "into bins of equal width (0–6.7%, 6.7–13.3%, …, 93.3–100%). For each bin it shows the share of those "
    "digits the model read right. A model whose confidence is honest has its points on the grey diagonal: "
    "of the digits it is 80% sure of, 80% are right. Orange points are the probabilities as trained "
    "(temperature 1): label smoothing taught the network never to be quite sure, so they lie above the "
    "diagonal — it is right more often than it says. Blue bars are the calibrated probabilities the app "
    "shows, after dividing every score by the fitted temperature.")
COUNTS_HELP = (
    "How many test digits fall into each confidence bin, before (orange) and after (blue) calibration, "
    "on a log scale. After calibration nearly all digits are in the last bin: read correctly and shown "
    "as almost certain. A bin with few digits gives a rough estimate of accuracy.")
SUMMARY_HELP = (
    "The expected calibration error (ECE) is the gap between confidence and accuracy, averaged over "
    "the bins and weighted by how many digits each holds. 0% means perfectly honest confidence.")


def calibration_words(calibration: Mapping) -> str:
    """The calibration figures in words, for a learner (rich text)."""
    temperature = calibration["temperature"]
    before, after = calibration.get("test_ece_before"), calibration.get("test_ece_after")
    words = [f"Calibrated with temperature T = {temperature:.3g}: every score is divided by it before the "
             "softmax, which makes the network sound "
             f"{'surer' if temperature < 1 else 'less sure'} but never changes its answer."]
    if before is not None and after is not None:
        words.append(f"On the MNIST test digits its confidence was off by <b>{before:.1%}</b> on average "
                     f"before (expected calibration error) and by <b>{after:.1%}</b> after.")
    right_before = calibration.get("test_median_confidence_right_before")
    right_after = calibration.get("test_median_confidence_right_after")
    if right_before is not None and right_after is not None:
        words.append(f"A typical digit it reads right was shown as {right_before:.1%} sure; "
                     f"now {right_after:.2%}.")
    return " ".join(words)


def _colour(rgb: tuple[int, int, int]) -> str:
    return "#%02x%02x%02x" % rgb


def _legend(before: Reliability, after: Reliability) -> str:
    items = [f"<span style='color:{_colour(AFTER_COLOUR)}'>■</span> calibrated, as the app shows it "
             f"(ECE {after.ece:.1%})",
             f"<span style='color:{_colour(BEFORE_COLOUR)}'>●</span> as trained, T = 1 (ECE {before.ece:.1%})",
             "<span style='color:#787878'>╌╌</span> honest: right as often as sure"]
    return " &nbsp; ".join(f"<span style='white-space:nowrap'>{item}</span>" for item in items)


class ReliabilityDiagram(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the window only, never at start-up

        self._pyqtgraph = pyqtgraph
        self.setObjectName("reliabilityDiagram")
        pyqtgraph.setConfigOptions(antialias=True, background="w", foreground=(60, 60, 70))
        self.summary = explain(QLabel("Not calibrated."), "Expected calibration error before and after",
                               SUMMARY_HELP)
        self.summary.setObjectName("calibrationSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.legend = explain(QLabel(), "What the colours mean", DIAGRAM_HELP)
        self.legend.setObjectName("reliabilityLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.plot = explain(pyqtgraph.PlotWidget(), "Share read right against confidence, per bin",
                            DIAGRAM_HELP)
        self.plot.setObjectName("reliabilityPlot")
        self.countPlot = explain(pyqtgraph.PlotWidget(), "Test digits per confidence bin (log scale)",
                                 COUNTS_HELP)
        self.countPlot.setObjectName("binCountPlot")
        for plot in (self.plot, self.countPlot):
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setXRange(0, 1, padding=0.02)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.getAxis("left").setWidth(56)
        self.plot.setYRange(0, 1, padding=0.05)
        # One confidence axis for both charts, numbered under the lower one.
        self.plot.setXLink(self.countPlot)
        self.plot.getAxis("bottom").setStyle(showValues=False)
        self.plot.setLabel("left", "share read right")
        self.plot.setMinimumSize(360, 260)
        self.countPlot.setLabel("bottom", "confidence (top probability)")
        self.countPlot.setLabel("left", "digits")
        self.countPlot.setFixedHeight(170)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.countPlot)
        self._after: Reliability | None = None

    def bins(self) -> int:
        """How many bins are drawn (0 with nothing to draw)."""
        return 0 if self._after is None else len(self._after.counts)

    def setCalibration(self, calibration: Mapping | None) -> None:
        """Draw a checkpoint's validated ``calibration`` record (None: not calibrated)."""
        self.plot.clear()
        self.countPlot.clear()
        self._after = None
        try:
            before = Reliability.from_record(calibration["test_reliability_before"])
            after = Reliability.from_record(calibration["test_reliability_after"])
        except (KeyError, TypeError, ValueError):
            self.summary.setText(calibration_words(calibration) if calibration else
                                 "This model is not calibrated: its probabilities are as trained (T = 1).")
            self.legend.setText("")
            return
        self._after = after
        self.summary.setText(calibration_words(calibration))
        self.legend.setText(_legend(before, after))
        self._draw_accuracy(before, after)
        self._draw_counts(before, after)

    def _draw_accuracy(self, before: Reliability, after: Reliability) -> None:
        pg = self._pyqtgraph
        width = 1.0 / len(after.counts)
        filled = after.counts > 0
        centres = (after.edges[:-1] + width / 2)[filled]
        self.plot.addItem(pg.BarGraphItem(x=centres, height=after.accuracy[filled], width=width * 0.9,
                                          brush=(*AFTER_COLOUR, 150), pen=pg.mkPen(AFTER_COLOUR)))
        self.plot.plot([0, 1], [0, 1], pen=pg.mkPen((120, 120, 120), width=1.5, style=Qt.PenStyle.DashLine))
        shown = before.counts > 0
        self.plot.plot(before.mean_confidence[shown], before.accuracy[shown], pen=None, symbol="o",
                       symbolSize=8, symbolBrush=BEFORE_COLOUR, symbolPen=None)

    def _draw_counts(self, before: Reliability, after: Reliability) -> None:
        pg = self._pyqtgraph
        width = 1.0 / len(after.counts)
        left = after.edges[:-1]
        for reliability, offset, colour in ((before, 0.28, BEFORE_COLOUR), (after, 0.72, AFTER_COLOUR)):
            heights = np.log10(reliability.counts + 1)
            self.countPlot.addItem(pg.BarGraphItem(x=left + width * offset, height=heights, width=width * 0.4,
                                                   brush=colour, pen=None))
        top = max(1, math.ceil(math.log10(max(int(before.counts.max()), int(after.counts.max()), 1) + 1)))
        self.countPlot.setYRange(0, top, padding=0.05)
        # Bars are log10(count + 1) high: 0 for an empty bin, about 1 for ten digits.
        ticks = [(power, "0" if power == 0 else f"{10 ** power:,}") for power in range(top + 1)]
        self.countPlot.getAxis("left").setTicks([ticks])

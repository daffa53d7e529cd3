"""The lab's damage curves: accuracy against how much of each layer's
smallest weights is pruned (0–99%) and against how much noise is added to
the weights, each measured with the user's other edits kept, on a sample of
the test digits (said in the titles). The current setting is marked by a
dashed line and the edited network by a dot; a grey line shows what
guessing would score. Filled in point by point as the background work
measures them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.lab import lab_texts as texts
from digitpad.gui.lab.comparison_bars import EDITED
from digitpad.gui.lab.lab_events import CURVE_DIGITS, CURVE_LEVELS, DamageCurve

CURVE_COLOUR = (70, 80, 100)
STALE_COLOUR = (195, 200, 210)
CHANCE_COLOUR = (150, 155, 165)
# (kind, title, x-axis label, value shown on the x axis for a setting, chart explanation)
PLOTS = [("prune", "Pruning", "smallest weights pruned (%)", lambda value: value * 100, texts.PRUNE_CHART),
         ("noise", "Noise", "noise (× a typical weight)", lambda value: value, texts.NOISE_CHART)]
X_TICKS = {"prune": (0, 20, 40, 60, 80, 99), "noise": (0, 2, 4, 6, 8, 10)}


class DamagePlots(QWidget):
    def __init__(self, curve_digits: int = CURVE_DIGITS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the lab only, never at start-up

        self._pyqtgraph = pyqtgraph
        self._count = curve_digits
        self.setObjectName("damagePlots")
        pyqtgraph.setConfigOptions(antialias=True, background="w", foreground=(60, 60, 70))
        self._plots, self._lines, self._markers, self._dots = {}, {}, {}, {}
        self._curves: dict[str, DamageCurve] = {}
        self._settings = {"prune": 0.0, "noise": 0.0}
        self._accuracy: float | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for kind, title, axis, to_axis, _ in PLOTS:
            layout.addWidget(self._make_plot(kind, title, axis, to_axis))
        self._explain()

    def _make_plot(self, kind: str, title: str, axis: str, to_axis):
        pyqtgraph = self._pyqtgraph
        plot = pyqtgraph.PlotWidget()
        plot.setObjectName(f"{kind}Plot")
        self._set_title(plot, title, measuring=False)
        plot.setMinimumSize(290, 170)
        plot.setLabel("left", "accuracy (%)")
        plot.setLabel("bottom", axis)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        # A little room beyond both ends, so the end ticks (0, 100) keep their labels.
        plot.setYRange(-3, 106, padding=0)
        plot.getAxis("left").setTicks([[(value, str(value)) for value in range(0, 101, 20)]])
        plot.getAxis("bottom").setTicks([[(value, str(value)) for value in X_TICKS[kind]]])
        end = to_axis(CURVE_LEVELS[kind][-1])
        plot.setXRange(-0.03 * end, 1.05 * end, padding=0)
        plot.addItem(pyqtgraph.InfiniteLine(10, angle=0, pen=pyqtgraph.mkPen(CHANCE_COLOUR, width=1,
                                                                              style=Qt.PenStyle.DotLine)))
        # Bottom left: where a falling curve never is.
        guessing = pyqtgraph.TextItem("guessing", color=CHANCE_COLOUR, anchor=(0, 1))
        guessing.setPos(0, 10)
        plot.addItem(guessing)
        self._lines[kind] = plot.plot([], [], pen=pyqtgraph.mkPen(CURVE_COLOUR, width=2), symbol="o",
                                      symbolSize=5, symbolBrush=CURVE_COLOUR, symbolPen=None)
        self._markers[kind] = pyqtgraph.InfiniteLine(0, angle=90, pen=pyqtgraph.mkPen(EDITED, width=1.5,
                                                                                      style=Qt.PenStyle.DashLine))
        plot.addItem(self._markers[kind])
        self._dots[kind] = pyqtgraph.ScatterPlotItem(size=11, brush=pyqtgraph.mkBrush(EDITED),
                                                     pen=pyqtgraph.mkPen("w", width=1.5))
        plot.addItem(self._dots[kind])
        self._plots[kind] = plot
        return plot

    def _set_title(self, plot, title: str, measuring: bool) -> None:
        # Short enough for the narrowest chart: a longer title would widen the plot beyond its widget.
        plot.setTitle(f"{title}, first {self._count:,} test digits{' — measuring…' if measuring else ''}",
                      size="9pt")

    def _set_colour(self, kind: str, colour) -> None:
        line = self._lines[kind]
        line.setPen(self._pyqtgraph.mkPen(colour, width=2))
        line.setSymbolBrush(colour)

    def setStale(self, kind: str) -> None:
        """The curve shown for ``kind`` no longer fits the edits: grey it until its successor comes."""
        title = {name: title for name, title, *_ in PLOTS}[kind]
        self._set_title(self._plots[kind], title, measuring=True)
        self._set_colour(kind, STALE_COLOUR)

    def curve(self, kind: str) -> DamageCurve | None:
        """The curve shown for ``kind`` ("prune" or "noise"), or None."""
        return self._curves.get(kind)

    def setCurve(self, curve: DamageCurve) -> None:
        """Show ``curve`` (complete or as far as it is measured)."""
        title, to_axis = {kind: (title, convert) for kind, title, _, convert, _ in PLOTS}[curve.kind]
        self._set_title(self._plots[curve.kind], title, measuring=not curve.complete)
        self._set_colour(curve.kind, CURVE_COLOUR)
        self._curves[curve.kind] = curve
        levels = curve.levels[:len(curve.accuracies)]
        self._lines[curve.kind].setData([to_axis(level) for level in levels],
                                        [accuracy * 100 for accuracy in curve.accuracies])

    def clearCurves(self) -> None:
        self._curves = {}
        for line in self._lines.values():
            line.setData([], [])

    def setSettings(self, prune_fraction: float, noise: float, accuracy: float | None) -> None:
        """Mark the current pruning and noise, and the edited network's accuracy on the
        curves' test digits (None while it is being measured)."""
        self._settings = {"prune": prune_fraction, "noise": noise}
        self._accuracy = accuracy
        for kind, _, _, to_axis, _ in PLOTS:
            position = to_axis(self._settings[kind])
            self._markers[kind].setValue(position)
            self._dots[kind].setData([position] if accuracy is not None else [],
                                     [accuracy * 100] if accuracy is not None else [])
        self._explain()

    def _explain(self) -> None:
        for kind, title, _, to_axis, explanation in PLOTS:
            setting = (f"{self._settings[kind]:.0%} pruned" if kind == "prune"
                       else f"noise {self._settings[kind]:.1f}×")
            score = "" if self._accuracy is None else f", your edited network {self._accuracy:.1%}"
            explain(self._plots[kind], f"{title}: how accuracy falls (now {setting}{score})",
                    texts.with_value(explanation.format(count=self._count), f"{setting}{score}"))

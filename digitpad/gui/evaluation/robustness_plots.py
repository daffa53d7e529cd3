"""The robustness report as plots: one small chart per perturbation
(rotation, scale, shift, stroke thickness, noise) and one for digits redrawn
with a pen, each showing accuracy against the perturbation's size, above a
line of headline figures. Filled in curve by curve, so it can follow a
running evaluation; ``scripts/evaluate.py`` renders the same widget to PNG.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from digitpad.train.robustness import PERTURBATIONS, Curve

SERIES_COLOURS = [(38, 110, 220), (220, 110, 40), (40, 160, 90), (150, 80, 200)]
PLOT_ORDER = [name for name, *_ in PERTURBATIONS] + ["drawn"]
# What each chart shows, for its tooltip and its "What's This?" text.
EXPLANATIONS = {
    "rotation": "Test digits turned by up to 45 degrees either way. People rarely write perfectly upright; "
                "the preprocessing cannot undo a rotation, so both lines fall together.",
    "scale": "Test digits shrunk or enlarged. The network alone has only seen digits of one size; "
             "digitpad's preprocessing scales every drawing to that size first, so its line stays flat.",
    "shift": "Test digits moved off centre. The network alone has only seen centred digits; the "
             "preprocessing centres every drawing first, which undoes the shift.",
    "thickness": "Test digits with thinner or thicker strokes, as from a fine pen or a marker.",
    "noise": "Test digits with random speckle added, like a grainy photo. The preprocessing separates "
             "the ink from the background first, as it does for pictures you open.",
    "drawn": "Test digits traced into pen strokes and drawn again on the canvas with different pen "
             "widths and at different sizes: the closest to you writing on the canvas.",
}


class RobustnessPlots(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the report window only, never at start-up

        self._pyqtgraph = pyqtgraph
        self.setObjectName("robustnessPlots")
        pyqtgraph.setConfigOptions(antialias=True, background="w", foreground=(60, 60, 70))
        self.summary = QLabel("Evaluating…")
        self.summary.setObjectName("robustnessSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setToolTip("The headline accuracies of the report")
        self.summary.setWhatsThis(
            "How many digits the model recognises: the untouched MNIST test digits, the same digits "
            "redrawn with a pen (averaged over every pen width and size), and digitpad's pen templates "
            "of every digit, including unusual ways of writing them.")
        grid = QGridLayout()
        self._plots = {}
        titles = {name: title for name, title, *_ in PERTURBATIONS}
        titles["drawn"] = "Digits redrawn with a pen"
        for index, name in enumerate(PLOT_ORDER):
            plot = pyqtgraph.PlotWidget()
            plot.setObjectName(f"{name}Plot")
            plot.setTitle(titles[name])
            plot.setYRange(0, 1.0)
            plot.setMinimumSize(260, 200)
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setLabel("left", "accuracy")
            plot.setToolTip(f"{titles[name]}: the share of digits recognised (1.0 is all of them)")
            plot.setWhatsThis(f"{EXPLANATIONS[name]} Each point is the share of test digits recognised "
                              "at that amount of change; 1.0 means all of them.")
            self._plots[name] = plot
            grid.addWidget(plot, index // 3, index % 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(grid, 1)
        self._figures: dict[str, float] = {}
        self._curves: dict[str, Curve] = {}

    def curves(self) -> dict[str, Curve]:
        return dict(self._curves)

    def addCurve(self, curve: Curve) -> None:
        plot = self._plots[curve.name]
        plot.clear()
        plot.setLabel("bottom", curve.unit)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        # Accuracy falls towards the bottom right of the noise chart; its
        # bottom left stays free.
        legend = plot.addLegend(offset=(10, -10) if curve.name == "noise" else (-10, -10))
        for index, (series, accuracy) in enumerate(curve.accuracy.items()):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            plot.plot(curve.values, accuracy, name=series, pen=self._pyqtgraph.mkPen(colour, width=2),
                      symbol="o", symbolSize=5, symbolBrush=colour, symbolPen=None)
        legend.setVisible(len(curve.accuracy) > 1)
        self._curves[curve.name] = curve
        self._update_summary()

    def setFigure(self, name: str, value: float) -> None:
        """Headline figures: "mnist", "drawn" and "templates" accuracies."""
        self._figures[name] = value
        self._update_summary()

    def _update_summary(self) -> None:
        parts = []
        labels = {"mnist": "MNIST test", "drawn": "MNIST digits redrawn with a pen",
                  "templates": "pen templates incl. unusual styles"}
        for key, label in labels.items():
            if key in self._figures:
                parts.append(f"{label}: <b>{self._figures[key] * 100:.2f}%</b>")
        self.summary.setText(" · ".join(parts) if parts else "Evaluating…")

"""A chart of one number per layer over the run, one line per layer in
the layer's own colour, fed by the diagnostics records that arrive every
few dozen batches: the base of the gradient chart and the inactive-units
chart. It keeps the whole history it is given (at most ``MAX_POINTS`` per
line, as many records as ``Diagnostics`` holds) so a signal can be drawn
again when the chart switches to another.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitpad.gui.common.messages import escape
from digitpad.gui.training import lab_plotting as plotting
from digitpad.gui.training.lab_plotting import DecimatedSeries

MAX_POINTS = 10_000


class LayerLinesChart(QWidget):
    """Lines of ``record.layers[name].<signal>`` for the chosen layers."""

    def __init__(self, title: str, axis: str, signals: tuple[str, ...], log_y: bool = False,
                 scale: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the training dialog only, never at start-up

        self._pg = pyqtgraph
        self._signals = signals
        self._signal = signals[0]
        self._scale = scale
        self._log_y = log_y
        self.plot = plotting.make_plot(pyqtgraph, title, axis)
        self.plot.setLogMode(y=log_y)
        self._waiting = plotting.add_waiting_text(pyqtgraph, self.plot)
        if log_y:
            plotting.follow_log_ticks(self.plot)
        # The legend sits under the chart, where it can never hide a line.
        self.legend = QLabel()
        self.legend.setObjectName("layerLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.plot, 1)
        self._layout.addWidget(self.legend)
        self._names: list[str] = []
        self._series: dict[tuple[str, str], DecimatedSeries] = {}
        self._lines = {}
        self._legend_names: list[str] = []

    def setLayers(self, layers: list[tuple[int, str, str | None]], titles: dict[str, str]) -> None:
        """Start again with one line for each of ``layers``: (colour position, name, activation)."""
        for line in self._lines.values():
            self.plot.removeItem(line)
        self._names, self._series, self._lines, self._legend_names = [], {}, {}, []
        keys = []
        for position, name, activation in layers:
            self._names.append(name)
            for signal in self._signals:
                self._series[(name, signal)] = DecimatedSeries(MAX_POINTS)
            colour = plotting.layer_colour(position)
            self._lines[name] = self.plot.plot([], [], pen=self._pg.mkPen(colour, width=2))
            self._legend_names.append(self.lineName(titles[name], activation))
            keys.append(f"<span style='color:#{colour[0]:02x}{colour[1]:02x}{colour[2]:02x}; font-weight:bold'>"
                        f"&#9644;</span>&nbsp;{escape(self._legend_names[-1])}")
        self.legend.setText("&nbsp;&nbsp;&nbsp; ".join(keys))
        self._waiting.setVisible(True)
        self.plot.enableAutoRange()

    def legendNames(self) -> list[str]:
        """The legend's words for each line, in order."""
        return list(self._legend_names)

    def lineName(self, title: str, activation: str | None) -> str:
        """The legend's words for a layer's line."""
        return title

    def addRecord(self, x: float, record) -> None:
        for name in self._names:
            layer = record.layers.get(name)
            if layer is None:
                continue
            for signal in self._signals:
                value = getattr(layer, signal)
                if value is None or not math.isfinite(value) or (self._log_y and value <= 0):
                    continue        # nothing to draw: no value, a diverged run, or 0 on a log axis
                if self._series[(name, signal)].append(x, value * self._scale) and signal == self._signal:
                    self._lines[name].setData(*self._series[(name, signal)].data())
                    self._waiting.setVisible(False)

    def signal(self) -> str:
        return self._signal

    def setSignal(self, signal: str) -> None:
        """Draw ``signal`` (one of those given at construction) for every layer."""
        self._signal = signal
        for name in self._names:
            self._lines[name].setData(*self._series[(name, signal)].data())
        self.plot.enableAutoRange()

    def layerNames(self) -> list[str]:
        return list(self._names)

    def points(self, name: str, signal: str | None = None) -> tuple[list[float], list[float]]:
        """The ``(x, y)`` kept for layer ``name`` and ``signal`` (the one shown if None)."""
        xs, ys = self._series[(name, signal or self._signal)].data()
        return xs.tolist(), ys.tolist()

    def latest(self, name: str, signal: str | None = None) -> float | None:
        series = self._series[(name, signal or self._signal)]
        return float(series.ys[series.count - 1]) if series.count else None

    def state(self) -> dict:
        return {name: self._series[(name, self._signal)].count for name in self._names}

"""The lab's weight histograms: for each Dense layer, how its weights are
spread now (a filled outline in the layer's colour) against how they were
when training started (a grey dashed outline), counted in the same bins as
a share of the layer's weights. The bins are symmetric around 0 and wide
enough for nearly every weight at the start and now (at most one in a
thousand lies beyond them); they widen only when the weights outgrow them,
so the start's outline is counted again only then. Layers of more than
``SAMPLE_LIMIT`` weights are counted on an evenly spread sample of them,
which keeps a 1024 × 1024 layer to a few milliseconds, and the weights are
counted only while the histograms can be seen (the newest ones when their
tab is shown); the start is kept at once.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.common.messages import escape
from digitpad.gui.training import lab_plotting as plotting
from digitpad.gui.training import lab_texts as texts

BINS = 61                       # at most; a small layer gets fewer, so its outline is not all gaps
MIN_BINS = 15
SAMPLE_LIMIT = 200_000
COLUMNS = 3
NICE_STEPS = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def sample(weights: np.ndarray) -> np.ndarray:
    """At most about ``SAMPLE_LIMIT`` of ``weights``, evenly spread: an odd
    stride through the flat matrix visits every column and row alike."""
    flat = np.asarray(weights).ravel()
    stride = math.ceil(flat.size / SAMPLE_LIMIT)
    return flat[::stride + (stride % 2 == 0 and stride > 1)]


def spread_limit(values: np.ndarray) -> float:
    """A little beyond the magnitude only one weight in a thousand exceeds."""
    magnitudes = np.abs(values[::max(values.size // 20_000, 1)])
    finite = magnitudes[np.isfinite(magnitudes)]
    return 1.05 * float(np.quantile(finite, 0.999)) if finite.size else 0.0


def spread(values: np.ndarray) -> float:
    """The standard deviation of the finite ``values`` (nan if there are none)."""
    finite = values if np.isfinite(values).all() else values[np.isfinite(values)]
    return float(np.std(finite)) if finite.size else math.nan


def nice_ceiling(value: float) -> float:
    """The smallest 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10^k at least ``value``."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(step * power for step in NICE_STEPS if step * power >= value * (1 - 1e-9))


def bin_count(size: int) -> int:
    """An odd number of bins (one centred on 0) for a layer of ``size`` weights: about √size."""
    return int(np.clip(math.isqrt(max(size, 1)), MIN_BINS, BINS)) // 2 * 2 + 1


def shares(values: np.ndarray, limit: float) -> np.ndarray:
    """The percentage of ``values`` in each of their ``bin_count`` bins over ±``limit``."""
    counts, _ = np.histogram(values, bins=bin_count(values.size), range=(-limit, limit))
    return counts * (100.0 / max(values.size, 1))


class WeightHistograms(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the training dialog only, never at start-up

        self._pg = pyqtgraph
        self.setObjectName("weightHistograms")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(4, 4, 4, 4)
        self._grid.setSpacing(4)
        self._plots, self._curves = {}, {}
        self._titles: dict[str, str] = {}
        self._start: dict[str, np.ndarray] = {}          # sampled start weights
        self._limits: dict[str, float] = {}
        self._histograms: dict[str, dict[str, np.ndarray]] = {}
        self._spreads: dict[str, tuple[float, float]] = {}
        self._pending: dict[str, np.ndarray] | None = None
        self._start_shapes: dict[str, tuple] = {}
        explain(self, texts.WEIGHTS_TIP, texts.WEIGHTS)

    def setLayers(self, layers: list[tuple[int, str, str | None]], titles: dict[str, str]) -> None:
        """One histogram per layer, empty until weights come: (colour position, name, activation)."""
        for plot in self._plots.values():
            self._grid.removeWidget(plot)
            plot.deleteLater()
        self._plots, self._curves, self._titles = {}, {}, dict(titles)
        self._start, self._limits, self._histograms, self._spreads = {}, {}, {}, {}
        self._pending, self._start_shapes = None, {}
        pg = self._pg
        for index, (position, name, _) in enumerate(layers):
            plot = explain(plotting.make_plot(pg, escape(titles[name]), "weights (%)", "weight value",
                                              minimum=(180, 140)), texts.WEIGHTS_TIP, texts.WEIGHTS)
            plot.setObjectName(f"weights_{name}")
            colour = plotting.layer_colour(position)
            start = plot.plot(stepMode="center", name="start",
                              pen=pg.mkPen(plotting.START_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
            now = plot.plot(stepMode="center", fillLevel=0, name="now", brush=(*colour, 50),
                            pen=pg.mkPen(colour, width=2))
            self._plots[name], self._curves[name] = plot, {"start": start, "now": now}
            self._curves[name]["waiting"] = plotting.add_waiting_text(pg, plot, "Appears when\ntraining starts")
            self._grid.addWidget(plot, index // COLUMNS, index % COLUMNS)

    def setWeights(self, weights: dict[str, np.ndarray], is_start: bool) -> None:
        """Show ``weights`` (kept by reference) as now; with ``is_start`` also keep
        (a sample of) them as the start. Counted only while the histograms can be
        seen: at once, or when the tab is shown."""
        for name, matrix in weights.items():
            fresh = name not in self._start or self._start_shapes.get(name) != np.shape(matrix)
            if name in self._plots and (is_start or fresh):
                self._start_shapes[name] = np.shape(matrix)
                self._start[name] = sample(matrix).copy()
                self._limits.pop(name, None)
        self._pending = weights
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Count the newest weights given, if not counted yet."""
        weights, self._pending = self._pending, None
        for name, matrix in (weights or {}).items():
            if name in self._plots:
                self._show(name, sample(matrix))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def _show(self, name: str, values: np.ndarray) -> None:
        start = self._start[name]
        needed = max(spread_limit(start), spread_limit(values), 1e-6)
        limit = self._limits.get(name)
        histograms = self._histograms.setdefault(name, {})
        if limit is None or needed > limit or needed < limit / 3:
            limit = self._limits[name] = nice_ceiling(needed)
            histograms["start"] = shares(start, limit)
            histograms["edges"] = np.linspace(-limit, limit, bin_count(start.size) + 1)
        histograms["now"] = shares(values, limit)
        for which in ("start", "now"):
            self._curves[name][which].setData(histograms["edges"], histograms[which])
        self._curves[name]["waiting"].setVisible(False)
        self._spreads[name] = (spread(start), spread(values))
        title = (f"{escape(self._titles[name])}<br><span style='color:#5a6070'>spread "
                 f"{self._spreads[name][0]:.3f} → {self._spreads[name][1]:.3f}</span>")
        self._plots[name].setTitle(title, size=plotting.TITLE_SIZE)

    def histogram(self, name: str, which: str) -> tuple[np.ndarray, np.ndarray] | None:
        """``(edges, shares in %)`` drawn for layer ``name``, ``which`` "start" or "now"."""
        self.refresh()
        histograms = self._histograms.get(name)
        return None if not histograms else (histograms["edges"].copy(), histograms[which].copy())

    def spreads(self) -> dict[str, tuple[float, float]]:
        """Each layer's standard deviation of its weights (sampled), at the start and now."""
        self.refresh()
        return dict(self._spreads)

    def state(self) -> dict:
        self.refresh()
        return {name: {"limit": self._limits.get(name), "has_start": name in self._start}
                for name in self._plots}

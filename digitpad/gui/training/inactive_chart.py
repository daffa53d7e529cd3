"""The lab's inactive-units chart: for each hidden layer, the share of its
units (0–100%) that no longer respond on the diagnostics' fixed probe
digits — *dead* after ReLU (never above zero), *saturated* after sigmoid or
tanh (pinned near a limit for most digits) — one line per layer, named by
what inactive means for that layer's activation.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.training import lab_plotting as plotting
from digitpad.gui.training import lab_texts as texts
from digitpad.gui.training.layer_lines_chart import LayerLinesChart


class InactiveChart(LayerLinesChart):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Inactive units per hidden layer", "share of units (%)", ("inactive",), scale=100.0,
                         parent=parent)
        self.setObjectName("inactiveChart")
        self.plot.setObjectName("inactivePlot")
        # A little room beyond both ends, so 0 and 100 keep their tick labels.
        self.plot.setYRange(-3, 103, padding=0)
        self.plot.getAxis("left").setTicks([[(value, str(value)) for value in range(0, 101, 20)]])
        explain(self.plot, texts.INACTIVE_TIP, texts.INACTIVE)
        explain(self, texts.INACTIVE_TIP, texts.INACTIVE)

    def setLayers(self, layers: list[tuple[int, str, str | None]], titles: dict[str, str]) -> None:
        """Lines for the layers with an activation (the output layer has no units to watch)."""
        super().setLayers([layer for layer in layers if layer[2] is not None], titles)
        self.plot.enableAutoRange(x=True, y=False)
        self.plot.setYRange(-3, 103, padding=0)

    def setSignal(self, signal: str) -> None:
        super().setSignal(signal)
        self.plot.enableAutoRange(x=True, y=False)

    def lineName(self, title: str, activation: str | None) -> str:
        return f"{title}: {plotting.inactive_word(activation)} ({plotting.activation_name(activation)})"

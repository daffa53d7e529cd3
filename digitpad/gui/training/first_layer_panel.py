"""The lab's "First layer" tab: what each first-layer unit looks for, as a
live mosaic of their weights. Up to ``LARGE_UP_TO`` units (the scratch
preset's 16) are all shown as large as the tab allows, numbered, so a class
can watch them form from noise; more (1024) are a scrollable grid of every
unit at a chosen size. A row above says what is shown and offers the colour
scale (each unit its own, or one for all), the size, and whether to show
the weights or how each has changed since the start — which shows what a
wide layer learnt under its random start; clicking a unit
enlarges it in a small window beside the lab, start against now. The
mosaic is rebuilt only while it can be seen (from the newest weights when
the tab is shown); the enlarged unit follows every copy of the weights.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.common.messages import plain_label
from digitpad.gui.training import lab_texts as texts
from digitpad.gui.training.unit_enlarged import UnitEnlarged
from digitpad.gui.training.unit_mosaic import EMPTY_TEXT, MARGIN, PITCH, UnitMosaic

LARGE_UP_TO = 64
# (choice's words, zoom: logical pixels per weight pixel; None fits every unit in view)
SIZES = (("Fit to view", None), ("Small", 1), ("Medium", 2), ("Large", 3))


def fit_grid(units: int, width: float, height: float) -> tuple[int, float]:
    """(columns, pitch) giving the largest squares that show all ``units`` in ``width`` × ``height``."""
    best = (1, 0.0)
    for columns in range(1, max(units, 1) + 1):
        rows = math.ceil(units / columns)
        pitch = min(width / columns, height / rows)
        if pitch > best[1]:
            best = (columns, pitch)
    return best


class FirstLayerPanel(QWidget):
    unitClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstLayerPanel")
        self.caption = plain_label("")
        self.caption.setObjectName("mosaicCaption")
        self.caption.setWordWrap(True)
        self.showChoice = explain(QComboBox(), texts.SHOW_TIP, texts.SHOW)
        self.showChoice.setObjectName("mosaicShows")
        self.showChoice.addItem("Weights now", False)
        self.showChoice.addItem("Change since start", True)
        self.scaleChoice = explain(QComboBox(), texts.SCALE_TIP, texts.SCALE)
        self.scaleChoice.setObjectName("mosaicScale")
        self.scaleChoice.addItem("Scale per unit", True)
        self.scaleChoice.addItem("One shared scale", False)
        self.sizeChoice = explain(QComboBox(), texts.SIZE_TIP, texts.SIZE)
        self.sizeChoice.setObjectName("mosaicSize")
        for words, zoom in SIZES:
            self.sizeChoice.addItem(words, zoom)
        self.mosaic = UnitMosaic()
        self.scroll = QScrollArea()
        self.scroll.setObjectName("mosaicScroll")
        self.scroll.setWidget(self.mosaic)
        self.scroll.setWidgetResizable(False)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.viewport().installEventFilter(self)
        row = QHBoxLayout()
        row.addWidget(self.caption, 1)
        row.addWidget(self.showChoice)
        row.addWidget(self.scaleChoice)
        row.addWidget(self.sizeChoice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.scroll, 1)
        self.enlarged: UnitEnlarged | None = None
        self._start: np.ndarray | None = None
        self._pending: np.ndarray | None = None
        self._latest: np.ndarray | None = None
        self._scrolls = False
        self._title = "the first layer"
        self.scaleChoice.currentIndexChanged.connect(self._scale_changed)
        self.showChoice.currentIndexChanged.connect(self._show_changed)
        self.sizeChoice.currentIndexChanged.connect(lambda _: self._arrange())
        self.mosaic.unitClicked.connect(self._unit_clicked)
        self._explain()
        self.clear()

    def _explain(self) -> None:
        scale = texts.SCALE_PER_UNIT if self.mosaic.perUnitScale() else texts.SCALE_GLOBAL
        shows = texts.SHOWS_CHANGE if self.showsChange() else ""
        for widget in (self, self.mosaic, self.scroll):
            explain(widget, texts.MOSAIC_TIP, texts.MOSAIC.format(scale=scale, shows=shows))

    def clear(self, title: str = "the first layer") -> None:
        """Empty until the first weights come; the enlarged unit window closes."""
        self._start, self._title, self._pending, self._latest = None, title, None, None
        self.mosaic.setWeights(None, empty_text=EMPTY_TEXT)
        if self.enlarged is not None:
            self.enlarged.close()
        self._arrange()

    def setWeights(self, weights: np.ndarray, is_start: bool) -> None:
        """The first layer's weights ``(784, units)``, kept by reference; ``is_start``
        for those training starts from. The mosaic is rebuilt only while it can be
        seen (at once, or when the tab is shown); an enlarged unit follows at once."""
        weights = np.asarray(weights, np.float32)
        if weights.ndim != 2 or weights.shape[0] != 784:
            self._pending = None
            self.mosaic.setWeights(None, empty_text="This layer's weights are not 28 × 28 pictures.")
            return
        if is_start or self._start is None or self._start.shape != weights.shape:
            self._start = weights.copy()
        self._pending = self._latest = weights
        if self.enlarged is not None and self.enlarged.isVisible() and self.enlarged.unit() is not None:
            unit = self.enlarged.unit()
            if unit < weights.shape[1]:
                self.enlarged.setNow(weights[:, unit])
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Show the newest weights given, if not shown yet."""
        weights, self._pending = self._pending, None
        if weights is None:
            return
        first = self.mosaic.unitCount() != weights.shape[1]
        if self.showsChange():
            self.mosaic.setWeights(weights - self._start, self._title, "change since the start")
        else:
            self.mosaic.setWeights(weights, self._title, "weights")
        units = weights.shape[1]
        if first:
            # A few units are all shown large; many are a grid to scroll through.
            self.sizeChoice.setCurrentIndex(0 if units <= LARGE_UP_TO else 1)
            self._arrange()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def showsChange(self) -> bool:
        """True when the mosaic shows each weight's change since the start, not the weight."""
        return bool(self.showChoice.currentData())

    def _show_changed(self) -> None:
        self._pending = self._latest
        self.refresh()
        self._explain()

    def _scale_changed(self) -> None:
        self.mosaic.setPerUnitScale(bool(self.scaleChoice.currentData()))
        self._explain()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._arrange()
        return super().eventFilter(watched, event)

    def _arrange(self) -> None:
        """Size the mosaic for the view: fitted, or a fixed zoom as wide as the view
        (less a scroll bar when it is taller). It always fills the view."""
        # The view's size without scroll bars: one is taken off below only when needed.
        room = self.scroll.maximumViewportSize()
        width, height = max(room.width(), 40), max(room.height(), 40)
        units, zoom = self.mosaic.unitCount(), self.sizeChoice.currentData()
        inner_width, inner_height = width - 2 * MARGIN, height - 2 * MARGIN
        if units == 0:
            columns, pitch = 1, float(PITCH)
        elif zoom is None:
            columns, pitch = fit_grid(units, inner_width, inner_height)
            if units > LARGE_UP_TO:
                pitch = max(pitch, 2.0)
            elif PITCH <= pitch < 3 * PITCH:
                # Whole zooms keep each weight pixel square where one pixel more or less would show.
                pitch = PITCH * math.floor(pitch / PITCH)
        else:
            pitch = float(PITCH * zoom)
            columns = max(int(inner_width // pitch), 1)
            if math.ceil(units / columns) * pitch > inner_height:
                width -= self.scroll.verticalScrollBar().sizeHint().width()
                columns = max(int((width - 2 * MARGIN) // pitch), 1)
        self.mosaic.setGrid(columns, pitch)
        needed = self.mosaic.gridSize()[1] + 2 * MARGIN
        self.mosaic.resize(width, max(int(math.ceil(needed)), height if needed <= height else 0))
        self._scrolls = needed > height
        self._caption()

    def _caption(self) -> None:
        units = self.mosaic.unitCount()
        if units:
            self.caption.setText(f"{units} units of {self._title}" + (", scroll for more" if self._scrolls else "")
                                 + ". Click one to enlarge it.")
        else:
            self.caption.setText("")

    def _unit_clicked(self, unit: int) -> None:
        if self.enlarged is None:
            self.enlarged = UnitEnlarged(self.window())
        start = self._start[:, unit] if self._start is not None else None
        self.enlarged.setUnit(unit, self._title, start, self._latest[:, unit])
        self.enlarged.show()
        self.enlarged.raise_()
        self.unitClicked.emit(unit)

    def state(self) -> dict:
        self.refresh()
        return {"units": self.mosaic.unitCount(), "columns": self.mosaic.columns(),
                "pitch": self.mosaic.pitch(), "size": self.sizeChoice.currentText(),
                "enlarged": None if self.enlarged is None or not self.enlarged.isVisible()
                else self.enlarged.unit()}

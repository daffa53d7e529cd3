"""The point map itself: a pyqtgraph scatter of the test digits on the
network view's dark background, each dot in its digit's colour, a white
ring round each digit the model reads wrongly, a yellow ring round the
digit under the pointer (or the one clicked), and the drawing as a white
star. It finds the dot under the pointer itself — the nearest within a
few pixels — and says so by signal; it knows nothing of digits beyond
their labels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget

from digitpad.gui.pointmap.digit_colours import (BACKGROUND, DIGIT_COLOURS, DIMMED_ALPHA, DRAWING, FAINT_TEXT,
                                                 MISTAKE_RING, SELECTED, TEXT)
from digitpad.gui.pointmap.texts import axis_label

REACH = 9.0             # how near (logical pixels) the pointer must be to a dot to point at it
PADDING = 0.04          # room around the dots, as a share of their extent


def dot_size(count: int) -> float:
    """Smaller dots for more digits, so clusters stay readable."""
    return 7.0 if count <= 1000 else 6.0 if count <= 2000 else 5.0 if count <= 5000 else 4.0


class MapPlot(QWidget):
    pointHovered = Signal(int)          # row of the dot under the pointer, -1 for none
    pointClicked = Signal(int)
    pointDoubleClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph  # with the point map only, never at start-up

        self._pg = pyqtgraph
        self.setObjectName("pointMapPlot")
        self.plot = pyqtgraph.PlotWidget(background=BACKGROUND)
        self.plot.setObjectName("pointMapChart")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setAspectLocked(True)
        self.plot.setMinimumSize(360, 300)
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setPen(pyqtgraph.mkPen(FAINT_TEXT))
            axis.setTextPen(pyqtgraph.mkPen(TEXT))
        self._dots = pyqtgraph.ScatterPlotItem(pen=None)
        self._rings = pyqtgraph.ScatterPlotItem(symbol="o", brush=None,
                                                pen=pyqtgraph.mkPen(MISTAKE_RING, width=1.3))
        self._marked = pyqtgraph.ScatterPlotItem(symbol="o", size=17, brush=None,
                                                 pen=pyqtgraph.mkPen(SELECTED, width=2.5))
        self._drawing = pyqtgraph.ScatterPlotItem(symbol="star", size=24, brush=pyqtgraph.mkBrush(DRAWING),
                                                  pen=pyqtgraph.mkPen(BACKGROUND, width=1.5))
        for item in (self._dots, self._rings, self._marked, self._drawing):
            self.plot.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._positions = np.zeros((0, 2), np.float32)
        self._labels = np.zeros(0, np.int64)
        self._wrong = np.zeros(0, bool)
        self._picked: int | None = None
        self._hovered = -1
        self._bounds = (0.0, 1.0, 0.0, 1.0)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._mouse_clicked)
        self.plot.viewport().installEventFilter(self)

    # -- what is shown ----------------------------------------------------------------------
    def setMap(self, positions: np.ndarray, labels: np.ndarray, predicted: np.ndarray, method: str,
               variance: np.ndarray | None) -> None:
        """Show dots at ``positions`` ``(N, 2)`` for digits written as
        ``labels`` and read as ``predicted``; the axes follow ``method``."""
        self._positions = np.asarray(positions, np.float32)
        self._labels = np.asarray(labels, np.int64)
        self._wrong = self._labels != np.asarray(predicted, np.int64)
        size = dot_size(len(self._positions))
        self._dots.setData(pos=self._positions, size=size, brush=self._brushes())
        self._rings.setData(pos=self._positions[self._wrong], size=size + 5)
        self._label_axes(method, variance)
        self._frame()
        self.setMarked(None)
        self._hovered = -1

    def clearMap(self) -> None:
        self._positions = np.zeros((0, 2), np.float32)
        self._labels, self._wrong = np.zeros(0, np.int64), np.zeros(0, bool)
        for item in (self._dots, self._rings, self._marked, self._drawing):
            item.setData([], [])
        self._hovered = -1

    def _label_axes(self, method: str, variance: np.ndarray | None) -> None:
        for axis_name, number in (("bottom", 1), ("left", 2)):
            axis = self.plot.getAxis(axis_name)
            share = None if variance is None else float(variance[number - 1])
            axis.setLabel(axis_label(method, number, share), color=TEXT.name())
            # A t-SNE map's axes mean nothing: no ticks, no numbers.
            axis.setTicks(None if variance is not None else [[], []])
            axis.setStyle(showValues=variance is not None)

    def _frame(self) -> None:
        if not len(self._positions):
            return
        # In float64: pyqtgraph compares the range with its float64 limits.
        low = self._positions.min(axis=0).astype(np.float64)
        high = self._positions.max(axis=0).astype(np.float64)
        extent = np.maximum(high - low, 1e-6)
        low, high = low - extent * PADDING, high + extent * PADDING
        self._bounds = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
        self.plot.setRange(xRange=(low[0], high[0]), yRange=(low[1], high[1]), padding=0)

    def pickDigit(self, digit: int | None) -> None:
        """Pick out the dots of ``digit`` (the others fade); None: all alike."""
        self._picked = digit
        if len(self._positions):
            self._dots.setBrush(self._brushes())

    def _brushes(self) -> list:
        brushes = []
        for digit, colour in enumerate(DIGIT_COLOURS):
            shown = QColor(colour)
            if self._picked not in (None, digit):
                shown.setAlpha(DIMMED_ALPHA)
            brushes.append(self._pg.mkBrush(shown))
        return [brushes[label] for label in self._labels]

    def setMarked(self, row: int | None) -> None:
        """Ring the dot in ``row`` (the digit in the card), or none."""
        if row is None or not 0 <= row < len(self._positions):
            self._marked.setData([], [])
        else:
            self._marked.setData(pos=self._positions[row:row + 1])

    def setDrawing(self, position: np.ndarray | None) -> bool:
        """Put the star at ``position`` (or take it away); True when the
        position lies beyond the map's edge (the star is then drawn at the edge)."""
        if position is None or not len(self._positions):
            self._drawing.setData([], [])
            return False
        left, right, bottom, top = self._bounds
        x, y = float(position[0]), float(position[1])
        clamped = (min(max(x, left), right), min(max(y, bottom), top))
        self._drawing.setData([clamped[0]], [clamped[1]])
        return clamped != (x, y)

    def drawingPosition(self) -> tuple[float, float] | None:
        points = self._drawing.getData()
        return None if not len(points[0]) else (float(points[0][0]), float(points[1][0]))

    def positions(self) -> np.ndarray:
        return self._positions

    def mistakes(self) -> np.ndarray:
        """``(N,)`` bool: which dots are ringed as read wrongly."""
        return self._wrong

    # -- the pointer ------------------------------------------------------------------------
    def rowAt(self, scene_position: QPointF) -> int:
        """The dot within ``REACH`` pixels of ``scene_position`` (scene
        coordinates), nearest first; -1 when there is none."""
        if not len(self._positions):
            return -1
        view = self.plot.getViewBox()
        point = view.mapSceneToView(scene_position)
        pixel_width, pixel_height = view.viewPixelSize()
        if not pixel_width or not pixel_height:
            return -1
        dx = (self._positions[:, 0] - point.x()) / pixel_width
        dy = (self._positions[:, 1] - point.y()) / pixel_height
        distances = dx * dx + dy * dy
        if self._picked is not None:
            # Faded dots cannot be pointed at: only the picked digit's.
            distances = np.where(self._labels == self._picked, distances, np.inf)
        row = int(distances.argmin())
        return row if distances[row] <= REACH * REACH else -1

    def sceneAt(self, x: float, y: float) -> QPointF:
        """The scene position of the map point ``(x, y)`` (for tests and scripts)."""
        return self.plot.getViewBox().mapViewToScene(QPointF(x, y))

    def hoverAt(self, scene_position: QPointF) -> None:
        row = self.rowAt(scene_position)
        if row != self._hovered:
            self._hovered = row
            self.pointHovered.emit(row)

    def _mouse_moved(self, scene_position: QPointF) -> None:
        self.hoverAt(scene_position)

    def _mouse_clicked(self, event) -> None:
        row = self.rowAt(event.scenePos())
        if row >= 0:
            (self.pointDoubleClicked if event.double() else self.pointClicked).emit(row)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave and self._hovered != -1:
            self._hovered = -1
            self.pointHovered.emit(-1)
        return False

    def setPointerText(self, text: str) -> None:
        """The tooltip of the map: about the dot under the pointer, or the map."""
        self.plot.setToolTip(text)
        if QToolTip.isVisible():
            QToolTip.hideText()

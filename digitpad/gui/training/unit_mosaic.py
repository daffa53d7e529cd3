"""The first layer's units as a mosaic: each unit's 784 weights laid out as
a 28 × 28 square, orange where positive, blue where negative, dark at 0 —
the app's colours for every signed picture — each unit scaled to its own
largest weight or all to one. The whole mosaic is one QImage built with
NumPy through a colour lookup table, so 1024 units cost a few milliseconds;
it is drawn pixel for pixel at a whole zoom (or smoothly shrunk to fit).
Pointing at a square outlines it and names its unit; clicking it selects
it (a yellow frame) and says so (``unitClicked``).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from digitpad.gui.common.messages import escape
from digitpad.gui.network import colours

SIDE = 28
PITCH = SIDE + 1                # a square and the one-pixel gap after it, in weight pixels
LEVELS = 255                    # colour steps on each side of 0
GAP = np.uint32(0xFF000000 | (colours.BACKGROUND.red() << 16) | (colours.BACKGROUND.green() << 8)
                | colours.BACKGROUND.blue())
# Colour index 0 is -limit, LEVELS is 0, 2 × LEVELS is +limit; one more is the gap between squares.
COLOURS = np.append(colours.diverging_pixels(np.linspace(-1.0, 1.0, 2 * LEVELS + 1), 1.0), GAP).astype(np.uint32)
GAP_INDEX = 2 * LEVELS + 1
EMPTY_TEXT = "The first layer's units appear here when training starts."
MARGIN = 6                      # logical pixels of dark board around the squares
LABEL_FROM = 60                 # squares at least this many pixels across carry their unit's number


def unit_limits(weights: np.ndarray, per_unit: bool) -> np.ndarray:
    """The weight drawn at full colour: each unit's largest magnitude, or the whole layer's."""
    magnitudes = np.abs(weights).max(axis=0) if per_unit else np.full(weights.shape[1], np.abs(weights).max())
    return np.where((magnitudes > 0) & np.isfinite(magnitudes), magnitudes, 1.0).astype(np.float32)


def mosaic_pixels(weights: np.ndarray, limits: np.ndarray, columns: int) -> np.ndarray:
    """ARGB ``(rows × PITCH, columns × PITCH)``: unit ``u`` at row ``u // columns``,
    column ``u % columns``, each square followed by a gap. The squares are laid
    out as colour indices and coloured in one look-up at the end."""
    units = weights.shape[1]
    rows = max(math.ceil(units / columns), 1)
    scaled = np.multiply(weights, (LEVELS / limits)[None, :], dtype=np.float32)
    if not np.isfinite(scaled).all():      # a diverged run: infinities at full colour, nan as 0
        np.nan_to_num(scaled, copy=False, nan=0.0, posinf=LEVELS, neginf=-LEVELS)
    np.clip(scaled, -LEVELS, LEVELS, out=scaled)
    scaled += LEVELS + 0.5          # from 0.5 up: storing as integers rounds
    canvas = np.full((rows, PITCH, columns, PITCH), GAP_INDEX, np.int16)
    full, rest = divmod(units, columns)
    # Weight pixel (y, x) of unit r × columns + c goes to canvas[r, y, c, x].
    canvas[:full, :SIDE, :, :SIDE] = scaled[:, :full * columns].reshape(SIDE, SIDE, full, columns
                                                                           ).transpose(2, 0, 3, 1)
    if rest:
        canvas[full, :SIDE, :rest, :SIDE] = scaled[:, full * columns:].reshape(SIDE, SIDE, rest).transpose(0, 2, 1)
    return COLOURS[canvas.reshape(rows * PITCH, columns * PITCH)]


class UnitMosaic(QWidget):
    unitClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unitMosaic")
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._weights: np.ndarray | None = None
        self._per_unit = True
        self._columns = 1
        self._pitch = float(PITCH)        # logical pixels from one square to the next
        self._pixels: np.ndarray | None = None
        self._image = QImage()
        self._selected: int | None = None
        self._hovered: int | None = None
        self._title, self._what = "unit", "weights"
        self._empty_text = EMPTY_TEXT

    # -- content -----------------------------------------------------------
    def setWeights(self, weights: np.ndarray | None, title: str = "unit", what: str = "weights",
                   empty_text: str | None = None) -> None:
        """Show ``weights`` ``(784, units)`` (None: ``empty_text``); ``title`` names
        the layer and ``what`` the numbers in tooltips."""
        self._weights = None if weights is None else np.asarray(weights, np.float32)
        self._title, self._what = title, what
        if empty_text is not None:
            self._empty_text = empty_text
        if self._selected is not None and (self._weights is None or self._selected >= self.unitCount()):
            self._selected = None
        self._rebuild()

    def setPerUnitScale(self, per_unit: bool) -> None:
        self._per_unit = per_unit
        self._rebuild()

    def perUnitScale(self) -> bool:
        return self._per_unit

    def unitCount(self) -> int:
        return 0 if self._weights is None else self._weights.shape[1]

    def setSelected(self, unit: int | None) -> None:
        self._selected = unit
        self.update()

    def selected(self) -> int | None:
        return self._selected

    def setGrid(self, columns: int, pitch: float) -> None:
        """Lay the units out in ``columns`` with ``pitch`` logical pixels between square starts."""
        columns = max(int(columns), 1)
        self._pitch = max(float(pitch), 2.0)
        if columns != self._columns:
            self._columns = columns
            self._rebuild()
        self.update()

    def columns(self) -> int:
        return self._columns

    def pitch(self) -> float:
        return self._pitch

    def rows(self) -> int:
        return max(math.ceil(self.unitCount() / self._columns), 1)

    def _rebuild(self) -> None:
        if self._weights is None:
            self._pixels, self._image = None, QImage()
        else:
            with np.errstate(invalid="ignore"):         # nan weights of a diverged run
                limits = unit_limits(self._weights, self._per_unit)
            self._pixels = mosaic_pixels(self._weights, limits, self._columns)
            height, width = self._pixels.shape
            # The image reads the array in place: it is kept alive in ``_pixels``.
            self._image = QImage(self._pixels.data, width, height, width * 4, QImage.Format.Format_RGB32)
        self.update()

    def unitWeights(self, unit: int) -> np.ndarray:
        """The 784 weights of ``unit`` (a copy)."""
        return self._weights[:, unit].copy()

    def unitPixels(self, unit: int) -> np.ndarray:
        """The ARGB ``(28, 28)`` drawn for ``unit``."""
        row, column = divmod(unit, self._columns)
        return self._pixels[row * PITCH:row * PITCH + SIDE, column * PITCH:column * PITCH + SIDE].copy()

    # -- geometry ----------------------------------------------------------
    def gridSize(self) -> tuple[float, float]:
        """The squares' extent in logical pixels (without the margin)."""
        gap = self._pitch / PITCH
        return self._columns * self._pitch - gap, self.rows() * self._pitch - gap

    def _origin(self) -> QPointF:
        """The first square's top left: centred in the widget, at least ``MARGIN`` in."""
        width, height = self.gridSize()
        return QPointF(max((self.width() - width) / 2, MARGIN), max((self.height() - height) / 2, MARGIN))

    def cellRect(self, unit: int) -> QRectF:
        row, column = divmod(unit, self._columns)
        side = self._pitch * SIDE / PITCH
        origin = self._origin()
        return QRectF(origin.x() + column * self._pitch, origin.y() + row * self._pitch, side, side)

    def unitAt(self, point: QPointF) -> int | None:
        point = point - self._origin()
        if self._weights is None or point.x() < 0 or point.y() < 0:
            return None
        column, row = int(point.x() // self._pitch), int(point.y() // self._pitch)
        unit = row * self._columns + column
        if column >= self._columns or unit >= self.unitCount() or not self.cellRect(unit).contains(
                point + self._origin()):
            return None
        return unit

    # -- painting and the pointer -------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), colours.BACKGROUND)
        if self._pixels is None:
            painter.setPen(colours.TEXT)
            painter.drawText(QRectF(self.rect()).adjusted(12, 12, -12, -12),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._empty_text)
            return
        scale = self._pitch / PITCH
        # Whole zooms stay crisp; a mosaic shrunk to fit is smoothed so no unit loses its rows.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < 1)
        origin = self._origin()
        painter.drawImage(QRectF(origin.x(), origin.y(), self._image.width() * scale, self._image.height() * scale),
                          self._image)
        if self._pitch * SIDE / PITCH >= LABEL_FROM:
            self._paint_numbers(painter)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._hovered is not None and self._hovered != self._selected and self._hovered < self.unitCount():
            painter.setPen(QPen(colours.TEXT, 1))
            painter.drawRect(self.cellRect(self._hovered).adjusted(-0.5, -0.5, 0.5, 0.5))
        if self._selected is not None:
            painter.setPen(QPen(colours.SELECTED, 2))
            painter.drawRect(self.cellRect(self._selected).adjusted(-1, -1, 1, 1))
        painter.end()

    def _paint_numbers(self, painter: QPainter) -> None:
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.8, 6.0))
        painter.setFont(small)
        height = painter.fontMetrics().height()
        for unit in range(self.unitCount()):
            box = self.cellRect(unit)
            chip = QRectF(box.left(), box.top(), painter.fontMetrics().horizontalAdvance(str(unit)) + 6, height)
            painter.fillRect(chip, QColor(24, 27, 37, 190))
            painter.setPen(colours.TEXT)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, str(unit))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        unit = self.unitAt(event.position())
        if unit != self._hovered:
            self._hovered = unit
            self.update()

    def leaveEvent(self, event) -> None:
        self._hovered = None
        self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        unit = self.unitAt(event.position())
        if unit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.setSelected(unit)
            self.unitClicked.emit(unit)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            unit = self.unitAt(QPointF(event.pos()))
            if unit is not None:
                column = self._weights[:, unit]
                QToolTip.showText(event.globalPos(),
                                  f"<b>Unit {unit}</b> of {escape(self._title)}<br>{escape(self._what)}: from "
                                  f"{float(column.min()):+.3f} to {float(column.max()):+.3f}<br>"
                                  f"<i>Click to enlarge it.</i>", self)
                return True
        return super().event(event)

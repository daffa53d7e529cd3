"""The drawing canvas: the user writes digits with the mouse or a pen
(tablet pressure changes the stroke width). Strokes are rasterised with
``digitpad.data.ink.strokes`` — anti-aliased capsules in NumPy — into an ink
buffer at the screen's device-pixel resolution; that same buffer is what is
shown and what ``image()`` hands to the recogniser, so the network sees
exactly what the user sees. Supports undo of the last stroke, clearing,
showing a loaded picture as a raster layer under the strokes, and dropping
image files onto it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.data.ink.network_input import resize
from digitpad.data.ink.strokes import Stroke, draw_stroke, render_strokes

PAPER = QColor(252, 252, 250)
INK = QColor(24, 28, 40)
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
# A loaded picture fills this fraction of the canvas height, like a written digit.
RASTER_FILL = 0.7
# Points closer than this (in logical pixels) to the previous one add nothing.
MIN_POINT_SPACING = 0.75
# Room (logical pixels) between a digit's ink and its outline.
OUTLINE_MARGIN = 6.0


def _ink_colour_table() -> list[int]:
    """256 ARGB entries from paper (no ink) to ink (full coverage)."""
    table = []
    for level in range(256):
        blend = level / 255
        red = round(PAPER.red() + (INK.red() - PAPER.red()) * blend)
        green = round(PAPER.green() + (INK.green() - PAPER.green()) * blend)
        blue = round(PAPER.blue() + (INK.blue() - PAPER.blue()) * blend)
        table.append(0xFF000000 | (red << 16) | (green << 8) | blue)
    return table


class DrawingCanvas(QWidget):
    """A surface to write digits on. ``image()`` returns the ink as a 2-D
    float32 array in [0, 1] (bright ink on black) at device-pixel resolution.
    """

    drawingChanged = Signal()       # any change of the ink, including while a stroke grows
    strokeFinished = Signal()       # the pen was lifted
    undoAvailable = Signal(bool)
    fileDropped = Signal(str)

    _COLOUR_TABLE = None

    def __init__(self, parent: QWidget | None = None, pen_width: float = 16.0) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 200)
        self.setAcceptDrops(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Draw a digit (or a number) with the mouse or a pen.\n"
                        "Ctrl+Z undoes the last stroke, Esc clears. Drop an image file to read it.")
        self.setWhatsThis(
            "Write a digit here with the mouse or a pen, as on paper. The network reads it while you "
            "write: the ink is cropped, scaled and centred into the 28×28 picture shown on the right, "
            "the same way the MNIST digits it learnt from were made. Write several digits side by side "
            "and each is read and outlined. You can also drop a photo or scan of a digit here.")
        self._pen_width = float(pen_width)
        self._strokes: list[Stroke] = []
        self._active: Stroke | None = None
        self._raster: np.ndarray | None = None
        self._scale = 1.0
        self._ink = np.zeros((1, 1), np.float32)
        self._display = np.zeros((1, 4), np.uint8)
        self._display_image = QImage()
        self._highlights: list[tuple[QRectF, str]] = []
        if DrawingCanvas._COLOUR_TABLE is None:
            DrawingCanvas._COLOUR_TABLE = _ink_colour_table()

    # -- public API ------------------------------------------------------
    def penWidth(self) -> float:
        return self._pen_width

    def setPenWidth(self, width: float) -> None:
        """Width of strokes drawn from now on (logical pixels)."""
        self._pen_width = float(max(1.0, min(width, 80.0)))

    def strokes(self) -> list[Stroke]:
        return list(self._strokes)

    def isEmpty(self) -> bool:
        return not self._strokes and self._active is None and self._raster is None

    def isDrawing(self) -> bool:
        """True while the pen is down."""
        return self._active is not None

    def canUndo(self) -> bool:
        return bool(self._strokes) or self._raster is not None

    def image(self) -> np.ndarray:
        """The ink, ``(height, width)`` float32 in [0, 1], bright on black (a copy)."""
        return self._ink.copy()

    def inkView(self) -> np.ndarray:
        """The ink without copying it (read-only; valid until the next change)."""
        view = self._ink.view()
        view.flags.writeable = False
        return view

    def clear(self) -> None:
        """Remove every stroke and any loaded picture."""
        if self.isEmpty():
            return
        self._strokes.clear()
        self._active = None
        self._raster = None
        self._highlights = []
        self._rerender()
        self._changed()

    def undo(self) -> None:
        """Remove the last stroke (or, when only a picture is left, the picture)."""
        if self._active is not None:
            return
        if self._strokes:
            self._strokes.pop()
        elif self._raster is not None:
            self._raster = None
        else:
            return
        self._highlights = []
        self._rerender()
        self._changed()

    def setStrokes(self, strokes: list[Stroke]) -> None:
        """Replace the drawing with ``strokes`` (canvas coordinates)."""
        self._strokes = [Stroke(stroke.width, stroke.points.copy()) for stroke in strokes]
        self._active = None
        self._raster = None
        self._highlights = []
        self._rerender()
        self._changed()

    def setImage(self, ink: np.ndarray) -> None:
        """Show a picture (2-D, bright ink on dark, values in [0, 1]) instead of
        the drawing; new strokes go on top of it."""
        ink = np.asarray(ink, dtype=np.float32)
        if ink.ndim != 2 or ink.size == 0:
            raise ValueError(f"expected a 2-D image, got shape {ink.shape}")
        self._strokes.clear()
        self._active = None
        self._raster = np.clip(ink, 0.0, 1.0)
        self._highlights = []
        self._rerender()
        self._changed()

    def highlights(self) -> list[tuple[QRectF, str]]:
        """The outlined regions and their labels (see ``setHighlights``)."""
        return list(self._highlights)

    def setHighlights(self, boxes: list[tuple[QRectF, str]]) -> None:
        """Outline regions of the drawing (logical coordinates) with a label each."""
        self._highlights = list(boxes)
        self.update()

    def deviceScale(self) -> float:
        """Image pixels per logical pixel (the screen's device pixel ratio)."""
        return self._scale

    # -- ink pixels and canvas coordinates ---------------------------------------
    # The ink is kept in device pixels, the strokes and the outlines in canvas
    # (logical) coordinates; these are the one place that converts between them.
    def outlineDigits(self, boxes: list[tuple[int, int, int, int]], labels: list[str]) -> None:
        """Outline each ``(top, bottom, left, right)`` box of the ink (device
        pixels) with a little room around it, labelled below."""
        scale, margin = self._scale, OUTLINE_MARGIN
        self.setHighlights([
            (QRectF(left / scale - margin, top / scale - margin, (right - left) / scale + 2 * margin,
                    (bottom - top) / scale + 2 * margin), label)
            for (top, bottom, left, right), label in zip(boxes, labels)])

    def penColumn(self) -> float | None:
        """The ink column (device pixels) where the pen was last: the newest
        stroke's last point; None when nothing is drawn."""
        if not self._strokes:
            return None
        return float(self._strokes[-1].points[-1, 0] * self._scale)

    def strokesBetween(self, left: float, right: float) -> list[Stroke]:
        """The strokes whose middle lies between ink columns ``left`` and ``right`` (device pixels)."""
        return [stroke for stroke in self._strokes
                if left <= stroke.points[:, 0].mean() * self._scale <= right]

    # -- rendering -------------------------------------------------------
    def _rerender(self) -> None:
        self._scale = float(self.devicePixelRatioF()) or 1.0
        height = max(1, round(self.height() * self._scale))
        width = max(1, round(self.width() * self._scale))
        self._ink = render_strokes(self._strokes, height, width, self._scale)
        if self._raster is not None:
            np.maximum(self._ink, self._fitted_raster(height, width), out=self._ink)
        self._refresh_display(QRect(0, 0, width, height))
        self.update()

    def _fitted_raster(self, height: int, width: int) -> np.ndarray:
        """The loaded picture scaled to fit and centred in a ``(height, width)`` frame."""
        source_height, source_width = self._raster.shape
        scale = min(height * RASTER_FILL / source_height, width * 0.9 / source_width)
        target_height = max(1, round(source_height * scale))
        target_width = max(1, round(source_width * scale))
        fitted = np.clip(resize(self._raster, target_height, target_width), 0.0, 1.0)
        frame = np.zeros((height, width), np.float32)
        top, left = (height - target_height) // 2, (width - target_width) // 2
        frame[top:top + target_height, left:left + target_width] = fitted
        return frame

    def _refresh_display(self, region: QRect) -> None:
        """Bring the 8-bit display copy of the ink up to date inside ``region`` (device pixels)."""
        height, width = self._ink.shape
        if self._display.shape != (height, (width + 3) // 4 * 4):
            # Rows padded to 4 bytes, as QImage requires.
            self._display = np.zeros((height, (width + 3) // 4 * 4), np.uint8)
            self._display_image = QImage(self._display.data, width, height, self._display.shape[1],
                                         QImage.Format.Format_Indexed8)
            self._display_image.setColorTable(DrawingCanvas._COLOUR_TABLE)
            self._display_image.setDevicePixelRatio(self._scale)
            region = QRect(0, 0, width, height)
        top, bottom = max(region.top(), 0), min(region.bottom() + 1, height)
        left, right = max(region.left(), 0), min(region.right() + 1, width)
        if top < bottom and left < right:
            np.multiply(self._ink[top:bottom, left:right], 255.0, out=self._scratch(bottom - top, right - left))
            self._display[top:bottom, left:right] = self._scratch(bottom - top, right - left) + 0.5

    def _scratch(self, rows: int, columns: int) -> np.ndarray:
        buffer = getattr(self, "_scratch_buffer", None)
        if buffer is None or buffer.shape[0] < rows or buffer.shape[1] < columns:
            buffer = self._scratch_buffer = np.empty((max(rows, 64), max(columns, 64)), np.float32)
        return buffer[:rows, :columns]

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), PAPER)
        if not self._display_image.isNull():
            painter.drawImage(QPointF(0, 0), self._display_image)
        if self.isEmpty():
            painter.setPen(QColor(150, 150, 160))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        if self._highlights:
            self._paint_highlights(painter)
        painter.end()

    def _paint_highlights(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for box, label in self._highlights:
            painter.setPen(QPen(QColor(40, 120, 220, 200), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box, 6, 6)
            if label:
                painter.setPen(QColor(40, 120, 220))
                painter.drawText(QRectF(box.left(), box.bottom() + 2, box.width(), 20),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rerender()

    def sizeHint(self) -> QSize:
        return QSize(560, 420)

    # -- input -----------------------------------------------------------
    def _begin(self, position: QPointF, pressure: float) -> None:
        self._highlights = []
        self._active = Stroke(self._pen_width)
        self._active.add_point(position.x(), position.y(), pressure)
        self._strokes.append(self._active)
        self._draw_tail(self._active, 0)

    def _extend(self, position: QPointF, pressure: float) -> None:
        stroke = self._active
        last_x, last_y = stroke.points[-1, 0], stroke.points[-1, 1]
        if abs(position.x() - last_x) + abs(position.y() - last_y) < MIN_POINT_SPACING:
            return
        stroke.add_point(position.x(), position.y(), pressure)
        self._draw_tail(stroke, len(stroke.points) - 1)

    def _finish(self) -> None:
        if self._active is None:
            return
        self._active = None
        self.undoAvailable.emit(True)
        self.strokeFinished.emit()

    def _draw_tail(self, stroke: Stroke, start_point: int) -> None:
        """Draw the newest piece of ``stroke`` and repaint just that area."""
        draw_stroke(self._ink, stroke, self._scale, start_point)
        recent = stroke.points[max(start_point - 1, 0):]
        reach = stroke.width / 2 + 2
        left = float(recent[:, 0].min()) - reach
        top = float(recent[:, 1].min()) - reach
        right = float(recent[:, 0].max()) + reach
        bottom = float(recent[:, 1].max()) + reach
        scale = self._scale
        self._refresh_display(QRect(int(left * scale), int(top * scale),
                                    int((right - left) * scale) + 2, int((bottom - top) * scale) + 2))
        self.update(QRectF(left, top, right - left, bottom - top).toAlignedRect())
        self.drawingChanged.emit()

    def _changed(self) -> None:
        self.undoAvailable.emit(self.canUndo())
        self.drawingChanged.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._active is None:
            self._begin(event.position(), 1.0)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._active is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), 1.0)
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._active is not None:
            self._extend(event.position(), 1.0)
            self._finish()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepting the tablet event stops Qt from synthesising mouse events.
        kind = event.type()
        pressure = float(event.pressure())
        if kind == QTabletEvent.Type.TabletPress and self._active is None:
            self._begin(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletMove and self._active is not None:
            self._extend(event.position(), pressure)
        elif kind == QTabletEvent.Type.TabletRelease and self._active is not None:
            self._finish()
        event.accept()

    # -- drag and drop -------------------------------------------------------
    @staticmethod
    def _dropped_file(mime) -> str | None:
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile().lower().endswith(IMAGE_EXTENSIONS):
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.fileDropped.emit(path)

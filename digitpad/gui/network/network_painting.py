"""The drawing of the network view's parts, given where they go (``Block``)
and what they show: seams between units, the output cells, the connection
lines, rings around marked units and captions on a patch of background.
Kept apart from the view, which holds the state and answers the pointer.
Everything here is drawn opaque: blending hundreds of smoothed lines
pixel by pixel costs a frame's worth of time.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from digitpad.gui.network import colours
from digitpad.gui.network.network_geometry import Block

LINE_LEVELS = 8             # strengths drawn with the same pen, weakest first
SMOOTH_FROM = {2: 3, 3: 4}  # device pixel ratio: the weakest level drawn smoothed
SEAM = QColor(31, 35, 47)


def cell_borders(painter: QPainter, block: Block) -> None:
    """Thin dark seams between units, once cells are big enough to need them."""
    if block.cell_width < 5:
        return
    painter.setPen(QPen(SEAM, 1))
    rect = block.rect
    lines = [QLineF(rect.left() + column * block.cell_width, rect.top(),
                    rect.left() + column * block.cell_width, rect.bottom()) for column in range(1, block.columns)]
    lines += [QLineF(rect.left(), rect.top() + row * block.cell_height,
                     rect.right(), rect.top() + row * block.cell_height) for row in range(1, block.rows)]
    painter.drawLines(lines)


def output_cells(painter: QPainter, block: Block, probabilities: np.ndarray | None) -> None:
    """The output units as rounded squares, brighter for a higher probability."""
    shades = colours.brightness_pixels(np.zeros(block.units) if probabilities is None else probabilities)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    for unit in range(block.units):
        painter.setBrush(QColor.fromRgb(int(shades[unit])))
        painter.drawRoundedRect(block.cell(unit).adjusted(1.5, 1.5, -1.5, -1.5), 3, 3)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def entry_point(block: Block, unit: int) -> QPointF:
    """Where lines into ``unit`` end: the near edge of an output cell, else the unit's centre."""
    cell = block.cell(unit)
    if block.labels.isEmpty():
        return cell.center()
    return QPointF(cell.left(), cell.center().y()) if block.columns == 1 else QPointF(cell.center().x(), cell.top())


def connections(painter: QPainter, blocks: list[Block],
                lines: list[tuple[int, int, np.ndarray, np.ndarray]]) -> None:
    """For each ``(layer, unit, sources, pushes)``, a line from every source
    unit of the layer before into ``unit``: orange for a push up, blue for a
    push down, brighter and thicker the stronger, the strongest on top."""
    ratio = painter.device().devicePixelRatioF()
    for layer, unit, sources, pushes in lines:
        if not len(pushes):
            continue
        target = entry_point(blocks[layer + 1], unit)
        starts = blocks[layer].centres(sources)
        strength = np.abs(pushes) / max(float(np.abs(pushes).max()), 1e-12)
        levels = np.minimum((strength * LINE_LEVELS).astype(int), LINE_LEVELS - 1)
        for level in range(LINE_LEVELS):
            fraction = (level + 1) / LINE_LEVELS
            # On a fine screen thin faint lines need no smoothing, and it is most of the cost.
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, level >= SMOOTH_FROM.get(round(ratio), 0))
            for positive, base in ((True, colours.PUSH), (False, colours.HOLD)):
                chosen = (levels == level) & ((pushes > 0) == positive)
                if not chosen.any():
                    continue
                # Flat ends: round ones on wide smoothed lines cost ten times as much.
                painter.setPen(QPen(colours.mixed(colours.BACKGROUND, base, 0.3 + 0.7 * fraction),
                                    0.5 + 2.3 * fraction, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
                painter.drawLines([QLineF(x, y, target.x(), target.y()) for x, y in starts[chosen].tolist()])
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def ring(painter: QPainter, cell: QRectF, colour: QColor, width: float) -> None:
    """A square ring around ``cell``, never smaller than a few pixels: a
    4-pixel unit must still show that it is picked."""
    grow = max(2.0, (7.0 - cell.width()) / 2)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(colour, width))
    painter.drawRect(cell.adjusted(-grow, -grow, grow, grow))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)


def label(painter: QPainter, line: QRectF, text: str, colour: QColor) -> None:
    """``text`` centred on ``line``, shortened with an ellipsis to fit, on a
    patch of background so the connection lines never run through it."""
    metrics = QFontMetricsF(painter.font())
    text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, line.width())
    width = metrics.horizontalAdvance(text) + 8
    painter.fillRect(QRectF(line.center().x() - width / 2, line.top(), width, line.height()),
                     colours.BACKGROUND)
    painter.setPen(colour)
    painter.drawText(line, Qt.AlignmentFlag.AlignCenter, text)

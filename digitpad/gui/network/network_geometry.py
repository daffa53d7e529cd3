"""Where the network view draws each layer: the input and every hidden layer
as a grid of square cells, one per pixel or unit, and the output layer as a
strip of ten larger cells, in a row from left to right (for a wide view) or
from top to bottom (for a tall one) — whichever gives the cells more room.
Every grid shares one cell size, so a layer's size on screen says how many
units it has. ``Block`` answers which unit is under the pointer and where a
unit is, for the connection lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF

# The gap between two layers, in cells: room for the connection lines to fan out.
GAP_CELLS = 9.0
# Cells are never drawn larger than this (logical pixels): a huge grid reads no better.
MAX_CELL = 16.0


@dataclass(frozen=True)
class Block:
    """One layer on screen: ``position`` 0 is the input, ``position`` p the
    network layer p - 1 (the last one the output layer)."""

    position: int
    units: int
    rows: int
    columns: int
    rect: QRectF                 # the cells
    caption: QRectF              # the layer's name (and, when there is room, its state)
    footer: QRectF               # a line for the layer's state (empty when the caption holds it)
    labels: QRectF               # the output layer's digit labels (empty for the others)

    @property
    def cell_width(self) -> float:
        return self.rect.width() / self.columns

    @property
    def cell_height(self) -> float:
        return self.rect.height() / self.rows

    def cell(self, unit: int) -> QRectF:
        row, column = divmod(unit, self.columns)
        return QRectF(self.rect.left() + column * self.cell_width, self.rect.top() + row * self.cell_height,
                      self.cell_width, self.cell_height)

    def centre(self, unit: int) -> QPointF:
        return self.cell(unit).center()

    def centres(self, units: np.ndarray) -> np.ndarray:
        """``(len(units), 2)`` x and y of the units' centres, all at once."""
        rows, columns = np.divmod(np.asarray(units), self.columns)
        return np.stack([self.rect.left() + (columns + 0.5) * self.cell_width,
                         self.rect.top() + (rows + 0.5) * self.cell_height], axis=1)

    def unit_at(self, point: QPointF) -> int | None:
        """The unit under ``point`` (its digit label counts for an output unit), or None."""
        area = self.rect.united(self.labels) if not self.labels.isEmpty() else self.rect
        if not area.contains(point):
            return None
        if self.labels.isEmpty() or self.rect.contains(point):
            column = int((point.x() - self.rect.left()) // self.cell_width)
            row = int((point.y() - self.rect.top()) // self.cell_height)
        elif self.columns == 1:                        # labels beside a column of outputs
            column, row = 0, int((point.y() - self.rect.top()) // self.cell_height)
        else:                                          # labels under a row of outputs
            column, row = int((point.x() - self.rect.left()) // self.cell_width), 0
        column, row = min(max(column, 0), self.columns - 1), min(max(row, 0), self.rows - 1)
        unit = row * self.columns + column
        return unit if unit < self.units else None


@dataclass(frozen=True)
class Metrics:
    """Text sizes the layout makes room for (logical pixels)."""

    line: float                  # one line of caption text
    label_width: float           # an output label beside its cell ("9 100%")


def lay_out(area: QRectF, grids: list[tuple[int, int]], outputs: int, metrics: Metrics) -> list[Block]:
    """Blocks for the input and hidden layers (``grids``: rows and columns of
    each) and an output layer of ``outputs`` units, fitted into ``area``."""
    across = _across(area, grids, outputs, metrics)
    down = _down(area, grids, outputs, metrics)
    return across if _cell(across) >= _cell(down) else down


def _cell(blocks: list[Block]) -> float:
    return blocks[0].cell_width if blocks else 0.0


def _across(area: QRectF, grids: list[tuple[int, int]], outputs: int, metrics: Metrics) -> list[Block]:
    """Layers side by side, the output strip standing on the right."""
    tallest = max(rows for rows, _ in grids)
    gaps = len(grids)
    strip = tallest / outputs                      # the output cells' side, in grid cells
    usable = area.height() - 2 * metrics.line - 4
    cell = min(usable / tallest,
               (area.width() - metrics.label_width) / (sum(columns for _, columns in grids) + gaps * GAP_CELLS
                                                       + strip), MAX_CELL)
    if cell <= 0:
        return []
    # Output cells at least a line of text high, so their labels never overlap.
    side = min(max(strip * cell, metrics.line), usable / outputs)
    width = cell * (sum(columns for _, columns in grids) + gaps * GAP_CELLS) + side + metrics.label_width
    left = area.left() + max((area.width() - width) / 2, 0)
    middle = area.top() + metrics.line + 2 + usable / 2
    blocks, nothing = [], QRectF()
    for position, (rows, columns) in enumerate(grids):
        rect = QRectF(left, middle - rows * cell / 2, columns * cell, rows * cell)
        blocks.append(Block(position, rows * columns, rows, columns, rect, _beside(rect, area, metrics, cell, -1),
                            _beside(rect, area, metrics, cell, 1), nothing))
        left += columns * cell + GAP_CELLS * cell
    rect = QRectF(left, middle - outputs * side / 2, side, outputs * side)
    labels = QRectF(rect.right() + 4, rect.top(), metrics.label_width - 4, rect.height())
    whole = rect.united(labels)
    blocks.append(Block(len(grids), outputs, outputs, 1, rect, _beside(whole, area, metrics, cell, -1),
                        _beside(whole, area, metrics, cell, 1), labels))
    return blocks


def _beside(rect: QRectF, area: QRectF, metrics: Metrics, cell: float, side: int) -> QRectF:
    """The line of text above (``side`` -1) or below (1) ``rect``, wider than
    it by half a gap each way (long names stay on one line) but inside ``area``."""
    spill = GAP_CELLS * cell / 2
    top = rect.top() - metrics.line - 2 if side < 0 else rect.bottom() + 2
    line = QRectF(rect.left() - spill, top, rect.width() + 2 * spill, metrics.line)
    if line.left() < area.left():
        line.moveLeft(area.left())
    if line.right() > area.right():
        line.moveRight(area.right())
    return line


def _down(area: QRectF, grids: list[tuple[int, int]], outputs: int, metrics: Metrics) -> list[Block]:
    """Layers one under the other, the output strip lying at the bottom with
    its digits under it; each layer's name and state on the line above it."""
    widest = max(columns for _, columns in grids)
    count = len(grids) + 1
    strip = widest / outputs
    cell = min(area.width() / widest,
               (area.height() - count * metrics.line - metrics.line)
               / (sum(rows for rows, _ in grids) + (count - 1) * GAP_CELLS + strip), MAX_CELL)
    if cell <= 0:
        return []
    side = min(max(strip * cell, metrics.line), area.width() / outputs)
    height = (cell * (sum(rows for rows, _ in grids) + (count - 1) * GAP_CELLS) + side
              + count * metrics.line + metrics.line)
    top = area.top() + (area.height() - height) / 2
    centre = area.center().x()
    blocks, nothing = [], QRectF()
    for position, (rows, columns) in enumerate(grids):
        top += metrics.line
        rect = QRectF(centre - columns * cell / 2, top, columns * cell, rows * cell)
        blocks.append(Block(position, rows * columns, rows, columns, rect, _caption_line(rect, area, metrics),
                            nothing, nothing))
        top += rows * cell + GAP_CELLS * cell
    top += metrics.line
    side = min(max(strip * cell, metrics.line), area.width() / outputs)
    rect = QRectF(centre - outputs * side / 2, top, outputs * side, side)
    labels = QRectF(rect.left(), rect.bottom() + 2, rect.width(), metrics.line)
    blocks.append(Block(len(grids), outputs, 1, outputs, rect, _caption_line(rect, area, metrics),
                        nothing, labels))
    return blocks


def _caption_line(rect: QRectF, area: QRectF, metrics: Metrics) -> QRectF:
    # As wide as the view: the layer's name and state share one line.
    return QRectF(area.left(), rect.top() - metrics.line - 1, area.width(), metrics.line)

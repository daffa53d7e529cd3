"""Legends painted inside the views: a row of small samples — a line or a
square in a colour — each followed by what it means, wrapped onto as many
rows as the width needs. Painted rather than built of labels so a legend
scales with its view and costs nothing to lay out.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

SAMPLE = 18.0           # width of a sample (logical pixels)
SPACING = 14.0          # between entries


@dataclass(frozen=True)
class Entry:
    colour: QColor
    text: str
    line: bool = False          # a line (a connection) rather than a square (a unit, a pixel)
    outline: QColor | None = None


def _entry_width(entry: Entry, metrics: QFontMetricsF) -> float:
    return SAMPLE + 5 + metrics.horizontalAdvance(entry.text)


def rows(entries: list[Entry], width: float, metrics: QFontMetricsF) -> list[list[Entry]]:
    """``entries`` split into rows that fit ``width``."""
    result: list[list[Entry]] = [[]]
    used = 0.0
    for entry in entries:
        needed = _entry_width(entry, metrics) + (SPACING if result[-1] else 0)
        if result[-1] and used + needed > width:
            result.append([])
            used, needed = 0.0, _entry_width(entry, metrics)
        result[-1].append(entry)
        used += needed
    return result


def height(entries: list[Entry], width: float, metrics: QFontMetricsF) -> float:
    return len(rows(entries, width, metrics)) * metrics.height() * 1.3


def paint(painter: QPainter, area: QRectF, entries: list[Entry], text_colour: QColor) -> None:
    """Paint ``entries`` centred in ``area``, row under row."""
    metrics = QFontMetricsF(painter.font())
    line_height = metrics.height() * 1.3
    laid_out = rows(entries, area.width(), metrics)
    top = area.top() + (area.height() - line_height * len(laid_out)) / 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for row in laid_out:
        width = sum(_entry_width(entry, metrics) for entry in row) + SPACING * (len(row) - 1)
        left = area.left() + max((area.width() - width) / 2, 0)
        middle = top + line_height / 2
        for entry in row:
            _sample(painter, QRectF(left, middle - 6, SAMPLE, 12), entry)
            painter.setPen(text_colour)
            text_left = left + SAMPLE + 5
            painter.drawText(QRectF(text_left, top, area.right() - text_left, line_height),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, entry.text)
            left += _entry_width(entry, metrics) + SPACING
        top += line_height
    painter.restore()


def _sample(painter: QPainter, box: QRectF, entry: Entry) -> None:
    if entry.line:
        painter.setPen(QPen(entry.colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(box.left() + 1, box.center().y()), QPointF(box.right() - 1, box.center().y()))
        return
    square = QRectF(box.center().x() - 6, box.top(), 12, 12)
    painter.setPen(QPen(entry.outline, 1) if entry.outline is not None else Qt.PenStyle.NoPen)
    painter.setBrush(entry.colour)
    painter.drawRect(square)
    painter.setBrush(Qt.BrushStyle.NoBrush)

""""Why this answer": the drawing as the network sees it, twice side by
side — for the answer and for the runner-up — each pixel coloured by how
much it pushed that digit's score up (orange, evidence for it) or down
(blue, evidence against it), both on one scale so they compare. Under each
picture, how much the whole drawing raised that score above a blank
canvas. It answers "why did it think my 4 was a 9?". The view is handed an
``Explanation`` and draws it; pointing at a pixel gives its numbers.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.common.percent import percent
from digitpad.gui.network import colours, legend, texts
from digitpad.gui.network.readings import Explanation

MARGIN = 10.0
TITLES = ("Answer", "Runner-up")


class AttributionView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attributionView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # It paints every pixel itself: Qt need not paint what lies behind it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip(texts.ATTRIBUTION_TIP)
        self.setAccessibleName("Why this answer")
        self._explanation: Explanation | None = None
        self._images: list[QImage] = []
        self.setExplanation(None)

    def explanation(self) -> Explanation | None:
        return self._explanation

    def setExplanation(self, explanation: Explanation | None) -> None:
        """Show why the network answered as it did (None: nothing drawn)."""
        self._explanation = explanation
        self._images = []
        if explanation is not None:
            limit = colours.symmetric_limit(explanation.maps)
            self._images = [colours.image_from_argb(colours.diverging_pixels(values, limit, explanation.image))
                            for values in explanation.maps]
        digits = [] if explanation is None else list(explanation.digits)
        totals = [] if explanation is None else [float(total) for total in explanation.totals]
        probabilities = None if explanation is None else explanation.probabilities
        self.setWhatsThis(texts.ATTRIBUTION_HELP + texts.attribution_now(digits, probabilities, totals))
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, 250)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, 170)

    # -- geometry ---------------------------------------------------------------------
    def _legend_entries(self) -> list[legend.Entry]:
        return [legend.Entry(colours.PUSH, "pushed towards the digit"),
                legend.Entry(colours.HOLD, "pushed away from it")]

    def _pictures(self) -> tuple[list[tuple[QRectF, QRectF, QRectF]], QRectF]:
        """For each digit its title line, its picture and its caption line;
        and the legend's place under them, the whole centred in the view."""
        metrics = QFontMetricsF(self.font())
        line = metrics.height() + 2
        title = line * 1.35
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        legend_height = legend.height(self._legend_entries(), area.width(), metrics)
        count, gap = len(TITLES), 18.0
        text = title + 4 + 4 + line + 6 + legend_height
        side = max(min((area.width() - gap * (count - 1)) / count, area.height() - text), 28.0)
        left = area.left() + (area.width() - count * side - gap * (count - 1)) / 2
        top = area.top() + max((area.height() - text - side) / 2, 0)
        pictures = []
        for index in range(count):
            x = left + index * (side + gap)
            pictures.append((QRectF(x - gap / 2, top, side + gap, title),
                             QRectF(x, top + title + 4, side, side),
                             QRectF(x - gap / 2, top + title + side + 8, side + gap, line)))
        return pictures, QRectF(area.left(), top + title + side + 8 + line + 6, area.width(), legend_height)

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), colours.BACKGROUND)
        explanation = self._explanation
        pictures, legend_area = self._pictures()
        for index, (title, picture, caption) in enumerate(pictures):
            painter.fillRect(picture, colours.NEUTRAL)
            if explanation is None:
                self._paint_title(painter, title, TITLES[index], None, None)
                continue
            painter.drawImage(picture, self._images[index])
            digit = explanation.digits[index]
            self._paint_title(painter, title, TITLES[index], digit, float(explanation.probabilities[digit]))
            total = float(explanation.totals[index])
            painter.setPen(colours.FAINT_TEXT)
            painter.drawText(caption, Qt.AlignmentFlag.AlignCenter,
                             _fitting(painter, caption.width(), [f"{total:+.1f} to its score", f"{total:+.1f}"]))
        if explanation is None:
            painter.setPen(colours.TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Draw a digit to see\nwhich pixels decide the answer")
        else:
            # The answer's frame: which of the two the network chose.
            painter.setPen(QPen(colours.TEXT, 1))
            painter.drawRect(pictures[0][1].adjusted(-1, -1, 1, 1))
        legend.paint(painter, legend_area, self._legend_entries(), colours.FAINT_TEXT)
        painter.end()

    def _paint_title(self, painter: QPainter, line: QRectF, title: str, digit: int | None,
                     probability: float | None) -> None:
        font = QFont(self.font())
        painter.setPen(colours.FAINT_TEXT)
        painter.setFont(font)
        if digit is None:
            painter.drawText(line, Qt.AlignmentFlag.AlignCenter, title)
            return
        big = QFont(font)
        big.setBold(True)
        big.setPointSizeF(font.pointSizeF() * 1.35)
        label, number, chance = f"{title}  ", str(digit), f"  {percent(probability)}"
        if QFontMetricsF(font).horizontalAdvance(label + chance) + QFontMetricsF(big).horizontalAdvance(number) \
                > line.width():
            label = ""                          # a narrow view: the digit and its probability only
        widths = [QFontMetricsF(font).horizontalAdvance(label), QFontMetricsF(big).horizontalAdvance(number),
                  QFontMetricsF(font).horizontalAdvance(chance)]
        left = line.center().x() - sum(widths) / 2
        for text, used, width in ((label, font, widths[0]), (number, big, widths[1]), (chance, font, widths[2])):
            painter.setFont(used)
            painter.setPen(colours.TEXT if used is big else colours.FAINT_TEXT)
            painter.drawText(QRectF(left, line.top(), width + 1, line.height()), Qt.AlignmentFlag.AlignVCenter, text)
            left += width
        painter.setFont(font)

    # -- the pointer ---------------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._explanation is not None:
            tip = self._pixel_tip(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
                return True
        return super().event(event)

    def _pixel_tip(self, point: QPointF) -> str | None:
        explanation = self._explanation
        for index, (_, picture, _) in enumerate(self._pictures()[0]):
            if picture.contains(point):
                column = min(int((point.x() - picture.left()) / picture.width() * 28), 27)
                row = min(int((point.y() - picture.top()) / picture.height() * 28), 27)
                push = float(explanation.maps[index, row, column])
                digit = explanation.digits[index]
                way = "towards" if push > 0 else "away from" if push < 0 else "neither way, for"
                return (f"<b>Pixel row {row + 1}, column {column + 1}</b><br>ink "
                        f"{float(explanation.image[row, column]):.2f}<br>pushed the score of {digit} by "
                        f"{push:+.3f} ({way} {digit})")
        return None


def _fitting(painter: QPainter, width: float, candidates: list[str]) -> str:
    """The first of ``candidates`` that fits ``width``, else the last."""
    metrics = QFontMetricsF(painter.font())
    return next((text for text in candidates if metrics.horizontalAdvance(text) <= width), candidates[-1])

"""The network view: every layer of the model in use, live while the user
draws — the 28×28 input as the network sees it, each hidden layer as a grid
of units (brighter = more active, dark = silent, dark red = dead), the ten
outputs with their probabilities — and the strongest connections into the
answer and into the selected unit, drawn as lines coloured by the way they
push. Pointing at a unit shows its numbers; clicking a hidden or output
unit selects it (``unitClicked``); so does Enter, once the arrow keys (within
a layer) and Page Up / Page Down (across layers) have moved the selection
(``unitSelected``). The view computes nothing about the network itself: it
is handed a ``Trace`` and draws it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from digitpad.gui.common.percent import percent
from digitpad.gui.network import colours, legend, network_painting as painting, texts
from digitpad.gui.network.network_geometry import Block, Metrics, lay_out
from digitpad.gui.network.readings import contributions, grid_shape, read_unit, strongest, unit_name
from digitpad.inside import LayerView, Trace

MARGIN = 8.0
HEADLINE_LINES = 2          # room above the layers for what the lines show


class NetworkView(QWidget):
    unitClicked = Signal(int, int)      # network layer (0 = first hidden layer), unit
    unitSelected = Signal(int, int)     # the selection moved by keyboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("networkView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # It paints every pixel itself: Qt need not paint what lies behind it first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(320, 200)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(texts.NETWORK_TIP)
        self.setAccessibleName("Network view")
        self._layers: list[LayerView] = []
        self._trace: Trace | None = None
        self._selected: tuple[int, int] | None = None
        self._hovered: tuple[int, int] | None = None
        self._activity: list[np.ndarray] | None = None
        self._tested = 0
        self._images: list[QImage] = []
        self._connections: list[tuple[int, int, np.ndarray, np.ndarray]] = []
        self._blocks: list[Block] = []
        self._legend_height = 0.0
        self._update_help()

    # -- what to show --------------------------------------------------------
    def setLayers(self, layers: list[LayerView]) -> None:
        """The network to draw (its layers from ``network_layers``); forgets the drawing and the selection."""
        self._layers = list(layers)
        self._trace = None
        self._selected = self._hovered = None
        self._activity = None
        self._refresh()
        self._blocks = []
        self.update()

    def setTrace(self, trace: Trace | None) -> None:
        """Show the drawing followed through the network (None: nothing drawn)."""
        self._trace = trace
        self._refresh()
        self.update()

    def setActivity(self, activity: list[np.ndarray] | None, tested: int = 0) -> None:
        """How often each hidden unit is active on ``tested`` MNIST test digits (dead units turn red)."""
        self._activity, self._tested = activity, tested
        self._refresh()
        self.update()

    def setSelectedUnit(self, selected: tuple[int, int] | None) -> None:
        """Select ``(layer, unit)`` — lines are drawn into it — or nothing."""
        if selected is not None and not self._exists(*selected):
            selected = None
        self._selected = selected
        self._refresh()
        self.update()

    def selectedUnit(self) -> tuple[int, int] | None:
        return self._selected

    def connections(self) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
        """The lines drawn: ``(layer, unit, source units, their pushes)`` per unit they go into."""
        return list(self._connections)

    def unitCentre(self, layer: int, unit: int) -> QPointF:
        """Where unit ``unit`` of network layer ``layer`` is drawn (layer -1: an input pixel)."""
        return self._geometry()[layer + 1].centre(unit)

    def layerGrids(self) -> list[tuple[int, int]]:
        """``(rows, columns)`` each layer is drawn as, from the input to the output."""
        return [(block.rows, block.columns) for block in self._geometry()]

    def unitAt(self, point: QPointF) -> tuple[int, int] | None:
        """``(layer, unit)`` under ``point`` (layer -1 for an input pixel), or None."""
        for block in self._geometry():
            unit = block.unit_at(point)
            if unit is not None:
                return block.position - 1, unit
        return None

    def _exists(self, layer: int, unit: int) -> bool:
        return 0 <= layer < len(self._layers) and 0 <= unit < self._layers[layer].units

    # -- what the state turns into -----------------------------------------------
    def _refresh(self) -> None:
        self._images = self._layer_images()
        self._connections = self._strongest_connections()
        self._update_help()

    def _layer_images(self) -> list[QImage]:
        """One image per grid (input, hidden layers), a pixel per unit."""
        if not self._layers:
            return []
        trace = self._trace
        images = [colours.image_from_argb(colours.brightness_pixels(
            (trace.image if trace is not None else np.zeros(784, np.float32)).reshape(28, 28)))]
        for index, layer in enumerate(self._layers[:-1]):
            rows, columns = grid_shape(layer.units)
            values = np.zeros(rows * columns, np.float32)
            if trace is not None:
                activations = trace.layers[index].a
                values[:layer.units] = activations / max(float(activations.max()), 1e-12)
            dead = None
            if self._activity is not None and index < len(self._activity):
                dead = np.zeros(rows * columns, bool)
                dead[:layer.units] = self._activity[index] <= 0
                dead = dead.reshape(rows, columns)
            images.append(colours.image_from_argb(colours.brightness_pixels(values.reshape(rows, columns), dead)))
        return images

    def _strongest_connections(self) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
        if self._trace is None or not self._layers:
            return []
        targets = [(len(self._layers) - 1, self._trace.digit)]
        if self._selected is not None and self._selected not in targets:
            targets.append(self._selected)
        result = []
        for layer, unit in targets:
            pushes = contributions(self._trace.layers[layer], unit)
            chosen = strongest(pushes)
            result.append((layer, unit, chosen, pushes[chosen]))
        return result

    def _update_help(self) -> None:
        selected = None if self._selected is None else (self._layers[self._selected[0]], self._selected[1])
        self.setWhatsThis(texts.NETWORK_HELP + texts.network_now(self._trace, selected))

    # -- geometry ---------------------------------------------------------------
    def _legend_entries(self) -> list[legend.Entry]:
        entries = [legend.Entry(colours.PUSH, "pushes up", line=True),
                   legend.Entry(colours.HOLD, "holds back", line=True),
                   legend.Entry(QColor(255, 255, 255), "active"),
                   legend.Entry(colours.SILENT, "silent", outline=QColor(90, 96, 112))]
        if self._activity is not None:
            entries.append(legend.Entry(colours.DEAD, "dead"))
        entries.append(legend.Entry(colours.BACKGROUND, "selected", outline=colours.SELECTED))
        return entries

    def _geometry(self) -> list[Block]:
        if not self._blocks and self._layers:
            metrics = QFontMetricsF(self.font())
            area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
            self._legend_height = legend.height(self._legend_entries(), area.width(), metrics)
            area.setBottom(area.bottom() - self._legend_height - 4)
            area.setTop(area.top() + HEADLINE_LINES * metrics.height() + 4)
            grids = [(28, 28)] + [grid_shape(layer.units) for layer in self._layers[:-1]]
            self._blocks = lay_out(area, grids, self._layers[-1].units,
                                   Metrics(metrics.height() + 2, metrics.horizontalAdvance("9  100%") + 8))
        return self._blocks

    def resizeEvent(self, event) -> None:
        self._blocks = []
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(560, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(320, 200)

    # -- painting -----------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), colours.BACKGROUND)
        blocks = self._geometry()
        if not blocks:
            painter.setPen(colours.TEXT)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No network to show")
            painter.end()
            return
        for block, image in zip(blocks, self._images):
            painter.drawImage(block.rect, image)
            painting.cell_borders(painter, block)
        painting.output_cells(painter, blocks[-1], None if self._trace is None else self._trace.probabilities)
        painting.connections(painter, blocks, self._connections)
        self._paint_marks(painter, blocks)
        self._paint_texts(painter, blocks)
        painter.setPen(colours.FAINT_TEXT)
        painter.drawText(QRectF(MARGIN, MARGIN, self.width() - 2 * MARGIN, blocks[0].caption.top() - MARGIN),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                         self._headline())
        legend_area = QRectF(MARGIN, self.height() - MARGIN - self._legend_height,
                             self.width() - 2 * MARGIN, self._legend_height)
        legend.paint(painter, legend_area, self._legend_entries(), colours.FAINT_TEXT)
        painter.end()

    def _paint_marks(self, painter: QPainter, blocks: list[Block]) -> None:
        if self._trace is not None:
            painting.ring(painter, blocks[-1].cell(self._trace.digit), QColor(255, 255, 255), 2.0)
        if self._hovered is not None and self._hovered[0] + 1 < len(blocks):
            painting.ring(painter, blocks[self._hovered[0] + 1].cell(self._hovered[1]), QColor(200, 204, 214), 1.0)
        if self._selected is not None:
            painting.ring(painter, blocks[self._selected[0] + 1].cell(self._selected[1]), colours.SELECTED, 2.0)

    def _paint_texts(self, painter: QPainter, blocks: list[Block]) -> None:
        for block in blocks:
            name, state = self._block_texts(block)
            if block.footer.isEmpty():          # one line above the block for both
                painting.label(painter, block.caption, f"{name}  ·  {state}", colours.TEXT)
            else:
                painting.label(painter, block.caption, name, colours.TEXT)
                painting.label(painter, block.footer, state, colours.FAINT_TEXT)
        self._paint_output_labels(painter, blocks[-1])
        if self._trace is None:
            painter.setPen(colours.TEXT)
            painter.drawText(blocks[0].rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             "Draw a digit")

    def _headline(self) -> str:
        """What the lines are, in a sentence."""
        if self._trace is None:
            return "Draw a digit: the network reads it layer by layer, from the input to the output."
        text = f"Lines: the strongest pushes into the answer, {self._trace.digit}"
        if self._selected is not None and self._selected != (len(self._layers) - 1, self._trace.digit):
            text += f", and into {unit_name(self._layers[self._selected[0]], self._selected[1])} (yellow)"
        return text + ". Click a unit to pick it."

    def _block_texts(self, block: Block) -> tuple[str, str]:
        trace = self._trace
        if block.position == 0:
            inked = 0 if trace is None else int(np.count_nonzero(trace.image > 0.05))
            return "Input 28×28", f"{inked} pixels with ink"
        layer = self._layers[block.position - 1]
        if layer.is_output:
            return "Output", ("—" if trace is None else f"answer {trace.digit}")
        if trace is None:
            return texts.layer_title(layer), f"{layer.units} units"
        active = int(np.count_nonzero(trace.layers[layer.index].z > 0))
        return texts.layer_title(layer), f"{active} of {layer.units} active"

    def _paint_output_labels(self, painter: QPainter, block: Block) -> None:
        probabilities = None if self._trace is None else self._trace.probabilities
        for unit in range(block.units):
            cell = block.cell(unit)
            winner = self._trace is not None and unit == self._trace.digit
            painter.setPen(colours.TEXT if winner else colours.FAINT_TEXT)
            font = painter.font()
            font.setBold(winner)
            painter.setFont(font)
            if block.columns == 1:
                text = f"{unit}" if probabilities is None else f"{unit}  {percent(probabilities[unit], 0)}"
                painter.drawText(QRectF(block.labels.left(), cell.top(), block.labels.width(), cell.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            else:
                painter.drawText(QRectF(cell.left(), block.labels.top(), cell.width(), block.labels.height()),
                                 Qt.AlignmentFlag.AlignCenter, str(unit))
        font = painter.font()
        font.setBold(False)
        painter.setFont(font)

    # -- the pointer ----------------------------------------------------------------
    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            found = self.unitAt(QPointF(event.pos()))
            if found is not None:
                QToolTip.showText(event.globalPos(), self._tooltip(*found), self)
                return True
        return super().event(event)

    def _tooltip(self, layer: int, unit: int) -> str:
        trace = self._trace
        if layer < 0:
            return texts.pixel_tooltip(unit, None if trace is None else float(trace.image[unit]))
        view = self._layers[layer]
        reading = read_unit(view, unit, None if trace is None else trace.layers[layer])
        probability = None if trace is None or not view.is_output else float(trace.probabilities[unit])
        activity = None
        if self._activity is not None and not view.is_output and layer < len(self._activity):
            activity = float(self._activity[layer][unit])
        return texts.unit_tooltip(reading, probability, activity, self._tested)

    def mouseMoveEvent(self, event) -> None:
        found = self.unitAt(event.position())
        hovered = found if found is not None and found[0] >= 0 else None
        if hovered != self._hovered:
            self._hovered = hovered
            self.update()
        self.setCursor(Qt.CursorShape.PointingHandCursor if hovered else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hovered is not None:
            self._hovered = None
            self.update()
        super().leaveEvent(event)

    def mousePressEvent(self, event) -> None:
        found = self.unitAt(event.position()) if event.button() == Qt.MouseButton.LeftButton else None
        if found is not None and found[0] >= 0:
            self.setSelectedUnit(found)
            self.unitClicked.emit(*found)
            event.accept()
            return
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:
        moved = self._moved(event.key())
        if moved is not None:
            self.setSelectedUnit(moved)
            self.unitSelected.emit(*moved)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._selected is not None:
            self.unitClicked.emit(*self._selected)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _moved(self, key) -> tuple[int, int] | None:
        """Where ``key`` moves the selection (from the answer when nothing is selected), or None."""
        blocks = self._geometry()
        if not blocks:
            return None
        start = self._selected or (len(self._layers) - 1, self._trace.digit if self._trace is not None else 0)
        layer, unit = start
        block = blocks[layer + 1]
        row, column = divmod(unit, block.columns)
        steps = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1), Qt.Key.Key_Up: (-1, 0), Qt.Key.Key_Down: (1, 0)}
        if key in steps:
            row = min(max(row + steps[key][0], 0), block.rows - 1)
            column = min(max(column + steps[key][1], 0), block.columns - 1)
            return layer, min(row * block.columns + column, block.units - 1)
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            layer = min(max(layer + (1 if key == Qt.Key.Key_PageDown else -1), 0), len(self._layers) - 1)
            return layer, min(unit, self._layers[layer].units - 1)
        return None

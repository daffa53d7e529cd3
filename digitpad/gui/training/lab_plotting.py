"""What the training lab's charts share: one colour per layer (the
Okabe–Ito palette, which stays distinct for the common kinds of colour
blindness) so a layer reads the same in every chart, its plain name
("hidden 1 (layers.0)", "output (layers.4)"), what "inactive" means after
its activation, a series that keeps at most a fixed number of points by
thinning itself out as it grows, and a pyqtgraph plot set up the same way
for every chart (white, no mouse zooming, small readable titles).
"""

from __future__ import annotations

import math

import numpy as np

# Okabe–Ito: blue, orange, bluish green, vermilion, reddish purple, sky blue, yellow.
LAYER_COLOURS = [(0, 114, 178), (230, 159, 0), (0, 158, 115), (213, 94, 0), (204, 121, 167),
                 (86, 180, 233), (200, 170, 0)]
START_COLOUR = (120, 124, 136)          # "at the start" outlines
TRAIN_COLOUR = (38, 110, 220)
BATCH_COLOUR = (176, 198, 236)          # each batch's own loss, faint behind the smoothed line
VALIDATION_COLOUR = (213, 94, 0)
TITLE_SIZE = "9pt"


def layer_colour(position: int) -> tuple[int, int, int]:
    """The colour of the layer at ``position`` (input side first)."""
    return LAYER_COLOURS[position % len(LAYER_COLOURS)]


def layer_titles(layers: list[tuple[str, str | None]]) -> dict[str, str]:
    """``{"layers.0": "hidden 1 (layers.0)", …, "layers.4": "output (layers.4)"}``:
    layers with an activation are hidden layers, counted from the input."""
    titles, hidden = {}, 0
    for index, (name, activation) in enumerate(layers):
        if activation is None and index == len(layers) - 1:
            titles[name] = f"output ({name})"
        else:
            hidden += 1
            titles[name] = f"hidden {hidden} ({name})"
    return titles


def inactive_word(activation: str | None) -> str:
    """What an inactive unit is after ``activation``: dead or saturated."""
    if activation in ("relu", "leaky_relu"):
        return "dead"
    if activation in ("sigmoid", "tanh"):
        return "saturated"
    return "inactive"


ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "sigmoid": "sigmoid", "tanh": "tanh"}


def activation_name(activation: str | None) -> str:
    """``activation`` as a learner reads it: "ReLU", "sigmoid"…"""
    return ACTIVATION_NAMES.get(activation or "", activation or "none")


def epoch_position(epoch: int, batch: int, batches: int) -> float:
    """Epochs as a float: 0.5 is half way through the first epoch."""
    return epoch - 1 + batch / max(batches, 1)


class DecimatedSeries:
    """An (x, y) series of at most ``limit`` points: when it fills up every
    second point is dropped and from then on only every ``stride``-th point
    offered is kept, so a long run is drawn evenly from start to end."""

    def __init__(self, limit: int) -> None:
        self.limit = max(int(limit) // 2 * 2, 2)
        self.xs = np.empty(self.limit, np.float64)
        self.ys = np.empty(self.limit, np.float64)
        self.count = 0
        self.stride = 1
        self.offered = 0

    def clear(self) -> None:
        self.count, self.stride, self.offered = 0, 1, 0

    def append(self, x: float, y: float) -> bool:
        """Offer a point; True when it was kept."""
        self.offered += 1
        if (self.offered - 1) % self.stride:
            return False
        if self.count == self.limit:
            half = self.limit // 2
            self.xs[:half] = self.xs[0::2]
            self.ys[:half] = self.ys[0::2]
            self.count = half
            self.stride *= 2
        self.xs[self.count] = x
        self.ys[self.count] = y
        self.count += 1
        return True

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.xs[:self.count], self.ys[:self.count]


def make_plot(pyqtgraph, title: str, left: str, bottom: str = "epoch", minimum=(220, 150)):
    """A pyqtgraph PlotWidget as every lab chart has it."""
    pyqtgraph.setConfigOptions(antialias=True, background="w", foreground=(60, 60, 70))
    plot = pyqtgraph.PlotWidget()
    plot.setTitle(title, size=TITLE_SIZE)
    plot.setLabel("left", left)
    plot.setLabel("bottom", bottom)
    for axis in ("left", "bottom"):
        plot.getAxis(axis).enableAutoSIPrefix(False)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.setMenuEnabled(False)
    plot.setMinimumSize(*minimum)
    return plot


def add_legend(plot, offset=(-8, 8)):
    """A compact legend on a half-transparent white box, so lines behind it still show."""
    legend = plot.addLegend(offset=offset, labelTextSize="8pt", verSpacing=-6,
                            brush=(255, 255, 255, 200), pen=(200, 204, 212))
    return legend


def log_ticks(low: float, high: float) -> list[list[tuple[float, str]]] | None:
    """Ticks for a logarithmic axis showing powers of ten from ``low`` to ``high``
    (both powers): labelled at 1, 2 and 5 × 10^k (only at 10^k over more than
    three decades, also at 3 × 10^k, then at every step, while that would leave
    fewer than three labels), with unlabelled minor ticks between — never a
    crowd of labels. None when even every step gives fewer than two labels (a
    very narrow range): pyqtgraph's own ticks suit that better."""
    for labelled_steps in ((1,) if high - low > 3 else (1, 2, 5), (1, 2, 3, 5), tuple(range(1, 10))):
        major, minor = [], []
        for power in range(math.floor(low), math.ceil(high) + 1):
            for step in range(1, 10):
                position = power + math.log10(step)
                if low <= position <= high:
                    value = step * 10.0 ** power
                    (major if step in labelled_steps else minor).append((position, f"{value:.3g}"))
        if len(major) >= 3:
            break
    if len(major) < 2:
        return None
    return [major, [(position, "") for position, _ in minor]]


def follow_log_ticks(plot) -> None:
    """Keep ``plot``'s left axis labelled by ``log_ticks`` as its range changes,
    while it is logarithmic (pyqtgraph's own ticks otherwise)."""
    axis = plot.getAxis("left")

    def update(_, y_range) -> None:
        axis.setTicks(log_ticks(*y_range) if axis.logMode else None)

    plot.getViewBox().sigYRangeChanged.connect(update)
    update(None, plot.getViewBox().viewRange()[1])


def add_waiting_text(pyqtgraph, plot, text: str = "Appears when training starts"):
    """A grey note in the middle of ``plot``'s empty chart area, kept there as it
    resizes; hide it (``setVisible(False)``) once there is something to draw."""
    item = pyqtgraph.TextItem(text, color=(120, 124, 136), anchor=(0.5, 0.5))
    view = plot.getViewBox()
    item.setParentItem(view)            # in the view's pixels, not in data coordinates

    def centre() -> None:
        item.setPos(view.boundingRect().center())

    view.sigResized.connect(centre)
    centre()
    return item

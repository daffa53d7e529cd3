"""The drawing side of the main window: the canvas in its frame and, below
it, the pen width (a slider remembered between runs) and the Undo and Clear
buttons.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from digitpad.gui.settings import PEN_WIDTH_RANGE, AppSettings
from digitpad.gui.window.canvas import DrawingCanvas

# How much "Thinner pen" and "Thicker pen" change the width (pixels).
PEN_STEP = 2
# The spacing of the main window's layout, which this panel shares.
SPACING = 12


class DrawingPanel(QWidget):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawingPanel")
        self._settings = settings
        self.canvas = DrawingCanvas(pen_width=settings.pen_width())
        self.penSlider = QSlider(Qt.Orientation.Horizontal)
        self.penSlider.setObjectName("penWidth")
        self.penSlider.setRange(*PEN_WIDTH_RANGE)
        self.penSlider.setValue(round(self.canvas.penWidth()))
        self.penSlider.setFixedWidth(160)
        self.penSlider.setToolTip("Pen width ([ and ] change it)")
        self.penSlider.setWhatsThis(
            "How wide your strokes are. The network does not mind much: every drawing is scaled to "
            "the same size before it is read, which also thickens or thins the strokes. Very thin or "
            "very thick strokes look least like the MNIST digits it learnt from.")
        self._pen_value = QLabel()
        self._pen_value.setMinimumWidth(44)
        self.penSlider.valueChanged.connect(self._pen_width_changed)
        self._pen_width_changed(self.penSlider.value())
        self.undoButton = QPushButton("Undo")
        self.undoButton.setToolTip("Undo the last stroke (Ctrl+Z)")
        self.undoButton.setWhatsThis("Removes the last stroke you drew (or a picture you opened); the "
                                     "network reads what is left at once.")
        self.undoButton.clicked.connect(self.canvas.undo)
        self.undoButton.setEnabled(False)
        self.canvas.undoAvailable.connect(self.undoButton.setEnabled)
        self.clearButton = QPushButton("Clear")
        self.clearButton.setObjectName("clearButton")
        self.clearButton.setToolTip("Clear the canvas (Esc or Delete)")
        self.clearButton.setWhatsThis("Wipes the canvas so you can write the next digit.")
        self.clearButton.clicked.connect(self.canvas.clear)
        self._lay_out()

    def _lay_out(self) -> None:
        tools = QHBoxLayout()
        tools.addWidget(QLabel("Pen"))
        tools.addWidget(self.penSlider)
        tools.addWidget(self._pen_value)
        tools.addStretch(1)
        tools.addWidget(self.undoButton)
        tools.addWidget(self.clearButton)
        canvas_frame = QFrame()
        canvas_frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame_layout = QVBoxLayout(canvas_frame)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        frame_layout.addWidget(self.canvas)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACING)
        layout.addWidget(canvas_frame, 1)
        layout.addLayout(tools)

    @Slot()
    def thinnerPen(self) -> None:
        self.penSlider.setValue(self.penSlider.value() - PEN_STEP)

    @Slot()
    def thickerPen(self) -> None:
        self.penSlider.setValue(self.penSlider.value() + PEN_STEP)

    @Slot(int)
    def _pen_width_changed(self, value: int) -> None:
        self.canvas.setPenWidth(value)
        self._pen_value.setText(f"{value} px")
        self._settings.set_pen_width(value)

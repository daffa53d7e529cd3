"""The lab's view of the drawing: the 28×28 image the network sees and its
probabilities from the model in use and from the edited network, side by
side, under a line saying what each one answers.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from digitpad.gui.common.explain import explain
from digitpad.gui.common.messages import escape
from digitpad.gui.common.percent import percent
from digitpad.gui.lab import lab_texts as texts
from digitpad.gui.lab.comparison_bars import EDITED, IN_USE, ComparisonBars
from digitpad.gui.window.input_preview import InputPreview

PREVIEW_SIDE = 112


def _answer(name: str, colour, probabilities: np.ndarray) -> str:
    digit = int(probabilities.argmax())
    return (f"{name} reads <b style='color:{colour.name()}; font-size:15pt'>{digit}</b> "
            f"({escape(percent(probabilities[digit]))})")


class DrawingEffect(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your drawing", parent)
        self.setObjectName("drawingEffect")
        explain(self, "Your drawing, read by the model in use and by the edited network", texts.DRAWING_GROUP)
        self.preview = InputPreview()
        self.preview.setFixedSize(PREVIEW_SIDE, PREVIEW_SIDE)
        explain(self.preview, "The 28×28 picture of your drawing that both networks read",
                "Your drawing from the main window the way the network receives it: 784 pixels, cropped, "
                "scaled into a 20×20 box and centred, like the MNIST digits. Both networks read this same "
                "picture, so any difference between them comes from your edits.")
        self.answerLabel = QLabel()
        self.answerLabel.setObjectName("drawingAnswer")
        self.answerLabel.setTextFormat(Qt.TextFormat.RichText)
        self.answerLabel.setWordWrap(True)
        self.answerLabel.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        explain(self.answerLabel, "What each network answers for your drawing, and how sure it is",
                "The answer is the digit with the largest probability; the percentage is that probability "
                "(the network's confidence).")
        self.bars = explain(ComparisonBars(), "Your drawing's probabilities: model in use (blue), edited (orange)",
                            texts.BARS)
        layout = QGridLayout(self)
        layout.addWidget(self.answerLabel, 0, 0, 1, 2)
        layout.addWidget(self.preview, 1, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.bars, 1, 1)
        layout.setColumnStretch(1, 1)
        layout.setRowStretch(1, 1)
        self.setReading(None, None, None)

    def setReading(self, image: np.ndarray | None, in_use: np.ndarray | None, edited: np.ndarray | None) -> None:
        """Show ``image`` (28×28) with both networks' probabilities (None: nothing drawn)."""
        self.preview.setImage(image)
        self.bars.setProbabilities(in_use, edited)
        if image is None or in_use is None:
            self.answerLabel.setText("<span style='color:#7a8090'>Draw a digit in the main window: both "
                                     "networks read it here.</span>")
            return
        answers = [_answer("In use", IN_USE, in_use)]
        if edited is not None:
            answers.append(_answer("edited", EDITED, edited))
        self.answerLabel.setText(" &nbsp;·&nbsp; ".join(answers))

"""The point map's card for one test digit — the one under the pointer, or
the one last clicked: its picture as the network sees it, its number, the
digit it was written as and the model's two best guesses, and a button
that puts it on the canvas (``loadRequested``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain, explained_button, now
from digitpad.gui.pointmap import texts
from digitpad.gui.window.input_preview import InputPreview

PICTURE = 84


class PointCard(QWidget):
    loadRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pointCard")
        self.picture = explain(InputPreview(), texts.CARD_TIP, texts.CARD_HELP)
        self.picture.setFixedSize(PICTURE, PICTURE)
        self.words = explain(QLabel(), texts.CARD_TIP, texts.CARD_HELP)
        self.words.setObjectName("pointCardWords")
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setWordWrap(True)
        self.words.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.loadButton = explained_button("Put on canvas", self.loadRequested.emit, texts.LOAD_TIP,
                                           texts.LOAD_HELP)
        self.loadButton.setObjectName("putOnCanvas")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.words, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.loadButton, 0, Qt.AlignmentFlag.AlignLeft)
        self._test_index: int | None = None
        self.showNothing()

    def testIndex(self) -> int | None:
        """The test digit shown (None when none)."""
        return self._test_index

    def showDigit(self, test_index: int, label: int, probabilities: np.ndarray, image: np.ndarray) -> None:
        """Show test digit ``test_index``: ``image`` ``(28, 28)`` in [0, 1]."""
        self._test_index = test_index
        self.picture.setImage(image)
        text = texts.digit_card(test_index, label, probabilities)
        self.words.setText(text)
        self.loadButton.setEnabled(True)
        explain(self.words, texts.CARD_TIP, now(texts.CARD_HELP, text))

    def showNothing(self) -> None:
        self._test_index = None
        self.picture.setImage(None)
        self.words.setText("<span style='color:gray'>Point at a dot to see its digit; click it to keep it "
                           "here.</span>")
        self.loadButton.setEnabled(False)
        explain(self.words, texts.CARD_TIP, texts.CARD_HELP)

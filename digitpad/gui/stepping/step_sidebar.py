"""The step-through's left column: the 28 × 28 image being followed, the
network's answer for it, and the list of steps — the input, each layer,
the softmax — with Back and Next to walk through them in order.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explain, explained_button
from digitpad.gui.window.input_preview import InputPreview


class StepSidebar(QWidget):
    stepChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepSidebar")
        self.preview = explain(InputPreview(), "The 28 × 28 image being stepped through",
                               "The digit whose numbers are shown, exactly as the network receives it: 28 × 28 "
                               "pixels, each a number from 0 (black) to 1 (white ink).")
        self.preview.setFixedSize(112, 112)
        self.answerLabel = QLabel()
        self.answerLabel.setObjectName("answer")
        self.answerLabel.setWordWrap(True)
        self.answerLabel.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.answerLabel.setWhatsThis("The network's answer for this digit: the digit that gets the highest "
                                      "probability after the softmax (the last step), and that probability. For "
                                      "an MNIST test digit, whether that is the digit the person wrote.")
        self.stepList = explain(QListWidget(), "The steps of the forward pass: click one to see its numbers",
                                "The forward pass — how the network turns the image into an answer — one step "
                                "at a time: the input pixels, then each layer (weights, bias, weighted sums, "
                                "activation), then the softmax that turns scores into probabilities. Click a "
                                "step, or use Back and Next.")
        self.stepList.setObjectName("steps")
        self.stepList.currentRowChanged.connect(self._row_changed)
        self.backButton = explained_button("◀ Back", lambda: self.setCurrentStep(self.currentStep() - 1),
                                           "The previous step", "Goes one step back towards the input.")
        self.nextButton = explained_button("Next ▶", lambda: self.setCurrentStep(self.currentStep() + 1),
                                           "The next step", "Goes one step on towards the answer.")
        self.nextButton.setObjectName("nextStep")
        buttons = QHBoxLayout()
        buttons.addWidget(self.backButton)
        buttons.addWidget(self.nextButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.answerLabel)
        layout.addWidget(self.stepList, 1)
        layout.addLayout(buttons)

    def setSteps(self, steps: list[tuple[str, str]]) -> None:
        """``(title, tooltip)`` of each step, in order; the current step is kept when it still exists."""
        current = max(self.currentStep(), 0)
        self.stepList.blockSignals(True)
        self.stepList.clear()
        for number, (title, tip) in enumerate(steps, start=1):
            item = QListWidgetItem(f"{number}. {title}")
            item.setToolTip(tip)
            self.stepList.addItem(item)
        self.stepList.blockSignals(False)
        self.setCurrentStep(min(current, len(steps) - 1))

    def currentStep(self) -> int:
        return self.stepList.currentRow()

    def setCurrentStep(self, step: int) -> None:
        step = min(max(step, 0), self.stepList.count() - 1)
        if step != self.stepList.currentRow():
            self.stepList.setCurrentRow(step)
        else:
            self._row_changed(step)

    def setImage(self, image: np.ndarray | None) -> None:
        self.preview.setImage(None if image is None else np.asarray(image).reshape(28, 28))

    def setAnswer(self, text: str, tip: str = "") -> None:
        self.answerLabel.setText(text)
        self.answerLabel.setToolTip(tip)

    @Slot(int)
    def _row_changed(self, row: int) -> None:
        self.backButton.setEnabled(row > 0)
        self.nextButton.setEnabled(0 <= row < self.stepList.count() - 1)
        if row >= 0:
            self.stepChosen.emit(row)

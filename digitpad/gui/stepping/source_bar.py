"""Which digit is stepped through: the drawing on the canvas (followed live
while the learner draws) or an MNIST test digit, chosen by number, by
previous and next, or by "Next mistake" — the next test digit the network
gets wrong. The bar only asks; the dialog decides and tells it what is
shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QSpinBox, QWidget

from digitpad.gui.common.explain import explain, explained_button

DRAWING, TEST_DIGIT = "drawing", "test"
TEST_DIGITS = 10_000


class DigitSourceBar(QWidget):
    sourceChosen = Signal(str)          # DRAWING or TEST_DIGIT
    testDigitChosen = Signal(int)       # a test digit's number
    nextMistakeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digitSource")
        self.drawingButton = explain(QRadioButton("Your drawing"), "Step through the digit on the canvas, "
                                     "live while you draw",
                                     "Shows the numbers for the digit you draw on the main window's canvas, "
                                     "updated as you draw: change a stroke and watch every number change.")
        self.testButton = explain(QRadioButton("MNIST test digit"), "Step through one of the 10,000 MNIST test "
                                  "digits", "Shows the numbers for one of the 10,000 handwritten MNIST test "
                                  "digits, which the network never saw in training. Choose it by number, with "
                                  "◀ and ▶, or with Next mistake.")
        self.drawingButton.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.drawingButton)
        group.addButton(self.testButton)
        self.previousButton = explained_button("◀", lambda: self._step_by(-1), "The previous test digit",
                                               "Goes to the MNIST test digit before this one.")
        self.numberBox = explain(QSpinBox(), "", "The number of the MNIST test digit shown, from 0 to 9,999. "
                                 "Type a number to go to that digit.")
        self.numberBox.setObjectName("testDigitNumber")
        self.numberBox.setRange(0, TEST_DIGITS - 1)
        self.numberBox.setPrefix("#")
        self.numberBox.setKeyboardTracking(False)
        self.nextButton = explained_button("▶", lambda: self._step_by(1), "The next test digit",
                                           "Goes to the MNIST test digit after this one.")
        self.mistakeButton = explained_button("Next mistake ▶▶", self.nextMistakeRequested.emit,
                                              "The next test digit the network gets wrong",
                                              "Goes to the next MNIST test digit (after the one shown) that "
                                              "the network misreads, so you can see where its numbers go "
                                              "wrong.")
        self.mistakeButton.setObjectName("nextMistake")
        for button in (self.previousButton, self.nextButton):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("◀") + 28)
        self.statusLabel = QLabel()
        self.statusLabel.setObjectName("digitStatus")
        self.statusLabel.setWhatsThis("Which digit the window is following: your drawing, or an MNIST test digit "
                                      "with the digit a person wrote and the digit the network reads.")
        self.drawingButton.toggled.connect(self._source_toggled)
        self.numberBox.valueChanged.connect(self._number_changed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Step through:"))
        layout.addWidget(self.drawingButton)
        layout.addWidget(self.testButton)
        for widget in (self.previousButton, self.numberBox, self.nextButton, self.mistakeButton):
            layout.addWidget(widget)
        layout.addSpacing(10)
        layout.addWidget(self.statusLabel, 1)
        self._describe_number()

    def source(self) -> str:
        return DRAWING if self.drawingButton.isChecked() else TEST_DIGIT

    def setSource(self, source: str) -> None:
        """Show ``source`` as chosen, without asking for it again."""
        self.drawingButton.blockSignals(True)
        self.drawingButton.setChecked(source == DRAWING)
        self.testButton.setChecked(source != DRAWING)
        self.drawingButton.blockSignals(False)

    def testNumber(self) -> int:
        return self.numberBox.value()

    def setTestNumber(self, number: int) -> None:
        self.numberBox.blockSignals(True)
        self.numberBox.setValue(number)
        self.numberBox.blockSignals(False)
        self._describe_number()

    def setStatus(self, text: str, tip: str = "") -> None:
        """What is shown, in words (rich text), and a longer tooltip."""
        self.statusLabel.setText(text)
        self.statusLabel.setToolTip(tip)

    @Slot(bool)
    def _source_toggled(self, drawing: bool) -> None:
        self.sourceChosen.emit(DRAWING if drawing else TEST_DIGIT)

    @Slot(int)
    def _number_changed(self, number: int) -> None:
        self._describe_number()
        self.testDigitChosen.emit(number)

    def _step_by(self, offset: int) -> None:
        self.testDigitChosen.emit((self.numberBox.value() + offset) % TEST_DIGITS)

    def _describe_number(self) -> None:
        self.numberBox.setToolTip(f"MNIST test digit #{self.numberBox.value()} of 0–9,999: type a number to "
                                  "go there")

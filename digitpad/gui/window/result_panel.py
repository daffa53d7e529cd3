"""The result panel beside the canvas: the recognised digit (or the number,
digit by digit) in large type with how sure the network is, the 28x28
picture the network sees and its ten probability bars. For a number the
picture and the bars show the digit being written. Clicking a bar asks to
label the drawing as that digit (``digitClicked``). A note under the answer
says when the user's own samples decided it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from digitpad.gui.common.explain import explained_note
from digitpad.gui.window.input_preview import InputPreview
from digitpad.gui.window.probability_bars import ProbabilityBars
from digitpad.gui.common.percent import percent
from digitpad.model.recognition import NumberRecognition, Recognition

PANEL_WIDTH = 280
NOTHING_HTML = "<div style='font-size:15pt; color:#7a8090'>Draw a digit</div>"


def digit_html(recognition: Recognition) -> str:
    """One digit in large type, with how sure the network is (or that it is not)."""
    if recognition.unsure:
        return (f"<div style='font-size:30pt; font-weight:600; color:#d98a28'>{recognition.digit}?</div>"
                f"<div>Not sure — maybe {recognition.digit} or {recognition.runner_up()} "
                f"({percent(recognition.confidence, 0)})</div>")
    return (f"<div style='font-size:30pt; font-weight:600'>{recognition.digit}</div>"
            f"<div>{percent(recognition.confidence)} sure</div>")


def number_html(number: NumberRecognition) -> str:
    """A number digit by digit, each with its confidence; unsure digits in orange."""
    cells = "".join(
        f"<td align='center' style='padding:0 5px'><span style='font-size:26pt; font-weight:600;"
        f"{' color:#d98a28' if digit.unsure else ''}'>{digit.digit}</span><br>"
        f"<span style='font-size:8pt; color:#5a6070'>{percent(digit.confidence, 0)}</span></td>"
        for digit in number.digits)
    return f"<table align='center'><tr>{cells}</tr></table>"


def result_html(number: NumberRecognition | None) -> str:
    """What the panel's headline shows for a reading: nothing, a digit or a number."""
    if number is None:
        return NOTHING_HTML
    return number_html(number) if len(number) > 1 else digit_html(number.digits[0])


def _caption(text: str) -> QLabel:
    caption = QLabel(text)
    caption.setObjectName("caption")
    return caption


class ResultPanel(QWidget):
    digitClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultPanel")
        self.resultLabel = QLabel()
        self.resultLabel.setObjectName("resultLabel")
        self.resultLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.resultLabel.setMinimumHeight(86)
        self.resultLabel.setTextFormat(Qt.TextFormat.RichText)
        self.resultLabel.setToolTip("The digit the network reads, and how sure it is")
        self.resultLabel.setWhatsThis(
            "The network's answer: the digit with the highest probability and that probability. An "
            "orange digit with a question mark means no digit got even half the probability, "
            "so the network is unsure — often because the drawing looks like two digits. A number is "
            "read digit by digit, each with its own confidence.")
        self.personalLabel = explained_note(
            "personalNote", "Your labelled samples decided this answer",
            "This drawing is close to one you labelled, so it is read the way you labelled that one "
            "(instant personalisation). The network on its own would answer differently. Model → My "
            "handwriting shows your samples and can switch this off.")
        self.personalLabel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.personalLabel.setMinimumHeight(2 * self.personalLabel.fontMetrics().lineSpacing() + 2)
        self.personalLabel.setStyleSheet("color: #2a6fb0")
        self.personalLabel.setVisible(False)
        self.inputPreview = InputPreview()
        self.inputPreview.setFixedSize(168, 168)
        self.inputPreview.setWhatsThis(
            "The network never sees your drawing as it is: it sees 784 numbers, one per pixel of a "
            "28×28 picture. digitpad crops your ink, scales it into a 20×20 box and centres it by its "
            "centre of mass, the way the MNIST digits were prepared. If this picture looks wrong, the "
            "answer will be too.")
        self.probabilityBars = ProbabilityBars()
        self.probabilityBars.setWhatsThis(
            "The network's output: ten probabilities, one per digit, adding up to 100%. The longest "
            "bar is the answer. Click a bar (or press a digit key) when the answer is wrong: the "
            "drawing is saved under that digit in My handwriting and learnt at once, so the next "
            "drawing like it is read as that digit.")
        self.probabilityBars.digitClicked.connect(self.digitClicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.resultLabel)
        layout.addWidget(self.personalLabel)
        layout.addWidget(_caption("What the network sees"))
        layout.addWidget(self.inputPreview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(_caption("Probabilities"))
        layout.addWidget(self.probabilityBars, 1)
        self.setFixedWidth(PANEL_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.showReading(None, 0)

    @Slot(object, int)
    def showReading(self, number: NumberRecognition | None, focused: int) -> None:
        """Show a reading; the picture and the bars show its digit ``focused``."""
        recognition = None if number is None else number.digits[focused]
        self.inputPreview.setImage(None if recognition is None else recognition.mnist_image)
        self.probabilityBars.setProbabilities(None if recognition is None else recognition.probabilities)
        self.resultLabel.setText(result_html(number))

    @Slot(bool, str)
    def showPersonalNote(self, personalised: bool, note: str) -> None:
        """While the user's samples take part in readings the note keeps its
        room, empty or not, so the picture and the bars do not jump as it
        comes and goes during a stroke."""
        self.personalLabel.setText(note)
        self.personalLabel.setVisible(personalised)

"""Model → Step through a digit: the forward pass of one digit — the drawing
on the canvas, followed live, or an MNIST test digit — one step at a time
with the real numbers of the model in use: the 784 input pixels, each
layer's weights, biases, weighted sums and activations, and the softmax at
a temperature the learner chooses. The dialog observes the session, so it
follows a change of model; the drawing and the MNIST test digits are handed
to it (by its controller), and it asks for the test digits with
``testDigitsNeeded`` when it first needs them.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QStackedWidget, QVBoxLayout, QWhatsThis,
                               QWidget)

from digitpad.data.mnist import as_float_images
from digitpad.gui.common.explain import explain
from digitpad.gui.common.observe import observe
from digitpad.gui.common.screen_fit import fit_to_screen
from digitpad.gui.stepping.input_page import InputPage
from digitpad.gui.stepping.layer_page import LayerPage
from digitpad.gui.stepping.numbers import percent
from digitpad.gui.stepping.softmax_page import SoftmaxPage
from digitpad.gui.stepping.source_bar import DRAWING, TEST_DIGIT, DigitSourceBar
from digitpad.gui.stepping.step_sidebar import StepSidebar
from digitpad.inside import Trace, network_layers, softmax_steps, trace
from digitpad.session import Session

if TYPE_CHECKING:
    from digitpad.train.report import DigitPredictions


class StepThroughDialog(QDialog):
    testDigitsNeeded = Signal()     # the MNIST test digits (with this model's predictions) are wanted

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepThroughDialog")
        self._session = session
        self._drawing: np.ndarray | None = None
        self._test: DigitPredictions | None = None
        self._test_index = 0
        self._pending: str | None = None        # "show" or "mistake": waiting for the test digits
        self._trace: Trace | None = None
        self._problem: str | None = None
        self._shown_image: np.ndarray | None = None
        self._stale: set[int] = set()          # pages not yet showing the latest trace
        self._pages_model = None                # the model the pages were made for
        self.sourceBar = DigitSourceBar()
        self.sidebar = StepSidebar()
        self.sidebar.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.inputPage, self.layerPages, self.softmaxPage = None, [], None
        body = QHBoxLayout()
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sourceBar)
        layout.addLayout(body, 1)
        layout.addWidget(self._build_buttons())
        self.sourceBar.sourceChosen.connect(self._source_chosen)
        self.sourceBar.testDigitChosen.connect(self.showTestDigit)
        self.sourceBar.nextMistakeRequested.connect(self.nextMistake)
        self.sidebar.stepChosen.connect(self._show_step)
        observe(self, session.model_changed, self._model_changed)
        self.setWhatsThis("Steps through how the network reads one digit, with its real numbers: the input "
                          "pixels, then every layer's weights, bias, weighted sums and activations, then the "
                          "softmax. Hover any number to see how it was worked out.")
        self._model_changed()
        fit_to_screen(self, QSize(1180, 700))
        # Arrow keys then walk through the steps.
        self.sidebar.stepList.setFocus()

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        explain(buttons.button(QDialogButtonBox.StandardButton.Close), "Close this window",
                "Closes the step-through; the drawing and the model stay as they are.")
        helper = explain(buttons.addButton("What's this?", QDialogButtonBox.ButtonRole.HelpRole),
                         "Click this, then any part of the window to learn what it shows (Shift+F1)",
                         "Turns the pointer into a question mark: click any table, picture or control and "
                         "it explains what it shows and how to read it.")
        helper.clicked.connect(QWhatsThis.enterWhatsThisMode)
        whats_this = QWhatsThis.createAction(self)
        whats_this.setShortcut(QKeySequence("Shift+F1"))
        self.addAction(whats_this)
        return buttons

    # -- pages, one per step ---------------------------------------------------------------
    def _build_pages(self, layers) -> None:
        # The old trace belongs to the old model: nothing is shown until the retrace.
        self._trace, self._stale = None, set()
        for page in [self.inputPage, *self.layerPages, self.softmaxPage]:
            if page is not None:
                self.stack.removeWidget(page)
                page.deleteLater()
        self.inputPage = InputPage()
        self.layerPages = [LayerPage(layer, layers[layer.index - 1].name if layer.index else None,
                                     layer.index + 2) for layer in layers]
        self.softmaxPage = SoftmaxPage(len(layers) + 2)
        self.softmaxPage.temperatureChanged.connect(self._temperature_changed)
        steps = [("The input", "784 numbers, one per pixel")]
        for page in [self.inputPage, *self.layerPages, self.softmaxPage]:
            self.stack.addWidget(page)
        for layer in layers:
            shape = f"{layer.fan_in:,} → {layer.units:,}"
            steps.append((f"{layer.name.capitalize()}\n     {shape}", f"{layer.name.capitalize()}: {shape}, "
                          f"{'the scores' if layer.is_output else layer.activation_name}"))
        steps.append(("Softmax\n     scores → probabilities", "The softmax, step by step, and the entropy"))
        self.sidebar.setSteps(steps)

    @Slot()
    def _model_changed(self) -> None:
        model = self._session.model
        if model is self._pages_model:
            return
        self._pages_model = model
        self.setWindowTitle(f"Step through a digit — {self._session.model_path.name}")
        # A learner's own temperature is kept; the model's is followed.
        chosen = None if self.softmaxPage is None or \
            self.temperature() == self.softmaxPage.calibratedTemperature() else self.temperature()
        try:
            layers = network_layers(model)
        except ValueError as error:
            self._problem = f"This network cannot be stepped through: {error}."
            layers = []
        else:
            self._problem = None
        self._build_pages(layers)
        self.softmaxPage.setCalibratedTemperature(model.temperature)
        self.softmaxPage.setTemperature(model.temperature if chosen is None else chosen)
        self._retrace()

    # -- what is shown -----------------------------------------------------------------------
    def currentTrace(self) -> Trace | None:
        """The numbers shown: the digit followed through the model in use."""
        return self._trace

    def source(self) -> str:
        return self.sourceBar.source()

    def testIndex(self) -> int | None:
        """The MNIST test digit shown (None when following the drawing)."""
        return self._test_index if self.source() == TEST_DIGIT and self._test is not None else None

    def temperature(self) -> float:
        return 1.0 if self.softmaxPage is None else self.softmaxPage.temperature()

    def setTemperature(self, temperature: float) -> None:
        self.softmaxPage.setTemperature(temperature)

    def setStep(self, step: int) -> None:
        """Show step ``step`` (0: the input, then the layers, last the softmax)."""
        self.sidebar.setCurrentStep(step)

    def step(self) -> int:
        return self.stack.currentIndex()

    def _image(self) -> np.ndarray | None:
        if self.source() == DRAWING:
            return self._drawing
        if self._test is None:
            return None
        return as_float_images(self._test.images[self._test_index:self._test_index + 1])[0]

    def _retrace(self) -> None:
        if self._session.model is not self._pages_model:
            # The drawing may be read with a new model before this window
            # hears of it: the pages are made for the new model first.
            self._model_changed()
            return
        image = self._image()
        if image is None or self._problem is not None:
            self._trace = None
        else:
            self._trace = trace(self._session.model, image, self.temperature())
        self._shown_image = image
        self.sidebar.setImage(image)
        # Only the page in view is brought up to date now: while the pen moves
        # the drawing is read 40 times a second, and the others can wait
        # until they are shown.
        self._stale = set(range(self.stack.count()))
        self._update_page(self.stack.currentIndex())
        self._describe()

    @Slot(int)
    def _show_step(self, index: int) -> None:
        self._update_page(index)
        self.stack.setCurrentIndex(index)

    def _update_page(self, index: int) -> None:
        if index not in self._stale:
            return
        self._stale.discard(index)
        page = self.stack.widget(index)
        if page is self.inputPage:
            page.setImage(self._shown_image)
        elif page is self.softmaxPage:
            page.setSteps(None if self._trace is None else self._trace.softmax)
        else:
            page.setTrace(self._trace)

    @Slot(float)
    def _temperature_changed(self, temperature: float) -> None:
        if self._trace is not None:
            self._trace = replace(self._trace, softmax=softmax_steps(self._trace.layers[-1].z, temperature))
            self.softmaxPage.setSteps(self._trace.softmax)
            self._stale.discard(self.stack.indexOf(self.softmaxPage))
            self._describe()

    def _describe(self) -> None:
        """The answer beside the image and the line about what is shown."""
        recorded, testing = self._trace, self.source() == TEST_DIGIT
        label = None if not testing or self._test is None else int(self._test.labels[self._test_index])
        if self._problem is not None:
            self.sidebar.setAnswer(html.escape(self._problem))
        elif recorded is None:
            self.sidebar.setAnswer("Loading the MNIST test digits…" if self._pending else
                                   "Draw a digit on the canvas" if not testing else "No test digit")
        else:
            digit, p = recorded.digit, float(recorded.probabilities[recorded.digit])
            at = "" if recorded.softmax.temperature == 1 else f" at T = {recorded.softmax.temperature:g}"
            wrong = f"<br><span style='color:#b3261e'>✗ a mistake: it is a {label}</span>"
            verdict = "" if label is None else ("<br>✓ right" if digit == label else wrong)
            self.sidebar.setAnswer(f"The network says <b style='font-size:15pt'>{digit}</b><br>"
                                   f"with probability {percent(p)}{at}{verdict}",
                                   "The digit with the highest probability after the softmax, and that "
                                   "probability.")
        if not testing:
            self.sourceBar.setStatus("Following your drawing live" if self._drawing is not None
                                     else "Draw a digit on the canvas to see its numbers")
        elif label is not None and recorded is not None:
            verdict = "✓" if recorded.digit == label else "<span style='color:#b3261e'>✗ wrong</span>"
            self.sourceBar.setStatus(f"Test digit #{self._test_index}: written as <b>{label}</b>, the network "
                                     f"says <b>{recorded.digit}</b> {verdict}",
                                     f"MNIST test digit number {self._test_index}, which a person wrote as a "
                                     f"{label}; the network reads it as a {recorded.digit}.")

    # -- the drawing and the test digits ---------------------------------------------------
    @Slot(object)
    def showDrawing(self, image: np.ndarray | None) -> None:
        """The digit on the canvas as the network sees it (``(28, 28)`` in [0, 1]), or None."""
        drawing = None if image is None else np.asarray(image, dtype=np.float32).reshape(-1).copy()
        # The canvas is read again when nothing changed (a pen lifted where it
        # stopped, a new model): the same digit needs no new numbers.
        unchanged = (drawing is None and self._drawing is None or drawing is not None
                     and self._drawing is not None and np.array_equal(drawing, self._drawing))
        self._drawing = drawing
        if self.source() == DRAWING and not (unchanged and self._session.model is self._pages_model
                                             and (self._trace is not None) == (drawing is not None)):
            self._retrace()

    @Slot()
    def useDrawing(self) -> None:
        self.sourceBar.setSource(DRAWING)
        self._pending = None
        self._retrace()

    @Slot(int)
    def showTestDigit(self, index: int) -> None:
        """Step through MNIST test digit ``index`` (asking for the test digits first if need be)."""
        self.sourceBar.setSource(TEST_DIGIT)
        self._test_index = int(index)
        self.sourceBar.setTestNumber(self._test_index)
        if self._test is None:
            self._ask_for_test_digits("show")
        else:
            self._test_index %= len(self._test.labels)
            self._retrace()

    @Slot()
    def nextMistake(self) -> None:
        """Go to the next test digit after the one shown that the model gets wrong."""
        predictions = self._session.test_predictions
        if self._test is None or predictions is None:
            self.sourceBar.setSource(TEST_DIGIT)
            self._ask_for_test_digits("mistake")
            return
        wrong = np.flatnonzero(predictions.predictions != predictions.labels)
        if not len(wrong):
            self.sourceBar.setStatus("The network gets every test digit right: there is no mistake to show.")
            return
        start = self._test_index if self.testIndex() is not None else -1
        later = wrong[wrong > start]
        self.showTestDigit(int(later[0] if len(later) else wrong[0]))

    def setTestDigits(self, predictions: DigitPredictions) -> None:
        """The MNIST test digits, with the model's predictions on them; goes on with what was asked."""
        self._test = predictions
        self.sourceBar.numberBox.setMaximum(len(predictions.labels) - 1)
        pending, self._pending = self._pending, None
        if pending == "mistake":
            self.nextMistake()
        elif pending == "show" or self.source() == TEST_DIGIT:
            self.showTestDigit(self._test_index)

    def testDigitsUnavailable(self) -> None:
        """The test digits could not be had (the user declined): back to the drawing."""
        self._pending = None
        if self._test is None:
            self.useDrawing()
            self.sourceBar.setStatus("The MNIST test digits are not available; following your drawing.")
        elif self.source() == TEST_DIGIT:
            self._retrace()

    def _ask_for_test_digits(self, then: str) -> None:
        self._pending = then
        self._retrace()
        self.sourceBar.setStatus("Loading the MNIST test digits…")
        self.testDigitsNeeded.emit()

    @Slot(str)
    def _source_chosen(self, source: str) -> None:
        if source == DRAWING:
            self.useDrawing()
        else:
            self.showTestDigit(self._test_index)

"""My handwriting: labelling the drawing with its true digit (a digit key or
a click on a bar saves it in the session's personal samples, which the
personal memory learns at once) and the My handwriting window, which shows
the samples as they change, what each one does to the readings, and
switches personalisation on or off (remembered in the settings).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.data.handwriting.samples import SampleFileError
from digitpad.gui.controllers.base import DialogController
from digitpad.gui.controllers.personalisation import PersonalisationController
from digitpad.gui.settings import AppSettings
from digitpad.gui.window.canvas import DrawingCanvas
from digitpad.gui.window.live_recognition import LiveRecognition
from digitpad.session import Session


class HandwritingController(DialogController):
    loadSample = Signal(object)         # a PersonalSample to put back on the canvas
    adaptRequested = Signal()

    def __init__(self, window: QWidget, session: Session, canvas: DrawingCanvas, recognition: LiveRecognition,
                 personalisation: PersonalisationController, settings: AppSettings) -> None:
        super().__init__(window)
        self._session, self._canvas, self._recognition = session, canvas, recognition
        self._personalisation, self._settings = personalisation, settings

    @Slot(int)
    def label(self, digit: int) -> bool:
        """Save what is drawn (for a number, the digit in the bars) as ``digit`` in My handwriting."""
        recognition = self._recognition.recognition()
        if recognition is None:
            self.status.emit("Draw a digit first, then press its key to label it.", 5000)
            return False
        try:
            self._session.add_sample(digit, recognition.mnist_image, self._recognition.focusedStrokes())
        except SampleFileError as error:
            self.failed.emit("Cannot save the sample", f"{error}\n\nYour drawing is unchanged.")
            return False
        samples = self._session.samples
        count = int(samples.counts()[digit])
        message = f"Saved as a {digit} in My handwriting ({count} × {digit}, {len(samples)} samples in all)."
        if recognition.digit != digit:
            message += f" The network had read {recognition.digit}."
        self.status.emit(message, 8000)
        number = self._recognition.number()
        if number is not None and len(number) == 1:
            self._canvas.clear()            # ready for the next one
        return True

    @Slot()
    def show(self) -> None:
        """Open the My handwriting window (the same one each time)."""
        from digitpad.gui.handwriting.personal_samples_dialog import PersonalSamplesDialog

        if self._dialog is None:
            personalisation = self._personalisation
            dialog = PersonalSamplesDialog(self._session, self._window)
            dialog.loadSample.connect(self.loadSample)
            dialog.adaptRequested.connect(self.adaptRequested)
            dialog.personaliseToggled.connect(self.setPersonalise)
            dialog.visibilityChanged.connect(personalisation.watch)
            personalisation.effectsReady.connect(dialog.showEffects)
            personalisation.mnistMeasured.connect(dialog.showMnistMeasure)
            personalisation.notesChanged.connect(dialog.showNotes)
            personalisation.updated.connect(dialog.showUpdateTime)
            dialog.showNotes(personalisation.notes)
            self._adopt(dialog, delete_on_close=False)
        self._dialog.show()
        self._dialog.raise_()

    @Slot(bool)
    def setPersonalise(self, on: bool) -> None:
        """Read drawings with the samples (or not), from now on and next time."""
        self._session.set_personalise(on)
        self._settings.set_personalise(on)

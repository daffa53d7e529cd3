"""Live recognition: the canvas read by the model in use while the user
writes — while the pen moves, a reading starts at most every
``LIVE_PREDICTION_INTERVAL_MS`` after the start of the previous one (so the
time a reading takes, with the views it updates, is part of the interval
rather than added to it), at once when the pen lifts, when the drawing is
changed otherwise and when the session's model or personal memory changes.
It reads with the session's ``reader``: the model, or the personal memory
over it when personalisation is on. The reading goes
out by ``recognised``; for a number it follows the digit being written (the
one under the pen), outlines every digit on the canvas and knows which
strokes make up the digit being written, so that digit alone can be
labelled. When the user's samples decided the digit in the bars (the
network alone reads another one), ``personalNote`` says so.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal, Slot

from digitpad.data.ink.strokes import Stroke
from digitpad.gui.common.observe import observe
from digitpad.gui.common.percent import percent
from digitpad.gui.window.canvas import DrawingCanvas
from digitpad.model.recognition import NumberRecognition, Recognition, read_canvas
from digitpad.session import Session

# While the pen moves, start a reading at most this often (ms): 40 readings a
# second, so the views stay above 30 updates a second even when a reading and
# its repaint arrive late. A reading with every view open, repaint included,
# takes about half of it (scripts/bench_latency.py), which leaves the other
# half of the event loop to the pen.
LIVE_PREDICTION_INTERVAL_MS = 25


class LiveRecognition(QObject):
    # What was read (a NumberRecognition, None for no digit) and the index of
    # the digit being written in it.
    recognised = Signal(object, int)
    # Whether the user's samples take part in readings, and the note to show
    # ("" unless they changed the digit in the bars).
    personalNote = Signal(bool, str)

    def __init__(self, canvas: DrawingCanvas, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._canvas, self._session = canvas, session
        self._number: NumberRecognition | None = None
        self._focused = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        # A coarse timer may fire up to 5% late; the rate is a promise to keep.
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self.recogniseNow)
        self._since_reading = QElapsedTimer()
        canvas.drawingChanged.connect(self._drawing_changed)
        canvas.strokeFinished.connect(self.recogniseNow)
        observe(self, session.model_changed, self.recogniseNow)
        observe(self, session.personal_changed, self.recogniseNow)

    def number(self) -> NumberRecognition | None:
        """Everything read on the canvas, digit by digit."""
        return self._number

    def recognition(self) -> Recognition | None:
        """The digit shown in the bars (for a number, the one being written)."""
        return None if self._number is None else self._number.digits[self._focused]

    def nextReadingIn(self) -> int:
        """Milliseconds until the reading waiting for the pen (-1 when none is waiting)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def focusedStrokes(self) -> list[Stroke]:
        """The strokes of the digit in the bars: all of them, or for a number its digit's."""
        number = self._number
        if number is None or len(number) < 2:
            return self._canvas.strokes()
        top, bottom, left, right = number.boxes[self._focused_digit(number)]
        return self._canvas.strokesBetween(left, right)

    @Slot()
    def _drawing_changed(self) -> None:
        if not self._canvas.isDrawing():
            self.recogniseNow()
        elif not self._timer.isActive():
            # The first movement after a pause is read at once.
            since = self._since_reading.elapsed() if self._since_reading.isValid() else LIVE_PREDICTION_INTERVAL_MS
            self._timer.start(max(0, LIVE_PREDICTION_INTERVAL_MS - since))

    @Slot()
    def recogniseNow(self) -> None:
        """Read the canvas now and announce the result."""
        self._timer.stop()
        self._since_reading.start()
        canvas = self._canvas
        widths = [stroke.width for stroke in canvas.strokes()]
        number = read_canvas(self._session.reader, canvas.inkView(), widths, canvas.deviceScale())
        self._number = number
        self._focused = self._focused_digit(number)
        if number is None or len(number) < 2:
            if canvas.highlights():         # clearing nothing would still repaint the whole canvas
                canvas.setHighlights([])
        else:
            canvas.outlineDigits(number.boxes, [f"{digit.digit}  {percent(digit.confidence, 0)}"
                                                for digit in number.digits])
        self.recognised.emit(number, self._focused)
        self.personalNote.emit(self._session.reader is not self._session.model, self._personal_note())

    def _personal_note(self) -> str:
        recognition, session = self.recognition(), self._session
        if recognition is None or session.reader is session.model:
            return ""
        alone = session.model.predict_proba(recognition.mnist_image[None])[0]
        digit = int(alone.argmax())
        if digit == recognition.digit:
            return ""
        return (f"Read with your samples: the network alone reads {digit} "
                f"({percent(float(alone[digit]), 0)}).")

    def _focused_digit(self, number: NumberRecognition | None) -> int:
        """Index of the digit under the newest stroke's last point (else the last digit)."""
        if number is None or len(number) == 1:
            return 0
        column = self._canvas.penColumn()
        if column is not None:
            for index, (top, bottom, left, right) in enumerate(number.boxes):
                if left <= column <= right:
                    return index
        return len(number) - 1

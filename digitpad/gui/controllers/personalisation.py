"""Instant personal learning in the app: whenever the saved samples or the
model change, the personal memory is brought in step in the background
(``PersonalWorker``) and swapped into the session, so the next reading of
the canvas uses it — a label is learnt in milliseconds, without Adapt. At
start the memory is built from the samples saved before. Changes that
arrive while an update runs are gathered into one more update after it.
While My handwriting is open, and once the labels pause for
``EXPLAIN_AFTER_MS``, a second kind of job lists each sample's effect and
measures the personalised model on the MNIST test digits (``effectsReady``,
``mnistMeasured``); a new label cancels it, so explaining never delays
learning.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from digitpad.gui.app_paths import AppPaths
from digitpad.gui.common.background import BackgroundTask
from digitpad.gui.common.observe import observe
from digitpad.gui.controllers.base import Controller
from digitpad.gui.handwriting.personal_worker import MnistAtHand, PersonalUpdate, PersonalWorker
from digitpad.gui.settings import AppSettings
from digitpad.session import Session

# Explaining thousands of samples takes seconds of both cores: it waits
# until the user has stopped labelling for this long.
EXPLAIN_AFTER_MS = 600


class PersonalisationController(Controller):
    updated = Signal(float)         # seconds from the samples to a memory that reads them
    effectsReady = Signal(object)   # dict: sample id -> SampleEffect
    mnistMeasured = Signal(object)  # (personalised accuracy, network accuracy, readings changed)
    notesChanged = Signal(str)      # what could not be done, in words ("" when all is well)

    def __init__(self, window: QWidget, session: Session, settings: AppSettings, paths: AppPaths) -> None:
        super().__init__(window)
        self._session, self._settings, self._paths = session, settings, paths
        self._task = BackgroundTask(self)
        self._task.finished.connect(self._ended)
        self._pending = False
        self._explaining = False        # the running job has handed over its memory
        self._explained = None          # the memory whose effects were shown last
        self._watchers = 0              # open windows that show effects and the MNIST measure
        self._mnist: MnistAtHand | None = None
        self._last_label_seen = len(session.samples)
        self.notes = ""
        self._explain_timer = QTimer(self)
        self._explain_timer.setSingleShot(True)
        self._explain_timer.setInterval(EXPLAIN_AFTER_MS)
        self._explain_timer.timeout.connect(self._explain)
        observe(self, session.samples_changed, self.schedule)
        observe(self, session.model_changed, self.schedule)
        # The samples saved before are taught once the window is up.
        QTimer.singleShot(0, self.schedule)

    def isRunning(self) -> bool:
        return self._task.isRunning()

    def watch(self, watching: bool) -> None:
        """A window that shows effects and the MNIST measure opened (or closed)."""
        self._watchers = max(0, self._watchers + (1 if watching else -1))
        if watching:
            self._explained = None
            self._explain_timer.start(0)

    @Slot()
    def schedule(self) -> None:
        """Bring the memory in step now, or right after the update under way."""
        self._explain_timer.stop()
        if self._task.isRunning():
            self._pending = True
            if self._explaining:
                self._task.cancel()     # effects of samples about to change: start over with them
            return
        self._start(explain=False)

    def _start(self, explain: bool) -> None:
        self._pending = self._explaining = False
        session = self._session
        configured = self._settings.mnist_dir() or None
        data_dir = Path(configured) if configured else None
        if self._mnist is None or self._mnist.data_dir != data_dir:
            self._mnist = MnistAtHand(data_dir, self._paths.mnist_cache_dir)
        mnist = self._mnist
        # Reading MNIST for the anchors takes a second: the first label is
        # learnt without them, and they come with the next job.
        load_anchors = (len(session.samples) > 0 and mnist.anchors is None and not mnist.anchors_tried
                        and session.personal is not None and len(session.personal) > 0)
        worker = PersonalWorker(session.model, session.personal, session.samples.samples, mnist,
                                load_anchors=load_anchors, explain=explain)
        worker.memoryReady.connect(self._memory_ready)
        worker.succeeded.connect(self._explained_now)
        worker.failed.connect(lambda message: self.failed.emit("Cannot learn your handwriting", message))
        self._task.start(worker)

    @Slot()
    def _explain(self) -> None:
        memory = self._session.personal
        if (self._watchers and not self._task.isRunning() and memory is not None
                and memory is not self._explained):
            self._start(explain=True)

    @Slot(object)
    def _memory_ready(self, update: PersonalUpdate) -> None:
        self._explaining = True
        self._show_notes()
        if len(update.memory) and not update.memory.has_anchors and not self._mnist.anchors_tried:
            self._pending = True        # the anchors come with the next job
        if self._pending:
            self._task.cancel()
        if update.memory is self._session.personal or not self._session.set_personal(update.memory):
            return              # nothing new, or taught over a model no longer in use
        self.updated.emit(update.seconds)
        count = len(self._session.samples)
        if count > self._last_label_seen and self._session.personalise:
            samples = "your sample now shapes" if count == 1 else f"your {count} samples now shape"
            self.status.emit(f"Learnt in {update.seconds * 1000:.0f} ms: {samples} "
                             "how your drawings are read.", 6000)
        self._last_label_seen = count

    @Slot(object)
    def _explained_now(self, update: PersonalUpdate) -> None:
        self._show_notes()
        if update.memory is not self._session.personal:
            return
        self._explained = update.memory
        self.effectsReady.emit(update.effects)
        if update.mnist is not None:
            self.mnistMeasured.emit(update.mnist)

    def _show_notes(self) -> None:
        notes = self._mnist.notes()
        if notes != self.notes:
            self.notes = notes
            self.notesChanged.emit(notes)

    @Slot()
    def _ended(self) -> None:
        if self._pending:
            self.schedule()
        elif self._watchers:
            self._explain_timer.start()

    def stopAndWait(self) -> None:
        self._pending = False
        self._explain_timer.stop()
        self._task.stopAndWait()

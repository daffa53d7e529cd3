"""The training lab's remote control: Pause/Continue, train one batch, train
one epoch, slow motion (a pause between batches) and "Start paused", with
the run's state — not training, running, pausing, paused or stepping, and
where it is (epoch, batch) — always in words beside them. The buttons act
on the run's ``TrainingControl`` (``setControl``); the dialog tells the
widget what the run reports (``showProgress``, ``showPaused``,
``showContinued``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QGroupBox, QLabel, QWidget

from digitpad.gui.common.explain import explain, explained_button
from digitpad.train.control import TrainingControl

# Slow motion: (words, seconds between two batches).
DELAYS = (("Full speed", 0.0), ("0.1 s per batch", 0.1), ("0.25 s per batch", 0.25),
          ("0.5 s per batch", 0.5), ("1 s per batch", 1.0), ("2 s per batch", 2.0))


def _where(info: dict) -> str:
    """Words for a paused run's place: after its last batch, before the next."""
    if info["batch"] == 0:
        if info["epoch"] == 0:
            return "before the first batch"
        return f"after epoch {info['epoch']}/{info['epochs']}"
    return f"in epoch {info['epoch'] + 1}/{info['epochs']}, after batch {info['batch']}/{info['batches']}"


class RunControls(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Run", parent)
        self.setObjectName("runControls")
        self._control: TrainingControl | None = None
        self._mode = "idle"          # idle, running, pausing, paused, batch, epoch
        self._where = ""
        self._build()
        self.setControl(None)

    def _build(self) -> None:
        self.pauseButton = explained_button(
            "Pause", self._pause_or_continue, "Pause the training between two batches, or continue it",
            "<p><b>Pause / Continue</b></p><p>Stops the training between two batches so you can look at "
            "the charts and the weights, change a setting, or go on one batch or one epoch at a time. "
            "Continue trains on at full pace (or in slow motion).</p>")
        self.pauseButton.setObjectName("pauseTraining")
        self.stepBatchButton = explained_button(
            "One batch", self._step_batch, "Train on one more batch of digits, then pause",
            "<p><b>One batch</b></p><p>One step of gradient descent: the network sees one batch of "
            "training digits, the gradients are computed and the weights move once. Watch the weight "
            "pictures and the loss change by one step.</p>")
        self.stepBatchButton.setObjectName("stepBatch")
        self.stepEpochButton = explained_button(
            "One epoch", self._step_epoch, "Train to the end of this epoch, then pause",
            "<p><b>One epoch</b></p><p>Trains on until every training digit has been seen once in this "
            "epoch, then pauses before the next one: a good moment to compare the training and "
            "validation curves.</p>")
        self.stepEpochButton.setObjectName("stepEpoch")
        self.slowMotion = explain(QComboBox(), "Slow motion: wait between batches so you can follow each step",
                                  "<p><b>Slow motion</b></p><p>Waits this long after every batch, so the "
                                  "curves and the weight pictures change slowly enough to watch. The "
                                  "waiting is not counted as training time.</p>")
        self.slowMotion.setObjectName("slowMotion")
        self.slowMotion.addItems([words for words, _ in DELAYS])
        self.slowMotion.currentIndexChanged.connect(self._delay_chosen)
        self.startPaused = explain(QCheckBox("Start paused"), "Start the next run paused, before its first batch",
                                   "<p><b>Start paused</b></p><p>The next run stops before its very first "
                                   "batch, with the weights still random, so you can step through it from "
                                   "the beginning.</p>")
        self.startPaused.setObjectName("startPaused")
        self.stateLabel = QLabel()
        self.stateLabel.setObjectName("runState")
        self.stateLabel.setWordWrap(True)
        self.stateLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.stateLabel.setMinimumWidth(200)
        layout = QGridLayout(self)
        layout.addWidget(self.pauseButton, 0, 0)
        layout.addWidget(self.stepBatchButton, 0, 1)
        layout.addWidget(self.stepEpochButton, 0, 2)
        layout.addWidget(self.slowMotion, 1, 0, 1, 2)
        layout.addWidget(self.startPaused, 1, 2)
        layout.addWidget(self.stateLabel, 2, 0, 1, 3)
        layout.setRowStretch(3, 1)

    # -- state ---------------------------------------------------------------
    def control(self) -> TrainingControl | None:
        return self._control

    def delaySeconds(self) -> float:
        return DELAYS[self.slowMotion.currentIndex()][1]

    def setDelaySeconds(self, seconds: float) -> None:
        """Choose the slow motion closest to ``seconds``."""
        index = min(range(len(DELAYS)), key=lambda i: abs(DELAYS[i][1] - seconds))
        self.slowMotion.setCurrentIndex(index)

    def setControl(self, control: TrainingControl | None) -> None:
        """The running run's control (None when nothing trains)."""
        self._control = control
        self._where = ""
        self._mode = "idle" if control is None else ("paused" if control.paused else "running")
        self._show()

    def mode(self) -> str:
        return self._mode

    def stateText(self) -> str:
        return self.stateLabel.text()

    def showProgress(self, progress: dict) -> None:
        self._where = (f"epoch {progress['epoch']}/{progress['epochs']}, "
                       f"batch {progress['batch']}/{progress['batches']}")
        self._show()

    def showPaused(self, info: dict) -> None:
        self._mode = "paused"
        self._where = _where(info)
        self._show()

    def showContinued(self) -> None:
        if self._mode in ("paused", "pausing"):
            self._mode = "running"
        self._show()

    def _show(self) -> None:
        running = self._control is not None
        self.pauseButton.setEnabled(running)
        self.pauseButton.setText("Continue" if self._mode in ("paused", "pausing") else "Pause")
        self.stepBatchButton.setEnabled(running)
        self.stepEpochButton.setEnabled(running)
        self.startPaused.setEnabled(not running)
        where = self._where
        slow = f" · slow motion, {DELAYS[self.slowMotion.currentIndex()][0]}" if self.delaySeconds() else ""
        text = {
            "idle": "Not training. Start a run; tick “Start paused” to step it from the first batch.",
            "running": f"Running · {where}{slow}" if where else f"Running{slow}",
            "pausing": f"Pausing after this batch · {where}" if where else "Pausing after this batch",
            "paused": f"Paused {where}" if where else "Paused",
            "batch": "Stepping one batch…",
            "epoch": "Training to the end of the epoch…",
        }[self._mode]
        self.stateLabel.setText(text)

    # -- commands --------------------------------------------------------------
    @Slot()
    def _pause_or_continue(self) -> None:
        if self._control is None:
            return
        if self._mode in ("paused", "pausing"):
            self._control.play()
            self._mode = "running"
        else:
            self._control.pause()
            self._mode = "pausing"
        self._show()

    @Slot()
    def _step_batch(self) -> None:
        if self._control is not None:
            self._control.step_batch()
            self._mode = "batch"
            self._show()

    @Slot()
    def _step_epoch(self) -> None:
        if self._control is not None:
            self._control.step_epoch()
            self._mode = "epoch"
            self._show()

    @Slot(int)
    def _delay_chosen(self, index: int) -> None:
        if self._control is not None:
            self._control.set_delay(DELAYS[index][1])
        self._show()
